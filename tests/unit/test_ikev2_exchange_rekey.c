/*
 * IKEv2 engine: CREATE_CHILD_SA (new CHILD_SA with/without PFS, CHILD_SA
 * rekey with/without PFS, IKE SA rekey moving the CHILD_SAs), rekey
 * collisions (RFC 7296 2.8), deletes from either side, INITIAL_CONTACT,
 * lifetime-driven rekeys.
 */
#include "ikev2_exchange_harness.h"

static void establish(void)
{
	ck_assert_uint_ne(h_initiate(), 0);
	h_pump();
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
}

static uint64_t child_id(int peer)
{
	struct h_children c;
	ck_assert_uint_ge(h_children(peer, &c), 1);
	return c.c[0].id;
}

static void rekey_child(uint16_t pfs)
{
	h_init(NULL, NULL);
	for (int i = 0; i < 2; i++)
		hnet.p[i].cfg.child.pfs_group = pfs;
	establish();
	struct h_children a0, b0;
	h_children(PEER_A, &a0);
	h_children(PEER_B, &b0);
	ck_assert_uint_eq(ikev2_engine_rekey_child(hnet.p[PEER_A].e, a0.c[0].id), 0);
	h_pump();
	struct h_children a1, b1;
	ck_assert_uint_eq(h_children(PEER_A, &a1), 1);
	ck_assert_uint_eq(h_children(PEER_B, &b1), 1);
	/* new SPIs both ways, the old ones are gone from the data planes */
	ck_assert_uint_ne(a1.c[0].spi_in, a0.c[0].spi_in);
	ck_assert_uint_ne(a1.c[0].spi_out, a0.c[0].spi_out);
	ck_assert_uint_eq(a1.c[0].spi_in, b1.c[0].spi_out);
	ck_assert_uint_eq(a1.c[0].spi_out, b1.c[0].spi_in);
	ck_assert_ptr_null(mock_backend_find(&hnet.p[PEER_A].mb, a0.c[0].spi_in, true));
	ck_assert_ptr_null(mock_backend_find(&hnet.p[PEER_B].mb, b0.c[0].spi_in, true));
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	ck_assert_uint_eq(a1.c[0].rekeyed_from, a0.c[0].id);
	ck_assert_uint_eq(b1.c[0].rekeyed_from, b0.c[0].id);
	ck_assert_uint_eq(a1.c[0].dh, pfs);
	ck_assert_uint_eq(b1.c[0].dh, pfs);
	/* same reqid, policies kept (not removed and re-added) */
	ck_assert_uint_eq(a1.c[0].reqid, a0.c[0].reqid);
	ck_assert_uint_eq(mock_backend_policy_count(&hnet.p[PEER_A].mb), 3);
	ck_assert_uint_eq(mock_backend_policy_count(&hnet.p[PEER_B].mb), 3);
	ck_assert_uint_eq(hnet.p[PEER_A].mb.n_del_policy, 0);
	ck_assert_uint_eq(hnet.p[PEER_A].child_ev[IKEV2_EV_REKEYED], 1);
	ck_assert_uint_eq(hnet.p[PEER_B].child_ev[IKEV2_EV_REKEYED], 1);
	/* exchanges: CREATE_CHILD_SA then the Delete of the old SA */
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_CREATE_CHILD_SA, 0), 1);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_INFORMATIONAL, 0), 1);
	struct ikev2_ike_info ia;
	h_ike(PEER_A, &ia);
	ck_assert_uint_eq(ia.msgid_tx, 4);
	h_fini();
}

START_TEST(test_child_rekey_no_pfs)
{
	rekey_child(0);
}
END_TEST

START_TEST(test_child_rekey_pfs)
{
	rekey_child(IKEV2_DH_ECP_256);
}
END_TEST

