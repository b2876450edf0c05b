/*
 * FlexVPN server end to end in one process: the runtime (configured by
 * typing into a memory session) is the hub A at 192.0.2.1 with a
 * virtual-template profile and local authorization; B is a bare engine
 * (tests/unit/ikev2_exchange_harness.h) initiating with a CFG_REQUEST.
 * Checks the reply B gets, the Virtual-Access and its routes, the shows,
 * and that clear crypto session gives everything back; B's subnets from a
 * CFG_SET after IKE_AUTH (or valued in its CFG_REQUEST) routed via the
 * Virtual-Access.
 */
#include <arpa/inet.h>

#include "ikev2_exchange_harness.h"

#include "cli/memsession.h"
#include "cli/running_config.h"
#include "ikev2/runtime.h"
#include "ikev2/runtime_authz.h"
#include "tunnel/dynroute.h"
#include "tunnel/tunnel.h"
#include "tunnel/virtual_access.h"

static struct session *S;

static const char hub[] = "aaa new-model\n"
			  "aaa authorization network FLEX local\n"
			  "crypto ikev2 authorization policy SPOKES\n"
			  " pool SPOKE-POOL\n"
			  " dns 198.51.100.53\n"
			  " def-domain example.net\n"
			  " route set interface\n"
			  " route set access-list HUB-LAN\n"
			  "crypto ikev2 proposal PROP\n"
			  " encryption aes-cbc-256\n"
			  " integrity sha256\n"
			  " group 14\n"
			  "crypto ikev2 policy POL\n"
			  " proposal PROP\n"
			  "crypto ikev2 profile FLEX-SERVER\n"
			  " match identity remote fqdn domain example.net\n"
			  " identity local fqdn hub.example.net\n"
			  " authentication remote pre-share key spoke-secret\n"
			  " authentication local pre-share key spoke-secret\n"
			  " aaa authorization group psk list FLEX SPOKES\n"
			  " virtual-template 1\n"
			  "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n"
			  " mode tunnel\n"
			  "crypto ipsec profile FLEX-IPSEC\n"
			  " set transform-set TS\n"
			  " set ikev2-profile FLEX-SERVER\n"
			  "interface Loopback0\n"
			  " ip address 198.51.100.1 255.255.255.0\n"
			  "interface GigabitEthernet0/0\n"
			  " ip address 192.0.2.1 255.255.255.0\n"
			  "interface Virtual-Template1 type tunnel\n"
			  " ip unnumbered Loopback0\n"
			  " tunnel source GigabitEthernet0/0\n"
			  " tunnel mode ipsec ipv4\n"
			  " tunnel protection ipsec profile FLEX-IPSEC\n"
			  "ip local pool SPOKE-POOL 198.18.0.10 198.18.0.250\n"
			  "ip access-list standard HUB-LAN\n"
			  " permit 198.51.100.0 0.0.0.255\n";

static struct ikev2_cp got;
static unsigned n_got;

static int b_cp_received(void *ctx, const struct ikev2_ike_info *info, const struct ikev2_cp *cp)
{
	(void)ctx;
	(void)info;
	got = *cp;
	n_got++;
	return 0;
}

/* B's ops.cp_informational: the hub's answer to its CFG_SET. */
static struct ikev2_cp b_ack;
static unsigned n_b_ack;

static int b_cp_info(void *ctx, const struct ikev2_ike_info *info, const struct ikev2_cp *req,
		     struct ikev2_cp *reply)
{
	(void)ctx;
	(void)info;
	if (!reply) {
		b_ack = *req;
		n_b_ack++;
	}
	return 0;
}

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

/* B: a spoke with identity spoke1.example.net asking for an address. */
static void setup_b(void)
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
	h_psk(&c->ike, "spoke-secret", "spoke-secret");
	h_fqdn(&c->ike.local_id, "spoke1.example.net");
	h_esp_prop(&c->child, IKEV2_ENCR_AES_CBC, 256, IKEV2_INTEG_HMAC_SHA2_256_128);
	h_ts(&c->child.ts_local[0], "0.0.0.0", 0);
	h_ts(&c->child.ts_remote[0], "0.0.0.0", 0);
	c->child.n_ts_local = c->child.n_ts_remote = 1;
	c->has_child = true;
	c->cp_out.type = IKEV2_CP_REQUEST;
	c->cp_out.attrs[0].type = IKEV2_CFG_INTERNAL_IP4_ADDRESS;
	c->cp_out.attrs[1].type = IKEV2_CFG_INTERNAL_IP4_DNS;
	c->cp_out.n = 2;
	b->has_cfg = true;
	struct ikev2_engine_ops o = h_ops;
	o.cp_received = b_cp_received;
	o.cp_informational = b_cp_info;
	ikev2_engine_free(b->e);
	b->e = ikev2_engine_new(&o, b, &b->mb.be, NULL);
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
	setup_b();
	cfg(hub);
	memset(&got, 0, sizeof(got));
	n_got = 0;
	memset(&b_ack, 0, sizeof(b_ack));
	n_b_ack = 0;
}

