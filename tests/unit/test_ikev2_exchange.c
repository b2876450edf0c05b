/*
 * IKEv2 engine: IKE_SA_INIT + IKE_AUTH between two engines in one
 * process (fake clock, fake network, recording data planes).
 *
 * Establishment with three suites, failures (PSK mismatch, no proposal
 * chosen, TS unacceptable), INVALID_KE_PAYLOAD retry, COOKIE with a
 * rotating secret, asymmetric PSKs, TS narrowing, transport mode, Cisco
 * vendor IDs, SIGNATURE_HASH_ALGORITHMS (RFC 7427).
 */
#include "ikev2_exchange_harness.h"

#include "ikev2/engine_int.h"	/* sig_hash_parse, the IKE SA's peer_sig_hashes */

static void establish_and_check(uint16_t encr, uint16_t keybits, uint16_t prf, uint16_t integ,
				uint16_t dh, uint16_t esp_encr, uint16_t esp_bits, uint16_t esp_integ)
{
	h_init(NULL, NULL);
	for (int i = 0; i < 2; i++) {
		struct hpeer *p = &hnet.p[i];
		h_setup_cfg(p, i == PEER_A, encr, keybits, prf, integ, dh);
		p->cfg.child.n_proposals = 0;
		h_esp_prop(&p->cfg.child, esp_encr, esp_bits, esp_integ);
	}
	uint64_t id = h_initiate();
	ck_assert_uint_ne(id, 0);
	h_pump();

	struct ikev2_ike_info a, b;
	ck_assert_uint_eq(h_ike(PEER_A, &a), id);
	ck_assert_uint_ne(h_ike(PEER_B, &b), 0);
	ck_assert(a.initiator && !b.initiator);
	ck_assert(memcmp(a.spi_i, b.spi_i, 8) == 0 && memcmp(a.spi_r, b.spi_r, 8) == 0);
	ck_assert_uint_eq(a.encr, encr);
	ck_assert_uint_eq(a.encr_keybits, keybits);
	ck_assert_uint_eq(a.prf, prf);
	ck_assert_uint_eq(a.integ, integ);
	ck_assert_uint_eq(a.dh, dh);
	ck_assert_uint_eq(b.dh, dh);
	ck_assert_uint_eq(a.n_children, 1);
	ck_assert_uint_eq(b.n_children, 1);
	/* identities as authenticated */
	ck_assert_uint_eq(a.remote_id.len, 9);
	ck_assert(memcmp(a.remote_id.data, "b.example", 9) == 0);
	ck_assert(memcmp(b.remote_id.data, "a.example", 9) == 0);
	/* IKE_SA_INIT is message 0, IKE_AUTH 1 */
	ck_assert_uint_eq(a.msgid_tx, 2);
	ck_assert_uint_eq(b.msgid_rx, 2);
	ck_assert(!a.nat_local && !a.nat_remote);
	ck_assert(a.peer_cisco && a.peer_flexvpn && a.peer_delete_reason);
	ck_assert(b.peer_cisco && b.peer_flexvpn && b.peer_delete_reason);

	/* one CHILD_SA each side, same SPIs crossed, same keys */
	struct h_children ca, cb;
	ck_assert_uint_eq(h_children(PEER_A, &ca), 1);
	ck_assert_uint_eq(h_children(PEER_B, &cb), 1);
	ck_assert_uint_eq(ca.c[0].spi_in, cb.c[0].spi_out);
	ck_assert_uint_eq(ca.c[0].spi_out, cb.c[0].spi_in);
	ck_assert_uint_eq(ca.c[0].encr, esp_encr);
	ck_assert_uint_eq(ca.c[0].integ, esp_integ);
	ck_assert_uint_eq(ca.c[0].mode, IPSEC_SA_TUNNEL);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_A].mb), 2);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_B].mb), 2);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	/* tunnel mode: in, out and fwd policies */
	ck_assert_uint_eq(mock_backend_policy_count(&hnet.p[PEER_A].mb), 3);
	ck_assert_uint_eq(mock_backend_policy_count(&hnet.p[PEER_B].mb), 3);
	struct mock_sa *in = mock_backend_find(&hnet.p[PEER_A].mb, ca.c[0].spi_in, true);
	ck_assert_ptr_nonnull(in);
	ck_assert_uint_eq(in->p.lifetime.hard_seconds, 3600);
	ck_assert_uint_eq(in->p.replay_window, 64);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_UP], 1);
	ck_assert_uint_eq(hnet.p[PEER_B].ike_ev[IKEV2_EV_UP], 1);
	ck_assert_uint_eq(hnet.p[PEER_A].child_ev[IKEV2_EV_UP], 1);
	/* exactly 4 datagrams: no retransmission */
	ck_assert_uint_eq(hnet.n_log, 4);
	h_fini();
}

