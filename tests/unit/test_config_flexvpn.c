/* FlexVPN configuration: crypto ikev2 authorization policy, crypto ikev2
 * client flexvpn, ip local pool (configuration, running-config text, no
 * forms, validation, references) and the pool address allocator. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/config_file.h"
#include "cli/memsession.h"
#include "cli/running_config.h"
#include "flexvpn/config.h"

static struct session *s;

static void setup(void)
{
	running_config_reset();
	s = memsession_new();
	memsession_run(s, "configure terminal");
}

static void teardown(void)
{
	memsession_free(s);
	running_config_reset();
}

/* Run config lines; returns their output (errors). */
static const char *run(const char *lines) { return memsession_run(s, lines); }

static char runcfg[16384];

static const char *running(void)
{
	struct buf b;
	buf_init(&b);
	running_config_build(&b);
	snprintf(runcfg, sizeof runcfg, "%s", buf_cstr(&b));
	buf_free(&b);
	return runcfg;
}

static void assert_no_output(const char *out)
{
	ck_assert_msg(out[0] == 0, "unexpected output: [%s]", out);
}

static void assert_contains(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) != NULL, "[%s] not found in:\n%s", needle, hay);
}

static void assert_not_contains(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) == NULL, "[%s] unexpectedly in:\n%s", needle, hay);
}

static struct in_addr ip(const char *a)
{
	struct in_addr in;
	ck_assert_int_eq(inet_pton(AF_INET, a, &in), 1);
	return in;
}

static const char *ipstr(struct in_addr a)
{
	static char b[INET_ADDRSTRLEN];
	return inet_ntop(AF_INET, &a, b, sizeof b);
}

/* The FlexVPN parts of the example configuration of Cisco's "Configuring
 * the FlexVPN Client", exactly as printed there (two-space indentation in
 * the client block, a blank after "route accept any"). */
START_TEST(seed_client_example_is_accepted_verbatim)
{
	assert_no_output(run("crypto ikev2 client flexvpn flex\n"
			     "  peer 1 10.0.0.1\n"
			     "  connect manual\n"
			     "  client connect Tunnel0\n"
			     "!\n"
			     "crypto ikev2 authorization policy flex\n"
			     " subnet-acl 199\n"
			     " route set interface\n"
			     " route accept any \n"
			     "!\n"));
	const char *cfg = running();
	assert_contains(cfg, "!\ncrypto ikev2 authorization policy flex\n"
			     " subnet-acl 199\n"
			     " route set interface\n"
			     " route accept any \n"
			     "!\n");
	assert_contains(cfg, "!\ncrypto ikev2 client flexvpn flex\n"
			     "  peer 1 10.0.0.1\n"
			     "  connect manual\n"
			     "  client connect Tunnel0\n"
			     "!\n");
	/* IOS order: authorization policies before client profiles */
	ck_assert(strstr(cfg, "authorization policy") < strstr(cfg, "client flexvpn"));
	const struct flexvpn_client *f = flexvpn_client_find("flex");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->connect, FLEXVPN_CONNECT_MANUAL);
	ck_assert_int_eq(f->tunnel, 0);
	ck_assert_int_eq(f->n_peers, 1);
	ck_assert_str_eq(ipstr(f->peers[0].addr4), "10.0.0.1");
	const struct flexvpn_author *a = flexvpn_author_find("flex");
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->subnet_acl, "199");
	ck_assert(a->route_set_interface);
	ck_assert(a->route_accept_any);
}
END_TEST

