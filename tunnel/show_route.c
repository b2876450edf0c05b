/* show ip route [vrf NAME]: connected routes from the interfaces that are
 * up, and the static routes that would be installed (next hop resolvable,
 * interface up, track object up), in IOS 15 format. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/config_internal.h"
#include "tunnel/dynroute.h"

enum { MAX_PATHS = 16 };

struct path {
	bool has_nh;
	struct in_addr nh;
	char ifname[TUNNEL_IFNAME_MAX];
};

struct rib_entry {
	char code;                  /* 'C', 'L', 'S' */
	uint32_t net;               /* host order */
	int plen;
	int distance;
	struct path paths[MAX_PATHS];
	int n_paths;
};

struct rib {
	struct rib_entry *e;
	int n, cap;
};

static struct rib_entry *rib_find(struct rib *r, uint32_t net, int plen)
{
	for (int i = 0; i < r->n; i++)
		if (r->e[i].net == net && r->e[i].plen == plen)
			return &r->e[i];
	return NULL;
}

static struct rib_entry *rib_add(struct rib *r, char code, uint32_t net, int plen, int distance)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->e = realloc(r->e, (size_t)r->cap * sizeof *r->e);
		if (!r->e)
			abort();
	}
	struct rib_entry *e = &r->e[r->n++];
	memset(e, 0, sizeof *e);
	e->code = code;
	e->net = net;
	e->plen = plen;
	e->distance = distance;
	return e;
}

static uint32_t plen_mask(int plen) { return plen <= 0 ? 0 : plen >= 32 ? 0xffffffffu : ~((1u << (32 - plen)) - 1); }

static void add_connected(struct rib *r, const char *ifname, struct in_addr a, struct in_addr m)
{
	int plen = tunnel_mask_plen(m);
	uint32_t ha = ntohl(a.s_addr);
	uint32_t net = ha & plen_mask(plen);
	struct rib_entry *e = rib_find(r, net, plen);
	if (!e)
		e = rib_add(r, 'C', net, plen, 0);
	if (e->code == 'C' && e->n_paths < MAX_PATHS) {
		snprintf(e->paths[e->n_paths].ifname, TUNNEL_IFNAME_MAX, "%s", ifname);
		e->n_paths++;
	}
	if (plen < 32 && !rib_find(r, ha, 32)) {
		e = rib_add(r, 'L', ha, 32, 0);
		snprintf(e->paths[0].ifname, TUNNEL_IFNAME_MAX, "%s", ifname);
		e->n_paths = 1;
	}
}

/* Longest match for a next hop, ignoring the entry (net, plen) itself. */
static const struct rib_entry *lookup(const struct rib *r, uint32_t addr, uint32_t skip_net, int skip_plen)
{
	const struct rib_entry *best = NULL;
	for (int i = 0; i < r->n; i++) {
		const struct rib_entry *e = &r->e[i];
		if (e->net == skip_net && e->plen == skip_plen)
			continue;
		if ((addr & plen_mask(e->plen)) == e->net && (!best || e->plen > best->plen))
			best = e;
	}
	return best;
}

/* Session routes (tunnel/dynroute.h): static routes through their
 * interface while it is up, e.g. "S 198.18.0.10 is directly connected,
 * Virtual-Access1"; a lower distance replaces, an equal one adds a path. */
static void add_dynroutes(struct rib *r)
{
	for (unsigned i = 0; i < tunnel_dynroute_count(); i++) {
		const struct tunnel_dynroute *d = tunnel_dynroute_at(i);
		const struct tunnel_ifconf *ic = tunnel_if_find(d->ifname);
		if (!ic || !tunnel_if_line_up(ic))
			continue;
		uint32_t net = ntohl(d->prefix.s_addr);
		int dist = (int)d->distance;
		struct rib_entry *e = rib_find(r, net, (int)d->plen);
		if (e && (e->code != 'S' || e->distance < dist))
			continue;
		if (e && e->distance > dist) {
			e->n_paths = 0;
			e->distance = dist;
		}
		if (!e)
			e = rib_add(r, 'S', net, (int)d->plen, dist);
		if (e->n_paths < MAX_PATHS) {
			struct path *p = &e->paths[e->n_paths++];
			p->has_nh = d->nexthop.s_addr != 0;
			p->nh = d->nexthop;
			snprintf(p->ifname, sizeof p->ifname, "%s", d->ifname);
		}
	}
}

