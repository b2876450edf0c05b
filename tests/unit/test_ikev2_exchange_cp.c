/*
 * IKEv2 engine: the configuration payload in IKE_AUTH (RFC 7296 2.19).
 * A (initiator) sends cp_out; B (responder) gets it in ops.authorize after
 * the AUTH check and answers with its reply; A gets the reply in
 * ops.cp_received before the SA is UP.  Refusals on both sides, no CP at
 * all, a big reply over RFC 7383 fragments, and the selector narrowing for
 * remote-access peers that were given an address.
 */
#include "ikev2_exchange_harness.h"

static struct {
	int authorize_rc, received_rc;
	unsigned n_authorize, n_received;
	struct ikev2_cp req_seen, reply_seen, reply;	/* reply: what B answers */
	uint64_t authorize_id;
	enum ikev2_ike_state received_state;
} cpt;

static int t_authorize(void *ctx, const struct ikev2_ike_info *info, const struct ikev2_cp *req,
		       struct ikev2_cp *reply)
{
	(void)ctx;
	cpt.n_authorize++;
	cpt.req_seen = *req;
	cpt.authorize_id = info->id;
	*reply = cpt.reply;
	return cpt.authorize_rc;
}

static int t_cp_received(void *ctx, const struct ikev2_ike_info *info, const struct ikev2_cp *cp)
{
	(void)ctx;
	cpt.n_received++;
	cpt.reply_seen = *cp;
	cpt.received_state = info->state;
	return cpt.received_rc;
}

/* h_init, then both engines again with the CP callbacks. */
static void cp_init(void)
{
	h_init(NULL, NULL);
	memset(&cpt, 0, sizeof(cpt));
	struct ikev2_engine_ops o = h_ops;
	o.authorize = t_authorize;
	o.cp_received = t_cp_received;
	for (int i = 0; i < 2; i++) {
		ikev2_engine_free(hnet.p[i].e);
		hnet.p[i].e = ikev2_engine_new(&o, &hnet.p[i], &hnet.p[i].mb.be, NULL);
	}
}

static void attr(struct ikev2_cp *cp, uint16_t type, const void *v, uint16_t len)
{
	struct ikev2_cp_attr *a = &cp->attrs[cp->n++];
	a->type = type;
	a->len = len;
	if (len)
		memcpy(a->value, v, len);
}

static void attr4(struct ikev2_cp *cp, uint16_t type, const char *ip)
{
	struct ipsec_addr a;
	h_addr(&a, ip, 0);
	attr(cp, type, a.ip, 4);
}

static const struct ikev2_cp_attr *find(const struct ikev2_cp *cp, uint16_t type)
{
	for (unsigned i = 0; i < cp->n; i++)
		if (cp->attrs[i].type == type)
			return &cp->attrs[i];
	return NULL;
}

/* A asks for an address and DNS, B answers with them. */
static void request_and_reply(void)
{
	struct ikev2_cp *out = &hnet.p[PEER_A].cfg.cp_out;
	out->type = IKEV2_CP_REQUEST;
	attr(out, IKEV2_CFG_INTERNAL_IP4_ADDRESS, NULL, 0);
	attr(out, IKEV2_CFG_INTERNAL_IP4_DNS, NULL, 0);
	attr(out, IKEV2_CFG_CISCO_DEF_DOMAIN, NULL, 0);
	cpt.reply.type = IKEV2_CP_REPLY;
	attr4(&cpt.reply, IKEV2_CFG_INTERNAL_IP4_ADDRESS, "198.18.0.10");
	attr4(&cpt.reply, IKEV2_CFG_INTERNAL_IP4_DNS, "198.51.100.53");
	attr(&cpt.reply, IKEV2_CFG_CISCO_DEF_DOMAIN, "example.net", 11);
	uint8_t subnet[8] = {198, 51, 100, 0, 255, 255, 255, 0};
	attr(&cpt.reply, IKEV2_CFG_INTERNAL_IP4_SUBNET, subnet, 8);
}

