/* aaa new-model, aaa authentication/authorization/accounting method lists,
 * aaa session-id and aaa server radius dynamic-author (CoA/PoD). */
#include "aaa/aaa.h"
#include "lib/array.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "cli/sysconf.h"
#include "grammar/cmd.h"
#include "lib/config_registry.h"

static struct {
	bool new_model;
	enum aaa_session_id session_id;
	struct aaa_method_list *lists;
	struct aaa_dynamic_author da;
	int da_line;
} st;

static void da_defaults(void)
{
	OPENSSL_cleanse(&st.da, sizeof st.da);
	memset(&st.da, 0, sizeof st.da);
	st.da.port = 1700;
	st.da.auth_type = AAA_DA_AUTH_ALL;
}

static void lists_free(void)
{
	while (st.lists) {
		struct aaa_method_list *l = st.lists;
		st.lists = l->next;
		free(l);
	}
}

/* Everything that exists only with aaa new-model. */
static void aaa_model_reset(void)
{
	lists_free();
	da_defaults();
	st.session_id = AAA_SESSION_ID_COMMON;
	aaa_radius_reset_groups();
}

static void aaa_reset(void)
{
	aaa_model_reset();
	st.new_model = false;
}

bool aaa_new_model(void) { return st.new_model; }
enum aaa_session_id aaa_session_id(void) { return st.session_id; }
const struct aaa_dynamic_author *aaa_dynamic_author(void) { return &st.da; }

bool aaa_require_new_model(struct cmdctx *c, int word)
{
	if (st.new_model)
		return true;
	/* Without aaa new-model IOS does not know these commands at all: the
	 * caret goes under the word after "aaa". */
	const struct cmdarg *a = cmd_arg(c, word);
	if (c->loading || !c->session || !a) {
		cmd_err(c, "%% Invalid input detected at '^' marker: \"aaa %s\" needs \"aaa new-model\" first",
			a ? a->text : "");
	} else {
		int col = (int)strlen(sysconf_hostname()) + (int)strlen(mode_prompt_suffix(c->mode)) + a->col;
		cmd_err(c, "%*s^\n%% Invalid input detected at '^' marker.\n", col, "");
	}
	return false;
}

bool aaa_key_from_args(struct cmdctx *c, int i, struct aaa_key *k)
{
	const struct cmdarg *t = cmd_arg(c, i);
	const struct cmdarg *v = t && t->kind == ARG_KEYWORD ? cmd_arg(c, i + 1) : t;
	int type = t && t->kind == ARG_KEYWORD ? atoi(t->name) : 0;
	if (!v) {
		cmd_err(c, "%% A key is required");
		return false;
	}
	if (strlen(v->text) >= AAA_KEY_MAX) {
		cmd_err(c, "%% The key is too long (at most %d characters)", AAA_KEY_MAX - 1);
		return false;
	}
	struct aaa_key nk;
	memset(&nk, 0, sizeof nk);
	nk.type = type;
	snprintf(nk.text, sizeof nk.text, "%s", v->text);
	if (type == 7) {
		if (aaa_type7_decode(v->text, nk.clear, sizeof nk.clear) != 0) {
			cmd_err(c, "%% Invalid encrypted key: \"%s\" is not a type 7 key", v->text);
			return false;
		}
	} else {
		snprintf(nk.clear, sizeof nk.clear, "%s", v->text);
	}
	*k = nk;
	OPENSSL_cleanse(&nk, sizeof nk);
	return true;
}

void aaa_ifname_at(const struct cmdctx *c, int i, char *out, size_t n)
{
	const struct cmdarg *type = cmd_arg(c, i), *num = cmd_arg(c, i + 1);
	snprintf(out, n, "%s%s", type ? type->text : "", num ? num->text : "");
}

/* ---- aaa new-model, aaa session-id ---- */

int h_aaa_new_model(struct cmdctx *c)
{
	if (cmd_negated(c)) {
		/* The commands that need new-model go with it, so that the
		 * running-config stays loadable. */
		aaa_model_reset();
		st.new_model = false;
		return 0;
	}
	st.new_model = true;
	return 0;
}

int h_aaa_session_id(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	if (!aaa_require_new_model(c, no ? 2 : 1))
		return -1;
	st.session_id = !no && cmd_has(c, "unique") ? AAA_SESSION_ID_UNIQUE : AAA_SESSION_ID_COMMON;
	return 0;
}

/* ---- method lists ---- */

static const char *service_name(enum aaa_service s)
{
	return s == AAA_AUTHENTICATION ? "authentication" : s == AAA_AUTHORIZATION ? "authorization"
										    : "accounting";
}