START_TEST(test_gcm256_sha384_g20)
{
	establish_and_check(IKEV2_ENCR_AES_GCM_16, 256, IKEV2_PRF_HMAC_SHA2_384, 0,
			    IKEV2_DH_ECP_384, IKEV2_ENCR_AES_GCM_16, 256, 0);
}
END_TEST

START_TEST(test_cbc256_sha256_g14)
{
	establish_and_check(IKEV2_ENCR_AES_CBC, 256, IKEV2_PRF_HMAC_SHA2_256,
			    IKEV2_INTEG_HMAC_SHA2_256_128, IKEV2_DH_MODP_2048, IKEV2_ENCR_AES_CBC,
			    256, IKEV2_INTEG_HMAC_SHA2_256_128);
}
END_TEST

START_TEST(test_cbc128_sha1_g31)
{
	establish_and_check(IKEV2_ENCR_AES_CBC, 128, IKEV2_PRF_HMAC_SHA1, IKEV2_INTEG_HMAC_SHA1_96,
			    IKEV2_DH_CURVE25519, IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA1_96);
}
END_TEST

START_TEST(test_psk_mismatch)
{
	h_init(NULL, NULL);
	h_psk(&hnet.p[PEER_B].cfg.ike, "cisco123", "wrong-key");
	h_initiate();
	h_pump();
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 0);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 0);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_AUTH_FAILED], 1);
	ck_assert_uint_eq(hnet.p[PEER_B].ike_ev[IKEV2_EV_AUTH_FAILED], 1);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_UP], 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_A].mb), 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_B].mb), 0);
	/* the IKE_AUTH answer was the AUTHENTICATION_FAILED notify */
	ck_assert_uint_eq(h_count(PEER_B, IKEV2_EXCH_IKE_AUTH, 1), 1);
	h_fini();
}
END_TEST

START_TEST(test_psk_asymmetric)
{
	h_init(NULL, NULL);
	h_psk(&hnet.p[PEER_A].cfg.ike, "from-a", "from-b");
	h_psk(&hnet.p[PEER_B].cfg.ike, "from-b", "from-a");
	h_initiate();
	h_pump();
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	h_fini();

	/* the initiator checks the responder's AUTH with its remote key */
	h_init(NULL, NULL);
	h_psk(&hnet.p[PEER_A].cfg.ike, "from-a", "from-b");
	h_psk(&hnet.p[PEER_B].cfg.ike, "not-from-b", "from-a");
	h_initiate();
	h_pump();
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 0);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_AUTH_FAILED], 1);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_A].mb), 0);
	/* ... and told B (INFORMATIONAL with AUTHENTICATION_FAILED), which
	 * dropped its SA and CHILD_SA too */
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 0);
	ck_assert_uint_eq(hnet.p[PEER_B].ike_ev[IKEV2_EV_AUTH_FAILED], 1);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_B].mb), 0);
	h_fini();
}
END_TEST

START_TEST(test_remote_identity_mismatch)
{
	h_init(NULL, NULL);
	h_fqdn(&hnet.p[PEER_B].cfg.ike.remote_id, "someone-else.example");
	h_initiate();
	h_pump();
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 0);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_AUTH_FAILED], 1);
	h_fini();
}
END_TEST

