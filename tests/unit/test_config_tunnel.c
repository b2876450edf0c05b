/*
 * Interfaces, static routes, access lists, track objects and VRFs
 * (tunnel/config_*.c, tunnel/show_*.c), typed through a memory session:
 * exact running-config text for each interface type, no forms, validation
 * errors, routes, ACLs, name normalisation, the show commands and the
 * reference check.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/config_file.h"
#include "cli/memsession.h"
#include "cli/running_config.h"
#include "tunnel/tunnel.h"

static struct session *S;

static void setup(void)
{
	running_config_reset();
	S = memsession_new();
}

static void teardown(void)
{
	memsession_free(S);
	running_config_reset();
}

/* Lines typed in configuration mode; returns their output. */
static const char *cfg(const char *lines)
{
	char *all;
	if (asprintf(&all, "configure terminal\n%s\nend\n", lines) < 0)
		abort();
	static char *last;
	free(last);
	const char *out = memsession_run(S, all);
	static const char banner[] = "Enter configuration commands, one per line.  End with CNTL/Z.\n";
	if (strncmp(out, banner, strlen(banner)) == 0)
		out += strlen(banner);
	last = strdup(out);
	free(all);
	return last;
}

/* Lines typed in privileged exec; returns their output. */
static const char *run(const char *lines)
{
	static char *last;
	free(last);
	last = strdup(memsession_run(S, lines));
	return last;
}

/* show track output with the "last change" durations replaced by "T" (a
 * slow run may take a second). */
static const char *masked(const char *out)
{
	static char buf[8192];
	size_t o = 0;
	const char *key = "last change ";
	while (*out && o + 2 < sizeof buf) {
		if (strncmp(out, key, strlen(key)) == 0) {
			memcpy(buf + o, key, strlen(key));
			o += strlen(key);
			out += strlen(key);
			while (*out && *out != '\n')
				out++;
			buf[o++] = 'T';
			continue;
		}
		buf[o++] = *out++;
	}
	buf[o] = 0;
	return buf;
}

static char *runcfg(void)
{
	struct buf b;
	buf_init(&b);
	running_config_build(&b);
	char *s = strdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* The part of running-config from the first line starting with from up to
 * (not including) the first line starting with upto. */
static char *section(const char *from, const char *upto)
{
	char *rc = runcfg();
	char *s = NULL;
	for (char *p = rc; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, from, strlen(from)) == 0) {
			s = p;
			break;
		}
	char *out;
	if (!s) {
		out = strdup("");
	} else {
		char *e = NULL;
		for (char *p = s; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
			if (p != s && strncmp(p, upto, strlen(upto)) == 0) {
				e = p;
				break;
			}
		out = e ? strndup(s, (size_t)(e - s)) : strdup(s);
	}
	free(rc);
	return out;
}

#define ck_section(from, upto, expected)                                                  \
	do {                                                                              \
		char *sec_ = section(from, upto);                                         \
		ck_assert_msg(strcmp(sec_, expected) == 0, "section:\n%s\n--- expected:\n%s", sec_, \
			      expected);                                                  \
		free(sec_);                                                               \
	} while (0)

#define ck_run_has(text)                                                                  \
	do {                                                                              \
		char *rc_ = runcfg();                                                     \
		ck_assert_msg(strstr(rc_, text) != NULL, "running-config lacks:\n%s\n--- got:\n%s", \
			      text, rc_);                                                 \
		free(rc_);                                                                \
	} while (0)
#define ck_run_lacks(text)                                                                \
	do {                                                                              \
		char *rc_ = runcfg();                                                     \
		ck_assert_msg(strstr(rc_, text) == NULL, "running-config has:\n%s\n--- got:\n%s", \
			      text, rc_);                                                 \
		free(rc_);                                                                \
	} while (0)
#define ck_has(out, text) ck_assert_msg(strstr(out, text) != NULL, "output lacks:\n%s\n--- got:\n%s", text, out)
#define ck_lacks(out, text) ck_assert_msg(strstr(out, text) == NULL, "output has:\n%s\n--- got:\n%s", text, out)

/* ------------------------------------------------------------ interfaces */

START_TEST(test_interface_types_running_config)
{
	const char *out = cfg("interface GigabitEthernet0/1\n"
			      " shutdown\n"
			      "interface Virtual-Template1 type tunnel\n"
			      " ip unnumbered Loopback0\n"
			      " tunnel mode ipsec ipv4\n"
			      " tunnel protection ipsec profile default\n"
			      "interface Tunnel10\n"
			      " description to hub\n"
			      " bandwidth 1000\n"
			      " ip address 172.16.0.2 255.255.255.252\n"
			      " ip mtu 1400\n"
			      " ip nat outside\n"
			      " ip tcp adjust-mss 1360\n"
			      " ipv6 address 2001:db8::1/64\n"
			      " ipv6 enable\n"
			      " tunnel source GigabitEthernet0/0\n"
			      " tunnel mode ipsec ipv4\n"
			      " tunnel destination 192.0.2.2\n"
			      " tunnel path-mtu-discovery\n"
			      " tunnel protection ipsec profile default\n"
			      "interface Loopback0\n"
			      " ip address 10.255.0.1 255.255.255.255\n"
			      "interface Tunnel2\n"
			      "interface gi0/0\n"
			      " ip address 192.0.2.1 255.255.255.0\n"
			      "interface Gi0/0.100\n"
			      " ip address 198.51.100.1 255.255.255.0\n");
	ck_assert_str_eq(out, "");
	ck_section("interface", "line ",
		   "interface Loopback0\n"
		   " ip address 10.255.0.1 255.255.255.255\n"
		   "!\n"
		   "interface Tunnel2\n"
		   " no ip address\n"
		   "!\n"
		   "interface Tunnel10\n"
		   " description to hub\n"
		   " bandwidth 1000\n"
		   " ip address 172.16.0.2 255.255.255.252\n"
		   " ip mtu 1400\n"
		   " ip nat outside\n"
		   " ip tcp adjust-mss 1360\n"
		   " ipv6 address 2001:DB8::1/64\n"
		   " ipv6 enable\n"
		   " tunnel source GigabitEthernet0/0\n"
		   " tunnel mode ipsec ipv4\n"
		   " tunnel destination 192.0.2.2\n"
		   " tunnel path-mtu-discovery\n"
		   " tunnel protection ipsec profile default\n"
		   "!\n"
		   "interface GigabitEthernet0/0\n"
		   " ip address 192.0.2.1 255.255.255.0\n"
		   "!\n"
		   "interface GigabitEthernet0/0.100\n"
		   " ip address 198.51.100.1 255.255.255.0\n"
		   "!\n"
		   "interface GigabitEthernet0/1\n"
		   " no ip address\n"
		   " shutdown\n"
		   "!\n"
		   "interface Virtual-Template1 type tunnel\n"
		   " ip unnumbered Loopback0\n"
		   " tunnel mode ipsec ipv4\n"
		   " tunnel protection ipsec profile default\n"
		   "!\n");
}
END_TEST

START_TEST(test_flexvpn_client_tunnel)
{
	cfg("interface Ethernet0/0\n"
	    " ip address dhcp\n"
	    "interface Tunnel0\n"
	    " ip address negotiated\n"
	    " tunnel source Ethernet0/0\n"
	    " tunnel mode ipsec ipv4\n"
	    " tunnel destination dynamic\n"
	    " tunnel protection ipsec profile default\n"
	    " keepalive 5 2\n"
	    " tunnel key 100\n"
	    " tunnel vrf WAN\n");
	ck_section("interface Tunnel0", "interface Ethernet",
		   "interface Tunnel0\n"
		   " ip address negotiated\n"
		   " keepalive 5 2\n"
		   " tunnel source Ethernet0/0\n"
		   " tunnel mode ipsec ipv4\n"
		   " tunnel destination dynamic\n"
		   " tunnel key 100\n"
		   " tunnel vrf WAN\n"
		   " tunnel protection ipsec profile default\n"
		   "!\n");
	ck_run_has("interface Ethernet0/0\n ip address dhcp\n!\n");
	const struct tunnel_ifconf *t = tunnel_if_find("tu0");
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->ipv4_method, TUNNEL_IPV4_NEGOTIATED);
	ck_assert_int_eq(t->dst.kind, TUNNEL_EP_DYNAMIC);
	ck_assert_int_eq(t->src.kind, TUNNEL_EP_INTERFACE);
	ck_assert_str_eq(t->src.name, "Ethernet0/0");
	ck_assert_int_eq(t->mode, TUNNEL_MODE_IPSEC_IPV4);
	ck_assert_str_eq(t->protection, "default");
	ck_assert(t->key_set && t->key == 100);
	ck_assert_str_eq(t->tunnel_vrf, "WAN");
}
END_TEST

