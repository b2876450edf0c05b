/*
 * Userspace IPsec data plane: SAD + SPD + tunnels + the packet paths.
 *
 * This is the network-free core of the userspace data plane (see
 * docs/dataplane.md).  It implements the struct ipsec_backend of
 * ipsec/sa_install.h, so the IKEv2 engine installs CHILD_SAs into it, and
 * it turns packets into packets with pure functions over caller buffers:
 *
 *   TUN read ---> userspace_output() ---> USERSPACE_OK:   send tx to tx.dst
 *                                    \--> USERSPACE_ICMP: write out back to the TUN
 *   socket  ---> userspace_input()  ---> USERSPACE_OK:   write the inner packet
 *                                                          to the TUN of rx.tunnel_id
 *
 * Nothing here opens a socket or a device (ipsec/tun.h does the TUN part).
 *
 * Threading: one data plane object is used from one thread (the
 * control-plane event loop): the ipsec_backend ops, the packet functions and
 * userspace_dp_poll() must not run concurrently.  The packet path never
 * allocates; allocation happens only in the control operations (add_sa,
 * add_policy, tunnel add, get_spi).
 *
 * Tunnels.  A tunnel is what a TUN device carries: an sVTI interface
 * (Tunnel0, Virtual-Access3) or a GRE tunnel (kind USERSPACE_TUNNEL_GRE:
 * userspace_output() adds the GRE and delivery headers before ESP, in
 * transport or tunnel mode as the SA was negotiated, and input removes
 * them, so the TUN sees inner IPv4 packets either way).
 * Its id is chosen by the caller (any non-zero number, e.g. the Linux
 * ifindex of its TUN device).  A tunnel is bound to the CHILD_SAs of one
 * reqid (the engine keeps the reqid across rekeys); outbound traffic of the
 * tunnel always uses the newest usable outbound SA of that reqid, whatever
 * its selectors, and inbound SAs of that reqid deliver to the tunnel.  The
 * binding is made either
 *   - by the config hook tunnel_for_sa(), called from add_sa with the SA's
 *     parameters (ike_sa_id, child_sa_id, reqid, addresses, selectors), or
 *   - explicitly with userspace_tunnel_bind(dp, tunnel_id, reqid), e.g.
 *     from the engine's IKEV2_EV_UP child event (info->reqid).
 * Tunnel id 0 means "no tunnel": userspace_output(dp, 0, ...) looks the
 * packet up in the SPD (outbound policies, crypto-map style) instead.
 *
 * Lifetimes.  The packet path only records that an SA reached its soft
 * limit (bytes/packets/seconds, or 7/8 of the sequence space) or its hard
 * limit.  userspace_dp_poll() delivers these events through the expire
 * callback, outside the packet path, so the callback may call straight
 * into the engine:
 *
 *     static void on_expire(void *arg, const struct userspace_expire *ev)
 *     {
 *             ikev2_engine_child_expired(arg, ev->spi_in, ev->hard);
 *     }
 *
 * Call userspace_dp_poll() after each batch of packets and from a timer at
 * least once a second (it also checks time limits of idle SAs and frees
 * SPIs reserved by get_spi but never used).  A hard-expired SA stays
 * installed, dropping its packets, until del_sa.
 *
 * Clock: now_ms (config) must be the clock the engine uses (its
 * ops->now_ms), because query_sa's use_ms/add_ms are compared with it for
 * DPD.  Default: CLOCK_MONOTONIC in ms.
 */
#ifndef IKESH_IPSEC_USERSPACE_H
#define IKESH_IPSEC_USERSPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipsec/esp.h"
#include "ipsec/sa_install.h"

struct userspace_dp;

/* Room needed in `out` beyond the inner packet by userspace_output():
 * outer IPv6 header + UDP + ESP header, IV, padding, trailer, ICV, and
 * for a GRE tunnel its delivery IPv4 and GRE headers (24). */
#define USERSPACE_MAX_OVERHEAD (40u + ESP_MAX_OVERHEAD + 24u)

/* ------------------------------------------------------------ config */

