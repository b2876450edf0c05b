/*
 * IKE_AUTH with pre-shared keys (RFC 7296 1.2, 2.15) and the first
 * CHILD_SA (no KE, keys from the IKE_SA_INIT nonces).
 *
 *   request:  IDi, AUTH, [N(INITIAL_CONTACT)], SAi2, TSi, TSr, [N(USE_TRANSPORT_MODE)]
 *   response: IDr, AUTH, SAr2, TSi, TSr  (or an error notify for the CHILD_SA;
 *             or N(AUTHENTICATION_FAILED) alone, after which the SA is gone)
 *
 * The responder looks the peer's profile up again with IDi (the first
 * lookup in IKE_SA_INIT only knew the addresses) and checks the peer's
 * AUTH with the profile's remote key; its own AUTH uses the local key.
 * INITIAL_CONTACT makes the responder drop every other IKE SA with the
 * same peer identity (RFC 7296 2.4).
 */
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

struct t_auth {
	struct ikev2_task base;
	struct child_req cr;
	bool with_child;
};

static bool auth_can_start(struct ike_sa *sa, struct ikev2_task *t)
{
	(void)t;
	return sa->state == IKEV2_IKE_INIT_DONE;
}

/* Another IKE SA to the same peer address is up: no INITIAL_CONTACT. */
static bool have_other_sa(struct ike_sa *sa)
{
	for (struct ike_sa *x = sa->eng->sas; x; x = x->next)
		if (x != sa && x->state >= IKEV2_IKE_ESTABLISHED && x->state < IKEV2_IKE_DEAD &&
		    addr_equal(&x->remote, &sa->remote, false))
			return true;
	return false;
}

static int add_id_auth(struct ike_sa *sa, struct ikev2_enc *e, uint8_t id_type, bool initiator)
{
	struct ikev2_id *id = &sa->cfg.ike.local_id;
	if (id->type == 0) {
		/* no identity configured: our address, as IOS does */
		memset(id, 0, sizeof(*id));
		id->type = sa->local.family == 6 ? IKEV2_ID_IPV6_ADDR : IKEV2_ID_IPV4_ADDR;
		id->len = sa->local.family == 6 ? 16 : 4;
		memcpy(id->data, sa->local.ip, id->len);
	}
	struct buf body;
	uint8_t auth[CRYPTO_MAX_KEYLEN];
	size_t alen = sizeof(auth);
	buf_init(&body);
	id_body(id, &body);
	int rc = auth_psk_make(sa, initiator, body.p, body.len, auth, &alen);
	buf_free(&body);
	if (rc != 0)
		return -1;
	struct ikev2_pl_id idp = {id->type, id->data, id->len};
	ikev2_enc_id(e, id_type, &idp);
	struct ikev2_pl_auth ap = {IKEV2_AUTH_SHARED_KEY_MIC, auth, alen};
	ikev2_enc_auth(e, &ap);
	return 0;
}

static int auth_build(struct ike_sa *sa, struct ikev2_task *tt, struct ikev2_enc *e)
{
	struct t_auth *t = (struct t_auth *)tt;
	if (add_id_auth(sa, e, IKEV2_PL_IDI, true) != 0) {
		ike_sa_destroy(sa, IKEV2_EV_FAILED, "IKE_AUTH: cannot compute AUTH");
		return -1;
	}
	if (sa->cfg.ike.send_initial_contact && !have_other_sa(sa))
		notify_add(e, IKEV2_N_INITIAL_CONTACT, 0, NULL, 0, NULL, 0);
	t->with_child = sa->cfg.has_child;
	if (t->with_child) {
		t->cr.pol = sa->cfg.child;
		const struct ikev2_child_policy *p = &t->cr.pol;
		if (child_req_build(sa, &t->cr, e, true, p->ts_local, p->n_ts_local, p->ts_remote,
				    p->n_ts_remote) != 0) {
			ike_sa_destroy(sa, IKEV2_EV_FAILED, "IKE_AUTH: no SPI for the CHILD SA");
			return -1;
		}
	}
	ike_sa_set_state(sa, IKEV2_IKE_AUTH_SENT);
	return 0;
}

