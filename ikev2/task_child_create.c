/*
 * CHILD_SA negotiation (RFC 7296 1.3.1, 2.9, 2.17, 3.3):
 *   - the shared initiator/responder halves used by IKE_AUTH (first
 *     CHILD_SA, no KE), CREATE_CHILD_SA and REKEY_SA;
 *   - the task creating an additional CHILD_SA (with or without PFS);
 *   - the CREATE_CHILD_SA responder, which tells new CHILD_SA, CHILD_SA
 *     rekey (REKEY_SA notify) and IKE SA rekey (SA with protocol IKE)
 *     apart.
 *
 * The responder narrows the initiator's selectors to its own (TSi against
 * its remote selectors, TSr against its local ones); the initiator
 * accepts only answers within what it proposed.
 */
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* PFS: our key pair for group and the shared secret with the peer's KE. */
static int pfs_secret(struct crypto_dh *dh, const struct ikev2_payload *ke, uint8_t *gir,
		      size_t *glen)
{
	if (!ke || ke->u.ke.group != crypto_dh_group(dh))
		return -1;
	return crypto_dh_compute(dh, ke->u.ke.data, ke->u.ke.data_len, gir, glen) == CRYPTO_OK
		       ? 0
		       : -1;
}

struct child_sa *child_respond(struct ike_sa *sa, const struct ikev2_chain *req,
			       const struct ikev2_child_policy *pol, const struct nonce *ni,
			       const struct nonce *nr, bool in_auth, struct ikev2_enc *r,
			       uint64_t rekey_of)
{
	const struct ikev2_payload *sa_pl = ikev2_chain_next(req, IKEV2_PL_SA, NULL);
	const struct ikev2_payload *tsi = ikev2_chain_next(req, IKEV2_PL_TSI, NULL);
	const struct ikev2_payload *tsr = ikev2_chain_next(req, IKEV2_PL_TSR, NULL);
	const struct ikev2_payload *ke = ikev2_chain_next(req, IKEV2_PL_KE, NULL);
	struct sel s;
	if (!sa_pl || !tsi || !tsr || !pol || !pol->n_proposals ||
	    sa_pl_select(&sa_pl->u.sa, pol->proposals, pol->n_proposals, IKEV2_PROTO_ESP,
			 in_auth ? SEL_DH_IGNORE : pol->pfs_group, &s) != 0) {
		SA_DBG(sa, ikev2_debug_error, "CHILD SA: no proposal chosen");
		notify_add(r, IKEV2_N_NO_PROPOSAL_CHOSEN, 0, NULL, 0, NULL, 0);
		return NULL;
	}
	if (!in_auth && s.dh && (!ke || ke->u.ke.group != s.dh)) {
		uint8_t g[2] = {(uint8_t)(s.dh >> 8), (uint8_t)s.dh};
		notify_add(r, IKEV2_N_INVALID_KE_PAYLOAD, 0, NULL, 0, g, 2);
		return NULL;
	}
	struct ipsec_ts ts_l[IPSEC_MAX_TS], ts_r[IPSEC_MAX_TS];
	unsigned n_r = ts_narrow(&tsi->u.ts, pol->ts_remote, pol->n_ts_remote, ts_r, IPSEC_MAX_TS);
	unsigned n_l = ts_narrow(&tsr->u.ts, pol->ts_local, pol->n_ts_local, ts_l, IPSEC_MAX_TS);
	if (!n_r || !n_l) {
		SA_DBG(sa, ikev2_debug_error, "CHILD SA: traffic selectors unacceptable");
		notify_add(r, IKEV2_N_TS_UNACCEPTABLE, 0, NULL, 0, NULL, 0);
		return NULL;
	}
	uint32_t spi = child_sa_alloc_spi(sa);
	if (!spi) {
		notify_add(r, IKEV2_N_NO_ADDITIONAL_SAS, 0, NULL, 0, NULL, 0);
		return NULL;
	}
	uint8_t gir[1024];
	size_t glen = 0;
	struct crypto_dh *dh = NULL;
	if (!in_auth && s.dh) {
		if (crypto_dh_new(s.dh, &dh) != CRYPTO_OK || pfs_secret(dh, ke, gir, &glen) != 0) {
			crypto_dh_free(dh);
			notify_add(r, IKEV2_N_NO_PROPOSAL_CHOSEN, 0, NULL, 0, NULL, 0);
			return NULL;
		}
	}
	struct child_sa *c = child_sa_new(sa, pol);
	c->suite = (struct esp_suite){s.encr, s.keybits, s.integ, s.dh, s.esn};
	c->mode = pol->mode == IPSEC_SA_TRANSPORT &&
				  ikev2_chain_notify(req, IKEV2_N_USE_TRANSPORT_MODE)
			  ? IPSEC_SA_TRANSPORT
			  : IPSEC_SA_TUNNEL;
	c->spi_in = spi;
	c->spi_out = get32(s.spi);
	memcpy(c->ts_local, ts_l, sizeof(ts_l[0]) * n_l);
	memcpy(c->ts_remote, ts_r, sizeof(ts_r[0]) * n_r);
	c->n_ts_local = n_l;
	c->n_ts_remote = n_r;
	c->by_us = false;
	c->ni = *ni;
	c->nr = *nr;
	c->rekeyed_from = rekey_of;
	struct child_sa *old = rekey_of ? child_sa_by_id(sa, rekey_of) : NULL;
	if (old)
		child_sa_take_policy(c, old);
	int rc = child_sa_install(c, false, glen ? gir : NULL, glen, ni, nr);
	crypto_wipe(gir, sizeof(gir));
	if (rc != 0) {
		if (old) /* give the policies back */
			child_sa_take_policy(old, c);
		child_sa_remove(c, false);
		crypto_dh_free(dh);
		notify_add(r, IKEV2_N_NO_ADDITIONAL_SAS, 0, NULL, 0, NULL, 0);
		return NULL;
	}
	uint8_t spib[4];
	put32(spib, spi);
	sa_pl_add_sel(r, &s, spib, 4);
	if (!in_auth) {
		ikev2_enc_nonce(r, nr->b, nr->len);
		if (dh) {
			struct ikev2_pl_ke k = {s.dh, NULL, 0};
			k.data = crypto_dh_public(dh, &k.data_len);
			ikev2_enc_ke(r, &k);
		}
	}
	ts_pl_add(r, IKEV2_PL_TSI, ts_r, n_r);
	ts_pl_add(r, IKEV2_PL_TSR, ts_l, n_l);
	if (c->mode == IPSEC_SA_TRANSPORT)
		notify_add(r, IKEV2_N_USE_TRANSPORT_MODE, 0, NULL, 0, NULL, 0);
	crypto_dh_free(dh);
	return c;
}