static void build(struct rib *r, const char *vrf)
{
	memset(r, 0, sizeof *r);
	for (int i = 0; i < tunnel_if_count(); i++) {
		const struct tunnel_ifconf *ic = tunnel_if_at(i);
		if (strcmp(ic->vrf, vrf) != 0 || !tunnel_if_line_up(ic))
			continue;
		struct in_addr a, m;
		if (ic->ipv4_method == TUNNEL_IPV4_STATIC) {
			if (ic->ipv4.addr.s_addr)
				add_connected(r, ic->name, ic->ipv4.addr, ic->ipv4.mask);
			for (int k = 0; k < ic->n_secondary; k++)
				add_connected(r, ic->name, ic->secondary[k].addr, ic->secondary[k].mask);
		} else if ((ic->ipv4_method == TUNNEL_IPV4_NEGOTIATED || ic->ipv4_method == TUNNEL_IPV4_DHCP) &&
			   tunnel_if_ipv4(ic, &a, &m)) {
			add_connected(r, ic->name, a, m);
		}
	}
	/* Static routes, until nothing more resolves (recursive next hops). */
	int n = tunnel_route_count();
	bool *done = calloc((size_t)(n ? n : 1), sizeof *done);
	if (!done)
		abort();
	for (bool progress = true; progress;) {
		progress = false;
		for (int i = 0; i < n; i++) {
			const struct tunnel_route *sr = tunnel_route_at(i);
			if (done[i] || strcmp(sr->vrf, vrf) != 0)
				continue;
			int plen = tunnel_mask_plen(sr->mask);
			uint32_t net = ntohl(sr->prefix.s_addr);
			if (sr->track && tunnel_track_state(sr->track) != 1)
				continue;
			bool ok = sr->permanent;
			if (!ok && sr->ifname[0]) {
				const struct tunnel_ifconf *ic = tunnel_if_find(sr->ifname);
				ok = strcmp(sr->ifname, "Null0") == 0 || (ic && tunnel_if_line_up(ic));
			} else if (!ok) {
				ok = lookup(r, ntohl(sr->nexthop.s_addr), net, plen) != NULL;
			}
			if (!ok)
				continue;
			done[i] = true;
			progress = true;
			struct rib_entry *e = rib_find(r, net, plen);
			if (e && (e->code != 'S' || e->distance < sr->distance))
				continue;
			if (e && e->distance > sr->distance) {
				e->n_paths = 0;
				e->distance = sr->distance;
			}
			if (!e)
				e = rib_add(r, 'S', net, plen, sr->distance);
			if (e->n_paths < MAX_PATHS) {
				struct path *p = &e->paths[e->n_paths++];
				p->has_nh = sr->has_nexthop;
				p->nh = sr->nexthop;
				snprintf(p->ifname, sizeof p->ifname, "%s", sr->ifname);
			}
		}
	}
	free(done);
	if (!vrf[0])
		add_dynroutes(r);
}

static int classful_plen(uint32_t a)
{
	if (a < 0x80000000u)
		return 8;
	if (a < 0xc0000000u)
		return 16;
	return 24;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct rib_entry *x = pa, *y = pb;
	if (x->net != y->net)
		return x->net < y->net ? -1 : 1;
	return x->plen - y->plen;
}

static const char *h4(uint32_t a)
{
	struct in_addr x = { htonl(a) };
	return tun_ip4(x);
}