static void id_from(struct ikev2_id *id, const struct ikev2_payload *p)
{
	memset(id, 0, sizeof(*id));
	id->type = p->u.id.id_type;
	id->len = (uint16_t)(p->u.id.data_len <= IKEV2_ID_MAX ? p->u.id.data_len : IKEV2_ID_MAX);
	memcpy(id->data, p->u.id.data, id->len);
}

static void auth_failed_log(struct ike_sa *sa, const char *why)
{
	char a[64];
	log_msg(LOG_SEV_ERR, "IKEV2", "NEG_ABORT",
		"Negotiation aborted due to ERROR: Auth exchange failed (%s), peer %s", why,
		ikev2_addr_str(&sa->remote, a, sizeof(a)));
}

static enum task_rc auth_process(struct ike_sa *sa, struct ikev2_task *tt, const struct msg_in *m)
{
	struct t_auth *t = (struct t_auth *)tt;
	const struct ikev2_chain *c = m->pl;
	const struct ikev2_payload *idr = ikev2_chain_next(c, IKEV2_PL_IDR, NULL);
	const struct ikev2_payload *ap = ikev2_chain_next(c, IKEV2_PL_AUTH, NULL);
	uint16_t err = notify_error(c);
	if (err == IKEV2_N_AUTHENTICATION_FAILED || (!ap && err)) {
		auth_failed_log(sa, ikev2_notify_name(err));
		ike_sa_destroy(sa, err == IKEV2_N_AUTHENTICATION_FAILED ? IKEV2_EV_AUTH_FAILED
									: IKEV2_EV_FAILED,
			       ikev2_notify_name(err));
		return TASK_DONE;
	}
	if (!idr || !ap || ap->u.auth.method != IKEV2_AUTH_SHARED_KEY_MIC) {
		auth_failed_log(sa, "no or unsupported AUTH");
		ike_sa_destroy(sa, IKEV2_EV_AUTH_FAILED, "IKE_AUTH: no usable AUTH");
		return TASK_DONE;
	}
	id_from(&sa->peer_id, idr);
	if (!id_match(&sa->cfg.ike.remote_id, &sa->peer_id) ||
	    auth_psk_verify(sa, false, idr->body, idr->body_len, ap->u.auth.data,
			    ap->u.auth.data_len) != 0) {
		/* the responder thinks the SA is up: tell it, then go */
		auth_failed_log(sa, "peer AUTH or identity mismatch");
		exch_flush(sa);
		exch_queue(sa, task_auth_failed_new());
		return TASK_DONE;
	}
	ike_sa_set_state(sa, IKEV2_IKE_ESTABLISHED);
	if (t->with_child) {
		uint16_t cerr = 0;
		if (!child_req_done(sa, &t->cr, c, &sa->ni, &sa->nr, true, 0, &cerr))
			log_msg(LOG_SEV_ERR, "IKEV2", "NEG_ABORT",
				"Negotiation aborted due to ERROR: CHILD SA in IKE_AUTH failed: %s",
				cerr ? ikev2_notify_name(cerr) : "bad response");
	}
	return TASK_DONE;
}

static void auth_abort(struct ike_sa *sa, struct ikev2_task *t, bool timeout)
{
	(void)t;
	if (timeout)
		ike_sa_destroy(sa, IKEV2_EV_FAILED, "IKE_AUTH: no response from peer");
}

static void auth_free(struct ikev2_task *tt)
{
	struct t_auth *t = (struct t_auth *)tt;
	child_req_clear(&t->cr);
	free(t);
}