int child_req_build(struct ike_sa *sa, struct child_req *cr, struct ikev2_enc *e, bool in_auth,
		    const struct ipsec_ts *tsl, unsigned n_tsl, const struct ipsec_ts *tsr,
		    unsigned n_tsr)
{
	if (!cr->spi_in)
		cr->spi_in = child_sa_alloc_spi(sa);
	if (!cr->spi_in)
		return -1;
	uint8_t spib[4];
	put32(spib, cr->spi_in);
	uint16_t pfs = in_auth ? 0 : cr->pol.pfs_group;
	cr->dh_group = pfs;
	sa_pl_add(e, cr->pol.proposals, cr->pol.n_proposals, IKEV2_PROTO_ESP, spib, 4, pfs);
	if (!in_auth) {
		nonce_make(&cr->ni);
		ikev2_enc_nonce(e, cr->ni.b, cr->ni.len);
		if (pfs) {
			if (cr->dh && crypto_dh_group(cr->dh) != pfs) {
				crypto_dh_free(cr->dh);
				cr->dh = NULL;
			}
			if (!cr->dh && crypto_dh_new(pfs, &cr->dh) != CRYPTO_OK)
				return -1;
			struct ikev2_pl_ke k = {pfs, NULL, 0};
			k.data = crypto_dh_public(cr->dh, &k.data_len);
			ikev2_enc_ke(e, &k);
		}
	}
	ts_pl_add(e, IKEV2_PL_TSI, tsl, n_tsl);
	ts_pl_add(e, IKEV2_PL_TSR, tsr, n_tsr);
	if (cr->pol.mode == IPSEC_SA_TRANSPORT)
		notify_add(e, IKEV2_N_USE_TRANSPORT_MODE, 0, NULL, 0, NULL, 0);
	return 0;
}

