/* interface TYPE N and its sub-commands; the interfaces' running-config. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipsec/config.h"
#include "lib/array.h"
#include "lib/config_registry.h"
#include "tunnel/config_internal.h"

static struct tun_if **ifs;
static int n_ifs, cap_ifs;

/* ---------------------------------------------------------------- store */

struct tun_if *tun_if_get(const char *name)
{
	char canon[TUNNEL_IFNAME_MAX];
	if (tunnel_ifname_normalize(name, canon, sizeof canon) != 0)
		return NULL;
	for (int i = 0; i < n_ifs; i++)
		if (strcmp(ifs[i]->c.name, canon) == 0)
			return ifs[i];
	return NULL;
}

int tun_if_total(void) { return n_ifs; }
struct tun_if *tun_if_nth(int i) { return i >= 0 && i < n_ifs ? ifs[i] : NULL; }

static bool tun_if_alive(const struct tun_if *t)
{
	for (int i = 0; i < n_ifs; i++)
		if (ifs[i] == t)
			return true;
	return false;
}

static bool if_is_tunnel_kind(const struct tunnel_ifconf *c)
{
	return c->type == TUNNEL_IF_TUNNEL || c->type == TUNNEL_IF_VIRTUAL_ACCESS ||
	       (c->type == TUNNEL_IF_VIRTUAL_TEMPLATE && c->vt_type_tunnel);
}

static bool if_is_physical(enum tunnel_iftype t)
{
	return t == TUNNEL_IF_ETHERNET || t == TUNNEL_IF_FASTETHERNET || t == TUNNEL_IF_GIGABITETHERNET;
}

static void if_defaults(struct tunnel_ifconf *c)
{
	c->keepalive = !(c->type == TUNNEL_IF_TUNNEL || c->type == TUNNEL_IF_VIRTUAL_TEMPLATE ||
			 c->type == TUNNEL_IF_VIRTUAL_ACCESS);
	c->keepalive_period = 10;
	c->keepalive_retries = c->keepalive ? 5 : 3;
	c->mode = TUNNEL_MODE_GRE_IP;
}

static struct tun_if *if_create(const char *canon, int line)
{
	struct tun_if *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	snprintf(t->c.name, sizeof t->c.name, "%s", canon);
	if (tunnel_ifname_parse(canon, &t->c.type, t->c.unit, sizeof t->c.unit) != 0)
		abort();
	if_defaults(&t->c);
	t->line = line;
	if (n_ifs == cap_ifs) {
		cap_ifs = cap_ifs ? cap_ifs * 2 : 16;
		ifs = realloc(ifs, (size_t)cap_ifs * sizeof *ifs);
		if (!ifs)
			abort();
	}
	ifs[n_ifs++] = t;
	return t;
}

static void if_remove(struct tun_if *t)
{
	for (int i = 0; i < n_ifs; i++)
		if (ifs[i] == t) {
			ARRAY_DEL(ifs, n_ifs, i);
			n_ifs--;
			free(t);
			return;
		}
}

static bool sort_running;
static int sort_cmp(const void *a, const void *b)
{
	const struct tun_if *x = *(struct tun_if *const *)a, *y = *(struct tun_if *const *)b;
	return tun_ifunit_cmp(x->c.type, x->c.unit, y->c.type, y->c.unit, sort_running);
}

struct tun_if **tun_if_sorted(bool running, int *n)
{
	sort_running = running;
	struct tun_if **v = tun_sorted_copy((void *const *)ifs, n_ifs, sort_cmp);
	*n = n_ifs;
	return v;
}

/* ------------------------------------------------------------ public API */

int tunnel_interface_exists(const char *ios_name) { return tun_if_get(ios_name) != NULL; }

const struct tunnel_ifconf *tunnel_if_find(const char *ios_name)
{
	struct tun_if *t = tun_if_get(ios_name);
	return t ? &t->c : NULL;
}

static struct tun_if **api_sorted;
static int api_n = -1;
static unsigned api_gen, cfg_gen;

static void api_refresh(void)
{
	if (api_n >= 0 && api_gen == cfg_gen)
		return;
	free(api_sorted);
	api_sorted = tun_if_sorted(false, &api_n);
	api_gen = cfg_gen;
}

int tunnel_if_count(void)
{
	api_refresh();
	return api_n;
}

const struct tunnel_ifconf *tunnel_if_at(int i)
{
	api_refresh();
	return i >= 0 && i < api_n ? &api_sorted[i]->c : NULL;
}

static void changed(void) { cfg_gen++; }

static const struct tunnel_ifconf *parent_of(const struct tunnel_ifconf *c)
{
	const char *dot = strchr(c->name, '.');
	if (!dot || !if_is_physical(c->type))
		return NULL;
	char parent[TUNNEL_IFNAME_MAX];
	snprintf(parent, sizeof parent, "%.*s", (int)(dot - c->name), c->name);
	return tunnel_if_find(parent);
}

bool tunnel_if_admin_up(const struct tunnel_ifconf *c)
{
	if (c->shutdown)
		return false;
	const struct tunnel_ifconf *p = parent_of(c);
	return !p || !p->shutdown;
}