START_TEST(test_no_forms)
{
	cfg("interface Tunnel1\n"
	    " description x\n"
	    " ip address 10.0.0.1 255.255.255.0\n"
	    " ip address 10.0.1.1 255.255.255.0 secondary\n"
	    " ip mtu 1400\n"
	    " ip tcp adjust-mss 1360\n"
	    " ip nat inside\n"
	    " shutdown\n"
	    " bandwidth 500\n"
	    " keepalive\n"
	    " tunnel source 192.0.2.1\n"
	    " tunnel destination 192.0.2.2\n"
	    " tunnel mode gre multipoint\n"
	    " tunnel key 7\n"
	    " tunnel protection ipsec profile P shared\n"
	    " tunnel path-mtu-discovery\n");
	ck_section("interface Tunnel1", "line ",
		   "interface Tunnel1\n"
		   " description x\n"
		   " bandwidth 500\n"
		   " ip address 10.0.1.1 255.255.255.0 secondary\n"
		   " ip address 10.0.0.1 255.255.255.0\n"
		   " ip mtu 1400\n"
		   " ip nat inside\n"
		   " ip tcp adjust-mss 1360\n"
		   " keepalive 10 3\n"
		   " shutdown\n"
		   " tunnel source 192.0.2.1\n"
		   " tunnel mode gre multipoint\n"
		   " tunnel destination 192.0.2.2\n"
		   " tunnel key 7\n"
		   " tunnel path-mtu-discovery\n"
		   " tunnel protection ipsec profile P shared\n"
		   "!\n");
	/* "no ip nat outside" does not remove "ip nat inside" */
	cfg("interface Tunnel1\n no ip nat outside\n");
	ck_run_has(" ip nat inside\n");
	const char *out = cfg("interface Tunnel1\n"
			      " no description\n"
			      " no ip address 10.0.1.1 255.255.255.0 secondary\n"
			      " no ip address 10.0.0.1 255.255.255.0\n"
			      " no ip mtu\n"
			      " no ip tcp adjust-mss\n"
			      " no ip nat inside\n"
			      " no shutdown\n"
			      " no bandwidth\n"
			      " no keepalive\n"
			      " no tunnel source\n"
			      " no tunnel destination\n"
			      " no tunnel mode\n"
			      " no tunnel key\n"
			      " no tunnel protection ipsec profile\n"
			      " no tunnel path-mtu-discovery\n");
	ck_assert_str_eq(out, "");
	ck_section("interface Tunnel1", "line ", "interface Tunnel1\n no ip address\n!\n");
	cfg("no interface Tunnel1\n");
	ck_run_lacks("Tunnel1");
	ck_assert_int_eq(tunnel_interface_exists("Tunnel1"), 0);
}
END_TEST

