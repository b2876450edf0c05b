/*
 * IKEv2 engine on a bad network: lost requests and responses
 * (retransmission with the IOS-like timers, the responder's cached
 * answer), duplicated and reordered datagrams, DPD detecting a dead peer,
 * periodic DPD, half-open SA expiry, RFC 7383 fragmentation with a small
 * MTU (reordered and lost fragments), NAT detection and the float to
 * port 4500, replayed and forged messages.
 */
#include "ikev2_exchange_harness.h"

/* ---- filters */

struct drop_rule {
	int from;		/* -1: any */
	uint8_t exchange;	/* 0: any */
	int resp;		/* -1 any, 0 request, 1 response */
	int count;		/* datagrams to drop; -1: all */
	int dup;		/* duplicate instead of drop */
	unsigned seen;
};

static enum h_verdict rule_filter(int from, const uint8_t *d, size_t len, void *arg)
{
	struct drop_rule *r = arg;
	(void)len;
	if (r->from >= 0 && from != r->from)
		return H_PASS;
	if (r->exchange && d[18] != r->exchange)
		return H_PASS;
	if (r->resp >= 0 && !!(d[19] & IKEV2_FLAG_RESPONSE) != r->resp)
		return H_PASS;
	if (r->count == 0)
		return H_PASS;
	if (r->count > 0)
		r->count--;
	r->seen++;
	return r->dup ? H_DUP : H_DROP;
}

static void set_rule(struct drop_rule *r, int from, uint8_t exch, int resp, int count, int dup)
{
	memset(r, 0, sizeof(*r));
	r->from = from;
	r->exchange = exch;
	r->resp = resp;
	r->count = count;
	r->dup = dup;
	hnet.filter = rule_filter;
	hnet.filter_arg = r;
}

static void established(void)
{
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
}

START_TEST(test_lost_request)
{
	struct drop_rule r;
	h_init(NULL, NULL);
	set_rule(&r, PEER_A, IKEV2_EXCH_IKE_AUTH, 0, 1, 0);
	h_initiate();
	h_pump();
	ck_assert_uint_eq(h_ike(PEER_A, NULL), 0);
	/* first retransmission after 2 s */
	h_advance(1999);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_IKE_AUTH, 0), 1);
	h_advance(1);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_IKE_AUTH, 0), 2);
	established();
	struct ikev2_engine_stats st;
	ikev2_engine_get_stats(hnet.p[PEER_A].e, &st);
	ck_assert_uint_eq(st.retransmits, 1);
	ck_assert_uint_eq(hnet.p[PEER_B].mb.n_add_sa, 2);
	h_fini();
}
END_TEST

START_TEST(test_lost_response)
{
	struct drop_rule r;
	h_init(NULL, NULL);
	set_rule(&r, PEER_B, IKEV2_EXCH_IKE_AUTH, 1, 1, 0);
	h_initiate();
	h_pump();
	/* B is up, A is waiting */
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	ck_assert_uint_eq(h_ike(PEER_A, NULL), 0);
	h_advance(2000);
	established();
	/* B answered the retransmission from its cache: processed once */
	ck_assert_uint_eq(hnet.p[PEER_B].mb.n_add_sa, 2);
	ck_assert_uint_eq(hnet.p[PEER_B].mb.n_get_spi, 1);
	ck_assert_uint_eq(h_count(PEER_B, IKEV2_EXCH_IKE_AUTH, 1), 2);
	struct ikev2_ike_info ib;
	h_ike(PEER_B, &ib);
	ck_assert_uint_eq(ib.msgid_rx, 2);
	h_fini();
}
END_TEST

START_TEST(test_lost_init_response)
{
	struct drop_rule r;
	h_init(NULL, NULL);
	set_rule(&r, PEER_B, IKEV2_EXCH_IKE_SA_INIT, 1, 1, 0);
	h_initiate();
	h_pump();
	h_advance(2000);
	established();
	/* the retransmitted IKE_SA_INIT hit the half-open SA, not a new one */
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 1);
	h_fini();
}
END_TEST