START_TEST(author_policy_every_attribute_and_its_no_form)
{
	assert_no_output(run("crypto ikev2 authorization policy FLEX\n"
			     "pool FLEXPOOL\n"
			     "dns 10.0.0.53 10.0.0.54\n"
			     "wins 10.0.0.60\n"
			     "netmask 255.255.255.0\n"
			     "def-domain example.com\n"
			     "split-dns corp.example.com\n"
			     "split-dns lab.example.com\n"
			     "backup-gateway 192.0.2.2\n"
			     "backup-gateway hub2.example.com\n"
			     "dhcp server 10.0.0.67\n"
			     "dhcp giaddr 10.0.0.1\n"
			     "dhcp timeout 10\n"
			     "subnet-acl SPLIT\n"
			     "pfs\n"
			     "include-local-lan\n"
			     "smartcard-removal-disconnect\n"
			     "session-lifetime 3600\n"
			     "ipsec flow-limit 4\n"
			     "aaa attribute list ATTRS\n"
			     "ipv6 pool V6POOL\n"
			     "ipv6 dns 2001:db8::53 2001:db8::54\n"
			     "ipv6 prefix 64\n"
			     "route set interface Loopback0\n"
			     "route set access-list FLEX_ROUTES\n"
			     "route set access-list ipv6 FLEX_ROUTES6\n"
			     "route set remote ipv4 198.51.100.0 255.255.255.0\n"
			     "route set remote ipv6 2001:db8:1::/48\n"
			     "route accept any tag 10 distance 5\n"));
	const char *block = "crypto ikev2 authorization policy FLEX\n"
			    " pool FLEXPOOL\n"
			    " dns 10.0.0.53 10.0.0.54\n"
			    " wins 10.0.0.60\n"
			    " netmask 255.255.255.0\n"
			    " def-domain example.com\n"
			    " split-dns corp.example.com\n"
			    " split-dns lab.example.com\n"
			    " backup-gateway 192.0.2.2\n"
			    " backup-gateway hub2.example.com\n"
			    " dhcp server 10.0.0.67\n"
			    " dhcp giaddr 10.0.0.1\n"
			    " dhcp timeout 10\n"
			    " subnet-acl SPLIT\n"
			    " pfs\n"
			    " include-local-lan\n"
			    " smartcard-removal-disconnect\n"
			    " session-lifetime 3600\n"
			    " ipsec flow-limit 4\n"
			    " aaa attribute list ATTRS\n"
			    " ipv6 pool V6POOL\n"
			    " ipv6 dns 2001:db8::53 2001:db8::54\n"
			    " ipv6 prefix 64\n"
			    " route set interface Loopback0\n"
			    " route set access-list FLEX_ROUTES\n"
			    " route set access-list ipv6 FLEX_ROUTES6\n"
			    " route set remote ipv4 198.51.100.0 255.255.255.0\n"
			    " route set remote ipv6 2001:db8:1::/48\n"
			    " route accept any tag 10 distance 5\n"
			    "!\n";
	assert_contains(running(), block);
	const struct flexvpn_author *a = flexvpn_author_find("FLEX");
	ck_assert_int_eq(a->n_dns, 2);
	ck_assert_str_eq(ipstr(a->dns[1]), "10.0.0.54");
	ck_assert_int_eq(a->n_split_dns, 2);
	ck_assert_int_eq(a->n_remote4, 1);
	ck_assert_int_eq(a->n_remote6, 1);
	ck_assert_int_eq(a->remote6[0].plen, 48);
	ck_assert_int_eq(a->accept_tag, 10);
	ck_assert_int_eq(a->accept_distance, 5);
	ck_assert_int_eq(a->flow_limit, 4);
	ck_assert_str_eq(a->route_set_ifname, "Loopback0");

	/* The same policy again changes nothing: entering a sub-mode is not
	 * creating a second one, and list entries are not duplicated. */
	assert_no_output(run("exit\ncrypto ikev2 authorization policy FLEX\nsplit-dns lab.example.com\n"));
	assert_contains(running(), block);

	assert_no_output(run("no pool\n"
			     "no dns\n"
			     "no wins\n"
			     "no netmask\n"
			     "no def-domain\n"
			     "no split-dns corp.example.com\n"
			     "no backup-gateway\n"
			     "no dhcp server\n"
			     "no dhcp giaddr\n"
			     "no dhcp timeout\n"
			     "no subnet-acl\n"
			     "no pfs\n"
			     "no include-local-lan\n"
			     "no smartcard-removal-disconnect\n"
			     "no session-lifetime\n"
			     "no ipsec flow-limit\n"
			     "no aaa attribute list\n"
			     "no ipv6 pool\n"
			     "no ipv6 dns\n"
			     "no ipv6 prefix\n"
			     "no route set interface\n"
			     "no route set access-list\n"
			     "no route set access-list ipv6\n"
			     "no route set remote ipv4 198.51.100.0 255.255.255.0\n"
			     "no route set remote ipv6 2001:db8:1::/48\n"
			     "no route accept any\n"));
	/* only the split-dns name that was not removed is left */
	assert_contains(running(), "crypto ikev2 authorization policy FLEX\n"
				   " split-dns lab.example.com\n"
				   "!\n");
	run("end\nconfigure terminal\n");
	assert_no_output(run("no crypto ikev2 authorization policy FLEX\n"));
	assert_not_contains(running(), "authorization policy FLEX");
	ck_assert_ptr_null(flexvpn_author_find("FLEX"));
}
END_TEST