START_TEST(test_child_rekey_by_responder)
{
	h_init(NULL, NULL);
	establish();
	struct h_children b0;
	h_children(PEER_B, &b0);
	ck_assert_uint_eq(ikev2_engine_rekey_child(hnet.p[PEER_B].e, b0.c[0].id), 0);
	h_pump();
	struct h_children a1, b1;
	ck_assert_uint_eq(h_children(PEER_A, &a1), 1);
	ck_assert_uint_eq(h_children(PEER_B, &b1), 1);
	ck_assert_uint_ne(b1.c[0].spi_in, b0.c[0].spi_in);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	/* B's requests use B's own message IDs */
	struct ikev2_ike_info ib;
	h_ike(PEER_B, &ib);
	ck_assert_uint_eq(ib.msgid_tx, 2);
	h_fini();
}
END_TEST

/* The CREATE_CHILD_SA requests sent while capturing (packet debugging). */
static char sent_ccs[8192];

static void capture_sink(enum log_severity sev, const char *line, void *arg)
{
	(void)sev;
	(void)arg;
	if (strstr(line, "Sending Packet") && strstr(line, "CREATE_CHILD_SA Exchange REQUEST"))
		strncat(sent_ccs, line, sizeof(sent_ccs) - strlen(sent_ccs) - 1);
}

/* A responder whose policy accepts transport mode (GRE/IPsec) got a
 * tunnel-mode SA from an initiator that wants tunnel: its own rekey keeps
 * tunnel mode and asks for nothing else (no USE_TRANSPORT_MODE), and so
 * does the initiator's. */
START_TEST(test_child_rekey_keeps_mode)
{
	h_init(NULL, NULL);
	hnet.p[PEER_B].cfg.child.mode = IPSEC_SA_TRANSPORT;
	establish();
	sent_ccs[0] = 0;
	ikev2_debug_packet.on = true;
	log_set_sink(capture_sink, NULL);
	ck_assert_uint_eq(ikev2_engine_rekey_child(hnet.p[PEER_B].e, child_id(PEER_B)), 0);
	h_pump();
	ikev2_debug_packet.on = false;
	log_set_sink(NULL, NULL);
	ck_assert_ptr_nonnull(strstr(sent_ccs, "NOTIFY(REKEY_SA)"));
	ck_assert_ptr_null(strstr(sent_ccs, "USE_TRANSPORT_MODE"));
	for (int round = 0; round < 2; round++) {
		int who = round == 0 ? PEER_B : PEER_A;
		ck_assert_uint_eq(ikev2_engine_rekey_child(hnet.p[who].e, child_id(who)), 0);
		h_pump();
		struct h_children a, b;
		ck_assert_uint_eq(h_children(PEER_A, &a), 1);
		ck_assert_uint_eq(h_children(PEER_B, &b), 1);
		ck_assert_uint_ne(a.c[0].rekeyed_from, 0);
		ck_assert_uint_eq(a.c[0].mode, IPSEC_SA_TUNNEL);
		ck_assert_uint_eq(b.c[0].mode, IPSEC_SA_TUNNEL);
		ck_assert_uint_eq(h_check_sa_pairs(), 2);
	}
	h_fini();

	/* both want transport: the rekeyed SA is transport again */
	h_init(NULL, NULL);
	hnet.p[PEER_A].cfg.child.mode = hnet.p[PEER_B].cfg.child.mode = IPSEC_SA_TRANSPORT;
	establish();
	ck_assert_uint_eq(ikev2_engine_rekey_child(hnet.p[PEER_B].e, child_id(PEER_B)), 0);
	h_pump();
	struct h_children a, b;
	ck_assert_uint_eq(h_children(PEER_A, &a), 1);
	ck_assert_uint_eq(h_children(PEER_B, &b), 1);
	ck_assert_uint_ne(b.c[0].rekeyed_from, 0);
	ck_assert_uint_eq(a.c[0].mode, IPSEC_SA_TRANSPORT);
	ck_assert_uint_eq(b.c[0].mode, IPSEC_SA_TRANSPORT);
	h_fini();
}
END_TEST

