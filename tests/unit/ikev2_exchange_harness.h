/*
 * Test harness for the IKEv2 engine: two engines in one process, a fake
 * clock with timers (tests advance time, nothing sleeps), a fake network
 * that queues datagrams and can drop, duplicate, hold/reorder them and
 * put peer A behind a NAT, recording mock data planes, and peer
 * configurations the engines look up.
 *
 * Included by the tests/unit/test_ikev2_exchange*.c files; everything is
 * static inline so that each test uses what it needs.
 */
#ifndef IKESH_TESTS_IKEV2_EXCHANGE_HARNESS_H
#define IKESH_TESTS_IKEV2_EXCHANGE_HARNESS_H

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine.h"
#include "ikev2/ikev2_const.h"
#include "ipsec/backend_mock.h"
#include "lib/log.h"

/* ------------------------------------------------------------ clock */

struct ftimer {
	uint64_t due, seq;
	ikev2_timer_cb cb;
	void *arg;
	struct ftimer *next;
};

static struct {
	uint64_t now;
	uint64_t seq;
	struct ftimer *timers;
} fclock;

static inline uint64_t h_now(void *ctx)
{
	(void)ctx;
	return fclock.now;
}

static inline void *h_timer_add(void *ctx, uint64_t ms, ikev2_timer_cb cb, void *arg)
{
	(void)ctx;
	struct ftimer *t = calloc(1, sizeof(*t));
	t->due = fclock.now + ms;
	t->seq = fclock.seq++;
	t->cb = cb;
	t->arg = arg;
	t->next = fclock.timers;
	fclock.timers = t;
	return t;
}

static inline void h_timer_cancel(void *ctx, void *timer)
{
	(void)ctx;
	for (struct ftimer **pp = &fclock.timers; *pp; pp = &(*pp)->next) {
		if (*pp == timer) {
			*pp = (*pp)->next;
			free(timer);
			return;
		}
	}
}

static inline unsigned h_timer_count(void)
{
	unsigned n = 0;
	for (struct ftimer *t = fclock.timers; t; t = t->next)
		n++;
	return n;
}

/* ------------------------------------------------------------ network */

enum { PEER_A = 0, PEER_B = 1 };

struct hpkt {
	int to;
	struct ipsec_addr local, remote;	/* as the receiver sees them */
	uint8_t *data;
	size_t len;
	struct hpkt *next;
};

/* What the network does with one datagram. */
enum h_verdict { H_PASS, H_DROP, H_DUP };

/* A record of every datagram sent. */
struct hlog {
	int from;
	uint8_t exchange, flags, first_payload;
	uint32_t msgid;
	size_t len;
	uint16_t frag_num, frag_total;
};

#define H_MAX_LOG 4096

struct hpeer {
	const char *name;
	int idx;
	struct ikev2_engine *e;
	struct mock_backend mb;
	struct ipsec_addr addr;		/* its own address, port 500 */
	struct ikev2_peer_config cfg;
	bool has_cfg;
	unsigned ike_ev[8], child_ev[8];
	unsigned keepalives;
};

static struct {
	struct hpeer p[2];
	struct hpkt *head, *tail;
	/* peer A behind a NAT: its source appears as nat_pub:(port + 1000) */
	bool nat_a;
	struct ipsec_addr nat_pub;
	/* filters */
	enum h_verdict (*filter)(int from, const uint8_t *d, size_t len, void *arg);
	void *filter_arg;
	bool hold;			/* keep sent datagrams in `held` */
	struct hpkt *held;
	struct hlog log[H_MAX_LOG];
	unsigned n_log;
} hnet;

static inline void h_addr(struct ipsec_addr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	if (strchr(ip, ':')) {
		a->family = 6;
		inet_pton(AF_INET6, ip, a->ip);
	} else {
		a->family = 4;
		inet_pton(AF_INET, ip, a->ip);
	}
	a->port = port;
}

static inline struct hpeer *h_peer_of(void *ctx)
{
	return ctx;
}

