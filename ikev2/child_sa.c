/*
 * CHILD_SA object: state machine, key derivation and installation into
 * the data plane (ipsec/sa_install.h), lifetimes, removal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

#define B(s) (1u << (s))
static const unsigned allowed[IKEV2_CHILD_STATE_COUNT] = {
	[IKEV2_CHILD_CREATING] = B(IKEV2_CHILD_INSTALLED) | B(IKEV2_CHILD_DELETED),
	[IKEV2_CHILD_INSTALLED] = B(IKEV2_CHILD_REKEYING) | B(IKEV2_CHILD_REKEYED) |
				  B(IKEV2_CHILD_DELETING) | B(IKEV2_CHILD_DELETED),
	[IKEV2_CHILD_REKEYING] = B(IKEV2_CHILD_INSTALLED) | B(IKEV2_CHILD_REKEYED) |
				 B(IKEV2_CHILD_DELETING) | B(IKEV2_CHILD_DELETED),
	[IKEV2_CHILD_REKEYED] = B(IKEV2_CHILD_DELETING) | B(IKEV2_CHILD_DELETED),
	[IKEV2_CHILD_DELETING] = B(IKEV2_CHILD_DELETED),
	[IKEV2_CHILD_DELETED] = 0,
};
#undef B

struct child_sa *child_sa_new(struct ike_sa *sa, const struct ikev2_child_policy *pol)
{
	struct child_sa *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->ike = sa;
	c->id = sa->eng->next_child_id++;
	c->state = IKEV2_CHILD_CREATING;
	if (pol) {
		c->policy = *pol;
		c->mode = pol->mode;
	}
	c->created_ms = eng_now(sa->eng);
	c->next = sa->children;
	sa->children = c;
	return c;
}

int child_sa_set_state(struct child_sa *c, enum ikev2_child_state st)
{
	enum ikev2_child_state old = c->state;
	if (old == st)
		return 0;
	if ((unsigned)st >= IKEV2_CHILD_STATE_COUNT || !(allowed[old] & (1u << st))) {
		SA_DBG(c->ike, ikev2_debug_error, "CHILD SA %llu: invalid transition %s -> %s",
		       (unsigned long long)c->id, ikev2_child_state_name(old),
		       ikev2_child_state_name(st));
		return -1;
	}
	c->state = st;
	SA_DBG(c->ike, ikev2_debug_internal, "CHILD SA %llu (SPI in 0x%08X out 0x%08X): %s -> %s",
	       (unsigned long long)c->id, c->spi_in, c->spi_out, ikev2_child_state_name(old),
	       ikev2_child_state_name(st));
	return 0;
}

struct child_sa *child_sa_by_id(struct ike_sa *sa, uint64_t id)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

struct child_sa *child_sa_by_spi_in(struct ike_sa *sa, uint32_t spi)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_in == spi)
			return c;
	return NULL;
}

struct child_sa *child_sa_by_spi_out(struct ike_sa *sa, uint32_t spi)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_out == spi && c->state != IKEV2_CHILD_CREATING)
			return c;
	return NULL;
}

uint32_t child_sa_alloc_spi(struct ike_sa *sa)
{
	struct ikev2_engine *e = sa->eng;
	uint32_t spi = 0;
	if (e->be.ops && e->be.ops->get_spi) {
		if (e->be.ops->get_spi(e->be.ctx, &sa->remote, &sa->local, IPSEC_PROTO_ESP, &spi) != 0)
			return 0;
	} else if (crypto_random_esp_spi(&spi) != CRYPTO_OK) {
		return 0;
	}
	return spi;
}

void child_sa_info(const struct child_sa *c, struct ikev2_child_info *o)
{
	memset(o, 0, sizeof(*o));
	o->id = c->id;
	o->ike_id = c->ike->id;
	o->state = c->state;
	o->spi_in = c->spi_in;
	o->spi_out = c->spi_out;
	o->encr = c->suite.encr;
	o->encr_keybits = c->suite.keybits;
	o->integ = c->suite.integ;
	o->dh = c->suite.dh;
	o->esn = c->suite.esn;
	o->mode = c->mode;
	o->encap = c->encap;
	memcpy(o->ts_local, c->ts_local, sizeof(o->ts_local));
	memcpy(o->ts_remote, c->ts_remote, sizeof(o->ts_remote));
	o->n_ts_local = c->n_ts_local;
	o->n_ts_remote = c->n_ts_remote;
	o->created_ms = c->created_ms;
	o->lifetime_sec = c->policy.lifetime_sec;
	o->reqid = c->reqid;
	o->rekeyed_from = c->rekeyed_from;
}

static void child_event(struct child_sa *c, enum ikev2_event ev)
{
	struct ikev2_engine *e = c->ike->eng;
	if (!e->ops.child_event)
		return;
	struct ikev2_child_info info;
	child_sa_info(c, &info);
	e->ops.child_event(e->ctx, &info, ev);
}

static void fill_params(struct child_sa *c, struct ipsec_sa_params *p, bool inbound,
			const struct crypto_key *ek, const struct crypto_key *ak)
{
	struct ike_sa *sa = c->ike;
	memset(p, 0, sizeof(*p));
	p->inbound = inbound;
	p->key.proto = IPSEC_PROTO_ESP;
	p->key.src = inbound ? sa->remote : sa->local;
	p->key.dst = inbound ? sa->local : sa->remote;
	p->key.spi = inbound ? c->spi_in : c->spi_out;
	p->reqid = c->reqid;
	p->mode = c->mode;
	p->encr = c->suite.encr;
	p->encr_keybits = c->suite.keybits;
	p->integ = c->suite.integ;
	p->esn = c->suite.esn;
	memcpy(p->encr_key, ek->b, ek->len);
	p->encr_key_len = ek->len;
	memcpy(p->integ_key, ak->b, ak->len);
	p->integ_key_len = ak->len;
	p->replay_window = c->policy.replay_window;
	/* Time is driven by the engine's own timers (rekey before, delete
	 * at the hard limit); the data plane enforces volume and acts as a
	 * safety net for time. */
	p->lifetime.hard_seconds = c->policy.lifetime_sec;
	p->lifetime.hard_bytes = c->policy.lifetime_kb * 1024;
	p->lifetime.soft_bytes = p->lifetime.hard_bytes / 10 * 9;
	p->encap = c->encap;
	if (c->encap) {
		p->encap_sport = p->key.src.port;
		p->encap_dport = p->key.dst.port;
	}
	const struct ipsec_ts *src = inbound ? c->ts_remote : c->ts_local;
	const struct ipsec_ts *dst = inbound ? c->ts_local : c->ts_remote;
	p->n_src_ts = inbound ? c->n_ts_remote : c->n_ts_local;
	p->n_dst_ts = inbound ? c->n_ts_local : c->n_ts_remote;
	memcpy(p->src_ts, src, p->n_src_ts * sizeof(*src));
	memcpy(p->dst_ts, dst, p->n_dst_ts * sizeof(*dst));
	p->ike_sa_id = sa->id;
	p->child_sa_id = c->id;
}