START_TEST(default_policy_exists_and_is_shown_only_when_changed)
{
	const struct flexvpn_author *d = flexvpn_author_find("default");
	ck_assert_ptr_nonnull(d);
	ck_assert(d->is_default);
	ck_assert_str_eq(d->pool, "");
	assert_no_output(run("crypto ikev2 authorization policy default\nexit\n"));
	assert_not_contains(running(), "authorization policy default");
	assert_no_output(run("crypto ikev2 authorization policy default\npool P\nroute set interface\n"));
	assert_contains(running(), "crypto ikev2 authorization policy default\n pool P\n route set interface\n!\n");
	ck_assert_str_eq(flexvpn_author_find("default")->pool, "P");
	/* removing it goes back to the built-in default */
	assert_no_output(run("exit\nno crypto ikev2 authorization policy default\n"));
	ck_assert_str_eq(flexvpn_author_find("default")->pool, "");
	assert_not_contains(running(), "authorization policy default");
	/* a named policy is shown even when empty */
	assert_no_output(run("crypto ikev2 authorization policy EMPTY\n"));
	assert_contains(running(), "crypto ikev2 authorization policy EMPTY\n!\n");
}
END_TEST

START_TEST(author_policy_validation)
{
	run("crypto ikev2 authorization policy V\n");
	assert_contains(run("netmask 255.0.255.0\n"), "% Invalid netmask 255.0.255.0");
	ck_assert(!flexvpn_author_find("V")->netmask_set);
	assert_contains(run("route set remote ipv4 10.0.0.0 0.255.0.0\n"), "% Invalid netmask 0.255.0.0");
	ck_assert_int_eq(flexvpn_author_find("V")->n_remote4, 0);
	/* out-of-range values never reach the policy */
	assert_contains(run("session-lifetime 60\n"), "% Invalid input detected at '^' marker.");
	assert_contains(run("route accept any distance 300\n"), "% Invalid input detected at '^' marker.");
	for (int i = 0; i < FLEXVPN_MAX_SPLIT_DNS; i++) {
		char l[64];
		snprintf(l, sizeof l, "split-dns d%d.example.com\n", i);
		assert_no_output(run(l));
	}
	assert_contains(run("split-dns one-too-many.example.com\n"),
			"% At most 10 split-dns entries can be configured");
	ck_assert_int_eq(flexvpn_author_find("V")->n_split_dns, FLEXVPN_MAX_SPLIT_DNS);
	char longname[200];
	memset(longname, 'x', 100);
	longname[100] = 0;
	char line[256];
	snprintf(line, sizeof line, "pool %s\n", longname);
	assert_contains(run(line), "is too long");
	ck_assert_str_eq(flexvpn_author_find("V")->pool, "");
	assert_contains(run("no route set remote ipv4 10.9.9.0 255.255.255.0\n"),
			"% No such route set remote ipv4 entry");
}
END_TEST

