/* crypto ikev2 authorization policy: the attributes a FlexVPN server pushes
 * to its peers in the configuration exchange (pool, DNS, WINS, routes ...). */
#include "flexvpn/config.h"
#include "lib/array.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/cmd.h"
#include "lib/config_registry.h"

static struct flexvpn_author *policies;
static struct flexvpn_author builtin_default; /* what "default" is when never configured */

static void author_init_obj(struct flexvpn_author *a, const char *name)
{
	memset(a, 0, sizeof *a);
	snprintf(a->name, sizeof a->name, "%s", name);
	a->is_default = strcmp(name, "default") == 0;
	a->flow_limit = -1;
}

static struct flexvpn_author *author_find(const char *name)
{
	for (struct flexvpn_author *a = policies; a; a = a->next)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

const struct flexvpn_author *flexvpn_author_find(const char *name)
{
	const struct flexvpn_author *a = author_find(name);
	if (!a && strcmp(name, "default") == 0)
		return &builtin_default;
	return a;
}

const struct flexvpn_author *flexvpn_author_first(void) { return policies; }

static void author_reset(void)
{
	while (policies) {
		struct flexvpn_author *a = policies;
		policies = a->next;
		free(a);
	}
	author_init_obj(&builtin_default, "default");
}

/* crypto ikev2 authorization policy {NAME|default} */
int h_fv_author_policy(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 5 : 4)->text;
	if (strlen(name) >= FLEXVPN_NAME_MAX) {
		cmd_err(c, "%% Authorization policy name \"%s\" is too long (at most %d characters)",
			name, FLEXVPN_NAME_MAX - 1);
		return -1;
	}
	struct flexvpn_author *a = author_find(name);
	if (no) {
		if (!a) {
			if (strcmp(name, "default") == 0)
				return 0;
			cmd_err(c, "%% IKEv2 authorization policy %s does not exist", name);
			return -1;
		}
		for (struct flexvpn_author **pp = &policies; *pp; pp = &(*pp)->next)
			if (*pp == a) {
				*pp = a->next;
				break;
			}
		free(a);
		return 0;
	}
	if (!a) {
		a = malloc(sizeof *a);
		if (!a)
			abort();
		author_init_obj(a, name);
		a->src_line = c->src_line;
		struct flexvpn_author **tail = &policies;
		while (*tail)
			tail = &(*tail)->next;
		*tail = a;
	}
	cmd_enter(c, MODE_IKEV2_AUTHOR, a);
	return 0;
}

static bool parse_mask(struct cmdctx *c, const char *text, struct in_addr *out)
{
	inet_pton(AF_INET, text, out);
	uint32_t m = ntohl(out->s_addr);
	if (m & (~m >> 1)) { /* a 1 after a 0 */
		cmd_err(c, "%% Invalid netmask %s: the mask bits must be contiguous", text);
		return false;
	}
	return true;
}

/* Add or remove name in a list of up to max names. */
static int list_edit(struct cmdctx *c, bool no, char (*list)[FLEXVPN_DOMAIN_MAX], int *n, int max,
		     const char *what, const char *name)
{
	int found = -1;
	for (int i = 0; name && i < *n; i++)
		if (strcmp(list[i], name) == 0)
			found = i;
	if (no) {
		if (!name) {
			*n = 0;
		} else if (found >= 0) {
			ARRAY_DEL(list, *n, found);
			(*n)--;
		}
		return 0;
	}
	if (found >= 0)
		return 0;
	if (*n == max) {
		cmd_err(c, "%% At most %d %s entries can be configured", max, what);
		return -1;
	}
	if (strlen(name) >= FLEXVPN_DOMAIN_MAX) {
		cmd_err(c, "%% %s \"%s\" is too long", what, name);
		return -1;
	}
	snprintf(list[(*n)++], sizeof list[0], "%s", name);
	return 0;
}

static int addr_list(struct cmdctx *c, int from, int family, void *out, int max)
{
	int n = 0;
	for (int i = from; i < c->cmd->nargs && n < max; i++) {
		const struct cmdarg *a = cmd_arg(c, i);
		if (a->kind != (family == AF_INET ? ARG_IPV4 : ARG_IPV6))
			continue;
		if (family == AF_INET)
			inet_pton(AF_INET, a->text, &((struct in_addr *)out)[n++]);
		else
			inet_pton(AF_INET6, a->text, &((struct in6_addr *)out)[n++]);
	}
	return n;
}

