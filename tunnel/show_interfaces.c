/* show ip interface brief, show interfaces [IF], show running-config
 * interface IF.  States and counters are what the configuration implies
 * until the data plane reports real ones (counters are 0). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/config_internal.h"

static bool tunnel_kind(const struct tunnel_ifconf *c)
{
	return c->type == TUNNEL_IF_TUNNEL || c->type == TUNNEL_IF_VIRTUAL_ACCESS ||
	       (c->type == TUNNEL_IF_VIRTUAL_TEMPLATE && c->vt_type_tunnel);
}

static bool physical(const struct tunnel_ifconf *c)
{
	return c->type == TUNNEL_IF_ETHERNET || c->type == TUNNEL_IF_FASTETHERNET ||
	       c->type == TUNNEL_IF_GIGABITETHERNET;
}

static const char *status_text(const struct tunnel_ifconf *c)
{
	return tunnel_if_admin_up(c) ? "up" : "administratively down";
}

static const char *method_text(const struct tun_if *t)
{
	switch (t->c.ipv4_method) {
	case TUNNEL_IPV4_STATIC: return t->nvram ? "NVRAM" : "manual";
	case TUNNEL_IPV4_NEGOTIATED: return "IPCP";
	case TUNNEL_IPV4_DHCP: return "DHCP";
	default: return "unset";
	}
}

int h_tunnel_show_ip_int_brief(struct cmdctx *c)
{
	int n;
	struct tun_if **v = tun_if_sorted(false, &n);
	cmd_out(c, "%-26s %-15s %-3s %-6s %-21s %s\n", "Interface", "IP-Address", "OK?", "Method", "Status",
		"Protocol");
	for (int i = 0; i < n; i++) {
		const struct tunnel_ifconf *ic = &v[i]->c;
		struct in_addr a, m;
		const char *addr = tunnel_if_ipv4(ic, &a, &m) ? tun_ip4(a) : "unassigned";
		cmd_out(c, "%-26s %-15s %-3s %-6s %-21s %s\n", ic->name, addr, "YES", method_text(v[i]),
			status_text(ic), tunnel_if_line_up(ic) ? "up" : "down");
	}
	free(v);
	return 0;
}

/* ---- show interfaces ---- */

static const char *hardware(const struct tunnel_ifconf *c)
{
	switch (c->type) {
	case TUNNEL_IF_LOOPBACK: return "Loopback";
	case TUNNEL_IF_TUNNEL: return "Tunnel";
	case TUNNEL_IF_ETHERNET: return "AmdP2";
	case TUNNEL_IF_FASTETHERNET: return "Gt96k FE";
	case TUNNEL_IF_GIGABITETHERNET: return "iGbE";
	case TUNNEL_IF_VIRTUAL_TEMPLATE: return "Virtual Template interface";
	default: return "Virtual Access interface";
	}
}

static long default_bw(const struct tunnel_ifconf *c)
{
	switch (c->type) {
	case TUNNEL_IF_LOOPBACK: return 8000000;
	case TUNNEL_IF_ETHERNET: return 10000;
	case TUNNEL_IF_FASTETHERNET: return 100000;
	case TUNNEL_IF_GIGABITETHERNET: return 1000000;
	default: return tunnel_kind(c) ? 100 : 100000;
	}
}

static int delay_usec(const struct tunnel_ifconf *c)
{
	switch (c->type) {
	case TUNNEL_IF_LOOPBACK: return 5000;
	case TUNNEL_IF_ETHERNET: return 1000;
	case TUNNEL_IF_FASTETHERNET: return 100;
	case TUNNEL_IF_GIGABITETHERNET: return 10;
	default: return tunnel_kind(c) ? 50000 : 100000;
	}
}

/* Transport MTU of a tunnel over a 1500-byte path: 1500 minus the
 * encapsulation overhead (for IPsec, an estimate for AES-CBC + SHA-1; the
 * real value depends on the transform negotiated). */
static int transport_mtu(const struct tunnel_ifconf *c)
{
	switch (c->mode) {
	case TUNNEL_MODE_GRE_IPV6: return 1456 - (c->key_set ? 4 : 0);
	case TUNNEL_MODE_IPSEC_IPV4: return 1438;
	case TUNNEL_MODE_IPSEC_IPV6: return 1418;
	default: return 1476 - (c->key_set ? 4 : 0);
	}
}

static const char *protocol_text(enum tunnel_mode m)
{
	switch (m) {
	case TUNNEL_MODE_GRE_IPV6: return "GRE/IPv6";
	case TUNNEL_MODE_GRE_MULTIPOINT: return "multi-GRE/IP";
	case TUNNEL_MODE_IPSEC_IPV4: return "IPSEC/IP";
	case TUNNEL_MODE_IPSEC_IPV6: return "IPSEC/IPV6";
	default: return "GRE/IP";
	}
}