static struct aaa_method_list *list_find(enum aaa_service s, const char *type, const char *name)
{
	for (struct aaa_method_list *l = st.lists; l; l = l->next)
		if (l->service == s && strcmp(l->type, type) == 0 && strcmp(l->name, name) == 0)
			return l;
	return NULL;
}

const struct aaa_method_list *aaa_method_list_find(enum aaa_service s, const char *type, const char *name)
{
	return list_find(s, type, name);
}

int aaa_method_list_exists(const char *type, const char *name)
{
	static const struct { const char *full; enum aaa_service s; } svc[] = {
		{ "authentication ", AAA_AUTHENTICATION },
		{ "authorization ", AAA_AUTHORIZATION },
		{ "accounting ", AAA_ACCOUNTING },
	};
	for (size_t i = 0; i < sizeof svc / sizeof svc[0]; i++) {
		size_t n = strlen(svc[i].full);
		if (strncmp(type, svc[i].full, n) == 0)
			return list_find(svc[i].s, type + n, name) != NULL;
	}
	if (strcmp(type, "login") == 0)
		return list_find(AAA_AUTHENTICATION, type, name) != NULL;
	return list_find(AAA_AUTHORIZATION, type, name) != NULL;
}

/* aaa {authentication login | authorization TYPE | accounting TYPE} LIST METHODS...
 * no aaa ... LIST [...] */
int h_aaa_method_list(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	int i0 = no ? 1 : 0;
	if (!aaa_require_new_model(c, i0 + 1))
		return -1;
	const char *svc = cmd_arg(c, i0 + 1)->name;
	enum aaa_service s = strcmp(svc, "authentication") == 0 ? AAA_AUTHENTICATION
			     : strcmp(svc, "authorization") == 0 ? AAA_AUTHORIZATION
								   : AAA_ACCOUNTING;
	const char *type = cmd_arg(c, i0 + 2)->name;
	const char *name = cmd_arg(c, i0 + 3)->text;
	if (strlen(name) >= 32) {
		/* IOS: list names are at most 31 characters */
		cmd_err(c, "%% List name \"%s\" is too long (at most 31 characters)", name);
		return -1;
	}
	struct aaa_method_list *l = list_find(s, type, name);
	if (no) {
		if (!l)
			return 0;
		for (struct aaa_method_list **pp = &st.lists; *pp; pp = &(*pp)->next)
			if (*pp == l) {
				*pp = l->next;
				break;
			}
		free(l);
		return 0;
	}
	struct aaa_method_list nl;
	memset(&nl, 0, sizeof nl);
	nl.service = s;
	snprintf(nl.type, sizeof nl.type, "%s", type);
	snprintf(nl.name, sizeof nl.name, "%s", name);
	nl.line = c->src_line;
	for (int i = i0 + 4; i < c->cmd->nargs; i++) {
		const struct cmdarg *a = cmd_arg(c, i);
		const char *kw = a->name;
		if (strcmp(kw, "start-stop") == 0)
			nl.acct = AAA_ACCT_START_STOP;
		else if (strcmp(kw, "stop-only") == 0)
			nl.acct = AAA_ACCT_STOP_ONLY;
		else if (strcmp(kw, "broadcast") == 0)
			nl.acct_broadcast = true;
		else if (s == AAA_ACCOUNTING && strcmp(kw, "none") == 0)
			nl.acct = AAA_ACCT_NONE;
		else {
			if (nl.n_methods == AAA_MAX_METHODS) {
				cmd_err(c, "%% At most %d methods in a list", AAA_MAX_METHODS);
				return -1;
			}
			struct aaa_method *m = &nl.methods[nl.n_methods];
			if (strcmp(kw, "group") == 0) {
				const char *g = cmd_arg(c, ++i)->text;
				if (strlen(g) >= AAA_NAME_MAX) {
					cmd_err(c, "%% Server group name \"%s\" is too long", g);
					return -1;
				}
				m->kind = AAA_METHOD_GROUP;
				if (strcasecmp(g, "radius") == 0 || strcasecmp(g, "tacacs+") == 0 ||
				    strcasecmp(g, "ldap") == 0) {
					snprintf(m->group, sizeof m->group, "%s", g);
					for (char *q = m->group; *q; q++)
						*q = (char)tolower((unsigned char)*q);
				} else {
					snprintf(m->group, sizeof m->group, "%s", g);
				}
			} else if (strcmp(kw, "local") == 0) {
				m->kind = AAA_METHOD_LOCAL;
			} else if (strcmp(kw, "local-case") == 0) {
				m->kind = AAA_METHOD_LOCAL_CASE;
			} else if (strcmp(kw, "none") == 0) {
				m->kind = AAA_METHOD_NONE;
			} else if (strcmp(kw, "if-authenticated") == 0) {
				m->kind = AAA_METHOD_IF_AUTHENTICATED;
			} else if (strcmp(kw, "enable") == 0) {
				m->kind = AAA_METHOD_ENABLE;
			} else if (strcmp(kw, "line") == 0) {
				m->kind = AAA_METHOD_LINE;
			} else {
				cmd_err(c, "%% Unknown method \"%s\"", a->text);
				return -1;
			}
			for (int k = 0; k < nl.n_methods; k++)
				if (nl.methods[k].kind == m->kind && strcmp(nl.methods[k].group, m->group) == 0) {
					cmd_err(c, "%% Method \"%s%s%s\" is listed twice", kw,
						m->kind == AAA_METHOD_GROUP ? " " : "", m->group);
					return -1;
				}
			nl.n_methods++;
		}
	}
	if (!l) {
		l = malloc(sizeof *l);
		if (!l)
			abort();
		nl.next = NULL;
		struct aaa_method_list **tail = &st.lists;
		while (*tail)
			tail = &(*tail)->next;
		*tail = l;
	} else {
		nl.next = l->next;
	}
	*l = nl;
	return 0;
}