START_TEST(test_interface_delete_rules)
{
	cfg("interface GigabitEthernet0/0.10\ninterface Loopback3\n");
	ck_run_has("interface GigabitEthernet0/0\n no ip address\n!\n"); /* the parent exists */
	const char *out = cfg("no interface GigabitEthernet0/0\n");
	ck_has(out, "% Removal of physical interfaces is not permitted");
	ck_run_has("interface GigabitEthernet0/0\n");
	ck_assert_str_eq(cfg("no interface GigabitEthernet0/0.10\nno interface Loopback3\n"), "");
	ck_run_lacks("GigabitEthernet0/0.10");
	ck_run_lacks("Loopback3");
	/* Virtual-Access: only the engine creates them */
	out = cfg("interface Virtual-Access1\n");
	ck_has(out, "% Invalid input detected at '^' marker.");
	cfg("interface Virtual-Template5 type tunnel\n ip unnumbered Loopback0\n tunnel protection ipsec profile default\n");
	char name[TUNNEL_IFNAME_MAX];
	ck_assert_int_eq(tunnel_vaccess_create(5, name, sizeof name), 0);
	ck_assert_str_eq(name, "Virtual-Access1");
	const struct tunnel_ifconf *va = tunnel_if_find("Virtual-Access1");
	ck_assert_ptr_nonnull(va);
	ck_assert_str_eq(va->protection, "default");
	ck_assert_int_eq(va->va_template, 5);
	out = cfg("interface Virtual-Access1\n");
	ck_has(out, "is cloned from Virtual-Template5");
	ck_run_lacks("Virtual-Access1"); /* never in running-config */
	out = run("show ip interface brief\n");
	ck_has(out, "Virtual-Access1            unassigned      YES unset  up                    up\n");
	ck_assert_int_eq(tunnel_vaccess_delete("Virtual-Access1"), 0);
	ck_assert_int_eq(tunnel_interface_exists("Virtual-Access1"), 0);
	ck_assert_int_eq(tunnel_vaccess_create(9, name, sizeof name), -1);
	/* the type of a Virtual-Template cannot change */
	cfg("interface Virtual-Template6\n");
	out = cfg("interface Virtual-Template6 type tunnel\n");
	ck_has(out, "% Virtual-Template6 already exists with a different type");
	ck_run_has("interface Virtual-Template6\n no ip address\n!\n");
}
END_TEST

START_TEST(test_address_validation)
{
	const char *out = cfg("interface Tunnel1\n ip address 10.1.1.1 255.0.255.0\n");
	ck_has(out, "% Bad mask 0xFF00FF00 for address 10.1.1.1\n");
	out = cfg("interface Tunnel1\n ip address 10.1.1.0 255.255.255.0\n");
	ck_has(out, "% Bad mask /24 for address 10.1.1.0\n");
	out = cfg("interface Tunnel1\n ip address 10.1.1.255 255.255.255.0\n");
	ck_has(out, "% Bad mask /24 for address 10.1.1.255\n");
	out = cfg("interface Tunnel1\n ip address 224.0.0.1 255.255.255.0\n");
	ck_has(out, "% Not a valid host address - 224.0.0.1\n");
	/* /31 and /32 have no network or broadcast address */
	ck_assert_str_eq(cfg("interface Tunnel1\n ip address 10.9.9.0 255.255.255.254\n"), "");
	ck_assert_str_eq(cfg("interface Loopback1\n ip address 10.8.8.8 255.255.255.255\n"), "");
	/* overlapping subnets on two interfaces */
	cfg("interface Tunnel2\n ip address 192.0.2.1 255.255.255.0\n");
	out = cfg("interface Tunnel3\n ip address 192.0.2.77 255.255.255.128\n");
	ck_has(out, "% 192.0.2.0 overlaps with Tunnel2\n");
	out = cfg("interface Tunnel3\n ip address 192.0.0.1 255.255.0.0\n");
	ck_has(out, "% 192.0.0.0 overlaps with Tunnel2\n");
	ck_section("interface Tunnel3", "!", "interface Tunnel3\n no ip address\n");
	/* secondaries */
	/* a secondary may come before the primary (IOS prints them first) */
	cfg("interface Tunnel3\n ip address 10.3.0.1 255.255.255.0 secondary\n");
	ck_section("interface Tunnel3", "!", "interface Tunnel3\n ip address 10.3.0.1 255.255.255.0 secondary\n");
	out = cfg("interface Tunnel3\n ip unnumbered Loopback1\n ip address 10.3.5.1 255.255.255.0 secondary\n");
	ck_has(out, "% Secondary addresses need a primary address, not ip unnumbered");
	cfg("interface Tunnel3\n ip address 10.3.1.1 255.255.255.0\n ip address 10.3.0.1 255.255.255.0 secondary\n");
	out = cfg("interface Tunnel3\n no ip address 10.3.1.1 255.255.255.0\n");
	ck_has(out, "% Must delete secondary before deleting primary\n");
	out = cfg("interface Tunnel3\n no ip address 10.3.9.1 255.255.255.0\n");
	ck_has(out, "% Invalid address\n");
	/* a new primary replaces the old one */
	cfg("interface Tunnel3\n ip address 10.3.2.1 255.255.255.0\n");
	ck_section("interface Tunnel3", "!",
		   "interface Tunnel3\n ip address 10.3.0.1 255.255.255.0 secondary\n ip address 10.3.2.1 255.255.255.0\n");
	/* ip unnumbered replaces the addresses; no ip address removes it */
	cfg("interface Tunnel3\n ip unnumbered Loopback1\n");
	ck_section("interface Tunnel3", "!", "interface Tunnel3\n ip unnumbered Loopback1\n");
	out = cfg("interface Tunnel3\n ip unnumbered Tunnel3\n");
	ck_has(out, "% Tunnel3 cannot be unnumbered to itself");
	cfg("interface Tunnel3\n no ip address\n");
	ck_section("interface Tunnel3", "!", "interface Tunnel3\n no ip address\n");
	/* negotiated only where IKEv2 can negotiate it */
	out = cfg("interface Loopback1\n ip address negotiated\n");
	ck_has(out, "% Invalid input detected at '^' marker.");
	/* tunnel commands only on tunnel interfaces */
	out = cfg("interface Loopback1\n tunnel source 10.0.0.1\n");
	ck_has(out, "% Invalid input detected at '^' marker.");
	out = cfg("interface Tunnel3\n tunnel source Tunnel3\n");
	ck_has(out, "% Tunnel3 cannot be the tunnel source of itself");
	out = cfg("interface Tunnel3\n tunnel destination bad!name\n");
	ck_has(out, "% Invalid tunnel destination bad!name");
	/* nothing was half-applied */
	ck_section("interface Tunnel3", "!", "interface Tunnel3\n no ip address\n");
	ck_section("interface Loopback1", "!", "interface Loopback1\n ip address 10.8.8.8 255.255.255.255\n");
}
END_TEST