START_TEST(test_create_child_pfs_and_not)
{
	/* both profiles want PFS group 14 */
	uint64_t ike;
	struct ikev2_child_policy cp;
	h_init(NULL, NULL);
	hnet.p[PEER_B].cfg.child.pfs_group = IKEV2_DH_MODP_2048;
	hnet.p[PEER_A].cfg.child.pfs_group = IKEV2_DH_MODP_2048;
	establish();
	ike = h_ike(PEER_A, NULL);
	cp = hnet.p[PEER_A].cfg.child;
	h_ts(&cp.ts_local[0], "10.1.0.0", 25);
	h_ts(&cp.ts_remote[0], "10.2.0.0", 25);
	ck_assert_uint_eq(ikev2_engine_create_child(hnet.p[PEER_A].e, ike, &cp), 0);
	h_pump();
	struct h_children ca, cb;
	ck_assert_uint_eq(h_children(PEER_A, &ca), 2);
	ck_assert_uint_eq(h_children(PEER_B, &cb), 2);
	ck_assert_uint_eq(ca.c[1].dh, IKEV2_DH_MODP_2048);
	ck_assert_uint_eq(ca.c[0].dh, 0); /* the IKE_AUTH one: no PFS */
	ck_assert_uint_eq(h_check_sa_pairs(), 4);

	/* without PFS while the responder wants PFS: NO_PROPOSAL_CHOSEN */
	cp.pfs_group = 0;
	h_ts(&cp.ts_local[0], "10.1.0.128", 25);
	ck_assert_uint_eq(ikev2_engine_create_child(hnet.p[PEER_A].e, ike, &cp), 0);
	h_pump();
	ck_assert_uint_eq(h_children(PEER_A, &ca), 2);
	ck_assert_uint_eq(h_check_sa_pairs(), 4);
	h_fini();

	/* no PFS anywhere */
	h_init(NULL, NULL);
	establish();
	ike = h_ike(PEER_A, NULL);
	cp = hnet.p[PEER_A].cfg.child;
	ck_assert_uint_eq(ikev2_engine_create_child(hnet.p[PEER_A].e, ike, &cp), 0);
	h_pump();
	ck_assert_uint_eq(h_children(PEER_A, &ca), 2);
	ck_assert_uint_eq(ca.c[1].dh, 0);
	ck_assert_uint_eq(h_check_sa_pairs(), 4);
	h_fini();
}
END_TEST

START_TEST(test_ike_rekey_moves_children)
{
	h_init(NULL, NULL);
	establish();
	struct ikev2_ike_info a0, b0;
	uint64_t old = h_ike(PEER_A, &a0);
	h_ike(PEER_B, &b0);
	struct h_children ca0;
	h_children(PEER_A, &ca0);
	ck_assert_uint_eq(ikev2_engine_rekey_ike(hnet.p[PEER_A].e, old), 0);
	h_pump();
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 1);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 1);
	struct ikev2_ike_info a1, b1;
	uint64_t nid = h_ike(PEER_A, &a1);
	h_ike(PEER_B, &b1);
	ck_assert_uint_ne(nid, old);
	ck_assert_uint_eq(a1.rekeyed_from, old);
	ck_assert(memcmp(a1.spi_i, a0.spi_i, 8) != 0);
	ck_assert(memcmp(a1.spi_i, b1.spi_i, 8) == 0 && memcmp(a1.spi_r, b1.spi_r, 8) == 0);
	ck_assert(a1.initiator && !b1.initiator);
	/* the CHILD_SA moved, untouched */
	ck_assert_uint_eq(a1.n_children, 1);
	ck_assert_uint_eq(b1.n_children, 1);
	struct h_children ca1;
	h_children(PEER_A, &ca1);
	ck_assert_uint_eq(ca1.c[0].id, ca0.c[0].id);
	ck_assert_uint_eq(ca1.c[0].ike_id, nid);
	ck_assert_uint_eq(hnet.p[PEER_A].mb.n_del_sa, 0);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	/* message IDs restart on the new SA; the Delete went on the old */
	ck_assert_uint_eq(a1.msgid_tx, 0);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_REKEYED], 1);
	ck_assert_uint_eq(hnet.p[PEER_B].ike_ev[IKEV2_EV_REKEYED], 1);
	ck_assert_uint_eq(hnet.p[PEER_A].ike_ev[IKEV2_EV_DOWN], 0);
	ck_assert_uint_eq(hnet.p[PEER_B].ike_ev[IKEV2_EV_DOWN], 0);

	/* the new IKE SA works: rekey the CHILD_SA over it, from B */
	ck_assert_uint_eq(ikev2_engine_rekey_child(hnet.p[PEER_B].e, child_id(PEER_B)), 0);
	h_pump();
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	struct h_children cb;
	ck_assert_uint_eq(h_children(PEER_B, &cb), 1);
	ck_assert_uint_ne(cb.c[0].spi_out, ca0.c[0].spi_in);
	/* and rekey the IKE SA again, from the responder side */
	ck_assert_uint_eq(ikev2_engine_rekey_ike(hnet.p[PEER_B].e, h_ike(PEER_B, NULL)), 0);
	h_pump();
	struct ikev2_ike_info a2, b2;
	h_ike(PEER_A, &a2);
	h_ike(PEER_B, &b2);
	ck_assert(b2.initiator && !a2.initiator);
	ck_assert_uint_eq(a2.n_children, 1);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 1);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 1);
	ck_assert_uint_eq(ikev2_engine_dpd(hnet.p[PEER_A].e, a2.id), 0);
	h_pump();
	ck_assert_uint_eq(h_ike(PEER_A, NULL), a2.id);
	h_fini();
}
END_TEST

