/*
 * FlexVPN server: authorization attributes (user vs group precedence,
 * override, the default policy, the name mangler, refusals), the
 * CFG_REPLY built from them, and the runtime sessions (pool address,
 * Virtual-Access cloned at UP with its derived config and routes, rekey,
 * everything released when the IKE SA goes).
 */
#include <arpa/inet.h>

#include "config_test.h"
#include "flexvpn/server_authz.h"
#include "ikev2/runtime_authz.h"
#include "ikev2/runtime_session.h"
#include "tunnel/dynroute.h"
#include "tunnel/virtual_access.h"

static const char *BASE =
	"aaa new-model\n"
	"aaa authorization network FLEX local\n"
	"ip local pool P1 198.18.0.10 198.18.0.12\n"
	"ip access-list standard HUB-LAN\n"
	" permit 198.51.100.0 0.0.0.255\n"
	" exit\n"
	"interface Loopback0\n"
	" ip address 198.51.100.1 255.255.255.0\n"
	" exit\n"
	"interface Virtual-Template1 type tunnel\n"
	" ip unnumbered Loopback0\n"
	" ip mtu 1400\n"
	" tunnel source 192.0.2.1\n"
	" tunnel mode ipsec ipv4\n"
	" tunnel protection ipsec profile default\n"
	" exit\n"
	"crypto ikev2 authorization policy GROUPPOL\n"
	" pool P1\n"
	" dns 198.51.100.53\n"
	" def-domain group.example\n"
	" route set interface\n"
	" route set access-list HUB-LAN\n"
	" exit\n"
	"crypto ikev2 authorization policy USERPOL\n"
	" dns 198.51.100.54\n"
	" exit\n"
	"crypto ikev2 profile FLEX\n"
	" match identity remote fqdn domain example.net\n"
	" authentication remote pre-share key k\n"
	" authentication local pre-share key k\n"
	" virtual-template 1\n"
	" exit\n";

static void fqdn(struct ikev2_id *id, const char *s)
{
	memset(id, 0, sizeof(*id));
	id->type = IKEV2_ID_FQDN;
	id->len = (uint16_t)strlen(s);
	memcpy(id->data, s, id->len);
}

static const char *ip(struct in_addr a)
{
	static char b[4][INET_ADDRSTRLEN];
	static int k;
	k = (k + 1) % 4;
	return inet_ntop(AF_INET, &a, b[k], sizeof(b[k]));
}

static int authz(const char *identity, struct flexvpn_authz *az, char *why)
{
	struct ikev2_id id;
	fqdn(&id, identity);
	const struct ikev2_profile *p = ikev2_profile_find("FLEX");
	ck_assert_ptr_nonnull(p);
	return flexvpn_authorize(p, IKEV2_AAA_PSK, &id, az, why, 256);
}

START_TEST(test_user_over_group)
{
	cfg(BASE);
	cfg("crypto ikev2 profile FLEX\n"
	    " aaa authorization group psk list FLEX GROUPPOL\n"
	    " aaa authorization user psk list FLEX USERPOL\n");
	struct flexvpn_authz az;
	char why[256];
	ck_assert_int_eq(authz("spoke1.example.net", &az, why), 0);
	ck_assert(az.done);
	ck_assert_str_eq(az.group_policy, "GROUPPOL");
	ck_assert_str_eq(az.user_policy, "USERPOL");
	/* user wins where it sets something, group fills the rest */
	ck_assert_int_eq(az.n_dns, 1);
	ck_assert_str_eq(ip(az.dns[0]), "198.51.100.54");
	ck_assert_str_eq(az.pool, "P1");
	ck_assert_str_eq(az.def_domain, "group.example");
	ck_assert(az.route_set_interface);
	/* override: group wins */
	cfg("crypto ikev2 profile FLEX\n"
	    " aaa authorization group override psk list FLEX GROUPPOL\n");
	ck_assert_int_eq(authz("spoke1.example.net", &az, why), 0);
	ck_assert_str_eq(ip(az.dns[0]), "198.51.100.53");
}
END_TEST