bool tunnel_if_line_up(const struct tunnel_ifconf *c)
{
	if (!tunnel_if_admin_up(c))
		return false;
	switch (c->type) {
	case TUNNEL_IF_TUNNEL:
	case TUNNEL_IF_VIRTUAL_ACCESS:
		return c->line_up;
	case TUNNEL_IF_VIRTUAL_TEMPLATE:
		return false;
	default:
		return true;
	}
}

bool tunnel_if_ipv4(const struct tunnel_ifconf *c, struct in_addr *addr, struct in_addr *mask)
{
	switch (c->ipv4_method) {
	case TUNNEL_IPV4_STATIC:
		if (!c->ipv4.addr.s_addr)
			return false; /* only secondaries so far */
		*addr = c->ipv4.addr;
		*mask = c->ipv4.mask;
		return true;
	case TUNNEL_IPV4_NEGOTIATED:
	case TUNNEL_IPV4_DHCP:
		if (!c->negotiated.s_addr)
			return false;
		*addr = c->negotiated;
		mask->s_addr = htonl(0xffffffffu);
		return true;
	case TUNNEL_IPV4_UNNUMBERED: {
		const struct tunnel_ifconf *src = tunnel_if_find(c->unnumbered);
		if (!src || src->ipv4_method == TUNNEL_IPV4_UNNUMBERED)
			return false;
		return tunnel_if_ipv4(src, addr, mask);
	}
	default:
		return false;
	}
}

int tunnel_if_set_line_protocol(const char *ios_name, bool up)
{
	struct tun_if *t = tun_if_get(ios_name);
	if (!t)
		return -1;
	t->c.line_up = up;
	tun_track_poll();
	return 0;
}

int tunnel_if_set_negotiated(const char *ios_name, struct in_addr addr)
{
	struct tun_if *t = tun_if_get(ios_name);
	if (!t)
		return -1;
	t->c.negotiated = addr;
	tun_track_poll();
	return 0;
}

int tunnel_vaccess_create(int vt_number, char *out, size_t outlen)
{
	char vt[TUNNEL_IFNAME_MAX], name[TUNNEL_IFNAME_MAX];
	snprintf(vt, sizeof vt, "Virtual-Template%d", vt_number);
	struct tun_if *tmpl = tun_if_get(vt);
	if (!tmpl)
		return -1;
	/* the lowest free number: one pass marking the ones in use (at most
	 * n_ifs of them, so a free one is <= n_ifs + 1) */
	int limit = n_ifs + 2;
	bool *used = calloc((size_t)limit, sizeof *used);
	if (!used)
		abort();
	for (int i = 0; i < n_ifs; i++) {
		long k = ifs[i]->c.type == TUNNEL_IF_VIRTUAL_ACCESS ? strtol(ifs[i]->c.unit, NULL, 10) : 0;
		if (k > 0 && k < limit)
			used[k] = true;
	}
	int n = 1;
	while (used[n])
		n++;
	free(used);
	snprintf(name, sizeof name, "Virtual-Access%d", n);
	struct tun_if *t = if_create(name, 0);
	char unit[32];
	snprintf(unit, sizeof unit, "%s", t->c.unit);
	t->c = tmpl->c;
	snprintf(t->c.name, sizeof t->c.name, "%s", name);
	snprintf(t->c.unit, sizeof t->c.unit, "%s", unit);
	t->c.type = TUNNEL_IF_VIRTUAL_ACCESS;
	t->c.vt_type_tunnel = false;
	t->c.va_template = vt_number;
	t->c.line_up = true;
	t->c.negotiated.s_addr = 0;
	changed();
	tun_track_poll();
	if (out)
		snprintf(out, outlen, "%s", name);
	return 0;
}

int tunnel_vaccess_delete(const char *ios_name)
{
	struct tun_if *t = tun_if_get(ios_name);
	if (!t || t->c.type != TUNNEL_IF_VIRTUAL_ACCESS)
		return -1;
	if_remove(t);
	changed();
	tun_track_poll();
	return 0;
}

/* ------------------------------------------------------------- handlers */

/* Every handler re-evaluates the track objects afterwards: a change of an
 * interface can change their state. */
#define IF_HANDLER(name)                                  \
	static int do_##name(struct cmdctx *c);           \
	int h_##name(struct cmdctx *c)                    \
	{                                                 \
		int rc = do_##name(c);                    \
		tun_track_poll();                         \
		return rc;                                \
	}                                                 \
	static int do_##name(struct cmdctx *c)

/* The interface of the (config-if) session, or NULL (and a message) when it
 * was deleted meanwhile (by another session). */
static struct tun_if *cur_if(struct cmdctx *c)
{
	struct tun_if *t = c->objs[MODE_INTERFACE];
	if (!t || !tun_if_alive(t)) {
		cmd_err(c, "%% The interface being configured has been deleted");
		return NULL;
	}
	changed();
	return t;
}

