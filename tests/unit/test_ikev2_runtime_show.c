/*
 * IKEv2 runtime end to end in one process: the runtime (configured by
 * typing into a memory session) is router A at 192.0.2.1 with an sVTI
 * towards B; B is a bare engine (tests/unit/ikev2_exchange_harness.h: fake
 * clock and network).  Checks the tunnel bring-up (initiator and
 * responder), line protocol, the exact "show crypto ikev2 sa [detailed]",
 * "show crypto ikev2 session", "show crypto ikev2 stats" text, clear,
 * shutdown, retry back-off after an authentication failure, debug flags
 * and the syslog messages.
 */
#include "ikev2_exchange_harness.h"

#include "cli/memsession.h"
#include "cli/running_config.h"
#include "ikev2/runtime.h"
#include "ikev2/runtime_show.h"
#include "tunnel/tunnel.h"

static struct session *S;

static const char config_a[] = "crypto ikev2 proposal PROP\n"
			       " encryption aes-cbc-256\n"
			       " integrity sha256\n"
			       " group 14\n"
			       "crypto ikev2 policy POL\n"
			       " proposal PROP\n"
			       "crypto ikev2 keyring KR\n"
			       " peer RB\n"
			       "  address 192.0.2.2\n"
			       "  pre-shared-key site-secret\n"
			       "crypto ikev2 profile TO-RB\n"
			       " match identity remote address 192.0.2.2 255.255.255.255\n"
			       " authentication remote pre-share\n"
			       " authentication local pre-share\n"
			       " keyring local KR\n"
			       " lifetime 3600\n"
			       " dpd 10 3 on-demand\n"
			       "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n"
			       " mode tunnel\n"
			       "crypto ipsec profile VTI\n"
			       " set transform-set TS\n"
			       " set ikev2-profile TO-RB\n"
			       "interface GigabitEthernet0/0\n"
			       " ip address 192.0.2.1 255.255.255.0\n"
			       "interface Tunnel0\n"
			       " ip address 198.18.255.1 255.255.255.252\n"
			       " tunnel source GigabitEthernet0/0\n"
			       " tunnel mode ipsec ipv4\n"
			       " tunnel destination 192.0.2.2\n"
			       " tunnel protection ipsec profile VTI\n";

static const char *run(const char *lines)
{
	static char *last;
	free(last);
	last = strdup(memsession_run(S, lines));
	return last;
}

static void cfg(const char *lines)
{
	char *all;
	if (asprintf(&all, "configure terminal\n%s\nend\n", lines) < 0)
		abort();
	const char *out = run(all);
	ck_assert_msg(strstr(out, "% ") == NULL, "configuration error:\n%s", out);
	free(all);
}

/* B: AES-CBC-256 / SHA-256 / group 14, the same PSK, any/any ESP with
 * AES-CBC-256 + SHA-256; identity = its address. */
static void setup_b(const char *psk)
{
	struct hpeer *b = &hnet.p[PEER_B];
	struct ikev2_peer_config *c = &b->cfg;
	memset(c, 0, sizeof(*c));
	ikev2_ike_policy_default(&c->ike);
	ikev2_child_policy_default(&c->child);
	snprintf(c->ike.name, sizeof(c->ike.name), "B");
	uint16_t dh = 14;
	h_ike_prop(&c->ike, IKEV2_ENCR_AES_CBC, 256, IKEV2_PRF_HMAC_SHA2_256,
		   IKEV2_INTEG_HMAC_SHA2_256_128, &dh, 1);
	h_psk(&c->ike, psk, psk);
	h_esp_prop(&c->child, IKEV2_ENCR_AES_CBC, 256, IKEV2_INTEG_HMAC_SHA2_256_128);
	h_ts(&c->child.ts_local[0], "0.0.0.0", 0);
	h_ts(&c->child.ts_remote[0], "0.0.0.0", 0);
	c->child.n_ts_local = c->child.n_ts_remote = 1;
	c->has_child = true;
	b->has_cfg = true;
}

