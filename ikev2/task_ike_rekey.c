/*
 * IKE SA rekey (RFC 7296 1.3.2, 2.18, 2.8.2):
 *
 *   request:  SA (protocol IKE, SPI = initiator's new SPI), Ni, KEi
 *   response: SA (SPI = responder's new SPI), Nr, KEr
 *
 *   SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), keys derived with
 *   the new SPIs; the rekey initiator is the "original initiator" of the
 *   new IKE SA; message IDs start at 0.  The CHILD_SAs (and our queued
 *   exchanges) move to the new SA, and the rekey initiator deletes the
 *   old one.
 *
 * Collision: when both sides rekey at once, the new IKE SA created with
 * the lowest of the four nonces is redundant and deleted by its
 * initiator; the CHILD_SAs go to the other new IKE SA, whose initiator
 * deletes the old IKE SA.
 */
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

#define REKEY_RETRY_MS 10000	/* after TEMPORARY_FAILURE */

struct t_irk {
	struct ikev2_task base;
	struct crypto_dh *dh;
	uint16_t group;
	struct nonce ni;
	uint8_t spi[8];
	unsigned ke_tries;
};

static bool irk_can_start(struct ike_sa *sa, struct ikev2_task *t)
{
	(void)t;
	return sa->state == IKEV2_IKE_ESTABLISHED;
}

static int irk_build(struct ike_sa *sa, struct ikev2_task *tt, struct ikev2_enc *e)
{
	struct t_irk *t = (struct t_irk *)tt;
	const struct ikev2_ike_policy *p = &sa->cfg.ike;
	if (!t->group)
		t->group = sa->suite.dh;
	if (t->dh && crypto_dh_group(t->dh) != t->group) {
		crypto_dh_free(t->dh);
		t->dh = NULL;
	}
	if (!t->dh && crypto_dh_new(t->group, &t->dh) != CRYPTO_OK)
		return -1;
	nonce_make(&t->ni);
	crypto_random_ike_spi(t->spi);
	sa_pl_add(e, p->proposals, p->n_proposals, IKEV2_PROTO_IKE, t->spi, 8, 0);
	ikev2_enc_nonce(e, t->ni.b, t->ni.len);
	struct ikev2_pl_ke ke = {t->group, NULL, 0};
	ke.data = crypto_dh_public(t->dh, &ke.data_len);
	ikev2_enc_ke(e, &ke);
	sa->collision_sa = 0;
	ike_sa_set_state(sa, IKEV2_IKE_REKEYING);
	return 0;
}

/* The new IKE SA from a rekey exchange, established, nothing moved yet. */
static struct ike_sa *new_ike_sa(struct ike_sa *old, bool initiator, const uint8_t spi_i[8],
				 const uint8_t spi_r[8], const struct sel *s, const uint8_t *gir,
				 size_t glen, const struct nonce *ni, const struct nonce *nr)
{
	struct ike_sa *n = ike_sa_new(old->eng, initiator, &old->local, &old->remote);
	memcpy(n->spi_i, spi_i, 8);
	memcpy(n->spi_r, spi_r, 8);
	n->cfg = old->cfg;
	n->have_cfg = true;
	n->peer_id = old->peer_id;
	n->nat_local = old->nat_local;
	n->nat_remote = old->nat_remote;
	n->frag_peer = old->frag_peer;
	n->peer_cisco = old->peer_cisco;
	n->peer_flexvpn = old->peer_flexvpn;
	n->peer_delete_reason = old->peer_delete_reason;
	n->rekeyed_from = old->id;
	n->ni = *ni;
	n->nr = *nr;
	n->suite = (struct ike_suite){s->encr, s->keybits, s->prf, s->integ, s->dh};
	struct crypto_suite cs = {s->encr, s->keybits, s->integ, s->prf};
	if (crypto_ike_keys_rekey(&old->keys, &cs, gir, glen, ni->b, ni->len, nr->b, nr->len,
				  n->spi_i, n->spi_r, &n->keys) != CRYPTO_OK ||
	    ike_sa_setup_sk(n) != 0) {
		ike_sa_destroy(n, IKEV2_EV_FAILED, "IKE rekey: key derivation failed");
		return NULL;
	}
	ike_sa_set_state(n, IKEV2_IKE_ESTABLISHED);
	return n;
}