IF_HANDLER(tunnel_interface)
{
	bool no = cmd_negated(c);
	int base = no ? 2 : 1;
	char name[TUNNEL_IFNAME_MAX];
	if (tun_ifname_at(c, base, name, sizeof name) != 0)
		return -1;
	enum tunnel_iftype type;
	tunnel_ifname_parse(name, &type, NULL, 0);
	bool type_tunnel = cmd_has(c, "type");
	struct tun_if *t = tun_if_get(name);
	changed();

	if (type == TUNNEL_IF_VIRTUAL_ACCESS) {
		if (!t) {
			tun_invalid_at(c, base);
			return -1;
		}
		cmd_err(c, "%% %s is cloned from Virtual-Template%d: configure the template instead",
			name, t->c.va_template);
		return -1;
	}
	if (no) {
		if (!t)
			return 0;
		if (if_is_physical(type) && !strchr(t->c.unit, '.')) {
			cmd_err(c, "%% Removal of physical interfaces is not permitted");
			return -1;
		}
		if_remove(t);
		changed();
		return 0;
	}
	if (t) {
		if (type == TUNNEL_IF_VIRTUAL_TEMPLATE && type_tunnel && !t->c.vt_type_tunnel) {
			cmd_err(c, "%% %s already exists with a different type", name);
			return -1;
		}
	} else {
		if (if_is_physical(type) && strchr(name, '.')) {
			char parent[TUNNEL_IFNAME_MAX];
			snprintf(parent, sizeof parent, "%.*s", (int)(strchr(name, '.') - name), name);
			if (!tun_if_get(parent))
				if_create(parent, c->src_line);
		}
		t = if_create(name, c->src_line);
		t->c.vt_type_tunnel = type_tunnel;
		changed();
	}
	cmd_enter(c, MODE_INTERFACE, t);
	return 0;
}

IF_HANDLER(tunnel_if_description)
{
	struct tun_if *t = cur_if(c);
	if (!t)
		return -1;
	if (cmd_negated(c)) {
		t->c.description[0] = 0;
		return 0;
	}
	const char *d = cmd_arg(c, 1)->text;
	if (strlen(d) > TUNNEL_DESCR_MAX) {
		cmd_err(c, "%% Description is longer than %d characters", TUNNEL_DESCR_MAX);
		return -1;
	}
	snprintf(t->c.description, sizeof t->c.description, "%s", d);
	return 0;
}

/* IPv4 address sanity as IOS checks it for an interface address. */
static bool addr_ok(struct cmdctx *c, struct in_addr a, struct in_addr m)
{
	uint32_t ha = ntohl(a.s_addr), hm = ntohl(m.s_addr);
	if (!tun_mask_contiguous(m) || hm == 0) {
		cmd_err(c, "%% Bad mask 0x%08X for address %s", hm, tun_ip4(a));
		return false;
	}
	uint8_t first = (uint8_t)(ha >> 24);
	if (first == 0 || first == 127 || first >= 224) {
		cmd_err(c, "%% Not a valid host address - %s", tun_ip4(a));
		return false;
	}
	int plen = tunnel_mask_plen(m);
	if (plen < 31 && ((ha & ~hm) == 0 || (ha & ~hm) == ~hm)) {
		cmd_err(c, "%% Bad mask /%d for address %s", plen, tun_ip4(a));
		return false;
	}
	return true;
}

static bool subnets_overlap(struct tunnel_ipv4_addr x, struct in_addr a, struct in_addr m)
{
	uint32_t mm = ntohl(x.mask.s_addr) & ntohl(m.s_addr);
	return (ntohl(x.addr.s_addr) & mm) == (ntohl(a.s_addr) & mm);
}

/* "% N overlaps with IF" against the other interfaces of the same VRF. */
static bool overlap_ok(struct cmdctx *c, const struct tun_if *self, struct in_addr a, struct in_addr m)
{
	for (int i = 0; i < n_ifs; i++) {
		const struct tunnel_ifconf *o = &ifs[i]->c;
		if (ifs[i] == self || o->ipv4_method != TUNNEL_IPV4_STATIC || strcmp(o->vrf, self->c.vrf) != 0 ||
		    o->type == TUNNEL_IF_VIRTUAL_ACCESS)
			continue;
		bool hit = o->ipv4.addr.s_addr && subnets_overlap(o->ipv4, a, m);
		for (int k = 0; k < o->n_secondary && !hit; k++)
			hit = subnets_overlap(o->secondary[k], a, m);
		if (hit) {
			struct in_addr net = { a.s_addr & m.s_addr };
			cmd_err(c, "%% %s overlaps with %s", tun_ip4(net), o->name);
			return false;
		}
	}
	return true;
}

static bool vrf_ipv4_ok(struct cmdctx *c, const struct tun_if *t, bool v6)
{
	if (!t->c.vrf[0])
		return true;
	const struct tun_vrf *v = tun_vrf_get(t->c.vrf);
	if (!v || v->legacy || (v6 ? v->af_ipv6 : v->af_ipv4))
		return true;
	cmd_err(c, "%% Interface %s is linked to a VRF. Enable %s on that VRF first.", t->c.name,
		v6 ? "IPv6" : "IPv4");
	return false;
}

static void clear_ipv4(struct tunnel_ifconf *c)
{
	c->ipv4_method = TUNNEL_IPV4_NONE;
	memset(&c->ipv4, 0, sizeof c->ipv4);
	c->n_secondary = 0;
	c->unnumbered[0] = 0;
}

