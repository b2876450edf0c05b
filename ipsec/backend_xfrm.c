/*
 * The kernel XFRM data plane: ipsec/sa_install.h operations over XFRM
 * netlink, expiry events, SA listing (see ipsec/backend_xfrm.h).
 */
#include "ipsec/backend_xfrm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/xfrm/sa.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipsec/backend_xfrm_int.h"
#include "ipsec/xfrm_msg.h"

#define SPI_MIN 0xc0000000u
#define SPI_MAX 0xcfffffffu
/* reqids of SPI reservations (the engine's reqids count up from 1) */
#define LARVAL_REQID 0xf0000000u
#define LARVAL_KEEP_MS 600000

/* Counters of one SA as the kernel keeps them. */
struct xcount {
	uint64_t bytes, packets, replay, integ;
};

struct xsa {
	struct ipsec_sa_params p;	/* keys kept for update_sa (wiped on free) */
	uint32_t if_id;
	uint64_t add_ms;
	bool soft, hard;		/* expiry delivered */
	struct xcount base;		/* at "clear crypto sa counters" */
	struct xcount last;		/* the newest known (the hard expiry's) */
	struct xsa *next;		/* newest first */
};

/* What the SAs gone from the kernel had counted, per tunnel and direction:
 * IOS's counters run on across rekeys (see xfrm_backend_foreach_retired). */
struct xretired {
	struct xfrm_retired_info i;
	struct xretired *next;
};
#define MAX_RETIRED 1024

struct xpol {
	struct ipsec_policy_params p;
	uint32_t if_id;
	struct xpol *next;
};

/* An SPI from get_spi not installed yet (add_sa then uses UPDSA). */
struct xlarval {
	struct ipsec_sa_key key;
	uint64_t add_ms;
	struct xlarval *next;
};

struct xfrm_backend {
	struct xfrm_backend_config c;
	struct nl_sock *sk;		/* requests */
	struct nl_sock *ev;		/* XFRMNLGRP_EXPIRE */
	struct xsa *sas;
	struct xpol *pols;
	struct xlarval *larval;
	struct xretired *retired;	/* most recently used first */
	uint32_t larval_reqid;		/* unique per ALLOCSPI */
	struct xfrm_backend_stats st;
};

/* ------------------------------------------------------------ helpers */