START_TEST(test_child_rekey_collision)
{
	for (int round = 0; round < 8; round++) {
		h_init(NULL, NULL);
		establish();
		struct h_children a0, b0;
		h_children(PEER_A, &a0);
		h_children(PEER_B, &b0);
		/* both sides start a rekey before either request arrives */
		ck_assert_uint_eq(ikev2_engine_rekey_child(hnet.p[PEER_A].e, a0.c[0].id), 0);
		ck_assert_uint_eq(ikev2_engine_rekey_child(hnet.p[PEER_B].e, b0.c[0].id), 0);
		h_pump();
		struct h_children a1, b1;
		ck_assert_uint_eq(h_children(PEER_A, &a1), 1);
		ck_assert_uint_eq(h_children(PEER_B, &b1), 1);
		ck_assert_uint_eq(a1.c[0].state, IKEV2_CHILD_INSTALLED);
		ck_assert_uint_eq(b1.c[0].state, IKEV2_CHILD_INSTALLED);
		ck_assert_uint_eq(a1.c[0].spi_in, b1.c[0].spi_out);
		ck_assert_uint_eq(a1.c[0].spi_out, b1.c[0].spi_in);
		ck_assert_uint_ne(a1.c[0].spi_in, a0.c[0].spi_in);
		ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_A].mb), 2);
		ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_B].mb), 2);
		ck_assert_uint_eq(h_check_sa_pairs(), 2);
		/* the policies survived the redundant SA's delete */
		ck_assert_uint_eq(mock_backend_policy_count(&hnet.p[PEER_A].mb), 3);
		ck_assert_uint_eq(mock_backend_policy_count(&hnet.p[PEER_B].mb), 3);
		/* no timers left that would delete the survivor */
		h_advance(60000);
		ck_assert_uint_eq(h_children(PEER_A, &a1), 1);
		ck_assert_uint_eq(h_check_sa_pairs(), 2);
		h_fini();
	}
}
END_TEST