START_TEST(test_lost_exchanges_later)
{
	struct drop_rule r;
	h_init(NULL, NULL);
	h_initiate();
	h_pump();
	established();
	struct h_children c0;
	h_children(PEER_A, &c0);
	/* lose the CREATE_CHILD_SA response and the Delete request once */
	set_rule(&r, PEER_B, IKEV2_EXCH_CREATE_CHILD_SA, 1, 1, 0);
	ikev2_engine_rekey_child(hnet.p[PEER_A].e, c0.c[0].id);
	h_pump();
	h_advance(2000);
	set_rule(&r, PEER_A, IKEV2_EXCH_INFORMATIONAL, 0, 1, 0);
	h_pump();
	h_advance(2000);
	struct h_children a, b;
	ck_assert_uint_eq(h_children(PEER_A, &a), 1);
	ck_assert_uint_eq(h_children(PEER_B, &b), 1);
	ck_assert_uint_ne(a.c[0].spi_in, c0.c[0].spi_in);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	h_fini();
}
END_TEST

START_TEST(test_duplicates)
{
	struct drop_rule r;
	h_init(NULL, NULL);
	set_rule(&r, -1, 0, -1, -1, 1); /* every datagram twice */
	h_initiate();
	h_pump();
	established();
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 1);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 1);
	ck_assert_uint_eq(hnet.p[PEER_B].mb.n_add_sa, 2);
	struct h_children c;
	ck_assert_uint_eq(h_children(PEER_B, &c), 1);
	ck_assert_uint_eq(ikev2_engine_rekey_child(hnet.p[PEER_B].e, c.c[0].id), 0);
	h_pump();
	ck_assert_uint_eq(h_children(PEER_A, &c), 1);
	ck_assert_uint_eq(c.c[0].rekeyed_from != 0, 1);
	h_advance(10000);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 1);
	h_fini();
}
END_TEST

START_TEST(test_reordered_requests_and_replay)
{
	h_init(NULL, NULL);
	h_initiate();
	h_pump();
	established();
	/* capture B's DPD request and replay it after the exchange: answered
	 * from the cache, nothing else happens */
	uint64_t ib = h_ike(PEER_B, NULL);
	hnet.hold = true;
	ikev2_engine_dpd(hnet.p[PEER_B].e, ib);
	ck_assert_ptr_nonnull(hnet.held);
	struct hpkt copy = *hnet.held;
	copy.data = malloc(copy.len);
	memcpy(copy.data, hnet.held->data, copy.len);
	h_release(false);
	h_pump();
	unsigned before = h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 1);
	ikev2_engine_input(hnet.p[PEER_A].e, &copy.local, &copy.remote, copy.data, copy.len);
	h_pump();
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 1), before + 1);
	/* a tampered copy is dropped without an answer */
	copy.data[copy.len - 1] ^= 1;
	ikev2_engine_input(hnet.p[PEER_A].e, &copy.local, &copy.remote, copy.data, copy.len);
	h_pump();
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 1), before + 1);
	/* garbage and truncated datagrams are dropped */
	ikev2_engine_input(hnet.p[PEER_A].e, &copy.local, &copy.remote, copy.data, 20);
	uint8_t junk[64] = {0};
	ikev2_engine_input(hnet.p[PEER_A].e, &copy.local, &copy.remote, junk, sizeof(junk));
	free(copy.data);
	struct ikev2_engine_stats st;
	ikev2_engine_get_stats(hnet.p[PEER_A].e, &st);
	ck_assert_uint_ge(st.rx_invalid, 2);
	established();
	h_fini();
}
END_TEST