/* Every command of the policy sub-mode. */
int h_fv_author_set(struct cmdctx *c)
{
	struct flexvpn_author *a = c->objs[MODE_IKEV2_AUTHOR];
	bool no = cmd_negated(c);
	int i0 = no ? 1 : 0;
	const char *kw = cmd_arg(c, i0)->name;
	const struct cmdarg *v = cmd_arg(c, i0 + 1); /* first value, may be NULL */

	if (strcmp(kw, "pool") == 0) {
		if (no) {
			a->pool[0] = 0;
			return 0;
		}
		if (!flexvpn_copy_name(c, "Pool name", a->pool, sizeof a->pool, v->text))
			return -1;
		a->pool_line = c->src_line;
	} else if (strcmp(kw, "dns") == 0) {
		a->n_dns = no ? 0 : addr_list(c, i0 + 1, AF_INET, a->dns, 2);
	} else if (strcmp(kw, "wins") == 0) {
		a->n_wins = no ? 0 : addr_list(c, i0 + 1, AF_INET, a->wins, 2);
	} else if (strcmp(kw, "netmask") == 0) {
		if (no) {
			a->netmask_set = false;
			return 0;
		}
		struct in_addr m;
		if (!parse_mask(c, v->text, &m))
			return -1;
		a->netmask = m;
		a->netmask_set = true;
	} else if (strcmp(kw, "def-domain") == 0) {
		if (no)
			a->def_domain[0] = 0;
		else if (!flexvpn_copy_name(c, "Domain name", a->def_domain, sizeof a->def_domain, v->text))
			return -1;
	} else if (strcmp(kw, "split-dns") == 0) {
		return list_edit(c, no, a->split_dns, &a->n_split_dns, FLEXVPN_MAX_SPLIT_DNS,
				 "split-dns", v ? v->text : NULL);
	} else if (strcmp(kw, "backup-gateway") == 0) {
		return list_edit(c, no, a->backup_gw, &a->n_backup_gw, FLEXVPN_MAX_BACKUP_GW,
				 "backup-gateway", v ? v->text : NULL);
	} else if (strcmp(kw, "subnet-acl") == 0) {
		if (no) {
			a->subnet_acl[0] = 0;
			return 0;
		}
		if (!flexvpn_copy_name(c, "Access list name", a->subnet_acl, sizeof a->subnet_acl, v->text))
			return -1;
		a->subnet_acl_line = c->src_line;
	} else if (strcmp(kw, "pfs") == 0) {
		a->pfs = !no;
	} else if (strcmp(kw, "include-local-lan") == 0) {
		a->include_local_lan = !no;
	} else if (strcmp(kw, "smartcard-removal-disconnect") == 0) {
		a->smartcard_removal_disconnect = !no;
	} else if (strcmp(kw, "session-lifetime") == 0) {
		a->session_lifetime = no ? 0 : v->num;
	} else if (strcmp(kw, "ipsec") == 0) {
		a->flow_limit = no ? -1 : cmd_num_after(c, "flow-limit", -1);
	} else if (strcmp(kw, "aaa") == 0) {
		if (no)
			a->aaa_attr_list[0] = 0;
		else if (!flexvpn_copy_name(c, "Attribute list name", a->aaa_attr_list,
					    sizeof a->aaa_attr_list, cmd_text_after(c, "list")))
			return -1;
	} else if (strcmp(kw, "dhcp") == 0) {
		const char *what = v->name;
		const struct cmdarg *val = cmd_arg(c, i0 + 2);
		if (strcmp(what, "server") == 0) {
			if (no)
				a->dhcp_server[0] = 0;
			else if (!flexvpn_copy_name(c, "DHCP server", a->dhcp_server, sizeof a->dhcp_server,
						    val->text))
				return -1;
		} else if (strcmp(what, "giaddr") == 0) {
			a->dhcp_giaddr_set = !no;
			if (!no)
				inet_pton(AF_INET, val->text, &a->dhcp_giaddr);
		} else {
			a->dhcp_timeout = no ? 0 : (int)val->num;
		}
	} else if (strcmp(kw, "ipv6") == 0) {
		const char *what = v->name;
		const struct cmdarg *val = cmd_arg(c, i0 + 2);
		if (strcmp(what, "pool") == 0) {
			if (no)
				a->ipv6_pool[0] = 0;
			else if (!flexvpn_copy_name(c, "Pool name", a->ipv6_pool, sizeof a->ipv6_pool, val->text))
				return -1;
		} else if (strcmp(what, "dns") == 0) {
			a->n_dns6 = no ? 0 : addr_list(c, i0 + 2, AF_INET6, a->dns6, 2);
		} else {
			a->ipv6_prefix = no ? 0 : (int)val->num;
		}
	} else {
		cmd_err(c, "%% Unhandled authorization policy command \"%s\"", kw);
		return -1;
	}
	return 0;
}

