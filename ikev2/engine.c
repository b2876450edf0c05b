/*
 * IKEv2 engine object: settings, clock and timers, the SA table, the
 * public API entry points (which queue tasks) and info/iteration for the
 * show commands.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"
#include "lib/evloop.h"

struct debug_flag ikev2_debug_default = {"IKEv2", "IKEv2 default debugging is", false, NULL};
struct debug_flag ikev2_debug_packet = {"IKEv2", "IKEv2 packet debugging is", false, NULL};
struct debug_flag ikev2_debug_internal = {"IKEv2", "IKEv2 internal debugging is", false, NULL};
struct debug_flag ikev2_debug_error = {"IKEv2", "IKEv2 error debugging is", false, NULL};

__attribute__((constructor)) static void ikev2_engine_register_debug(void)
{
	/* registered in reverse so "show debugging" lists default first */
	debug_register(&ikev2_debug_internal);
	debug_register(&ikev2_debug_packet);
	debug_register(&ikev2_debug_error);
	debug_register(&ikev2_debug_default);
}

/* ------------------------------------------------------------ defaults */

void ikev2_engine_settings_default(struct ikev2_engine_settings *s)
{
	memset(s, 0, sizeof(*s));
	/* IOS-like: 2 s, doubling, 5 retransmissions (see engine.h). */
	s->retransmit_initial_ms = 2000;
	s->retransmit_max = 5;
	s->retransmit_cap_ms = 64000;
	s->half_open_timeout_ms = 30000;
	s->cookie_threshold = UINT32_MAX;
	s->cookie_secret_lifetime_ms = 300000;
	s->window_size = 1;
	s->reassembly_timeout_ms = 30000;
	s->reassembly_max_frags = 256;
	s->reassembly_max_bytes = 256 * 1024;
	s->natt_port = 4500;
	s->delete_timeout_ms = 30000;
}

void ikev2_ike_policy_default(struct ikev2_ike_policy *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "default");
	p->lifetime_sec = 86400;
	p->dpd_retry_sec = 2;
	p->fragment_mtu = 1360;
	p->send_initial_contact = true;
	p->send_cisco_vids = true;
}

void ikev2_child_policy_default(struct ikev2_child_policy *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "default");
	p->mode = IPSEC_SA_TUNNEL;
	p->lifetime_sec = 3600;
	p->lifetime_kb = 4608000;
	p->replay_window = 64;
}

/* ------------------------------------------------------------ names */

const char *ikev2_ike_state_name(enum ikev2_ike_state s)
{
	static const char *const n[IKEV2_IKE_STATE_COUNT] = {
		"NEW", "INIT_SENT", "INIT_DONE", "AUTH_SENT", "ESTABLISHED",
		"REKEYING", "REKEYED", "DELETING", "DEAD",
	};
	return (unsigned)s < IKEV2_IKE_STATE_COUNT ? n[s] : "UNKNOWN";
}

const char *ikev2_ike_state_ios(enum ikev2_ike_state s)
{
	switch (s) {
	case IKEV2_IKE_ESTABLISHED:
	case IKEV2_IKE_REKEYING:
		return "READY";
	case IKEV2_IKE_REKEYED:
	case IKEV2_IKE_DELETING:
	case IKEV2_IKE_DEAD:
		return "DELETE";
	default:
		return "IN-NEG";
	}
}

const char *ikev2_child_state_name(enum ikev2_child_state s)
{
	static const char *const n[IKEV2_CHILD_STATE_COUNT] = {
		"CREATING", "INSTALLED", "REKEYING", "REKEYED", "DELETING", "DELETED",
	};
	return (unsigned)s < IKEV2_CHILD_STATE_COUNT ? n[s] : "UNKNOWN";
}

const char *ikev2_event_name(enum ikev2_event ev)
{
	switch (ev) {
	case IKEV2_EV_UP: return "UP";
	case IKEV2_EV_DOWN: return "DOWN";
	case IKEV2_EV_REKEYED: return "REKEYED";
	case IKEV2_EV_FAILED: return "FAILED";
	case IKEV2_EV_AUTH_FAILED: return "AUTH_FAILED";
	case IKEV2_EV_PEER_DEAD: return "PEER_DEAD";
	case IKEV2_EV_NAT: return "NAT";
	}
	return "UNKNOWN";
}

