/*
 * Batched packet I/O around the userspace data plane (docs/dataplane.md,
 * "Performance through the network"): what the event loop calls when a
 * TUN device or the raw ESP socket is readable, with as few system calls
 * per packet as the kernel allows.
 *
 * Send direction: a TUN opened with TUN_F_OFFLOAD hands over TCP
 * super-packets (up to 64 KB, virtio-net header with gso_size) and partial
 * checksums; each super-packet is cut into MSS-sized segments
 * (ipsec/gso.h), every segment goes through userspace_output() (so MTU
 * check, MSS clamping, GRE, counters and sequence numbers are per real
 * ESP packet), and the ESP packets for the raw socket leave with one
 * sendmmsg() per batch (two batches: a sender thread sends one while the
 * next fills; it touches only the batch and the socket, and every call
 * returns with nothing in flight; IKESH_DP_SENDER_THREAD=0 in the
 * environment keeps it all in the calling thread).  UDP-encapsulated ESP
 * goes to a callback, one packet at a time, in order.
 *
 * Receive direction: recvmmsg() on the raw ESP socket, decryption in place,
 * and the decrypted packets go through an rx queue that coalesces
 * consecutive TCP segments of one flow into one GSO packet per TUN write
 * (userspace_io_rx_add / userspace_io_rx_flush).  Queued packets stay in
 * the caller's buffers until the flush.
 *
 * Static buffers; called from one thread (the data plane's: see
 * ipsec/userspace.h).
 */
#ifndef IKESH_IPSEC_USERSPACE_IO_H
#define IKESH_IPSEC_USERSPACE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipsec/tun.h"
#include "ipsec/userspace.h"

/* Packets handled by one userspace_io_tun_output() call. */
struct userspace_io_tx_counts {
	uint64_t tun_reads;	/* reads from the TUN (a super-packet is one) */
	uint64_t segments;	/* packets made from super-packets */
	uint64_t esp_tx;	/* ESP packets sent through the raw socket */
	uint64_t esp_tx_errors;	/* ... that the socket refused */
	uint64_t icmp_sent;	/* ICMP "too big" written back to the TUN */
	uint64_t bad_offload;	/* super-packets / partial checksums refused */
};

/* Everything that is not an IPv4 packet for the raw socket (UDP-
 * encapsulated ESP): the caller sends pkt[0..tx->len). */
typedef void (*userspace_io_send_fn)(void *arg, const struct userspace_tx *tx,
				     const uint8_t *pkt);

/*
 * TUN readable: read up to max_reads packets from tun (virtio-net header
 * if it was opened with TUN_F_VNET_HDR / TUN_F_OFFLOAD), protect them
 * through tunnel tunnel_id, send the ESP packets in batches on raw_fd
 * (IPPROTO_RAW-style socket with IP_HDRINCL; -1: none, then `send` gets
 * them too), everything else through `send`.  Adds to *c.
 */
void userspace_io_tun_output(struct userspace_dp *dp, uint32_t tunnel_id,
			     const struct tun_dev *tun, unsigned max_reads, int raw_fd,
			     userspace_io_send_fn send, void *arg,
			     struct userspace_io_tx_counts *c);

/* ---- receive ---- */

/* A decrypted packet (pkt + rx->off, rx->len): the caller queues it with
 * userspace_io_rx_add() (or writes it itself). */
typedef void (*userspace_io_deliver_fn)(void *arg, const struct userspace_rx *rx, uint8_t *pkt);

/*
 * Raw ESP socket (IPv4, IPPROTO_ESP) readable: up to max packets with
 * recvmmsg(), each through userspace_input_ipv4(); the authentic ones go
 * to deliver, and the rx queue is flushed after every batch.  Returns the
 * number of packets received.
 */
unsigned userspace_io_raw_input(struct userspace_dp *dp, int raw_fd, unsigned max,
				userspace_io_deliver_fn deliver, void *arg);

/*
 * Queue a decrypted IP packet for the TUN `tun`.  It is written at the
 * latest by userspace_io_rx_flush(); TCP segments following each other
 * in one flow are written as one GSO packet (if tun has virtio-net
 * headers).  *ok / *err (may be NULL) get the number of packets written /
 * refused by the TUN when they are written.  pkt must stay valid and tun
 * open until the flush.
 */
void userspace_io_rx_add(const struct tun_dev *tun, uint8_t *pkt, size_t len, uint64_t *ok,
			 uint64_t *err);
void userspace_io_rx_flush(void);

/* Totals since start (for benchmarks and debugging). */
struct userspace_io_stats {
	struct userspace_io_tx_counts tx;
	uint64_t sendmmsg_calls;
	uint64_t esp_rx, recvmmsg_calls;
	uint64_t rx_writes;		/* TUN writes */
	uint64_t rx_coalesced;		/* packets merged into a previous one */
	uint64_t rx_write_errors;	/* packets the TUN refused */
};
void userspace_io_get_stats(struct userspace_io_stats *out);

#endif