START_TEST(client_profile_commands_and_no_forms)
{
	assert_no_output(run("crypto ikev2 client flexvpn C1\n"
			     "peer 2 fqdn hub2.example.com dynamic ipv6 track 20 down\n"
			     "peer 1 192.0.2.1 track 10\n"
			     "peer 3 2001:db8::1\n"
			     "peer reactivate\n"
			     "source 2 Cellular0/1/0 track 12\n"
			     "source 1 GigabitEthernet0/0 track 11\n"
			     "connect track 5 down\n"
			     "backup group 7\n"
			     "client inside GigabitEthernet0/1\n"
			     "client inside Vlan10\n"
			     "client connect tunnel 1\n"));
	const char *block = "crypto ikev2 client flexvpn C1\n"
			    "  peer 1 192.0.2.1 track 10\n"
			    "  peer 2 fqdn hub2.example.com dynamic ipv6 track 20 down\n"
			    "  peer 3 2001:db8::1\n"
			    "  peer reactivate\n"
			    "  source 1 GigabitEthernet0/0 track 11\n"
			    "  source 2 Cellular0/1/0 track 12\n"
			    "  connect track 5 down\n"
			    "  backup group 7\n"
			    "  client inside GigabitEthernet0/1\n"
			    "  client inside Vlan10\n"
			    "  client connect Tunnel1\n"
			    "!\n";
	assert_contains(running(), block);
	const struct flexvpn_client *f = flexvpn_client_find("C1");
	ck_assert_int_eq(f->n_peers, 3);
	ck_assert_int_eq(f->peers[0].seq, 1);
	ck_assert_int_eq(f->peers[1].kind, FLEXVPN_PEER_FQDN);
	ck_assert(f->peers[1].fqdn_dynamic && f->peers[1].fqdn_ipv6 && f->peers[1].track_down);
	ck_assert_int_eq(f->peers[2].kind, FLEXVPN_PEER_IPV6);
	ck_assert_int_eq(f->connect, FLEXVPN_CONNECT_TRACK);
	ck_assert_int_eq(f->connect_track, 5);
	ck_assert(f->connect_track_down);
	ck_assert_int_eq(f->tunnel, 1);

	/* a peer number again replaces that peer */
	assert_no_output(run("peer 3 198.51.100.3\nbackup group default\nconnect auto\n"));
	assert_contains(running(), "  peer 3 198.51.100.3\n");
	assert_contains(running(), "  backup group default\n");
	assert_not_contains(running(), "  connect");

	assert_no_output(run("no peer 2\n"
			     "no peer reactivate\n"
			     "no source 1\n"
			     "no backup group\n"
			     "no client inside Vlan10\n"
			     "no client connect\n"));
	assert_contains(running(), "crypto ikev2 client flexvpn C1\n"
				   "  peer 1 192.0.2.1 track 10\n"
				   "  peer 3 198.51.100.3\n"
				   "  source 2 Cellular0/1/0 track 12\n"
				   "  client inside GigabitEthernet0/1\n"
				   "!\n");
	assert_contains(run("no peer 9\n"), "% Peer 9 is not configured");
	assert_contains(run("peer 1 fqdn bad!name\n"), "% Invalid host name \"bad!name\"");
	run("end\nconfigure terminal\n");
	assert_no_output(run("no crypto ikev2 client flexvpn C1\n"));
	ck_assert_ptr_null(flexvpn_client_find("C1"));
	assert_not_contains(running(), "client flexvpn C1");
	assert_contains(run("no crypto ikev2 client flexvpn C1\n"), "% FlexVPN client C1 does not exist");
}
END_TEST

START_TEST(one_tunnel_per_client)
{
	assert_no_output(run("crypto ikev2 client flexvpn A\nclient connect Tunnel5\nexit\n"));
	assert_contains(run("crypto ikev2 client flexvpn B\nclient connect Tunnel5\n"),
			"% Tunnel5 is already used by FlexVPN client A");
	ck_assert_int_eq(flexvpn_client_find("B")->tunnel, -1);
	assert_no_output(run("client connect Tunnel6\n"));
	ck_assert_int_eq(flexvpn_client_find("B")->tunnel, 6);
}
END_TEST