START_TEST(test_no_proposal_chosen)
{
	h_init(NULL, NULL);
	struct ikev2_ike_policy *b = &hnet.p[PEER_B].cfg.ike;
	uint16_t g = IKEV2_DH_MODP_2048;
	b->n_proposals = 0;
	h_ike_prop(b, IKEV2_ENCR_AES_CBC, 128, IKEV2_PRF_HMAC_SHA1, IKEV2_INTEG_HMAC_SHA1_96, &g, 1);
	h_initiate();
	h_pump();
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 0);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 0);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_FAILED], 1);
	ck_assert_uint_eq(h_count(-1, IKEV2_EXCH_IKE_AUTH, -1), 0);
	/* no profile at all: the same answer */
	h_fini();
	h_init(NULL, NULL);
	hnet.p[PEER_B].has_cfg = false;
	h_initiate();
	h_pump();
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_FAILED], 1);
	h_fini();
}
END_TEST

START_TEST(test_invalid_ke_retry)
{
	h_init(NULL, NULL);
	/* A offers group 14 first (and sends its KE), B only takes 20 */
	struct ikev2_ike_policy *a = &hnet.p[PEER_A].cfg.ike;
	uint16_t groups[2] = {IKEV2_DH_MODP_2048, IKEV2_DH_ECP_384};
	a->n_proposals = 0;
	h_ike_prop(a, IKEV2_ENCR_AES_GCM_16, 256, IKEV2_PRF_HMAC_SHA2_384, 0, groups, 2);
	struct ikev2_ike_policy *b = &hnet.p[PEER_B].cfg.ike;
	b->n_proposals = 0;
	h_ike_prop(b, IKEV2_ENCR_AES_GCM_16, 256, IKEV2_PRF_HMAC_SHA2_384, 0, &groups[1], 1);
	h_initiate();
	h_pump();
	struct ikev2_ike_info ia;
	ck_assert_uint_ne(h_ike(PEER_A, &ia), 0);
	ck_assert_uint_eq(ia.dh, IKEV2_DH_ECP_384);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_IKE_SA_INIT, 0), 2);
	struct ikev2_engine_stats st;
	ikev2_engine_get_stats(hnet.p[PEER_B].e, &st);
	ck_assert_uint_eq(st.invalid_ke_sent, 1);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 1);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	h_fini();

	/* a group the initiator does not allow is not retried */
	h_init(NULL, NULL);
	a = &hnet.p[PEER_A].cfg.ike;
	b = &hnet.p[PEER_B].cfg.ike;
	a->n_proposals = 0;
	h_ike_prop(a, IKEV2_ENCR_AES_GCM_16, 256, IKEV2_PRF_HMAC_SHA2_384, 0, groups, 1);
	b->n_proposals = 0;
	h_ike_prop(b, IKEV2_ENCR_AES_GCM_16, 256, IKEV2_PRF_HMAC_SHA2_384, 0, &groups[1], 1);
	h_initiate();
	h_pump();
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 0);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_FAILED], 1);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_IKE_SA_INIT, 0), 1);
	h_fini();
}
END_TEST

START_TEST(test_cookie)
{
	struct ikev2_engine_settings sb;
	ikev2_engine_settings_default(&sb);
	sb.cookie_threshold = 0; /* always ask */
	h_init(NULL, &sb);
	h_initiate();
	h_pump();
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	/* request, COOKIE answer, request with cookie, real answer */
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_IKE_SA_INIT, 0), 2);
	ck_assert_uint_eq(h_count(PEER_B, IKEV2_EXCH_IKE_SA_INIT, 1), 2);
	struct ikev2_engine_stats st;
	ikev2_engine_get_stats(hnet.p[PEER_B].e, &st);
	ck_assert_uint_eq(st.cookies_sent, 1);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	h_fini();
}
END_TEST