static bool route4_eq(const struct flexvpn_route4 *x, const struct flexvpn_route4 *y)
{
	return x->addr.s_addr == y->addr.s_addr && x->mask.s_addr == y->mask.s_addr;
}

static bool route6_eq(const struct flexvpn_route6 *x, const struct flexvpn_route6 *y)
{
	return x->plen == y->plen && memcmp(&x->addr, &y->addr, sizeof x->addr) == 0;
}

/* route set {interface [IF] | access-list [ipv6] NAME | remote ipv4 A M | remote ipv6 P}
 * route accept any [tag N] [distance N] */
int h_fv_author_route(struct cmdctx *c)
{
	struct flexvpn_author *a = c->objs[MODE_IKEV2_AUTHOR];
	bool no = cmd_negated(c);
	int i0 = no ? 1 : 0;
	const char *what = cmd_arg(c, i0 + 1)->name; /* set / accept */

	if (strcmp(what, "accept") == 0) {
		a->route_accept_any = !no;
		a->accept_tag = no ? 0 : cmd_num_after(c, "tag", 0);
		a->accept_distance = no ? 0 : (int)cmd_num_after(c, "distance", 0);
		return 0;
	}
	const struct cmdarg *kind = cmd_arg(c, i0 + 2);
	if (!kind) { /* "no route set": everything route set */
		a->route_set_interface = false;
		a->route_set_ifname[0] = 0;
		a->route_acl[0] = a->route_acl6[0] = 0;
		a->n_remote4 = a->n_remote6 = 0;
		return 0;
	}
	if (strcmp(kind->name, "interface") == 0) {
		a->route_set_interface = !no;
		a->route_set_ifname[0] = 0;
		if (!no && c->cmd->nargs > i0 + 4)
			flexvpn_ifname_at(c, i0 + 3, a->route_set_ifname, sizeof a->route_set_ifname);
		a->route_if_line = c->src_line;
		return 0;
	}
	if (strcmp(kind->name, "access-list") == 0) {
		bool v6 = cmd_has(c, "ipv6");
		char *dst = v6 ? a->route_acl6 : a->route_acl;
		if (no) {
			dst[0] = 0;
			return 0;
		}
		const char *name = cmd_arg(c, i0 + (v6 ? 4 : 3))->text;
		if (!flexvpn_copy_name(c, "Access list name", dst, FLEXVPN_NAME_MAX, name))
			return -1;
		if (v6)
			a->route_acl6_line = c->src_line;
		else
			a->route_acl_line = c->src_line;
		return 0;
	}
	/* remote */
	const struct cmdarg *fam = cmd_arg(c, i0 + 3);
	if (!fam) { /* no route set remote */
		a->n_remote4 = a->n_remote6 = 0;
		return 0;
	}
	if (strcmp(fam->name, "ipv4") == 0) {
		if (c->cmd->nargs <= i0 + 4) {
			a->n_remote4 = 0;
			return 0;
		}
		struct flexvpn_route4 r;
		inet_pton(AF_INET, cmd_arg(c, i0 + 4)->text, &r.addr);
		if (!parse_mask(c, cmd_arg(c, i0 + 5)->text, &r.mask))
			return -1;
		int found = -1;
		for (int i = 0; i < a->n_remote4; i++)
			if (route4_eq(&a->remote4[i], &r))
				found = i;
		if (no) {
			if (found < 0) {
				cmd_err(c, "%% No such route set remote ipv4 entry");
				return -1;
			}
			memmove(&a->remote4[found], &a->remote4[found + 1],
				(size_t)(a->n_remote4 - found - 1) * sizeof r);
			a->n_remote4--;
			return 0;
		}
		if (found >= 0)
			return 0;
		if (a->n_remote4 == FLEXVPN_MAX_ROUTES) {
			cmd_err(c, "%% At most %d route set remote ipv4 entries can be configured",
				FLEXVPN_MAX_ROUTES);
			return -1;
		}
		a->remote4[a->n_remote4++] = r;
		return 0;
	}
	if (c->cmd->nargs <= i0 + 4) {
		a->n_remote6 = 0;
		return 0;
	}
	struct flexvpn_route6 r;
	char tmp[INET6_ADDRSTRLEN + 8];
	snprintf(tmp, sizeof tmp, "%s", cmd_arg(c, i0 + 4)->text);
	char *slash = strchr(tmp, '/');
	*slash = 0;
	r.plen = atoi(slash + 1);
	inet_pton(AF_INET6, tmp, &r.addr);
	int found = -1;
	for (int i = 0; i < a->n_remote6; i++)
		if (route6_eq(&a->remote6[i], &r))
			found = i;
	if (no) {
		if (found < 0) {
			cmd_err(c, "%% No such route set remote ipv6 entry");
			return -1;
		}
		memmove(&a->remote6[found], &a->remote6[found + 1],
			(size_t)(a->n_remote6 - found - 1) * sizeof r);
		a->n_remote6--;
		return 0;
	}
	if (found >= 0)
		return 0;
	if (a->n_remote6 == FLEXVPN_MAX_ROUTES) {
		cmd_err(c, "%% At most %d route set remote ipv6 entries can be configured",
			FLEXVPN_MAX_ROUTES);
		return -1;
	}
	a->remote6[a->n_remote6++] = r;
	return 0;
}