static inline void h_record(int from, const uint8_t *d, size_t len)
{
	if (hnet.n_log >= H_MAX_LOG || len < 28)
		return;
	struct hlog *l = &hnet.log[hnet.n_log++];
	memset(l, 0, sizeof(*l));
	l->from = from;
	l->first_payload = d[16];
	l->exchange = d[18];
	l->flags = d[19];
	l->msgid = (uint32_t)d[20] << 24 | (uint32_t)d[21] << 16 | (uint32_t)d[22] << 8 | d[23];
	l->len = len;
	if (d[16] == IKEV2_PL_SKF && len >= 36) {
		l->frag_num = (uint16_t)(d[32] << 8 | d[33]);
		l->frag_total = (uint16_t)(d[34] << 8 | d[35]);
	}
}

static inline void h_enqueue(struct hpkt **head, struct hpkt **tail, struct hpkt *p)
{
	p->next = NULL;
	if (*tail)
		(*tail)->next = p;
	else
		*head = p;
	*tail = p;
}

static inline int h_send(void *ctx, const struct ipsec_addr *local,
			 const struct ipsec_addr *remote, const uint8_t *data, size_t len)
{
	struct hpeer *from = h_peer_of(ctx);
	int to = from->idx ^ 1;
	h_record(from->idx, data, len);
	enum h_verdict v = hnet.filter ? hnet.filter(from->idx, data, len, hnet.filter_arg)
				       : H_PASS;
	if (v == H_DROP)
		return 0;
	for (int copy = 0; copy < (v == H_DUP ? 2 : 1); copy++) {
		struct hpkt *p = calloc(1, sizeof(*p));
		p->to = to;
		p->data = malloc(len);
		memcpy(p->data, data, len);
		p->len = len;
		/* the receiver sees: remote = sender (after NAT), local = dst */
		p->remote = *local;
		p->local = *remote;
		if (hnet.nat_a && from->idx == PEER_A) {
			p->remote.family = hnet.nat_pub.family;
			memcpy(p->remote.ip, hnet.nat_pub.ip, 16);
			p->remote.port = (uint16_t)(local->port + 1000);
		}
		if (hnet.nat_a && to == PEER_A) {
			/* reverse mapping back to A's private address */
			p->local = hnet.p[PEER_A].addr;
			p->local.port = (uint16_t)(remote->port - 1000);
		}
		if (hnet.hold) {
			struct hpkt *t = hnet.held;
			p->next = NULL;
			if (!t) {
				hnet.held = p;
			} else {
				while (t->next)
					t = t->next;
				t->next = p;
			}
		} else {
			h_enqueue(&hnet.head, &hnet.tail, p);
		}
	}
	return 0;
}

/* Deliver queued datagrams until the network is quiet. */
static inline unsigned h_pump(void)
{
	unsigned n = 0;
	while (hnet.head && n < 100000) {
		struct hpkt *p = hnet.head;
		hnet.head = p->next;
		if (!hnet.head)
			hnet.tail = NULL;
		ikev2_engine_input(hnet.p[p->to].e, &p->local, &p->remote, p->data, p->len);
		free(p->data);
		free(p);
		n++;
	}
	return n;
}

/* Deliver one queued datagram; false if none. */
static inline bool h_step(void)
{
	struct hpkt *p = hnet.head;
	if (!p)
		return false;
	hnet.head = p->next;
	if (!hnet.head)
		hnet.tail = NULL;
	ikev2_engine_input(hnet.p[p->to].e, &p->local, &p->remote, p->data, p->len);
	free(p->data);
	free(p);
	return true;
}

/* Release held datagrams into the network, reversed if asked. */
static inline unsigned h_release(bool reverse)
{
	struct hpkt *list = hnet.held, *rev = NULL;
	unsigned n = 0;
	hnet.held = NULL;
	hnet.hold = false;
	if (reverse) {
		while (list) {
			struct hpkt *p = list;
			list = p->next;
			p->next = rev;
			rev = p;
		}
		list = rev;
	}
	while (list) {
		struct hpkt *p = list;
		list = p->next;
		h_enqueue(&hnet.head, &hnet.tail, p);
		n++;
	}
	return n;
}

static inline void h_drop_queued(void)
{
	while (hnet.head) {
		struct hpkt *p = hnet.head;
		hnet.head = p->next;
		free(p->data);
		free(p);
	}
	hnet.tail = NULL;
}

