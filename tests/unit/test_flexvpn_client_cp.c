/* FlexVPN client configuration exchange: the CFG_REQUEST a client tunnel
 * sends, the CFG_SET with its own subnets (after IKE_AUTH), a server's
 * CFG_SET accepted, and the CFG_REPLY applied to the tunnel
 * (negotiated address, routes via the tunnel, DNS and domains recorded,
 * all removed when the IKE SA goes; kept across an IKE rekey), and the
 * show command. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/memsession.h"
#include "cli/running_config.h"
#include "flexvpn/client_runtime.h"
#include "ikev2/ikev2_const.h"
#include "ikev2/runtime_cp_client.h"
#include "ikev2/runtime_session.h"
#include "tunnel/dynroute.h"
#include "tunnel/tunnel.h"

static struct session *s;

/* examples/flexvpn-client.cfg, trimmed */
static const char *spoke =
	"aaa new-model\n"
	"aaa authorization network local-group-author-list local\n"
	"crypto ikev2 client flexvpn flex\n peer 1 192.0.2.1\n connect manual\n client connect Tunnel0\nexit\n"
	"crypto ikev2 authorization policy flex\n subnet-acl 199\n route set interface\n route set access-list 199\n route accept any\nexit\n"
	"crypto ikev2 profile prof\n match identity remote address 192.0.2.1 255.255.255.255\n"
	" authentication local pre-share\n authentication remote pre-share\n"
	" aaa authorization group psk list local-group-author-list flex\nexit\n"
	"crypto ipsec profile ipsecprof\n set ikev2-profile prof\nexit\n"
	"interface Loopback0\n ip address 198.18.30.1 255.255.255.0\nexit\n"
	"interface Tunnel0\n ip address negotiated\n tunnel source Ethernet0/0\n tunnel destination dynamic\n"
	" tunnel mode ipsec ipv4\n tunnel protection ipsec profile ipsecprof\nexit\n"
	"interface Ethernet0/0\n ip address 203.0.113.1 255.255.255.0\nexit\n"
	"access-list 199 permit ip 198.51.100.0 0.0.0.255 any\n"
	"access-list 199 permit ip 198.18.20.0 0.0.0.255 any\n";

static void setup(void)
{
	running_config_reset();
	flexvpn_client_rt_reset();
	s = memsession_new();
	const char *out = memsession_run(s, "configure terminal");
	out = memsession_run(s, spoke);
	/* only IOS's "IKEv2 profile MUST have" note on creating the profile */
	ck_assert_msg(strstr(out, "%") == NULL, "config output: %s", out);
	memsession_run(s, "end");
	flexvpn_client_rt_sync(0);
}

static void teardown(void)
{
	ikev2_rt_cp_client_forget();
	flexvpn_client_rt_reset();
	memsession_free(s);
	running_config_reset();
}

static int count_attr(const struct ikev2_cp *cp, uint16_t type, bool empty)
{
	int n = 0;
	for (unsigned i = 0; i < cp->n; i++)
		if (cp->attrs[i].type == type && (cp->attrs[i].len == 0) == empty)
			n++;
	return n;
}

static bool has_subnet(const struct ikev2_cp *cp, const char *addr, const char *mask)
{
	uint8_t v[8];
	inet_pton(AF_INET, addr, v);
	inet_pton(AF_INET, mask, v + 4);
	for (unsigned i = 0; i < cp->n; i++)
		if (cp->attrs[i].type == IKEV2_CFG_INTERNAL_IP4_SUBNET && cp->attrs[i].len == 8 &&
		    memcmp(cp->attrs[i].value, v, 8) == 0)
			return true;
	return false;
}