START_TEST(test_cookie_threshold_and_rotation)
{
	struct ikev2_engine_settings sb;
	struct ikev2_engine_stats st;
	ikev2_engine_settings_default(&sb);
	sb.cookie_threshold = 1;
	sb.cookie_secret_lifetime_ms = 1000;

	/* no half-open SA: no cookie */
	h_init(NULL, &sb);
	h_initiate();
	h_pump();
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	ikev2_engine_get_stats(hnet.p[PEER_B].e, &st);
	ck_assert_uint_eq(st.cookies_sent, 0);
	h_fini();

	/* one half-open SA (an initiator whose IKE_AUTH never comes): the
	 * next initiator must return a cookie; the secret rotates between
	 * the COOKIE and the retry, which is still accepted */
	h_init(NULL, &sb);
	struct hpeer *a = &hnet.p[PEER_A], *b = &hnet.p[PEER_B];
	struct ipsec_addr a2;
	h_addr(&a2, "192.0.2.9", 500);
	struct ikev2_engine *e3 = ikev2_engine_new(&h_ops, a, &a->mb.be, NULL);
	ikev2_engine_initiate(e3, &a->cfg, &a2, &b->addr);
	h_pump(); /* B answers; the answer reaches A's engine, which drops it */
	ikev2_engine_get_stats(b->e, &st);
	ck_assert_uint_eq(st.half_open, 1);
	ck_assert_uint_eq(st.cookies_sent, 0);
	h_initiate();
	h_step(); /* A's IKE_SA_INIT -> COOKIE */
	ikev2_engine_get_stats(b->e, &st);
	ck_assert_uint_eq(st.cookies_sent, 1);
	hnet.hold = true;
	h_step(); /* A retries with the cookie: held */
	ck_assert_ptr_nonnull(hnet.held);
	fclock.now += 1500;
	h_release(false);
	h_pump();
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	ikev2_engine_get_stats(b->e, &st);
	ck_assert_uint_eq(st.cookies_sent, 1);

	/* a forged cookie is not accepted: answered with a new COOKIE */
	ikev2_engine_free(e3);
	h_fini();
}
END_TEST

START_TEST(test_sa_limits)
{
	struct ikev2_engine_settings sb;
	ikev2_engine_settings_default(&sb);
	sb.max_sa = 1;
	h_init(NULL, &sb);
	h_initiate();
	h_pump();
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	/* a second IKE SA is not even answered */
	hnet.p[PEER_A].cfg.ike.send_initial_contact = false;
	uint64_t id2 = h_initiate();
	h_pump();
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 1);
	struct ikev2_ike_info i2;
	ck_assert_int_eq(ikev2_engine_ike_info(hnet.p[PEER_A].e, id2, &i2), 0);
	ck_assert_uint_eq(i2.state, IKEV2_IKE_INIT_SENT);
	h_fini();
}
END_TEST

START_TEST(test_ts_narrowing)
{
	h_init(NULL, NULL);
	struct ikev2_child_policy *a = &hnet.p[PEER_A].cfg.child;
	struct ikev2_child_policy *b = &hnet.p[PEER_B].cfg.child;
	/* A asks for 10.1.0.0/16 <-> 10.2.0.0/16; B allows /24s inside */
	h_ts(&a->ts_local[0], "10.1.0.0", 16);
	h_ts(&a->ts_remote[0], "10.2.0.0", 16);
	h_ts(&b->ts_local[0], "10.2.1.0", 24);
	h_ts(&b->ts_remote[0], "10.1.0.0", 24);
	h_initiate();
	h_pump();
	struct h_children ca, cb;
	ck_assert_uint_eq(h_children(PEER_A, &ca), 1);
	ck_assert_uint_eq(h_children(PEER_B, &cb), 1);
	struct ipsec_ts want_a_local, want_a_remote;
	h_ts(&want_a_local, "10.1.0.0", 24);
	h_ts(&want_a_remote, "10.2.1.0", 24);
	ck_assert_uint_eq(ca.c[0].n_ts_local, 1);
	ck_assert(memcmp(&ca.c[0].ts_local[0], &want_a_local, sizeof(want_a_local)) == 0);
	ck_assert(memcmp(&ca.c[0].ts_remote[0], &want_a_remote, sizeof(want_a_remote)) == 0);
	ck_assert(memcmp(&cb.c[0].ts_local[0], &want_a_remote, sizeof(want_a_remote)) == 0);
	ck_assert(memcmp(&cb.c[0].ts_remote[0], &want_a_local, sizeof(want_a_local)) == 0);
	/* the data plane got the narrowed selectors */
	struct mock_sa *out = mock_backend_find(&hnet.p[PEER_A].mb, ca.c[0].spi_out, false);
	ck_assert(memcmp(&out->p.src_ts[0], &want_a_local, sizeof(want_a_local)) == 0);
	ck_assert(memcmp(&out->p.dst_ts[0], &want_a_remote, sizeof(want_a_remote)) == 0);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	h_fini();
}
END_TEST