/* Run timers (delivering what they send) up to now + ms. */
static inline void h_advance(uint64_t ms)
{
	uint64_t target = fclock.now + ms;
	h_pump();
	for (;;) {
		struct ftimer *best = NULL, **bp = NULL;
		for (struct ftimer **pp = &fclock.timers; *pp; pp = &(*pp)->next) {
			struct ftimer *t = *pp;
			if (t->due <= target &&
			    (!best || t->due < best->due || (t->due == best->due && t->seq < best->seq))) {
				best = t;
				bp = pp;
			}
		}
		if (!best)
			break;
		*bp = best->next;
		if (best->due > fclock.now)
			fclock.now = best->due;
		ikev2_timer_cb cb = best->cb;
		void *arg = best->arg;
		free(best);
		cb(arg);
		h_pump();
	}
	fclock.now = target;
}

/* Count logged datagrams matching (from: -1 any; exchange: 0 any; resp:
 * -1 any, 0 request, 1 response). */
static inline unsigned h_count(int from, uint8_t exchange, int resp)
{
	unsigned n = 0;
	for (unsigned i = 0; i < hnet.n_log; i++) {
		const struct hlog *l = &hnet.log[i];
		if (from >= 0 && l->from != from)
			continue;
		if (exchange && l->exchange != exchange)
			continue;
		if (resp >= 0 && !!(l->flags & IKEV2_FLAG_RESPONSE) != resp)
			continue;
		n++;
	}
	return n;
}

/* ------------------------------------------------------------ engines */

static inline int h_lookup(void *ctx, const struct ipsec_addr *local,
			   const struct ipsec_addr *remote, const struct ikev2_id *remote_id,
			   struct ikev2_peer_config *out)
{
	(void)local;
	(void)remote;
	(void)remote_id;
	struct hpeer *p = h_peer_of(ctx);
	if (!p->has_cfg)
		return -1;
	*out = p->cfg;
	return 0;
}

static inline void h_ike_event(void *ctx, const struct ikev2_ike_info *info, enum ikev2_event ev)
{
	(void)info;
	struct hpeer *p = h_peer_of(ctx);
	if ((unsigned)ev < 8)
		p->ike_ev[ev]++;
}

static inline void h_child_event(void *ctx, const struct ikev2_child_info *info,
				 enum ikev2_event ev)
{
	(void)info;
	struct hpeer *p = h_peer_of(ctx);
	if ((unsigned)ev < 8)
		p->child_ev[ev]++;
}

static inline void h_keepalive(void *ctx, const struct ipsec_addr *l, const struct ipsec_addr *r)
{
	(void)l;
	(void)r;
	h_peer_of(ctx)->keepalives++;
}

static const struct ikev2_engine_ops h_ops = {
	.send = h_send,
	.lookup_peer = h_lookup,
	.now_ms = h_now,
	.timer_add = h_timer_add,
	.timer_cancel = h_timer_cancel,
	.keepalive = h_keepalive,
	.ike_event = h_ike_event,
	.child_event = h_child_event,
};

static inline void h_xf(struct ikev2_proposal_cfg *p, uint8_t type, uint16_t id, uint16_t keybits)
{
	p->xf[p->n].type = type;
	p->xf[p->n].id = id;
	p->xf[p->n].keybits = keybits;
	p->n++;
}

static inline void h_ts(struct ipsec_ts *ts, const char *net, int plen)
{
	struct ipsec_addr a;
	h_addr(&a, net, 0);
	memset(ts, 0, sizeof(*ts));
	ts->family = a.family;
	ts->end_port = 65535;
	size_t n = a.family == 6 ? 16 : 4;
	for (size_t i = 0; i < n; i++) {
		int bits = plen - (int)i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		ts->start[i] = a.ip[i] & mask;
		ts->end[i] = (uint8_t)(a.ip[i] | (uint8_t)~mask);
	}
}

static inline void h_fqdn(struct ikev2_id *id, const char *s)
{
	memset(id, 0, sizeof(*id));
	id->type = IKEV2_ID_FQDN;
	id->len = (uint16_t)strlen(s);
	memcpy(id->data, s, id->len);
}

static inline void h_psk(struct ikev2_ike_policy *p, const char *local, const char *remote)
{
	p->psk_local_len = strlen(local);
	memcpy(p->psk_local, local, p->psk_local_len);
	p->psk_remote_len = strlen(remote);
	memcpy(p->psk_remote, remote, p->psk_remote_len);
}

