/*
 * IKEv2 engine: the configuration payload in IKE_AUTH (RFC 7296 2.19).
 * A (initiator) sends cp_out; B (responder) gets it in ops.authorize after
 * the AUTH check and answers with its reply; A gets the reply in
 * ops.cp_received before the SA is UP.  Refusals on both sides, no CP at
 * all, a big reply over RFC 7383 fragments, and the selector narrowing for
 * remote-access peers that were given an address.  Then the CP in an
 * INFORMATIONAL exchange after IKE_AUTH (ikev2_engine_send_cp,
 * ops.cp_informational): CFG_SET/ACK both ways, lost request, lost
 * response, refusal, no handler, Delete and CP in one request.
 */
#include "ikev2_exchange_harness.h"

#include "ikev2/engine_int.h"	/* a request with Delete and CP together */

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

/* ops.cp_informational, per peer: requests answered with info_reply,
 * answers recorded. */
static struct {
	unsigned n_req, n_ack;
	struct ikev2_cp req_seen, ack_seen, reply;
	int rc;
	bool up_at_ack;
} cpi[2];

static int t_cp_info(void *ctx, const struct ikev2_ike_info *info, const struct ikev2_cp *req,
		     struct ikev2_cp *reply)
{
	struct hpeer *p = ctx;
	if (!reply) {
		cpi[p->idx].n_ack++;
		cpi[p->idx].ack_seen = *req;
		cpi[p->idx].up_at_ack = info->state == IKEV2_IKE_ESTABLISHED;
		return 0;
	}
	cpi[p->idx].n_req++;
	cpi[p->idx].req_seen = *req;
	*reply = cpi[p->idx].reply;
	return cpi[p->idx].rc;
}

/* h_init, then both engines again with the CP callbacks. */
static void cp_init(void)
{
	h_init(NULL, NULL);
	memset(&cpt, 0, sizeof(cpt));
	memset(cpi, 0, sizeof(cpi));
	struct ikev2_engine_ops o = h_ops;
	o.authorize = t_authorize;
	o.cp_received = t_cp_received;
	o.cp_informational = t_cp_info;
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


/* ------------------------------------------------------------ INFORMATIONAL */

static const uint8_t lan[8] = {203, 0, 113, 0, 255, 255, 255, 0};

/* An established pair (no CP in IKE_AUTH); each side answers a CFG_SET
 * with CFG_ACK(INTERNAL_IP4_SUBNET). */
static void info_up(void)
{
	cp_init();
	h_initiate();
	h_pump();
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_UP], 1);
	for (int i = 0; i < 2; i++) {
		cpi[i].reply.type = IKEV2_CP_ACK;
		attr(&cpi[i].reply, IKEV2_CFG_INTERNAL_IP4_SUBNET, NULL, 0);
	}
}

static struct ikev2_cp set_of_lan(void)
{
	struct ikev2_cp cp;
	memset(&cp, 0, sizeof(cp));
	cp.type = IKEV2_CP_SET;
	attr(&cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, lan, 8);
	return cp;
}

static void check_set_ack(int from, int to)
{
	ck_assert_uint_eq(cpi[to].n_req, 1);
	ck_assert_uint_eq(cpi[to].req_seen.type, IKEV2_CP_SET);
	ck_assert_uint_eq(cpi[to].req_seen.n, 1);
	ck_assert_uint_eq(cpi[to].req_seen.attrs[0].len, 8);
	ck_assert(memcmp(cpi[to].req_seen.attrs[0].value, lan, 8) == 0);
	ck_assert_uint_eq(cpi[from].n_ack, 1);
	ck_assert(cpi[from].up_at_ack);
	ck_assert_uint_eq(cpi[from].ack_seen.type, IKEV2_CP_ACK);
	ck_assert_uint_eq(cpi[from].ack_seen.n, 1);
	ck_assert_uint_eq(cpi[from].ack_seen.attrs[0].type, IKEV2_CFG_INTERNAL_IP4_SUBNET);
	ck_assert_uint_eq(cpi[from].ack_seen.attrs[0].len, 0);
	ck_assert_uint_eq(cpi[from].n_req, 0);
	ck_assert_uint_eq(cpi[to].n_ack, 0);
	/* one INFORMATIONAL each way, the SAs stay */
	ck_assert_uint_eq(h_count(from, IKEV2_EXCH_INFORMATIONAL, 0), 1);
	ck_assert_uint_eq(h_count(to, IKEV2_EXCH_INFORMATIONAL, 1), 1);
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
}

START_TEST(test_cp_info_from_initiator)
{
	info_up();
	struct ikev2_cp set = set_of_lan();
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_A].e, h_ike(PEER_A, NULL), &set), 0);
	h_pump();
	check_set_ack(PEER_A, PEER_B);
	h_fini();
}
END_TEST

START_TEST(test_cp_info_from_responder)
{
	info_up();
	struct ikev2_cp set = set_of_lan();
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_B].e, h_ike(PEER_B, NULL), &set), 0);
	h_pump();
	check_set_ack(PEER_B, PEER_A);
	h_fini();
}
END_TEST