static void policies(struct child_sa *c, bool add)
{
	struct ikev2_engine *e = c->ike->eng;
	if (!e->be.ops)
		return;
	for (unsigned i = 0; i < c->n_ts_local; i++) {
		for (unsigned j = 0; j < c->n_ts_remote; j++) {
			if (c->ts_local[i].family != c->ts_remote[j].family)
				continue;
			for (int d = IPSEC_POLICY_IN; d <= IPSEC_POLICY_FWD; d++) {
				if (d == IPSEC_POLICY_FWD && c->mode != IPSEC_SA_TUNNEL)
					continue;
				struct ipsec_policy_params p = {0};
				bool out = d == IPSEC_POLICY_OUT;
				p.dir = (enum ipsec_policy_dir)d;
				p.src_ts = out ? c->ts_local[i] : c->ts_remote[j];
				p.dst_ts = out ? c->ts_remote[j] : c->ts_local[i];
				p.src = out ? c->inst_local : c->inst_remote;
				p.dst = out ? c->inst_remote : c->inst_local;
				p.reqid = c->reqid;
				p.mode = c->mode;
				p.proto = IPSEC_PROTO_ESP;
				if (add && e->be.ops->add_policy)
					e->be.ops->add_policy(e->be.ctx, &p);
				else if (!add && e->be.ops->del_policy)
					e->be.ops->del_policy(e->be.ctx, &p);
			}
		}
	}
}

void child_sa_take_policy(struct child_sa *new_c, struct child_sa *old_c)
{
	new_c->reqid = old_c->reqid;
	new_c->owns_policy = old_c->owns_policy;
	old_c->owns_policy = false;
}

static void del_sas(struct child_sa *c)
{
	struct ikev2_engine *e = c->ike->eng;
	if (!e->be.ops || !e->be.ops->del_sa)
		return;
	if (c->installed_in) {
		struct ipsec_sa_key k = {c->inst_remote, c->inst_local, c->spi_in, IPSEC_PROTO_ESP};
		e->be.ops->del_sa(e->be.ctx, &k);
		c->installed_in = false;
	}
	if (c->installed_out) {
		struct ipsec_sa_key k = {c->inst_local, c->inst_remote, c->spi_out, IPSEC_PROTO_ESP};
		e->be.ops->del_sa(e->be.ctx, &k);
		c->installed_out = false;
	}
}