IF_HANDLER(tunnel_if_ip_address)
{
	struct tun_if *t = cur_if(c);
	if (!t)
		return -1;
	bool no = cmd_negated(c);
	int base = no ? 3 : 2; /* first argument after "ip address" */
	const struct cmdarg *a0 = cmd_arg(c, base);
	struct tunnel_ifconf *ic = &t->c;

	if (!a0) { /* no ip address */
		clear_ipv4(ic);
		return 0;
	}
	if (a0->kind == ARG_KEYWORD) { /* negotiated / dhcp */
		enum tunnel_ipv4_method m = strcmp(a0->name, "negotiated") == 0 ? TUNNEL_IPV4_NEGOTIATED
										 : TUNNEL_IPV4_DHCP;
		if (no) {
			if (ic->ipv4_method == m)
				clear_ipv4(ic);
			return 0;
		}
		if (m == TUNNEL_IPV4_NEGOTIATED && !if_is_tunnel_kind(ic)) {
			tun_invalid_at(c, base);
			return -1;
		}
		if (!vrf_ipv4_ok(c, t, false))
			return -1;
		clear_ipv4(ic);
		ic->ipv4_method = m;
		t->nvram = c->loading;
		return 0;
	}
	struct tunnel_ipv4_addr na;
	tun_ip4_parse(a0->text, &na.addr);
	tun_ip4_parse(cmd_arg(c, base + 1)->text, &na.mask);
	bool secondary = cmd_has(c, "secondary");

	if (no) {
		if (secondary) {
			for (int k = 0; k < ic->n_secondary; k++)
				if (ic->secondary[k].addr.s_addr == na.addr.s_addr &&
				    ic->secondary[k].mask.s_addr == na.mask.s_addr) {
					ARRAY_DEL(ic->secondary, ic->n_secondary, k);
					ic->n_secondary--;
					if (!ic->n_secondary && !ic->ipv4.addr.s_addr)
						clear_ipv4(ic);
					return 0;
				}
			cmd_err(c, "%% Invalid address");
			return -1;
		}
		if (ic->ipv4_method != TUNNEL_IPV4_STATIC || ic->ipv4.addr.s_addr != na.addr.s_addr ||
		    ic->ipv4.mask.s_addr != na.mask.s_addr) {
			cmd_err(c, "%% Invalid address");
			return -1;
		}
		if (ic->n_secondary) {
			cmd_err(c, "%% Must delete secondary before deleting primary");
			return -1;
		}
		clear_ipv4(ic);
		return 0;
	}
	if (!addr_ok(c, na.addr, na.mask) || !vrf_ipv4_ok(c, t, false))
		return -1;
	/* Re-entering an address the interface already has changes nothing. */
	if (!secondary && ic->ipv4_method == TUNNEL_IPV4_STATIC && ic->ipv4.addr.s_addr == na.addr.s_addr &&
	    ic->ipv4.mask.s_addr == na.mask.s_addr)
		return 0;
	for (int k = 0; k < ic->n_secondary; k++)
		if (ic->secondary[k].addr.s_addr == na.addr.s_addr &&
		    ic->secondary[k].mask.s_addr == na.mask.s_addr) {
			if (secondary)
				return 0;
			cmd_err(c, "%% %s is already configured as a secondary address", tun_ip4(na.addr));
			return -1;
		}
	if (!overlap_ok(c, t, na.addr, na.mask))
		return -1;
	if (secondary) {
		/* IOS prints secondaries before the primary, so a secondary may
		 * come first (the primary follows on the next line). */
		if (ic->ipv4_method != TUNNEL_IPV4_STATIC && ic->ipv4_method != TUNNEL_IPV4_NONE) {
			cmd_err(c, "%% Secondary addresses need a primary address, not %s",
				ic->ipv4_method == TUNNEL_IPV4_UNNUMBERED ? "ip unnumbered" : "a negotiated one");
			return -1;
		}
		if (ic->ipv4_method == TUNNEL_IPV4_NONE) {
			clear_ipv4(ic);
			ic->ipv4_method = TUNNEL_IPV4_STATIC; /* with no primary yet */
		}
		if (ic->ipv4.addr.s_addr == na.addr.s_addr) {
			cmd_err(c, "%% %s is already the primary address", tun_ip4(na.addr));
			return -1;
		}
		if (ic->n_secondary == TUNNEL_MAX_SECONDARY) {
			cmd_err(c, "%% At most %d secondary addresses can be configured", TUNNEL_MAX_SECONDARY);
			return -1;
		}
		ic->secondary[ic->n_secondary++] = na;
		return 0;
	}
	if (ic->ipv4_method != TUNNEL_IPV4_STATIC)
		clear_ipv4(ic);
	ic->ipv4_method = TUNNEL_IPV4_STATIC;
	ic->ipv4 = na;
	t->nvram = c->loading;
	return 0;
}

IF_HANDLER(tunnel_if_unnumbered)
{
	struct tun_if *t = cur_if(c);
	if (!t)
		return -1;
	if (cmd_negated(c)) {
		if (t->c.ipv4_method == TUNNEL_IPV4_UNNUMBERED)
			clear_ipv4(&t->c);
		return 0;
	}
	char name[TUNNEL_IFNAME_MAX];
	if (tun_ifname_at(c, 2, name, sizeof name) != 0)
		return -1;
	if (strcmp(name, t->c.name) == 0) {
		cmd_err(c, "%% %s cannot be unnumbered to itself", name);
		return -1;
	}
	if (!vrf_ipv4_ok(c, t, false))
		return -1;
	clear_ipv4(&t->c);
	t->c.ipv4_method = TUNNEL_IPV4_UNNUMBERED;
	snprintf(t->c.unnumbered, sizeof t->c.unnumbered, "%s", name);
	t->unnum_line = c->src_line;
	t->nvram = c->loading;
	return 0;
}