START_TEST(pool_config_and_show)
{
	assert_no_output(run("ip local pool FLEX 10.1.1.1 10.1.1.100\n"
			     "ip local pool FLEX 10.1.2.1 10.1.2.10\n"
			     "ip local pool ONE 172.16.0.9\n"
			     "ip local pool FLEX 10.1.1.1 10.1.1.100\n"));
	const char *cfg = running();
	assert_contains(cfg, "ip local pool FLEX 10.1.1.1 10.1.1.100\n"
			     "ip local pool FLEX 10.1.2.1 10.1.2.10\n"
			     "ip local pool ONE 172.16.0.9\n"
			     "!\n");
	uint32_t total, used;
	ck_assert_int_eq(flexvpn_pool_counts("FLEX", &total, &used), 0);
	ck_assert_uint_eq(total, 110);
	ck_assert_uint_eq(used, 0);
	ck_assert_int_eq(flexvpn_pool_counts("NOPE", &total, &used), -1);

	ck_assert_str_eq(run("do show ip local pool\n"),
			 "\n"
			 " Pool                     Begin           End             Free  In use\n"
			 " FLEX                     10.1.1.1        10.1.1.100       100       0\n"
			 "                          10.1.2.1        10.1.2.10         10       0\n"
			 " ONE                      172.16.0.9      172.16.0.9         1       0\n");
	struct in_addr a;
	ck_assert_int_eq(flexvpn_pool_alloc("ONE", "peer-a", &a), FLEXVPN_POOL_OK);
	ck_assert_str_eq(run("do show ip local pool ONE\n"),
			 "\n"
			 " Pool                     Begin           End             Free  In use\n"
			 " ONE                      172.16.0.9      172.16.0.9         0       1\n"
			 "Available addresses:\n"
			 "     None\n"
			 "\n"
			 "Inuse addresses:\n"
			 "          172.16.0.9                         peer-a\n"
			 "\n");
	assert_contains(run("do show ip local pool NOPE\n"), "%No IP Local Pool named NOPE");

	/* errors: nothing is changed */
	assert_contains(run("ip local pool X 10.1.1.50 10.1.1.60\n"),
			"%IP address range overlaps with pool: FLEX");
	assert_contains(run("ip local pool X 10.5.0.10 10.5.0.1\n"), "%Bad IP range, 10.5.0.10-10.5.0.1");
	assert_contains(run("ip local pool X 127.0.0.1 127.0.0.5\n"), "%IP address not allowed in pool: 127.0.0.1");
	assert_contains(run("ip local pool X 223.255.255.250 224.0.0.5\n"),
			"%IP address not allowed in pool: 224.0.0.0");
	assert_contains(run("ip local pool X 10.0.0.0 10.255.255.255\n"), "%Bad IP range");
	ck_assert(!flexvpn_pool_exists("X"));

	/* no forms: one range, then the whole pool */
	assert_no_output(run("no ip local pool FLEX 10.1.2.1 10.1.2.10\n"));
	ck_assert_int_eq(flexvpn_pool_counts("FLEX", &total, NULL), 0);
	ck_assert_uint_eq(total, 100);
	assert_contains(run("no ip local pool FLEX 10.1.2.1 10.1.2.10\n"),
			"% Pool FLEX has no range 10.1.2.1 10.1.2.10");
	assert_no_output(run("no ip local pool FLEX\n"));
	ck_assert(!flexvpn_pool_exists("FLEX"));
	assert_not_contains(running(), "ip local pool FLEX");
	assert_no_output(run("no ip local pool ONE 172.16.0.9\n"));
	ck_assert(!flexvpn_pool_exists("ONE"));
	assert_not_contains(running(), "ip local pool");
	ck_assert_str_eq(run("do show ip local pool\n"), "\nNo IP Local Pools configured\n");
}
END_TEST

