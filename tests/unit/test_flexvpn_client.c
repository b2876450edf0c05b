/* FlexVPN client runtime: peer selection (order, names that do not resolve,
 * retry for ever with back-off, DPD dead, manual connect, downloaded backup
 * gateways) on the pure state machine with a fake clock and resolver. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/memsession.h"
#include "cli/running_config.h"
#include "flexvpn/client_runtime.h"

static struct session *s;

static void setup(void)
{
	running_config_reset();
	flexvpn_client_rt_reset();
	s = memsession_new();
	memsession_run(s, "configure terminal");
}

static void teardown(void)
{
	flexvpn_client_rt_reset();
	memsession_free(s);
	running_config_reset();
}

/* The fake resolver: "hub.example" -> 203.0.113.9, "gw.example" ->
 * 203.0.113.10, everything else fails.  Counts its calls. */
static int resolves;
static int fake_resolve(void *arg, const char *name, struct in_addr *out)
{
	(void)arg;
	resolves++;
	if (strcmp(name, "hub.example") == 0)
		return inet_pton(AF_INET, "203.0.113.9", out) == 1 ? 0 : -1;
	if (strcmp(name, "gw.example") == 0)
		return inet_pton(AF_INET, "203.0.113.10", out) == 1 ? 0 : -1;
	return -1;
}

static struct fvc C;

static void client(const char *lines)
{
	char buf[2048];
	snprintf(buf, sizeof(buf), "crypto ikev2 client flexvpn flex\n%s\nclient connect Tunnel0\nexit",
		 lines);
	const char *out = memsession_run(s, buf);
	ck_assert_msg(out[0] == 0, "config output: %s", out);
	fvc_init(&C, flexvpn_client_find("flex"));
}

/* select at now; returns the address as text, "wait", or "none" */
static char sel_buf[32];
static const char *sel(uint64_t now)
{
	struct in_addr a;
	int rc = fvc_select(&C, now, fake_resolve, NULL, &a);
	if (rc == 0)
		return inet_ntop(AF_INET, &a, sel_buf, sizeof(sel_buf));
	return rc > 0 ? "wait" : "none";
}