START_TEST(test_ts_unacceptable)
{
	h_init(NULL, NULL);
	struct ikev2_child_policy *b = &hnet.p[PEER_B].cfg.child;
	h_ts(&b->ts_local[0], "10.99.0.0", 24);
	h_initiate();
	h_pump();
	/* the IKE SA stands without a CHILD_SA */
	struct ikev2_ike_info ia;
	ck_assert_uint_ne(h_ike(PEER_A, &ia), 0);
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	ck_assert_uint_eq(ia.n_children, 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_A].mb), 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_B].mb), 0);
	h_fini();
}
END_TEST

START_TEST(test_child_no_proposal_in_auth)
{
	h_init(NULL, NULL);
	struct ikev2_child_policy *b = &hnet.p[PEER_B].cfg.child;
	b->n_proposals = 0;
	h_esp_prop(b, IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA1_96);
	h_initiate();
	h_pump();
	struct ikev2_ike_info ia;
	ck_assert_uint_ne(h_ike(PEER_A, &ia), 0);
	ck_assert_uint_eq(ia.n_children, 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_B].mb), 0);
	h_fini();
}
END_TEST

START_TEST(test_transport_mode)
{
	h_init(NULL, NULL);
	for (int i = 0; i < 2; i++)
		hnet.p[i].cfg.child.mode = IPSEC_SA_TRANSPORT;
	h_initiate();
	h_pump();
	struct h_children ca, cb;
	ck_assert_uint_eq(h_children(PEER_A, &ca), 1);
	ck_assert_uint_eq(h_children(PEER_B, &cb), 1);
	ck_assert_uint_eq(ca.c[0].mode, IPSEC_SA_TRANSPORT);
	ck_assert_uint_eq(cb.c[0].mode, IPSEC_SA_TRANSPORT);
	/* no fwd policy in transport mode */
	ck_assert_uint_eq(mock_backend_policy_count(&hnet.p[PEER_A].mb), 2);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	h_fini();

	/* only one side wants transport: tunnel */
	h_init(NULL, NULL);
	hnet.p[PEER_A].cfg.child.mode = IPSEC_SA_TRANSPORT;
	h_initiate();
	h_pump();
	ck_assert_uint_eq(h_children(PEER_A, &ca), 1);
	ck_assert_uint_eq(ca.c[0].mode, IPSEC_SA_TUNNEL);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	h_fini();
}
END_TEST

START_TEST(test_no_cisco_vids)
{
	h_init(NULL, NULL);
	hnet.p[PEER_B].cfg.ike.send_cisco_vids = false;
	h_initiate();
	h_pump();
	struct ikev2_ike_info ia, ib;
	ck_assert_uint_ne(h_ike(PEER_A, &ia), 0);
	ck_assert_uint_ne(h_ike(PEER_B, &ib), 0);
	ck_assert(!ia.peer_cisco && !ia.peer_flexvpn && !ia.peer_delete_reason);
	ck_assert(ib.peer_cisco && ib.peer_flexvpn);
	h_fini();
}
END_TEST

