/*
 * The interface through which the IKEv2 engine hands CHILD_SAs to a data
 * plane, modelled on strongSwan's kernel_ipsec_t: allocate an inbound SPI,
 * add/update/query/delete one unidirectional SA, add/delete the policies
 * (traffic selectors) that steer traffic into it.
 *
 * The engine calls exactly these operations; the userspace data plane
 * (TUN/UDP), the kernel XFRM data plane and the test recorder
 * (ipsec/backend_mock.c) implement them.  Nothing here depends on the
 * IKEv2 headers: algorithms are plain IANA IKEv2 transform IDs, addresses
 * are struct ipsec_addr.
 *
 * Conventions:
 *   - An SA is named by (dst, spi, proto): the receiver chooses the SPI, so
 *     an inbound SA has dst = local address and spi = an SPI we allocated
 *     with get_spi; an outbound SA has dst = the peer and the peer's SPI.
 *   - Keys are raw key material as derived by IKEv2 (RFC 7296 2.17):
 *     AES-GCM keys include the 4-byte salt; integrity keys are empty for
 *     AEAD algorithms.
 *   - Every operation returns 0 on success, a negative errno-style value
 *     on failure.  Operations are called from the control-plane thread.
 */
#ifndef IKESH_IPSEC_SA_INSTALL_H
#define IKESH_IPSEC_SA_INSTALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define IPSEC_PROTO_ESP 50
#define IPSEC_PROTO_AH 51
#define IPSEC_MAX_KEY 64	/* largest key: AES-256 + salt (36), HMAC-SHA512 (64) */
#define IPSEC_MAX_TS 8		/* traffic selectors per side of one CHILD_SA */

/* An IP address with a port (the port is used only where said). */
struct ipsec_addr {
	uint8_t family;		/* 4 or 6; 0 = unset */
	uint8_t ip[16];		/* network order; 4 bytes used for IPv4 */
	uint16_t port;		/* host order */
};

/* Same address (family and IP; the port is not compared). */
static inline bool ipsec_addr_eq(const struct ipsec_addr *a, const struct ipsec_addr *b)
{
	return a->family == b->family && memcmp(a->ip, b->ip, a->family == 6 ? 16 : 4) == 0;
}

enum ipsec_sa_mode {
	IPSEC_SA_TUNNEL = 0,
	IPSEC_SA_TRANSPORT = 1,
};

/* One traffic selector (RFC 7296 3.13.1), ranges inclusive. */
struct ipsec_ts {
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* IP protocol, 0 = any */
	uint16_t start_port, end_port;
	uint8_t start[16], end[16];
};

/* How to find an SA. */
struct ipsec_sa_key {
	struct ipsec_addr src, dst;	/* outer addresses (ports ignored) */
	uint32_t spi;			/* host order */
	uint8_t proto;			/* IPSEC_PROTO_ESP */
};

struct ipsec_sa_lifetime {
	uint64_t soft_seconds, hard_seconds;	/* 0 = none */
	uint64_t soft_bytes, hard_bytes;
	uint64_t soft_packets, hard_packets;
};

/* Everything a data plane needs to run one unidirectional SA. */
struct ipsec_sa_params {
	struct ipsec_sa_key key;
	bool inbound;
	uint32_t reqid;		/* ties the SA pair to its policies / tunnel */
	enum ipsec_sa_mode mode;
	uint16_t encr;		/* IANA IKEv2 transform type 1 ID, e.g. 20 AES-GCM-16 */
	uint16_t encr_keybits;
	uint16_t integ;		/* IANA transform type 3 ID; 0 with AEAD */
	bool esn;
	uint8_t encr_key[IPSEC_MAX_KEY];
	size_t encr_key_len;	/* including the salt for AEAD */
	uint8_t integ_key[IPSEC_MAX_KEY];
	size_t integ_key_len;
	uint32_t replay_window;	/* 0: anti-replay off */
	struct ipsec_sa_lifetime lifetime;
	/* UDP encapsulation (RFC 3948): ports of key.src / key.dst. */
	bool encap;
	uint16_t encap_sport, encap_dport;
	/* Traffic selectors: src_ts = traffic leaving key.src's side. */
	struct ipsec_ts src_ts[IPSEC_MAX_TS], dst_ts[IPSEC_MAX_TS];
	unsigned n_src_ts, n_dst_ts;
	uint64_t ike_sa_id, child_sa_id;	/* for show commands */
};

/* New outer addresses / encapsulation for an SA (NAT mapping changes,
 * MOBIKE later). */
struct ipsec_sa_update {
	struct ipsec_addr new_src, new_dst;
	bool encap;
	uint16_t encap_sport, encap_dport;
};

struct ipsec_sa_stats {
	uint64_t bytes, packets;
	uint64_t use_ms;	/* monotonic ms of the last packet, 0 = never used */
	uint64_t add_ms;	/* monotonic ms when installed */
};

enum ipsec_policy_dir { IPSEC_POLICY_IN, IPSEC_POLICY_OUT, IPSEC_POLICY_FWD };

/* One policy: traffic from src_ts to dst_ts goes through (or came from)
 * the SAs of reqid between the outer addresses. */
struct ipsec_policy_params {
	enum ipsec_policy_dir dir;
	struct ipsec_ts src_ts, dst_ts;
	struct ipsec_addr src, dst;	/* outer tunnel addresses */
	uint32_t reqid;
	enum ipsec_sa_mode mode;
	uint8_t proto;			/* IPSEC_PROTO_ESP */
};

struct ipsec_sa_ops {
	const char *name;
	/* Allocate an unused inbound SPI for an SA from src (peer) to dst
	 * (local); it is reserved until add_sa with it, or del_sa. */
	int (*get_spi)(void *ctx, const struct ipsec_addr *src, const struct ipsec_addr *dst,
		       uint8_t proto, uint32_t *spi);
	int (*add_sa)(void *ctx, const struct ipsec_sa_params *p);
	int (*update_sa)(void *ctx, const struct ipsec_sa_key *k, const struct ipsec_sa_update *u);
	int (*query_sa)(void *ctx, const struct ipsec_sa_key *k, struct ipsec_sa_stats *out);
	int (*del_sa)(void *ctx, const struct ipsec_sa_key *k);
	int (*add_policy)(void *ctx, const struct ipsec_policy_params *p);
	int (*del_policy)(void *ctx, const struct ipsec_policy_params *p);
};

/* A data plane: its operations and their context. */
struct ipsec_backend {
	const struct ipsec_sa_ops *ops;
	void *ctx;
};

#endif