static void setup(void)
{
	running_config_reset();
	S = memsession_new();
	h_init(NULL, NULL);
	ikev2_engine_free(hnet.p[PEER_A].e);
	struct ikev2_runtime_env env = {
		.send = h_send,
		.keepalive = h_keepalive,
		.now_ms = h_now,
		.timer_add = h_timer_add,
		.timer_cancel = h_timer_cancel,
		.ctx = &hnet.p[PEER_A],
		.manual_poll = true,
	};
	ck_assert_int_eq(ikev2_runtime_start(&env), 0);
	hnet.p[PEER_A].e = ikev2_runtime_engine();
	setup_b("site-secret");
	cfg(config_a);
}

static void teardown(void)
{
	ikev2_runtime_stop();
	hnet.p[PEER_A].e = NULL;
	h_fini();
	memsession_free(S);
	running_config_reset();
}

/* Poll the tunnels, let the network and timers run ms, poll again. */
static void step(uint64_t ms)
{
	ikev2_runtime_poll();
	h_advance(ms);
	ikev2_runtime_poll();
	h_pump();
	ikev2_runtime_poll();
}

static void hex16(const uint8_t spi[8], char out[17])
{
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02X", spi[i]);
}

static void ck_text(const char *got, const char *want)
{
	ck_assert_msg(strcmp(got, want) == 0, "--- got:\n%s--- want:\n%s---", got, want);
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

START_TEST(test_initiator_show_sa)
{
	/* the first poll only schedules (random delay up to 0.4 s) */
	step(500);
	ck_assert_uint_eq(ikev2_engine_ike_count(ikev2_runtime_engine()), 1);
	struct ikev2_ike_info a;
	ck_assert_uint_ne(h_ike(PEER_A, &a), 0);
	ck_assert(a.initiator);
	ck_assert_uint_ne(h_ike(PEER_B, NULL), 0);
	ck_assert(ikev2_tunnel_is_up("Tunnel0"));
	ck_assert(ikev2_tunnel_is_up("tu0"));
	ck_assert(tunnel_if_line_up(tunnel_if_find("Tunnel0")));
	struct ikev2_tunnel_status st;
	ck_assert_int_eq(ikev2_tunnel_status("Tunnel0", &st), 0);
	ck_assert_int_eq(st.state, IKEV2_TUN_UP);
	ck_assert_uint_eq(st.ike_id, a.id);
	ck_assert_str_eq(st.ipsec_profile, "VTI");
	/* the recording data plane holds the CHILD_SA pair */
	ck_assert_uint_eq(record_backend_sa_count(ikev2_runtime_backend()), 2);

	h_advance(13000);
	ck_text(run("show crypto ikev2 sa\n"),
		" IPv4 Crypto IKEv2  SA \n"
		"\n"
		"Tunnel-id Local                 Remote                fvrf/ivrf            Status \n"
		"1         192.0.2.1/500         192.0.2.2/500         none/none            READY  \n"
		"      Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: "
		"PSK, Auth verify: PSK\n"
		"      Life/Active Time: 3600/13 sec\n"
		"\n"
		" IPv6 Crypto IKEv2  SA \n"
		"\n");

	char sl[17], sr[17], want[4096];
	hex16(a.spi_i, sl);
	hex16(a.spi_r, sr);
	snprintf(want, sizeof(want),
		 " IPv4 Crypto IKEv2  SA \n"
		 "\n"
		 "Tunnel-id Local                 Remote                fvrf/ivrf            Status \n"
		 "1         192.0.2.1/500         192.0.2.2/500         none/none            READY  \n"
		 "      Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: "
		 "PSK, Auth verify: PSK\n"
		 "      Life/Active Time: 3600/13 sec\n"
		 "      CE id: 0, Session-id: 1\n"
		 "      Local spi: %s       Remote spi: %s\n"
		 "      Status Description: Negotiation done\n"
		 "      Local id: 192.0.2.1\n"
		 "      Remote id: 192.0.2.2\n"
		 "      Local req msg id:  2              Remote req msg id:  0         \n"
		 "      Local next msg id: 2              Remote next msg id: 0         \n"
		 "      Local req queued:  2              Remote req queued:  0         \n"
		 "      Local window:      1              Remote window:      1         \n"
		 "      DPD configured for 10 seconds, retry 3\n"
		 "      Fragmentation not  configured.\n"
		 "      Dynamic Route Update: disabled\n"
		 "      Extended Authentication not configured.\n"
		 "      NAT-T is not detected  \n"
		 "      Cisco Trust Security SGT is disabled\n"
		 "      Initiator of SA : Yes\n"
		 "      PEER TYPE: IOS-XE\n"
		 "\n"
		 " IPv6 Crypto IKEv2  SA \n"
		 "\n",
		 sl, sr);
	ck_text(run("show crypto ikev2 sa detailed\n"), want);
	/* filters */
	ck_assert_uint_eq(count(run("show crypto ikev2 sa remote 192.0.2.2\n"), "READY"), 1);
	ck_assert_uint_eq(count(run("show crypto ikev2 sa remote 192.0.2.9\n"), "READY"), 0);
	ck_assert_uint_eq(count(run("show crypto ikev2 sa local 192.0.2.1 detailed\n"), "CE id"), 1);
	ck_assert_uint_eq(count(run("show crypto ikev2 sa | include READY\n"), "READY"), 1);

	struct h_children ch;
	ck_assert_uint_eq(h_children(PEER_A, &ch), 1);
	snprintf(want, sizeof(want),
		 " IPv4 Crypto IKEv2 Session \n"
		 "\n"
		 "Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1\n"
		 "\n"
		 "Tunnel-id Local                 Remote                fvrf/ivrf            Status \n"
		 "1         192.0.2.1/500         192.0.2.2/500         none/none            READY  \n"
		 "      Encr: AES-CBC, keysize: 256, PRF: SHA256, Hash: SHA256, DH Grp:14, Auth sign: "
		 "PSK, Auth verify: PSK\n"
		 "      Life/Active Time: 3600/13 sec\n"
		 "Child sa: local selector  0.0.0.0/0 - 255.255.255.255/65535\n"
		 "          remote selector 0.0.0.0/0 - 255.255.255.255/65535\n"
		 "          ESP spi in/out: 0x%X/0x%X  \n"
		 "\n"
		 " IPv6 Crypto IKEv2 Session \n"
		 "\n",
		 ch.c[0].spi_in, ch.c[0].spi_out);
	ck_text(run("show crypto ikev2 session\n"), want);
	const char *d = run("show crypto ikev2 session detailed\n");
	ck_assert_msg(strstr(d, "          Encr: AES-CBC, keysize: 256, esp_hmac: SHA256\n"
				"          ah_hmac: None, comp: IPCOMP_NONE, mode tunnel\n"),
		      "%s", d);
	ck_assert(strstr(d, "      Initiator of SA : Yes\n"));

	/* syslog */
	const char *log = log_buffer();
	ck_assert_msg(strstr(log, "%IKEV2-5-SA_UP: SA UP: Local 192.0.2.1:500 Remote 192.0.2.2:500"),
		      "%s", log);
	ck_assert(strstr(log, "%CRYPTO-5-IKEV2_SESSION_STATUS: Crypto tunnel v2 is UP.  Peer "
			      "192.0.2.2:500       Id: 192.0.2.2"));
	ck_assert(strstr(log, "%LINEPROTO-5-UPDOWN: Line protocol on Interface Tunnel0, changed "
			      "state to up"));
}
END_TEST

START_TEST(test_responder_adopted)
{
	/* B initiates before A's first try: A answers with the profile
	 * matched by B's address identity and adopts the SA for Tunnel0 */
	struct hpeer *a = &hnet.p[PEER_A], *b = &hnet.p[PEER_B];
	ck_assert_uint_ne(ikev2_engine_initiate(b->e, &b->cfg, &b->addr, &a->addr), 0);
	h_pump();
	step(2000);
	ck_assert_uint_eq(ikev2_engine_ike_count(ikev2_runtime_engine()), 1);
	struct ikev2_ike_info ia;
	ck_assert_uint_ne(h_ike(PEER_A, &ia), 0);
	ck_assert(!ia.initiator);
	ck_assert_str_eq(ia.profile, "TO-RB");
	ck_assert(ikev2_tunnel_is_up("Tunnel0"));
	const char *o = run("show crypto ikev2 sa detailed\n");
	ck_assert(strstr(o, "      Initiator of SA : No\n"));
	ck_assert(strstr(o, "      Local req msg id:  0              Remote req msg id:  2         \n"));
	struct h_children ch;
	ck_assert_uint_eq(h_children(PEER_A, &ch), 1);
	ck_assert_uint_eq(ch.c[0].mode, IPSEC_SA_TUNNEL);
	/* stats: one incoming SA, accepted */
	o = run("show crypto ikev2 stats\n");
	ck_assert_msg(strstr(o, "Total incoming IKEv2 SA Count:    1        active:        1        "
				"negotiating: 0     \n"),
		      "%s", o);
	ck_assert(strstr(o, "Incoming IKEv2 Requests: 1        accepted:      1        rejected:    "
			    "0       \n"));
	ck_assert(strstr(o, "Outgoing IKEv2 Requests: 0        "));
	ck_assert(strstr(o, "traffic is not forwarded yet"));
}
END_TEST

START_TEST(test_responder_only)
{
	cfg("crypto ipsec profile VTI\n responder-only\n");
	step(3000);
	ck_assert_uint_eq(h_count(PEER_A, 0, -1), 0); /* A sent nothing */
	struct ikev2_tunnel_status st;
	ck_assert_int_eq(ikev2_tunnel_status("Tunnel0", &st), 0);
	ck_assert_int_eq(st.state, IKEV2_TUN_WAITING);
	ck_assert(!strstr(log_buffer(), "%IKEV2-4-TUNNEL"));
	struct hpeer *a = &hnet.p[PEER_A], *b = &hnet.p[PEER_B];
	ck_assert_uint_ne(ikev2_engine_initiate(b->e, &b->cfg, &b->addr, &a->addr), 0);
	step(100);
	ck_assert(ikev2_tunnel_is_up("Tunnel0"));
}
END_TEST

START_TEST(test_clear_and_shutdown)
{
	step(500);
	ck_assert(ikev2_tunnel_is_up("Tunnel0"));
	struct ikev2_ike_info first;
	ck_assert_uint_ne(h_ike(PEER_A, &first), 0);
	run("clear crypto ikev2 sa\n");
	h_pump();
	ikev2_runtime_poll();
	ck_assert_uint_eq(h_ike(PEER_B, NULL), 0);
	ck_assert(!ikev2_tunnel_is_up("Tunnel0"));
	ck_assert(!tunnel_if_line_up(tunnel_if_find("Tunnel0")));
	ck_assert_uint_eq(count(run("show crypto ikev2 sa\n"), "READY"), 0);
	/* back within the 1 s (+ jitter) retry */
	step(1500);
	struct ikev2_ike_info again;
	ck_assert_uint_ne(h_ike(PEER_A, &again), 0);
	ck_assert(memcmp(again.spi_i, first.spi_i, 8) != 0);
	ck_assert(ikev2_tunnel_is_up("Tunnel0"));
	ck_assert(strstr(log_buffer(), "%CRYPTO-5-IKEV2_SESSION_STATUS: Crypto tunnel v2 is DOWN."));

	/* clear crypto session remote <other>: nothing happens */
	run("clear crypto session remote 192.0.2.99\n");
	h_pump();
	ck_assert_uint_ne(h_ike(PEER_A, NULL), 0);

	/* shutdown: the SA is deleted, the line goes down and stays down */
	cfg("interface Tunnel0\n shutdown\n");
	step(100);
	ck_assert_uint_eq(h_ike(PEER_A, NULL), 0);
	ck_assert_uint_eq(h_ike(PEER_B, NULL), 0);
	struct ikev2_tunnel_status st;
	ck_assert_int_eq(ikev2_tunnel_status("Tunnel0", &st), 0);
	ck_assert_int_eq(st.state, IKEV2_TUN_DOWN);
	ck_assert_str_eq(st.why, "administratively down");
	step(5000);
	ck_assert_uint_eq(ikev2_engine_ike_count(ikev2_runtime_engine()), 0);
	cfg("interface Tunnel0\n no shutdown\n");
	step(100);
	ck_assert(ikev2_tunnel_is_up("Tunnel0"));

	/* the interface re-created between two re-checks: its line comes up */
	cfg("no interface Tunnel0\n"
	    "interface Tunnel0\n"
	    " tunnel source GigabitEthernet0/0\n"
	    " tunnel mode ipsec ipv4\n"
	    " tunnel destination 192.0.2.2\n"
	    " tunnel protection ipsec profile VTI\n");
	ck_assert(!tunnel_if_line_up(tunnel_if_find("Tunnel0")));
	step(100);
	ck_assert(tunnel_if_line_up(tunnel_if_find("Tunnel0")));

	/* the protection is removed: the runtime lets the tunnel go */
	cfg("interface Tunnel0\n no tunnel protection ipsec profile VTI\n");
	step(100);
	ck_assert_uint_eq(h_ike(PEER_B, NULL), 0);
	ck_assert_int_eq(ikev2_tunnel_status("Tunnel0", &st), -1);
	ck_assert(!tunnel_if_line_up(tunnel_if_find("Tunnel0")));
}
END_TEST

START_TEST(test_auth_failure_backoff)
{
	setup_b("wrong-secret");
	step(500);
	ck_assert_uint_eq(h_ike(PEER_A, NULL), 0);
	struct ikev2_tunnel_status st;
	ck_assert_int_eq(ikev2_tunnel_status("Tunnel0", &st), 0);
	ck_assert_int_eq(st.state, IKEV2_TUN_WAITING);
	ck_assert_uint_eq(st.failures, 1);
	ck_assert_msg(strstr(st.why, "IKE SA negotiation failed"), "%s", st.why);
	ck_assert(!tunnel_if_line_up(tunnel_if_find("Tunnel0")));
	/* retries: 1 s, 2 s, 4 s (+ up to 0.4 s each) */
	unsigned tries = (unsigned)h_count(PEER_A, IKEV2_EXCH_IKE_SA_INIT, 0);
	step(1500);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_IKE_SA_INIT, 0), tries + 1);
	ck_assert_int_eq(ikev2_tunnel_status("Tunnel0", &st), 0);
	ck_assert_uint_eq(st.failures, 2);
	step(1500);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_IKE_SA_INIT, 0), tries + 1);
	step(1000);
	ck_assert_uint_eq(h_count(PEER_A, IKEV2_EXCH_IKE_SA_INIT, 0), tries + 2);
	/* fixed: the next try brings it up and the back-off resets */
	setup_b("site-secret");
	step(5000);
	ck_assert(ikev2_tunnel_is_up("Tunnel0"));
	ck_assert_int_eq(ikev2_tunnel_status("Tunnel0", &st), 0);
	ck_assert_uint_eq(st.failures, 0);
	const char *o = run("show crypto ikev2 stats\n");
	ck_assert_msg(strstr(o, "Outgoing IKEv2 Requests: 4        accepted:      1        rejected:    "
				"3       \n"),
		      "%s", o);
}
END_TEST