START_TEST(test_ike_rekey_collision)
{
	for (int round = 0; round < 8; round++) {
		h_init(NULL, NULL);
		establish();
		uint64_t ia = h_ike(PEER_A, NULL), ib = h_ike(PEER_B, NULL);
		ck_assert_uint_eq(ikev2_engine_rekey_ike(hnet.p[PEER_A].e, ia), 0);
		ck_assert_uint_eq(ikev2_engine_rekey_ike(hnet.p[PEER_B].e, ib), 0);
		h_pump();
		ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 1);
		ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 1);
		struct ikev2_ike_info a1, b1;
		ck_assert_uint_ne(h_ike(PEER_A, &a1), ia);
		ck_assert_uint_ne(h_ike(PEER_B, &b1), ib);
		ck_assert(memcmp(a1.spi_i, b1.spi_i, 8) == 0 && memcmp(a1.spi_r, b1.spi_r, 8) == 0);
		ck_assert_uint_eq(a1.n_children, 1);
		ck_assert_uint_eq(b1.n_children, 1);
		ck_assert_uint_eq(h_check_sa_pairs(), 2);
		/* the survivor carries traffic: a CHILD_SA rekey over it */
		ck_assert_uint_eq(ikev2_engine_rekey_child(hnet.p[PEER_A].e, child_id(PEER_A)), 0);
		h_pump();
		ck_assert_uint_eq(h_check_sa_pairs(), 2);
		h_advance(60000);
		ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 1);
		ck_assert_uint_eq(h_check_sa_pairs(), 2);
		h_fini();
	}
}
END_TEST

START_TEST(test_delete_child_either_side)
{
	for (int side = 0; side < 2; side++) {
		h_init(NULL, NULL);
		establish();
		ck_assert_uint_eq(ikev2_engine_delete_child(hnet.p[side].e, child_id(side)), 0);
		h_pump();
		struct h_children c;
		ck_assert_uint_eq(h_children(PEER_A, &c), 0);
		ck_assert_uint_eq(h_children(PEER_B, &c), 0);
		for (int i = 0; i < 2; i++) {
			ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[i].mb), 0);
			ck_assert_uint_eq(mock_backend_policy_count(&hnet.p[i].mb), 0);
			ck_assert_uint_eq(hnet.p[i].child_ev[IKEV2_EV_DOWN], 1);
		}
		/* the IKE SA stays */
		ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
		ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
		h_fini();
	}
}
END_TEST

START_TEST(test_delete_child_simultaneous)
{
	h_init(NULL, NULL);
	establish();
	ck_assert_uint_eq(ikev2_engine_delete_child(hnet.p[PEER_A].e, child_id(PEER_A)), 0);
	ck_assert_uint_eq(ikev2_engine_delete_child(hnet.p[PEER_B].e, child_id(PEER_B)), 0);
	h_pump();
	struct h_children c;
	ck_assert_uint_eq(h_children(PEER_A, &c), 0);
	ck_assert_uint_eq(h_children(PEER_B, &c), 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_A].mb), 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_B].mb), 0);
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);
	h_fini();
}
END_TEST

START_TEST(test_delete_ike_either_side)
{
	for (int side = 0; side < 2; side++) {
		h_init(NULL, NULL);
		establish();
		ck_assert_uint_eq(ikev2_engine_delete_ike(hnet.p[side].e, h_ike(side, NULL)), 0);
		h_pump();
		for (int i = 0; i < 2; i++) {
			ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[i].e), 0);
			ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[i].mb), 0);
			ck_assert_uint_eq(mock_backend_policy_count(&hnet.p[i].mb), 0);
			ck_assert_uint_eq(hnet.p[i].ike_ev[IKEV2_EV_DOWN], 1);
			ck_assert_uint_eq(hnet.p[i].child_ev[IKEV2_EV_DOWN], 1);
		}
		ck_assert_uint_eq(h_count(side, IKEV2_EXCH_INFORMATIONAL, 0), 1);
		ck_assert_uint_eq(h_count(side ^ 1, IKEV2_EXCH_INFORMATIONAL, 1), 1);
		ck_assert_uint_eq(h_timer_count(), 0);
		h_fini();
	}
}
END_TEST