static void print_entry(struct cmdctx *c, const struct rib_entry *e, int indent, bool with_plen)
{
	char code[8], pfx[24];
	bool dflt = e->net == 0 && e->plen == 0;
	snprintf(code, sizeof code, "%c%s", e->code, dflt ? "*" : "");
	if (with_plen)
		snprintf(pfx, sizeof pfx, "%s/%d", h4(e->net), e->plen);
	else
		snprintf(pfx, sizeof pfx, "%s", h4(e->net));
	int col = indent + (int)strlen(pfx) + 1; /* where "[" or "is" starts */
	for (int i = 0; i < e->n_paths; i++) {
		const struct path *p = &e->paths[i];
		if (i == 0)
			cmd_out(c, "%-*s%s ", indent, code, pfx);
		else
			cmd_out(c, "%*s", col, "");
		if (e->code != 'S')
			cmd_out(c, "is directly connected, %s\n", p->ifname);
		else if (!p->has_nh)
			cmd_out(c, "is directly connected, %s\n", p->ifname);
		else if (p->ifname[0])
			cmd_out(c, "[%d/0] via %s, %s\n", e->distance, tun_ip4(p->nh), p->ifname);
		else
			cmd_out(c, "[%d/0] via %s\n", e->distance, tun_ip4(p->nh));
	}
}

static const char legend[] =
	"Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP\n"
	"       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area \n"
	"       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2\n"
	"       E1 - OSPF external type 1, E2 - OSPF external type 2\n"
	"       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2\n"
	"       ia - IS-IS inter area, * - candidate default, U - per-user static route\n"
	"       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP\n"
	"       a - application route\n"
	"       + - replicated route, % - next hop override, p - overrides from PfR\n\n";

int h_tunnel_show_ip_route(struct cmdctx *c)
{
	const char *vrf = "";
	int vi = cmd_find(c, "vrf");
	if (vi >= 0) {
		vrf = cmd_arg(c, vi + 1)->text;
		if (!tunnel_vrf_exists(vrf)) {
			cmd_err(c, "%% IP routing table %s does not exist", vrf);
			return -1;
		}
	}
	struct rib r;
	build(&r, vrf);
	if (r.n > 0)
		qsort(r.e, (size_t)r.n, sizeof *r.e, entry_cmp);
	if (vrf[0])
		cmd_out(c, "\nRouting Table: %s\n", vrf);
	cmd_out(c, "%s", legend);
	const struct rib_entry *dflt = NULL;
	for (int i = 0; i < r.n; i++)
		if (r.e[i].net == 0 && r.e[i].plen == 0)
			dflt = &r.e[i];
	if (dflt) {
		const struct path *p = &dflt->paths[0];
		cmd_out(c, "Gateway of last resort is %s to network 0.0.0.0\n\n", p->has_nh ? tun_ip4(p->nh) : "0.0.0.0");
	} else {
		cmd_out(c, "Gateway of last resort is not set\n\n");
	}
	for (int i = 0; i < r.n;) {
		const struct rib_entry *e = &r.e[i];
		int cp = classful_plen(e->net);
		if (e->plen < cp) { /* supernet or default route: on its own */
			print_entry(c, e, 6, true);
			i++;
			continue;
		}
		uint32_t major = e->net & plen_mask(cp);
		int j = i, masks = 0, seen[33] = { 0 };
		while (j < r.n && r.e[j].plen >= cp && (r.e[j].net & plen_mask(cp)) == major) {
			if (!seen[r.e[j].plen]++)
				masks++;
			j++;
		}
		int count = j - i;
		if (count == 1 && e->plen == cp) {
			print_entry(c, e, 6, true);
		} else if (masks == 1) {
			cmd_out(c, "      %s/%d is subnetted, %d subnets\n", h4(major), e->plen, count);
			for (int k = i; k < j; k++)
				print_entry(c, &r.e[k], 9, false);
		} else {
			cmd_out(c, "      %s/%d is variably subnetted, %d subnets, %d masks\n", h4(major), cp, count,
				masks);
			for (int k = i; k < j; k++)
				print_entry(c, &r.e[k], 9, true);
		}
		i = j;
	}
	free(r.e);
	return 0;
}