START_TEST(test_default_policy_and_mangler)
{
	cfg(BASE);
	cfg("crypto ikev2 authorization policy default\n"
	    " pool P1\n"
	    " wins 198.51.100.55\n"
	    " exit\n"
	    "crypto ikev2 authorization policy spoke1\n"
	    " dns 198.51.100.99\n"
	    " exit\n"
	    "crypto ikev2 name-mangler HOST\n"
	    " fqdn hostname\n"
	    " exit\n"
	    "crypto ikev2 profile FLEX\n"
	    " aaa authorization group psk list FLEX\n");
	struct flexvpn_authz az;
	char why[256];
	/* no name: the identity; no policy of that name: the default one */
	ck_assert_int_eq(authz("spoke2.example.net", &az, why), 0);
	ck_assert_str_eq(az.group_name, "spoke2.example.net");
	ck_assert_str_eq(az.group_policy, "default");
	ck_assert_str_eq(az.pool, "P1");
	ck_assert_int_eq(az.n_wins, 1);
	/* the mangler derives "spoke1" from the FQDN */
	cfg("crypto ikev2 profile FLEX\n"
	    " aaa authorization group psk list FLEX name-mangler HOST\n");
	ck_assert_int_eq(authz("spoke1.example.net", &az, why), 0);
	ck_assert_str_eq(az.group_name, "spoke1");
	ck_assert_str_eq(az.group_policy, "spoke1");
	ck_assert_str_eq(ip(az.dns[0]), "198.51.100.99");
	/* a mangler that does not exist refuses the peer */
	cfg("crypto ikev2 profile FLEX\n"
	    " aaa authorization group psk list FLEX name-mangler NOPE\n");
	ck_assert_int_eq(authz("spoke1.example.net", &az, why), -1);
	ck_assert_ptr_nonnull(strstr(why, "NOPE"));
}
END_TEST

START_TEST(test_refusals)
{
	cfg(BASE);
	struct flexvpn_authz az;
	char why[256];
	/* nothing configured in the profile: authorized, no attributes */
	ck_assert_int_eq(authz("spoke1.example.net", &az, why), 0);
	ck_assert(!az.done);
	cfg("crypto ikev2 profile FLEX\n"
	    " aaa authorization group psk list MISSING GROUPPOL\n");
	ck_assert_int_eq(authz("spoke1.example.net", &az, why), -1);
	ck_assert_ptr_nonnull(strstr(why, "MISSING"));
	cfg("crypto ikev2 profile FLEX\n"
	    " aaa authorization group psk list FLEX GROUPPOL\n"
	    "no aaa new-model\n");
	ck_assert_int_eq(authz("spoke1.example.net", &az, why), -1);
	ck_assert_ptr_nonnull(strstr(why, "new-model"));
}
END_TEST

static const struct ikev2_cp_attr *attr_at(const struct ikev2_cp *cp, uint16_t type, int nth)
{
	for (unsigned i = 0; i < cp->n; i++)
		if (cp->attrs[i].type == type && nth-- == 0)
			return &cp->attrs[i];
	return NULL;
}