const char *ikev2_addr_str(const struct ipsec_addr *a, char *buf, size_t len)
{
	if (!a || (a->family != 4 && a->family != 6) ||
	    !inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

bool addr_equal(const struct ipsec_addr *a, const struct ipsec_addr *b, bool port)
{
	if (a->family != b->family)
		return false;
	if (memcmp(a->ip, b->ip, a->family == 6 ? 16 : 4) != 0)
		return false;
	return !port || a->port == b->port;
}

/* ------------------------------------------------------------ time */

struct ev_wrap {
	ikev2_timer_cb cb;
	void *arg;
	struct ev_timer *t;
};

static void ev_wrap_fire(void *arg)
{
	struct ev_wrap *w = arg;
	ikev2_timer_cb cb = w->cb;
	void *a = w->arg;
	free(w);
	cb(a);
}

uint64_t eng_now(struct ikev2_engine *e)
{
	return e->ops.now_ms ? e->ops.now_ms(e->ctx) : ev_now_ms();
}

/* The engine's timers run with the engine entered, so that SAs destroyed
 * by a timer are reaped afterwards. */
struct eng_timer {
	struct ikev2_engine *e;
	ikev2_timer_cb cb;
	void *arg;
	void *handle;
};

static void eng_timer_fire(void *arg)
{
	struct eng_timer *t = arg;
	struct ikev2_engine *e = t->e;
	ikev2_timer_cb cb = t->cb;
	void *a = t->arg;
	/* the owner's pointer to this timer is cleared by the callback
	 * (each callback sets its slot to NULL before doing anything) */
	free(t);
	eng_enter(e);
	cb(a);
	eng_leave(e);
}

void *eng_timer_add(struct ikev2_engine *e, uint64_t ms, ikev2_timer_cb cb, void *arg)
{
	struct eng_timer *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->e = e;
	t->cb = cb;
	t->arg = arg;
	if (e->ops.timer_add) {
		t->handle = e->ops.timer_add(e->ctx, ms, eng_timer_fire, t);
	} else {
		struct ev_wrap *w = calloc(1, sizeof(*w));
		if (!w)
			abort();
		w->cb = eng_timer_fire;
		w->arg = t;
		w->t = ev_timer_add(ms, ev_wrap_fire, w);
		t->handle = w;
	}
	return t;
}

void eng_timer_cancel(struct ikev2_engine *e, void **tp)
{
	struct eng_timer *t = *tp;
	if (!t)
		return;
	*tp = NULL;
	if (e->ops.timer_cancel) {
		e->ops.timer_cancel(e->ctx, t->handle);
	} else {
		struct ev_wrap *w = t->handle;
		ev_timer_cancel(w->t);
		free(w);
	}
	free(t);
}

/* ------------------------------------------------------------ SA table */

struct ike_sa *eng_sa_by_id(struct ikev2_engine *e, uint64_t id)
{
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next)
		if (sa->id == id && sa->state != IKEV2_IKE_DEAD)
			return sa;
	return NULL;
}

struct ike_sa *eng_sa_by_spi(struct ikev2_engine *e, const uint8_t spi[8], bool we_initiator)
{
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		if (sa->state == IKEV2_IKE_DEAD || sa->initiator != we_initiator)
			continue;
		if (memcmp(ike_sa_spi_local(sa), spi, 8) == 0)
			return sa;
	}
	return NULL;
}

struct ike_sa *eng_sa_half_open(struct ikev2_engine *e, const uint8_t spi_i[8],
				const struct ipsec_addr *remote)
{
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		if (sa->state == IKEV2_IKE_DEAD || sa->initiator || sa->rekeyed_from)
			continue;
		if (memcmp(sa->spi_i, spi_i, 8) == 0 && addr_equal(&sa->remote, remote, true))
			return sa;
	}
	return NULL;
}

unsigned eng_half_open_count(struct ikev2_engine *e)
{
	unsigned n = 0;
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next)
		if (!sa->initiator && sa->state == IKEV2_IKE_INIT_DONE)
			n++;
	return n;
}

struct child_sa *eng_child_by_id(struct ikev2_engine *e, uint64_t id)
{
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		if (sa->state == IKEV2_IKE_DEAD)
			continue;
		struct child_sa *c = child_sa_by_id(sa, id);
		if (c)
			return c;
	}
	return NULL;
}

static void reap(struct ikev2_engine *e)
{
	struct ike_sa **pp = &e->sas;
	while (*pp) {
		struct ike_sa *sa = *pp;
		if (sa->state == IKEV2_IKE_DEAD) {
			*pp = sa->next;
			ike_sa_free(sa);
		} else {
			pp = &sa->next;
		}
	}
}