/* One IKE proposal: encr/keybits, prf, integ (0 for AEAD), DH groups. */
static inline void h_ike_prop(struct ikev2_ike_policy *p, uint16_t encr, uint16_t keybits,
			      uint16_t prf, uint16_t integ, const uint16_t *dh, unsigned n_dh)
{
	struct ikev2_proposal_cfg *pc = &p->proposals[p->n_proposals++];
	memset(pc, 0, sizeof(*pc));
	h_xf(pc, IKEV2_XFORM_ENCR, encr, keybits);
	h_xf(pc, IKEV2_XFORM_PRF, prf, 0);
	if (integ)
		h_xf(pc, IKEV2_XFORM_INTEG, integ, 0);
	for (unsigned i = 0; i < n_dh; i++)
		h_xf(pc, IKEV2_XFORM_DH, dh[i], 0);
}

static inline void h_esp_prop(struct ikev2_child_policy *p, uint16_t encr, uint16_t keybits,
			      uint16_t integ)
{
	struct ikev2_proposal_cfg *pc = &p->proposals[p->n_proposals++];
	memset(pc, 0, sizeof(*pc));
	h_xf(pc, IKEV2_XFORM_ENCR, encr, keybits);
	if (integ)
		h_xf(pc, IKEV2_XFORM_INTEG, integ, 0);
}

/* Both peers: A 192.0.2.1 (10.1.0.0/24), B 192.0.2.2 (10.2.0.0/24), FQDN
 * identities, one PSK, the given IKE suite, ESP AES-GCM-256. */
static inline void h_setup_cfg(struct hpeer *p, bool is_a, uint16_t encr, uint16_t keybits,
			       uint16_t prf, uint16_t integ, uint16_t dh)
{
	struct ikev2_peer_config *c = &p->cfg;
	memset(c, 0, sizeof(*c));
	ikev2_ike_policy_default(&c->ike);
	ikev2_child_policy_default(&c->child);
	snprintf(c->ike.name, sizeof(c->ike.name), "prof-%s", is_a ? "a" : "b");
	h_ike_prop(&c->ike, encr, keybits, prf, integ, &dh, 1);
	h_fqdn(&c->ike.local_id, is_a ? "a.example" : "b.example");
	h_fqdn(&c->ike.remote_id, is_a ? "b.example" : "a.example");
	h_psk(&c->ike, "cisco123", "cisco123");
	h_esp_prop(&c->child, IKEV2_ENCR_AES_GCM_16, 256, 0);
	h_ts(&c->child.ts_local[0], is_a ? "10.1.0.0" : "10.2.0.0", 24);
	h_ts(&c->child.ts_remote[0], is_a ? "10.2.0.0" : "10.1.0.0", 24);
	c->child.n_ts_local = c->child.n_ts_remote = 1;
	c->has_child = true;
	p->has_cfg = true;
}

/* Fresh world: clock at 1000 ms, two engines with default settings (or
 * set), IKEv2 GCM-256/SHA-384/group 20 configs. */
static inline void h_log_sink(enum log_severity sev, const char *line, void *arg)
{
	(void)sev;
	fprintf(stderr, "%s %s\n", (const char *)arg, line);
}

static inline void h_init(const struct ikev2_engine_settings *set_a,
			  const struct ikev2_engine_settings *set_b)
{
	/* IKEV2_TEST_DEBUG=1: all engine debugging and logs on stderr */
	if (getenv("IKEV2_TEST_DEBUG")) {
		ikev2_debug_default.on = true;
		log_set_sink(h_log_sink, "");
	}
	log_clear();
	memset(&hnet, 0, sizeof(hnet));
	fclock.now = 1000;
	for (int i = 0; i < 2; i++) {
		struct hpeer *p = &hnet.p[i];
		p->name = i ? "B" : "A";
		p->idx = i;
		mock_backend_init(&p->mb, i ? 0xb0000100u : 0xa0000100u);
		h_addr(&p->addr, i ? "192.0.2.2" : "192.0.2.1", 500);
		h_setup_cfg(p, i == PEER_A, IKEV2_ENCR_AES_GCM_16, 256, IKEV2_PRF_HMAC_SHA2_384, 0,
			    IKEV2_DH_ECP_384);
		p->e = ikev2_engine_new(&h_ops, p, &p->mb.be, i ? set_b : set_a);
	}
	h_addr(&hnet.nat_pub, "198.51.100.7", 0);
}