static void teardown(void)
{
	ikev2_runtime_stop();
	hnet.p[PEER_A].e = NULL;
	h_fini();
	memsession_free(S);
	running_config_reset();
}

static const struct ikev2_cp_attr *attr(uint16_t type)
{
	for (unsigned i = 0; i < got.n; i++)
		if (got.attrs[i].type == type)
			return &got.attrs[i];
	return NULL;
}

START_TEST(test_hub_session)
{
	struct hpeer *a = &hnet.p[PEER_A], *b = &hnet.p[PEER_B];
	ck_assert(ikev2_engine_initiate(b->e, &b->cfg, &b->addr, &a->addr) > 0);
	h_pump();
	ikev2_runtime_poll();
	ck_assert_uint_eq(b->ike_ev[IKEV2_EV_UP], 1);
	/* B's reply: the first pool address, DNS, routes to the hub */
	ck_assert_uint_eq(n_got, 1);
	ck_assert_uint_eq(got.type, IKEV2_CP_REPLY);
	const struct ikev2_cp_attr *x = attr(IKEV2_CFG_INTERNAL_IP4_ADDRESS);
	ck_assert_ptr_nonnull(x);
	const uint8_t want[4] = {198, 18, 0, 10};
	ck_assert(memcmp(x->value, want, 4) == 0);
	ck_assert_ptr_nonnull(attr(IKEV2_CFG_INTERNAL_IP4_DNS));
	ck_assert_ptr_nonnull(attr(IKEV2_CFG_INTERNAL_IP4_SUBNET));
	/* the harness engine sends the Cisco vendor IDs: Cisco def-domain */
	x = attr(IKEV2_CFG_CISCO_DEF_DOMAIN);
	ck_assert_ptr_nonnull(x);
	ck_assert(memcmp(x->value, "example.net", 11) == 0);
	/* the hub: Virtual-Access1 up, towards B, with the route to B */
	const struct tunnel_ifconf *va = tunnel_if_find("Virtual-Access1");
	ck_assert_ptr_nonnull(va);
	ck_assert(tunnel_if_line_up(va));
	ck_assert_uint_eq(tunnel_dynroute_count(), 1);
	ck_assert_str_eq(tunnel_dynroute_at(0)->ifname, "Virtual-Access1");
	const char *out = run("show crypto ikev2 sa detailed\n");
	ck_assert_msg(strstr(out, "      Initiator of SA : No\n"
				  "      Assigned host addr: 198.18.0.10\n"
				  "      Remote subnets:\n"
				  "      198.18.0.10 255.255.255.255\n"),
		      "%s", out);
	out = run("show ip local pool SPOKE-POOL\n");
	ck_assert_msg(strstr(out, "198.18.0.10") && strstr(out, "spoke1.example.net#"), "%s", out);
	out = run("show ip route\n");
	ck_assert_msg(strstr(out, "198.18.0.10 is directly connected, Virtual-Access1"), "%s", out);
	/* clear crypto session remote: everything goes */
	run("clear crypto session remote 192.0.2.2\n");
	h_pump();
	ikev2_runtime_poll();
	ck_assert_ptr_null(tunnel_if_find("Virtual-Access1"));
	ck_assert_uint_eq(tunnel_dynroute_count(), 0);
	ck_assert_uint_eq(ikev2_fv_session_count(), 0);
	uint32_t total, used;
	ck_assert_int_eq(flexvpn_pool_counts("SPOKE-POOL", &total, &used), 0);
	ck_assert_uint_eq(used, 0);
}
END_TEST

START_TEST(test_hub_refuses_unauthorized)
{
	/* the list is gone: authorization fails, B gets AUTHENTICATION_FAILED */
	cfg("no aaa authorization network FLEX local\n");
	struct hpeer *a = &hnet.p[PEER_A], *b = &hnet.p[PEER_B];
	ikev2_engine_initiate(b->e, &b->cfg, &b->addr, &a->addr);
	h_pump();
	ikev2_runtime_poll();
	ck_assert_uint_eq(b->ike_ev[IKEV2_EV_UP], 0);
	ck_assert_uint_eq(b->ike_ev[IKEV2_EV_AUTH_FAILED], 1);
	ck_assert_uint_eq(tunnel_va_count(), 0);
	ck_assert_uint_eq(ikev2_fv_session_count(), 0);
}
END_TEST


static void add_subnet(struct ikev2_cp *cp, const char *a, const char *m)
{
	struct ikev2_cp_attr *x = &cp->attrs[cp->n++];
	x->type = IKEV2_CFG_INTERNAL_IP4_SUBNET;
	x->len = 8;
	inet_pton(AF_INET, a, x->value);
	inet_pton(AF_INET, m, x->value + 4);
}