/* What userspace_output() leaves in `out` (see struct userspace_tx). */
enum userspace_tx_headers {
	/* default: UDP-encapsulated SAs -> the UDP payload (ESP header first),
	 * for sendto() on the NAT-T socket; raw ESP over IPv4 -> a whole IPv4
	 * packet (protocol 50, for a raw IP_HDRINCL socket); raw ESP over
	 * IPv6 -> an IPv6 header + ESP. */
	USERSPACE_TX_RAW_L3 = 0,
	/* never an IP header: the UDP payload or the bare ESP packet (for a
	 * SOCK_RAW/IPPROTO_ESP socket; the kernel adds the IP header). */
	USERSPACE_TX_NO_L3,
	/* always a complete packet: outer IPv4 [+ UDP] + ESP (IPv4 outer
	 * addresses; an IPv6 UDP-encapsulated SA still gets the UDP payload,
	 * since UDP over IPv6 needs a checksum the socket computes). */
	USERSPACE_TX_ALL_L3,
};

/* A lifetime event (see userspace_dp_poll()). */
struct userspace_expire {
	uint32_t spi;		/* the SA that reached its limit */
	bool inbound;		/* its direction */
	bool hard;		/* hard: must go (delete); soft: rekey */
	uint32_t spi_in;	/* inbound SPI of the same CHILD_SA, for
				 * ikev2_engine_child_expired(); 0 if none */
	uint32_t reqid;
	uint64_t ike_sa_id, child_sa_id;	/* as given to add_sa */
};

struct userspace_dp_config {
	/* Monotonic clock in ms (the engine's clock); NULL: CLOCK_MONOTONIC. */
	uint64_t (*now_ms)(void *arg);
	void *clock_arg;
	/* Lifetime events, delivered by userspace_dp_poll(); may be NULL. */
	void (*expire)(void *arg, const struct userspace_expire *ev);
	void *expire_arg;
	/* Called by add_sa: the tunnel (id) an SA belongs to, 0 for none (the
	 * reqid is then bound to that tunnel, as by userspace_tunnel_bind()).
	 * May be NULL.  Must not call back into the engine. */
	uint32_t (*tunnel_for_sa)(void *arg, const struct ipsec_sa_params *p);
	void *tunnel_arg;
	enum userspace_tx_headers tx_headers;
	/* CBC IVs: ESP_IV_RANDOM (default) or ESP_IV_COUNTER (deterministic,
	 * no RAND_bytes per packet: tests and benchmarks). */
	enum esp_iv_mode cbc_iv;
	unsigned sa_buckets;	/* SPI hash size, rounded to a power of 2; 0: 1024 */
	uint32_t larval_ms;	/* SPIs from get_spi not used by add_sa are
				 * freed after this; 0: 180000 */
	unsigned icmp_per_sec;	/* ICMP errors per tunnel and second; 0: 100 */
};

/* A new data plane.  cfg may be NULL (all defaults).  NULL on no memory. */
struct userspace_dp *userspace_dp_new(const struct userspace_dp_config *cfg);
/* Frees every SA (keys are wiped), policy and tunnel. */
void userspace_dp_free(struct userspace_dp *dp);
/* The ipsec_backend to give to ikev2_engine_new(). */
struct ipsec_backend userspace_dp_backend(struct userspace_dp *dp);

/* Deliver pending lifetime events; check time limits (once a second) and
 * free stale SPI reservations.  Returns the number of events delivered. */
unsigned userspace_dp_poll(struct userspace_dp *dp);

/* A batch of packets: between begin and end the packet functions use the
 * time read at begin instead of reading the clock per packet (twice: use
 * time, ESP lifetime).  Keep batches short (one event-loop wake-up); they
 * nest. */
void userspace_dp_batch_begin(struct userspace_dp *dp);
void userspace_dp_batch_end(struct userspace_dp *dp);

/* ------------------------------------------------------------ tunnels */

/* Outer DF bit ("crypto ipsec df-bit"); zero is the IOS default. */
enum userspace_df { USERSPACE_DF_COPY = 0, USERSPACE_DF_SET, USERSPACE_DF_CLEAR };