/* Hand the CHILD_SAs and queued work of old to n; old waits for its end. */
static void take_over(struct ike_sa *old, struct ike_sa *n)
{
	ike_sa_move_children(old, n);
	exch_move_queued(old, n);
	ike_sa_set_state(old, IKEV2_IKE_REKEYED);
	exch_kick(n);
}

static enum task_rc irk_process(struct ike_sa *sa, struct ikev2_task *tt, const struct msg_in *m)
{
	struct t_irk *t = (struct t_irk *)tt;
	struct ikev2_engine *e = sa->eng;
	const struct ikev2_ike_policy *p = &sa->cfg.ike;
	const struct ikev2_chain *c = m->pl;
	struct ike_sa *coll = sa->collision_sa ? eng_sa_by_id(e, sa->collision_sa) : NULL;
	sa->collision_sa = 0;
	uint16_t err = notify_error(c);
	if (err) {
		if (sa->state == IKEV2_IKE_REKEYING)
			ike_sa_set_state(sa, IKEV2_IKE_ESTABLISHED);
		if (coll) {
			/* the peer's rekey went through: follow it */
			take_over(sa, coll);
			return TASK_DONE;
		}
		if (err == IKEV2_N_INVALID_KE_PAYLOAD) {
			const struct ikev2_payload *n = ikev2_chain_notify(c, err);
			uint16_t g = n->u.notify.data_len == 2
					     ? (uint16_t)(n->u.notify.data[0] << 8 | n->u.notify.data[1])
					     : 0;
			if (g && g != t->group && sa_has_dh(p->proposals, p->n_proposals, g) &&
			    ++t->ke_tries <= 3) {
				t->group = g;
				return TASK_RETRY;
			}
		}
		SA_DBG(sa, ikev2_debug_error, "IKE SA rekey failed: %s", ikev2_notify_name(err));
		if (err == IKEV2_N_TEMPORARY_FAILURE)
			ike_sa_rekey_in(sa, REKEY_RETRY_MS);
		return TASK_DONE;
	}
	const struct ikev2_payload *sa_pl = ikev2_chain_next(c, IKEV2_PL_SA, NULL);
	const struct ikev2_payload *ke = ikev2_chain_next(c, IKEV2_PL_KE, NULL);
	struct nonce nr;
	nonce_from(&nr, ikev2_chain_next(c, IKEV2_PL_NONCE, NULL));
	struct sel s;
	uint8_t gir[1024];
	size_t glen = 0;
	if (!sa_pl || !ke || nr.len < IKEV2_NONCE_MIN || sa_pl->u.sa.n_proposals != 1 ||
	    sa_pl_select(&sa_pl->u.sa, p->proposals, p->n_proposals, IKEV2_PROTO_IKE, 0, &s) != 0 ||
	    s.spi_size != 8 || s.dh != t->group || ke->u.ke.group != t->group ||
	    crypto_dh_compute(t->dh, ke->u.ke.data, ke->u.ke.data_len, gir, &glen) != CRYPTO_OK) {
		SA_DBG(sa, ikev2_debug_error, "IKE SA rekey: unacceptable response");
		ike_sa_set_state(sa, IKEV2_IKE_ESTABLISHED);
		if (coll)
			take_over(sa, coll);
		return TASK_DONE;
	}
	struct ike_sa *n = new_ike_sa(sa, true, t->spi, s.spi, &s, gir, glen, &t->ni, &nr);
	crypto_wipe(gir, sizeof(gir));
	if (!n) {
		ike_sa_set_state(sa, IKEV2_IKE_ESTABLISHED);
		return TASK_DONE;
	}
	if (coll && nonce_lowest_in_first(&n->ni, &n->nr, &coll->ni, &coll->nr)) {
		SA_DBG(sa, ikev2_debug_internal,
		       "IKE SA rekey collision: ours has the lowest nonce, deleting it");
		take_over(sa, coll);
		n->replaced = true;
		exch_queue(n, task_delete_ike_new());
		return TASK_DONE;
	}
	if (coll)
		SA_DBG(sa, ikev2_debug_internal,
		       "IKE SA rekey collision: the peer's has the lowest nonce");
	take_over(sa, n);
	exch_queue_first(sa, task_delete_ike_new());
	return TASK_DONE;
}

static void irk_abort(struct ike_sa *sa, struct ikev2_task *t, bool timeout)
{
	(void)t;
	if (timeout)
		ike_sa_destroy(sa, IKEV2_EV_PEER_DEAD, "IKE SA rekey: no response from peer");
}