/* ---- aaa server radius dynamic-author ---- */

int h_aaa_dynamic_author(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	if (!aaa_require_new_model(c, no ? 2 : 1))
		return -1;
	if (no) {
		da_defaults();
		return 0;
	}
	if (!st.da.enabled)
		st.da_line = c->src_line;
	st.da.enabled = true;
	cmd_enter(c, MODE_LOCALHOST_DA, &st.da);
	return 0;
}

/* The commands of (config-locsvr-da-radius). */
int h_aaa_da(struct cmdctx *c)
{
	struct aaa_dynamic_author *d = &st.da;
	bool no = cmd_negated(c);
	int i0 = no ? 1 : 0;
	const char *kw = cmd_arg(c, i0)->name;
	if (strcmp(kw, "client") == 0) {
		struct in_addr a;
		inet_pton(AF_INET, cmd_arg(c, i0 + 1)->text, &a);
		int at = -1;
		for (int i = 0; i < d->n_clients; i++)
			if (d->clients[i].addr.s_addr == a.s_addr)
				at = i;
		if (no) {
			if (at < 0) {
				cmd_err(c, "%% Client %s is not configured", cmd_arg(c, i0 + 1)->text);
				return -1;
			}
			OPENSSL_cleanse(&d->clients[at], sizeof d->clients[at]);
			ARRAY_DEL(d->clients, d->n_clients, at);
			d->n_clients--;
			return 0;
		}
		struct aaa_da_client cl;
		memset(&cl, 0, sizeof cl);
		cl.addr = a;
		const char *vrf = cmd_text_after(c, "vrf");
		if (vrf && strlen(vrf) >= AAA_NAME_MAX) {
			cmd_err(c, "%% VRF name \"%s\" is too long", vrf);
			return -1;
		}
		if (vrf)
			snprintf(cl.vrf, sizeof cl.vrf, "%s", vrf);
		int k = cmd_find(c, "server-key");
		if (k >= 0) {
			if (!aaa_key_from_args(c, k + 1, &cl.key))
				return -1;
			cl.key_set = true;
		}
		if (at < 0) {
			if (d->n_clients == AAA_MAX_DA_CLIENTS) {
				cmd_err(c, "%% At most %d dynamic authorization clients can be configured",
					AAA_MAX_DA_CLIENTS);
				return -1;
			}
			at = d->n_clients++;
		}
		d->clients[at] = cl;
		OPENSSL_cleanse(&cl, sizeof cl);
	} else if (strcmp(kw, "server-key") == 0) {
		if (no) {
			d->server_key_set = false;
			OPENSSL_cleanse(&d->server_key, sizeof d->server_key);
			return 0;
		}
		if (!aaa_key_from_args(c, i0 + 1, &d->server_key))
			return -1;
		d->server_key_set = true;
	} else if (strcmp(kw, "port") == 0) {
		d->port = no ? 1700 : (int)cmd_arg(c, i0 + 1)->num;
	} else if (strcmp(kw, "auth-type") == 0) {
		const struct cmdarg *t = cmd_arg(c, i0 + 1);
		d->auth_type = no || !t                    ? AAA_DA_AUTH_ALL
			       : strcmp(t->name, "any") == 0 ? AAA_DA_AUTH_ANY
			       : strcmp(t->name, "all") == 0 ? AAA_DA_AUTH_ALL
							     : AAA_DA_AUTH_SESSION_KEY;
	} else if (strcmp(kw, "ignore") == 0) {
		if (strcmp(cmd_arg(c, i0 + 1)->name, "session-key") == 0)
			d->ignore_session_key = !no;
		else
			d->ignore_server_key = !no;
	}
	return 0;
}

