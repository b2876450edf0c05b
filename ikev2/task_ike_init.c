/*
 * IKE_SA_INIT (RFC 7296 1.2, 2.6, 2.7, 2.23; RFC 7383 2.3).
 *
 * Initiator: SA, KE, Ni, NAT_DETECTION_*, [IKEV2_FRAGMENTATION_SUPPORTED],
 * SIGNATURE_HASH_ALGORITHMS (RFC 7427; the responder answers with it too,
 * and each side records the peer's list), Cisco vendor IDs.  A COOKIE answer is retried with the cookie first
 * (same SPI and nonce); an INVALID_KE_PAYLOAD answer is retried with the
 * requested group if our proposals allow it.
 *
 * Responder: answers a retransmission from the half-open SA's cache;
 * under load (cookie_threshold half-open SAs) asks for a COOKIE without
 * keeping state; NO_PROPOSAL_CHOSEN / INVALID_KE_PAYLOAD are also sent
 * without state.
 */
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

#define INIT_MAX_RETRIES 3	/* cookie / INVALID_KE round trips */

struct t_init {
	struct ikev2_task base;
	uint16_t group;
	unsigned cookie_tries, ke_tries;
};

static bool init_can_start(struct ike_sa *sa, struct ikev2_task *t)
{
	(void)t;
	return sa->state == IKEV2_IKE_NEW || sa->state == IKEV2_IKE_INIT_SENT;
}

static int init_build(struct ike_sa *sa, struct ikev2_task *tt, struct ikev2_enc *e)
{
	struct t_init *t = (struct t_init *)tt;
	const struct ikev2_ike_policy *p = &sa->cfg.ike;
	static const uint8_t zero[8];
	if (!t->group)
		t->group = sa_first_dh(p->proposals, p->n_proposals);
	if (sa->dh && crypto_dh_group(sa->dh) != t->group) {
		crypto_dh_free(sa->dh);
		sa->dh = NULL;
	}
	if (!sa->dh && crypto_dh_new(t->group, &sa->dh) != CRYPTO_OK) {
		SA_DBG(sa, ikev2_debug_error, "DH group %u not supported", t->group);
		ike_sa_destroy(sa, IKEV2_EV_FAILED, "DH group not supported");
		return -1;
	}
	if (!sa->ni.len)
		nonce_make(&sa->ni);
	if (sa->cookie.len)
		notify_add(e, IKEV2_N_COOKIE, 0, NULL, 0, sa->cookie.p, sa->cookie.len);
	sa_pl_add(e, p->proposals, p->n_proposals, IKEV2_PROTO_IKE, NULL, 0, 0);
	struct ikev2_pl_ke ke = {t->group, NULL, 0};
	ke.data = crypto_dh_public(sa->dh, &ke.data_len);
	ikev2_enc_ke(e, &ke);
	ikev2_enc_nonce(e, sa->ni.b, sa->ni.len);
	nat_pl_add(e, sa->spi_i, zero, &sa->local, &sa->remote);
	if (p->fragmentation)
		notify_add(e, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, 0, NULL, 0, NULL, 0);
	sig_hash_pl_add(e);
	vid_pl_add(sa, e);
	ike_sa_set_state(sa, IKEV2_IKE_INIT_SENT);
	return 0;
}

static void spi_bytes(uint64_t v, uint8_t out[8])
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

static enum task_rc init_fail(struct ike_sa *sa, enum ikev2_event ev, const char *why)
{
	ike_sa_destroy(sa, ev, why);
	return TASK_DONE;
}

/* Keys from the exchange: SKEYSEED and SK_* (RFC 7296 2.14). */
static int derive(struct ike_sa *sa, const struct sel *s, const struct ikev2_pl_ke *ke)
{
	uint8_t gir[1024];
	size_t glen = 0;
	struct crypto_suite cs = {s->encr, s->keybits, s->integ, s->prf};
	int rc = crypto_dh_compute(sa->dh, ke->data, ke->data_len, gir, &glen);
	if (rc == CRYPTO_OK)
		rc = crypto_ike_keys_init(&cs, sa->ni.b, sa->ni.len, sa->nr.b, sa->nr.len, gir, glen,
					  sa->spi_i, sa->spi_r, &sa->keys, NULL);
	crypto_wipe(gir, sizeof(gir));
	crypto_dh_free(sa->dh);
	sa->dh = NULL;
	if (rc != CRYPTO_OK) {
		SA_DBG(sa, ikev2_debug_error, "key derivation: %s", crypto_strerror(rc));
		return -1;
	}
	sa->suite.encr = s->encr;
	sa->suite.keybits = s->keybits;
	sa->suite.prf = s->prf;
	sa->suite.integ = s->integ;
	sa->suite.dh = s->dh;
	return ike_sa_setup_sk(sa);
}