START_TEST(test_ifname_normalize)
{
	char out[TUNNEL_IFNAME_MAX];
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "tu0", "Tunnel0" }, { "Tunnel 0", "Tunnel0" }, { "TUNNEL010", "Tunnel10" },
		{ "lo1", "Loopback1" }, { "gi0/1", "GigabitEthernet0/1" },
		{ "Gi0/0/1.100", "GigabitEthernet0/0/1.100" }, { "fa0/0", "FastEthernet0/0" },
		{ "e0/1", "Ethernet0/1" }, { "Ethernet0/0", "Ethernet0/0" },
		{ "virtual-template1", "Virtual-Template1" }, { "Vi3", "Virtual-Access3" },
		{ "vt2", "Virtual-Template2" }, { "GigabitEthernet1", "GigabitEthernet1" },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		ck_assert_msg(tunnel_ifname_normalize(ok[i].in, out, sizeof out) == 0, "%s rejected", ok[i].in);
		ck_assert_str_eq(out, ok[i].out);
	}
	/* "t" is a unique abbreviation of Tunnel */
	ck_assert_int_eq(tunnel_ifname_normalize("t0", out, sizeof out), 0);
	ck_assert_str_eq(out, "Tunnel0");
	static const char *const bad[] = {
		"Virtual1", /* Virtual-Template or Virtual-Access */
		"Foo0", "Tunnel", "Tunnel-1", "Tunnel2147483648", "Virtual-Template0",
		"Virtual-Template4096", "gi0/", "gi0//1", "gi0/1.", "Loopback1/0", "", NULL,
	};
	for (size_t i = 0; bad[i]; i++)
		ck_assert_msg(tunnel_ifname_normalize(bad[i], out, sizeof out) == -1, "%s accepted as %s", bad[i], out);
	/* exists accepts abbreviations */
	cfg("interface Loopback0\n");
	ck_assert_int_eq(tunnel_interface_exists("lo0"), 1);
	ck_assert_int_eq(tunnel_interface_exists("Loopback 0"), 1);
	ck_assert_int_eq(tunnel_interface_exists("Loopback1"), 0);
	/* the parser splits glued names too */
	cfg("interface tu7\n description glued\n");
	ck_run_has("interface Tunnel7\n description glued\n");
}
END_TEST

/* ------------------------------------------------------------ show commands */

START_TEST(test_show_ip_interface_brief)
{
	cfg("interface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n"
	    "interface GigabitEthernet0/1\n shutdown\n"
	    "interface Loopback0\n ip address 10.255.0.1 255.255.255.255\n"
	    "interface Tunnel0\n ip unnumbered Loopback0\n tunnel mode ipsec ipv4\n"
	    "interface Tunnel1\n shutdown\n"
	    "interface Virtual-Template1 type tunnel\n ip unnumbered Loopback0\n");
	const char *out = run("show ip interface brief\n");
	ck_assert_str_eq(out,
		"Interface                  IP-Address      OK? Method Status                Protocol\n"
		"GigabitEthernet0/0         192.0.2.1       YES manual up                    up\n"
		"GigabitEthernet0/1         unassigned      YES unset  administratively down down\n"
		"Loopback0                  10.255.0.1      YES manual up                    up\n"
		"Tunnel0                    10.255.0.1      YES unset  up                    down\n"
		"Tunnel1                    unassigned      YES unset  administratively down down\n"
		"Virtual-Template1          10.255.0.1      YES unset  up                    down\n");
	/* the IKEv2 engine brings the tunnel up */
	ck_assert_int_eq(tunnel_if_set_line_protocol("Tunnel0", true), 0);
	out = run("show ip interface brief | include Tunnel0\n");
	ck_assert_str_eq(out, "Tunnel0                    10.255.0.1      YES unset  up                    up\n");
}
END_TEST

START_TEST(test_show_ip_interface_brief_nvram)
{
	char path[] = "/tmp/test_config_tunnel_XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char *text = "interface Loopback0\n ip address 10.1.1.1 255.255.255.255\n!\n";
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	struct buf rep;
	buf_init(&rep);
	ck_assert_int_eq(config_apply_file(path, &rep, NULL), 0);
	buf_free(&rep);
	unlink(path);
	const char *out = run("show ip interface brief\n");
	ck_has(out, "Loopback0                  10.1.1.1        YES NVRAM  up                    up\n");
}
END_TEST

START_TEST(test_show_interfaces_tunnel)
{
	cfg("interface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n"
	    "interface Tunnel0\n description to hub\n ip address 10.0.0.2 255.255.255.0\n"
	    " tunnel source GigabitEthernet0/0\n tunnel mode ipsec ipv4\n tunnel destination 198.51.100.1\n"
	    " tunnel protection ipsec profile default\n");
	const char *out = run("show interfaces Tunnel0\n");
	ck_assert_str_eq(out,
		"Tunnel0 is up, line protocol is down \n"
		"  Hardware is Tunnel\n"
		"  Description: to hub\n"
		"  Internet address is 10.0.0.2/24\n"
		"  MTU 17878 bytes, BW 100 Kbit/sec, DLY 50000 usec, \n"
		"     reliability 255/255, txload 1/255, rxload 1/255\n"
		"  Encapsulation TUNNEL, loopback not set\n"
		"  Keepalive not set\n"
		"  Tunnel source 192.0.2.1 (GigabitEthernet0/0), destination 198.51.100.1\n"
		"  Tunnel protocol/transport IPSEC/IP\n"
		"  Tunnel TTL 255\n"
		"  Tunnel transport MTU 1438 bytes\n"
		"  Tunnel transmit bandwidth 8000 (kbps)\n"
		"  Tunnel receive bandwidth 8000 (kbps)\n"
		"  Tunnel protection via IPSec (profile \"default\")\n"
		"  Last input never, output never, output hang never\n"
		"  Last clearing of \"show interface\" counters never\n"
		"  Input queue: 0/75/0/0 (size/max/drops/flushes); Total output drops: 0\n"
		"  Queueing strategy: fifo\n"
		"  Output queue: 0/0 (size/max)\n"
		"  5 minute input rate 0 bits/sec, 0 packets/sec\n"
		"  5 minute output rate 0 bits/sec, 0 packets/sec\n"
		"     0 packets input, 0 bytes, 0 no buffer\n"
		"     Received 0 broadcasts (0 IP multicasts)\n"
		"     0 runts, 0 giants, 0 throttles\n"
		"     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort\n"
		"     0 packets output, 0 bytes, 0 underruns\n"
		"     0 output errors, 0 collisions, 0 interface resets\n"
		"     0 unknown protocol drops\n"
		"     0 output buffer failures, 0 output buffers swapped out\n");
	/* GRE: key and TTL lines */
	cfg("interface Tunnel0\n no tunnel mode\n tunnel key 16\n");
	out = run("show interfaces tu0 | include Tunnel|Key\n");
	ck_has(out, "  Tunnel protocol/transport GRE/IP\n    Key 0x10, sequencing disabled\n");
	ck_has(out, "  Tunnel TTL 255, Fast tunneling enabled\n  Tunnel transport MTU 1472 bytes\n");
	out = run("show interfaces Tunnel9\n");
	ck_has(out, "% Invalid input detected at '^' marker.");
	out = run("show running-config interface Tunnel0\n");
	ck_has(out, "Building configuration...\n\nCurrent configuration : ");
	ck_has(out, " bytes\n!\ninterface Tunnel0\n description to hub\n");
	ck_has(out, " tunnel protection ipsec profile default\nend\n\n");
}
END_TEST