static inline void h_fini(void)
{
	for (int i = 0; i < 2; i++) {
		ikev2_engine_free(hnet.p[i].e);
		hnet.p[i].e = NULL;
	}
	h_drop_queued();
	while (hnet.held) {
		struct hpkt *p = hnet.held;
		hnet.held = p->next;
		free(p->data);
		free(p);
	}
	while (fclock.timers) {
		struct ftimer *t = fclock.timers;
		fclock.timers = t->next;
		free(t);
	}
}

static inline uint64_t h_initiate(void)
{
	struct hpeer *a = &hnet.p[PEER_A], *b = &hnet.p[PEER_B];
	return ikev2_engine_initiate(a->e, &a->cfg, &a->addr, &b->addr);
}

/* The first IKE SA of a peer in the given state, 0 if none. */
struct h_find {
	enum ikev2_ike_state st;
	struct ikev2_ike_info info;
	unsigned n;
};

static inline void h_find_cb(void *arg, const struct ikev2_ike_info *info)
{
	struct h_find *f = arg;
	if (info->state == f->st && f->n++ == 0)
		f->info = *info;
}

static inline uint64_t h_ike(int peer, struct ikev2_ike_info *out)
{
	struct h_find f;
	memset(&f, 0, sizeof(f));
	f.st = IKEV2_IKE_ESTABLISHED;
	ikev2_engine_foreach_ike(hnet.p[peer].e, h_find_cb, &f);
	if (out)
		*out = f.info;
	return f.n ? f.info.id : 0;
}

struct h_children {
	unsigned n;
	struct ikev2_child_info c[16];
};

static inline void h_children_cb(void *arg, const struct ikev2_child_info *info)
{
	struct h_children *h = arg;
	if (h->n < 16)
		h->c[h->n++] = *info;
}

static inline unsigned h_children(int peer, struct h_children *out)
{
	memset(out, 0, sizeof(*out));
	ikev2_engine_foreach_child(hnet.p[peer].e, 0, h_children_cb, out);
	return out->n;
}

/* Every SA in A's data plane has its mirror in B's: A's inbound SPI is
 * B's outbound SPI with the same algorithms and keys, and vice versa. */
static inline unsigned h_check_sa_pairs(void)
{
	unsigned pairs = 0;
	for (int side = 0; side < 2; side++) {
		struct mock_backend *me = &hnet.p[side].mb, *peer = &hnet.p[side ^ 1].mb;
		for (unsigned i = 0; i < MOCK_MAX_SA; i++) {
			const struct mock_sa *s = &me->sa[i];
			if (!s->used)
				continue;
			struct mock_sa *o = mock_backend_find(peer, s->p.key.spi, !s->p.inbound);
			ck_assert_msg(o, "%s SA 0x%08x (%s) has no mirror", hnet.p[side].name,
				      s->p.key.spi, s->p.inbound ? "in" : "out");
			ck_assert_uint_eq(o->p.encr, s->p.encr);
			ck_assert_uint_eq(o->p.encr_keybits, s->p.encr_keybits);
			ck_assert_uint_eq(o->p.integ, s->p.integ);
			ck_assert_uint_eq(o->p.encr_key_len, s->p.encr_key_len);
			ck_assert_uint_eq(o->p.integ_key_len, s->p.integ_key_len);
			ck_assert(memcmp(o->p.encr_key, s->p.encr_key, s->p.encr_key_len) == 0);
			ck_assert(memcmp(o->p.integ_key, s->p.integ_key, s->p.integ_key_len) == 0);
			ck_assert_uint_eq(o->p.mode, s->p.mode);
			ck_assert_uint_eq(o->p.encap, s->p.encap);
			ck_assert(s->p.encr_key_len > 0);
			/* the SA carries traffic between the same selectors */
			ck_assert_uint_eq(o->p.n_src_ts, s->p.n_src_ts);
			ck_assert(memcmp(o->p.src_ts, s->p.src_ts,
					 s->p.n_src_ts * sizeof(s->p.src_ts[0])) == 0);
			pairs++;
		}
	}
	return pairs / 2;
}

#endif