START_TEST(test_cp_round_trip)
{
	cp_init();
	request_and_reply();
	h_initiate();
	h_pump();
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_UP], 1);
	ck_assert_uint_eq(hnet.p[PEER_B].ike_ev[IKEV2_EV_UP], 1);
	/* B saw the request as sent, with the id its later events carry */
	ck_assert_uint_eq(cpt.n_authorize, 1);
	ck_assert_uint_eq(cpt.req_seen.type, IKEV2_CP_REQUEST);
	ck_assert_uint_eq(cpt.req_seen.n, 3);
	ck_assert_uint_eq(cpt.req_seen.attrs[0].type, IKEV2_CFG_INTERNAL_IP4_ADDRESS);
	ck_assert_uint_eq(cpt.req_seen.attrs[0].len, 0);
	ck_assert_uint_eq(cpt.req_seen.attrs[2].type, IKEV2_CFG_CISCO_DEF_DOMAIN);
	struct ikev2_ike_info ib;
	ck_assert_uint_eq(h_ike(PEER_B, &ib), cpt.authorize_id);
	/* A got the reply before it was UP */
	ck_assert_uint_eq(cpt.n_received, 1);
	ck_assert_uint_eq(cpt.received_state, IKEV2_IKE_AUTH_SENT);
	ck_assert_uint_eq(cpt.reply_seen.type, IKEV2_CP_REPLY);
	ck_assert_uint_eq(cpt.reply_seen.n, 4);
	const struct ikev2_cp_attr *a = find(&cpt.reply_seen, IKEV2_CFG_INTERNAL_IP4_ADDRESS);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->len, 4);
	ck_assert_uint_eq(a->value[0], 198);
	ck_assert_uint_eq(a->value[3], 10);
	a = find(&cpt.reply_seen, IKEV2_CFG_CISCO_DEF_DOMAIN);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->len, 11);
	ck_assert(memcmp(a->value, "example.net", 11) == 0);
	a = find(&cpt.reply_seen, IKEV2_CFG_INTERNAL_IP4_SUBNET);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->len, 8);
	ck_assert_uint_eq(a->value[4], 255);
	/* B's engine is a Cisco FlexVPN peer for A (vendor IDs on): the
	 * selectors are not narrowed, 10.1.0.0/24 stays */
	struct h_children c;
	ck_assert_uint_eq(h_children(PEER_B, &c), 1);
	ck_assert_uint_eq(c.c[0].ts_remote[0].start[0], 10);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	h_fini();
}
END_TEST

START_TEST(test_cp_refused_by_responder)
{
	cp_init();
	request_and_reply();
	cpt.authorize_rc = -1;
	h_initiate();
	h_pump();
	ck_assert_uint_eq(cpt.n_authorize, 1);
	ck_assert_uint_eq(cpt.n_received, 0);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_AUTH_FAILED], 1);
	ck_assert_uint_eq(hnet.p[PEER_B].ike_ev[IKEV2_EV_AUTH_FAILED], 1);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_UP], 0);
	ck_assert_uint_eq(hnet.p[PEER_B].ike_ev[IKEV2_EV_UP], 0);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 0);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_A].mb), 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_B].mb), 0);
	h_fini();
}
END_TEST

START_TEST(test_cp_refused_by_initiator)
{
	cp_init();
	request_and_reply();
	cpt.received_rc = -1;
	h_initiate();
	h_pump();
	ck_assert_uint_eq(cpt.n_received, 1);
	/* A never reported UP and installed nothing; B learnt it and went */
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_UP], 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_A].mb), 0);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 0);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_B].mb), 0);
	h_fini();
}
END_TEST

START_TEST(test_cp_none)
{
	cp_init();
	h_initiate();
	h_pump();
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_UP], 1);
	/* authorization runs without a CP too; the reply is "no CP" both ways */
	ck_assert_uint_eq(cpt.n_authorize, 1);
	ck_assert_uint_eq(cpt.req_seen.type, 0);
	ck_assert_uint_eq(cpt.n_received, 1);
	ck_assert_uint_eq(cpt.reply_seen.type, 0);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	h_fini();
}
END_TEST

