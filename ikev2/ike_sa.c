/*
 * IKE SA object: creation, the state machine (one transition function),
 * teardown, timers of an established SA, info for show commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

/* allowed[old] is a bit set of the states old may go to. */
#define B(s) (1u << (s))
static const unsigned allowed[IKEV2_IKE_STATE_COUNT] = {
	[IKEV2_IKE_NEW] = B(IKEV2_IKE_INIT_SENT) | B(IKEV2_IKE_INIT_DONE) |
			  B(IKEV2_IKE_ESTABLISHED) | B(IKEV2_IKE_DEAD),
	[IKEV2_IKE_INIT_SENT] = B(IKEV2_IKE_INIT_DONE) | B(IKEV2_IKE_DEAD),
	[IKEV2_IKE_INIT_DONE] = B(IKEV2_IKE_AUTH_SENT) | B(IKEV2_IKE_ESTABLISHED) |
				B(IKEV2_IKE_DEAD),
	[IKEV2_IKE_AUTH_SENT] = B(IKEV2_IKE_ESTABLISHED) | B(IKEV2_IKE_DEAD),
	[IKEV2_IKE_ESTABLISHED] = B(IKEV2_IKE_REKEYING) | B(IKEV2_IKE_REKEYED) |
				  B(IKEV2_IKE_DELETING) | B(IKEV2_IKE_DEAD),
	[IKEV2_IKE_REKEYING] = B(IKEV2_IKE_ESTABLISHED) | B(IKEV2_IKE_REKEYED) |
			       B(IKEV2_IKE_DELETING) | B(IKEV2_IKE_DEAD),
	[IKEV2_IKE_REKEYED] = B(IKEV2_IKE_DELETING) | B(IKEV2_IKE_DEAD),
	[IKEV2_IKE_DELETING] = B(IKEV2_IKE_DEAD),
	[IKEV2_IKE_DEAD] = 0,
};
#undef B

static void fire_halfopen(void *arg);
static void fire_delete(void *arg);

void pkts_free(struct pkts *p)
{
	for (unsigned i = 0; i < p->n; i++)
		buf_free(&p->p[i]);
	free(p->p);
	p->p = NULL;
	p->n = 0;
}

struct buf *pkts_add(struct pkts *p)
{
	struct buf *v = realloc(p->p, (p->n + 1) * sizeof(*v));
	if (!v)
		abort();
	p->p = v;
	buf_init(&v[p->n]);
	return &v[p->n++];
}

struct ike_sa *ike_sa_new(struct ikev2_engine *e, bool initiator, const struct ipsec_addr *local,
			  const struct ipsec_addr *remote)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	if (!sa)
		abort();
	sa->eng = e;
	sa->id = e->next_ike_id++;
	sa->initiator = initiator;
	sa->state = IKEV2_IKE_NEW;
	sa->local = *local;
	sa->remote = *remote;
	buf_init(&sa->init_req);
	buf_init(&sa->init_resp);
	buf_init(&sa->cookie);
	sa->created_ms = eng_now(e);
	sa->last_rx_ms = sa->created_ms;
	crypto_random_ike_spi(initiator ? sa->spi_i : sa->spi_r);
	/* append: the table is kept in creation order */
	struct ike_sa **pp = &e->sas;
	while (*pp)
		pp = &(*pp)->next;
	*pp = sa;
	SA_DBG(sa, ikev2_debug_internal, "IKE SA created as %s",
	       initiator ? "initiator" : "responder");
	return sa;
}