/* ---- running-config ---- */

static void write_addrs(struct buf *b, const char *kw, const struct in_addr *v, int n)
{
	char s[INET_ADDRSTRLEN];
	buf_printf(b, " %s", kw);
	for (int i = 0; i < n; i++) {
		inet_ntop(AF_INET, &v[i], s, sizeof s);
		buf_printf(b, " %s", s);
	}
	buf_addc(b, '\n');
}

/* The lines of the policy's sub-mode. */
static void author_write_body(struct buf *b, const struct flexvpn_author *a)
{
	char s[INET6_ADDRSTRLEN], m[INET_ADDRSTRLEN];
	if (a->pool[0])
		buf_printf(b, " pool %s\n", a->pool);
	if (a->n_dns)
		write_addrs(b, "dns", a->dns, a->n_dns);
	if (a->n_wins)
		write_addrs(b, "wins", a->wins, a->n_wins);
	if (a->netmask_set)
		write_addrs(b, "netmask", &a->netmask, 1);
	if (a->def_domain[0])
		buf_printf(b, " def-domain %s\n", a->def_domain);
	for (int i = 0; i < a->n_split_dns; i++)
		buf_printf(b, " split-dns %s\n", a->split_dns[i]);
	for (int i = 0; i < a->n_backup_gw; i++)
		buf_printf(b, " backup-gateway %s\n", a->backup_gw[i]);
	if (a->dhcp_server[0])
		buf_printf(b, " dhcp server %s\n", a->dhcp_server);
	if (a->dhcp_giaddr_set)
		write_addrs(b, "dhcp giaddr", &a->dhcp_giaddr, 1);
	if (a->dhcp_timeout)
		buf_printf(b, " dhcp timeout %d\n", a->dhcp_timeout);
	if (a->subnet_acl[0])
		buf_printf(b, " subnet-acl %s\n", a->subnet_acl);
	if (a->pfs)
		buf_adds(b, " pfs\n");
	if (a->include_local_lan)
		buf_adds(b, " include-local-lan\n");
	if (a->smartcard_removal_disconnect)
		buf_adds(b, " smartcard-removal-disconnect\n");
	if (a->session_lifetime)
		buf_printf(b, " session-lifetime %ld\n", a->session_lifetime);
	if (a->flow_limit >= 0)
		buf_printf(b, " ipsec flow-limit %ld\n", a->flow_limit);
	if (a->aaa_attr_list[0])
		buf_printf(b, " aaa attribute list %s\n", a->aaa_attr_list);
	if (a->ipv6_pool[0])
		buf_printf(b, " ipv6 pool %s\n", a->ipv6_pool);
	if (a->n_dns6) {
		buf_adds(b, " ipv6 dns");
		for (int i = 0; i < a->n_dns6; i++) {
			inet_ntop(AF_INET6, &a->dns6[i], s, sizeof s);
			buf_printf(b, " %s", s);
		}
		buf_addc(b, '\n');
	}
	if (a->ipv6_prefix)
		buf_printf(b, " ipv6 prefix %d\n", a->ipv6_prefix);
	if (a->route_set_interface)
		buf_printf(b, " route set interface%s%s\n", a->route_set_ifname[0] ? " " : "",
			   a->route_set_ifname);
	if (a->route_acl[0])
		buf_printf(b, " route set access-list %s\n", a->route_acl);
	if (a->route_acl6[0])
		buf_printf(b, " route set access-list ipv6 %s\n", a->route_acl6);
	for (int i = 0; i < a->n_remote4; i++) {
		inet_ntop(AF_INET, &a->remote4[i].addr, s, sizeof s);
		inet_ntop(AF_INET, &a->remote4[i].mask, m, sizeof m);
		buf_printf(b, " route set remote ipv4 %s %s\n", s, m);
	}
	for (int i = 0; i < a->n_remote6; i++) {
		inet_ntop(AF_INET6, &a->remote6[i].addr, s, sizeof s);
		buf_printf(b, " route set remote ipv6 %s/%d\n", s, a->remote6[i].plen);
	}
	if (a->route_accept_any) {
		/* IOS ends the bare form with a blank ("route accept any "). */
		if (!a->accept_tag && !a->accept_distance)
			buf_adds(b, " route accept any \n");
		else {
			buf_adds(b, " route accept any");
			if (a->accept_tag)
				buf_printf(b, " tag %ld", a->accept_tag);
			if (a->accept_distance)
				buf_printf(b, " distance %d", a->accept_distance);
			buf_addc(b, '\n');
		}
	}
}