/* What the tunnel's packets are inside ESP. */
enum userspace_tunnel_kind {
	USERSPACE_TUNNEL_SVTI = 0,	/* the IP packet itself (tunnel mode) */
	USERSPACE_TUNNEL_GRE,		/* GRE/IPv4 (RFC 2784, ipsec/gre.h): IPv4
					 * packets only; transport-mode SA:
					 * GRE + packet, next header 47; tunnel
					 * mode: delivery IPv4 + GRE + packet */
};

struct userspace_tunnel_config {
	uint16_t mtu;		/* IP MTU of the tunnel ("ip mtu"): larger IPv4
				 * packets with DF get ICMP "fragmentation
				 * needed", IPv6 ones "packet too big"; 0: no
				 * check */
	uint16_t mss4;		/* "ip tcp adjust-mss": clamp TCP SYNs (both
				 * directions); 0: off */
	uint16_t mss6;		/* "ipv6 tcp adjust-mss" */
	enum userspace_df df;	/* outer DF: copy from the inner IPv4 header
				 * (default), set, clear */
	uint32_t addr4;		/* tunnel IPv4 address, network order: source
				 * of ICMP errors (0: the SA's local address) */
	uint8_t addr6[16];	/* tunnel IPv6 address: source of ICMPv6
				 * errors (all zero: none are sent) */
	enum userspace_tunnel_kind kind;
	uint32_t gre_src, gre_dst;	/* GRE: tunnel source / destination
					 * (network order) for the delivery
					 * header and the inbound check; 0: the
					 * current SA's outer addresses */
};

/* IOS "show crypto ipsec sa" counters, kept per tunnel (across rekeys) and
 * per SA.  encaps = encrypt = digest, decaps = decrypt = verify. */
struct userspace_counters {
	uint64_t pkts_encaps, bytes_encaps;	/* inner octets */
	uint64_t pkts_decaps, bytes_decaps;
	uint64_t no_sa_send;		/* #pkts no sa (send): tunnel has no SA */
	uint64_t encaps_failed;		/* #pkts encaps failed (send): SA expired,
					 * packet outside the SA's selectors */
	uint64_t decaps_failed;		/* #pkts decaps failed (rcv): padding,
					 * inner header, SA expired */
	uint64_t invalid_prot;		/* #pkts invalid prot (recv): next header */
	uint64_t verify_failed;		/* #pkts verify failed: ICV */
	uint64_t invalid_identity;	/* #pkts invalid identity (recv): inner
					 * packet outside the SA's selectors */
	uint64_t invalid_len;		/* #pkts invalid len (rcv) */
	uint64_t replay_rollover_send;	/* sequence space exhausted */
	uint64_t replay_failed;		/* ##pkts replay failed (rcv) */
	uint64_t internal_err_send, internal_err_recv;	/* crypto, buffer space */
	uint64_t send_errors, recv_errors;	/* sums of the send / recv failures */
	uint64_t dummy_recv;		/* authentic dummy packets (RFC 4303 2.6) */
	uint64_t icmp_too_big;		/* ICMP errors generated (MTU/DF) */
	uint64_t too_big_dropped;	/* oversized DF packets dropped without
					 * an ICMP error (rate limit, no source) */
	uint64_t mss_clamped;		/* TCP SYNs whose MSS was lowered */
	uint64_t peer_moved;		/* authentic packets from another outer
					 * address/port than the SA's peer */
	uint64_t gre_dropped;		/* GRE tunnel: decrypted packets that were
					 * not GRE/IPv4 from the peer (short,
					 * flags, protocol type, addresses), and
					 * non-IPv4 packets not sent */
};

/* Add a tunnel (id != 0).  0, -EEXIST, -EINVAL, -ENOMEM. */
int userspace_tunnel_add(struct userspace_dp *dp, uint32_t id,
			 const struct userspace_tunnel_config *cfg);
/* Change MTU, MSS, DF, addresses.  0 or -ENOENT. */
int userspace_tunnel_set(struct userspace_dp *dp, uint32_t id,
			 const struct userspace_tunnel_config *cfg);