START_TEST(test_dpd_dead_peer)
{
	struct drop_rule r;
	h_init(NULL, NULL);
	for (int i = 0; i < 2; i++) {
		hnet.p[i].cfg.ike.dpd_interval_sec = 3600;
		hnet.p[i].cfg.ike.dpd_retry_sec = 3;
	}
	h_initiate();
	h_pump();
	established();
	/* B vanishes: nothing gets through any more */
	set_rule(&r, -1, 0, -1, -1, 0);
	uint64_t t0 = fclock.now;
	ck_assert_uint_eq(ikev2_engine_dpd(hnet.p[PEER_A].e, h_ike(PEER_A, NULL)), 0);
	/* DPD retry 3 s, not doubled: the probe and 5 retransmissions 3 s
	 * apart, dead 3 s after the last one: 6 x 3 = 18 s */
	h_advance(t0 + 17999 - fclock.now);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 0), 6);
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	h_advance(1);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 0);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_PEER_DEAD], 1);
	ck_assert_uint_eq(hnet.p[PEER_A].child_ev[IKEV2_EV_DOWN], 1);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_A].mb), 0);
	ck_assert_uint_eq(mock_backend_policy_count(&hnet.p[PEER_A].mb), 0);
	struct ikev2_engine_stats st;
	ikev2_engine_get_stats(hnet.p[PEER_A].e, &st);
	ck_assert_uint_eq(st.retransmits, 5);
	/* B knows nothing yet: still up */
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	h_fini();
}
END_TEST

START_TEST(test_dpd_timing)
{
	struct drop_rule r;
	h_init(NULL, NULL);
	h_initiate();
	h_pump();
	established();
	set_rule(&r, -1, 0, -1, -1, 0);
	uint64_t t0 = fclock.now;
	ikev2_engine_dpd(hnet.p[PEER_A].e, h_ike(PEER_A, NULL));
	/* DPD retry 2 s: retransmissions at +2, +4, +6, +8, +10 s; dead at +12 s */
	unsigned expect[] = {2000, 4000, 6000, 8000, 10000};
	for (unsigned i = 0; i < 5; i++) {
		h_advance(t0 + expect[i] - 1 - fclock.now);
		ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 0), i + 1);
		h_advance(1);
		ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 0), i + 2);
	}
	h_advance(t0 + 12000 - 1 - fclock.now);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 1);
	h_advance(1);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 0);
	h_fini();
}
END_TEST

START_TEST(test_dpd_periodic_and_on_demand)
{
	h_init(NULL, NULL);
	hnet.p[PEER_A].cfg.ike.dpd_interval_sec = 10;
	hnet.p[PEER_A].cfg.ike.dpd_on_demand = false;
	h_initiate();
	h_pump();
	established();
	/* periodic: a quiet peer is probed every interval */
	h_advance(10000);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 0), 1);
	ck_assert_uint_eq(h_count(PEER_B, IKEV2_EXCH_INFORMATIONAL, 1), 1);
	h_advance(10000);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 0), 2);
	/* inbound ESP traffic counts as a sign of life */
	struct h_children c;
	h_children(PEER_A, &c);
	struct mock_sa *in = mock_backend_find(&hnet.p[PEER_A].mb, c.c[0].spi_in, true);
	in->stats.use_ms = fclock.now + 9000;
	h_advance(10000);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 0), 2);
	h_fini();

	/* on-demand: only when we sent and heard nothing */
	h_init(NULL, NULL);
	hnet.p[PEER_A].cfg.ike.dpd_interval_sec = 10;
	hnet.p[PEER_A].cfg.ike.dpd_on_demand = true;
	h_initiate();
	h_pump();
	h_advance(30000);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 0), 0);
	h_children(PEER_A, &c);
	struct mock_sa *out = mock_backend_find(&hnet.p[PEER_A].mb, c.c[0].spi_out, false);
	out->stats.use_ms = fclock.now;
	h_advance(10000);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 0), 1);
	established();
	h_fini();
}
END_TEST