static const struct task_ops auth_ops = {
	.name = "IKE_AUTH",
	.exchange = IKEV2_EXCH_IKE_AUTH,
	.can_start = auth_can_start,
	.build = auth_build,
	.process = auth_process,
	.abort = auth_abort,
	.free = auth_free,
};

struct ikev2_task *task_ike_auth_new(void)
{
	struct t_auth *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->base.ops = &auth_ops;
	return &t->base;
}

/* ------------------------------------------------------------ responder */

static int auth_fail_resp(struct ike_sa *sa, struct ikev2_enc *r, const char *why)
{
	auth_failed_log(sa, why);
	notify_add(r, IKEV2_N_AUTHENTICATION_FAILED, 0, NULL, 0, NULL, 0);
	sa->destroy_ev = IKEV2_EV_AUTH_FAILED;
	sa->destroy_why = "IKE_AUTH: authentication failed";
	return RESP_DESTROY;
}

static void initial_contact(struct ike_sa *sa)
{
	for (struct ike_sa *x = sa->eng->sas; x; x = x->next) {
		if (x == sa || x->state < IKEV2_IKE_ESTABLISHED || x->state == IKEV2_IKE_DEAD)
			continue;
		if (x->peer_id.type == sa->peer_id.type && x->peer_id.len == sa->peer_id.len &&
		    memcmp(x->peer_id.data, sa->peer_id.data, x->peer_id.len) == 0)
			ike_sa_destroy(x, IKEV2_EV_DOWN, "INITIAL_CONTACT received");
	}
}

int ike_auth_respond(struct ike_sa *sa, const struct msg_in *m, struct ikev2_enc *r)
{
	struct ikev2_engine *e = sa->eng;
	const struct ikev2_chain *c = m->pl;
	const struct ikev2_payload *idi = ikev2_chain_next(c, IKEV2_PL_IDI, NULL);
	const struct ikev2_payload *ap = ikev2_chain_next(c, IKEV2_PL_AUTH, NULL);
	if (!idi || !ap)
		return auth_fail_resp(sa, r, "IDi or AUTH missing");
	id_from(&sa->peer_id, idi);
	struct ikev2_peer_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		abort();
	int rc;
	if (!e->ops.lookup_peer ||
	    e->ops.lookup_peer(e->ctx, &sa->local, &sa->remote, &sa->peer_id, cfg) != 0 ||
	    !id_match(&cfg->ike.remote_id, &sa->peer_id)) {
		rc = auth_fail_resp(sa, r, "no profile for the peer identity");
		goto out;
	}
	/* the IKE_SA_INIT negotiation (fragmentation) stands */
	bool frag = sa->cfg.ike.fragmentation;
	sa->cfg = *cfg;
	sa->cfg.ike.fragmentation = frag;
	if (ap->u.auth.method != IKEV2_AUTH_SHARED_KEY_MIC ||
	    auth_psk_verify(sa, true, idi->body, idi->body_len, ap->u.auth.data,
			    ap->u.auth.data_len) != 0) {
		rc = auth_fail_resp(sa, r, "peer AUTH mismatch");
		goto out;
	}
	if (add_id_auth(sa, r, IKEV2_PL_IDR, false) != 0) {
		rc = auth_fail_resp(sa, r, "cannot compute AUTH");
		goto out;
	}
	sa->initial_contact_rx = ikev2_chain_notify(c, IKEV2_N_INITIAL_CONTACT) != NULL;
	if (sa->initial_contact_rx)
		initial_contact(sa);
	ike_sa_set_state(sa, IKEV2_IKE_ESTABLISHED);
	if (ikev2_chain_next(c, IKEV2_PL_SA, NULL))
		child_respond(sa, c, sa->cfg.has_child ? &sa->cfg.child : NULL, &sa->ni, &sa->nr,
			      true, r, 0);
	rc = RESP_SEND;
out:
	crypto_wipe(cfg, sizeof(*cfg));
	free(cfg);
	return rc;
}