static enum task_rc init_process(struct ike_sa *sa, struct ikev2_task *tt, const struct msg_in *m)
{
	struct t_init *t = (struct t_init *)tt;
	const struct ikev2_chain *c = m->pl;
	const struct ikev2_ike_policy *p = &sa->cfg.ike;
	const struct ikev2_payload *sa_pl = ikev2_chain_next(c, IKEV2_PL_SA, NULL);
	const struct ikev2_payload *ck = ikev2_chain_notify(c, IKEV2_N_COOKIE);
	if (ck && !sa_pl) {
		if (++t->cookie_tries > INIT_MAX_RETRIES || !ck->u.notify.data_len ||
		    ck->u.notify.data_len > 64)
			return init_fail(sa, IKEV2_EV_FAILED, "COOKIE exchange failed");
		buf_reset(&sa->cookie);
		buf_add(&sa->cookie, ck->u.notify.data, ck->u.notify.data_len);
		SA_DBG(sa, ikev2_debug_internal, "COOKIE received, retrying IKE_SA_INIT");
		return TASK_RETRY;
	}
	uint16_t err = notify_error(c);
	if (err == IKEV2_N_INVALID_KE_PAYLOAD) {
		const struct ikev2_payload *n = ikev2_chain_notify(c, err);
		uint16_t g = n->u.notify.data_len == 2
				     ? (uint16_t)(n->u.notify.data[0] << 8 | n->u.notify.data[1])
				     : 0;
		if (!g || g == t->group || !sa_has_dh(p->proposals, p->n_proposals, g) ||
		    ++t->ke_tries > INIT_MAX_RETRIES)
			return init_fail(sa, IKEV2_EV_FAILED, "INVALID_KE_PAYLOAD: no usable group");
		SA_DBG(sa, ikev2_debug_internal, "INVALID_KE_PAYLOAD: retrying with group %u", g);
		t->group = g;
		return TASK_RETRY;
	}
	if (err) {
		SA_DBG(sa, ikev2_debug_error, "IKE_SA_INIT: peer answered %s",
		       ikev2_notify_name(err));
		return init_fail(sa, IKEV2_EV_FAILED, ikev2_notify_name(err));
	}
	const struct ikev2_payload *ke = ikev2_chain_next(c, IKEV2_PL_KE, NULL);
	const struct ikev2_payload *nr = ikev2_chain_next(c, IKEV2_PL_NONCE, NULL);
	struct sel s;
	if (!sa_pl || !ke || !nr || sa_pl->u.sa.n_proposals != 1 ||
	    sa_pl_select(&sa_pl->u.sa, p->proposals, p->n_proposals, IKEV2_PROTO_IKE, 0, &s) != 0 ||
	    s.dh != t->group || ke->u.ke.group != t->group)
		return init_fail(sa, IKEV2_EV_FAILED, "IKE_SA_INIT: unacceptable response");
	spi_bytes(m->hdr.rspi, sa->spi_r);
	nonce_from(&sa->nr, nr);
	static const uint8_t zero[8];
	if (sa->nr.len < IKEV2_NONCE_MIN || memcmp(sa->spi_r, zero, 8) == 0)
		return init_fail(sa, IKEV2_EV_FAILED, "IKE_SA_INIT: bad nonce or SPI");
	if (derive(sa, &s, &ke->u.ke) != 0)
		return init_fail(sa, IKEV2_EV_FAILED, "IKE_SA_INIT: key exchange failed");
	buf_reset(&sa->init_resp);
	buf_add(&sa->init_resp, m->raw, m->raw_len);
	sa->frag_peer = ikev2_chain_notify(c, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
	vid_parse(sa, c);
	sig_hash_parse(sa, c);
	if (nat_check(sa, c, sa->spi_i, sa->spi_r) && (sa->nat_local || sa->nat_remote)) {
		/* RFC 7296 2.23: continue on the NAT-T port */
		uint16_t port = sa->eng->set.natt_port;
		sa->local.port = port;
		sa->remote.port = port;
	}
	ike_sa_set_state(sa, IKEV2_IKE_INIT_DONE);
	return TASK_DONE;
}

static void init_abort(struct ike_sa *sa, struct ikev2_task *t, bool timeout)
{
	(void)t;
	if (timeout)
		ike_sa_destroy(sa, IKEV2_EV_FAILED, "IKE_SA_INIT: no response from peer");
}

static const struct task_ops init_ops = {
	.name = "IKE_SA_INIT",
	.exchange = IKEV2_EXCH_IKE_SA_INIT,
	.can_start = init_can_start,
	.build = init_build,
	.process = init_process,
	.abort = init_abort,
};

struct ikev2_task *task_ike_init_new(void)
{
	struct t_init *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->base.ops = &init_ops;
	return &t->base;
}

/* ------------------------------------------------------------ responder */

/* An answer that keeps no state: just a notify. */
static void stateless_reply(struct ikev2_engine *e, const struct ikev2_msg *m,
			    const struct ipsec_addr *local, const struct ipsec_addr *remote,
			    uint16_t type, const uint8_t *data, size_t len)
{
	struct buf chain, out;
	struct ikev2_enc enc;
	uint8_t first = 0, spi_i[8];
	static const uint8_t zero[8];
	buf_init(&chain);
	buf_init(&out);
	spi_bytes(m->hdr.ispi, spi_i);
	ikev2_enc_chain(&enc, &chain);
	notify_add(&enc, type, 0, NULL, 0, data, len);
	if (ikev2_enc_finish(&enc, &first) == 0) {
		msg_encode_plain(&out, spi_i, zero, IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_RESPONSE, 0,
				 &chain, first);
		eng_send(e, local, remote, &out);
	}
	if (ikev2_debug_packet.on || ikev2_debug_default.on)
		log_debug("IKEv2:Sending IKE_SA_INIT response with %s", ikev2_notify_name(type));
	buf_free(&chain);
	buf_free(&out);
}

void ike_init_respond(struct ikev2_engine *e, const struct ikev2_msg *m,
		      const struct ipsec_addr *local, const struct ipsec_addr *remote)
{
	const struct ikev2_chain *c = &m->chain;
	uint8_t spi_i[8];
	spi_bytes(m->hdr.ispi, spi_i);
	if (m->hdr.msgid != 0 || m->hdr.rspi != 0)
		return;
	struct ike_sa *old = eng_sa_half_open(e, spi_i, remote);
	if (old) {
		if (old->resp.valid && old->resp.msgid == 0) {
			SA_DBG(old, ikev2_debug_internal, "IKE_SA_INIT retransmission: resending");
			for (unsigned i = 0; i < old->resp.pkts.n; i++)
				eng_send(e, &old->local, &old->remote, &old->resp.pkts.p[i]);
		}
		return;
	}
	const struct ikev2_payload *sa_pl = ikev2_chain_next(c, IKEV2_PL_SA, NULL);
	const struct ikev2_payload *ke = ikev2_chain_next(c, IKEV2_PL_KE, NULL);
	const struct ikev2_payload *ni = ikev2_chain_next(c, IKEV2_PL_NONCE, NULL);
	if (!sa_pl || !ke || !ni || ni->u.nonce.data_len < IKEV2_NONCE_MIN) {
		e->stats.rx_invalid++;
		return;
	}
	msg_debug_packet(NULL, false, local, remote, &m->hdr, c);
	char a[64];
	log_msg(LOG_SEV_NOTICE, "IKEV2", "RECV_CONNECTION_REQUEST",
		"Received a IKE_INIT_SA request from %s", ikev2_addr_str(remote, a, sizeof(a)));

	unsigned half = eng_half_open_count(e);
	if ((e->set.max_half_open && half >= e->set.max_half_open) ||
	    (e->set.max_sa && ikev2_engine_ike_count(e) >= e->set.max_sa)) {
		log_msg(LOG_SEV_WARNING, "IKEV2", "MAX_SA_LIMIT",
			"IKE_SA_INIT from %s ignored: SA limit reached", a);
		e->stats.rx_dropped++;
		return;
	}
	/* RFC 7296 2.6: under load, only peers that return our cookie */
	if (e->set.cookie_threshold != UINT32_MAX && half >= e->set.cookie_threshold) {
		const struct ikev2_payload *ck = ikev2_chain_notify(c, IKEV2_N_COOKIE);
		if (!ck || !cookie_verify(e, ck->u.notify.data, ck->u.notify.data_len,
					  ni->u.nonce.data, ni->u.nonce.data_len, remote, spi_i)) {
			uint8_t cookie[64];
			size_t n = cookie_make(e, ni->u.nonce.data, ni->u.nonce.data_len, remote,
					       spi_i, cookie);
			e->stats.cookies_sent++;
			stateless_reply(e, m, local, remote, IKEV2_N_COOKIE, cookie, n);
			return;
		}
	}
	struct ikev2_peer_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		abort();
	struct sel s;
	if (!e->ops.lookup_peer || e->ops.lookup_peer(e->ctx, local, remote, NULL, cfg) != 0 ||
	    sa_pl_select(&sa_pl->u.sa, cfg->ike.proposals, cfg->ike.n_proposals, IKEV2_PROTO_IKE, 0,
			 &s) != 0) {
		log_msg(LOG_SEV_ERR, "IKEV2", "NEG_ABORT",
			"Negotiation aborted due to ERROR: Failed to find a matching policy");
		stateless_reply(e, m, local, remote, IKEV2_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		goto out;
	}
	if (ke->u.ke.group != s.dh) {
		uint8_t g[2] = {(uint8_t)(s.dh >> 8), (uint8_t)s.dh};
		e->stats.invalid_ke_sent++;
		stateless_reply(e, m, local, remote, IKEV2_N_INVALID_KE_PAYLOAD, g, 2);
		goto out;
	}

	struct ike_sa *sa = ike_sa_new(e, false, local, remote);
	memcpy(sa->spi_i, spi_i, 8);
	sa->cfg = *cfg;
	sa->have_cfg = true;
	nonce_from(&sa->ni, ni);
	nonce_make(&sa->nr);
	if (crypto_dh_new(s.dh, &sa->dh) != CRYPTO_OK) {
		ike_sa_destroy(sa, IKEV2_EV_FAILED, "DH group not supported");
		goto out;
	}
	struct ikev2_pl_ke my_ke = {s.dh, NULL, 0};
	my_ke.data = crypto_dh_public(sa->dh, &my_ke.data_len);
	/* keep our public value: derive() frees the key pair */
	uint8_t pub[1024];
	size_t publen = my_ke.data_len <= sizeof(pub) ? my_ke.data_len : 0;
	memcpy(pub, my_ke.data, publen);
	my_ke.data = pub;
	if (derive(sa, &s, &ke->u.ke) != 0) {
		ike_sa_destroy(sa, IKEV2_EV_FAILED, "IKE_SA_INIT: key exchange failed");
		stateless_reply(e, m, local, remote, IKEV2_N_INVALID_SYNTAX, NULL, 0);
		goto out;
	}
	buf_add(&sa->init_req, m->raw, m->raw_len);
	sa->frag_peer = ikev2_chain_notify(c, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
	vid_parse(sa, c);
	sig_hash_parse(sa, c);
	static const uint8_t zero[8];
	nat_check(sa, c, sa->spi_i, zero);

	struct buf chain;
	struct ikev2_enc enc;
	uint8_t first = 0;
	buf_init(&chain);
	ikev2_enc_chain(&enc, &chain);
	sa_pl_add_sel(&enc, &s, NULL, 0);
	ikev2_enc_ke(&enc, &my_ke);
	ikev2_enc_nonce(&enc, sa->nr.b, sa->nr.len);
	nat_pl_add(&enc, sa->spi_i, sa->spi_r, local, remote);
	if (sa->cfg.ike.fragmentation && sa->frag_peer)
		notify_add(&enc, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, 0, NULL, 0, NULL, 0);
	sig_hash_pl_add(&enc);
	vid_pl_add(sa, &enc);
	if (ikev2_enc_finish(&enc, &first) != 0 ||
	    msg_encode(sa, IKEV2_EXCH_IKE_SA_INIT, true, 0, &chain, first, &sa->resp.pkts) != 0) {
		ike_sa_destroy(sa, IKEV2_EV_FAILED, "IKE_SA_INIT: encoding failed");
		buf_free(&chain);
		goto out;
	}
	sa->resp.valid = true;
	sa->resp.msgid = 0;
	sa->resp.exchange = IKEV2_EXCH_IKE_SA_INIT;
	sa->msgid_rx = 1;
	buf_add(&sa->init_resp, sa->resp.pkts.p[0].p, sa->resp.pkts.p[0].len);
	ike_sa_set_state(sa, IKEV2_IKE_INIT_DONE);
	{
		struct ikev2_chain dc;
		memset(&dc, 0, sizeof(dc));
		if ((ikev2_debug_packet.on || ikev2_debug_default.on) &&
		    ikev2_chain_parse(chain.p, chain.len, first, &dc, NULL) == IKEV2_PARSE_OK) {
			struct ikev2_hdr h = m->hdr;
			h.flags = IKEV2_FLAG_RESPONSE;
			for (int i = 0; i < 8; i++)
				h.rspi = h.rspi << 8 | sa->spi_r[i];
			msg_debug_packet(sa, true, local, remote, &h, &dc);
		}
		ikev2_chain_free(&dc);
	}
	buf_free(&chain);
	for (unsigned i = 0; i < sa->resp.pkts.n; i++)
		eng_send(e, &sa->local, &sa->remote, &sa->resp.pkts.p[i]);
out:
	crypto_wipe(cfg, sizeof(*cfg));
	free(cfg);
}