START_TEST(test_config_error_reported)
{
	cfg("crypto ipsec profile VTI\n set ikev2-profile NOPE\n");
	step(500);
	struct ikev2_tunnel_status st;
	ck_assert_int_eq(ikev2_tunnel_status("Tunnel0", &st), 0);
	ck_assert_int_eq(st.state, IKEV2_TUN_DOWN);
	ck_assert_str_eq(st.why, "IKEv2 profile NOPE does not exist");
	ck_assert(strstr(log_buffer(), "%IKEV2-4-TUNNEL: Tunnel0: cannot bring the IKEv2 SA up: "
				       "IKEv2 profile NOPE does not exist"));
	/* logged once, not at every re-check */
	step(3000);
	ck_assert_uint_eq(count(log_buffer(), "IKEv2 profile NOPE does not exist"), 1);
	cfg("crypto ipsec profile VTI\n set ikev2-profile TO-RB\n");
	step(100);
	ck_assert(ikev2_tunnel_is_up("Tunnel0"));
}
END_TEST

START_TEST(test_duplicate_sas_resolved)
{
	/* both initiate at the same moment: A (192.0.2.1, the lower address)
	 * keeps both until B deletes the one B started */
	struct hpeer *a = &hnet.p[PEER_A], *b = &hnet.p[PEER_B];
	hnet.hold = true;
	ck_assert_uint_ne(ikev2_engine_initiate(b->e, &b->cfg, &b->addr, &a->addr), 0);
	ikev2_runtime_poll();
	h_advance(500);
	ikev2_runtime_poll(); /* A initiates too: both IKE_SA_INITs held */
	h_release(false);
	h_pump();
	ikev2_runtime_poll();
	ck_assert_uint_eq(ikev2_engine_ike_count(ikev2_runtime_engine()), 2);
	ck_assert(ikev2_tunnel_is_up("Tunnel0"));
	/* A never deletes: it has the lower address */
	step(100);
	ck_assert_uint_eq(ikev2_engine_ike_count(ikev2_runtime_engine()), 2);
}
END_TEST