START_TEST(test_show_ip_route)
{
	cfg("interface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n"
	    "interface Loopback0\n ip address 10.255.0.1 255.255.255.255\n"
	    "interface Loopback1\n ip address 10.1.0.1 255.255.0.0\n"
	    "interface Tunnel0\n ip address 172.16.0.1 255.255.255.0\n"
	    "ip route 0.0.0.0 0.0.0.0 192.0.2.254\n"
	    "ip route 10.20.0.0 255.255.0.0 192.0.2.253\n"
	    "ip route 10.20.0.0 255.255.0.0 192.0.2.252\n"
	    "ip route 10.30.0.0 255.255.0.0 Tunnel0\n"
	    "ip route 10.40.0.0 255.255.0.0 10.20.1.1\n"
	    "ip route 10.50.0.0 255.255.0.0 203.0.113.1 250 permanent\n");
	const char *out = run("show ip route\n");
	ck_has(out, "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP\n");
	ck_has(out, "       + - replicated route, % - next hop override, p - overrides from PfR\n\n"
		    "Gateway of last resort is 192.0.2.254 to network 0.0.0.0\n\n"
		    "S*    0.0.0.0/0 [1/0] via 192.0.2.254\n"
		    "      10.0.0.0/8 is variably subnetted, 6 subnets, 2 masks\n"
		    "C        10.1.0.0/16 is directly connected, Loopback1\n"
		    "L        10.1.0.1/32 is directly connected, Loopback1\n"
		    "S        10.20.0.0/16 [1/0] via 192.0.2.253\n"
		    "                      [1/0] via 192.0.2.252\n"
		    "S        10.40.0.0/16 [1/0] via 10.20.1.1\n"
		    "S        10.50.0.0/16 [250/0] via 203.0.113.1\n"
		    "C        10.255.0.1/32 is directly connected, Loopback0\n"
		    "      192.0.2.0/24 is variably subnetted, 2 subnets, 2 masks\n"
		    "C        192.0.2.0/24 is directly connected, GigabitEthernet0/0\n"
		    "L        192.0.2.1/32 is directly connected, GigabitEthernet0/0\n");
	/* Tunnel0 is down: neither its connected route nor the static via it */
	ck_lacks(out, "Tunnel0");
	ck_assert_int_eq(tunnel_if_set_line_protocol("Tunnel0", true), 0);
	out = run("show ip route | include Tunnel0\n");
	ck_assert_str_eq(out, "S        10.30.0.0/16 is directly connected, Tunnel0\n"
			      "C        172.16.0.0/24 is directly connected, Tunnel0\n"
			      "L        172.16.0.1/32 is directly connected, Tunnel0\n");
	/* no default route */
	cfg("no ip route 0.0.0.0 0.0.0.0\n");
	out = run("show ip route | include Gateway\n");
	ck_assert_str_eq(out, "Gateway of last resort is not set\n");
}
END_TEST

/* ------------------------------------------------------------ static routes */

START_TEST(test_routes)
{
	cfg("vrf definition RED\n address-family ipv4\n exit-address-family\n"
	    "track 3 interface Loopback0 line-protocol\n"
	    "ip route 10.0.0.0 255.0.0.0 Tunnel0 172.16.0.2 200 tag 7 name TO-HUB track 3\n"
	    "ip route 0.0.0.0 0.0.0.0 192.0.2.254\n"
	    "ip route 10.0.0.0 255.0.0.0 Null0 254 permanent\n"
	    "ip route vrf RED 172.31.0.0 255.255.0.0 10.9.9.9\n"
	    "ip route 10.1.0.0 255.255.0.0 GigabitEthernet0/0\n");
	ck_section("ip route", "!",
		   "ip route 0.0.0.0 0.0.0.0 192.0.2.254\n"
		   "ip route 10.0.0.0 255.0.0.0 Tunnel0 172.16.0.2 200 tag 7 name TO-HUB track 3\n"
		   "ip route 10.0.0.0 255.0.0.0 Null0 254 permanent\n"
		   "ip route 10.1.0.0 255.255.0.0 GigabitEthernet0/0\n"
		   "ip route vrf RED 172.31.0.0 255.255.0.0 10.9.9.9\n");
	ck_assert_int_eq(tunnel_route_count(), 5);
	/* re-entering a path replaces its options */
	cfg("ip route 10.1.0.0 255.255.0.0 GigabitEthernet0/0 tag 9\n");
	ck_run_has("ip route 10.1.0.0 255.255.0.0 GigabitEthernet0/0 tag 9\n");
	ck_assert_int_eq(tunnel_route_count(), 5);
	/* errors */
	const char *out = cfg("ip route 10.1.0.1 255.255.0.0 10.0.0.1\n");
	ck_has(out, "% Inconsistent address and mask\n");
	out = cfg("ip route vrf BLUE 10.0.0.0 255.0.0.0 10.0.0.1\n");
	ck_has(out, "%IP routing table BLUE does not exist. Create first\n");
	out = cfg("no ip route 10.77.0.0 255.255.0.0\n");
	ck_has(out, "%No matching route to delete\n");
	out = cfg("ip route 10.2.0.0 255.255.0.0 10.0.0.1 permanent track 3\n");
	ck_has(out, "% Invalid input detected at '^' marker.");
	cfg("interface Loopback0\n ip address 10.254.0.1 255.255.255.255\n");
	out = cfg("ip route 10.3.0.0 255.255.0.0 10.254.0.1\n");
	ck_has(out, "%Invalid next hop address (it's this router)\n");
	ck_assert_int_eq(tunnel_route_count(), 5);
	/* no forms: one path, then every path of a prefix */
	cfg("no ip route 10.0.0.0 255.0.0.0 Null0\n");
	ck_run_lacks("Null0");
	ck_run_has("ip route 10.0.0.0 255.0.0.0 Tunnel0 172.16.0.2 200 tag 7 name TO-HUB track 3\n");
	cfg("no ip route 10.0.0.0 255.0.0.0\n");
	ck_run_lacks("ip route 10.0.0.0 ");
	/* deleting the VRF deletes its routes */
	cfg("no vrf definition RED\n");
	ck_run_lacks("ip route vrf");
	const struct tunnel_route *r = tunnel_route_at(0);
	ck_assert_ptr_nonnull(r);
}
END_TEST