START_TEST(test_init_timeout)
{
	struct drop_rule r;
	h_init(NULL, NULL);
	set_rule(&r, PEER_A, 0, -1, -1, 0);
	h_initiate();
	h_advance(200000);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 0);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_FAILED], 1);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_IKE_SA_INIT, 0), 6);
	ck_assert_uint_eq(h_timer_count(), 0);
	h_fini();
}
END_TEST

START_TEST(test_half_open_expires)
{
	struct drop_rule r;
	h_init(NULL, NULL);
	set_rule(&r, PEER_A, IKEV2_EXCH_IKE_AUTH, 0, -1, 0);
	h_initiate();
	h_pump();
	struct ikev2_engine_stats st;
	ikev2_engine_get_stats(hnet.p[PEER_B].e, &st);
	ck_assert_uint_eq(st.half_open, 1);
	h_advance(30000);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 0);
	h_advance(200000);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 0);
	h_fini();
}
END_TEST

/* Fragmentation with a small MTU on both peers (after h_init). */
static void frag_setup(uint16_t mtu)
{
	for (int i = 0; i < 2; i++) {
		hnet.p[i].cfg.ike.fragmentation = true;
		hnet.p[i].cfg.ike.fragment_mtu = mtu;
		/* several selectors and proposals make IKE_AUTH big */
		struct ikev2_child_policy *c = &hnet.p[i].cfg.child;
		for (unsigned k = 1; k < 6; k++) {
			char net[32];
			snprintf(net, sizeof(net), "10.%u.%u.0", i ? 2 : 1, k);
			h_ts(&c->ts_local[k], net, 24);
			snprintf(net, sizeof(net), "10.%u.%u.0", i ? 1 : 2, k);
			h_ts(&c->ts_remote[k], net, 24);
		}
		c->n_ts_local = c->n_ts_remote = 6;
		h_esp_prop(c, IKEV2_ENCR_AES_CBC, 256, IKEV2_INTEG_HMAC_SHA2_256_128);
		h_esp_prop(c, IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA1_96);
	}
}

static unsigned max_len_and_frags(unsigned *frags)
{
	unsigned max = 0;
	*frags = 0;
	for (unsigned i = 0; i < hnet.n_log; i++) {
		if (hnet.log[i].len > max)
			max = (unsigned)hnet.log[i].len;
		if (hnet.log[i].first_payload == IKEV2_PL_SKF ||
		    (hnet.log[i].frag_total && hnet.log[i].frag_num))
			(*frags)++;
	}
	return max;
}

START_TEST(test_fragmentation)
{
	h_init(NULL, NULL);
	frag_setup(300);
	h_initiate();
	h_pump();
	established();
	struct ikev2_ike_info ia;
	h_ike(PEER_A, &ia);
	ck_assert(ia.frag);
	unsigned frags;
	unsigned max = max_len_and_frags(&frags);
	ck_assert_uint_ge(frags, 4);
	/* IKE_SA_INIT is never fragmented; everything else fits 300 - 28 */
	for (unsigned i = 0; i < hnet.n_log; i++)
		if (hnet.log[i].exchange != IKEV2_EXCH_IKE_SA_INIT)
			ck_assert_uint_le(hnet.log[i].len, 300 - 28);
	ck_assert_uint_gt(max, 272); /* the IKE_SA_INIT messages */
	struct ikev2_engine_stats st;
	ikev2_engine_get_stats(hnet.p[PEER_B].e, &st);
	ck_assert_uint_ge(st.reassembled, 1);
	struct h_children c;
	ck_assert_uint_eq(h_children(PEER_A, &c), 1);
	ck_assert_uint_eq(c.c[0].n_ts_local, 6);
	h_fini();

	/* only one side supports it: no fragments, one big message */
	h_init(NULL, NULL);
	frag_setup(300);
	hnet.p[PEER_B].cfg.ike.fragmentation = false;
	h_initiate();
	h_pump();
	established();
	max = max_len_and_frags(&frags);
	ck_assert_uint_eq(frags, 0);
	ck_assert_uint_gt(max, 300);
	h_fini();
}
END_TEST