START_TEST(request_asks_for_config_and_set_sends_own_subnets)
{
	struct ikev2_cp cp;
	const struct tunnel_ifconf *ifc = tunnel_if_find("Tunnel0");
	ck_assert(ikev2_rt_cp_client_wanted(ifc));
	ck_assert_int_eq(ikev2_rt_cp_client_build(ifc, "prof", &cp), 0);
	ck_assert_int_eq(cp.type, IKEV2_CP_REQUEST);
	ck_assert_int_eq(count_attr(&cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, true), 1);
	ck_assert_int_eq(count_attr(&cp, IKEV2_CFG_INTERNAL_IP4_NETMASK, true), 1);
	ck_assert_int_eq(count_attr(&cp, IKEV2_CFG_INTERNAL_IP4_DNS, true), 1);
	ck_assert_int_eq(count_attr(&cp, IKEV2_CFG_INTERNAL_IP4_NBNS, true), 1);
	ck_assert_int_eq(count_attr(&cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, true), 1);
	ck_assert_int_eq(count_attr(&cp, IKEV2_CFG_INTERNAL_DNS_DOMAIN, true), 1);
	ck_assert_int_eq(count_attr(&cp, IKEV2_CFG_CISCO_DEF_DOMAIN, true), 1);
	ck_assert_int_eq(count_attr(&cp, IKEV2_CFG_CISCO_SPLIT_DNS, true), 1);
	ck_assert_int_eq(count_attr(&cp, IKEV2_CFG_CISCO_BACKUP_SERVERS, true), 1);
	ck_assert_int_eq(count_attr(&cp, IKEV2_CFG_APPLICATION_VERSION, false), 1);
	/* our own subnets are not in the request: they go in the CFG_SET */
	ck_assert_int_eq(count_attr(&cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, false), 0);
	ck_assert_int_eq(ikev2_rt_cp_client_set(ifc, "prof", &cp), 0);
	ck_assert_int_eq(cp.type, IKEV2_CP_SET);
	/* route set access-list 199; route set interface has no address yet */
	ck_assert_uint_eq(cp.n, 2);
	ck_assert(has_subnet(&cp, "198.51.100.0", "255.255.255.0"));
	ck_assert(has_subnet(&cp, "198.18.20.0", "255.255.255.0"));
	/* once the address is negotiated (the CFG_SET goes after IKE_AUTH),
	 * "route set interface" is the tunnel's address */
	struct in_addr neg;
	inet_pton(AF_INET, "198.18.5.7", &neg);
	tunnel_if_set_negotiated("Tunnel0", neg);
	ck_assert_int_eq(ikev2_rt_cp_client_set(ifc, "prof", &cp), 0);
	ck_assert_uint_eq(cp.n, 3);
	ck_assert(has_subnet(&cp, "198.18.5.7", "255.255.255.255"));
	struct in_addr none = {0};
	tunnel_if_set_negotiated("Tunnel0", none);
	/* route set interface Loopback0: its address as a host route */
	memsession_run(s, "configure terminal\ncrypto ikev2 authorization policy flex\n"
			  "route set interface Loopback0\nend");
	ck_assert_int_eq(ikev2_rt_cp_client_set(ifc, "prof", &cp), 0);
	ck_assert(has_subnet(&cp, "198.18.30.1", "255.255.255.255"));
	/* no config-exchange request: nothing in IKE_AUTH, the tunnel is still
	 * a configuration client (its CFG_SET follows) */
	memsession_run(s, "configure terminal\ncrypto ikev2 profile prof\nno config-exchange request\nend");
	ck_assert_int_eq(ikev2_rt_cp_client_build(ifc, "prof", &cp), 0);
	ck_assert_int_eq(cp.type, 0);
	ck_assert_int_eq(ikev2_rt_cp_client_set(ifc, "prof", &cp), 0);
	ck_assert_uint_eq(cp.n, 3);
	/* no config-exchange set send: no CFG_SET */
	memsession_run(s, "configure terminal\ncrypto ikev2 profile prof\nno config-exchange set send\nend");
	ck_assert_int_eq(ikev2_rt_cp_client_set(ifc, "prof", &cp), 1);
	ck_assert_int_eq(cp.type, 0);
}
END_TEST


START_TEST(plain_static_tunnel_sends_no_cp)
{
	memsession_run(s, "configure terminal\ninterface Tunnel5\nip address 198.18.9.1 255.255.255.252\n"
			  "tunnel destination 192.0.2.9\nend");
	struct ikev2_cp cp;
	const struct tunnel_ifconf *ifc = tunnel_if_find("Tunnel5");
	ck_assert(!ikev2_rt_cp_client_wanted(ifc));
	ck_assert_int_eq(ikev2_rt_cp_client_build(ifc, "prof", &cp), 1);
	ck_assert_int_eq(cp.type, 0);
}
END_TEST