/* ------------------------------------------------------------ access lists */

START_TEST(test_acls)
{
	const char *out = cfg("access-list 1 permit 10.1.1.1 0.0.0.255\n"
			      "access-list 1 permit host 10.2.2.2\n"
			      "access-list 1 deny any log\n"
			      "access-list 101 remark IKE and ESP\n"
			      "access-list 101 permit udp any host 192.0.2.1 eq 500\n"
			      "access-list 101 permit udp any eq 4500 host 192.0.2.1 eq non500-isakmp\n"
			      "access-list 101 permit esp any 192.0.2.0 0.0.0.255\n"
			      "access-list 101 permit tcp 10.0.0.0 0.0.0.255 any eq 80 established\n"
			      "access-list 101 permit icmp any any echo-reply\n"
			      "access-list 101 deny 47 any any log-input\n"
			      "ip access-list extended SPLIT\n"
			      " permit ip 198.51.100.0 0.0.0.255 any\n"
			      " remark the rest\n"
			      " deny ip any any\n"
			      " 15 permit ip 203.0.113.0 0.0.0.255 any\n"
			      "ip access-list standard MGMT\n"
			      " permit 10.0.0.0 0.255.255.255\n");
	ck_assert_str_eq(out, "");
	ck_section("ip access-list", "line ",
		   "ip access-list extended SPLIT\n"
		   " permit ip 198.51.100.0 0.0.0.255 any\n"
		   " permit ip 203.0.113.0 0.0.0.255 any\n"
		   " remark the rest\n"
		   " deny   ip any any\n"
		   "ip access-list standard MGMT\n"
		   " permit 10.0.0.0 0.255.255.255\n"
		   "access-list 1 permit 10.1.1.0 0.0.0.255\n"
		   "access-list 1 permit 10.2.2.2\n"
		   "access-list 1 deny   any log\n"
		   "access-list 101 remark IKE and ESP\n"
		   "access-list 101 permit udp any host 192.0.2.1 eq isakmp\n"
		   "access-list 101 permit udp any eq non500-isakmp host 192.0.2.1 eq non500-isakmp\n"
		   "access-list 101 permit esp any 192.0.2.0 0.0.0.255\n"
		   "access-list 101 permit tcp 10.0.0.0 0.0.0.255 any eq www established\n"
		   "access-list 101 permit icmp any any echo-reply\n"
		   "access-list 101 deny   gre any any log-input\n"
		   "!\n");
	out = run("show access-lists SPLIT\nshow ip access-lists 1\n");
	ck_assert_str_eq(out, "Extended IP access list SPLIT\n"
			      "    10 permit ip 198.51.100.0 0.0.0.255 any\n"
			      "    15 permit ip 203.0.113.0 0.0.0.255 any\n"
			      "    20 deny   ip any any\n"
			      "Standard IP access list 1\n"
			      "    10 permit 10.1.1.0, wildcard bits 0.0.0.255\n"
			      "    20 permit 10.2.2.2\n"
			      "    30 deny   any log\n");
	/* the API for route set access-list */
	const struct tunnel_acl *a = tunnel_acl_find("MGMT");
	ck_assert_ptr_nonnull(a);
	ck_assert(!a->extended);
	ck_assert_int_eq(a->n_aces, 1);
	ck_assert(a->aces[0].permit);
	ck_assert_int_eq(tunnel_wildcard_plen(a->aces[0].src_wild), 8);
	ck_assert_int_eq(tunnel_acl_exists("101"), 1);
	ck_assert_int_eq(tunnel_acl_find("101")->number, 101);
	/* errors */
	out = cfg("ip access-list extended SPLIT\n 15 permit gre any any\n");
	ck_has(out, "% Duplicate sequence number\n");
	out = cfg("ip access-list extended MGMT\n");
	ck_has(out, "% Access-list type conflicts with prior definition\n");
	out = cfg("ip access-list standard 150\n");
	ck_has(out, "% Access-list type conflicts with prior definition\n");
	/* no forms */
	cfg("ip access-list extended SPLIT\n no 15\n no deny ip any any\n no remark the rest\n");
	ck_section("ip access-list extended SPLIT", "ip access-list standard",
		   "ip access-list extended SPLIT\n permit ip 198.51.100.0 0.0.0.255 any\n");
	cfg("no access-list 101 permit icmp any any echo-reply\n"); /* IOS: deletes the whole list */
	ck_run_lacks("access-list 101");
	cfg("no ip access-list standard MGMT\nno access-list 1\n");
	ck_run_lacks("MGMT");
	ck_run_lacks("access-list 1 ");
	/* a numbered list edited by name is still printed numbered */
	cfg("ip access-list extended 120\n permit ip any any\n");
	ck_run_has("access-list 120 permit ip any any\n");
}
END_TEST

/* ------------------------------------------------------------ track */