/* ---- running-config ---- */

static void write_key(struct buf *b, const struct aaa_key *k)
{
	if (k->type == 7)
		buf_printf(b, "7 %s", k->text);
	else
		buf_adds(b, k->text);
}

static void write_method(struct buf *b, const struct aaa_method *m)
{
	static const char *const names[] = {
		[AAA_METHOD_GROUP] = "group", [AAA_METHOD_LOCAL] = "local",
		[AAA_METHOD_LOCAL_CASE] = "local-case", [AAA_METHOD_NONE] = "none",
		[AAA_METHOD_IF_AUTHENTICATED] = "if-authenticated", [AAA_METHOD_ENABLE] = "enable",
		[AAA_METHOD_LINE] = "line",
	};
	buf_printf(b, " %s", names[m->kind]);
	if (m->kind == AAA_METHOD_GROUP)
		buf_printf(b, " %s", m->group);
}

static void write_lists(struct buf *b, enum aaa_service s)
{
	for (const struct aaa_method_list *l = st.lists; l; l = l->next) {
		if (l->service != s)
			continue;
		buf_printf(b, "aaa %s %s %s", service_name(s), l->type, l->name);
		if (s == AAA_ACCOUNTING)
			buf_adds(b, l->acct == AAA_ACCT_NONE ? " none"
				    : l->acct == AAA_ACCT_STOP_ONLY ? " stop-only" : " start-stop");
		if (s == AAA_ACCOUNTING && l->acct_broadcast)
			buf_adds(b, " broadcast");
		for (int i = 0; i < l->n_methods; i++)
			write_method(b, &l->methods[i]);
		/* IOS ends authorization lines with a blank. */
		buf_adds(b, s == AAA_AUTHORIZATION ? " \n" : "\n");
	}
}

static void aaa_write(struct buf *b)
{
	if (!st.new_model)
		return;
	buf_adds(b, "aaa new-model\n!\n!\n");
	aaa_write_groups(b);
	size_t before = b->len;
	write_lists(b, AAA_AUTHENTICATION);
	write_lists(b, AAA_AUTHORIZATION);
	write_lists(b, AAA_ACCOUNTING);
	if (b->len != before)
		buf_adds(b, "!\n");
	const struct aaa_dynamic_author *d = &st.da;
	if (d->enabled) {
		char a[INET_ADDRSTRLEN];
		buf_adds(b, "aaa server radius dynamic-author\n");
		for (int i = 0; i < d->n_clients; i++) {
			inet_ntop(AF_INET, &d->clients[i].addr, a, sizeof a);
			buf_printf(b, " client %s", a);
			if (d->clients[i].vrf[0])
				buf_printf(b, " vrf %s", d->clients[i].vrf);
			if (d->clients[i].key_set) {
				buf_adds(b, " server-key ");
				write_key(b, &d->clients[i].key);
			}
			buf_addc(b, '\n');
		}
		if (d->server_key_set) {
			buf_adds(b, " server-key ");
			write_key(b, &d->server_key);
			buf_addc(b, '\n');
		}
		if (d->port != 1700)
			buf_printf(b, " port %d\n", d->port);
		if (d->auth_type == AAA_DA_AUTH_ANY)
			buf_adds(b, " auth-type any\n");
		else if (d->auth_type == AAA_DA_AUTH_SESSION_KEY)
			buf_adds(b, " auth-type session-key\n");
		if (d->ignore_session_key)
			buf_adds(b, " ignore session-key\n");
		if (d->ignore_server_key)
			buf_adds(b, " ignore server-key\n");
		buf_adds(b, "!\n");
	}
	buf_printf(b, "aaa session-id %s\n!\n", st.session_id == AAA_SESSION_ID_UNIQUE ? "unique" : "common");
}

/* Method lists that name server groups that do not exist. */
static void aaa_check(struct problem_list *p)
{
	for (const struct aaa_method_list *l = st.lists; l; l = l->next)
		for (int i = 0; i < l->n_methods; i++) {
			const struct aaa_method *m = &l->methods[i];
			if (m->kind != AAA_METHOD_GROUP || strcmp(m->group, "radius") == 0 ||
			    strcmp(m->group, "tacacs+") == 0 || strcmp(m->group, "ldap") == 0)
				continue;
			if (!aaa_radius_group_find(m->group))
				problem_add(p, l->line, "aaa %s %s %s: server group %s does not exist",
					    service_name(l->service), l->type, l->name, m->group);
		}
}

static struct config_section sec_aaa = { "aaa", ORDER_AAA, aaa_write, aaa_reset, aaa_check, NULL };

__attribute__((constructor)) static void aaa_init(void)
{
	da_defaults();
	config_section_register(&sec_aaa);
}