START_TEST(test_fragments_reordered_and_lost)
{
	h_init(NULL, NULL);
	frag_setup(300);
	/* deliver IKE_SA_INIT, then hold A's IKE_AUTH fragments */
	h_initiate();
	h_step();
	hnet.hold = true;
	h_step();
	ck_assert_ptr_nonnull(hnet.held);
	ck_assert_uint_ge(h_release(true), 3);
	h_pump();
	established();
	h_fini();

	/* one lost fragment: the whole message is retransmitted */
	struct drop_rule r;
	h_init(NULL, NULL);
	frag_setup(300);
	set_rule(&r, PEER_A, IKEV2_EXCH_IKE_AUTH, 0, 1, 0);
	h_initiate();
	h_pump();
	ck_assert_uint_eq(h_ike(PEER_A, NULL), 0);
	h_advance(2000);
	established();
	h_fini();

	/* a lost response fragment: the responder resends on fragment 1 */
	h_init(NULL, NULL);
	frag_setup(300);
	set_rule(&r, PEER_B, IKEV2_EXCH_IKE_AUTH, 1, 1, 0);
	h_initiate();
	h_pump();
	ck_assert_uint_eq(h_ike(PEER_A, NULL), 0);
	h_advance(2000);
	established();
	ck_assert_uint_eq(hnet.p[PEER_B].mb.n_add_sa, 2);
	h_fini();
}
END_TEST

/* Deliver A's held IKE_AUTH fragment 1, wait, then the others. */
static bool partial_then_rest(uint64_t wait_ms)
{
	struct ikev2_engine_settings sb;
	ikev2_engine_settings_default(&sb);
	sb.reassembly_timeout_ms = 10000;
	sb.half_open_timeout_ms = 60000;
	h_init(NULL, &sb);
	frag_setup(300);
	h_initiate();
	h_step();
	hnet.hold = true;
	h_step();
	struct hpkt *first = hnet.held, *rest = first->next;
	first->next = NULL;
	hnet.held = first;
	h_release(false);
	h_pump();
	struct drop_rule r;
	set_rule(&r, -1, 0, -1, -1, 0); /* A's retransmissions get lost */
	h_advance(wait_ms);
	hnet.filter = NULL;
	hnet.held = rest;
	h_release(false);
	h_pump();
	bool up = h_ike(PEER_B, NULL) != 0;
	h_fini();
	return up;
}

START_TEST(test_reassembly_timeout)
{
	/* within the timeout the fragments held so far are kept */
	ck_assert(partial_then_rest(5000));
	/* after it, fragment 1 is forgotten: the message cannot complete */
	ck_assert(!partial_then_rest(11000));
}
END_TEST