START_TEST(test_track)
{
	cfg("interface Loopback0\n ip address 10.0.0.1 255.255.255.255\n"
	    "interface Tunnel0\n"
	    "track 1 interface Loopback0 line-protocol\n delay up 10 down 5\n"
	    "track 2 interface Tunnel0 line-protocol\n"
	    "track 3 ip sla 7 reachability\n"
	    "track 4 ip sla 8\n"
	    "track 5 list boolean and\n object 2\n object 1 not\n"
	    "track 6 interface Loopback0 ip routing\n");
	ck_section("track", "interface",
		   "track 1 interface Loopback0 line-protocol\n"
		   " delay down 5 up 10\n"
		   "!\n"
		   "track 2 interface Tunnel0 line-protocol\n"
		   "!\n"
		   "track 3 ip sla 7 reachability\n"
		   "!\n"
		   "track 4 ip sla 8\n"
		   "!\n"
		   "track 5 list boolean and\n"
		   " object 1 not\n"
		   " object 2\n"
		   "!\n"
		   "track 6 interface Loopback0 ip routing\n"
		   "!\n");
	ck_assert_int_eq(tunnel_track_exists(1), 1);
	ck_assert_int_eq(tunnel_track_exists(7), 0);
	ck_assert_int_eq(tunnel_track_state(1), 1);  /* Loopback up */
	ck_assert_int_eq(tunnel_track_state(2), 0);  /* Tunnel down until IKEv2 */
	ck_assert_int_eq(tunnel_track_state(3), 0);  /* no IP SLA yet */
	ck_assert_int_eq(tunnel_track_state(5), 0);
	ck_assert_int_eq(tunnel_track_state(6), 1);
	ck_assert_int_eq(tunnel_track_state(9), -1);
	const char *out = masked(run("show track 1\n"));
	ck_assert_str_eq(out, "Track 1\n"
			      "  Interface Loopback0 line-protocol\n"
			      "  Line protocol is Up\n"
			      "    1 change, last change T\n"
			      "  Delay up 10 secs, down 5 secs\n");
	cfg("interface Loopback0\n shutdown\n");
	ck_assert_int_eq(tunnel_track_state(1), 0);
	ck_assert_int_eq(tunnel_track_state(5), 0);
	tunnel_if_set_line_protocol("Tunnel0", true);
	ck_assert_int_eq(tunnel_track_state(2), 1);
	ck_assert_int_eq(tunnel_track_state(5), 1); /* 2 up and not 1 (down) */
	out = masked(run("show track 1\nshow track 5\n"));
	ck_has(out, "  Line protocol is Down\n    2 changes, last change T\n");
	ck_has(out, "  List boolean and\n  Boolean AND is Up\n    2 changes, last change T\n"
		    "  object 1 not Down\n  object 2 Up\n");
	out = masked(run("show track 3\n"));
	ck_assert_str_eq(out, "Track 3\n  IP SLA 7 reachability\n  Reachability is Down\n"
			      "    1 change, last change T\n  Latest operation return code: Unknown\n");
	/* errors and no forms */
	out = cfg("track 1 ip sla 4\n");
	ck_has(out, "% Track object 1 is already configured as interface line-protocol");
	out = cfg("track 5\n");
	ck_has(out, "% Incomplete command.");
	out = cfg("track 1 interface Loopback0 line-protocol\n object 3\n");
	ck_has(out, "% Invalid input detected at '^' marker.");
	out = cfg("track 5 list boolean and\n object 5\n");
	ck_has(out, "% Track object 5 cannot be a member of its own list");
	cfg("track 1 interface Loopback0 line-protocol\n no delay\n"
	    "track 5 list boolean or\n no object 1\n"
	    "no track 6\nno track 4\n");
	ck_section("track 1", "track 2", "track 1 interface Loopback0 line-protocol\n!\n");
	ck_section("track 5", "interface", "track 5 list boolean or\n object 2\n!\n");
	ck_run_lacks("track 6");
	ck_run_lacks("track 4");
}
END_TEST

/* ------------------------------------------------------------ VRFs */

START_TEST(test_vrf)
{
	cfg("vrf definition RED\n"
	    " description red vrf\n"
	    " rd 65000:1\n"
	    " address-family ipv4\n"
	    " exit-address-family\n"
	    " address-family ipv6\n"
	    " exit-address-family\n"
	    "ip vrf BLUE\n"
	    " rd 192.0.2.1:7\n"
	    "vrf definition V6ONLY\n"
	    " address-family ipv6\n");
	ck_section("ip vrf", "line ",
		   "ip vrf BLUE\n"
		   " rd 192.0.2.1:7\n"
		   "!\n"
		   "vrf definition RED\n"
		   " description red vrf\n"
		   " rd 65000:1\n"
		   " !\n"
		   " address-family ipv4\n"
		   " exit-address-family\n"
		   " !\n"
		   " address-family ipv6\n"
		   " exit-address-family\n"
		   "!\n"
		   "vrf definition V6ONLY\n"
		   " !\n"
		   " address-family ipv6\n"
		   " exit-address-family\n"
		   "!\n");
	ck_assert_int_eq(tunnel_vrf_exists("RED"), 1);
	ck_assert_int_eq(tunnel_vrf_exists("GREEN"), 0);
	const char *out = cfg("interface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n vrf forwarding RED\n");
	ck_has(out, "% Interface Tunnel0 IPv4 disabled and address(es) removed due to enabling VRF RED\n");
	ck_section("interface Tunnel0", "!", "interface Tunnel0\n vrf forwarding RED\n no ip address\n");
	out = cfg("interface Tunnel0\n ip vrf forwarding RED\n");
	ck_has(out, "% Use 'vrf forwarding' command for VRF 'RED'");
	out = cfg("interface Tunnel0\n vrf forwarding BLUE\n");
	ck_has(out, "% Use 'ip vrf forwarding' command for VRF 'BLUE'");
	ck_section("interface Tunnel0", "!", "interface Tunnel0\n vrf forwarding RED\n no ip address\n");
	out = cfg("interface Tunnel1\n vrf forwarding GREEN\n");
	ck_has(out, "% VRF GREEN not configured.\n");
	out = cfg("interface Tunnel1\n vrf forwarding V6ONLY\n ip address 10.1.0.1 255.255.255.0\n");
	ck_has(out, "% Interface Tunnel1 is linked to a VRF. Enable IPv4 on that VRF first.\n");
	out = cfg("ip vrf BLUE\n address-family ipv4\n");
	ck_has(out, "% Invalid input detected at '^' marker.");
	out = cfg("ip vrf BLUE\n rd 1:1\n");
	ck_has(out, "% Do \"no rd 192.0.2.1:7\" before changing the RD of VRF BLUE");
	out = cfg("vrf definition RED\n rd 1.2.3:4\n");
	ck_has(out, "% Invalid route distinguisher 1.2.3:4");
	out = cfg("vrf definition BLUE\n");
	ck_has(out, "% VRF BLUE is already defined with 'ip vrf BLUE'");
	/* the same subnet may exist in two VRFs */
	out = cfg("interface Tunnel0\n ip address 10.0.0.1 255.255.255.0\n"
		  "interface Tunnel2\n ip address 10.0.0.2 255.255.255.0\n");
	ck_assert_str_eq(out, "");
	out = run("show vrf\n");
	ck_has(out, "  Name                             Default RD            Protocols   Interfaces\n");
	ck_has(out, "  RED                              65000:1               ipv4,ipv6   Tu0\n");
	out = cfg("no vrf definition RED\n");
	ck_has(out, "% IPv4 addresses from all interfaces in VRF RED have been removed\n");
	ck_section("interface Tunnel0", "!", "interface Tunnel0\n no ip address\n");
	ck_assert_int_eq(tunnel_vrf_exists("RED"), 0);
}
END_TEST