static bool parse_ipv6_pfx(const char *s, struct tunnel_ipv6_addr *out)
{
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%s", s);
	char *slash = strchr(tmp, '/');
	if (!slash)
		return false;
	*slash = 0;
	out->plen = atoi(slash + 1);
	return inet_pton(AF_INET6, tmp, &out->addr) == 1 && out->plen >= 0 && out->plen <= 128;
}

IF_HANDLER(tunnel_if_ipv6)
{
	struct tun_if *t = cur_if(c);
	if (!t)
		return -1;
	bool no = cmd_negated(c);
	struct tunnel_ifconf *ic = &t->c;
	if (cmd_has(c, "enable")) {
		if (!no && !vrf_ipv4_ok(c, t, true))
			return -1;
		ic->ipv6_enable = !no;
		return 0;
	}
	const struct cmdarg *p = cmd_first_kind(c, ARG_IPV6PFX, 0);
	if (no && !p) {
		ic->n_ipv6 = 0;
		return 0;
	}
	struct tunnel_ipv6_addr a;
	if (!parse_ipv6_pfx(p->text, &a)) {
		cmd_err(c, "%% Invalid IPv6 prefix %s", p->text);
		return -1;
	}
	int found = -1;
	for (int k = 0; k < ic->n_ipv6; k++)
		if (memcmp(&ic->ipv6[k].addr, &a.addr, sizeof a.addr) == 0 && ic->ipv6[k].plen == a.plen)
			found = k;
	if (no) {
		if (found < 0) {
			cmd_err(c, "%% Address %s/%d is not configured on %s", tun_ip6(&a.addr), a.plen, ic->name);
			return -1;
		}
		memmove(&ic->ipv6[found], &ic->ipv6[found + 1], (size_t)(ic->n_ipv6 - found - 1) * sizeof a);
		ic->n_ipv6--;
		return 0;
	}
	if (found >= 0)
		return 0;
	if (a.addr.s6_addr[0] == 0xff) {
		cmd_err(c, "%% %s/%d is a multicast address", tun_ip6(&a.addr), a.plen);
		return -1;
	}
	if (!vrf_ipv4_ok(c, t, true))
		return -1;
	if (ic->n_ipv6 == TUNNEL_MAX_IPV6) {
		cmd_err(c, "%% At most %d IPv6 addresses can be configured", TUNNEL_MAX_IPV6);
		return -1;
	}
	ic->ipv6[ic->n_ipv6++] = a;
	return 0;
}

IF_HANDLER(tunnel_if_ip_opt)
{
	struct tun_if *t = cur_if(c);
	if (!t)
		return -1;
	bool no = cmd_negated(c);
	if (cmd_has(c, "mtu")) {
		t->c.ip_mtu = no ? 0 : (int)cmd_num_after(c, "mtu", 0);
	} else if (cmd_has(c, "adjust-mss")) {
		t->c.tcp_mss = no ? 0 : (int)cmd_num_after(c, "adjust-mss", 0);
	} else {
		enum tunnel_nat n = cmd_has(c, "inside") ? TUNNEL_NAT_INSIDE : TUNNEL_NAT_OUTSIDE;
		if (!no)
			t->c.nat = n;
		else if (t->c.nat == n)
			t->c.nat = TUNNEL_NAT_NONE;
	}
	return 0;
}

/* Leaving or entering a VRF removes the interface's addresses (IOS). */
static void drop_addresses(struct tun_if *t, const char *why, const char *vrf, struct buf *msgs)
{
	struct tunnel_ifconf *ic = &t->c;
	if (ic->ipv4_method != TUNNEL_IPV4_NONE) {
		clear_ipv4(ic);
		if (msgs)
			buf_printf(msgs, "%% Interface %s IPv4 disabled and address(es) removed due to %s VRF %s\n",
				   ic->name, why, vrf);
	}
	if (ic->n_ipv6 || ic->ipv6_enable) {
		ic->n_ipv6 = 0;
		ic->ipv6_enable = false;
		if (msgs)
			buf_printf(msgs, "%% Interface %s IPv6 disabled and address(es) removed due to %s VRF %s\n",
				   ic->name, why, vrf);
	}
}

int tun_if_vrf_deleted(const char *vrf)
{
	int removed = 0;
	for (int i = 0; i < n_ifs; i++) {
		struct tun_if *t = ifs[i];
		if (strcmp(t->c.vrf, vrf) != 0)
			continue;
		if (t->c.ipv4_method != TUNNEL_IPV4_NONE)
			removed |= 1;
		if (t->c.n_ipv6 || t->c.ipv6_enable)
			removed |= 2;
		drop_addresses(t, "disabling", vrf, NULL);
		t->c.vrf[0] = 0;
		t->c.vrf_legacy = false;
	}
	changed();
	return removed;
}