static uint64_t now_ms(const struct xfrm_backend *x)
{
	if (x->c.now_ms)
		return x->c.now_ms(x->c.arg);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool key_eq(const struct ipsec_sa_key *a, const struct ipsec_sa_key *b)
{
	return a->spi == b->spi && a->proto == b->proto && ipsec_addr_eq(&a->dst, &b->dst);
}

static struct xsa **sa_find(struct xfrm_backend *x, const struct ipsec_sa_key *k)
{
	for (struct xsa **pp = &x->sas; *pp; pp = &(*pp)->next)
		if (key_eq(&(*pp)->p.key, k))
			return pp;
	return NULL;
}

static bool larval_take(struct xfrm_backend *x, const struct ipsec_sa_key *k)
{
	for (struct xlarval **pp = &x->larval; *pp; pp = &(*pp)->next) {
		if (key_eq(&(*pp)->key, k)) {
			struct xlarval *l = *pp;
			*pp = l->next;
			free(l);
			return true;
		}
	}
	return false;
}

static int count_err(struct xfrm_backend *x, int rc)
{
	if (rc < 0) {
		x->st.errors++;
		x->st.last_error = rc;
	}
	return rc;
}

static void sa_free(struct xsa *s)
{
	memset(&s->p, 0, sizeof(s->p));
	free(s);
}

/* ------------------------------------------------------------ ops */

static int parse_spi(struct nlmsghdr *h, void *arg)
{
	if (h->nlmsg_type != XFRM_MSG_NEWSA || nlmsg_datalen(h) < (int)sizeof(struct xfrm_usersa_info))
		return -EPROTO;
	const struct xfrm_usersa_info *i = nlmsg_data(h);
	*(uint32_t *)arg = ntohl(i->id.spi);
	return 0;
}

static int op_get_spi(void *ctx, const struct ipsec_addr *src, const struct ipsec_addr *dst,
		      uint8_t proto, uint32_t *spi)
{
	struct xfrm_backend *x = ctx;
	x->st.n_get_spi++;
	/* reservations the kernel dropped by now (xfrm_acq_expires, 30 s) */
	uint64_t now = now_ms(x);
	for (struct xlarval **pp = &x->larval; *pp;) {
		struct xlarval *l = *pp;
		if (now - l->add_ms < LARVAL_KEEP_MS) {
			pp = &l->next;
			continue;
		}
		*pp = l->next;
		free(l);
	}
	struct nl_msg *m;
	x->larval_reqid = x->larval_reqid + 1 < LARVAL_REQID ? LARVAL_REQID : x->larval_reqid + 1;
	int rc = xfrm_msg_allocspi(src, dst, proto, x->larval_reqid, SPI_MIN, SPI_MAX, &m);
	if (rc == 0)
		rc = xfrm_nl_transact(x->sk, m, parse_spi, spi);
	if (rc != 0)
		return count_err(x, rc);
	struct xlarval *l = calloc(1, sizeof(*l));
	if (l) {
		l->add_ms = now;
		l->key.src = *src;
		l->key.dst = *dst;
		l->key.spi = *spi;
		l->key.proto = proto;
		l->next = x->larval;
		x->larval = l;
	}
	return 0;
}

/* The if_id of the reqid's SAs (for its policies). */
static uint32_t reqid_if_id(const struct xfrm_backend *x, uint32_t reqid)
{
	for (const struct xsa *s = x->sas; s; s = s->next)
		if (s->p.reqid == reqid && s->if_id)
			return s->if_id;
	return 0;
}

static int install(struct xfrm_backend *x, const struct ipsec_sa_params *p, uint32_t if_id)
{
	struct nl_msg *m;
	bool larval = p->inbound && larval_take(x, &p->key);
	int rc = xfrm_msg_sa(p, if_id, larval, &m);
	if (rc == 0)
		rc = xfrm_nl_transact(x->sk, m, NULL, NULL);
	if (rc == -ESRCH && larval) {
		/* the larval state expired (xfrm_acq_expires): a plain add */
		rc = xfrm_msg_sa(p, if_id, false, &m);
		if (rc == 0)
			rc = xfrm_nl_transact(x->sk, m, NULL, NULL);
	}
	return rc;
}

static int op_add_sa(void *ctx, const struct ipsec_sa_params *p)
{
	struct xfrm_backend *x = ctx;
	x->st.n_add_sa++;
	struct xsa *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->p = *p;
	s->if_id = x->c.if_id_for_sa ? x->c.if_id_for_sa(x->c.arg, p) : 0;
	int rc = install(x, p, s->if_id);
	if (rc != 0) {
		sa_free(s);
		return count_err(x, rc);
	}
	s->add_ms = now_ms(x);
	s->next = x->sas;
	x->sas = s;
	return 0;
}

static int del_kernel(struct xfrm_backend *x, const struct ipsec_sa_key *k)
{
	struct nl_msg *m;
	int rc = xfrm_msg_sa_id(XFRM_MSG_DELSA, k, &m);
	if (rc == 0)
		rc = xfrm_nl_transact(x->sk, m, NULL, NULL);
	/* hard-expired SAs are gone already */
	return rc == -ESRCH || rc == -ENOENT ? 0 : rc;
}

static void retire(struct xfrm_backend *x, const struct xsa *s);

static int op_update_sa(void *ctx, const struct ipsec_sa_key *k, const struct ipsec_sa_update *u)
{
	struct xfrm_backend *x = ctx;
	x->st.n_update_sa++;
	struct xsa **pp = sa_find(x, k);
	if (!pp)
		return count_err(x, -ENOENT);
	struct xsa *s = *pp;
	struct ipsec_sa_params np = s->p;
	if (u->new_src.family)
		np.key.src = u->new_src;
	if (u->new_dst.family)
		np.key.dst = u->new_dst;
	np.encap = u->encap;
	np.encap_sport = u->encap_sport;
	np.encap_dport = u->encap_dport;
	/* the SA's key (daddr) may change: XFRM cannot move an SA, so it is
	 * installed anew (sequence numbers and counters restart: see docs;
	 * the counters so far go to the tunnel's totals) */
	retire(x, s);
	s->base = s->last = (struct xcount){0};
	int rc = del_kernel(x, k);
	if (rc == 0)
		rc = install(x, &np, s->if_id);
	if (rc != 0) {
		*pp = s->next;
		sa_free(s);
		return count_err(x, rc);
	}
	s->p = np;
	memset(&np, 0, sizeof(np));
	return 0;
}

struct query {
	struct ipsec_sa_stats *st;
	struct xfrm_sa_info *info;
	struct xcount *count;
	uint64_t now_ms;
};

/* NEWSA answer of GETSA, parsed by libnl-xfrm. */
static int parse_query(struct nlmsghdr *h, void *arg)
{
	struct query *q = arg;
	struct xfrmnl_sa *sa = NULL;
	if (xfrmnl_sa_parse(h, &sa) < 0 || !sa)
		return -EPROTO;
	unsigned long long bytes = 0, packets = 0, add_time = 0, use_time = 0;
	unsigned long long rw = 0, replay = 0, integ = 0;
	xfrmnl_sa_get_curlifetime(sa, &bytes, &packets, &add_time, &use_time);
	xfrmnl_sa_get_stats(sa, &rw, &replay, &integ);
	unsigned oseq = 0, seq = 0, bmp = 0, oseq_hi = 0, seq_hi = 0, w = 0, bl = 0;
	uint64_t last = 0;
	static unsigned bitmap[4096 / sizeof(unsigned)];	/* XFRMA_REPLAY_ESN_MAX */
	if (xfrmnl_sa_get_replay_state_esn(sa, &oseq, &seq, &oseq_hi, &seq_hi, &w, &bl, bitmap) == 0)
		last = q->info && q->info->inbound ? (uint64_t)seq_hi << 32 | seq
						   : (uint64_t)oseq_hi << 32 | oseq;
	else if (xfrmnl_sa_get_replay_state(sa, &oseq, &seq, &bmp) == 0)
		last = q->info && q->info->inbound ? seq : oseq;
	xfrmnl_sa_put(sa);
	/* use_time is wall-clock seconds: convert to the monotonic clock */
	uint64_t use_ms = 0;
	if (use_time) {
		time_t wall = time(NULL);
		uint64_t ago = wall > (time_t)use_time ? (uint64_t)(wall - (time_t)use_time) * 1000 : 0;
		use_ms = q->now_ms > ago ? q->now_ms - ago : 1;
	}
	if (q->st) {
		q->st->bytes = bytes;
		q->st->packets = packets;
		q->st->use_ms = use_ms;
	}
	if (q->count)
		*q->count = (struct xcount){bytes, packets, replay, integ};
	if (q->info) {
		q->info->in_kernel = true;
		q->info->bytes = bytes;
		q->info->packets = packets;
		q->info->use_ms = use_ms;
		q->info->replay_drops = (uint32_t)replay;
		q->info->integrity_failed = (uint32_t)integ;
		q->info->seq = last;
	}
	return 0;
}

static int query(struct xfrm_backend *x, const struct ipsec_sa_key *k, struct query *q)
{
	struct nl_msg *m;
	int rc = xfrm_msg_sa_id(XFRM_MSG_GETSA, k, &m);
	if (rc == 0)
		rc = xfrm_nl_transact(x->sk, m, parse_query, q);
	return rc;
}

static int op_query_sa(void *ctx, const struct ipsec_sa_key *k, struct ipsec_sa_stats *out)
{
	struct xfrm_backend *x = ctx;
	memset(out, 0, sizeof(*out));
	struct xsa **pp = sa_find(x, k);
	if (!pp)
		return -ENOENT;
	out->add_ms = (*pp)->add_ms;
	struct query q = {out, NULL, NULL, now_ms(x)};
	int rc = query(x, k, &q);
	out->add_ms = (*pp)->add_ms;
	return rc;
}

static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static bool retired_same(const struct xfrm_retired_info *a, const struct xfrm_retired_info *b)
{
	return a->if_id == b->if_id && a->inbound == b->inbound &&
	       ipsec_addr_eq(&a->local, &b->local) && ipsec_addr_eq(&a->remote, &b->remote);
}

/* s leaves the kernel: add its final counters to its tunnel's totals. */
static void retire(struct xfrm_backend *x, const struct xsa *s)
{
	struct xcount c = s->last;	/* a hard-expired SA is gone: its expiry's */
	struct query q = {NULL, NULL, &c, now_ms(x)};
	query(x, &s->p.key, &q);
	struct xfrm_retired_info k = {
		.if_id = s->if_id,
		.inbound = s->p.inbound,
		.local = s->p.inbound ? s->p.key.dst : s->p.key.src,
		.remote = s->p.inbound ? s->p.key.src : s->p.key.dst,
	};
	k.local.port = k.remote.port = 0;
	struct xretired **pp = &x->retired, *r;
	unsigned n = 0;
	while (*pp && !retired_same(&(*pp)->i, &k)) {
		pp = &(*pp)->next;
		n++;
	}
	if ((r = *pp)) {
		*pp = r->next;	/* moved to the front below */
	} else {
		if (n >= MAX_RETIRED) {
			/* forget the least recently used tunnel (the last one) */
			struct xretired **last = &x->retired;
			while ((*last)->next)
				last = &(*last)->next;
			free(*last);
			*last = NULL;
		}
		if (!(r = calloc(1, sizeof(*r))))
			return;
		r->i = k;
	}
	r->i.bytes += sub0(c.bytes, s->base.bytes);
	r->i.packets += sub0(c.packets, s->base.packets);
	r->i.replay_drops += sub0(c.replay, s->base.replay);
	r->i.integrity_failed += sub0(c.integ, s->base.integ);
	r->next = x->retired;
	x->retired = r;
}

static int op_del_sa(void *ctx, const struct ipsec_sa_key *k)
{
	struct xfrm_backend *x = ctx;
	x->st.n_del_sa++;
	struct xsa **pp = sa_find(x, k);
	bool larval = larval_take(x, k);
	if (!pp && !larval)
		return -ENOENT;
	if (pp)
		retire(x, *pp);
	int rc = del_kernel(x, k);
	if (pp) {
		struct xsa *s = *pp;
		*pp = s->next;
		sa_free(s);
	}
	return count_err(x, rc);
}

static bool pol_eq(const struct ipsec_policy_params *a, const struct ipsec_policy_params *b)
{
	return a->dir == b->dir && a->reqid == b->reqid &&
	       memcmp(&a->src_ts, &b->src_ts, sizeof(a->src_ts)) == 0 &&
	       memcmp(&a->dst_ts, &b->dst_ts, sizeof(a->dst_ts)) == 0;
}

static int policy_msg(struct xfrm_backend *x, const struct ipsec_policy_params *p, uint32_t if_id,
		      bool add)
{
	struct nl_msg *m;
	int rc = xfrm_msg_policy(p, if_id, add, &m);
	if (rc == 0)
		rc = xfrm_nl_transact(x->sk, m, NULL, NULL);
	return rc;
}

static int op_add_policy(void *ctx, const struct ipsec_policy_params *p)
{
	struct xfrm_backend *x = ctx;
	x->st.n_add_policy++;
	struct xpol *pol = calloc(1, sizeof(*pol));
	if (!pol)
		return -ENOMEM;
	pol->p = *p;
	pol->if_id = reqid_if_id(x, p->reqid);
	int rc = policy_msg(x, p, pol->if_id, true);
	if (rc != 0) {
		free(pol);
		return count_err(x, rc);
	}
	pol->next = x->pols;
	x->pols = pol;
	return 0;
}

/* The kernel knows a policy by direction, selector and if_id, not by
 * reqid: two CHILD_SAs with the same selectors (an IKE SA collision, two
 * tunnels' any/any) share one kernel policy. */
static bool pol_same_kernel(const struct xpol *a, const struct xpol *b)
{
	return a->p.dir == b->p.dir && a->if_id == b->if_id &&
	       memcmp(&a->p.src_ts, &b->p.src_ts, sizeof(a->p.src_ts)) == 0 &&
	       memcmp(&a->p.dst_ts, &b->p.dst_ts, sizeof(a->p.dst_ts)) == 0;
}

static int op_del_policy(void *ctx, const struct ipsec_policy_params *p)
{
	struct xfrm_backend *x = ctx;
	x->st.n_del_policy++;
	for (struct xpol **pp = &x->pols; *pp; pp = &(*pp)->next) {
		struct xpol *pol = *pp;
		if (!pol_eq(&pol->p, p))
			continue;
		*pp = pol->next;
		/* another user of the kernel policy (newest first) takes it
		 * over with its template; else it goes */
		struct xpol *other = x->pols;
		while (other && !pol_same_kernel(other, pol))
			other = other->next;
		int rc = other ? policy_msg(x, &other->p, other->if_id, true)
			       : policy_msg(x, &pol->p, pol->if_id, false);
		free(pol);
		return count_err(x, rc == -ENOENT ? 0 : rc);
	}
	return -ENOENT;
}

static const struct ipsec_sa_ops xfrm_ops = {
	.name = "kernel-xfrm",
	.get_spi = op_get_spi,
	.add_sa = op_add_sa,
	.update_sa = op_update_sa,
	.query_sa = op_query_sa,
	.del_sa = op_del_sa,
	.add_policy = op_add_policy,
	.del_policy = op_del_policy,
};

struct ipsec_backend xfrm_backend_ops(struct xfrm_backend *x)
{
	struct ipsec_backend be = {&xfrm_ops, x};
	return be;
}

/* ------------------------------------------------------------ lifecycle */

struct xfrm_backend *xfrm_backend_new(const struct xfrm_backend_config *c)
{
	struct xfrm_backend *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	if (c)
		x->c = *c;
	x->sk = xfrm_nl_open();
	x->ev = x->sk ? xfrm_nl_open() : NULL;
	if (!x->ev || nl_socket_add_membership(x->ev, XFRMNLGRP_EXPIRE) < 0 ||
	    nl_socket_set_nonblocking(x->ev) < 0) {
		int e = errno ? errno : EPROTONOSUPPORT;
		if (x->ev)
			nl_socket_free(x->ev);
		if (x->sk)
			nl_socket_free(x->sk);
		free(x);
		errno = e;
		return NULL;
	}
	fcntl(nl_socket_get_fd(x->ev), F_SETFD, FD_CLOEXEC);
	fcntl(nl_socket_get_fd(x->sk), F_SETFD, FD_CLOEXEC);
	return x;
}

void xfrm_backend_free(struct xfrm_backend *x)
{
	if (!x)
		return;
	while (x->pols) {
		struct xpol *p = x->pols;
		x->pols = p->next;
		bool shared = false;
		for (const struct xpol *o = x->pols; o && !shared; o = o->next)
			shared = pol_same_kernel(o, p);
		if (!shared)
			policy_msg(x, &p->p, p->if_id, false);
		free(p);
	}
	while (x->sas) {
		struct xsa *s = x->sas;
		x->sas = s->next;
		del_kernel(x, &s->p.key);
		sa_free(s);
	}
	while (x->larval) {
		struct xlarval *l = x->larval;
		x->larval = l->next;
		del_kernel(x, &l->key);
		free(l);
	}
	while (x->retired) {
		struct xretired *r = x->retired;
		x->retired = r->next;
		free(r);
	}
	nl_socket_free(x->ev);
	nl_socket_free(x->sk);
	free(x);
}

/* ------------------------------------------------------------ expiry */

int xfrm_backend_event_fd(const struct xfrm_backend *x)
{
	return x ? nl_socket_get_fd(x->ev) : -1;
}

/* The inbound SPI of the CHILD_SA an SA belongs to. */
static uint32_t spi_in_of(const struct xfrm_backend *x, const struct xsa *s)
{
	if (s->p.inbound)
		return s->p.key.spi;
	const struct xsa *best = NULL;
	for (const struct xsa *o = x->sas; o; o = o->next) {
		if (!o->p.inbound)
			continue;
		if (s->p.child_sa_id && o->p.child_sa_id == s->p.child_sa_id &&
		    o->p.ike_sa_id == s->p.ike_sa_id)
			return o->p.key.spi;
		if (!best && o->p.reqid == s->p.reqid)
			best = o;	/* newest first */
	}
	return best ? best->p.key.spi : 0;
}

static void on_expire(struct xfrm_backend *x, const struct xfrm_user_expire *e)
{
	struct ipsec_sa_key k;
	memset(&k, 0, sizeof(k));
	k.dst.family = e->state.family == AF_INET6 ? 6 : 4;
	memcpy(k.dst.ip, &e->state.id.daddr, k.dst.family == 6 ? 16 : 4);
	k.spi = ntohl(e->state.id.spi);
	k.proto = e->state.id.proto;
	struct xsa **pp = sa_find(x, &k);
	if (!pp)
		return;	/* not ours, or an unused SPI reservation timing out */
	struct xsa *s = *pp;
	bool hard = e->hard != 0;
	s->last.bytes = e->state.curlft.bytes;
	s->last.packets = e->state.curlft.packets;
	s->last.replay = e->state.stats.replay;
	s->last.integ = e->state.stats.integrity_failed;
	if (hard ? s->hard : s->soft)
		return;
	if (hard)
		s->hard = s->soft = true;
	else
		s->soft = true;
	if (hard)
		x->st.expire_hard++;
	else
		x->st.expire_soft++;
	struct xfrm_expire ev = {
		.key = s->p.key,
		.inbound = s->p.inbound,
		.hard = hard,
		.spi_in = spi_in_of(x, s),
		.reqid = s->p.reqid,
		.ike_sa_id = s->p.ike_sa_id,
		.child_sa_id = s->p.child_sa_id,
	};
	if (x->c.expire)
		x->c.expire(x->c.arg, &ev);
}

static int on_event(struct nl_msg *m, void *arg)
{
	struct xfrm_backend *x = arg;
	struct nlmsghdr *h = nlmsg_hdr(m);
	if (h->nlmsg_type == XFRM_MSG_EXPIRE &&
	    nlmsg_datalen(h) >= (int)sizeof(struct xfrm_user_expire))
		on_expire(x, nlmsg_data(h));
	return NL_OK;
}

static int no_seq_check(struct nl_msg *m, void *arg)
{
	(void)m;
	(void)arg;
	return NL_OK;
}

void xfrm_backend_read_events(struct xfrm_backend *x)
{
	if (!x)
		return;
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return;
	/* multicast events have sequence number 0 */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, x);
	/* the expire callback may call del_sa: it uses the other socket */
	for (int i = 0; i < 64; i++)
		if (nl_recvmsgs(x->ev, cb) < 0)
			break;	/* -NLE_AGAIN: drained */
	nl_cb_put(cb);
}