static void endpoint_text(struct buf *b, const struct tunnel_endpoint *ep)
{
	struct in_addr a, m;
	const struct tunnel_ifconf *src;
	switch (ep->kind) {
	case TUNNEL_EP_IPV4: buf_adds(b, tun_ip4(ep->v4)); break;
	case TUNNEL_EP_IPV6: buf_adds(b, tun_ip6(&ep->v6)); break;
	case TUNNEL_EP_HOSTNAME: buf_adds(b, ep->name); break;
	case TUNNEL_EP_DYNAMIC: buf_adds(b, "dynamic"); break;
	case TUNNEL_EP_INTERFACE:
		src = tunnel_if_find(ep->name);
		if (src && tunnel_if_ipv4(src, &a, &m))
			buf_printf(b, "%s (%s)", tun_ip4(a), ep->name);
		else
			buf_printf(b, "UNKNOWN (%s)", ep->name);
		break;
	default: buf_adds(b, "UNKNOWN"); break;
	}
}

static void show_tunnel_part(struct cmdctx *c, const struct tunnel_ifconf *ic)
{
	struct buf b;
	buf_init(&b);
	buf_adds(&b, "  Tunnel source ");
	endpoint_text(&b, &ic->src);
	if (ic->dst.kind != TUNNEL_EP_NONE) {
		buf_adds(&b, ", destination ");
		endpoint_text(&b, &ic->dst);
	}
	cmd_out(c, "%s\n", buf_cstr(&b));
	buf_free(&b);
	cmd_out(c, "  Tunnel protocol/transport %s\n", protocol_text(ic->mode));
	bool gre = ic->mode == TUNNEL_MODE_GRE_IP || ic->mode == TUNNEL_MODE_GRE_IPV6 ||
		   ic->mode == TUNNEL_MODE_GRE_MULTIPOINT;
	if (gre) {
		if (ic->key_set)
			cmd_out(c, "    Key 0x%X, sequencing disabled\n", ic->key);
		else
			cmd_out(c, "    Key disabled, sequencing disabled\n");
		cmd_out(c, "    Checksumming of packets disabled\n");
		cmd_out(c, "  Tunnel TTL 255, Fast tunneling enabled\n");
	} else {
		cmd_out(c, "  Tunnel TTL 255\n");
	}
	cmd_out(c, "  Tunnel transport MTU %d bytes\n", transport_mtu(ic));
	cmd_out(c, "  Tunnel transmit bandwidth 8000 (kbps)\n");
	cmd_out(c, "  Tunnel receive bandwidth 8000 (kbps)\n");
	if (ic->protection[0])
		cmd_out(c, "  Tunnel protection via IPSec (profile \"%s\")\n", ic->protection);
}

static void show_counters(struct cmdctx *c, const struct tunnel_ifconf *ic)
{
	bool phys = physical(ic);
	cmd_out(c, "  Last input never, output never, output hang never\n");
	cmd_out(c, "  Last clearing of \"show interface\" counters never\n");
	cmd_out(c, "  Input queue: 0/75/0/0 (size/max/drops/flushes); Total output drops: 0\n");
	cmd_out(c, "  Queueing strategy: fifo\n");
	cmd_out(c, "  Output queue: 0/%d (size/max)\n", phys ? 40 : 0);
	cmd_out(c, "  5 minute input rate 0 bits/sec, 0 packets/sec\n");
	cmd_out(c, "  5 minute output rate 0 bits/sec, 0 packets/sec\n");
	cmd_out(c, "     0 packets input, 0 bytes, 0 no buffer\n");
	cmd_out(c, "     Received 0 broadcasts (0 IP multicasts)\n");
	cmd_out(c, "     0 runts, 0 giants, 0 throttles\n");
	if (phys) {
		cmd_out(c, "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored\n");
		cmd_out(c, "     0 watchdog, 0 multicast, 0 pause input\n");
	} else {
		cmd_out(c, "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort\n");
	}
	cmd_out(c, "     0 packets output, 0 bytes, 0 underruns\n");
	cmd_out(c, "     0 output errors, 0 collisions, 0 interface resets\n");
	cmd_out(c, "     0 unknown protocol drops\n");
	if (phys) {
		cmd_out(c, "     0 babbles, 0 late collision, 0 deferred\n");
		cmd_out(c, "     0 lost carrier, 0 no carrier, 0 pause output\n");
	}
	cmd_out(c, "     0 output buffer failures, 0 output buffers swapped out\n");
}

