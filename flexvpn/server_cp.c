/* FlexVPN server: the CFG_REPLY from the authorization attributes and
 * the subnets of a CFG_SET (see flexvpn/server_authz.h).
 *
 * What the reply holds:
 *   INTERNAL_IP4_ADDRESS   the pool address, when the peer asked for one
 *   INTERNAL_IP4_NETMASK   "netmask", with the address
 *   INTERNAL_IP4_DNS/NBNS  "dns", "wins"
 *   INTERNAL_IP4_SUBNET    "route set interface" (the address as /32),
 *                          "route set access-list" (its permit entries),
 *                          "route set remote ipv4"
 *   INTERNAL_DNS_DOMAIN    RFC 8598: "split-dns" domains and "def-domain",
 *                          when the peer asked for that attribute
 *   Cisco DEF_DOMAIN, SPLIT_DNS (comma-separated), BACKUP_SERVERS
 *                          when the peer asked for them or sent the
 *                          FLEXVPN-SUPPORTED vendor ID
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "flexvpn/server_authz.h"
#include "tunnel/tunnel.h"

bool flexvpn_cp_asked(const struct ikev2_cp *req, uint16_t type)
{
	if (!req)
		return false;
	for (unsigned i = 0; i < req->n; i++)
		if (req->attrs[i].type == type)
			return true;
	return false;
}

bool flexvpn_cp_requested_addr(const struct ikev2_cp *req, struct in_addr *out)
{
	if (!req)
		return false;
	for (unsigned i = 0; i < req->n; i++) {
		const struct ikev2_cp_attr *a = &req->attrs[i];
		if (a->type == IKEV2_CFG_INTERNAL_IP4_ADDRESS && a->len == 4) {
			memcpy(&out->s_addr, a->value, 4);
			if (out->s_addr)
				return true;
		}
	}
	return false;
}

static void add(struct ikev2_cp *cp, uint16_t type, const void *v, size_t len)
{
	if (cp->n >= IKEV2_CP_MAX_ATTRS || len > IKEV2_CP_ATTR_MAX)
		return;
	struct ikev2_cp_attr *a = &cp->attrs[cp->n++];
	a->type = type;
	a->len = (uint16_t)len;
	if (len)
		memcpy(a->value, v, len);
}

static void add_str(struct ikev2_cp *cp, uint16_t type, const char *s)
{
	add(cp, type, s, strlen(s));
}

static void add_addr(struct ikev2_cp *cp, uint16_t type, struct in_addr a)
{
	add(cp, type, &a.s_addr, 4);
}

/* "a,b,c" of n strings (Cisco list attributes). */
static void joined(const char (*list)[FLEXVPN_DOMAIN_MAX], int n, char *out, size_t len)
{
	size_t k = 0;
	out[0] = 0;
	for (int i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(out + k, len - k, "%s%s", i ? "," : "", list[i]);
}

static int push_route(struct flexvpn_route4 *out, int n, int max, struct in_addr a,
		      struct in_addr m)
{
	if (n >= max)
		return n;
	for (int i = 0; i < n; i++)
		if (out[i].addr.s_addr == (a.s_addr & m.s_addr) && out[i].mask.s_addr == m.s_addr)
			return n;
	out[n].addr.s_addr = a.s_addr & m.s_addr;
	out[n].mask = m;
	return n + 1;
}

static struct in_addr wild_to_mask(struct in_addr w)
{
	struct in_addr m = {~w.s_addr};
	return m;
}

/* Permit entries of an ACL as subnets: standard lists their source,
 * extended lists their destination (the source when the destination is
 * any).  Non-contiguous wildcards cannot be a route and are skipped. */
static int acl_routes(const char *name, struct flexvpn_route4 *out, int n, int max)
{
	const struct tunnel_acl *acl = tunnel_acl_find(name);
	if (!acl)
		return n;
	for (int i = 0; i < acl->n_aces; i++) {
		const struct tunnel_ace *e = &acl->aces[i];
		if (e->is_remark || !e->permit)
			continue;
		struct in_addr a = e->src, w = e->src_wild;
		if (acl->extended && e->dst_wild.s_addr != 0xffffffffu) {
			a = e->dst;
			w = e->dst_wild;
		}
		if (tunnel_wildcard_plen(w) < 0)
			continue;
		n = push_route(out, n, max, a, wild_to_mask(w));
	}
	return n;
}

int flexvpn_authz_routes(const struct flexvpn_cp_in *in, struct flexvpn_route4 *out, int max)
{
	const struct flexvpn_authz *az = in->az;
	int n = 0;
	struct in_addr host = {0xffffffffu};
	if (az->route_set_interface) {
		struct in_addr a, m;
		const struct tunnel_ifconf *ifc =
			az->route_set_ifname[0] ? tunnel_if_find(az->route_set_ifname) : NULL;
		if (ifc && tunnel_if_ipv4(ifc, &a, &m))
			n = push_route(out, n, max, a, host);
		else if (!az->route_set_ifname[0] && in->have_if_addr)
			n = push_route(out, n, max, in->if_addr, host);
	}
	if (az->route_acl[0])
		n = acl_routes(az->route_acl, out, n, max);
	for (int i = 0; i < az->n_remote4; i++)
		n = push_route(out, n, max, az->remote4[i].addr, az->remote4[i].mask);
	return n;
}

void flexvpn_cp_reply(const struct flexvpn_cp_in *in, struct ikev2_cp *reply)
{
	const struct flexvpn_authz *az = in->az;
	const struct ikev2_cp *req = in->req;
	memset(reply, 0, sizeof(*reply));
	reply->type = IKEV2_CP_REPLY;
	if (in->have_addr) {
		add_addr(reply, IKEV2_CFG_INTERNAL_IP4_ADDRESS, in->addr);
		if (az->netmask_set)
			add_addr(reply, IKEV2_CFG_INTERNAL_IP4_NETMASK, az->netmask);
	}
	for (int i = 0; i < az->n_dns; i++)
		add_addr(reply, IKEV2_CFG_INTERNAL_IP4_DNS, az->dns[i]);
	for (int i = 0; i < az->n_wins; i++)
		add_addr(reply, IKEV2_CFG_INTERNAL_IP4_NBNS, az->wins[i]);
	struct flexvpn_route4 r[FLEXVPN_AUTHZ_MAX_ROUTES];
	int nr = flexvpn_authz_routes(in, r, FLEXVPN_AUTHZ_MAX_ROUTES);
	for (int i = 0; i < nr; i++) {
		uint8_t v[8];
		memcpy(v, &r[i].addr.s_addr, 4);
		memcpy(v + 4, &r[i].mask.s_addr, 4);
		add(reply, IKEV2_CFG_INTERNAL_IP4_SUBNET, v, 8);
	}
	if (flexvpn_cp_asked(req, IKEV2_CFG_INTERNAL_DNS_DOMAIN)) {
		for (int i = 0; i < az->n_split_dns; i++)
			add_str(reply, IKEV2_CFG_INTERNAL_DNS_DOMAIN, az->split_dns[i]);
		if (az->def_domain[0])
			add_str(reply, IKEV2_CFG_INTERNAL_DNS_DOMAIN, az->def_domain);
	}
	bool cisco = in->peer_flexvpn;
	char list[IKEV2_CP_ATTR_MAX + 1];
	if (az->def_domain[0] && (cisco || flexvpn_cp_asked(req, IKEV2_CFG_CISCO_DEF_DOMAIN)))
		add_str(reply, IKEV2_CFG_CISCO_DEF_DOMAIN, az->def_domain);
	if (az->n_split_dns && (cisco || flexvpn_cp_asked(req, IKEV2_CFG_CISCO_SPLIT_DNS))) {
		joined(az->split_dns, az->n_split_dns, list,
		       sizeof(list));
		add(reply, IKEV2_CFG_CISCO_SPLIT_DNS, list, strnlen(list, IKEV2_CP_ATTR_MAX));
	}
	if (az->n_backup_gw && (cisco || flexvpn_cp_asked(req, IKEV2_CFG_CISCO_BACKUP_SERVERS))) {
		joined(az->backup_gw, az->n_backup_gw, list,
		       sizeof(list));
		add(reply, IKEV2_CFG_CISCO_BACKUP_SERVERS, list, strnlen(list, IKEV2_CP_ATTR_MAX));
	}
}

int flexvpn_cp_subnets(const struct ikev2_cp *cp, struct flexvpn_route4 *out, int max)
{
	int n = 0;
	for (unsigned i = 0; cp && i < cp->n && n < max; i++) {
		const struct ikev2_cp_attr *a = &cp->attrs[i];
		if (a->type != IKEV2_CFG_INTERNAL_IP4_SUBNET || a->len != 8)
			continue;
		struct in_addr addr, mask;
		memcpy(&addr.s_addr, a->value, 4);
		memcpy(&mask.s_addr, a->value + 4, 4);
		n = push_route(out, n, max, addr, mask);
	}
	return n;
}