START_TEST(test_nat_detection)
{
	h_init(NULL, NULL);
	hnet.nat_a = true;
	hnet.p[PEER_A].cfg.ike.nat_keepalive_sec = 20;
	h_initiate();
	h_pump();
	established();
	struct ikev2_ike_info ia, ib;
	h_ike(PEER_A, &ia);
	h_ike(PEER_B, &ib);
	ck_assert(ia.nat_local && !ia.nat_remote);
	ck_assert(!ib.nat_local && ib.nat_remote);
	/* A floated to 4500 for IKE_AUTH; B follows the NAT mapping */
	ck_assert_uint_eq(ia.local.port, 4500);
	ck_assert_uint_eq(ia.remote.port, 4500);
	ck_assert_uint_eq(ib.local.port, 4500);
	ck_assert_uint_eq(ib.remote.port, 5500);
	char buf[64];
	ck_assert_str_eq(ikev2_addr_str(&ib.remote, buf, sizeof(buf)), "198.51.100.7");
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_NAT], 1);
	ck_assert_uint_eq(hnet.p[PEER_B].ike_ev[IKEV2_EV_NAT], 1);
	/* UDP-encapsulated CHILD_SAs with the NAT-T ports */
	struct h_children c;
	h_children(PEER_A, &c);
	ck_assert(c.c[0].encap);
	struct mock_sa *out = mock_backend_find(&hnet.p[PEER_A].mb, c.c[0].spi_out, false);
	ck_assert(out->p.encap);
	ck_assert_uint_eq(out->p.encap_sport, 4500);
	ck_assert_uint_eq(out->p.encap_dport, 4500);
	h_children(PEER_B, &c);
	out = mock_backend_find(&hnet.p[PEER_B].mb, c.c[0].spi_out, false);
	ck_assert(out->p.encap);
	ck_assert_uint_eq(out->p.encap_dport, 5500);
	/* the IKE_AUTH request went from port 4500 */
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_IKE_AUTH, 0), 1);
	/* keepalives while behind the NAT */
	h_advance(41000);
	ck_assert_uint_eq(hnet.p[PEER_A].keepalives, 2);
	ck_assert_uint_eq(hnet.p[PEER_B].keepalives, 0);
	/* a rekey over the NAT keeps the encapsulation */
	ikev2_engine_rekey_child(hnet.p[PEER_A].e, c.c[0].id);
	h_pump();
	h_children(PEER_A, &c);
	ck_assert(c.c[0].encap);
	established();
	h_fini();
}
END_TEST

START_TEST(test_nat_mapping_change)
{
	h_init(NULL, NULL);
	hnet.nat_a = true;
	h_initiate();
	h_pump();
	established();
	/* the NAT box reboots: A now appears from another public address */
	h_addr(&hnet.nat_pub, "198.51.100.99", 0);
	ikev2_engine_dpd(hnet.p[PEER_A].e, h_ike(PEER_A, NULL));
	h_pump();
	struct ikev2_ike_info ib;
	h_ike(PEER_B, &ib);
	char buf[64];
	ck_assert_str_eq(ikev2_addr_str(&ib.remote, buf, sizeof(buf)), "198.51.100.99");
	ck_assert_uint_eq(hnet.p[PEER_B].mb.n_update_sa, 2);
	struct h_children c;
	h_children(PEER_B, &c);
	struct mock_sa *out = mock_backend_find(&hnet.p[PEER_B].mb, c.c[0].spi_out, false);
	ck_assert_str_eq(ikev2_addr_str(&out->p.key.dst, buf, sizeof(buf)), "198.51.100.99");
	h_fini();
}
END_TEST

START_TEST(test_ipv6)
{
	h_init(NULL, NULL);
	h_addr(&hnet.p[PEER_A].addr, "2001:db8::1", 500);
	h_addr(&hnet.p[PEER_B].addr, "2001:db8::2", 500);
	for (int i = 0; i < 2; i++) {
		struct ikev2_child_policy *c = &hnet.p[i].cfg.child;
		h_ts(&c->ts_local[0], i ? "2001:db8:2::" : "2001:db8:1::", 64);
		h_ts(&c->ts_remote[0], i ? "2001:db8:1::" : "2001:db8:2::", 64);
	}
	h_initiate();
	h_pump();
	established();
	struct h_children c;
	h_children(PEER_A, &c);
	ck_assert_uint_eq(c.c[0].ts_local[0].family, 6);
	h_fini();
}
END_TEST

/* Capture every datagram of an establishment with fragmentation, a CHILD
 * rekey and a DPD, then feed thousands of mutated copies (bit flips,
 * truncations, garbage tails) to both engines: nothing may crash (ASan
 * runs this too) and the SAs must keep working. */
static struct {
	unsigned n;
	int to[64];
	size_t len[64];
	uint8_t *d[64];
} cap;

