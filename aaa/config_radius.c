/* radius server NAME (address, key, timeout, retransmit) and aaa group
 * server radius NAME (server name, ip radius source-interface, ip vrf). */
#include "aaa/aaa.h"
#include "lib/array.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "grammar/cmd.h"
#include "lib/config_registry.h"

static struct aaa_radius_server *servers;
static struct aaa_radius_group *groups;

static struct aaa_radius_server *server_find(const char *name)
{
	for (struct aaa_radius_server *s = servers; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

static struct aaa_radius_group *group_find(const char *name)
{
	for (struct aaa_radius_group *g = groups; g; g = g->next)
		if (strcmp(g->name, name) == 0)
			return g;
	return NULL;
}

const struct aaa_radius_server *aaa_radius_server_find(const char *name) { return server_find(name); }
const struct aaa_radius_server *aaa_radius_server_first(void) { return servers; }
const struct aaa_radius_group *aaa_radius_group_find(const char *name) { return group_find(name); }
const struct aaa_radius_group *aaa_radius_group_first(void) { return groups; }

static void server_free(struct aaa_radius_server *s)
{
	OPENSSL_cleanse(&s->key, sizeof s->key);
	free(s);
}

static void servers_reset(void)
{
	while (servers) {
		struct aaa_radius_server *s = servers;
		servers = s->next;
		server_free(s);
	}
}

void aaa_radius_reset_groups(void)
{
	while (groups) {
		struct aaa_radius_group *g = groups;
		groups = g->next;
		free(g);
	}
}

/* ---- radius server NAME ---- */

int h_aaa_radius_server(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 3 : 2)->text;
	struct aaa_radius_server *s = server_find(name);
	if (no) {
		if (!s) {
			cmd_err(c, "%% RADIUS server %s does not exist", name);
			return -1;
		}
		for (struct aaa_radius_server **pp = &servers; *pp; pp = &(*pp)->next)
			if (*pp == s) {
				*pp = s->next;
				break;
			}
		server_free(s);
		return 0;
	}
	if (strlen(name) >= AAA_NAME_MAX) {
		cmd_err(c, "%% Server name \"%s\" is too long (at most %d characters)", name, AAA_NAME_MAX - 1);
		return -1;
	}
	if (!s) {
		s = calloc(1, sizeof *s);
		if (!s)
			abort();
		snprintf(s->name, sizeof s->name, "%s", name);
		s->auth_port = 1812;
		s->acct_port = 1813;
		s->retransmit = -1;
		s->line = c->src_line;
		struct aaa_radius_server **tail = &servers;
		while (*tail)
			tail = &(*tail)->next;
		*tail = s;
	}
	cmd_enter(c, MODE_RADIUS_SERVER, s);
	return 0;
}

/* The commands of (config-radius-server). */
int h_aaa_rs(struct cmdctx *c)
{
	struct aaa_radius_server *s = c->objs[MODE_RADIUS_SERVER];
	bool no = cmd_negated(c);
	int i0 = no ? 1 : 0;
	const char *kw = cmd_arg(c, i0)->name;
	if (strcmp(kw, "address") == 0) {
		if (no) {
			s->addr_set = false;
			s->auth_port = 1812;
			s->acct_port = 1813;
			return 0;
		}
		inet_pton(AF_INET, cmd_arg(c, i0 + 2)->text, &s->addr);
		s->addr_set = true;
		s->auth_port = (int)cmd_num_after(c, "auth-port", 1812);
		s->acct_port = (int)cmd_num_after(c, "acct-port", 1813);
	} else if (strcmp(kw, "key") == 0) {
		if (no) {
			s->key_set = false;
			OPENSSL_cleanse(&s->key, sizeof s->key);
			return 0;
		}
		if (!aaa_key_from_args(c, i0 + 1, &s->key))
			return -1;
		s->key_set = true;
	} else if (strcmp(kw, "timeout") == 0) {
		s->timeout = no ? 0 : (int)cmd_arg(c, i0 + 1)->num;
	} else if (strcmp(kw, "retransmit") == 0) {
		s->retransmit = no ? -1 : (int)cmd_arg(c, i0 + 1)->num;
	}
	return 0;
}

/* ---- aaa group server radius NAME ---- */

int h_aaa_group_server(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	if (!aaa_require_new_model(c, no ? 2 : 1))
		return -1;
	const char *name = cmd_arg(c, no ? 5 : 4)->text;
	struct aaa_radius_group *g = group_find(name);
	if (no) {
		if (!g) {
			cmd_err(c, "%% Server group %s does not exist", name);
			return -1;
		}
		for (struct aaa_radius_group **pp = &groups; *pp; pp = &(*pp)->next)
			if (*pp == g) {
				*pp = g->next;
				break;
			}
		free(g);
		return 0;
	}
	if (strcmp(name, "radius") == 0 || strcmp(name, "tacacs+") == 0 || strcmp(name, "ldap") == 0) {
		cmd_err(c, "%% \"%s\" is reserved: it names the list of all %s servers", name, name);
		return -1;
	}
	if (strlen(name) >= 32) {
		cmd_err(c, "%% Server group name \"%s\" is too long (at most 31 characters)", name);
		return -1;
	}
	if (!g) {
		g = calloc(1, sizeof *g);
		if (!g)
			abort();
		snprintf(g->name, sizeof g->name, "%s", name);
		g->line = c->src_line;
		struct aaa_radius_group **tail = &groups;
		while (*tail)
			tail = &(*tail)->next;
		*tail = g;
	}
	cmd_enter(c, MODE_SG_RADIUS, g);
	return 0;
}

/* The commands of (config-sg-radius). */
int h_aaa_sg(struct cmdctx *c)
{
	struct aaa_radius_group *g = c->objs[MODE_SG_RADIUS];
	bool no = cmd_negated(c);
	int i0 = no ? 1 : 0;
	const char *kw = cmd_arg(c, i0)->name;
	if (strcmp(kw, "server") == 0) {
		const char *name = cmd_arg(c, i0 + 2)->text;
		int at = -1;
		for (int i = 0; i < g->n_servers; i++)
			if (strcmp(g->servers[i], name) == 0)
				at = i;
		if (no) {
			if (at < 0) {
				cmd_err(c, "%% Server %s is not in server group %s", name, g->name);
				return -1;
			}
			ARRAY_DEL(g->servers, g->n_servers, at);
			ARRAY_DEL(g->server_line, g->n_servers, at);
			g->n_servers--;
			return 0;
		}
		if (at >= 0)
			return 0;
		if (strlen(name) >= AAA_NAME_MAX) {
			cmd_err(c, "%% Server name \"%s\" is too long", name);
			return -1;
		}
		if (g->n_servers == AAA_MAX_GROUP_SERVERS) {
			cmd_err(c, "%% At most %d servers in a server group", AAA_MAX_GROUP_SERVERS);
			return -1;
		}
		g->server_line[g->n_servers] = c->src_line;
		snprintf(g->servers[g->n_servers++], sizeof g->servers[0], "%s", name);
		return 0;
	}
	const char *what = cmd_arg(c, i0 + 1)->name; /* ip radius / ip vrf */
	if (strcmp(what, "radius") == 0) {
		g->source_if[0] = 0;
		if (!no)
			aaa_ifname_at(c, i0 + 3, g->source_if, sizeof g->source_if);
	} else {
		const struct cmdarg *v = cmd_arg(c, i0 + 3);
		g->vrf[0] = 0;
		if (!no) {
			if (strlen(v->text) >= AAA_NAME_MAX) {
				cmd_err(c, "%% VRF name \"%s\" is too long", v->text);
				return -1;
			}
			snprintf(g->vrf, sizeof g->vrf, "%s", v->text);
		}
	}
	return 0;
}

/* ---- running-config ---- */

void aaa_write_groups(struct buf *b)
{
	for (const struct aaa_radius_group *g = groups; g; g = g->next) {
		buf_printf(b, "aaa group server radius %s\n", g->name);
		for (int i = 0; i < g->n_servers; i++)
			buf_printf(b, " server name %s\n", g->servers[i]);
		if (g->vrf[0])
			buf_printf(b, " ip vrf forwarding %s\n", g->vrf);
		if (g->source_if[0])
			buf_printf(b, " ip radius source-interface %s\n", g->source_if);
		buf_adds(b, "!\n");
	}
}

static void servers_write(struct buf *b)
{
	char a[INET_ADDRSTRLEN];
	for (const struct aaa_radius_server *s = servers; s; s = s->next) {
		buf_printf(b, "radius server %s\n", s->name);
		if (s->addr_set) {
			inet_ntop(AF_INET, &s->addr, a, sizeof a);
			buf_printf(b, " address ipv4 %s auth-port %d acct-port %d\n", a, s->auth_port, s->acct_port);
		}
		if (s->timeout)
			buf_printf(b, " timeout %d\n", s->timeout);
		if (s->retransmit >= 0)
			buf_printf(b, " retransmit %d\n", s->retransmit);
		if (s->key_set) {
			if (s->key.type == 7)
				buf_printf(b, " key 7 %s\n", s->key.text);
			else
				buf_printf(b, " key %s\n", s->key.text);
		}
		buf_adds(b, "!\n");
	}
}

/* Server groups that name RADIUS servers that do not exist. */
static void radius_check(struct problem_list *p)
{
	for (const struct aaa_radius_group *g = groups; g; g = g->next)
		for (int i = 0; i < g->n_servers; i++)
			if (!server_find(g->servers[i]))
				problem_add(p, g->server_line[i],
					    "aaa group server radius %s: radius server %s does not exist", g->name,
					    g->servers[i]);
}

static struct config_section sec_radius = { "radius server", ORDER_RADIUS, servers_write, servers_reset, radius_check, NULL };

__attribute__((constructor)) static void radius_init(void)
{
	config_section_register(&sec_radius);
}
