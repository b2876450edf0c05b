/*
 * IKE_AUTH with pre-shared keys (RFC 7296 1.2, 2.15) and the first
 * CHILD_SA (no KE, keys from the IKE_SA_INIT nonces).
 *
 *   request:  IDi, AUTH, [N(INITIAL_CONTACT)], [CP], SAi2, TSi, TSr, [N(USE_TRANSPORT_MODE)]
 *   response: IDr, AUTH, [CP], SAr2, TSi, TSr  (or an error notify for the CHILD_SA;
 *             or N(AUTHENTICATION_FAILED) alone, after which the SA is gone)
 *
 * The responder looks the peer's profile up again with IDi (the first
 * lookup in IKE_SA_INIT only knew the addresses) and checks the peer's
 * AUTH with the profile's remote key; its own AUTH uses the local key.
 * INITIAL_CONTACT makes the responder drop every other IKE SA with the
 * same peer identity (RFC 7296 2.4).
 *
 * Configuration payload (RFC 7296 2.19, 3.15): the initiator sends
 * cfg.cp_out and hands the response's CP to ops.cp_received before the SA
 * is UP (a refusal: INFORMATIONAL(AUTHENTICATION_FAILED), then the SA
 * goes).  The responder hands the request's CP (or none) to ops.authorize
 * once the peer's AUTH is verified; -1 answers AUTHENTICATION_FAILED.  When
 * the reply assigns INTERNAL_IP4_ADDRESS to a peer that is not a Cisco
 * FlexVPN peer (no FLEXVPN-SUPPORTED vendor ID: a remote-access client
 * such as strongSwan asking "dynamic" selectors), the peer's IPv4
 * selectors are narrowed to that address.  cp_of/cp_add (engine form <->
 * codec form) serve the CP in INFORMATIONAL too (task_cp_set.c).
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

/* ---- CP: engine form <-> codec form */

static void cp_from_pl(const struct ikev2_pl_cp *pl, struct ikev2_cp *out)
{
	memset(out, 0, sizeof(*out));
	out->type = pl->cfg_type;
	for (unsigned i = 0; i < pl->n_attrs && out->n < IKEV2_CP_MAX_ATTRS; i++) {
		const struct ikev2_cfg_attr *a = &pl->attrs[i];
		if (a->len > IKEV2_CP_ATTR_MAX)
			continue;	/* longer than we keep: dropped, not cut */
		struct ikev2_cp_attr *o = &out->attrs[out->n++];
		o->type = a->type;
		o->len = a->len;
		if (a->len)
			memcpy(o->value, a->value, a->len);
	}
}

void cp_add(struct ikev2_enc *e, const struct ikev2_cp *cp)
{
	struct ikev2_cfg_attr attrs[IKEV2_CP_MAX_ATTRS];
	unsigned n = cp->n < IKEV2_CP_MAX_ATTRS ? cp->n : IKEV2_CP_MAX_ATTRS;
	for (unsigned i = 0; i < n; i++) {
		attrs[i].type = cp->attrs[i].type;
		attrs[i].len = cp->attrs[i].len <= IKEV2_CP_ATTR_MAX ? cp->attrs[i].len : 0;
		attrs[i].value = attrs[i].len ? cp->attrs[i].value : NULL;
	}
	struct ikev2_pl_cp pl = {cp->type, n, attrs};
	ikev2_enc_cp(e, &pl);
}

void cp_of(const struct ikev2_chain *c, struct ikev2_cp *out)
{
	const struct ikev2_payload *p = ikev2_chain_next(c, IKEV2_PL_CP, NULL);
	if (p)
		cp_from_pl(&p->u.cp, out);
	else
		memset(out, 0, sizeof(*out));
}

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
	if (sa->cfg.cp_out.type)
		cp_add(e, &sa->cfg.cp_out);
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
	if (sa->eng->ops.cp_received) {
		struct ikev2_cp *cp = malloc(sizeof(*cp));
		struct ikev2_ike_info info;
		if (!cp)
			abort();
		cp_of(c, cp);
		ike_sa_info(sa, &info);
		int rc = sa->eng->ops.cp_received(sa->eng->ctx, &info, cp);
		free(cp);
		if (rc != 0) {
			auth_failed_log(sa, "configuration payload refused");
			exch_flush(sa);
			exch_queue(sa, task_auth_failed_new());
			return TASK_DONE;
		}
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

/* A remote-access peer got an address: its IPv4 selectors become it. */
static void narrow_to_assigned(struct ike_sa *sa, const struct ikev2_cp *reply)
{
	if (sa->peer_flexvpn || reply->type != IKEV2_CP_REPLY)
		return;
	for (unsigned i = 0; i < reply->n; i++) {
		const struct ikev2_cp_attr *a = &reply->attrs[i];
		if (a->type != IKEV2_CFG_INTERNAL_IP4_ADDRESS || a->len != 4)
			continue;
		struct ikev2_child_policy *p = &sa->cfg.child;
		for (unsigned k = 0; k < p->n_ts_remote; k++) {
			struct ipsec_ts *ts = &p->ts_remote[k];
			if (ts->family != 4)
				continue;
			memcpy(ts->start, a->value, 4);
			memcpy(ts->end, a->value, 4);
		}
		return;
	}
}

/* ops.authorize: 0 (reply filled, type 0 for none) or -1 (refused). */
static int authorize(struct ike_sa *sa, const struct ikev2_chain *c, struct ikev2_cp *reply)
{
	struct ikev2_engine *e = sa->eng;
	memset(reply, 0, sizeof(*reply));
	if (!e->ops.authorize)
		return 0;
	struct ikev2_cp *req = malloc(sizeof(*req));
	if (!req)
		abort();
	cp_of(c, req);
	struct ikev2_ike_info info;
	ike_sa_info(sa, &info);
	int rc = e->ops.authorize(e->ctx, &info, req, reply) == 0 ? 0 : -1;
	free(req);
	if (rc != 0)
		memset(reply, 0, sizeof(*reply));
	return rc;
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
	struct ikev2_cp *reply = calloc(1, sizeof(*reply));
	if (!cfg || !reply)
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
	/* authorization (and the CP reply) before our IDr/AUTH are built;
	 * the CP follows them in the response */
	if (authorize(sa, c, reply) != 0) {
		rc = auth_fail_resp(sa, r, "authorization failed");
		goto out;
	}
	if (add_id_auth(sa, r, IKEV2_PL_IDR, false) != 0) {
		rc = auth_fail_resp(sa, r, "cannot compute AUTH");
		goto out;
	}
	if (reply->type) {
		cp_add(r, reply);
		narrow_to_assigned(sa, reply);
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
	free(reply);
	return rc;
}