IF_HANDLER(tunnel_if_vrf)
{
	struct tun_if *t = cur_if(c);
	if (!t)
		return -1;
	bool no = cmd_negated(c);
	bool legacy = cmd_arg(c, no ? 1 : 0)->name[0] == 'i'; /* ip vrf forwarding */
	const char *name = cmd_text_after(c, "forwarding");
	struct buf msgs;
	buf_init(&msgs);
	if (no) {
		if (!t->c.vrf[0])
			goto out;
		if (name && strcmp(name, t->c.vrf) != 0) {
			cmd_err(c, "%% Interface %s is not associated with VRF %s", t->c.name, name);
			buf_free(&msgs);
			return -1;
		}
		drop_addresses(t, "disabling", t->c.vrf, &msgs);
		t->c.vrf[0] = 0;
		t->c.vrf_legacy = false;
		goto out;
	}
	const struct tun_vrf *v = tun_vrf_get(name);
	if (!v) {
		cmd_err(c, "%% VRF %s not configured.", name);
		buf_free(&msgs);
		return -1;
	}
	if (v->legacy != legacy) {
		cmd_err(c, "%% Use '%svrf forwarding' command for VRF '%s'", v->legacy ? "ip " : "", name);
		buf_free(&msgs);
		return -1;
	}
	if (strcmp(t->c.vrf, name) == 0)
		goto out;
	drop_addresses(t, "enabling", name, &msgs);
	snprintf(t->c.vrf, sizeof t->c.vrf, "%s", name);
	t->c.vrf_legacy = legacy;
	t->vrf_line = c->src_line;
out:
	if (msgs.len)
		cmd_out(c, "%s", buf_cstr(&msgs));
	buf_free(&msgs);
	return 0;
}

IF_HANDLER(tunnel_if_shutdown)
{
	struct tun_if *t = cur_if(c);
	if (!t)
		return -1;
	t->c.shutdown = !cmd_negated(c);
	return 0;
}

IF_HANDLER(tunnel_if_bandwidth)
{
	struct tun_if *t = cur_if(c);
	if (!t)
		return -1;
	t->c.bandwidth = cmd_negated(c) ? 0 : cmd_num_after(c, "bandwidth", 0);
	return 0;
}

IF_HANDLER(tunnel_if_keepalive)
{
	struct tun_if *t = cur_if(c);
	if (!t)
		return -1;
	struct tunnel_ifconf *ic = &t->c;
	bool tun = if_is_tunnel_kind(ic) || ic->type == TUNNEL_IF_VIRTUAL_TEMPLATE;
	if (cmd_negated(c)) {
		ic->keepalive = false;
		ic->keepalive_period = 10;
		ic->keepalive_retries = tun ? 3 : 5;
		return 0;
	}
	const struct cmdarg *p = cmd_arg(c, 1), *r = cmd_arg(c, 2);
	long period = p ? p->num : 10;
	if (period == 0) { /* keepalive 0: keepalives off */
		ic->keepalive = false;
		ic->keepalive_period = 10;
		ic->keepalive_retries = tun ? 3 : 5;
		return 0;
	}
	ic->keepalive = true;
	ic->keepalive_period = (int)period;
	ic->keepalive_retries = r ? (int)r->num : (tun ? 3 : 5);
	return 0;
}

static bool valid_hostname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= TUNNEL_HOSTNAME_MAX)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			return false;
	return isalpha((unsigned char)s[0]) || isdigit((unsigned char)s[0]);
}

static void set_endpoint_addr(struct tunnel_endpoint *ep, const struct cmdarg *a)
{
	memset(ep, 0, sizeof *ep);
	if (a->kind == ARG_IPV4) {
		ep->kind = TUNNEL_EP_IPV4;
		tun_ip4_parse(a->text, &ep->v4);
	} else {
		ep->kind = TUNNEL_EP_IPV6;
		inet_pton(AF_INET6, a->text, &ep->v6);
	}
}