START_TEST(test_cp_reply)
{
	cfg(BASE);
	cfg("crypto ikev2 authorization policy GROUPPOL\n"
	    " split-dns a.example\n"
	    " split-dns b.example\n"
	    " netmask 255.255.255.0\n"
	    " exit\n"
	    "crypto ikev2 profile FLEX\n"
	    " aaa authorization group psk list FLEX GROUPPOL\n");
	struct flexvpn_authz az;
	char why[256];
	ck_assert_int_eq(authz("s.example.net", &az, why), 0);
	struct ikev2_cp req = {.type = IKEV2_CP_REQUEST};
	req.attrs[req.n++].type = IKEV2_CFG_INTERNAL_IP4_ADDRESS;
	req.attrs[req.n++].type = IKEV2_CFG_INTERNAL_DNS_DOMAIN;
	struct flexvpn_cp_in in = {.az = &az, .req = &req, .have_addr = true};
	inet_pton(AF_INET, "198.18.0.10", &in.addr);
	in.have_if_addr = true;
	inet_pton(AF_INET, "198.51.100.1", &in.if_addr);
	struct ikev2_cp r;
	flexvpn_cp_reply(&in, &r);
	ck_assert_uint_eq(r.type, IKEV2_CP_REPLY);
	const struct ikev2_cp_attr *a = attr_at(&r, IKEV2_CFG_INTERNAL_IP4_ADDRESS, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert(memcmp(a->value, &in.addr, 4) == 0);
	ck_assert_ptr_nonnull(attr_at(&r, IKEV2_CFG_INTERNAL_IP4_NETMASK, 0));
	ck_assert_ptr_nonnull(attr_at(&r, IKEV2_CFG_INTERNAL_IP4_DNS, 0));
	/* route set interface: 198.51.100.1/32; access-list: 198.51.100.0/24 */
	a = attr_at(&r, IKEV2_CFG_INTERNAL_IP4_SUBNET, 0);
	ck_assert_ptr_nonnull(a);
	const uint8_t host[8] = {198, 51, 100, 1, 255, 255, 255, 255};
	ck_assert(memcmp(a->value, host, 8) == 0);
	a = attr_at(&r, IKEV2_CFG_INTERNAL_IP4_SUBNET, 1);
	const uint8_t lan[8] = {198, 51, 100, 0, 255, 255, 255, 0};
	ck_assert(memcmp(a->value, lan, 8) == 0);
	/* RFC 8598: split domains and the default domain, asked for */
	a = attr_at(&r, IKEV2_CFG_INTERNAL_DNS_DOMAIN, 0);
	ck_assert_uint_eq(a->len, 9);
	ck_assert(memcmp(a->value, "a.example", 9) == 0);
	ck_assert_ptr_nonnull(attr_at(&r, IKEV2_CFG_INTERNAL_DNS_DOMAIN, 2));
	/* no Cisco attributes for a non-FlexVPN peer that did not ask */
	ck_assert_ptr_null(attr_at(&r, IKEV2_CFG_CISCO_DEF_DOMAIN, 0));
	ck_assert_ptr_null(attr_at(&r, IKEV2_CFG_CISCO_SPLIT_DNS, 0));
	/* a FlexVPN peer gets them unasked */
	req.n = 1;
	in.peer_flexvpn = true;
	flexvpn_cp_reply(&in, &r);
	ck_assert_ptr_null(attr_at(&r, IKEV2_CFG_INTERNAL_DNS_DOMAIN, 0));
	a = attr_at(&r, IKEV2_CFG_CISCO_SPLIT_DNS, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(a->len, strlen("a.example,b.example"));
	ck_assert(memcmp(a->value, "a.example,b.example", a->len) == 0);
	a = attr_at(&r, IKEV2_CFG_CISCO_DEF_DOMAIN, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert(memcmp(a->value, "group.example", a->len) == 0);
}
END_TEST

/* ---- runtime sessions */

static struct ikev2_ike_info peer_info(uint64_t id, const char *remote, const char *identity)
{
	struct ikev2_ike_info i;
	memset(&i, 0, sizeof(i));
	i.id = id;
	snprintf(i.profile, sizeof(i.profile), "FLEX");
	i.local.family = i.remote.family = 4;
	inet_pton(AF_INET, "192.0.2.1", i.local.ip);
	inet_pton(AF_INET, remote, i.remote.ip);
	i.local.port = i.remote.port = 500;
	fqdn(&i.remote_id, identity);
	i.state = IKEV2_IKE_ESTABLISHED;
	return i;
}

static unsigned pool_in_use(void)
{
	uint32_t total, used;
	ck_assert_int_eq(flexvpn_pool_counts("P1", &total, &used), 0);
	return used;
}

static bool route_via(const char *pfx, unsigned plen, const char *ifname)
{
	struct in_addr a;
	inet_pton(AF_INET, pfx, &a);
	for (unsigned i = 0; i < tunnel_dynroute_count(); i++) {
		const struct tunnel_dynroute *r = tunnel_dynroute_at(i);
		if (r->prefix.s_addr == a.s_addr && r->plen == plen && strcmp(r->ifname, ifname) == 0)
			return true;
	}
	return false;
}

START_TEST(test_sessions)
{
	cfg(BASE);
	cfg("crypto ikev2 profile FLEX\n"
	    " aaa authorization group psk list FLEX GROUPPOL\n");
	struct ikev2_ike_info i1 = peer_info(7, "192.0.2.2", "s1.example.net");
	struct ikev2_ike_info i2 = peer_info(8, "192.0.2.3", "s2.example.net");
	struct ikev2_cp req = {.type = IKEV2_CP_REQUEST}, reply;
	req.attrs[req.n++].type = IKEV2_CFG_INTERNAL_IP4_ADDRESS;
	ck_assert_int_eq(ikev2_rt_authorize(&i1, &req, &reply), 0);
	ck_assert_uint_eq(reply.type, IKEV2_CP_REPLY);
	ck_assert_uint_eq(pool_in_use(), 1);
	ck_assert_int_eq(ikev2_rt_authorize(&i2, &req, &reply), 0);
	ck_assert_uint_eq(pool_in_use(), 2);
	const struct ikev2_fv_session *s = ikev2_fv_session_by_ike(7);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(ip(s->addr), "198.18.0.10");
	ck_assert_str_eq(ip(ikev2_fv_session_by_ike(8)->addr), "198.18.0.11");
	/* UP: Virtual-Access1 and 2, cloned, with routes to the peers */
	ikev2_rt_authz_ike_event(&i1, IKEV2_EV_UP);
	ikev2_rt_authz_ike_event(&i2, IKEV2_EV_UP);
	ck_assert_str_eq(s->va, "Virtual-Access1");
	ck_assert_str_eq(ikev2_fv_session_by_ike(8)->va, "Virtual-Access2");
	const struct tunnel_ifconf *va = tunnel_if_find("Virtual-Access1");
	ck_assert_ptr_nonnull(va);
	ck_assert(tunnel_if_line_up(va));
	ck_assert_int_eq(va->ip_mtu, 1400);
	ck_assert_str_eq(ip(va->dst.v4), "192.0.2.2");
	ck_assert(route_via("198.18.0.10", 32, "Virtual-Access1"));
	ck_assert(route_via("198.18.0.11", 32, "Virtual-Access2"));
	/* the client's own subnets (CFG_SET) are acknowledged and routed */
	struct ikev2_cp set = {.type = IKEV2_CP_SET};
	set.attrs[0].type = IKEV2_CFG_INTERNAL_IP4_SUBNET;
	set.attrs[0].len = 8;
	const uint8_t sub[8] = {198, 18, 64, 0, 255, 255, 255, 0};
	memcpy(set.attrs[0].value, sub, 8);
	set.n = 1;
	ck_assert_int_eq(ikev2_rt_authorize(&i1, &set, &reply), 0);
	ck_assert_uint_eq(reply.type, IKEV2_CP_ACK);
	ck_assert(route_via("198.18.64.0", 24, "Virtual-Access1"));
	struct buf b;
	buf_init(&b);
	ikev2_fv_show_lines(&b, 7);
	ck_assert_str_eq(buf_cstr(&b), "      Assigned host addr: 198.18.0.10\n"
				       "      Remote subnets:\n"
				       "      198.18.0.10 255.255.255.255\n"
				       "      198.18.64.0 255.255.255.0\n");
	buf_free(&b);
	/* shows: a derived interface, not in the running-config */
	const char *out = memsession_run(S, "show derived-config interface virtual-access 1\n");
	ck_assert_msg(strstr(out, "Derived configuration : ") &&
			      strstr(out, "interface Virtual-Access1\n"
					  " ip unnumbered Loopback0\n"
					  " ip mtu 1400\n"
					  " tunnel source 192.0.2.1\n"
					  " tunnel mode ipsec ipv4\n"
					  " tunnel destination 192.0.2.2\n"
					  " tunnel protection ipsec profile default\n"
					  "end\n"),
		      "%s", out);
	out = memsession_run(S, "show ip interface brief\n");
	ck_assert_ptr_nonnull(strstr(out, "Virtual-Access1            198.51.100.1"));
	out = memsession_run(S, "show interfaces virtual-access 2\n");
	ck_assert_ptr_nonnull(strstr(out, "Virtual-Access2 is up, line protocol is up"));
	out = memsession_run(S, "show ip route\n");
	ck_assert_msg(strstr(out, "S        198.18.0.10 is directly connected, Virtual-Access1\n") &&
			      strstr(out, "S     198.18.64.0/24 is directly connected, Virtual-Access1\n"),
		      "%s", out);
	char *rc = runcfg();
	ck_assert_ptr_null(strstr(rc, "Virtual-Access"));
	free(rc);
	/* an IKE rekey: the session and its interface follow the new SA */
	struct ikev2_ike_info i1b = i1;
	i1b.id = 9;
	i1b.rekeyed_from = 7;
	ikev2_rt_authz_ike_event(&i1b, IKEV2_EV_REKEYED);
	ck_assert_ptr_null(ikev2_fv_session_by_ike(7));
	ck_assert_ptr_nonnull(ikev2_fv_session_by_ike(9));
	ck_assert_uint_eq(tunnel_va_find("Virtual-Access1")->ike_id, 9);
	/* DOWN: address back, routes and interface gone */
	ikev2_rt_authz_ike_event(&i1b, IKEV2_EV_DOWN);
	ck_assert_ptr_null(ikev2_fv_session_by_ike(9));
	ck_assert_uint_eq(pool_in_use(), 1);
	ck_assert_ptr_null(tunnel_if_find("Virtual-Access1"));
	ck_assert(!route_via("198.18.0.10", 32, "Virtual-Access1"));
	ck_assert(!route_via("198.18.64.0", 24, "Virtual-Access1"));
	/* the next session takes the lowest free interface and address */
	struct ikev2_ike_info i3 = peer_info(10, "192.0.2.4", "s3.example.net");
	ck_assert_int_eq(ikev2_rt_authorize(&i3, &req, &reply), 0);
	ikev2_rt_authz_ike_event(&i3, IKEV2_EV_UP);
	ck_assert_str_eq(ikev2_fv_session_by_ike(10)->va, "Virtual-Access1");
	ck_assert_str_eq(ip(ikev2_fv_session_by_ike(10)->addr), "198.18.0.10");
	ikev2_fv_reset();
	ck_assert_uint_eq(pool_in_use(), 0);
	ck_assert_uint_eq(tunnel_va_count(), 0);
	ck_assert_uint_eq(tunnel_dynroute_count(), 0);
}
END_TEST

START_TEST(test_pool_exhausted_refuses)
{
	cfg(BASE);
	cfg("crypto ikev2 profile FLEX\n"
	    " aaa authorization group psk list FLEX GROUPPOL\n");
	struct ikev2_cp req = {.type = IKEV2_CP_REQUEST}, reply;
	req.attrs[req.n++].type = IKEV2_CFG_INTERNAL_IP4_ADDRESS;
	char remote[32], id[32];
	for (int k = 0; k < 3; k++) {
		snprintf(remote, sizeof(remote), "192.0.2.%d", 10 + k);
		snprintf(id, sizeof(id), "s%d.example.net", k);
		struct ikev2_ike_info i = peer_info(20 + (uint64_t)k, remote, id);
		ck_assert_int_eq(ikev2_rt_authorize(&i, &req, &reply), 0);
	}
	struct ikev2_ike_info i = peer_info(30, "192.0.2.30", "s9.example.net");
	ck_assert_int_eq(ikev2_rt_authorize(&i, &req, &reply), -1);
	ck_assert_ptr_null(ikev2_fv_session_by_ike(30));
	ck_assert_uint_eq(ikev2_fv_session_count(), 3);
	/* a failed negotiation gives its address back */
	ikev2_rt_authz_ike_event(&(struct ikev2_ike_info){.id = 21}, IKEV2_EV_AUTH_FAILED);
	ck_assert_uint_eq(pool_in_use(), 2);
	ikev2_fv_reset();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("flexvpn_server");
	TCase *tc = tcase_create("server");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_user_over_group);
	tcase_add_test(tc, test_default_policy_and_mangler);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_cp_reply);
	tcase_add_test(tc, test_sessions);
	tcase_add_test(tc, test_pool_exhausted_refuses);
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