/* Remove a tunnel; its SAs stay (unbound).  0 or -ENOENT. */
int userspace_tunnel_del(struct userspace_dp *dp, uint32_t id);
/* Bind the SAs of reqid to the tunnel (reqid 0: unbind).  A reqid belongs
 * to at most one tunnel: binding it elsewhere moves it.  0, -ENOENT. */
int userspace_tunnel_bind(struct userspace_dp *dp, uint32_t id, uint32_t reqid);

struct userspace_tunnel_info {
	uint32_t id, reqid;
	struct userspace_tunnel_config cfg;
	uint32_t spi_out;	/* current outbound SPI, 0 = none ("current
				 * outbound spi") */
	struct ipsec_addr local, remote;	/* outer, of the current SA */
	bool encap;
	struct userspace_counters c;
};
int userspace_tunnel_info(struct userspace_dp *dp, uint32_t id,
			  struct userspace_tunnel_info *out);
int userspace_tunnel_clear_counters(struct userspace_dp *dp, uint32_t id);

/* Worst-case growth of a packet sent through the tunnel's current SA
 * (outer IP + [UDP] + ESP + IV + padding + ICV; GRE tunnels: + 4 for the
 * GRE header in transport mode, + 24 with the delivery header in tunnel
 * mode), for the auto tunnel MTU: mtu = path MTU - overhead.  With no SA:
 * the overhead of AES-CBC/SHA-512 in UDP (the largest; GRE: tunnel mode).
 * IPv4 outer unless the SA is IPv6. */
unsigned userspace_tunnel_overhead(struct userspace_dp *dp, uint32_t id);

/* ------------------------------------------------------------ SAs */

struct userspace_sa_info {
	struct ipsec_sa_key key;	/* ports = encap ports */
	bool inbound;
	uint32_t reqid, tunnel_id;	/* tunnel_id 0: not bound */
	enum ipsec_sa_mode mode;
	uint16_t encr, encr_keybits, integ;	/* IANA IDs as installed */
	bool esn, encap;
	uint32_t replay_window;		/* 0: replay detection off */
	uint64_t ike_sa_id, child_sa_id;
	uint64_t add_ms, use_ms;	/* use_ms 0: never used */
	uint64_t seq;			/* outbound: last sequence number sent;
					 * inbound: highest received */
	uint64_t remaining_kbytes;	/* UINT64_MAX: no limit */
	uint64_t remaining_seconds;	/* UINT64_MAX: no limit */
	uint8_t iv_len;			/* "IV size" */
	bool current;			/* outbound: the one its reqid uses now */
	bool soft_expired, hard_expired;
	struct userspace_counters c;
	struct esp_sa_stats esp;	/* the ESP layer's own counters */
};

/* One SA by SPI and direction.  0 or -ENOENT. */
int userspace_sa_info(struct userspace_dp *dp, uint32_t spi, bool inbound,
		      struct userspace_sa_info *out);
/* Every installed SA (not the SPI reservations), newest first.  The
 * callback must not change the data plane. */
void userspace_foreach_sa(struct userspace_dp *dp,
			  void (*cb)(void *arg, const struct userspace_sa_info *info), void *arg);
unsigned userspace_sa_count(const struct userspace_dp *dp);
unsigned userspace_policy_count(const struct userspace_dp *dp);

/* Data-plane-wide counters: packets that belong to no SA or tunnel. */
struct userspace_dp_stats {
	uint64_t invalid_sa_recv;	/* #pkts invalid sa (rcv): unknown SPI */
	uint64_t no_tunnel;		/* output to a tunnel id that does not exist */
	uint64_t no_policy;		/* output with tunnel 0 matching no policy */
	uint64_t malformed;		/* not an IP / ESP packet */
	uint64_t not_esp;		/* IKE (non-ESP marker) and keepalives */
	uint64_t expire_events;		/* delivered through the callback */
	uint64_t larval_expired;	/* SPI reservations freed unused */
};
void userspace_dp_get_stats(const struct userspace_dp *dp, struct userspace_dp_stats *out);

/* ------------------------------------------------------------ packets */