START_TEST(test_cp_info_bad_args)
{
	info_up();
	struct ikev2_cp none;
	memset(&none, 0, sizeof(none));
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_A].e, h_ike(PEER_A, NULL), &none),
			 -EINVAL);
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_A].e, h_ike(PEER_A, NULL), NULL),
			 -EINVAL);
	struct ikev2_cp set = set_of_lan();
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_A].e, 999, &set), -ENOENT);
	h_fini();
}
END_TEST

/* Drop the first INFORMATIONAL datagram of one direction (request or
 * response). */
static struct {
	int from;
	int resp;
	unsigned dropped;
} lose;

static enum h_verdict lose_filter(int from, const uint8_t *d, size_t len, void *arg)
{
	(void)arg;
	(void)len;
	bool resp = d[19] & IKEV2_FLAG_RESPONSE;
	if (d[18] == IKEV2_EXCH_INFORMATIONAL && from == lose.from && resp == lose.resp &&
	    !lose.dropped) {
		lose.dropped++;
		return H_DROP;
	}
	return H_PASS;
}

static void lost(int resp)
{
	info_up();
	lose.from = resp ? PEER_B : PEER_A;
	lose.resp = resp;
	lose.dropped = 0;
	hnet.filter = lose_filter;
	struct ikev2_cp set = set_of_lan();
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_A].e, h_ike(PEER_A, NULL), &set), 0);
	h_pump();
	ck_assert_uint_eq(lose.dropped, 1);
	ck_assert_uint_eq(cpi[PEER_A].n_ack, 0);
	h_advance(2100); /* the first retransmission */
	hnet.filter = NULL;
	/* the responder handled the request once (a lost answer is resent
	 * from its cache), the initiator got exactly one answer */
	ck_assert_uint_eq(cpi[PEER_B].n_req, 1);
	ck_assert_uint_eq(cpi[PEER_A].n_ack, 1);
	ck_assert_uint_eq(cpi[PEER_A].ack_seen.type, IKEV2_CP_ACK);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 0), 2);
	ck_assert_uint_eq(h_count(PEER_B, IKEV2_EXCH_INFORMATIONAL, 1), resp ? 2 : 1);
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
}

START_TEST(test_cp_info_lost_request)
{
	lost(0);
	h_fini();
}
END_TEST

START_TEST(test_cp_info_lost_response)
{
	lost(1);
	h_fini();
}
END_TEST

START_TEST(test_cp_info_refused)
{
	info_up();
	cpi[PEER_B].rc = -1;
	struct ikev2_cp set = set_of_lan();
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_A].e, h_ike(PEER_A, NULL), &set), 0);
	h_pump();
	/* answered without CP; nothing else happens to the SA */
	ck_assert_uint_eq(cpi[PEER_B].n_req, 1);
	ck_assert_uint_eq(cpi[PEER_A].n_ack, 1);
	ck_assert_uint_eq(cpi[PEER_A].ack_seen.type, 0);
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_DOWN], 0);
	h_fini();
}
END_TEST

START_TEST(test_cp_info_no_handler)
{
	/* B without cp_informational: an empty answer */
	cp_init();
	struct ikev2_engine_ops o = h_ops;
	ikev2_engine_free(hnet.p[PEER_B].e);
	hnet.p[PEER_B].e = ikev2_engine_new(&o, &hnet.p[PEER_B], &hnet.p[PEER_B].mb.be, NULL);
	h_initiate();
	h_pump();
	struct ikev2_cp set = set_of_lan();
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_A].e, h_ike(PEER_A, NULL), &set), 0);
	h_pump();
	ck_assert_uint_eq(cpi[PEER_A].n_ack, 1);
	ck_assert_uint_eq(cpi[PEER_A].ack_seen.type, 0);
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	h_fini();
}
END_TEST

/* A request with Delete(ESP) and CP(CFG_SET) in one message: the answer
 * carries the peer's Delete and the CFG_ACK. */
struct t_both {
	struct ikev2_task base;
	uint64_t child_id;
	bool got_delete, got_cp;
};

static int both_build(struct ike_sa *sa, struct ikev2_task *tt, struct ikev2_enc *e)
{
	struct t_both *t = (struct t_both *)tt;
	struct child_sa *c = child_sa_by_id(sa, t->child_id);
	ck_assert_ptr_nonnull(c);
	uint8_t spi[4] = {(uint8_t)(c->spi_in >> 24), (uint8_t)(c->spi_in >> 16),
			  (uint8_t)(c->spi_in >> 8), (uint8_t)c->spi_in};
	struct ikev2_pl_delete d = {IKEV2_PROTO_ESP, 4, 1, spi};
	ikev2_enc_delete(e, &d);
	struct ikev2_cp set = set_of_lan();
	cp_add(e, &set);
	child_sa_set_state(c, IKEV2_CHILD_DELETING);
	return 0;
}