START_TEST(test_duplicate_sas_higher_deletes)
{
	/* A at 192.0.2.3 has the higher address: it deletes the IKE SA it
	 * started and keeps B's */
	struct hpeer *a = &hnet.p[PEER_A], *b = &hnet.p[PEER_B];
	h_addr(&a->addr, "192.0.2.3", 500);
	cfg("interface GigabitEthernet0/0\n ip address 192.0.2.3 255.255.255.0\n");
	hnet.hold = true;
	ck_assert_uint_ne(ikev2_engine_initiate(b->e, &b->cfg, &b->addr, &a->addr), 0);
	ikev2_runtime_poll();
	h_advance(500);
	ikev2_runtime_poll();
	h_release(false);
	h_pump();
	ikev2_runtime_poll(); /* two up: A deletes its own */
	h_pump();
	ikev2_runtime_poll();
	ck_assert_uint_eq(ikev2_engine_ike_count(ikev2_runtime_engine()), 1);
	ck_assert_uint_eq(ikev2_engine_ike_count(b->e), 1);
	struct ikev2_ike_info ia;
	ck_assert_uint_ne(h_ike(PEER_A, &ia), 0);
	ck_assert(!ia.initiator);
	ck_assert(ikev2_tunnel_is_up("Tunnel0"));
	step(3000);
	ck_assert_uint_eq(ikev2_engine_ike_count(ikev2_runtime_engine()), 1);
	ck_assert(ikev2_tunnel_is_up("Tunnel0"));
}
END_TEST