const uint8_t *ike_sa_spi_local(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

static void spi_hex(const uint8_t spi[8], char out[17])
{
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02X", spi[i]);
}

static void on_established(struct ike_sa *sa)
{
	char l[64], r[64], si[17], sr[17];
	bool first = !sa->was_up;
	sa->was_up = true;
	sa->established_ms = eng_now(sa->eng);
	eng_timer_cancel(sa->eng, &sa->t_halfopen);
	if (!first)
		return;
	if (sa->rekeyed_from) {
		/* a rekeyed SA carries on the old one: no new "SA UP" */
		ike_sa_arm_timers(sa);
		ike_sa_event(sa, IKEV2_EV_REKEYED);
		return;
	}
	spi_hex(sa->spi_i, si);
	spi_hex(sa->spi_r, sr);
	log_msg(LOG_SEV_NOTICE, "IKEV2", "SA_UP",
		"SA UP: Local %s:%u Remote %s:%u, SPI (I) %s (R) %s, profile %s",
		ikev2_addr_str(&sa->local, l, sizeof(l)), sa->local.port,
		ikev2_addr_str(&sa->remote, r, sizeof(r)), sa->remote.port, si, sr,
		sa->cfg.ike.name);
	ike_sa_arm_timers(sa);
	ike_sa_event(sa, IKEV2_EV_UP);
}

int ike_sa_set_state(struct ike_sa *sa, enum ikev2_ike_state st)
{
	enum ikev2_ike_state old = sa->state;
	if (old == st)
		return 0;
	if ((unsigned)st >= IKEV2_IKE_STATE_COUNT || !(allowed[old] & (1u << st))) {
		SA_DBG(sa, ikev2_debug_error, "invalid state transition %s -> %s",
		       ikev2_ike_state_name(old), ikev2_ike_state_name(st));
		return -1;
	}
	sa->state = st;
	SA_DBG(sa, ikev2_debug_internal, "State transition %s -> %s",
	       ikev2_ike_state_name(old), ikev2_ike_state_name(st));
	switch (st) {
	case IKEV2_IKE_INIT_DONE:
		if (!sa->initiator && !sa->t_halfopen)
			sa->t_halfopen = eng_timer_add(sa->eng, sa->eng->set.half_open_timeout_ms,
						       fire_halfopen, sa);
		break;
	case IKEV2_IKE_ESTABLISHED:
		on_established(sa);
		break;
	case IKEV2_IKE_REKEYED:
		/* keep it until the peer's Delete (or ours completes) */
		sa->replaced = true;
		eng_timer_cancel(sa->eng, &sa->t_rekey);
		eng_timer_cancel(sa->eng, &sa->t_expire);
		eng_timer_cancel(sa->eng, &sa->t_dpd);
		eng_timer_cancel(sa->eng, &sa->t_keepalive);
		if (!sa->t_delete)
			sa->t_delete = eng_timer_add(sa->eng, sa->eng->set.delete_timeout_ms,
						     fire_delete, sa);
		break;
	case IKEV2_IKE_DELETING:
		eng_timer_cancel(sa->eng, &sa->t_rekey);
		eng_timer_cancel(sa->eng, &sa->t_expire);
		eng_timer_cancel(sa->eng, &sa->t_dpd);
		break;
	default:
		break;
	}
	return 0;
}

void ike_sa_event(struct ike_sa *sa, enum ikev2_event ev)
{
	if (!sa->eng->ops.ike_event)
		return;
	struct ikev2_ike_info info;
	ike_sa_info(sa, &info);
	sa->eng->ops.ike_event(sa->eng->ctx, &info, ev);
}

void ike_sa_destroy(struct ike_sa *sa, enum ikev2_event ev, const char *why)
{
	if (sa->state == IKEV2_IKE_DEAD)
		return;
	SA_DBG(sa, ikev2_debug_internal, "Deleting SA: %s", why ? why : "");
	exch_flush(sa);
	while (sa->children)
		child_sa_remove(sa->children, true);
	ike_sa_cancel_timers(sa);
	reasm_reset(sa, &sa->reasm_req);
	reasm_reset(sa, &sa->reasm_resp);
	if (sa->was_up && !sa->replaced) {
		char l[64], r[64];
		log_msg(LOG_SEV_NOTICE, "IKEV2", "SA_DOWN", "SA DOWN: Local %s:%u Remote %s:%u, %s",
			ikev2_addr_str(&sa->local, l, sizeof(l)), sa->local.port,
			ikev2_addr_str(&sa->remote, r, sizeof(r)), sa->remote.port,
			why ? why : "deleted");
	} else if (!sa->was_up && ev != IKEV2_EV_DOWN && ev != IKEV2_EV_AUTH_FAILED) {
		/* (authentication failures were logged with their reason) */
		log_msg(LOG_SEV_ERR, "IKEV2", "NEG_ABORT", "Negotiation aborted due to ERROR: %s",
			why ? why : "failed");
	}
	/* a replaced SA already reported its successor; say nothing more */
	if (!sa->replaced)
		ike_sa_event(sa, ev);
	ike_sa_set_state(sa, IKEV2_IKE_DEAD);
	crypto_dh_free(sa->dh);
	sa->dh = NULL;
}

void ike_sa_free(struct ike_sa *sa)
{
	exch_flush(sa);
	exch_free_state(sa);
	ike_sa_cancel_timers(sa);
	reasm_reset(sa, &sa->reasm_req);
	reasm_reset(sa, &sa->reasm_resp);
	while (sa->children)
		child_sa_remove(sa->children, false);
	crypto_dh_free(sa->dh);
	buf_free(&sa->init_req);
	buf_free(&sa->init_resp);
	buf_free(&sa->cookie);
	crypto_ike_keys_wipe(&sa->keys);
	crypto_sk_wipe(&sa->sk_in);
	crypto_sk_wipe(&sa->sk_out);
	crypto_wipe(&sa->cfg, sizeof(sa->cfg));
	free(sa);
}

int ike_sa_setup_sk(struct ike_sa *sa)
{
	enum crypto_dir out = sa->initiator ? CRYPTO_DIR_I2R : CRYPTO_DIR_R2I;
	enum crypto_dir in = sa->initiator ? CRYPTO_DIR_R2I : CRYPTO_DIR_I2R;
	if (crypto_sk_init(&sa->sk_out, &sa->keys, out) != CRYPTO_OK ||
	    crypto_sk_init(&sa->sk_in, &sa->keys, in) != CRYPTO_OK)
		return -1;
	sa->have_keys = true;
	return 0;
}

void ike_sa_info(const struct ike_sa *sa, struct ikev2_ike_info *o)
{
	memset(o, 0, sizeof(*o));
	o->id = sa->id;
	snprintf(o->profile, sizeof(o->profile), "%s", sa->cfg.ike.name);
	o->initiator = sa->initiator;
	o->state = sa->state;
	o->local = sa->local;
	o->remote = sa->remote;
	memcpy(o->spi_i, sa->spi_i, 8);
	memcpy(o->spi_r, sa->spi_r, 8);
	o->encr = sa->suite.encr;
	o->encr_keybits = sa->suite.keybits;
	o->prf = sa->suite.prf;
	o->integ = sa->suite.integ;
	o->dh = sa->suite.dh;
	o->local_id = sa->cfg.ike.local_id;
	o->remote_id = sa->peer_id;
	o->nat_local = sa->nat_local;
	o->nat_remote = sa->nat_remote;
	o->frag = sa->frag_peer && sa->cfg.ike.fragmentation;
	o->peer_cisco = sa->peer_cisco;
	o->peer_flexvpn = sa->peer_flexvpn;
	o->peer_delete_reason = sa->peer_delete_reason;
	o->created_ms = sa->created_ms;
	o->established_ms = sa->established_ms;
	o->lifetime_sec = sa->cfg.ike.lifetime_sec;
	o->dpd_interval_sec = sa->cfg.ike.dpd_interval_sec;
	o->n_children = ike_sa_child_count(sa);
	o->msgid_tx = sa->msgid_tx;
	o->msgid_rx = sa->msgid_rx;
	o->rekeyed_from = sa->rekeyed_from;
}

unsigned ike_sa_child_count(const struct ike_sa *sa)
{
	unsigned n = 0;
	for (const struct child_sa *c = sa->children; c; c = c->next)
		n++;
	return n;
}

void ike_sa_move_children(struct ike_sa *from, struct ike_sa *to)
{
	while (from->children) {
		struct child_sa *c = from->children;
		from->children = c->next;
		c->ike = to;
		c->next = to->children;
		to->children = c;
	}
}

/* Largest IKE datagram (UDP payload) we send with fragmentation on. */
uint32_t ike_sa_frag_limit(const struct ike_sa *sa)
{
	uint32_t mtu = sa->cfg.ike.fragment_mtu ? sa->cfg.ike.fragment_mtu : 1280;
	uint32_t ip = sa->remote.family == 6 ? 40 : 20;
	uint32_t hdr = ip + 8 + (sa->remote.port == sa->eng->set.natt_port ? 4 : 0);
	return mtu > hdr + 100 ? mtu - hdr : 100;
}

/* ------------------------------------------------------------ timers */

static void fire_halfopen(void *arg)
{
	struct ike_sa *sa = arg;
	sa->t_halfopen = NULL;
	if (sa->state < IKEV2_IKE_ESTABLISHED)
		ike_sa_destroy(sa, IKEV2_EV_FAILED, "half-open SA timed out");
}

static void fire_delete(void *arg)
{
	struct ike_sa *sa = arg;
	sa->t_delete = NULL;
	ike_sa_destroy(sa, IKEV2_EV_DOWN, "rekeyed SA expired");
}

static void fire_rekey(void *arg)
{
	struct ike_sa *sa = arg;
	sa->t_rekey = NULL;
	if (sa->state == IKEV2_IKE_ESTABLISHED && !exch_has_task(sa, &task_ike_rekey_ops))
		exch_queue(sa, task_ike_rekey_new());
}

static void fire_expire(void *arg)
{
	struct ike_sa *sa = arg;
	sa->t_expire = NULL;
	if (sa->state == IKEV2_IKE_ESTABLISHED || sa->state == IKEV2_IKE_REKEYING)
		exch_queue_first(sa, task_delete_ike_new());
}

/* Last time anything came from the peer: IKE messages or inbound ESP. */
static uint64_t last_inbound(struct ike_sa *sa, uint64_t *last_out)
{
	struct ikev2_engine *e = sa->eng;
	uint64_t in = sa->last_rx_ms;
	*last_out = 0;
	if (!e->be.ops || !e->be.ops->query_sa)
		return in;
	for (struct child_sa *c = sa->children; c; c = c->next) {
		struct ipsec_sa_stats st;
		struct ipsec_sa_key k = {c->inst_remote, c->inst_local, c->spi_in, IPSEC_PROTO_ESP};
		if (c->installed_in && e->be.ops->query_sa(e->be.ctx, &k, &st) == 0 && st.use_ms > in)
			in = st.use_ms;
		struct ipsec_sa_key ko = {c->inst_local, c->inst_remote, c->spi_out, IPSEC_PROTO_ESP};
		if (c->installed_out && e->be.ops->query_sa(e->be.ctx, &ko, &st) == 0 &&
		    st.use_ms > *last_out)
			*last_out = st.use_ms;
	}
	return in;
}

static void fire_dpd(void *arg)
{
	struct ike_sa *sa = arg;
	sa->t_dpd = NULL;
	uint32_t iv = sa->cfg.ike.dpd_interval_sec;
	if (!iv || sa->state != IKEV2_IKE_ESTABLISHED)
		return;
	uint64_t now = eng_now(sa->eng), out;
	uint64_t in = last_inbound(sa, &out);
	bool idle = now - in >= (uint64_t)iv * 1000;
	/* on-demand (IOS default): only when we sent traffic and heard
	 * nothing; periodic: whenever the peer was quiet */
	if (idle && (!sa->cfg.ike.dpd_on_demand || out > in) && !exch_has_task(sa, &task_dpd_ops))
		exch_queue(sa, task_dpd_new());
	sa->t_dpd = eng_timer_add(sa->eng, (uint64_t)iv * 1000, fire_dpd, sa);
}

static void fire_keepalive(void *arg)
{
	struct ike_sa *sa = arg;
	sa->t_keepalive = NULL;
	if (!sa->nat_local || !sa->cfg.ike.nat_keepalive_sec)
		return;
	if (sa->eng->ops.keepalive)
		sa->eng->ops.keepalive(sa->eng->ctx, &sa->local, &sa->remote);
	sa->t_keepalive = eng_timer_add(sa->eng, (uint64_t)sa->cfg.ike.nat_keepalive_sec * 1000,
					fire_keepalive, sa);
}

void ike_sa_arm_timers(struct ike_sa *sa)
{
	struct ikev2_engine *e = sa->eng;
	uint64_t life = (uint64_t)sa->cfg.ike.lifetime_sec * 1000;
	ike_sa_cancel_timers(sa);
	if (life) {
		/* the original initiator rekeys first; the responder a bit
		 * later, so both rarely start at once */
		uint64_t soft = sa->initiator ? life * 90 / 100 : life * 95 / 100;
		sa->t_rekey = eng_timer_add(e, soft, fire_rekey, sa);
		sa->t_expire = eng_timer_add(e, life, fire_expire, sa);
	}
	if (sa->cfg.ike.dpd_interval_sec)
		sa->t_dpd = eng_timer_add(e, (uint64_t)sa->cfg.ike.dpd_interval_sec * 1000, fire_dpd,
					  sa);
	if (sa->nat_local && sa->cfg.ike.nat_keepalive_sec)
		sa->t_keepalive = eng_timer_add(e, (uint64_t)sa->cfg.ike.nat_keepalive_sec * 1000,
						fire_keepalive, sa);
}

void ike_sa_rekey_in(struct ike_sa *sa, uint64_t ms)
{
	eng_timer_cancel(sa->eng, &sa->t_rekey);
	sa->t_rekey = eng_timer_add(sa->eng, ms, fire_rekey, sa);
}

void ike_sa_cancel_timers(struct ike_sa *sa)
{
	struct ikev2_engine *e = sa->eng;
	eng_timer_cancel(e, &sa->t_halfopen);
	eng_timer_cancel(e, &sa->t_rekey);
	eng_timer_cancel(e, &sa->t_expire);
	eng_timer_cancel(e, &sa->t_dpd);
	eng_timer_cancel(e, &sa->t_delete);
	eng_timer_cancel(e, &sa->t_keepalive);
}