static void author_write(struct buf *b)
{
	struct buf body;
	buf_init(&body);
	for (const struct flexvpn_author *a = policies; a; a = a->next) {
		buf_reset(&body);
		author_write_body(&body, a);
		/* The default policy exists anyway: IOS shows it only once changed. */
		if (a->is_default && body.len == 0)
			continue;
		buf_printf(b, "crypto ikev2 authorization policy %s\n", a->name);
		buf_add(b, body.p, body.len);
		buf_adds(b, "!\n");
	}
	buf_free(&body);
}

static void author_check(struct problem_list *p)
{
	for (const struct flexvpn_author *a = policies; a; a = a->next) {
		if (a->pool[0] && !flexvpn_pool_exists(a->pool))
			problem_add(p, a->pool_line,
				    "IKEv2 authorization policy %s: ip local pool %s does not exist",
				    a->name, a->pool);
		if (a->route_acl[0] && flexvpn_ref_acl(a->route_acl) == 0)
			problem_add(p, a->route_acl_line,
				    "IKEv2 authorization policy %s: route set access-list %s does not exist",
				    a->name, a->route_acl);
		if (a->route_acl6[0] && flexvpn_ref_acl(a->route_acl6) == 0)
			problem_add(p, a->route_acl6_line,
				    "IKEv2 authorization policy %s: route set access-list ipv6 %s does not exist",
				    a->name, a->route_acl6);
		if (a->subnet_acl[0] && flexvpn_ref_acl(a->subnet_acl) == 0)
			problem_add(p, a->subnet_acl_line,
				    "IKEv2 authorization policy %s: subnet-acl %s does not exist",
				    a->name, a->subnet_acl);
		if (a->route_set_ifname[0] && flexvpn_ref_interface(a->route_set_ifname) == 0)
			problem_add(p, a->route_if_line,
				    "IKEv2 authorization policy %s: route set interface %s does not exist",
				    a->name, a->route_set_ifname);
	}
}

static struct config_section sec_author = {
	"crypto ikev2 authorization policy", ORDER_IKEV2_AUTHOR, author_write, author_reset, author_check, NULL
};

__attribute__((constructor)) static void author_init(void)
{
	author_init_obj(&builtin_default, "default");
	config_section_register(&sec_author);
}