START_TEST(pool_allocator)
{
	assert_no_output(run("ip local pool P 10.0.0.1 10.0.0.3\nip local pool P 10.0.1.1 10.0.1.2\n"
			     "ip local pool Q 10.9.0.1 10.9.0.1\n"));
	struct in_addr a, b, c, d, e;
	ck_assert_int_eq(flexvpn_pool_alloc("NOPE", "x", &a), FLEXVPN_POOL_NO_POOL);
	ck_assert_int_eq(flexvpn_pool_alloc("P", "alice", &a), FLEXVPN_POOL_OK);
	ck_assert_str_eq(ipstr(a), "10.0.0.1");
	/* the same owner gets the same address back */
	ck_assert_int_eq(flexvpn_pool_alloc("P", "alice", &b), FLEXVPN_POOL_OK);
	ck_assert_uint_eq(a.s_addr, b.s_addr);
	ck_assert_int_eq(flexvpn_pool_alloc("P", "bob", &b), FLEXVPN_POOL_OK);
	ck_assert_str_eq(ipstr(b), "10.0.0.2");
	/* a requested address held by someone else is refused */
	ck_assert_int_eq(flexvpn_pool_alloc_addr("P", "carol", ip("10.0.0.2")), FLEXVPN_POOL_IN_USE);
	ck_assert_int_eq(flexvpn_pool_alloc_addr("P", "carol", ip("10.0.5.5")), FLEXVPN_POOL_NOT_IN_POOL);
	ck_assert_int_eq(flexvpn_pool_alloc_addr("P", "carol", ip("10.0.1.2")), FLEXVPN_POOL_OK);
	/* next free: 10.0.0.3, then the second range */
	ck_assert_int_eq(flexvpn_pool_alloc("P", "dave", &c), FLEXVPN_POOL_OK);
	ck_assert_str_eq(ipstr(c), "10.0.0.3");
	ck_assert_int_eq(flexvpn_pool_alloc("P", "erin", &d), FLEXVPN_POOL_OK);
	ck_assert_str_eq(ipstr(d), "10.0.1.1");
	ck_assert_int_eq(flexvpn_pool_alloc("P", "frank", &e), FLEXVPN_POOL_EXHAUSTED);
	uint32_t total, used;
	flexvpn_pool_counts("P", &total, &used);
	ck_assert_uint_eq(total, 5);
	ck_assert_uint_eq(used, 5);

	const char *owner;
	ck_assert_str_eq(flexvpn_pool_lookup(ip("10.0.1.2"), &owner), "P");
	ck_assert_str_eq(owner, "carol");
	ck_assert_str_eq(flexvpn_pool_lookup(ip("10.9.0.1"), &owner), "Q");
	ck_assert_ptr_null(owner);
	ck_assert_ptr_null(flexvpn_pool_lookup(ip("192.0.2.1"), &owner));

	/* release, then the freed address is the next one handed out */
	ck_assert_int_eq(flexvpn_pool_release("P", b), FLEXVPN_POOL_OK);
	ck_assert_int_eq(flexvpn_pool_release("P", b), FLEXVPN_POOL_NOT_IN_USE);
	ck_assert_int_eq(flexvpn_pool_release("P", ip("10.7.7.7")), FLEXVPN_POOL_NOT_IN_POOL);
	ck_assert_int_eq(flexvpn_pool_release("NOPE", b), FLEXVPN_POOL_NO_POOL);
	ck_assert_int_eq(flexvpn_pool_alloc("P", "frank", &e), FLEXVPN_POOL_OK);
	ck_assert_str_eq(ipstr(e), "10.0.0.2");

	/* an owner moving to a requested address gives its old one back */
	ck_assert_int_eq(flexvpn_pool_release("P", ip("10.0.1.2")), FLEXVPN_POOL_OK);
	ck_assert_int_eq(flexvpn_pool_alloc_addr("P", "alice", ip("10.0.1.2")), FLEXVPN_POOL_OK);
	ck_assert_str_eq(flexvpn_pool_lookup(ip("10.0.0.1"), &owner), "P");
	ck_assert_ptr_null(owner);

	/* release everything of one owner, in every pool */
	ck_assert_int_eq(flexvpn_pool_alloc("Q", "frank", &a), FLEXVPN_POOL_OK);
	ck_assert_int_eq(flexvpn_pool_release_owner("frank"), 2);
	flexvpn_pool_counts("Q", NULL, &used);
	ck_assert_uint_eq(used, 0);

	/* removing a range drops its leases */
	ck_assert_int_eq(flexvpn_pool_alloc("P", "gina", &a), FLEXVPN_POOL_OK);
	assert_no_output(run("no ip local pool P 10.0.0.1 10.0.0.3\n"));
	flexvpn_pool_counts("P", &total, &used);
	ck_assert_uint_eq(total, 2);
	ck_assert_uint_eq(used, 2); /* erin 10.0.1.1, alice 10.0.1.2 */
	ck_assert_ptr_null(flexvpn_pool_lookup(ip("10.0.0.1"), &owner));
}
END_TEST