struct child_sa *child_req_done(struct ike_sa *sa, struct child_req *cr,
				const struct ikev2_chain *resp, const struct nonce *ni,
				const struct nonce *nr, bool in_auth, uint64_t rekey_of,
				uint16_t *err)
{
	*err = notify_error(resp);
	if (*err)
		return NULL;
	const struct ikev2_payload *sa_pl = ikev2_chain_next(resp, IKEV2_PL_SA, NULL);
	const struct ikev2_payload *tsi = ikev2_chain_next(resp, IKEV2_PL_TSI, NULL);
	const struct ikev2_payload *tsr = ikev2_chain_next(resp, IKEV2_PL_TSR, NULL);
	const struct ikev2_payload *ke = ikev2_chain_next(resp, IKEV2_PL_KE, NULL);
	struct sel s;
	if (!sa_pl || !tsi || !tsr || sa_pl->u.sa.n_proposals != 1 ||
	    sa_pl_select(&sa_pl->u.sa, cr->pol.proposals, cr->pol.n_proposals, IKEV2_PROTO_ESP,
			 in_auth ? SEL_DH_IGNORE : cr->dh_group, &s) != 0) {
		SA_DBG(sa, ikev2_debug_error, "CHILD SA: unacceptable proposal in response");
		*err = IKEV2_N_NO_PROPOSAL_CHOSEN;
		return NULL;
	}
	if (!ts_subset(&tsi->u.ts, cr->pol.ts_local, cr->pol.n_ts_local) ||
	    !ts_subset(&tsr->u.ts, cr->pol.ts_remote, cr->pol.n_ts_remote)) {
		SA_DBG(sa, ikev2_debug_error, "CHILD SA: responder widened the selectors");
		*err = IKEV2_N_TS_UNACCEPTABLE;
		return NULL;
	}
	uint8_t gir[1024];
	size_t glen = 0;
	if (!in_auth && s.dh && (!cr->dh || pfs_secret(cr->dh, ke, gir, &glen) != 0)) {
		*err = IKEV2_N_INVALID_KE_PAYLOAD;
		return NULL;
	}
	struct child_sa *c = child_sa_new(sa, &cr->pol);
	c->suite = (struct esp_suite){s.encr, s.keybits, s.integ, s.dh, s.esn};
	c->mode = cr->pol.mode == IPSEC_SA_TRANSPORT &&
				  ikev2_chain_notify(resp, IKEV2_N_USE_TRANSPORT_MODE)
			  ? IPSEC_SA_TRANSPORT
			  : IPSEC_SA_TUNNEL;
	c->spi_in = cr->spi_in;
	c->spi_out = get32(s.spi);
	for (unsigned i = 0; i < tsi->u.ts.n_ts && c->n_ts_local < IPSEC_MAX_TS; i++)
		if (ts_from_wire(&tsi->u.ts.ts[i], &c->ts_local[c->n_ts_local]) == 0)
			c->n_ts_local++;
	for (unsigned i = 0; i < tsr->u.ts.n_ts && c->n_ts_remote < IPSEC_MAX_TS; i++)
		if (ts_from_wire(&tsr->u.ts.ts[i], &c->ts_remote[c->n_ts_remote]) == 0)
			c->n_ts_remote++;
	c->by_us = true;
	c->ni = *ni;
	c->nr = *nr;
	c->rekeyed_from = rekey_of;
	struct child_sa *old = rekey_of ? child_sa_by_id(sa, rekey_of) : NULL;
	if (old)
		child_sa_take_policy(c, old);
	int rc = child_sa_install(c, true, glen ? gir : NULL, glen, ni, nr);
	crypto_wipe(gir, sizeof(gir));
	if (rc != 0) {
		if (old)
			child_sa_take_policy(old, c);
		child_sa_remove(c, false);
		*err = 0;
		return NULL;
	}
	cr->spi_in = 0;
	return c;
}