START_TEST(peers_in_order_then_backoff_forever)
{
	client("peer 2 198.51.100.2\npeer 1 198.51.100.1\npeer 3 fqdn hub.example dynamic");
	ck_assert_int_eq(C.n_peers, 3);
	ck_assert_str_eq(sel(0), "198.51.100.1");
	ck_assert_str_eq(sel(10), "198.51.100.1"); /* sticky until it fails */
	ck_assert_int_eq(C.state, FVC_CONNECTING);
	fvc_failed(&C, 100, false, "no answer");
	ck_assert_str_eq(sel(100), "198.51.100.2");
	fvc_failed(&C, 200, false, "no answer");
	ck_assert_str_eq(sel(200), "203.0.113.9"); /* the name resolved at connect time */
	fvc_failed(&C, 300, false, "no answer");
	/* every peer failed: wait 1 s, then from the top again */
	ck_assert_str_eq(sel(300), "wait");
	ck_assert_int_eq(C.state, FVC_WAITING);
	ck_assert_str_eq(sel(1299), "wait");
	ck_assert_str_eq(sel(1300), "198.51.100.1");
	/* the back-off doubles per failed pass, capped at 60 s, for ever */
	uint64_t now = 1300, waits[] = {2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
	for (unsigned k = 0; k < sizeof(waits) / sizeof(waits[0]); k++) {
		for (int p = 0; p < 3; p++) {
			ck_assert_str_ne(sel(now), "wait");
			fvc_failed(&C, now, false, "no answer");
		}
		ck_assert_uint_eq(C.next_try_ms - now, waits[k]);
		ck_assert_str_eq(sel(now + waits[k] - 1), "wait");
		now += waits[k];
		ck_assert_str_eq(sel(now), "198.51.100.1");
	}
	/* success resets the back-off */
	fvc_up(&C, now, 42);
	ck_assert_int_eq(C.state, FVC_ACTIVE);
	ck_assert_uint_eq(C.cycles, 0);
}
END_TEST

START_TEST(unresolvable_name_moves_on)
{
	client("peer 1 fqdn nowhere.example\npeer 2 198.51.100.2");
	resolves = 0;
	ck_assert_str_eq(sel(0), "198.51.100.2");
	ck_assert_int_eq(resolves, 1);
	/* the name is tried again (resolved again) on the next pass */
	fvc_failed(&C, 10, false, "no answer");
	ck_assert_str_eq(sel(10), "wait");
	ck_assert_str_eq(sel(1010), "198.51.100.2");
	ck_assert_int_eq(resolves, 2);
	ck_assert_str_eq(C.why, "cannot resolve nowhere.example");
}
END_TEST

START_TEST(only_unresolvable_names_wait)
{
	client("peer 1 fqdn nowhere.example\npeer 2 fqdn nothing.example");
	ck_assert_str_eq(sel(0), "wait");
	ck_assert_int_eq(C.state, FVC_WAITING);
	ck_assert_uint_eq(C.next_try_ms, 1000);
}
END_TEST

START_TEST(dpd_dead_moves_to_next_peer_at_once)
{
	client("peer 1 198.51.100.1\npeer 2 198.51.100.2");
	ck_assert_str_eq(sel(0), "198.51.100.1");
	fvc_up(&C, 5, 7);
	/* the server stops answering DPD */
	fvc_failed(&C, 60000, true, "peer 198.51.100.1 stopped answering (DPD)");
	ck_assert_str_eq(sel(60000), "198.51.100.2");
	fvc_up(&C, 60100, 8);
	fvc_failed(&C, 90000, true, "dead");
	ck_assert_str_eq(sel(90000), "198.51.100.1"); /* after the last: the first */
}
END_TEST

START_TEST(single_peer_retries_with_backoff)
{
	client("peer 1 198.51.100.1");
	ck_assert_str_eq(sel(0), "198.51.100.1");
	fvc_up(&C, 5, 7);
	fvc_failed(&C, 1000, true, "dead");
	ck_assert_str_eq(sel(1000), "wait");
	ck_assert_str_eq(sel(2000), "198.51.100.1");
}
END_TEST

static struct fvc_reply reply_with_gws(const char *a, const char *b)
{
	struct fvc_reply r;
	memset(&r, 0, sizeof(r));
	snprintf(r.backup_gw[r.n_backup_gw++], FLEXVPN_DOMAIN_MAX, "%s", a);
	if (b)
		snprintf(r.backup_gw[r.n_backup_gw++], FLEXVPN_DOMAIN_MAX, "%s", b);
	return r;
}

START_TEST(backup_gateways_inserted_after_their_peer)
{
	client("peer 1 198.51.100.1\npeer 2 198.51.100.2");
	ck_assert_str_eq(sel(0), "198.51.100.1");
	fvc_up(&C, 5, 7);
	struct fvc_reply r = reply_with_gws("198.51.100.7", "gw.example");
	fvc_set_reply(&C, &r);
	ck_assert_int_eq(C.n_peers, 4);
	ck_assert_str_eq(C.peers[0].name, "198.51.100.1");
	ck_assert_str_eq(C.peers[1].name, "198.51.100.7");
	ck_assert(C.peers[1].downloaded);
	ck_assert_str_eq(C.peers[2].name, "gw.example");
	ck_assert_str_eq(C.peers[3].name, "198.51.100.2");
	/* peer 1 dies: the downloaded gateways come next, in order */
	fvc_failed(&C, 100, true, "dead");
	ck_assert_str_eq(sel(100), "198.51.100.7");
	fvc_failed(&C, 200, false, "no answer");
	ck_assert_str_eq(sel(200), "203.0.113.10");
	/* up on a downloaded gateway: its own list does not replace ours */
	fvc_up(&C, 250, 9);
	struct fvc_reply r2 = reply_with_gws("198.51.100.99", NULL);
	fvc_set_reply(&C, &r2);
	ck_assert_int_eq(C.n_peers, 4);
	/* every downloaded gateway failed: the list goes, on to peer 2 */
	fvc_failed(&C, 300, true, "dead");
	ck_assert_int_eq(C.n_peers, 2);
	ck_assert_str_eq(sel(300), "198.51.100.2");
}
END_TEST

START_TEST(new_list_from_static_peer_replaces_old)
{
	client("peer 1 198.51.100.1\npeer 2 198.51.100.2");
	ck_assert_str_eq(sel(0), "198.51.100.1");
	struct fvc_reply r = reply_with_gws("198.51.100.7", NULL);
	fvc_set_reply(&C, &r);
	ck_assert_int_eq(C.n_peers, 3);
	/* on to peer 2 (failure of .7 deletes the list first) */
	fvc_failed(&C, 10, true, "dead");
	fvc_failed(&C, 10, false, "no answer");
	ck_assert_str_eq(sel(10), "198.51.100.2");
	struct fvc_reply r2 = reply_with_gws("198.51.100.8", "198.51.100.1");
	fvc_set_reply(&C, &r2);
	/* .1 is already a peer: only .8 is inserted, after peer 2 */
	ck_assert_int_eq(C.n_peers, 3);
	ck_assert_str_eq(C.peers[2].name, "198.51.100.8");
	ck_assert_int_eq(C.cur, 1);
}
END_TEST

START_TEST(config_change_keeps_downloaded_and_current)
{
	client("peer 1 198.51.100.1\npeer 5 198.51.100.5");
	ck_assert_str_eq(sel(0), "198.51.100.1");
	struct fvc_reply r = reply_with_gws("198.51.100.7", NULL);
	fvc_set_reply(&C, &r);
	memsession_run(s, "crypto ikev2 client flexvpn flex\npeer 3 198.51.100.3\nexit");
	fvc_update(&C, flexvpn_client_find("flex"));
	ck_assert_int_eq(C.n_peers, 4);
	ck_assert_str_eq(C.peers[1].name, "198.51.100.7");
	ck_assert_str_eq(C.peers[2].name, "198.51.100.3");
	ck_assert_int_eq(C.cur, 0);
	ck_assert_str_eq(sel(1), "198.51.100.1");
	/* removing the current peer: selection starts again */
	memsession_run(s, "crypto ikev2 client flexvpn flex\nno peer 1\nexit");
	fvc_update(&C, flexvpn_client_find("flex"));
	ck_assert_int_eq(C.n_peers, 2);
	ck_assert_str_eq(sel(2), "198.51.100.3");
}
END_TEST

START_TEST(manual_connect_and_clear)
{
	client("peer 1 198.51.100.1\nconnect manual");
	ck_assert_str_eq(sel(0), "wait");
	ck_assert_int_eq(C.state, FVC_DISCONNECTED);
	fvc_connect(&C, 10);
	ck_assert_str_eq(sel(10), "198.51.100.1");
	/* a failed pass needs "connect" again */
	fvc_failed(&C, 20, false, "no answer");
	ck_assert_str_eq(sel(5000), "wait");
	ck_assert_int_eq(C.state, FVC_DISCONNECTED);
	unsigned gen = C.gen;
	fvc_connect(&C, 6000);
	ck_assert_uint_ne(C.gen, gen);
	ck_assert_str_eq(sel(6000), "198.51.100.1");
	fvc_disconnect(&C);
	ck_assert_str_eq(sel(6001), "wait");
}
END_TEST

START_TEST(clear_auto_restarts_from_first_peer)
{
	client("peer 1 198.51.100.1\npeer 2 198.51.100.2");
	sel(0);
	fvc_failed(&C, 1, false, "x");
	ck_assert_str_eq(sel(1), "198.51.100.2");
	fvc_disconnect(&C);
	ck_assert_str_eq(sel(2), "198.51.100.1");
}
END_TEST

START_TEST(inactive_without_tunnel_or_peers)
{
	memsession_run(s, "crypto ikev2 client flexvpn flex\npeer 1 198.51.100.1\nexit");
	fvc_init(&C, flexvpn_client_find("flex"));
	ck_assert_str_eq(sel(0), "none");
	ck_assert_int_eq(C.state, FVC_INACTIVE);
	memsession_run(s, "crypto ikev2 client flexvpn flex\nno peer 1\nclient connect Tunnel0\nexit");
	fvc_update(&C, flexvpn_client_find("flex"));
	ck_assert_str_eq(sel(0), "none");
	ck_assert_str_eq(C.why, "no IPv4 peer configured");
}
END_TEST

START_TEST(registry_follows_configuration)
{
	memsession_run(s, "crypto ikev2 client flexvpn a\npeer 1 198.51.100.1\nclient connect Tunnel3\nexit\n"
			  "crypto ikev2 client flexvpn b\npeer 1 198.51.100.2\nexit");
	flexvpn_client_rt_sync(0);
	ck_assert_ptr_nonnull(flexvpn_client_rt_find("a"));
	ck_assert_ptr_nonnull(flexvpn_client_rt_find("b"));
	ck_assert_ptr_eq(flexvpn_client_rt_for_tunnel("Tunnel3"), flexvpn_client_rt_find("a"));
	struct fvc *a = flexvpn_client_rt_find("a");
	a->cycles = 3; /* state survives a sync */
	memsession_run(s, "no crypto ikev2 client flexvpn b");
	flexvpn_client_rt_sync(1);
	ck_assert_ptr_null(flexvpn_client_rt_find("b"));
	ck_assert_ptr_eq(flexvpn_client_rt_find("a"), a);
	ck_assert_uint_eq(a->cycles, 3);
}
END_TEST

static Suite *suite(void)
{
	Suite *su = suite_create("flexvpn_client");
	TCase *tc = tcase_create("peers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, peers_in_order_then_backoff_forever);
	tcase_add_test(tc, unresolvable_name_moves_on);
	tcase_add_test(tc, only_unresolvable_names_wait);
	tcase_add_test(tc, dpd_dead_moves_to_next_peer_at_once);
	tcase_add_test(tc, single_peer_retries_with_backoff);
	tcase_add_test(tc, backup_gateways_inserted_after_their_peer);
	tcase_add_test(tc, new_list_from_static_peer_replaces_old);
	tcase_add_test(tc, config_change_keeps_downloaded_and_current);
	tcase_add_test(tc, manual_connect_and_clear);
	tcase_add_test(tc, clear_auto_restarts_from_first_peer);
	tcase_add_test(tc, inactive_without_tunnel_or_peers);
	tcase_add_test(tc, registry_follows_configuration);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