START_TEST(test_stats_format)
{
	/* the numbers of an IOS-XE sample give its text */
	struct ikev2_stats_view v;
	memset(&v, 0, sizeof(v));
	v.max_nego_in = 40;
	v.max_nego_out = 400;
	v.out_total = 1;
	v.out_active = 1;
	v.in_req = 13;
	v.in_acc = 13;
	v.out_req = 14;
	v.out_acc = 14;
	struct buf b;
	buf_init(&b);
	ikev2_rt_format_stats(&b, &v);
	ck_text(buf_cstr(&b),
		"--------------------------------------------------------------------------------\n"
		"                          Crypto IKEv2 SA Statistics\n"
		"--------------------------------------------------------------------------------\n"
		"System Resource Limit:   0        Max IKEv2 SAs: 0        Max in nego(in/out): 40/400\n"
		"Total incoming IKEv2 SA Count:    0        active:        0        negotiating: 0     \n"
		"Total outgoing IKEv2 SA Count:    1        active:        1        negotiating: 0     \n"
		"Incoming IKEv2 Requests: 13       accepted:      13       rejected:    0       \n"
		"Outgoing IKEv2 Requests: 14       accepted:      14       rejected:    0       \n"
		"Rejected IKEv2 Requests: 0        rsrc low:      0        SA limit:    0       \n"
		"IKEv2 packets dropped at dispatch: 0       \n"
		"Incoming Requests dropped as LOW Q limit reached : 0       \n"
		"Incoming IKEV2 Cookie Challenged Requests: 0       \n"
		"    accepted: 0        rejected: 0        rejected no cookie: 0       \n"
		"Total Deleted sessions of Cert Revoked Peers: 0       \n"
		"Total init sa request rejected due to queue limit : 0       \n");
	buf_free(&b);
}
END_TEST

