/*
 * GRE (RFC 2784) for GRE over IPsec in the userspace data plane.
 *
 * Only what IOS sends on a "tunnel mode gre ip" interface without "tunnel
 * key", "tunnel sequence-datagrams" or "tunnel checksum": a 4-octet header
 * with every flag and the version zero, protocol type 0x0800 (IPv4), and
 * the delivery IPv4 header (protocol 47) from the tunnel source to the
 * tunnel destination.  Anything else is refused on input (and counted by
 * the caller): GRE keepalives and IPv6 payloads are not carried.
 *
 * Pure functions over caller buffers: no allocation, no sockets.  The
 * userspace data plane (ipsec/userspace_dp.c) puts these headers inside
 * ESP: transport mode protects GRE + inner packet (next header 47; the
 * delivery IPv4 header is the outer header), tunnel mode protects the whole
 * delivery packet (next header 4).
 */
#ifndef IKESH_IPSEC_GRE_H
#define IKESH_IPSEC_GRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GRE_HDR_LEN 4u
#define GRE_IP_PROTO 47u
#define GRE_PROTO_IPV4 0x0800u
/* Delivery IPv4 header + GRE header. */
#define GRE_IPV4_OVERHEAD 24u
/* "tunnel ttl" default on IOS. */
#define GRE_TTL 255u

enum gre_status {
	GRE_OK = 0,
	GRE_E_SHORT = -1,	/* shorter than a GRE header (+ delivery header) */
	GRE_E_FLAGS = -2,	/* checksum/routing/key/sequence flag, reserved bits or
				 * version set: not what the tunnel is configured for */
	GRE_E_PROTO = -3,	/* protocol type not 0x0800 (IPv4) */
	GRE_E_INNER = -4,	/* the payload is not a well-formed IPv4 packet */
	GRE_E_DELIVERY = -5,	/* delivery header malformed, a fragment, or not
				 * protocol 47 */
	GRE_E_PEER = -6,	/* delivery addresses are not the tunnel's */
	GRE_E_NOSPACE = -7,	/* caller buffer too small */
};

/* Write the 4-octet GRE header for an IPv4 payload at p. */
void gre_put_header(uint8_t *p);

struct gre_delivery {
	uint32_t src, dst;	/* network byte order: tunnel source / destination */
	uint8_t tos;		/* copied from the inner header */
	bool df;
	uint16_t id;		/* host order */
};

/*
 * Write the delivery IPv4 header and the GRE header (24 octets) at p, in
 * front of an inner packet of inner_len octets that follows at p + 24.
 * GRE_OK or GRE_E_NOSPACE (the total would exceed 65535).
 */
int gre_put_ipv4(uint8_t *p, const struct gre_delivery *h, size_t inner_len);

/*
 * Check the GRE packet p[0..len) (starting at the GRE header) and the
 * IPv4 packet it carries.  On GRE_OK the inner packet is at p + *off,
 * *inner_len octets (trimmed to its IPv4 total length).
 */
int gre_decap(const uint8_t *p, size_t len, size_t *off, size_t *inner_len);

/*
 * The same for a delivery packet (IPv4 header + GRE + inner, as tunnel-mode
 * ESP carries it): the header must be a valid unfragmented IPv4 header,
 * protocol 47, from peer to local (network order; 0 skips that check).
 */
int gre_decap_ipv4(const uint8_t *p, size_t len, uint32_t peer, uint32_t local, size_t *off,
		   size_t *inner_len);

const char *gre_strerror(int status);

#endif