int child_sa_install(struct child_sa *c, bool exch_initiator, const uint8_t *gir, size_t gir_len,
		     const struct nonce *ni, const struct nonce *nr)
{
	struct ike_sa *sa = c->ike;
	struct ikev2_engine *e = sa->eng;
	struct crypto_suite s = {c->suite.encr, c->suite.keybits, c->suite.integ, sa->suite.prf};
	struct crypto_child_keys k;
	int rc = crypto_child_keys_derive(&sa->keys, &s, gir, gir_len, ni->b, ni->len, nr->b,
					  nr->len, &k);
	if (rc != CRYPTO_OK) {
		SA_DBG(sa, ikev2_debug_error, "CHILD SA keys: %s", crypto_strerror(rc));
		return -1;
	}
	if (!c->reqid) {
		c->reqid = e->next_reqid++;
		c->owns_policy = true;
	}
	c->encap = sa->nat_local || sa->nat_remote;
	c->inst_local = sa->local;
	c->inst_remote = sa->remote;
	/* keys "_i" protect traffic from the exchange initiator */
	const struct crypto_key *in_e = exch_initiator ? &k.encr_r : &k.encr_i;
	const struct crypto_key *in_a = exch_initiator ? &k.integ_r : &k.integ_i;
	const struct crypto_key *out_e = exch_initiator ? &k.encr_i : &k.encr_r;
	const struct crypto_key *out_a = exch_initiator ? &k.integ_i : &k.integ_r;
	struct ipsec_sa_params p;
	rc = 0;
	if (e->be.ops && e->be.ops->add_sa) {
		fill_params(c, &p, true, in_e, in_a);
		rc = e->be.ops->add_sa(e->be.ctx, &p);
		if (rc == 0) {
			c->installed_in = true;
			fill_params(c, &p, false, out_e, out_a);
			rc = e->be.ops->add_sa(e->be.ctx, &p);
			if (rc == 0)
				c->installed_out = true;
		}
		crypto_wipe(&p, sizeof(p));
	}
	crypto_child_keys_wipe(&k);
	if (rc != 0) {
		SA_DBG(sa, ikev2_debug_error, "CHILD SA install failed (%d)", rc);
		del_sas(c);
		return -1;
	}
	if (c->owns_policy)
		policies(c, true);
	child_sa_set_state(c, IKEV2_CHILD_INSTALLED);
	child_sa_arm_timers(c);
	child_event(c, c->rekeyed_from ? IKEV2_EV_REKEYED : IKEV2_EV_UP);
	return 0;
}

void child_sa_remove(struct child_sa *c, bool event)
{
	struct ike_sa *sa = c->ike;
	bool was_installed = c->installed_in || c->installed_out;
	child_sa_cancel_timers(c);
	del_sas(c);
	if (c->owns_policy) {
		/* a sibling of the same reqid (rekey collision) keeps them */
		struct child_sa *sib = NULL;
		for (struct child_sa *x = sa->children; x && !sib; x = x->next)
			if (x != c && x->reqid == c->reqid)
				sib = x;
		if (sib)
			sib->owns_policy = true;
		else
			policies(c, false);
	}
	for (struct child_sa **pp = &sa->children; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	child_sa_set_state(c, IKEV2_CHILD_DELETED);
	if (event && was_installed)
		child_event(c, IKEV2_EV_DOWN);
	crypto_wipe(c, sizeof(*c));
	free(c);
}

/* ------------------------------------------------------------ timers */

static void fire_rekey(void *arg)
{
	struct child_sa *c = arg;
	c->t_rekey = NULL;
	if (c->state == IKEV2_CHILD_INSTALLED && c->ike->state == IKEV2_IKE_ESTABLISHED)
		exch_queue(c->ike, task_child_rekey_new(c->id));
}

static void fire_expire(void *arg)
{
	struct child_sa *c = arg;
	c->t_expire = NULL;
	exch_queue_first(c->ike, task_delete_child_new(c->id));
}

void child_sa_delete_in(struct child_sa *c, uint64_t ms)
{
	struct ikev2_engine *e = c->ike->eng;
	child_sa_cancel_timers(c);
	c->t_expire = eng_timer_add(e, ms, fire_expire, c);
}

void child_sa_arm_timers(struct child_sa *c)
{
	struct ikev2_engine *e = c->ike->eng;
	uint64_t life = (uint64_t)c->policy.lifetime_sec * 1000;
	child_sa_cancel_timers(c);
	if (!life)
		return;
	/* the side that created it rekeys first */
	c->t_rekey = eng_timer_add(e, c->by_us ? life * 90 / 100 : life * 95 / 100, fire_rekey, c);
	c->t_expire = eng_timer_add(e, life, fire_expire, c);
}

void child_sa_cancel_timers(struct child_sa *c)
{
	struct ikev2_engine *e = c->ike->eng;
	eng_timer_cancel(e, &c->t_rekey);
	eng_timer_cancel(e, &c->t_expire);
}