static enum task_rc both_process(struct ike_sa *sa, struct ikev2_task *tt, const struct msg_in *m)
{
	struct t_both *t = (struct t_both *)tt;
	t->got_delete = ikev2_chain_next(m->pl, IKEV2_PL_DELETE, NULL) != NULL;
	struct ikev2_cp ack;
	cp_of(m->pl, &ack);
	t->got_cp = ack.type == IKEV2_CP_ACK && ack.n == 1;
	struct child_sa *c = child_sa_by_id(sa, t->child_id);
	if (c)
		child_sa_remove(c, true);
	return TASK_DONE;
}

static struct t_both both_result;

static void both_free(struct ikev2_task *tt)
{
	both_result = *(struct t_both *)tt;
	free(tt);
}

static const struct task_ops both_ops = {
	.name = "Delete+CP",
	.exchange = IKEV2_EXCH_INFORMATIONAL,
	.build = both_build,
	.process = both_process,
	.free = both_free,
};

START_TEST(test_cp_info_with_delete)
{
	info_up();
	struct h_children c;
	ck_assert_uint_eq(h_children(PEER_A, &c), 1);
	struct ikev2_engine *ea = hnet.p[PEER_A].e;
	struct ike_sa *sa = eng_sa_by_id(ea, h_ike(PEER_A, NULL));
	ck_assert_ptr_nonnull(sa);
	struct t_both *t = calloc(1, sizeof(*t));
	t->base.ops = &both_ops;
	t->child_id = c.c[0].id;
	memset(&both_result, 0, sizeof(both_result));
	eng_enter(ea);
	exch_queue(sa, &t->base);
	eng_leave(ea);
	h_pump();
	ck_assert(both_result.got_delete);
	ck_assert(both_result.got_cp);
	ck_assert_uint_eq(cpi[PEER_B].n_req, 1);
	ck_assert_uint_eq(cpi[PEER_B].req_seen.type, IKEV2_CP_SET);
	/* the CHILD SA is gone on both sides, the IKE SA stays */
	ck_assert_uint_eq(h_children(PEER_A, &c), 0);
	ck_assert_uint_eq(h_children(PEER_B, &c), 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_A].mb), 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_B].mb), 0);
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	/* and the SA still works: a CFG_SET alone afterwards */
	struct ikev2_cp set = set_of_lan();
	ck_assert_int_eq(ikev2_engine_send_cp(ea, h_ike(PEER_A, NULL), &set), 0);
	h_pump();
	ck_assert_uint_eq(cpi[PEER_B].n_req, 2);
	ck_assert_uint_eq(cpi[PEER_A].n_ack, 1);
	h_fini();
}
END_TEST

/* A CFG_SET queued behind an IKE SA delete: nothing breaks, both go. */
START_TEST(test_cp_info_then_delete)
{
	info_up();
	struct ikev2_cp set = set_of_lan();
	uint64_t id = h_ike(PEER_A, NULL);
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_A].e, id, &set), 0);
	ck_assert_int_eq(ikev2_engine_delete_ike(hnet.p[PEER_A].e, id), 0);
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_A].e, id, &set), -ENOENT);
	h_pump();
	h_advance(200000);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 0);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 0);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_PEER_DEAD], 0);
	h_fini();
}
END_TEST

/* Sent from the UP event itself (as the runtime does): goes out after
 * IKE_AUTH. */
static void up_sends(void *ctx, const struct ikev2_ike_info *info, enum ikev2_event ev)
{
	h_ike_event(ctx, info, ev);
	struct hpeer *p = ctx;
	if (ev == IKEV2_EV_UP && info->initiator) {
		struct ikev2_cp set = set_of_lan();
		ck_assert_int_eq(ikev2_engine_send_cp(p->e, info->id, &set), 0);
	}
}

START_TEST(test_cp_info_from_up_event)
{
	cp_init();
	struct ikev2_engine_ops o = h_ops;
	o.authorize = t_authorize;
	o.cp_received = t_cp_received;
	o.cp_informational = t_cp_info;
	o.ike_event = up_sends;
	ikev2_engine_free(hnet.p[PEER_A].e);
	hnet.p[PEER_A].e = ikev2_engine_new(&o, &hnet.p[PEER_A], &hnet.p[PEER_A].mb.be, NULL);
	cpi[PEER_B].reply.type = IKEV2_CP_ACK;
	attr(&cpi[PEER_B].reply, IKEV2_CFG_INTERNAL_IP4_SUBNET, NULL, 0);
	h_initiate();
	h_pump();
	check_set_ack(PEER_A, PEER_B);
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
	tcase_add_test(tc, test_cp_info_from_initiator);
	tcase_add_test(tc, test_cp_info_from_responder);
	tcase_add_test(tc, test_cp_info_bad_args);
	tcase_add_test(tc, test_cp_info_lost_request);
	tcase_add_test(tc, test_cp_info_lost_response);
	tcase_add_test(tc, test_cp_info_refused);
	tcase_add_test(tc, test_cp_info_no_handler);
	tcase_add_test(tc, test_cp_info_with_delete);
	tcase_add_test(tc, test_cp_info_then_delete);
	tcase_add_test(tc, test_cp_info_from_up_event);
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