static enum h_verdict capture(int from, const uint8_t *d, size_t len, void *arg)
{
	(void)arg;
	if (cap.n < 64) {
		cap.to[cap.n] = from ^ 1;
		cap.len[cap.n] = len;
		cap.d[cap.n] = malloc(len);
		memcpy(cap.d[cap.n], d, len);
		cap.n++;
	}
	return H_PASS;
}

START_TEST(test_mutated_messages)
{
	h_init(NULL, NULL);
	frag_setup(400);
	memset(&cap, 0, sizeof(cap));
	hnet.filter = capture;
	h_initiate();
	h_pump();
	established();
	struct h_children c;
	h_children(PEER_A, &c);
	ikev2_engine_rekey_child(hnet.p[PEER_A].e, c.c[0].id);
	h_pump();
	ikev2_engine_dpd(hnet.p[PEER_B].e, h_ike(PEER_B, NULL));
	h_pump();
	hnet.filter = NULL;
	ck_assert_uint_ge(cap.n, 10);
	srand(7);
	uint8_t *m = malloc(70000);
	for (unsigned i = 0; i < cap.n; i++) {
		for (unsigned k = 0; k < 60; k++) {
			size_t len = cap.len[i];
			memcpy(m, cap.d[i], len);
			switch (k % 4) {
			case 0: /* flip 1-3 bits */
				for (int f = 0; f < 1 + rand() % 3; f++)
					m[rand() % len] ^= (uint8_t)(1u << (rand() % 8));
				break;
			case 1: /* truncate */
				len = (size_t)rand() % len;
				break;
			case 2: /* header fields: lengths, types, message ID */
				m[16 + rand() % 12] = (uint8_t)rand();
				break;
			default: /* a garbage tail with a fixed-up length */
				for (int g = 0; g < 16; g++)
					m[len + (size_t)g] = (uint8_t)rand();
				len += 16;
				m[24] = (uint8_t)(len >> 24);
				m[25] = (uint8_t)(len >> 16);
				m[26] = (uint8_t)(len >> 8);
				m[27] = (uint8_t)len;
				break;
			}
			struct hpeer *to = &hnet.p[cap.to[i]], *from = &hnet.p[cap.to[i] ^ 1];
			ikev2_engine_input(to->e, &to->addr, &from->addr, m, len);
			h_drop_queued(); /* answers to garbage go nowhere */
		}
		free(cap.d[i]);
	}
	free(m);
	/* the real SAs are still fine and still talk */
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	uint64_t ia = h_ike(PEER_A, NULL);
	ck_assert_uint_ne(ia, 0);
	unsigned before = h_count(PEER_B, IKEV2_EXCH_INFORMATIONAL, 1);
	ikev2_engine_dpd(hnet.p[PEER_A].e, ia);
	h_pump();
	ck_assert_uint_eq(h_count(PEER_B, IKEV2_EXCH_INFORMATIONAL, 1), before + 1);
	h_children(PEER_A, &c);
	ikev2_engine_rekey_child(hnet.p[PEER_A].e, c.c[0].id);
	h_pump();
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	h_fini();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ikev2_exchange_net");
	TCase *tc = tcase_create("net");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_lost_request);
	tcase_add_test(tc, test_lost_response);
	tcase_add_test(tc, test_lost_init_response);
	tcase_add_test(tc, test_lost_exchanges_later);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_reordered_requests_and_replay);
	tcase_add_test(tc, test_dpd_dead_peer);
	tcase_add_test(tc, test_dpd_timing);
	tcase_add_test(tc, test_dpd_periodic_and_on_demand);
	tcase_add_test(tc, test_init_timeout);
	tcase_add_test(tc, test_half_open_expires);
	tcase_add_test(tc, test_fragmentation);
	tcase_add_test(tc, test_fragments_reordered_and_lost);
	tcase_add_test(tc, test_reassembly_timeout);
	tcase_add_test(tc, test_nat_detection);
	tcase_add_test(tc, test_nat_mapping_change);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_mutated_messages);
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