IF_HANDLER(tunnel_if_tunnel)
{
	struct tun_if *t = cur_if(c);
	if (!t)
		return -1;
	bool no = cmd_negated(c);
	int base = no ? 1 : 0; /* index of "tunnel" */
	struct tunnel_ifconf *ic = &t->c;
	if (!if_is_tunnel_kind(ic)) {
		tun_invalid_at(c, base);
		return -1;
	}
	const char *what = cmd_arg(c, base + 1)->name;
	const struct cmdarg *v = cmd_arg(c, base + 2);

	if (strcmp(what, "source") == 0) {
		if (no) {
			memset(&ic->src, 0, sizeof ic->src);
			return 0;
		}
		if (v->kind == ARG_IPV4 || v->kind == ARG_IPV6) {
			set_endpoint_addr(&ic->src, v);
		} else if (strcmp(v->name, "dynamic") == 0) {
			memset(&ic->src, 0, sizeof ic->src);
			ic->src.kind = TUNNEL_EP_DYNAMIC;
		} else {
			char name[TUNNEL_IFNAME_MAX];
			if (tun_ifname_at(c, base + 2, name, sizeof name) != 0)
				return -1;
			if (strcmp(name, ic->name) == 0) {
				cmd_err(c, "%% %s cannot be the tunnel source of itself", name);
				return -1;
			}
			memset(&ic->src, 0, sizeof ic->src);
			ic->src.kind = TUNNEL_EP_INTERFACE;
			snprintf(ic->src.name, sizeof ic->src.name, "%s", name);
		}
		t->src_line = c->src_line;
	} else if (strcmp(what, "destination") == 0) {
		if (no) {
			memset(&ic->dst, 0, sizeof ic->dst);
			return 0;
		}
		if (v->kind == ARG_IPV4 || v->kind == ARG_IPV6) {
			set_endpoint_addr(&ic->dst, v);
		} else if (v->kind == ARG_KEYWORD) {
			memset(&ic->dst, 0, sizeof ic->dst);
			ic->dst.kind = TUNNEL_EP_DYNAMIC;
		} else {
			if (!valid_hostname(v->text)) {
				cmd_err(c, "%% Invalid tunnel destination %s: not an address or a host name", v->text);
				return -1;
			}
			memset(&ic->dst, 0, sizeof ic->dst);
			ic->dst.kind = TUNNEL_EP_HOSTNAME;
			snprintf(ic->dst.name, sizeof ic->dst.name, "%s", v->text);
		}
	} else if (strcmp(what, "mode") == 0) {
		if (no) {
			ic->mode = TUNNEL_MODE_GRE_IP;
			return 0;
		}
		const char *k = cmd_arg(c, base + 2)->name, *f = cmd_arg(c, base + 3)->name;
		if (strcmp(k, "ipsec") == 0)
			ic->mode = strcmp(f, "ipv4") == 0 ? TUNNEL_MODE_IPSEC_IPV4 : TUNNEL_MODE_IPSEC_IPV6;
		else if (strcmp(f, "ip") == 0)
			ic->mode = TUNNEL_MODE_GRE_IP;
		else if (strcmp(f, "ipv6") == 0)
			ic->mode = TUNNEL_MODE_GRE_IPV6;
		else
			ic->mode = TUNNEL_MODE_GRE_MULTIPOINT;
	} else if (strcmp(what, "protection") == 0) {
		const char *name = cmd_text_after(c, "profile");
		if (no) {
			if (name && ic->protection[0] && strcmp(name, ic->protection) != 0) {
				cmd_err(c, "%% Tunnel protection profile %s is not configured on %s", name, ic->name);
				return -1;
			}
			ic->protection[0] = 0;
			ic->protection_shared = false;
			return 0;
		}
		if (!tun_copy_name(c, "IPsec profile name", ic->protection, sizeof ic->protection, name))
			return -1;
		ic->protection_shared = cmd_has(c, "shared");
		t->prot_line = c->src_line;
	} else if (strcmp(what, "key") == 0) {
		ic->key_set = !no;
		ic->key = no ? 0 : (uint32_t)v->num;
	} else if (strcmp(what, "vrf") == 0) {
		if (no) {
			ic->tunnel_vrf[0] = 0;
			return 0;
		}
		if (!tun_copy_name(c, "VRF name", ic->tunnel_vrf, sizeof ic->tunnel_vrf, v->text))
			return -1;
		t->tvrf_line = c->src_line;
	} else if (strcmp(what, "path-mtu-discovery") == 0) {
		ic->pmtud = !no;
	}
	return 0;
}

/* ------------------------------------------------------- running-config */

static const char *mode_text(enum tunnel_mode m)
{
	switch (m) {
	case TUNNEL_MODE_GRE_IPV6: return "gre ipv6";
	case TUNNEL_MODE_GRE_MULTIPOINT: return "gre multipoint";
	case TUNNEL_MODE_IPSEC_IPV4: return "ipsec ipv4";
	case TUNNEL_MODE_IPSEC_IPV6: return "ipsec ipv6";
	default: return "gre ip";
	}
}

static void write_endpoint(struct buf *b, const char *what, const struct tunnel_endpoint *ep)
{
	switch (ep->kind) {
	case TUNNEL_EP_IPV4: buf_printf(b, " tunnel %s %s\n", what, tun_ip4(ep->v4)); break;
	case TUNNEL_EP_IPV6: buf_printf(b, " tunnel %s %s\n", what, tun_ip6(&ep->v6)); break;
	case TUNNEL_EP_INTERFACE:
	case TUNNEL_EP_HOSTNAME: buf_printf(b, " tunnel %s %s\n", what, ep->name); break;
	case TUNNEL_EP_DYNAMIC: buf_printf(b, " tunnel %s dynamic\n", what); break;
	default: break;
	}
}

