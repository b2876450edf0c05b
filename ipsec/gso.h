/*
 * TUN offloads for the userspace data plane: the virtio-net header that
 * precedes every packet on an IFF_VNET_HDR TUN, TCP segmentation of the
 * "super-packets" the kernel hands over with TSO (GSO) enabled, completion
 * of partial checksums (checksum offload), and the reverse for the
 * receive side: coalescing consecutive TCP segments of one flow into one
 * GSO packet for a single TUN write (as wireguard-go does).
 *
 * Pure functions over caller buffers (no I/O, no allocation).  Header
 * fields are host order in struct gso_info; the wire header is the
 * device's native-endian struct virtio_net_hdr (10 octets: the TUN default
 * on a little-endian host, no TUNSETVNETLE/BE).
 */
#ifndef IKESH_IPSEC_GSO_H
#define IKESH_IPSEC_GSO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GSO_VNET_HDR_LEN 10u

/* virtio_net_hdr flags / gso types (linux/virtio_net.h) */
#define GSO_F_NEEDS_CSUM 1u	/* checksum partial: see csum_start/offset */
#define GSO_F_DATA_VALID 2u
#define GSO_TYPE_NONE  0u
#define GSO_TYPE_TCPV4 1u
#define GSO_TYPE_TCPV6 4u
#define GSO_TYPE_ECN   0x80u

struct gso_info {
	uint8_t flags;		/* GSO_F_* */
	uint8_t type;		/* GSO_TYPE_* (| GSO_TYPE_ECN) */
	uint16_t hdr_len;	/* IP + TCP header length */
	uint16_t size;		/* payload octets per segment (the MSS) */
	uint16_t csum_start;	/* where the checksummed part begins (L4) */
	uint16_t csum_offset;	/* checksum field, from csum_start */
};

void gso_get_vnet(const uint8_t *p, struct gso_info *h);
void gso_put_vnet(uint8_t *p, const struct gso_info *h);

/* Internet checksum helpers: a 32-bit sum of big-endian 16-bit words
 * (start with 0 or a previous sum; data at an even offset of the summed
 * whole), and the folded, complemented 16-bit result. */
uint32_t gso_csum_add(uint32_t sum, const uint8_t *p, size_t len);
uint16_t gso_csum_fold(uint32_t sum);

/* Complete a partial checksum (GSO_F_NEEDS_CSUM on a packet that is not
 * GSO): the field at csum_start + csum_offset holds the pseudo-header sum;
 * the one's complement sum from csum_start to len replaces it (a UDP
 * result of 0 becomes 0xffff).  0, or -1 if the offsets do not fit (or
 * csum_offset is odd). */
int gso_csum_complete(uint8_t *pkt, size_t len, uint16_t csum_start, uint16_t csum_offset);

/* Full TCP/UDP checksum of an IPv4 or IPv6 packet (no extension headers)
 * with its L4 header at l4off: computed and stored.  0 or -1. */
int gso_l4_csum(uint8_t *pkt, size_t len, size_t l4off);

/*
 * Segmentation of a TCP GSO packet (type TCPV4 or TCPV6) into segments of
 * at most info->size payload octets, as the kernel's tcp_gso_segment()
 * does: IPv4 total length, ID (+1 per segment) and header checksum; IPv6
 * payload length; TCP sequence number (+size per segment), FIN and PSH
 * on the last segment only, CWR on the first only; TCP checksum complete.
 * The IP and TCP headers are taken from the packet itself (an IPv6 packet
 * with extension headers is refused).
 */
struct gso_seg {
	const uint8_t *pkt;
	size_t len;
	bool v6;
	size_t l4off, hdr;	/* TCP header offset, IP + TCP header length */
	size_t mss, pos;	/* segment payload size, next payload offset */
	unsigned i;		/* segments made so far */
	uint32_t seq;
	uint16_t id;
	uint8_t flags;		/* TCP flags of the super-packet */
};

/* 0, or -1 for a packet that cannot be segmented (not TCP, bad headers,
 * size 0). */
int gso_seg_init(struct gso_seg *s, const struct gso_info *h, const uint8_t *pkt, size_t len);
/* Writes the next segment to out: its length, 0 when all are done, -1 if
 * out is too small. */
int gso_seg_next(struct gso_seg *s, uint8_t *out, size_t out_size);

/*
 * Coalescing (receive side, "GRO"): consecutive IPv4/TCP segments of one
 * flow become one GSO packet for a single TUN write, as the kernel's
 * tcp_gro_receive() would merge them: same addresses, ports, TOS, TTL,
 * DF, no IP options or fragments, the same TCP header (length, options,
 * ACK number, window, flags apart from PSH), no SYN/FIN/RST/URG/CWR/ECE,
 * each sequence number right after the previous payload, every segment
 * but the last exactly as long as the first (the segment size), PSH only
 * on the last.  The first segment's buffer holds the headers of the
 * result; the others contribute their payloads (the caller gathers them,
 * e.g. with writev()).  At most 65535 octets in all.
 */
struct gso_coal {
	uint8_t *first;		/* first segment: its headers are patched */
	size_t hdr;		/* IP + TCP header length */
	size_t mss;		/* payload of the first segment */
	size_t total;		/* headers + all payloads so far */
	uint32_t next_seq;
	unsigned n;		/* segments */
	bool closed;		/* a short or PSH segment ended it */
	bool psh;
};

/* 0 if p (len octets, trimmed to its IP length) can start a coalesced
 * packet, -1 if it is to be written alone. */
int gso_coal_start(struct gso_coal *c, uint8_t *p, size_t len);
/* true if b belongs to c (then its payload b + *off, len - *off follows
 * the previous ones); false: write c and start anew. */
bool gso_coal_append(struct gso_coal *c, const uint8_t *b, size_t len, size_t *off);
/* Finish c (only when n > 1): IPv4 total length and header checksum, PSH,
 * TCP checksum field = pseudo-header sum for the kernel to complete; *h
 * says TCPV4 with segment size mss, NEEDS_CSUM. */
void gso_coal_finish(struct gso_coal *c, struct gso_info *h);

#endif