/* The SIGNATURE_HASH_ALGORITHMS data of the IKE_SA_INIT request [0] and
 * response [1] as sent (len 0: missing). */
static struct {
	uint8_t data[2][32];
	size_t len[2];
	unsigned seen[2];
} sha;

static enum h_verdict sha_filter(int from, const uint8_t *d, size_t len, void *arg)
{
	(void)from;
	(void)arg;
	struct ikev2_msg m;
	if (ikev2_msg_parse(d, len, &m, NULL) == IKEV2_PARSE_OK &&
	    m.hdr.exchange == IKEV2_EXCH_IKE_SA_INIT) {
		int r = (m.hdr.flags & IKEV2_FLAG_RESPONSE) ? 1 : 0;
		const struct ikev2_payload *n =
			ikev2_chain_notify(&m.chain, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
		sha.seen[r]++;
		if (n && n->u.notify.data_len <= sizeof(sha.data[r])) {
			memcpy(sha.data[r], n->u.notify.data, n->u.notify.data_len);
			sha.len[r] = n->u.notify.data_len;
		}
	}
	ikev2_msg_free(&m);
	return H_PASS;
}

START_TEST(test_signature_hash_algorithms)
{
	static const uint8_t ios[] = {0, 1, 0, 2, 0, 3, 0, 4};	/* SHA1, SHA2-256/384/512 */
	memset(&sha, 0, sizeof(sha));
	h_init(NULL, NULL);
	hnet.filter = sha_filter;
	uint64_t id = h_initiate();
	h_pump();
	ck_assert_uint_eq(sha.seen[0], 1);
	ck_assert_uint_eq(sha.seen[1], 1);
	for (int r = 0; r < 2; r++) {
		ck_assert_uint_eq(sha.len[r], sizeof(ios));
		ck_assert(memcmp(sha.data[r], ios, sizeof(ios)) == 0);
	}
	/* each side recorded the other's list (for certificate auth) */
	const uint8_t want = 1 << IKEV2_HASH_SHA1 | 1 << IKEV2_HASH_SHA2_256 |
			     1 << IKEV2_HASH_SHA2_384 | 1 << IKEV2_HASH_SHA2_512;
	struct ike_sa *a = eng_sa_by_id(hnet.p[PEER_A].e, id);
	struct ike_sa *b = eng_sa_by_id(hnet.p[PEER_B].e, h_ike(PEER_B, NULL));
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(a->peer_sig_hashes, want);
	ck_assert_uint_eq(b->peer_sig_hashes, want);
	h_fini();

	/* parsing: unknown values and a stray odd byte are ignored */
	static const uint8_t odd[] = {0, 2, 0, 5, 0, 99, 1, 3, 0x12};
	struct buf chain;
	struct ikev2_enc enc;
	struct ikev2_chain c;
	uint8_t first = 0;
	buf_init(&chain);
	ikev2_enc_chain(&enc, &chain);
	notify_add(&enc, IKEV2_N_SIGNATURE_HASH_ALGORITHMS, 0, NULL, 0, odd, sizeof(odd));
	ck_assert_int_eq(ikev2_enc_finish(&enc, &first), 0);
	ck_assert_int_eq(ikev2_chain_parse(chain.p, chain.len, first, &c, NULL), IKEV2_PARSE_OK);
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	sa->peer_sig_hashes = 0xff;
	sig_hash_parse(sa, &c);
	ck_assert_uint_eq(sa->peer_sig_hashes, 1 << IKEV2_HASH_SHA2_256 | 1 << IKEV2_HASH_IDENTITY);
	ikev2_chain_free(&c);
	/* none sent: nothing recorded */
	memset(&c, 0, sizeof(c));
	sig_hash_parse(sa, &c);
	ck_assert_uint_eq(sa->peer_sig_hashes, 0);
	free(sa);
	buf_free(&chain);
}
END_TEST

START_TEST(test_address_identity_and_bad_config)
{
	h_init(NULL, NULL);
	for (int i = 0; i < 2; i++) {
		memset(&hnet.p[i].cfg.ike.local_id, 0, sizeof(struct ikev2_id));
		memset(&hnet.p[i].cfg.ike.remote_id, 0, sizeof(struct ikev2_id));
	}
	h_initiate();
	h_pump();
	struct ikev2_ike_info ib;
	ck_assert_uint_ne(h_ike(PEER_B, &ib), 0);
	/* A identified itself with its address */
	ck_assert_uint_eq(ib.remote_id.type, IKEV2_ID_IPV4_ADDR);
	ck_assert_uint_eq(ib.remote_id.len, 4);
	ck_assert(memcmp(ib.remote_id.data, hnet.p[PEER_A].addr.ip, 4) == 0);
	/* configurations the engine cannot use are refused up front */
	struct ikev2_peer_config bad = hnet.p[PEER_A].cfg;
	bad.child.n_ts_local = 0;
	ck_assert_uint_eq(ikev2_engine_initiate(hnet.p[PEER_A].e, &bad, &hnet.p[PEER_A].addr,
						&hnet.p[PEER_B].addr),
			  0);
	bad = hnet.p[PEER_A].cfg;
	bad.ike.n_proposals = 0;
	ck_assert_uint_eq(ikev2_engine_initiate(hnet.p[PEER_A].e, &bad, &hnet.p[PEER_A].addr,
						&hnet.p[PEER_B].addr),
			  0);
	ck_assert_int_eq(ikev2_engine_rekey_child(hnet.p[PEER_A].e, 9999), -ENOENT);
	ck_assert_int_eq(ikev2_engine_delete_ike(hnet.p[PEER_A].e, 9999), -ENOENT);
	h_fini();
}
END_TEST

START_TEST(test_state_names)
{
	ck_assert_str_eq(ikev2_ike_state_name(IKEV2_IKE_ESTABLISHED), "ESTABLISHED");
	ck_assert_str_eq(ikev2_ike_state_ios(IKEV2_IKE_ESTABLISHED), "READY");
	ck_assert_str_eq(ikev2_ike_state_ios(IKEV2_IKE_INIT_SENT), "IN-NEG");
	ck_assert_str_eq(ikev2_ike_state_ios(IKEV2_IKE_DELETING), "DELETE");
	ck_assert_str_eq(ikev2_child_state_name(IKEV2_CHILD_INSTALLED), "INSTALLED");
	struct ikev2_engine_settings s;
	ikev2_engine_settings_default(&s);
	ck_assert_uint_eq(s.retransmit_initial_ms, 2000);
	ck_assert_uint_eq(s.retransmit_max, 5);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ikev2_exchange");
	TCase *tc = tcase_create("establish");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_gcm256_sha384_g20);
	tcase_add_test(tc, test_cbc256_sha256_g14);
	tcase_add_test(tc, test_cbc128_sha1_g31);
	tcase_add_test(tc, test_psk_mismatch);
	tcase_add_test(tc, test_psk_asymmetric);
	tcase_add_test(tc, test_remote_identity_mismatch);
	tcase_add_test(tc, test_no_proposal_chosen);
	tcase_add_test(tc, test_invalid_ke_retry);
	tcase_add_test(tc, test_cookie);
	tcase_add_test(tc, test_cookie_threshold_and_rotation);
	tcase_add_test(tc, test_sa_limits);
	tcase_add_test(tc, test_ts_narrowing);
	tcase_add_test(tc, test_ts_unacceptable);
	tcase_add_test(tc, test_child_no_proposal_in_auth);
	tcase_add_test(tc, test_transport_mode);
	tcase_add_test(tc, test_no_cisco_vids);
	tcase_add_test(tc, test_signature_hash_algorithms);
	tcase_add_test(tc, test_address_identity_and_bad_config);
	tcase_add_test(tc, test_state_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