/* ------------------------------------------------------------ check, round trip */

START_TEST(test_check_references)
{
	char path[] = "/tmp/test_config_tunnel_XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char *text = "interface Tunnel0\n"
			   " ip unnumbered Loopback9\n"
			   " tunnel source GigabitEthernet0/5\n"
			   " tunnel vrf WAN\n"
			   " tunnel protection ipsec profile NOPROF\n"
			   "!\n"
			   "track 1 interface Tunnel7 line-protocol\n"
			   "ip route 10.0.0.0 255.0.0.0 Tunnel0 track 5\n";
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	struct buf rep;
	buf_init(&rep);
	ck_assert_int_eq(config_apply_file(path, &rep, NULL), 0);
	buf_reset(&rep);
	int n = config_check_references(path, &rep);
	const char *r = buf_cstr(&rep);
	char exp[256];
	snprintf(exp, sizeof exp, "%s:5: %% interface Tunnel0: tunnel protection ipsec profile NOPROF", path);
	ck_has(r, exp);
	snprintf(exp, sizeof exp, "%s:2: %% interface Tunnel0: ip unnumbered Loopback9", path);
	ck_has(r, exp);
	snprintf(exp, sizeof exp, "%s:3: %% interface Tunnel0: tunnel source GigabitEthernet0/5", path);
	ck_has(r, exp);
	snprintf(exp, sizeof exp, "%s:4: %% interface Tunnel0: tunnel vrf WAN", path);
	ck_has(r, exp);
	snprintf(exp, sizeof exp, "%s:7: %% track 1: interface Tunnel7 does not exist", path);
	ck_has(r, exp);
	snprintf(exp, sizeof exp, "%s:8: %% ip route 10.0.0.0 255.0.0.0 Tunnel0 track 5: track object 5", path);
	ck_has(r, exp);
	ck_assert_int_eq(n, 6);
	buf_free(&rep);
	unlink(path);
	/* the ipsec smart default profile exists: no problem for it */
	running_config_reset();
	cfg("interface Tunnel1\n tunnel protection ipsec profile default\n");
	buf_init(&rep);
	ck_assert_int_eq(config_check_references(NULL, &rep), 0);
	buf_free(&rep);
}
END_TEST

START_TEST(test_round_trip)
{
	cfg("vrf definition RED\n rd 1:1\n address-family ipv4\n exit-address-family\n"
	    "track 1 interface Tunnel0 line-protocol\n delay down 3\n"
	    "track 2 list boolean or\n object 1\n"
	    "interface Loopback0\n ip address 10.255.0.1 255.255.255.255\n"
	    "interface Tunnel0\n vrf forwarding RED\n ip address 172.16.0.1 255.255.255.0\n"
	    " ip address 172.16.1.1 255.255.255.0 secondary\n ip tcp adjust-mss 1360\n"
	    " tunnel source Loopback0\n tunnel mode ipsec ipv4\n tunnel destination hub.example.com\n"
	    " tunnel protection ipsec profile default\n"
	    "interface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n ip nat outside\n shutdown\n"
	    "interface Virtual-Template1 type tunnel\n ip unnumbered Loopback0\n"
	    " tunnel protection ipsec profile default\n"
	    "ip route 0.0.0.0 0.0.0.0 192.0.2.254\n"
	    "ip route vrf RED 10.0.0.0 255.0.0.0 Tunnel0 name X track 1\n"
	    "ip access-list extended SPLIT\n permit ip 10.0.0.0 0.255.255.255 any\n"
	    "access-list 99 permit 10.0.0.0 0.255.255.255\n");
	char *first = runcfg();
	running_config_reset();
	/* feed running-config back, as a file would be */
	char *copy = strdup(first), *save = NULL;
	memsession_run(S, "configure terminal\n");
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strcmp(l, "end") == 0)
			continue;
		const char *out = memsession_run(S, l);
		ck_assert_msg(out[0] == 0, "line \"%s\" gave: %s", l, out);
	}
	memsession_run(S, "end\n");
	free(copy);
	char *second = runcfg();
	ck_assert_str_eq(second, first);
	free(first);
	free(second);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config_tunnel");
	TCase *tc = tcase_create("tunnel");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_interface_types_running_config);
	tcase_add_test(tc, test_flexvpn_client_tunnel);
	tcase_add_test(tc, test_no_forms);
	tcase_add_test(tc, test_interface_delete_rules);
	tcase_add_test(tc, test_address_validation);
	tcase_add_test(tc, test_ifname_normalize);
	tcase_add_test(tc, test_show_ip_interface_brief);
	tcase_add_test(tc, test_show_ip_interface_brief_nvram);
	tcase_add_test(tc, test_show_interfaces_tunnel);
	tcase_add_test(tc, test_show_ip_route);
	tcase_add_test(tc, test_routes);
	tcase_add_test(tc, test_acls);
	tcase_add_test(tc, test_track);
	tcase_add_test(tc, test_vrf);
	tcase_add_test(tc, test_check_references);
	tcase_add_test(tc, test_round_trip);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
