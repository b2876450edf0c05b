/* ip route [vrf NAME] PREFIX MASK (NEXTHOP | IF [NEXTHOP]) [options]. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config_registry.h"
#include "lib/array.h"
#include "tunnel/config_internal.h"

struct troute {
	struct tunnel_route r;
	int line;
	long order;                    /* creation order, for stable sorting */
};

static struct troute **routes;
static int n_routes, cap_routes;
static long next_order;

int tunnel_route_count(void) { return n_routes; }
const struct tunnel_route *tunnel_route_at(int i) { return i >= 0 && i < n_routes ? &routes[i]->r : NULL; }

static bool same_path(const struct tunnel_route *a, const struct tunnel_route *b)
{
	return strcmp(a->vrf, b->vrf) == 0 && a->prefix.s_addr == b->prefix.s_addr &&
	       a->mask.s_addr == b->mask.s_addr && strcmp(a->ifname, b->ifname) == 0 &&
	       a->has_nexthop == b->has_nexthop && (!a->has_nexthop || a->nexthop.s_addr == b->nexthop.s_addr);
}

static void remove_at(int i)
{
	free(routes[i]);
	ARRAY_DEL(routes, n_routes, i);
	n_routes--;
}

void tun_route_vrf_deleted(const char *vrf)
{
	for (int i = n_routes - 1; i >= 0; i--)
		if (strcmp(routes[i]->r.vrf, vrf) == 0)
			remove_at(i);
}

/* Is a one of the router's own interface addresses (in that VRF)? */
static bool own_address(const char *vrf, struct in_addr a)
{
	for (int i = 0; i < tun_if_total(); i++) {
		const struct tunnel_ifconf *ic = &tun_if_nth(i)->c;
		if (strcmp(ic->vrf, vrf) != 0 || ic->ipv4_method != TUNNEL_IPV4_STATIC)
			continue;
		if (ic->ipv4.addr.s_addr && ic->ipv4.addr.s_addr == a.s_addr)
			return true;
		for (int k = 0; k < ic->n_secondary; k++)
			if (ic->secondary[k].addr.s_addr == a.s_addr)
				return true;
	}
	return false;
}

static int do_route(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	int i = no ? 3 : 2;
	struct tunnel_route r;
	memset(&r, 0, sizeof r);
	r.distance = 1;
	const struct cmdarg *a = cmd_arg(c, i);
	if (a->kind == ARG_KEYWORD) { /* vrf NAME */
		const char *vrf = cmd_arg(c, i + 1)->text;
		if (!tun_vrf_get(vrf)) {
			cmd_err(c, "%%IP routing table %s does not exist. Create first", vrf);
			return -1;
		}
		snprintf(r.vrf, sizeof r.vrf, "%s", vrf);
		i += 2;
	}
	tun_ip4_parse(cmd_arg(c, i)->text, &r.prefix);
	tun_ip4_parse(cmd_arg(c, i + 1)->text, &r.mask);
	i += 2;
	if (!tun_mask_contiguous(r.mask)) {
		cmd_err(c, "%% Bad mask 0x%08X for address %s", ntohl(r.mask.s_addr), tun_ip4(r.prefix));
		return -1;
	}
	if ((r.prefix.s_addr & ~r.mask.s_addr) != 0) {
		cmd_err(c, "%% Inconsistent address and mask");
		return -1;
	}
	if (no && i >= c->cmd->nargs) { /* no ip route P M: every path to the prefix */
		int removed = 0;
		for (int k = n_routes - 1; k >= 0; k--)
			if (strcmp(routes[k]->r.vrf, r.vrf) == 0 && routes[k]->r.prefix.s_addr == r.prefix.s_addr &&
			    routes[k]->r.mask.s_addr == r.mask.s_addr) {
				remove_at(k);
				removed++;
			}
		if (!removed) {
			cmd_err(c, "%%No matching route to delete");
			return -1;
		}
		return 0;
	}
	a = cmd_arg(c, i);
	if (a->kind == ARG_IPV4) {
		r.has_nexthop = true;
		tun_ip4_parse(a->text, &r.nexthop);
		i++;
	} else {
		if (strcmp(a->name, "Null") == 0)
			snprintf(r.ifname, sizeof r.ifname, "Null0");
		else if (tun_ifname_at(c, i, r.ifname, sizeof r.ifname) != 0)
			return -1;
		i += 2;
		a = cmd_arg(c, i);
		if (a && a->kind == ARG_IPV4) {
			r.has_nexthop = true;
			tun_ip4_parse(a->text, &r.nexthop);
			i++;
		}
	}
	bool seen_dist = false, seen_tag = false, seen_name = false;
	for (; i < c->cmd->nargs; i++) {
		a = cmd_arg(c, i);
		bool dup = false;
		if (a->kind == ARG_NUMBER) {
			dup = seen_dist;
			seen_dist = true;
			r.distance = (int)a->num;
		} else if (strcmp(a->name, "tag") == 0) {
			dup = seen_tag;
			seen_tag = true;
			r.tag = cmd_arg(c, i + 1)->num;
		} else if (strcmp(a->name, "permanent") == 0) {
			dup = r.permanent || r.track;
			r.permanent = true;
		} else if (strcmp(a->name, "track") == 0) {
			dup = r.permanent || r.track;
			r.track = (int)cmd_arg(c, i + 1)->num;
		} else if (strcmp(a->name, "name") == 0) {
			dup = seen_name;
			seen_name = true;
			if (!tun_copy_name(c, "Next hop name", r.name, sizeof r.name, cmd_arg(c, i + 1)->text))
				return -1;
		}
		if (dup) {
			tun_invalid_at(c, i);
			return -1;
		}
		if (a->kind == ARG_KEYWORD && strcmp(a->name, "permanent") != 0)
			i++;
	}
	if (r.has_nexthop && !no && own_address(r.vrf, r.nexthop)) {
		cmd_err(c, "%%Invalid next hop address (it's this router)");
		return -1;
	}
	for (int k = 0; k < n_routes; k++)
		if (same_path(&routes[k]->r, &r)) {
			if (no) {
				remove_at(k);
				return 0;
			}
			routes[k]->r = r;
			routes[k]->line = c->src_line;
			return 0;
		}
	if (no) {
		cmd_err(c, "%%No matching route to delete");
		return -1;
	}
	struct troute *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	t->r = r;
	t->line = c->src_line;
	t->order = next_order++;
	if (n_routes == cap_routes) {
		cap_routes = cap_routes ? cap_routes * 2 : 16;
		routes = realloc(routes, (size_t)cap_routes * sizeof *routes);
		if (!routes)
			abort();
	}
	routes[n_routes++] = t;
	return 0;
}