START_TEST(pool_allocator_large_range)
{
	assert_no_output(run("ip local pool BIG 10.20.0.0 10.20.255.255\n"));
	struct in_addr a;
	char who[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(who, sizeof who, "peer%d", i);
		ck_assert_int_eq(flexvpn_pool_alloc("BIG", who, &a), FLEXVPN_POOL_OK);
	}
	ck_assert_str_eq(ipstr(a), "10.20.3.231");
	uint32_t total, used;
	flexvpn_pool_counts("BIG", &total, &used);
	ck_assert_uint_eq(total, 65536);
	ck_assert_uint_eq(used, 1000);
}
END_TEST

/* References to objects that do not exist are accepted, and --check lists
 * them with the line they came from. */
START_TEST(check_reports_missing_pool_with_its_line)
{
	char path[] = "/tmp/test_config_flexvpn_XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char *text = "crypto ikev2 authorization policy FLEX\n"
			   " pool NOPOOL\n"
			   " route set interface\n"
			   "!\n"
			   "crypto ikev2 authorization policy OK\n"
			   " pool GOOD\n"
			   "!\n"
			   "ip local pool GOOD 10.3.0.1 10.3.0.9\n";
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	struct buf report;
	buf_init(&report);
	ck_assert_int_eq(config_apply_file(path, &report, NULL), 0);
	ck_assert_str_eq(buf_cstr(&report), "");
	int n = config_check_references(path, &report);
	char want[256];
	snprintf(want, sizeof want, "%s:2: %% IKEv2 authorization policy FLEX: ip local pool NOPOOL does not exist\n",
		 path);
	assert_contains(buf_cstr(&report), want);
	assert_not_contains(buf_cstr(&report), "policy OK");
	ck_assert_int_ge(n, 1);
	buf_free(&report);
	unlink(path);
}
END_TEST

/* running-config parses back to the same running-config. */
START_TEST(running_config_round_trip)
{
	assert_no_output(run("crypto ikev2 authorization policy default\n"
			     " pool FLEX\n dns 10.0.0.53\n route set access-list SPLIT\n route accept any\n"
			     "crypto ikev2 authorization policy P2\n"
			     " netmask 255.255.255.252\n route set remote ipv4 10.8.0.0 255.255.0.0\n"
			     " ipv6 dns 2001:db8::53\n"
			     "crypto ikev2 client flexvpn CL\n"
			     "  peer 1 fqdn hub.example.com dynamic track 3\n  peer 2 192.0.2.9\n"
			     "  source 1 Ethernet0/0 track 1\n  connect track 4\n  client connect Tunnel9\n"
			     "ip local pool FLEX 10.4.0.1 10.4.0.200\n"));
	char first[16384];
	snprintf(first, sizeof first, "%s", running());
	running_config_reset();
	char *copy = strdup(first), *save = NULL;
	struct buf lines;
	buf_init(&lines);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (strcmp(l, "end") != 0)
			buf_printf(&lines, "%s\n", l);
	free(copy);
	run("end\nconfigure terminal\n");
	assert_no_output(run(buf_cstr(&lines)));
	buf_free(&lines);
	ck_assert_str_eq(running(), first);
}
END_TEST

static Suite *suite(void)
{
	Suite *su = suite_create("config_flexvpn");
	TCase *tc = tcase_create("flexvpn");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, seed_client_example_is_accepted_verbatim);
	tcase_add_test(tc, author_policy_every_attribute_and_its_no_form);
	tcase_add_test(tc, default_policy_exists_and_is_shown_only_when_changed);
	tcase_add_test(tc, author_policy_validation);
	tcase_add_test(tc, client_profile_commands_and_no_forms);
	tcase_add_test(tc, one_tunnel_per_client);
	tcase_add_test(tc, pool_config_and_show);
	tcase_add_test(tc, pool_allocator);
	tcase_add_test(tc, pool_allocator_large_range);
	tcase_add_test(tc, check_reports_missing_pool_with_its_line);
	tcase_add_test(tc, running_config_round_trip);
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