START_TEST(test_debug_flags)
{
	ck_text(run("debug crypto ikev2 packet\n"), "IKEv2 packet debugging is on\n");
	ck_assert(ikev2_debug_packet.on);
	ck_text(run("debug crypto ikev2\n"), "IKEv2 default debugging is on\n");
	ck_assert(strstr(run("show debugging\n"), "  IKEv2 packet debugging is on\n"));
	ck_text(run("no debug crypto ikev2 packet\n"), "IKEv2 packet debugging is off\n");
	ck_assert(!ikev2_debug_packet.on);
	ck_text(run("undebug crypto ikev2\n"), "IKEv2 default debugging is off\n");
	ck_assert(!ikev2_debug_default.on);
	run("debug crypto ikev2 internal\ndebug crypto ikev2 error\n");
	ck_assert(ikev2_debug_internal.on && ikev2_debug_error.on);
	run("undebug all\n");
	ck_assert(!ikev2_debug_internal.on && !ikev2_debug_error.on);
}
END_TEST

START_TEST(test_not_running)
{
	ikev2_runtime_stop();
	hnet.p[PEER_A].e = NULL;
	ck_text(run("show crypto ikev2 sa\n"),
		" IPv4 Crypto IKEv2  SA \n\n IPv6 Crypto IKEv2  SA \n\n");
	ck_text(run("show crypto ikev2 session\n"),
		" IPv4 Crypto IKEv2 Session \n\n IPv6 Crypto IKEv2 Session \n\n");
	ck_assert(strstr(run("show crypto ikev2 stats\n"), "IKEv2 is not running"));
	ck_text(run("clear crypto ikev2 sa\n"), "");
	ck_assert(!ikev2_tunnel_is_up("Tunnel0"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ikev2_runtime_show");
	TCase *tc = tcase_create("runtime");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_initiator_show_sa);
	tcase_add_test(tc, test_responder_adopted);
	tcase_add_test(tc, test_responder_only);
	tcase_add_test(tc, test_clear_and_shutdown);
	tcase_add_test(tc, test_auth_failure_backoff);
	tcase_add_test(tc, test_config_error_reported);
	tcase_add_test(tc, test_duplicate_sas_resolved);
	tcase_add_test(tc, test_duplicate_sas_higher_deletes);
	tcase_add_test(tc, test_stats_format);
	tcase_add_test(tc, test_debug_flags);
	tcase_add_test(tc, test_not_running);
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