START_TEST(test_initial_contact)
{
	h_init(NULL, NULL);
	establish();
	uint64_t old_b = h_ike(PEER_B, NULL);
	/* A "reboots": a fresh engine with the same address and identity */
	struct hpeer *a = &hnet.p[PEER_A];
	ikev2_engine_free(a->e);
	mock_backend_init(&a->mb, 0xa1000100u);
	a->e = ikev2_engine_new(&h_ops, a, &a->mb.be, NULL);
	h_initiate();
	h_pump();
	/* B dropped the stale SA on INITIAL_CONTACT */
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 1);
	ck_assert_uint_ne(h_ike(PEER_B, NULL), old_b);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_B].mb), 2);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	h_fini();

	/* without INITIAL_CONTACT the old SA stays */
	h_init(NULL, NULL);
	establish();
	a = &hnet.p[PEER_A];
	ikev2_engine_free(a->e);
	mock_backend_init(&a->mb, 0xa1000100u);
	a->e = ikev2_engine_new(&h_ops, a, &a->mb.be, NULL);
	a->cfg.ike.send_initial_contact = false;
	h_initiate();
	h_pump();
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 2);
	h_fini();
}
END_TEST

START_TEST(test_lifetime_rekeys)
{
	h_init(NULL, NULL);
	for (int i = 0; i < 2; i++) {
		hnet.p[i].cfg.child.lifetime_sec = 100;
		hnet.p[i].cfg.ike.lifetime_sec = 1000;
	}
	establish();
	uint64_t c0 = child_id(PEER_A);
	uint64_t ike0 = h_ike(PEER_A, NULL);
	/* the initiator of the CHILD_SA rekeys it at 90% of its lifetime */
	h_advance(89000);
	ck_assert_uint_eq(child_id(PEER_A), c0);
	h_advance(2000);
	ck_assert_uint_ne(child_id(PEER_A), c0);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	/* keep going: several generations, always exactly one pair */
	h_advance(400000);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	struct h_children c;
	ck_assert_uint_eq(h_children(PEER_A, &c), 1);
	/* the IKE SA was rekeyed at 900 s */
	h_advance(500000);
	ck_assert_uint_ne(h_ike(PEER_A, NULL), ike0);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_A].e), 1);
	ck_assert_uint_eq(ikev2_engine_ike_count(hnet.p[PEER_B].e), 1);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	h_fini();
}
END_TEST

START_TEST(test_data_plane_expire)
{
	h_init(NULL, NULL);
	establish();
	struct h_children c0;
	h_children(PEER_B, &c0);
	/* volume soft limit on B's inbound SA: B rekeys */
	ck_assert_uint_eq(ikev2_engine_child_expired(hnet.p[PEER_B].e, c0.c[0].spi_in, false), 0);
	h_pump();
	struct h_children c1;
	ck_assert_uint_eq(h_children(PEER_B, &c1), 1);
	ck_assert_uint_ne(c1.c[0].spi_in, c0.c[0].spi_in);
	ck_assert_uint_eq(h_check_sa_pairs(), 2);
	/* hard limit: deleted */
	ck_assert_uint_eq(ikev2_engine_child_expired(hnet.p[PEER_B].e, c1.c[0].spi_in, true), 0);
	h_pump();
	ck_assert_uint_eq(h_children(PEER_A, &c1), 0);
	ck_assert_uint_eq(mock_backend_sa_count(&hnet.p[PEER_A].mb), 0);
	ck_assert_int_eq(ikev2_engine_child_expired(hnet.p[PEER_B].e, 12345, true), -ENOENT);
	h_fini();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ikev2_exchange_rekey");
	TCase *tc = tcase_create("rekey");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_child_rekey_no_pfs);
	tcase_add_test(tc, test_child_rekey_pfs);
	tcase_add_test(tc, test_child_rekey_by_responder);
	tcase_add_test(tc, test_child_rekey_keeps_mode);
	tcase_add_test(tc, test_create_child_pfs_and_not);
	tcase_add_test(tc, test_ike_rekey_moves_children);
	tcase_add_test(tc, test_child_rekey_collision);
	tcase_add_test(tc, test_ike_rekey_collision);
	tcase_add_test(tc, test_delete_child_either_side);
	tcase_add_test(tc, test_delete_child_simultaneous);
	tcase_add_test(tc, test_delete_ike_either_side);
	tcase_add_test(tc, test_initial_contact);
	tcase_add_test(tc, test_lifetime_rekeys);
	tcase_add_test(tc, test_data_plane_expire);
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