/* ------------------------------------------------------------ listing */

void xfrm_backend_foreach_sa(struct xfrm_backend *x,
			     void (*cb)(void *arg, const struct xfrm_sa_info *sa), void *arg)
{
	if (!x)
		return;
	uint64_t now = now_ms(x);
	for (const struct xsa *s = x->sas; s; s = s->next) {
		struct xfrm_sa_info i;
		memset(&i, 0, sizeof(i));
		i.key = s->p.key;
		i.inbound = s->p.inbound;
		i.reqid = s->p.reqid;
		i.if_id = s->if_id;
		i.mode = s->p.mode;
		i.encr = s->p.encr;
		i.encr_keybits = s->p.encr_keybits;
		i.integ = s->p.integ;
		i.esn = s->p.esn;
		i.encap = s->p.encap;
		i.encap_sport = s->p.encap_sport;
		i.encap_dport = s->p.encap_dport;
		i.replay_window = s->p.replay_window;
		i.ike_sa_id = s->p.ike_sa_id;
		i.child_sa_id = s->p.child_sa_id;
		i.lifetime = s->p.lifetime;
		i.add_ms = s->add_ms;
		i.soft_expired = s->soft;
		i.hard_expired = s->hard;
		struct xcount c = s->last;
		struct query q = {NULL, &i, &c, now};
		query(x, &s->p.key, &q);
		/* since "clear crypto sa counters" */
		i.bytes = sub0(c.bytes, s->base.bytes);
		i.packets = sub0(c.packets, s->base.packets);
		i.replay_drops = (uint32_t)sub0(c.replay, s->base.replay);
		i.integrity_failed = (uint32_t)sub0(c.integ, s->base.integ);
		cb(arg, &i);
	}
}

void xfrm_backend_foreach_retired(const struct xfrm_backend *x,
				  void (*cb)(void *arg, const struct xfrm_retired_info *r), void *arg)
{
	for (const struct xretired *r = x ? x->retired : NULL; r; r = r->next)
		cb(arg, &r->i);
}

void xfrm_backend_clear_counters(struct xfrm_backend *x)
{
	if (!x)
		return;
	while (x->retired) {
		struct xretired *r = x->retired;
		x->retired = r->next;
		free(r);
	}
	uint64_t now = now_ms(x);
	for (struct xsa *s = x->sas; s; s = s->next) {
		struct xcount c = s->last;
		struct query q = {NULL, NULL, &c, now};
		query(x, &s->p.key, &q);
		s->base = c;
	}
}

void xfrm_backend_get_stats(const struct xfrm_backend *x, struct xfrm_backend_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!x)
		return;
	*out = x->st;
	for (const struct xsa *s = x->sas; s; s = s->next)
		out->sas++;
	for (const struct xpol *p = x->pols; p; p = p->next)
		out->policies++;
}