void eng_enter(struct ikev2_engine *e)
{
	e->depth++;
}

void eng_leave(struct ikev2_engine *e)
{
	if (--e->depth == 0)
		reap(e);
}

int eng_send(struct ikev2_engine *e, const struct ipsec_addr *local,
	     const struct ipsec_addr *remote, const struct buf *pkt)
{
	e->stats.tx++;
	if (!e->ops.send)
		return -1;
	return e->ops.send(e->ctx, local, remote, pkt->p, pkt->len);
}

/* ------------------------------------------------------------ lifecycle */

struct ikev2_engine *ikev2_engine_new(const struct ikev2_engine_ops *ops, void *ctx,
				      const struct ipsec_backend *be,
				      const struct ikev2_engine_settings *set)
{
	struct ikev2_engine *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	if (ops)
		e->ops = *ops;
	e->ctx = ctx;
	if (be)
		e->be = *be;
	if (set)
		e->set = *set;
	else
		ikev2_engine_settings_default(&e->set);
	if (e->set.window_size == 0)
		e->set.window_size = 1;
	e->next_ike_id = 1;
	e->next_child_id = 1;
	e->next_reqid = 1;
	return e;
}

void ikev2_engine_free(struct ikev2_engine *e)
{
	if (!e)
		return;
	eng_enter(e);
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next)
		if (sa->state != IKEV2_IKE_DEAD)
			ike_sa_destroy(sa, IKEV2_EV_DOWN, "engine shut down");
	eng_leave(e);
	crypto_wipe(e->cookie_secret, sizeof(e->cookie_secret));
	free(e);
}

void ikev2_engine_input(struct ikev2_engine *e, const struct ipsec_addr *local,
			const struct ipsec_addr *remote, const uint8_t *data, size_t len)
{
	eng_enter(e);
	exch_input(e, local, remote, data, len);
	eng_leave(e);
}

uint64_t ikev2_engine_initiate(struct ikev2_engine *e, const struct ikev2_peer_config *cfg,
			       const struct ipsec_addr *local, const struct ipsec_addr *remote)
{
	if (!cfg || cfg->ike.n_proposals == 0 ||
	    !sa_first_dh(cfg->ike.proposals, cfg->ike.n_proposals))
		return 0;
	if (cfg->has_child && (cfg->child.n_proposals == 0 || cfg->child.n_ts_local == 0 ||
			       cfg->child.n_ts_remote == 0))
		return 0;
	eng_enter(e);
	struct ike_sa *sa = ike_sa_new(e, true, local, remote);
	sa->cfg = *cfg;
	sa->have_cfg = true;
	uint64_t id = sa->id;
	exch_queue(sa, task_ike_init_new());
	exch_queue(sa, task_ike_auth_new());
	eng_leave(e);
	return id;
}

static struct ike_sa *sa_ready(struct ikev2_engine *e, uint64_t id)
{
	struct ike_sa *sa = eng_sa_by_id(e, id);
	if (!sa || sa->state == IKEV2_IKE_DELETING || sa->state == IKEV2_IKE_REKEYED)
		return NULL;
	return sa;
}

int ikev2_engine_create_child(struct ikev2_engine *e, uint64_t ike_id,
			      const struct ikev2_child_policy *cp)
{
	if (!cp || cp->n_proposals == 0 || cp->n_ts_local == 0 || cp->n_ts_remote == 0)
		return -EINVAL;
	eng_enter(e);
	struct ike_sa *sa = sa_ready(e, ike_id);
	int rc = -ENOENT;
	if (sa) {
		exch_queue(sa, task_child_create_new(cp));
		rc = 0;
	}
	eng_leave(e);
	return rc;
}

int ikev2_engine_rekey_child(struct ikev2_engine *e, uint64_t child_id)
{
	eng_enter(e);
	struct child_sa *c = eng_child_by_id(e, child_id);
	int rc = -ENOENT;
	if (c && c->state == IKEV2_CHILD_INSTALLED && sa_ready(e, c->ike->id)) {
		exch_queue(c->ike, task_child_rekey_new(child_id));
		rc = 0;
	} else if (c) {
		rc = -EBUSY;
	}
	eng_leave(e);
	return rc;
}

int ikev2_engine_rekey_ike(struct ikev2_engine *e, uint64_t ike_id)
{
	eng_enter(e);
	struct ike_sa *sa = sa_ready(e, ike_id);
	int rc = -ENOENT;
	if (sa) {
		rc = -EBUSY;
		if (!exch_has_task(sa, &task_ike_rekey_ops)) {
			exch_queue(sa, task_ike_rekey_new());
			rc = 0;
		}
	}
	eng_leave(e);
	return rc;
}