enum userspace_result {
	USERSPACE_OK = 0,	/* output: send; input: deliver to the TUN */
	USERSPACE_ICMP = 1,	/* output: out holds an ICMP/ICMPv6 error for the
				 * sender: write it to the tunnel's TUN */
	USERSPACE_NOT_ESP = 2,	/* input: IKE message (non-ESP marker) or NAT
				 * keepalive: rx.kind says which */
	/* drops */
	USERSPACE_E_NO_TUNNEL = -1,	/* unknown tunnel id */
	USERSPACE_E_NO_SA = -2,		/* output: no usable SA; input: unknown SPI */
	USERSPACE_E_NO_POLICY = -3,	/* output, tunnel 0: no policy matches */
	USERSPACE_E_MALFORMED = -4,	/* not a valid IP / ESP packet */
	USERSPACE_E_ESP = -5,		/* the ESP layer refused: esp_status says why */
	USERSPACE_E_SELECTOR = -6,	/* inner packet outside the SA's selectors */
	USERSPACE_E_TOO_BIG = -7,	/* DF packet over the MTU, no ICMP sent */
	USERSPACE_E_NOSPACE = -8,	/* out too small */
	USERSPACE_E_INVAL = -9,
	USERSPACE_E_GRE = -10,		/* GRE tunnel: not GRE/IPv4 from the peer
					 * (input), not IPv4 (output): gre_status */
};
const char *userspace_strerror(int result);

/* Outcome of userspace_output*(). */
struct userspace_tx {
	size_t len;		/* the packet is out[0..len) */
	bool l3;		/* it starts with the outer IP header; else it is
				 * the UDP payload (proto 17) or bare ESP (50) */
	uint8_t proto;		/* 17: UDP-encapsulated ESP, 50: ESP;
				 * USERSPACE_ICMP: 1 or 58 */
	struct ipsec_addr src, dst;	/* outer addresses; ports: the UDP
					 * ports with proto 17 */
	bool df;		/* outer DF wanted (socket: IP_PMTUDISC_DO/DONT) */
	uint8_t tos;		/* outer TOS / traffic class (DSCP copied, ECN
				 * per RFC 6040) */
	uint32_t tunnel_id;
	uint32_t spi, reqid;
	uint64_t seq;
	bool mss_clamped;
	int esp_status;		/* ESP_E_* with USERSPACE_E_ESP */
	int gre_status;		/* GRE_E_* with USERSPACE_E_GRE */
};

/* Outcome of userspace_input*(). */
struct userspace_rx {
	size_t off, len;	/* inner packet / transport payload */
	uint32_t tunnel_id;	/* TUN to deliver to; 0: no tunnel bound (SPD) */
	uint8_t next_header;	/* 4/41 (tunnel mode), or the transport protocol
				 * (47 for GRE) */
	bool transport;
	bool gre;		/* GRE tunnel: the GRE (and delivery) headers were
				 * removed, off/len is the inner IPv4 packet */
	uint32_t spi, reqid;
	uint64_t seq;
	bool mss_clamped;
	bool peer_moved;	/* authentic, but from another address/port than
				 * the SA's peer: tell IKE (NAT mapping change) */
	enum esp_rx_kind kind;	/* USERSPACE_NOT_ESP: ESP_RX_IKE (IKE message
				 * at pkt+off, len) or ESP_RX_KEEPALIVE */
	int esp_status;		/* ESP_E_* with USERSPACE_E_ESP */
	int gre_status;		/* GRE_E_* with USERSPACE_E_GRE */
};

/*
 * Tunnel mode: protect the IP packet pkt[0..len) read from tunnel
 * `tunnel_id`'s TUN (IPv4 or IPv6), or, with tunnel_id 0, the packet
 * matching an outbound policy.  Writes to out[0..out_size) (needs len +
 * USERSPACE_MAX_OVERHEAD): the packet to send (USERSPACE_OK) or an ICMP
 * error to write back to the TUN (USERSPACE_ICMP, IPv4 DF packet or IPv6
 * packet bigger than the tunnel MTU).  MSS clamping per the tunnel config.
 * A GRE tunnel (IPv4 packets only) wraps the packet in GRE first: after
 * the MTU check and MSS clamping, GRE + packet go into a transport-mode
 * SA (next header 47), delivery header + GRE + packet into a tunnel-mode
 * one.  pkt and out must not overlap, except that pkt may lie at exactly
 * out + userspace_output_offset() (built there by the caller: no copy).
 */