static void show_one(struct cmdctx *c, const struct tunnel_ifconf *ic)
{
	cmd_out(c, "%s is %s, line protocol is %s \n", ic->name, status_text(ic),
		tunnel_if_line_up(ic) ? "up" : "down");
	cmd_out(c, "  Hardware is %s\n", hardware(ic));
	if (ic->description[0])
		cmd_out(c, "  Description: %s\n", ic->description);
	struct in_addr a, m;
	switch (ic->ipv4_method) {
	case TUNNEL_IPV4_STATIC:
		if (ic->ipv4.addr.s_addr)
			cmd_out(c, "  Internet address is %s/%d\n", tun_ip4(ic->ipv4.addr),
				tunnel_mask_plen(ic->ipv4.mask));
		for (int k = 0; k < ic->n_secondary; k++)
			cmd_out(c, "  Secondary address %s/%d\n", tun_ip4(ic->secondary[k].addr),
				tunnel_mask_plen(ic->secondary[k].mask));
		break;
	case TUNNEL_IPV4_NEGOTIATED:
	case TUNNEL_IPV4_DHCP:
		if (tunnel_if_ipv4(ic, &a, &m))
			cmd_out(c, "  Internet address is %s/%d\n", tun_ip4(a), tunnel_mask_plen(m));
		else
			cmd_out(c, "  Internet address will be negotiated using %s\n",
				ic->ipv4_method == TUNNEL_IPV4_DHCP ? "DHCP" : "IPCP");
		break;
	case TUNNEL_IPV4_UNNUMBERED:
		if (!tunnel_if_ipv4(ic, &a, &m))
			a.s_addr = 0;
		cmd_out(c, "  Interface is unnumbered. Using address of %s (%s)\n", ic->unnumbered, tun_ip4(a));
		break;
	default:
		break;
	}
	int mtu = tunnel_kind(ic) ? transport_mtu(ic) + 16440 : ic->type == TUNNEL_IF_LOOPBACK ? 1514 : 1500;
	cmd_out(c, "  MTU %d bytes, BW %ld Kbit/sec, DLY %d usec, \n", mtu,
		ic->bandwidth ? ic->bandwidth : default_bw(ic), delay_usec(ic));
	cmd_out(c, "     reliability 255/255, txload 1/255, rxload 1/255\n");
	const char *encap = tunnel_kind(ic) ? "TUNNEL" : ic->type == TUNNEL_IF_LOOPBACK ? "LOOPBACK" : "ARPA";
	cmd_out(c, "  Encapsulation %s, loopback not set\n", encap);
	if (!ic->keepalive)
		cmd_out(c, "  Keepalive not set\n");
	else if (tunnel_kind(ic))
		cmd_out(c, "  Keepalive set (%d sec), retries %d\n", ic->keepalive_period, ic->keepalive_retries);
	else
		cmd_out(c, "  Keepalive set (%d sec)\n", ic->keepalive_period);
	if (tunnel_kind(ic))
		show_tunnel_part(c, ic);
	if (physical(ic))
		cmd_out(c, "  ARP type: ARPA, ARP Timeout 04:00:00\n");
	show_counters(c, ic);
}

int h_tunnel_show_interfaces(struct cmdctx *c)
{
	int i = cmd_find(c, "interfaces");
	const struct cmdarg *type = cmd_arg(c, i + 1);
	if (type && type->kind == ARG_KEYWORD && strcmp(type->name, "|") != 0) {
		char name[TUNNEL_IFNAME_MAX];
		if (tun_ifname_at(c, i + 1, name, sizeof name) != 0)
			return -1;
		const struct tunnel_ifconf *ic = tunnel_if_find(name);
		if (!ic) {
			tun_invalid_at(c, i + 1);
			return -1;
		}
		show_one(c, ic);
		return 0;
	}
	int n;
	struct tun_if **v = tun_if_sorted(false, &n);
	for (int k = 0; k < n; k++)
		show_one(c, &v[k]->c);
	free(v);
	return 0;
}

/* "show running-config interface IF" (label "Current") and "show
 * derived-config interface IF" ("Derived"): the interface's block. */
int tun_show_if_config(struct cmdctx *c, const char *label)
{
	int i = cmd_find(c, "interface");
	char name[TUNNEL_IFNAME_MAX];
	if (tun_ifname_at(c, i + 1, name, sizeof name) != 0)
		return -1;
	const struct tun_if *t = tun_if_get(name);
	if (!t) {
		tun_invalid_at(c, i + 1);
		return -1;
	}
	struct buf b;
	buf_init(&b);
	buf_adds(&b, "!\n");
	tun_if_write(&b, t);
	b.len -= 2; /* the block's closing "!" */
	buf_adds(&b, "end\n");
	cmd_out(c, "Building configuration...\n\n%s configuration : %zu bytes\n%s\n", label, b.len,
		buf_cstr(&b));
	buf_free(&b);
	return 0;
}

int h_tunnel_show_run_if(struct cmdctx *c) { return tun_show_if_config(c, "Current"); }