int ikev2_engine_delete_child(struct ikev2_engine *e, uint64_t child_id)
{
	eng_enter(e);
	struct child_sa *c = eng_child_by_id(e, child_id);
	int rc = -ENOENT;
	if (c) {
		exch_queue(c->ike, task_delete_child_new(child_id));
		rc = 0;
	}
	eng_leave(e);
	return rc;
}

int ikev2_engine_delete_ike(struct ikev2_engine *e, uint64_t ike_id)
{
	eng_enter(e);
	struct ike_sa *sa = eng_sa_by_id(e, ike_id);
	int rc = -ENOENT;
	if (sa) {
		rc = 0;
		if (sa->state < IKEV2_IKE_ESTABLISHED) {
			/* nothing authenticated to tell: drop it */
			ike_sa_destroy(sa, IKEV2_EV_DOWN, "deleted before established");
		} else if (!exch_has_task(sa, &task_delete_ike_ops)) {
			exch_queue_first(sa, task_delete_ike_new());
		}
	}
	eng_leave(e);
	return rc;
}

int ikev2_engine_dpd(struct ikev2_engine *e, uint64_t ike_id)
{
	eng_enter(e);
	struct ike_sa *sa = sa_ready(e, ike_id);
	int rc = -ENOENT;
	if (sa) {
		if (!exch_has_task(sa, &task_dpd_ops))
			exch_queue(sa, task_dpd_new());
		rc = 0;
	}
	eng_leave(e);
	return rc;
}

int ikev2_engine_child_expired(struct ikev2_engine *e, uint32_t spi_in, bool hard)
{
	int rc = -ENOENT;
	eng_enter(e);
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		if (sa->state == IKEV2_IKE_DEAD)
			continue;
		struct child_sa *c = child_sa_by_spi_in(sa, spi_in);
		if (!c)
			continue;
		rc = 0;
		if (hard)
			exch_queue_first(sa, task_delete_child_new(c->id));
		else if (c->state == IKEV2_CHILD_INSTALLED)
			exch_queue(sa, task_child_rekey_new(c->id));
		break;
	}
	eng_leave(e);
	return rc;
}

/* ------------------------------------------------------------ info */

int ikev2_engine_ike_info(struct ikev2_engine *e, uint64_t ike_id, struct ikev2_ike_info *out)
{
	struct ike_sa *sa = eng_sa_by_id(e, ike_id);
	if (!sa)
		return -ENOENT;
	ike_sa_info(sa, out);
	return 0;
}

int ikev2_engine_child_info(struct ikev2_engine *e, uint64_t child_id,
			    struct ikev2_child_info *out)
{
	struct child_sa *c = eng_child_by_id(e, child_id);
	if (!c)
		return -ENOENT;
	child_sa_info(c, out);
	return 0;
}

void ikev2_engine_foreach_ike(struct ikev2_engine *e,
			      void (*cb)(void *arg, const struct ikev2_ike_info *info), void *arg)
{
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		if (sa->state == IKEV2_IKE_DEAD)
			continue;
		struct ikev2_ike_info info;
		ike_sa_info(sa, &info);
		cb(arg, &info);
	}
}

void ikev2_engine_foreach_child(struct ikev2_engine *e, uint64_t ike_id,
				void (*cb)(void *arg, const struct ikev2_child_info *info),
				void *arg)
{
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next) {
		if (sa->state == IKEV2_IKE_DEAD || (ike_id && sa->id != ike_id))
			continue;
		/* children are kept newest first; report oldest first */
		struct child_sa *v[256];
		unsigned n = 0;
		for (struct child_sa *c = sa->children; c && n < 256; c = c->next)
			v[n++] = c;
		while (n--) {
			struct ikev2_child_info info;
			child_sa_info(v[n], &info);
			cb(arg, &info);
		}
	}
}

unsigned ikev2_engine_ike_count(const struct ikev2_engine *e)
{
	unsigned n = 0;
	for (const struct ike_sa *sa = e->sas; sa; sa = sa->next)
		n += sa->state != IKEV2_IKE_DEAD;
	return n;
}

void ikev2_engine_get_stats(const struct ikev2_engine *e, struct ikev2_engine_stats *out)
{
	*out = e->stats;
	out->half_open = eng_half_open_count((struct ikev2_engine *)e);
}
