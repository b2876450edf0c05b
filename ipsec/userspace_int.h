/*
 * Internals of the userspace data plane, shared by userspace_backend.c
 * (SAD, SPD, tunnels, the ipsec_backend ops, lifetime events) and
 * userspace_dp.c (packet paths).  Not for other modules: use
 * ipsec/userspace.h.
 *
 * Objects:
 *   us_sa      one unidirectional SA (or an SPI reservation, "larval").
 *              Inbound SAs hash by SPI in in_tab, outbound ones in out_tab
 *              (lookup for update/query/del by (dst, spi)).
 *   us_reqid   the SAs and policies sharing a reqid (one CHILD_SA and its
 *              rekeyed successors): its outbound SAs newest first, the
 *              current one (`out`, first not hard-expired), and the tunnel
 *              its inbound traffic goes to.  Reference counted by SAs,
 *              policies and the tunnel whose output uses it.
 *   us_tunnel  a tunnel interface: config, counters, the reqid its
 *              output uses.
 *   us_policy  SPD entry; outbound ones sorted most specific first.
 */
#ifndef IKESH_IPSEC_USERSPACE_INT_H
#define IKESH_IPSEC_USERSPACE_INT_H

#include "ipsec/userspace.h"

#define US_EV_SOFT 1u
#define US_EV_HARD 2u

struct us_reqid;
struct us_tunnel;

struct us_sa {
	struct esp_sa esp;		/* keyed ESP state (not for larval SAs) */
	bool larval;			/* SPI reserved by get_spi, no keys yet */
	bool inbound;
	struct ipsec_sa_key key;
	uint32_t reqid;
	enum ipsec_sa_mode mode;
	uint16_t encr, encr_keybits, integ;
	bool esn;
	uint32_t replay_window;
	bool encap;
	uint16_t encap_sport, encap_dport;
	struct ipsec_ts src_ts[IPSEC_MAX_TS], dst_ts[IPSEC_MAX_TS];
	unsigned n_src_ts, n_dst_ts;
	bool any4, any6;		/* selectors cover all IPv4 / IPv6 traffic */
	uint64_t ike_sa_id, child_sa_id;
	uint64_t add_ms, use_ms, larval_until;
	/* outbound transmit shape (from key.dst family, encap, tx_headers) */
	uint8_t tx_headroom;		/* octets before the ESP header in out */
	bool tx_l3;			/* an outer IP header is built */
	/* lifetime events */
	bool has_hard;			/* a hard byte/packet/time limit is set */
	bool dead;			/* hard-expired: never selected again */
	uint8_t ev;			/* US_EV_* pending delivery */
	bool soft_done, hard_done;	/* already queued once */
	struct userspace_counters c;
	struct us_reqid *rq;
	struct us_sa *hnext;		/* in_tab / out_tab chain */
	struct us_sa *rq_next;		/* rq->outs chain (outbound) */
	struct us_sa *all_prev, *all_next;
};

struct us_reqid {
	uint32_t reqid;
	unsigned refs;
	struct us_sa *outs;		/* outbound SAs, newest first */
	struct us_sa *out;		/* current outbound SA or NULL */
	struct us_tunnel *tun;		/* inbound traffic goes there (weak) */
	struct us_reqid *hnext;
};

struct us_tunnel {
	uint32_t id;
	struct userspace_tunnel_config cfg;
	struct us_reqid *rq;		/* output uses this reqid's current SA */
	struct userspace_counters c;
	uint64_t icmp_window_ms;	/* ICMP rate limit: 1 s windows */
	unsigned icmp_count;
	struct us_tunnel *hnext;
};

struct us_policy {
	struct ipsec_policy_params p;
	unsigned prio;			/* lower = more specific, tried first */
	struct us_reqid *rq;
	struct us_policy *next;
};

#define US_TUN_BUCKETS 256u
#define US_RQ_BUCKETS 256u

struct userspace_dp {
	struct userspace_dp_config cfg;
	struct us_sa **in_tab, **out_tab;
	unsigned sa_mask;
	struct us_tunnel *tun_tab[US_TUN_BUCKETS];
	struct us_reqid *rq_tab[US_RQ_BUCKETS];
	struct us_policy *out_pols;	/* IPSEC_POLICY_OUT, sorted */
	struct us_policy *other_pols;	/* IN / FWD (kept for del_policy) */
	struct us_sa *all;		/* every SA, newest first */
	unsigned n_sa, n_larval, n_pol;
	unsigned events_pending;
	uint64_t next_scan_ms;
	uint16_t ip_id;
	unsigned batch_depth;		/* userspace_dp_batch_begin() nesting */
	uint64_t batch_now_ms;		/* the clock while in a batch */
	struct userspace_dp_stats st;
};

/* ---- shared helpers (userspace_backend.c) ---- */
uint64_t us_now_ms(struct userspace_dp *dp);
struct us_tunnel *us_tunnel_find(struct userspace_dp *dp, uint32_t id);

static inline struct us_sa *us_sa_in(struct userspace_dp *dp, uint32_t spi)
{
	struct us_sa *s = dp->in_tab[(spi * 2654435761u) & dp->sa_mask];
	while (s && s->key.spi != spi)
		s = s->hnext;
	return s;
}

/* Record a lifetime event for delivery by userspace_dp_poll(); a hard
 * event also retires the SA from selection. */
void us_sa_event(struct userspace_dp *dp, struct us_sa *sa, bool hard);
/* After a packet: soft limit (rekey_needed from the ESP layer) or hard
 * limit reached? */
void us_sa_check_after(struct userspace_dp *dp, struct us_sa *sa, bool rekey_needed);

/* ---- selectors (userspace_dp.c) ---- */

/* What a packet offers to traffic selectors. */
struct us_sel {
	uint8_t family;			/* 4 or 6 */
	const uint8_t *src, *dst;	/* 4 or 16 octets */
	uint8_t proto;
	bool has_ports;			/* TCP/UDP/SCTP/ICMP of a first fragment */
	uint16_t sport, dport;		/* ICMP: type << 8 | code in both */
};

bool us_ts_match(const struct ipsec_ts *ts, uint8_t family, const uint8_t *addr, uint8_t proto,
		 bool has_ports, uint16_t port);
/* The packet fits the SA's selectors (outbound: src_ts = its source). */
bool us_sa_sel_ok(const struct us_sa *sa, const struct us_sel *s);

#endif