int userspace_output(struct userspace_dp *dp, uint32_t tunnel_id, const uint8_t *pkt,
		     size_t len, uint8_t *out, size_t out_size, struct userspace_tx *tx);

/* Where userspace_output() wants the inner packet in `out` for the
 * tunnel's current SA (outer headers, ESP header and IV before it), or 0
 * when that is not known in advance (no SA, a GRE tunnel). */
size_t userspace_output_offset(struct userspace_dp *dp, uint32_t tunnel_id);

/*
 * Transport mode, generic: protect the payload of protocol `proto` sent
 * through the tunnel's SA between the SA's outer addresses.  No MTU check
 * or MSS clamping.  (GRE tunnels need not call this: userspace_output()
 * does the GRE part.)
 */
int userspace_output_transport(struct userspace_dp *dp, uint32_t tunnel_id, uint8_t proto,
			       const uint8_t *payload, size_t len, uint8_t *out,
			       size_t out_size, struct userspace_tx *tx);

/*
 * Receive: pkt[0..len) is the UDP payload from the NAT-T socket (ESP, IKE
 * with the non-ESP marker, or a keepalive) or a bare ESP packet (raw
 * socket, IP header stripped); src/dst are the outer addresses (src.port
 * the UDP source port, 0 for raw ESP; may be NULL).  The SA is found by
 * SPI.  On USERSPACE_OK the inner IP packet (tunnel mode) or the transport
 * payload is out[0..rx->len) (rx->off = 0), for the TUN of rx->tunnel_id;
 * for an SA bound to a GRE tunnel it is the IPv4 packet carried in GRE
 * (rx->gre), after checking the GRE header and, in tunnel mode, that the
 * delivery header runs from the tunnel destination to its source.
 * out needs len octets.
 */
int userspace_input(struct userspace_dp *dp, const struct ipsec_addr *src,
		    const struct ipsec_addr *dst, const uint8_t *pkt, size_t len, uint8_t *out,
		    size_t out_size, struct userspace_rx *rx);

/* The same, decrypting in place without a copy: on USERSPACE_OK the inner
 * packet is pkt[rx->off .. rx->off + rx->len).  pkt is clobbered on errors. */
int userspace_input_inplace(struct userspace_dp *dp, const struct ipsec_addr *src,
			    const struct ipsec_addr *dst, uint8_t *pkt, size_t len,
			    struct userspace_rx *rx);

/* A whole outer IPv4 packet (protocol 50, or UDP to port 4500), in place;
 * rx->off/len locate the inner packet in pkt.  ECN: a CE outer mark is
 * copied onto an ECN-capable inner IPv4 packet (RFC 6040). */
int userspace_input_ipv4(struct userspace_dp *dp, uint8_t *pkt, size_t len,
			 struct userspace_rx *rx);

/* ------------------------------------------------------------ helpers */

/*
 * "ip tcp adjust-mss": if pkt is an IPv4 or IPv6 TCP segment with SYN set
 * whose MSS option is larger than mss, lower it to mss and fix the TCP
 * checksum incrementally (RFC 1624).  Returns 1 if changed, 0 if not (not
 * TCP SYN, no MSS option, already small enough, non-first fragment,
 * malformed).
 */
int userspace_clamp_mss(uint8_t *pkt, size_t len, uint16_t mss);

/*
 * Build an ICMP "fragmentation needed" (type 3 code 4, next-hop MTU) for
 * the IPv4 packet orig[0..len) into out (from src, network order), or an
 * ICMPv6 "packet too big" for an IPv6 packet (src: 16 octets).  Quotes as
 * much of the original as fits in 576 (IPv4) / 1280 (IPv6) octets.
 * Returns the length, or 0 if no error may be sent for it (ICMP error,
 * non-first fragment, multicast/unspecified source) or out is too small.
 */
size_t userspace_icmp_too_big(const uint8_t *orig, size_t len, const uint8_t *src,
			      uint16_t mtu, uint8_t *out, size_t out_size);

#endif