static uint64_t b_up(void)
{
	struct hpeer *a = &hnet.p[PEER_A], *b = &hnet.p[PEER_B];
	ck_assert(ikev2_engine_initiate(b->e, &b->cfg, &b->addr, &a->addr) > 0);
	h_pump();
	ikev2_runtime_poll();
	ck_assert_uint_eq(b->ike_ev[IKEV2_EV_UP], 1);
	uint64_t id = h_ike(PEER_B, NULL);
	ck_assert_uint_ne(id, 0);
	return id;
}

/* An IOS spoke: CFG_SET with its LAN in an INFORMATIONAL after IKE_AUTH;
 * the hub acks, routes it via Virtual-Access1 and shows it. */
START_TEST(test_hub_learns_spoke_lan_from_cfg_set)
{
	uint64_t id = b_up();
	struct ikev2_cp set;
	memset(&set, 0, sizeof(set));
	set.type = IKEV2_CP_SET;
	add_subnet(&set, "203.0.113.0", "255.255.255.0");
	add_subnet(&set, "198.18.64.0", "255.255.192.0");
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_B].e, id, &set), 0);
	h_pump();
	ikev2_runtime_poll();
	ck_assert_uint_eq(n_b_ack, 1);
	ck_assert_uint_eq(b_ack.type, IKEV2_CP_ACK);
	ck_assert_uint_eq(b_ack.n, 1);
	ck_assert_uint_eq(b_ack.attrs[0].type, IKEV2_CFG_INTERNAL_IP4_SUBNET);
	ck_assert_uint_eq(b_ack.attrs[0].len, 0);
	ck_assert_uint_eq(ikev2_fv_session_count(), 1);
	ck_assert_int_eq(ikev2_fv_session_at(0)->n_subnets, 2);
	ck_assert_uint_eq(tunnel_dynroute_count(), 3);
	const char *out = run("show crypto ikev2 sa detailed\n");
	ck_assert_msg(strstr(out, "      Remote subnets:\n"
				  "      198.18.0.10 255.255.255.255\n"
				  "      203.0.113.0 255.255.255.0\n"
				  "      198.18.64.0 255.255.192.0\n"),
		      "%s", out);
	out = run("show ip route\n");
	ck_assert_msg(strstr(out, "S     203.0.113.0/24 is directly connected, Virtual-Access1") &&
			      strstr(out, "S     198.18.64.0/18 is directly connected, Virtual-Access1"),
		      "%s", out);
	/* the session goes: so do its routes */
	run("clear crypto session remote 192.0.2.2\n");
	h_pump();
	ikev2_runtime_poll();
	ck_assert_uint_eq(tunnel_dynroute_count(), 0);
	out = run("show ip route\n");
	ck_assert_msg(!strstr(out, "203.0.113.0"), "%s", out);
}
END_TEST

/* A peer that puts its subnets into the IKE_AUTH CFG_REQUEST: taken too. */
START_TEST(test_hub_takes_subnets_from_request)
{
	add_subnet(&hnet.p[PEER_B].cfg.cp_out, "203.0.113.64", "255.255.255.192");
	b_up();
	ck_assert_int_eq(ikev2_fv_session_at(0)->n_subnets, 1);
	const char *out = run("show ip route\n");
	ck_assert_msg(strstr(out, "S        203.0.113.64 is directly connected, Virtual-Access1"), "%s",
		      out);
}
END_TEST

/* no config-exchange set accept: answered without CP, nothing routed. */
START_TEST(test_hub_set_accept_off)
{
	cfg("crypto ikev2 profile FLEX-SERVER\n no config-exchange set accept\n");
	uint64_t id = b_up();
	struct ikev2_cp set;
	memset(&set, 0, sizeof(set));
	set.type = IKEV2_CP_SET;
	add_subnet(&set, "203.0.113.0", "255.255.255.0");
	ck_assert_int_eq(ikev2_engine_send_cp(hnet.p[PEER_B].e, id, &set), 0);
	h_pump();
	ck_assert_uint_eq(n_b_ack, 1);
	ck_assert_uint_eq(b_ack.type, 0);
	ck_assert_int_eq(ikev2_fv_session_at(0)->n_subnets, 0);
	ck_assert_uint_eq(tunnel_dynroute_count(), 1);
	ck_assert_uint_eq(hnet.p[PEER_B].ike_ev[IKEV2_EV_DOWN], 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("flexvpn_server_runtime");
	TCase *tc = tcase_create("hub");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hub_session);
	tcase_add_test(tc, test_hub_refuses_unauthorized);
	tcase_add_test(tc, test_hub_learns_spoke_lan_from_cfg_set);
	tcase_add_test(tc, test_hub_takes_subnets_from_request);
	tcase_add_test(tc, test_hub_set_accept_off);
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