static void add4(struct ikev2_cp *cp, uint16_t type, const char *a, const char *m)
{
	struct ikev2_cp_attr *x = &cp->attrs[cp->n++];
	x->type = type;
	x->len = m ? 8 : 4;
	inet_pton(AF_INET, a, x->value);
	if (m)
		inet_pton(AF_INET, m, x->value + 4);
}

static void addstr(struct ikev2_cp *cp, uint16_t type, const char *v)
{
	struct ikev2_cp_attr *x = &cp->attrs[cp->n++];
	x->type = type;
	x->len = (uint16_t)strlen(v);
	memcpy(x->value, v, x->len);
}

static struct ikev2_cp server_reply(void)
{
	struct ikev2_cp cp;
	memset(&cp, 0, sizeof(cp));
	cp.type = IKEV2_CP_REPLY;
	add4(&cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, "198.18.5.7", NULL);
	add4(&cp, IKEV2_CFG_INTERNAL_IP4_NETMASK, "255.255.255.0", NULL);
	add4(&cp, IKEV2_CFG_INTERNAL_IP4_DNS, "192.0.2.53", NULL);
	add4(&cp, IKEV2_CFG_INTERNAL_IP4_DNS, "192.0.2.54", NULL);
	add4(&cp, IKEV2_CFG_INTERNAL_IP4_NBNS, "192.0.2.55", NULL);
	add4(&cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, "198.51.100.0", "255.255.255.0");
	add4(&cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, "198.18.40.9", "255.255.255.255");
	add4(&cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, "203.0.113.77", "255.255.0.255"); /* not a mask */
	addstr(&cp, IKEV2_CFG_CISCO_DEF_DOMAIN, "corp.example");
	addstr(&cp, IKEV2_CFG_CISCO_SPLIT_DNS, "a.example,b.example");
	addstr(&cp, IKEV2_CFG_INTERNAL_DNS_DOMAIN, "b.example");
	addstr(&cp, IKEV2_CFG_INTERNAL_DNS_DOMAIN, "corp.example"); /* = def-domain */
	addstr(&cp, IKEV2_CFG_CISCO_BACKUP_SERVERS, "192.0.2.2");
	return cp;
}

static unsigned routes_via(const char *ifname)
{
	unsigned n = 0;
	for (unsigned i = 0; tunnel_dynroute_at(i); i++)
		n += strcmp(tunnel_dynroute_at(i)->ifname, ifname) == 0;
	return n;
}

static const char *negotiated(void)
{
	static char b[INET_ADDRSTRLEN];
	return inet_ntop(AF_INET, &tunnel_if_find("Tunnel0")->negotiated, b, sizeof(b));
}