static void irk_free(struct ikev2_task *tt)
{
	struct t_irk *t = (struct t_irk *)tt;
	crypto_dh_free(t->dh);
	crypto_wipe(t, sizeof(*t));
	free(t);
}

const struct task_ops task_ike_rekey_ops = {
	.name = "IKE SA rekey",
	.exchange = IKEV2_EXCH_CREATE_CHILD_SA,
	.can_start = irk_can_start,
	.build = irk_build,
	.process = irk_process,
	.abort = irk_abort,
	.free = irk_free,
};

struct ikev2_task *task_ike_rekey_new(void)
{
	struct t_irk *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->base.ops = &task_ike_rekey_ops;
	return &t->base;
}

/* ------------------------------------------------------------ responder */

int ike_rekey_respond(struct ike_sa *sa, const struct msg_in *m, struct ikev2_enc *r)
{
	const struct ikev2_chain *c = m->pl;
	const struct ikev2_ike_policy *p = &sa->cfg.ike;
	struct ikev2_task *active = exch_active(sa);
	/* RFC 7296 2.25: not while one of our CHILD_SA exchanges is half done */
	if (active && active->ops->exchange == IKEV2_EXCH_CREATE_CHILD_SA &&
	    active->ops != &task_ike_rekey_ops) {
		notify_add(r, IKEV2_N_TEMPORARY_FAILURE, 0, NULL, 0, NULL, 0);
		return RESP_SEND;
	}
	const struct ikev2_payload *sa_pl = ikev2_chain_next(c, IKEV2_PL_SA, NULL);
	const struct ikev2_payload *ke = ikev2_chain_next(c, IKEV2_PL_KE, NULL);
	struct nonce ni, nr;
	nonce_from(&ni, ikev2_chain_next(c, IKEV2_PL_NONCE, NULL));
	struct sel s;
	if (ni.len < IKEV2_NONCE_MIN ||
	    sa_pl_select(&sa_pl->u.sa, p->proposals, p->n_proposals, IKEV2_PROTO_IKE, 0, &s) != 0 ||
	    s.spi_size != 8) {
		notify_add(r, IKEV2_N_NO_PROPOSAL_CHOSEN, 0, NULL, 0, NULL, 0);
		return RESP_SEND;
	}
	if (!ke || ke->u.ke.group != s.dh) {
		uint8_t g[2] = {(uint8_t)(s.dh >> 8), (uint8_t)s.dh};
		notify_add(r, IKEV2_N_INVALID_KE_PAYLOAD, 0, NULL, 0, g, 2);
		return RESP_SEND;
	}
	struct crypto_dh *dh = NULL;
	uint8_t gir[1024];
	size_t glen = 0;
	if (crypto_dh_new(s.dh, &dh) != CRYPTO_OK ||
	    crypto_dh_compute(dh, ke->u.ke.data, ke->u.ke.data_len, gir, &glen) != CRYPTO_OK) {
		crypto_dh_free(dh);
		notify_add(r, IKEV2_N_NO_PROPOSAL_CHOSEN, 0, NULL, 0, NULL, 0);
		return RESP_SEND;
	}
	nonce_make(&nr);
	uint8_t spi_r[8];
	crypto_random_ike_spi(spi_r);
	struct ike_sa *n = new_ike_sa(sa, false, s.spi, spi_r, &s, gir, glen, &ni, &nr);
	crypto_wipe(gir, sizeof(gir));
	if (!n) {
		crypto_dh_free(dh);
		notify_add(r, IKEV2_N_NO_PROPOSAL_CHOSEN, 0, NULL, 0, NULL, 0);
		return RESP_SEND;
	}
	sa_pl_add_sel(r, &s, n->spi_r, 8);
	ikev2_enc_nonce(r, nr.b, nr.len);
	struct ikev2_pl_ke k = {s.dh, NULL, 0};
	k.data = crypto_dh_public(dh, &k.data_len);
	ikev2_enc_ke(r, &k);
	crypto_dh_free(dh);
	if (sa->state == IKEV2_IKE_REKEYING) {
		/* our rekey of this SA is outstanding: decide when it ends */
		sa->collision_sa = n->id;
		SA_DBG(sa, ikev2_debug_internal, "IKE SA rekey collision detected");
	} else {
		take_over(sa, n);
	}
	return RESP_SEND;
}