START_TEST(test_cp_set_ack)
{
	cp_init();
	struct ikev2_cp *out = &hnet.p[PEER_A].cfg.cp_out;
	out->type = IKEV2_CP_SET;
	uint8_t subnet[8] = {192, 0, 2, 128, 255, 255, 255, 192};
	attr(out, IKEV2_CFG_INTERNAL_IP4_SUBNET, subnet, 8);
	cpt.reply.type = IKEV2_CP_ACK;
	attr(&cpt.reply, IKEV2_CFG_INTERNAL_IP4_SUBNET, NULL, 0);
	h_initiate();
	h_pump();
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_UP], 1);
	ck_assert_uint_eq(cpt.req_seen.type, IKEV2_CP_SET);
	ck_assert_uint_eq(cpt.req_seen.attrs[0].len, 8);
	ck_assert(memcmp(cpt.req_seen.attrs[0].value, subnet, 8) == 0);
	ck_assert_uint_eq(cpt.reply_seen.type, IKEV2_CP_ACK);
	ck_assert_uint_eq(cpt.reply_seen.n, 1);
	h_fini();
}
END_TEST

START_TEST(test_cp_fragmented)
{
	cp_init();
	for (int i = 0; i < 2; i++) {
		hnet.p[i].cfg.ike.fragmentation = true;
		hnet.p[i].cfg.ike.fragment_mtu = 400;
	}
	request_and_reply();
	/* a reply far bigger than one datagram: 40 routes and a banner-sized
	 * split-DNS list */
	for (unsigned k = 0; k < 40; k++) {
		uint8_t s[8] = {198, 18, (uint8_t)k, 0, 255, 255, 255, 0};
		attr(&cpt.reply, IKEV2_CFG_INTERNAL_IP4_SUBNET, s, 8);
	}
	char dns[200];
	memset(dns, 'a', sizeof(dns));
	attr(&cpt.reply, IKEV2_CFG_CISCO_SPLIT_DNS, dns, sizeof(dns));
	h_initiate();
	h_pump();
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_UP], 1);
	ck_assert_uint_eq(cpt.reply_seen.n, cpt.reply.n);
	ck_assert_uint_eq(cpt.reply_seen.attrs[cpt.reply.n - 1].len, 200);
	ck_assert(memcmp(cpt.reply_seen.attrs[cpt.reply.n - 1].value, dns, 200) == 0);
	unsigned frags = 0;
	for (unsigned i = 0; i < hnet.n_log; i++) {
		if (hnet.log[i].exchange != IKEV2_EXCH_IKE_SA_INIT)
			ck_assert_uint_le(hnet.log[i].len, 400 - 28);
		if (hnet.log[i].frag_total > 1)
			frags++;
	}
	ck_assert_uint_ge(frags, 3);
	h_fini();
}
END_TEST

START_TEST(test_cp_narrows_ra_client)
{
	cp_init();
	/* a remote-access client: no Cisco vendor IDs, asks any/any */
	hnet.p[PEER_A].cfg.ike.send_cisco_vids = false;
	struct ikev2_child_policy *ca = &hnet.p[PEER_A].cfg.child, *cb = &hnet.p[PEER_B].cfg.child;
	h_ts(&ca->ts_local[0], "0.0.0.0", 0);
	h_ts(&ca->ts_remote[0], "0.0.0.0", 0);
	h_ts(&cb->ts_local[0], "0.0.0.0", 0);
	h_ts(&cb->ts_remote[0], "0.0.0.0", 0);
	request_and_reply();
	h_initiate();
	h_pump();
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_UP], 1);
	struct h_children c;
	ck_assert_uint_eq(h_children(PEER_B, &c), 1);
	ck_assert_uint_eq(c.c[0].n_ts_remote, 1);
	const uint8_t want[4] = {198, 18, 0, 10};
	ck_assert(memcmp(c.c[0].ts_remote[0].start, want, 4) == 0);
	ck_assert(memcmp(c.c[0].ts_remote[0].end, want, 4) == 0);
	ck_assert_uint_eq(h_children(PEER_A, &c), 1);
	ck_assert(memcmp(c.c[0].ts_local[0].start, want, 4) == 0);
	h_fini();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ikev2_exchange_cp");
	TCase *tc = tcase_create("cp");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cp_round_trip);
	tcase_add_test(tc, test_cp_refused_by_responder);
	tcase_add_test(tc, test_cp_refused_by_initiator);
	tcase_add_test(tc, test_cp_none);
	tcase_add_test(tc, test_cp_set_ack);
	tcase_add_test(tc, test_cp_fragmented);
	tcase_add_test(tc, test_cp_narrows_ra_client);
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