START_TEST(reply_applied_and_removed_with_the_sa)
{
	struct ikev2_cp cp = server_reply();
	struct ikev2_ike_info info;
	memset(&info, 0, sizeof(info));
	info.id = 7;
	/* a reply for an IKE SA we did not start for a client: ignored */
	ck_assert_int_eq(ikev2_rt_cp_received(&info, &cp), 0);
	ck_assert_str_eq(negotiated(), "0.0.0.0");
	ikev2_rt_cp_client_expect(7, "Tunnel0");
	ck_assert_int_eq(ikev2_rt_cp_received(&info, &cp), 0);
	ck_assert_str_eq(negotiated(), "198.18.5.7");
	ck_assert_uint_eq(routes_via("Tunnel0"), 2);
	const struct tunnel_dynroute *r = tunnel_dynroute_at(0);
	char b[INET_ADDRSTRLEN];
	ck_assert_str_eq(inet_ntop(AF_INET, &r->prefix, b, sizeof(b)), "198.51.100.0");
	ck_assert_uint_eq(r->plen, 24);
	ck_assert_uint_eq(r->nexthop.s_addr, 0);
	struct fvc *c = flexvpn_client_rt_find("flex");
	ck_assert(c->have_reply);
	ck_assert_int_eq(c->reply.n_dns, 2);
	ck_assert_int_eq(c->reply.n_nbns, 1);
	ck_assert_str_eq(c->reply.def_domain, "corp.example");
	ck_assert_int_eq(c->reply.n_split_dns, 2);
	ck_assert_str_eq(c->reply.split_dns[1], "b.example");
	/* the backup gateway went into the peer list */
	ck_assert_int_eq(c->n_peers, 1); /* no current peer: not inserted */
	/* show ip interface brief / show interfaces see the address */
	const char *out = memsession_run(s, "show interfaces Tunnel0 | include Internet");
	ck_assert_msg(strstr(out, "Internet address is 198.18.5.7/32"), "%s", out);
	/* IKE rekey: the session moves to the new IKE SA */
	struct ikev2_ike_info n = info;
	n.id = 8;
	n.rekeyed_from = 7;
	ikev2_rt_client_ike_event(&n, IKEV2_EV_REKEYED);
	ikev2_rt_client_ike_event(&info, IKEV2_EV_DOWN);
	ck_assert_str_eq(negotiated(), "198.18.5.7");
	ck_assert_uint_eq(routes_via("Tunnel0"), 2);
	/* the SA goes: everything is removed */
	ikev2_rt_client_ike_event(&n, IKEV2_EV_PEER_DEAD);
	ck_assert_str_eq(negotiated(), "0.0.0.0");
	ck_assert_uint_eq(routes_via("Tunnel0"), 0);
	ck_assert(!c->have_reply);
	ck_assert(!ikev2_rt_cp_client_reply("Tunnel0", NULL, NULL));
}
END_TEST

START_TEST(reply_inserts_backup_gateways_after_current_peer)
{
	struct fvc *c = flexvpn_client_rt_find("flex");
	fvc_connect(c, 0);
	struct in_addr a;
	ck_assert_int_eq(flexvpn_client_rt_select(c, 0, &a), 0);
	struct ikev2_cp cp = server_reply();
	struct ikev2_ike_info info;
	memset(&info, 0, sizeof(info));
	info.id = 3;
	ikev2_rt_cp_client_expect(3, "Tunnel0");
	ikev2_rt_cp_received(&info, &cp);
	ck_assert_int_eq(c->n_peers, 2);
	ck_assert_str_eq(c->peers[1].name, "192.0.2.2");
	ck_assert(c->peers[1].downloaded);
	fvc_up(c, 1, 3);
	const char *out = memsession_run(s, "show crypto ikev2 client flexvpn flex");
	ck_assert_str_eq(out, "Profile : flex\n"
			      "Current state: ACTIVE\n"
			      "Peer : 192.0.2.1\n"
			      "Source : Ethernet0/0\n"
			      "ivrf : none\n"
			      "fvrf : none\n"
			      "Backup group: None\n"
			      "Tunnel interface: Tunnel0\n"
			      "Assigned ip address: 198.18.5.7\n"
			      "Assigned netmask: 255.255.255.0\n"
			      "DNS servers: 192.0.2.53 192.0.2.54\n"
			      "NBNS servers: 192.0.2.55\n"
			      "Default domain: corp.example\n"
			      "Split DNS: a.example b.example\n"
			      "Routes via Tunnel0:\n"
			      "  198.51.100.0/24\n"
			      "  198.18.40.9/32\n"
			      "Peer list:\n"
			      "  1    192.0.2.1 *\n"
			      "  -    192.0.2.2 (downloaded)\n");
}
END_TEST

START_TEST(reply_without_cp_or_of_wrong_type)
{
	struct ikev2_cp cp;
	memset(&cp, 0, sizeof(cp));
	struct ikev2_ike_info info;
	memset(&info, 0, sizeof(info));
	info.id = 11;
	ikev2_rt_cp_client_expect(11, "Tunnel0");
	ck_assert_int_eq(ikev2_rt_cp_received(&info, &cp), 0);
	ck_assert_str_eq(negotiated(), "0.0.0.0");
	struct fvc_reply r;
	cp.type = IKEV2_CP_ACK;
	ck_assert_int_eq(ikev2_rt_cp_client_parse(&cp, &r), -1);
}
END_TEST

/* The server's answer to our CFG_SET, and a server's own CFG_SET:
 * accepted into routes via the tunnel with "config-exchange set accept". */