void tun_if_write(struct buf *b, const struct tun_if *t)
{
	const struct tunnel_ifconf *ic = &t->c;
	bool tun = if_is_tunnel_kind(ic) || ic->type == TUNNEL_IF_VIRTUAL_TEMPLATE;
	buf_printf(b, "interface %s%s\n", ic->name, ic->vt_type_tunnel ? " type tunnel" : "");
	if (ic->description[0])
		buf_printf(b, " description %s\n", ic->description);
	if (ic->bandwidth)
		buf_printf(b, " bandwidth %ld\n", ic->bandwidth);
	if (ic->vrf[0])
		buf_printf(b, " %svrf forwarding %s\n", ic->vrf_legacy ? "ip " : "", ic->vrf);
	switch (ic->ipv4_method) {
	case TUNNEL_IPV4_STATIC:
		for (int k = 0; k < ic->n_secondary; k++)
			buf_printf(b, " ip address %s %s secondary\n", tun_ip4(ic->secondary[k].addr),
				   tun_ip4(ic->secondary[k].mask));
		if (ic->ipv4.addr.s_addr)
			buf_printf(b, " ip address %s %s\n", tun_ip4(ic->ipv4.addr), tun_ip4(ic->ipv4.mask));
		break;
	case TUNNEL_IPV4_NEGOTIATED: buf_adds(b, " ip address negotiated\n"); break;
	case TUNNEL_IPV4_DHCP: buf_adds(b, " ip address dhcp\n"); break;
	case TUNNEL_IPV4_UNNUMBERED: buf_printf(b, " ip unnumbered %s\n", ic->unnumbered); break;
	default: buf_adds(b, " no ip address\n"); break;
	}
	if (ic->ip_mtu)
		buf_printf(b, " ip mtu %d\n", ic->ip_mtu);
	if (ic->nat != TUNNEL_NAT_NONE)
		buf_printf(b, " ip nat %s\n", ic->nat == TUNNEL_NAT_INSIDE ? "inside" : "outside");
	if (ic->tcp_mss)
		buf_printf(b, " ip tcp adjust-mss %d\n", ic->tcp_mss);
	if (tun) {
		if (ic->keepalive)
			buf_printf(b, " keepalive %d %d\n", ic->keepalive_period, ic->keepalive_retries);
	} else if (!ic->keepalive) {
		buf_adds(b, " no keepalive\n");
	} else if (ic->keepalive_period != 10 || ic->keepalive_retries != 5) {
		if (ic->keepalive_retries != 5)
			buf_printf(b, " keepalive %d %d\n", ic->keepalive_period, ic->keepalive_retries);
		else
			buf_printf(b, " keepalive %d\n", ic->keepalive_period);
	}
	if (ic->shutdown)
		buf_adds(b, " shutdown\n");
	for (int k = 0; k < ic->n_ipv6; k++)
		buf_printf(b, " ipv6 address %s/%d\n", tun_ip6(&ic->ipv6[k].addr), ic->ipv6[k].plen);
	if (ic->ipv6_enable)
		buf_adds(b, " ipv6 enable\n");
	write_endpoint(b, "source", &ic->src);
	if (ic->mode != TUNNEL_MODE_GRE_IP)
		buf_printf(b, " tunnel mode %s\n", mode_text(ic->mode));
	write_endpoint(b, "destination", &ic->dst);
	if (ic->key_set)
		buf_printf(b, " tunnel key %u\n", ic->key);
	if (ic->pmtud)
		buf_adds(b, " tunnel path-mtu-discovery\n");
	if (ic->tunnel_vrf[0])
		buf_printf(b, " tunnel vrf %s\n", ic->tunnel_vrf);
	if (ic->protection[0])
		buf_printf(b, " tunnel protection ipsec profile %s%s\n", ic->protection,
			   ic->protection_shared ? " shared" : "");
	buf_adds(b, "!\n");
}

static void write_interfaces(struct buf *b)
{
	int n;
	struct tun_if **v = tun_if_sorted(true, &n);
	for (int i = 0; i < n; i++)
		if (v[i]->c.type != TUNNEL_IF_VIRTUAL_ACCESS)
			tun_if_write(b, v[i]);
	free(v);
}

static void reset_interfaces(void)
{
	for (int i = 0; i < n_ifs; i++)
		free(ifs[i]);
	free(ifs);
	ifs = NULL;
	n_ifs = cap_ifs = 0;
	free(api_sorted);
	api_sorted = NULL;
	api_n = -1;
	changed();
}

static void check_interfaces(struct problem_list *p)
{
	int n;
	struct tun_if **v = tun_if_sorted(true, &n);
	for (int i = 0; i < n; i++) {
		const struct tun_if *t = v[i];
		const struct tunnel_ifconf *ic = &t->c;
		if (ic->type == TUNNEL_IF_VIRTUAL_ACCESS)
			continue;
		if (ic->protection[0] && !ipsec_profile_exists(ic->protection))
			problem_add(p, t->prot_line, "interface %s: tunnel protection ipsec profile %s: "
				    "the IPsec profile is not defined", ic->name, ic->protection);
		if (ic->ipv4_method == TUNNEL_IPV4_UNNUMBERED && !tun_if_get(ic->unnumbered))
			problem_add(p, t->unnum_line, "interface %s: ip unnumbered %s: the interface does not exist",
				    ic->name, ic->unnumbered);
		if (ic->src.kind == TUNNEL_EP_INTERFACE && !tun_if_get(ic->src.name))
			problem_add(p, t->src_line, "interface %s: tunnel source %s: the interface does not exist",
				    ic->name, ic->src.name);
		if (ic->vrf[0] && !tun_vrf_get(ic->vrf))
			problem_add(p, t->vrf_line, "interface %s: vrf forwarding %s: the VRF is not defined",
				    ic->name, ic->vrf);
		if (ic->tunnel_vrf[0] && !tun_vrf_get(ic->tunnel_vrf))
			problem_add(p, t->tvrf_line, "interface %s: tunnel vrf %s: the VRF is not defined",
				    ic->name, ic->tunnel_vrf);
	}
	free(v);
}

static struct config_section sec_interfaces = {
	"interface", ORDER_INTERFACE, write_interfaces, reset_interfaces, check_interfaces, NULL,
};

__attribute__((constructor)) static void interfaces_init(void)
{
	config_section_register(&sec_interfaces);
}