int h_tunnel_route(struct cmdctx *c)
{
	int rc = do_route(c);
	tun_track_poll();
	return rc;
}

/* ---- running-config ---- */

static int route_cmp(const void *pa, const void *pb)
{
	const struct troute *x = *(struct troute *const *)pa, *y = *(struct troute *const *)pb;
	int v = strcmp(x->r.vrf, y->r.vrf);
	if (v)
		return v;
	uint32_t ax = ntohl(x->r.prefix.s_addr), ay = ntohl(y->r.prefix.s_addr);
	if (ax != ay)
		return ax < ay ? -1 : 1;
	uint32_t mx = ntohl(x->r.mask.s_addr), my = ntohl(y->r.mask.s_addr);
	if (mx != my)
		return mx < my ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void tun_route_text(const struct tunnel_route *r, struct buf *b)
{
	buf_adds(b, "ip route ");
	if (r->vrf[0])
		buf_printf(b, "vrf %s ", r->vrf);
	buf_printf(b, "%s %s", tun_ip4(r->prefix), tun_ip4(r->mask));
	if (r->ifname[0])
		buf_printf(b, " %s", r->ifname);
	if (r->has_nexthop)
		buf_printf(b, " %s", tun_ip4(r->nexthop));
	if (r->distance != 1)
		buf_printf(b, " %d", r->distance);
	if (r->tag)
		buf_printf(b, " tag %ld", r->tag);
	if (r->permanent)
		buf_adds(b, " permanent");
	if (r->name[0])
		buf_printf(b, " name %s", r->name);
	if (r->track)
		buf_printf(b, " track %d", r->track);
}

static struct troute **sorted_routes(void)
{
	return tun_sorted_copy((void *const *)routes, n_routes, route_cmp);
}

static void write_routes(struct buf *b)
{
	struct troute **v = sorted_routes();
	/* global table first, then the VRFs */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n_routes; i++) {
			if ((v[i]->r.vrf[0] != 0) != (pass == 1))
				continue;
			tun_route_text(&v[i]->r, b);
			buf_addc(b, '\n');
		}
	if (n_routes)
		buf_adds(b, "!\n");
	free(v);
}

static void reset_routes(void)
{
	for (int i = 0; i < n_routes; i++)
		free(routes[i]);
	free(routes);
	routes = NULL;
	n_routes = cap_routes = 0;
	next_order = 0;
}

static void check_routes(struct problem_list *p)
{
	struct troute **v = sorted_routes();
	for (int i = 0; i < n_routes; i++) {
		const struct tunnel_route *r = &v[i]->r;
		struct buf t;
		buf_init(&t);
		tun_route_text(r, &t);
		if (r->vrf[0] && !tunnel_vrf_exists(r->vrf))
			problem_add(p, v[i]->line, "%s: VRF %s is not defined", buf_cstr(&t), r->vrf);
		if (r->ifname[0] && strcmp(r->ifname, "Null0") != 0 && !tunnel_interface_exists(r->ifname))
			problem_add(p, v[i]->line, "%s: interface %s does not exist", buf_cstr(&t), r->ifname);
		if (r->track && !tunnel_track_exists(r->track))
			problem_add(p, v[i]->line, "%s: track object %d does not exist", buf_cstr(&t), r->track);
		buf_free(&t);
	}
	free(v);
}

static struct config_section sec_routes = { "route", ORDER_ROUTE, write_routes, reset_routes, check_routes, NULL };

__attribute__((constructor)) static void routes_init(void)
{
	config_section_register(&sec_routes);
}