START_TEST(server_set_accepted_and_ack_recorded)
{
	struct ikev2_cp cp = server_reply();
	struct ikev2_ike_info info;
	memset(&info, 0, sizeof(info));
	info.id = 21;
	info.initiator = true;
	snprintf(info.profile, sizeof(info.profile), "prof");
	ikev2_rt_cp_client_expect(21, "Tunnel0");
	ck_assert_int_eq(ikev2_rt_cp_received(&info, &cp), 0);
	ck_assert_uint_eq(routes_via("Tunnel0"), 2);
	/* our CFG_SET acknowledged (reply NULL: an answer) */
	struct ikev2_cp ack;
	memset(&ack, 0, sizeof(ack));
	ack.type = IKEV2_CP_ACK;
	ck_assert_int_eq(ikev2_rt_cp_client_informational(&info, &ack, NULL), 0);
	unsigned sent;
	bool acked;
	ck_assert(ikev2_rt_cp_client_set_state("Tunnel0", &sent, &acked));
	ck_assert(acked);
	/* the server's CFG_SET: one new subnet, one already pushed */
	struct ikev2_cp set, reply;
	memset(&set, 0, sizeof(set));
	set.type = IKEV2_CP_SET;
	add4(&set, IKEV2_CFG_INTERNAL_IP4_SUBNET, "198.18.77.0", "255.255.255.0");
	add4(&set, IKEV2_CFG_INTERNAL_IP4_SUBNET, "198.51.100.0", "255.255.255.0");
	memset(&reply, 0xee, sizeof(reply));
	reply.type = 0;
	reply.n = 0;
	ck_assert_int_eq(ikev2_rt_cp_client_informational(&info, &set, &reply), 0);
	ck_assert_int_eq(reply.type, IKEV2_CP_ACK);
	ck_assert_uint_eq(reply.n, 1);
	ck_assert_int_eq(reply.attrs[0].type, IKEV2_CFG_INTERNAL_IP4_SUBNET);
	ck_assert_int_eq(reply.attrs[0].len, 0);
	ck_assert_uint_eq(routes_via("Tunnel0"), 3);
	bool found = false;
	char b[INET_ADDRSTRLEN];
	for (unsigned i = 0; tunnel_dynroute_at(i); i++) {
		const struct tunnel_dynroute *r = tunnel_dynroute_at(i);
		found |= strcmp(inet_ntop(AF_INET, &r->prefix, b, sizeof(b)), "198.18.77.0") == 0 &&
			 r->plen == 24 && strcmp(r->ifname, "Tunnel0") == 0;
	}
	ck_assert(found);
	/* no config-exchange set accept: answered without CP, nothing added */
	memsession_run(s, "configure terminal\ncrypto ikev2 profile prof\nno config-exchange set accept\nend");
	memset(&set, 0, sizeof(set));
	set.type = IKEV2_CP_SET;
	add4(&set, IKEV2_CFG_INTERNAL_IP4_SUBNET, "198.18.78.0", "255.255.255.128");
	reply.type = 0;
	reply.n = 0;
	ck_assert_int_eq(ikev2_rt_cp_client_informational(&info, &set, &reply), 0);
	ck_assert_int_eq(reply.type, 0);
	ck_assert_uint_eq(routes_via("Tunnel0"), 3);
	/* all of it goes with the SA */
	ikev2_rt_client_ike_event(&info, IKEV2_EV_DOWN);
	ck_assert_uint_eq(routes_via("Tunnel0"), 0);
	/* an IKE SA that is not ours: nothing */
	info.id = 99;
	ck_assert_int_eq(ikev2_rt_cp_client_informational(&info, &set, &reply), 0);
	ck_assert_int_eq(reply.type, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *su = suite_create("flexvpn_client_cp");
	TCase *tc = tcase_create("cp");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, request_asks_for_config_and_set_sends_own_subnets);
	tcase_add_test(tc, server_set_accepted_and_ack_recorded);
	tcase_add_test(tc, plain_static_tunnel_sends_no_cp);
	tcase_add_test(tc, reply_applied_and_removed_with_the_sa);
	tcase_add_test(tc, reply_inserts_backup_gateways_after_current_peer);
	tcase_add_test(tc, reply_without_cp_or_of_wrong_type);
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