void child_req_clear(struct child_req *cr)
{
	crypto_dh_free(cr->dh);
	cr->dh = NULL;
	crypto_wipe(cr, sizeof(*cr));
}

/* ------------------------------------------------------------ task */

struct t_cc {
	struct ikev2_task base;
	struct child_req cr;
};

static int cc_build(struct ike_sa *sa, struct ikev2_task *tt, struct ikev2_enc *e)
{
	struct t_cc *t = (struct t_cc *)tt;
	const struct ikev2_child_policy *p = &t->cr.pol;
	return child_req_build(sa, &t->cr, e, false, p->ts_local, p->n_ts_local, p->ts_remote,
			       p->n_ts_remote);
}

static enum task_rc cc_process(struct ike_sa *sa, struct ikev2_task *tt, const struct msg_in *m)
{
	struct t_cc *t = (struct t_cc *)tt;
	struct nonce nr;
	uint16_t err = 0;
	nonce_from(&nr, ikev2_chain_next(m->pl, IKEV2_PL_NONCE, NULL));
	if (!notify_error(m->pl) && nr.len < IKEV2_NONCE_MIN) {
		SA_DBG(sa, ikev2_debug_error, "CREATE_CHILD_SA: response without nonce");
		return TASK_DONE;
	}
	struct child_sa *c = child_req_done(sa, &t->cr, m->pl, &t->cr.ni, &nr, false, 0, &err);
	if (!c) {
		log_msg(LOG_SEV_ERR, "IKEV2", "NEG_ABORT",
			"Negotiation aborted due to ERROR: CREATE_CHILD_SA failed: %s",
			err ? ikev2_notify_name(err) : "bad response");
	}
	return TASK_DONE;
}

static void cc_abort(struct ike_sa *sa, struct ikev2_task *t, bool timeout)
{
	(void)t;
	if (timeout)
		ike_sa_destroy(sa, IKEV2_EV_PEER_DEAD, "CREATE_CHILD_SA: no response from peer");
}

static void cc_free(struct ikev2_task *tt)
{
	struct t_cc *t = (struct t_cc *)tt;
	child_req_clear(&t->cr);
	free(t);
}

static const struct task_ops cc_ops = {
	.name = "CREATE_CHILD_SA",
	.exchange = IKEV2_EXCH_CREATE_CHILD_SA,
	.build = cc_build,
	.process = cc_process,
	.abort = cc_abort,
	.free = cc_free,
};

struct ikev2_task *task_child_create_new(const struct ikev2_child_policy *cp)
{
	struct t_cc *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->base.ops = &cc_ops;
	t->cr.pol = *cp;
	return &t->base;
}

/* ------------------------------------------------------------ responder */

int create_child_respond(struct ike_sa *sa, const struct msg_in *m, struct ikev2_enc *r)
{
	const struct ikev2_chain *c = m->pl;
	const struct ikev2_payload *sa_pl = ikev2_chain_next(c, IKEV2_PL_SA, NULL);
	if (sa->state == IKEV2_IKE_REKEYED || sa->state == IKEV2_IKE_DELETING) {
		/* RFC 7296 2.25: this IKE SA is going away */
		notify_add(r, IKEV2_N_TEMPORARY_FAILURE, 0, NULL, 0, NULL, 0);
		return RESP_SEND;
	}
	if (!sa_pl || !sa_pl->u.sa.n_proposals) {
		notify_add(r, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
		return RESP_SEND;
	}
	if (sa_pl->u.sa.proposals[0].protocol == IKEV2_PROTO_IKE)
		return ike_rekey_respond(sa, m, r);
	if (ikev2_chain_notify(c, IKEV2_N_REKEY_SA))
		return child_rekey_respond(sa, m, r);
	struct nonce ni, nr;
	nonce_from(&ni, ikev2_chain_next(c, IKEV2_PL_NONCE, NULL));
	if (ni.len < IKEV2_NONCE_MIN) {
		notify_add(r, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
		return RESP_SEND;
	}
	nonce_make(&nr);
	child_respond(sa, c, sa->cfg.has_child ? &sa->cfg.child : NULL, &ni, &nr, false, r, 0);
	return RESP_SEND;
}
