/* crypto ikev2 profile NAME: match, identity, authentication, keyring, pki,
 * lifetime, dpd, nat, ivrf, virtual-template, config-exchange, AAA ... and
 * the profile selection the IKEv2 engine uses. */
#include "ikev2/config.h"
#include "lib/array.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grammar/cmd.h"
#include "lib/buf.h"
#include "lib/config_registry.h"
#include "tunnel/tunnel.h"
#include "ikev2/pki.h"
#include "aaa/aaa.h"

static struct ikev2_profile *profiles;

struct ikev2_profile *ikev2_cfg_profiles(void) { return profiles; }

/* References from other modules, kept by name so that they survive the
 * profile being removed and created again. */
struct profile_ref {
	char name[IKEV2_NAME_MAX];
	int count;
};
enum { MAX_REFS = 256 };
static struct profile_ref refs[MAX_REFS];
static int n_refs;

static int ref_count(const char *name)
{
	for (int i = 0; i < n_refs; i++)
		if (strcmp(refs[i].name, name) == 0)
			return refs[i].count;
	return 0;
}

void ikev2_profile_ref(const char *name, int delta)
{
	if (!name || !name[0])
		return;
	for (int i = 0; i < n_refs; i++)
		if (strcmp(refs[i].name, name) == 0) {
			refs[i].count += delta;
			if (refs[i].count < 0)
				refs[i].count = 0;
			for (struct ikev2_profile *p = profiles; p; p = p->next)
				if (strcmp(p->name, name) == 0)
					p->ref_count = 1 + refs[i].count;
			return;
		}
	if (delta <= 0 || n_refs == MAX_REFS)
		return;
	ikev2_copy(refs[n_refs].name, IKEV2_NAME_MAX, name);
	refs[n_refs++].count = delta;
	for (struct ikev2_profile *p = profiles; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			p->ref_count = 1 + delta;
}

static void profiles_reset(void)
{
	while (profiles) {
		struct ikev2_profile *n = profiles->next;
		free(profiles);
		profiles = n;
	}
	/* references belong to other modules, which reset their own objects */
}

static void profile_defaults(struct ikev2_profile *p)
{
	p->fvrf_kind = IKEV2_FVRF_GLOBAL;
	p->lifetime = 86400;
	p->config_request = p->config_set_send = p->config_set_accept = true;
	p->auth_local_key.enc = p->auth_remote_key.enc = p->eap_password.enc = -1;
	p->keyring_aaa_password.enc = -1;
}

/* ---- read API ---- */

const struct ikev2_profile *ikev2_profile_first(void) { return profiles; }
const struct ikev2_profile *ikev2_profile_next(const struct ikev2_profile *p) { return p->next; }

const struct ikev2_profile *ikev2_profile_find(const char *name)
{
	for (const struct ikev2_profile *p = profiles; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static bool fvrf_ok(const struct ikev2_profile *p, const char *fvrf)
{
	bool global = !fvrf || !fvrf[0];
	switch (p->fvrf_kind) {
	case IKEV2_FVRF_ANY: return true;
	case IKEV2_FVRF_GLOBAL: return global;
	default: return !global && strcmp(p->fvrf, fvrf) == 0;
	}
}

static int idspec_score(const struct ikev2_idspec *s)
{
	switch (s->kind) {
	case IKEV2_IDK_ANY: return 1;
	case IKEV2_IDK_FQDN_DOMAIN:
	case IKEV2_IDK_EMAIL_DOMAIN: return 2;
	case IKEV2_IDK_ADDRESS: return s->any_v4 ? 2 : 3 + s->pfx.plen;
	default: return 200; /* exact fqdn, email, key-id */
	}
}

int ikev2_profile_match_score(const struct ikev2_profile *p, int id_type, const void *id,
			      size_t id_len, const struct ikev2_ip *local, const char *local_if,
			      const char *fvrf)
{
	if (!fvrf_ok(p, fvrf))
		return 0;
	if (p->n_local_addr + p->n_local_if > 0) {
		bool hit = false;
		for (int i = 0; i < p->n_local_addr && local; i++)
			if (p->local_addr[i].family == local->family &&
			    memcmp(p->local_addr[i].addr, local->addr, local->family == AF_INET ? 4 : 16) == 0)
				hit = true;
		for (int i = 0; i < p->n_local_if && local_if; i++)
			if (strcasecmp(p->local_if[i], local_if) == 0)
				hit = true;
		if (!hit)
			return 0;
	}
	int best = 0;
	for (int i = 0; i < p->n_remote_ids; i++)
		if (ikev2_idspec_matches(&p->remote_ids[i], id_type, id, id_len)) {
			int s = idspec_score(&p->remote_ids[i]);
			if (s > best)
				best = s;
		}
	return best;
}

const struct ikev2_profile *ikev2_profile_match_if(int id_type, const void *id, size_t id_len,
						   const struct ikev2_ip *local, const char *local_if,
						   const char *fvrf)
{
	const struct ikev2_profile *best = NULL;
	int best_score = 0;
	for (const struct ikev2_profile *p = profiles; p; p = p->next) {
		if (p->shutdown || p->auth_local == IKEV2_AUTHM_NONE || p->auth_remote == 0)
			continue; /* shut down or incomplete: never selected */
		int s = ikev2_profile_match_score(p, id_type, id, id_len, local, local_if, fvrf);
		if (s > best_score) {
			best = p;
			best_score = s;
		}
	}
	return best;
}

const struct ikev2_profile *ikev2_profile_match(int id_type, const void *id, size_t id_len,
						const struct ikev2_ip *local, const char *fvrf)
{
	return ikev2_profile_match_if(id_type, id, id_len, local, NULL, fvrf);
}

/* ---- handlers ---- */

static const char incomplete_msg[] =
	"IKEv2 profile MUST have:\n"
	"   1. A local and a remote authentication method.\n"
	"   2. A match identity or a match certificate or match any statement.\n";

static bool profile_incomplete(const struct ikev2_profile *p)
{
	return p->auth_local == IKEV2_AUTHM_NONE || p->auth_remote == 0 ||
	       (p->n_remote_ids == 0 && p->n_certmaps == 0);
}

static struct ikev2_profile *cur(struct cmdctx *c)
{
	struct ikev2_profile *p = c->objs[MODE_IKEV2_PROFILE];
	if (!ikev2_cfg_alive(p)) {
		cmd_err(c, "%% This IKEv2 profile was removed");
		return NULL;
	}
	return p;
}

static bool len_ok(struct cmdctx *c, const char *what, const char *v, size_t max)
{
	if (strlen(v) < max)
		return true;
	cmd_err(c, "%% %s \"%s\" is too long (at most %zu characters)", what, v, max - 1);
	return false;
}

/* crypto ikev2 profile NAME / no crypto ikev2 profile NAME */
int h_ikev2_profile(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 4 : 3)->text;
	struct ikev2_profile **pp = &profiles, *p = NULL;
	for (; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->name, name) == 0) {
			p = *pp;
			break;
		}
	if (no) {
		if (!p) {
			cmd_err(c, "%% IKEv2 profile %s does not exist", name);
			return -1;
		}
		*pp = p->next;
		free(p);
		return 0;
	}
	if (!p) {
		if (!len_ok(c, "IKEv2 profile name", name, IKEV2_NAME_MAX))
			return -1;
		p = calloc(1, sizeof *p);
		if (!p)
			abort();
		ikev2_copy(p->name, sizeof p->name, name);
		profile_defaults(p);
		p->ref_count = 1 + ref_count(name);
		p->src_line = c->src_line;
		*pp = p;
	}
	if (profile_incomplete(p) && !c->loading)
		cmd_out(c, "%s", incomplete_msg);
	cmd_enter(c, MODE_IKEV2_PROFILE, p);
	return 0;
}

/* The interface name after "interface": type keyword and unit. */
static void ifname_from_args(struct cmdctx *c, int at, char *out, size_t n)
{
	snprintf(out, n, "%s%s", cmd_arg(c, at)->name, cmd_arg(c, at + 1)->text);
}

static bool idspec_eq(const struct ikev2_idspec *a, const struct ikev2_idspec *b)
{
	return a->kind == b->kind && strcasecmp(a->value, b->value) == 0;
}

/* match fvrf / address local / identity remote / certificate */
int h_ikev2_prof_match(struct cmdctx *c)
{
	struct ikev2_profile *p = cur(c);
	if (!p)
		return -1;
	bool no = cmd_negated(c);
	int base = no ? 1 : 0, nargs = c->cmd->nargs;
	const char *what = cmd_arg(c, base + 1)->name;

	if (strcmp(what, "fvrf") == 0) {
		const struct cmdarg *v = cmd_arg(c, base + 2);
		if (no) {
			p->fvrf_kind = IKEV2_FVRF_GLOBAL;
			p->fvrf[0] = 0;
		} else if (v->kind == ARG_KEYWORD) {
			p->fvrf_kind = IKEV2_FVRF_ANY;
			p->fvrf[0] = 0;
		} else {
			if (!len_ok(c, "VRF name", v->text, IKEV2_NAME_MAX))
				return -1;
			p->fvrf_kind = IKEV2_FVRF_NAMED;
			ikev2_copy(p->fvrf, sizeof p->fvrf, v->text);
		}
		return 0;
	}
	if (strcmp(what, "certificate") == 0) {
		const char *m = cmd_arg(c, base + 2)->text;
		int at = -1;
		for (int i = 0; i < p->n_certmaps; i++)
			if (strcmp(p->certmaps[i], m) == 0)
				at = i;
		if (no) {
			if (at < 0) {
				cmd_err(c, "%% Certificate map %s is not matched by IKEv2 profile %s", m, p->name);
				return -1;
			}
			ARRAY_DEL(p->certmaps, p->n_certmaps, at);
			p->n_certmaps--;
			return 0;
		}
		if (at >= 0)
			return 0;
		if (!len_ok(c, "Certificate map name", m, IKEV2_NAME_MAX))
			return -1;
		if (p->n_certmaps == IKEV2_PROFILE_MAX_CERTMAPS) {
			cmd_err(c, "%% IKEv2 profile %s already matches %d certificate maps", p->name,
				IKEV2_PROFILE_MAX_CERTMAPS);
			return -1;
		}
		ikev2_copy(p->certmaps[p->n_certmaps++], IKEV2_NAME_MAX, m);
		return 0;
	}
	if (strcmp(what, "address") == 0) {
		if (base + 3 >= nargs) { /* no match address local */
			p->n_local_addr = 0;
			p->n_local_if = 0;
			return 0;
		}
		const struct cmdarg *v = cmd_arg(c, base + 3);
		if (v->kind == ARG_KEYWORD) { /* interface IF */
			char ifn[IKEV2_NAME_MAX];
			ifname_from_args(c, base + 4, ifn, sizeof ifn);
			int at = -1;
			for (int i = 0; i < p->n_local_if; i++)
				if (strcasecmp(p->local_if[i], ifn) == 0)
					at = i;
			if (no) {
				if (at < 0) {
					cmd_err(c, "%% Interface %s is not matched by IKEv2 profile %s", ifn, p->name);
					return -1;
				}
				ARRAY_DEL(p->local_if, p->n_local_if, at);
				p->n_local_if--;
				return 0;
			}
			if (at >= 0)
				return 0;
			if (p->n_local_if == IKEV2_PROFILE_MAX_LOCAL) {
				cmd_err(c, "%% IKEv2 profile %s already matches %d local interfaces", p->name,
					IKEV2_PROFILE_MAX_LOCAL);
				return -1;
			}
			ikev2_copy(p->local_if[p->n_local_if++], IKEV2_NAME_MAX, ifn);
			return 0;
		}
		struct ikev2_ip ip;
		ikev2_ip_parse(v->text, &ip);
		int at = -1;
		for (int i = 0; i < p->n_local_addr; i++)
			if (p->local_addr[i].family == ip.family &&
			    memcmp(p->local_addr[i].addr, ip.addr, sizeof ip.addr) == 0)
				at = i;
		if (no) {
			if (at < 0) {
				cmd_err(c, "%% Local address %s is not matched by IKEv2 profile %s", v->text, p->name);
				return -1;
			}
			ARRAY_DEL(p->local_addr, p->n_local_addr, at);
			p->n_local_addr--;
			return 0;
		}
		if (at >= 0)
			return 0;
		if (p->n_local_addr == IKEV2_PROFILE_MAX_LOCAL) {
			cmd_err(c, "%% IKEv2 profile %s already matches %d local addresses", p->name,
				IKEV2_PROFILE_MAX_LOCAL);
			return -1;
		}
		p->local_addr[p->n_local_addr++] = ip;
		return 0;
	}
	/* match identity remote ... */
	struct ikev2_idspec id;
	if (ikev2_idspec_from_args(c, base + 3, &id) != 0)
		return -1;
	int at = -1;
	for (int i = 0; i < p->n_remote_ids; i++)
		if (idspec_eq(&p->remote_ids[i], &id))
			at = i;
	if (no) {
		if (at < 0) {
			struct buf t;
			buf_init(&t);
			ikev2_idspec_format(&id, &t);
			cmd_err(c, "%% IKEv2 profile %s does not match identity remote %s", p->name, buf_cstr(&t));
			buf_free(&t);
			return -1;
		}
		ARRAY_DEL(p->remote_ids, p->n_remote_ids, at);
		p->n_remote_ids--;
		return 0;
	}
	if (at >= 0)
		return 0;
	if (p->n_remote_ids == IKEV2_PROFILE_MAX_IDS) {
		cmd_err(c, "%% IKEv2 profile %s already has %d match identity statements", p->name,
			IKEV2_PROFILE_MAX_IDS);
		return -1;
	}
	p->remote_ids[p->n_remote_ids++] = id;
	return 0;
}

static int method_of(const char *kw)
{
	if (strcmp(kw, "pre-share") == 0)
		return IKEV2_AUTHM_PSK;
	if (strcmp(kw, "rsa-sig") == 0)
		return IKEV2_AUTHM_RSA;
	if (strcmp(kw, "ecdsa-sig") == 0)
		return IKEV2_AUTHM_ECDSA;
	if (strcmp(kw, "eap") == 0)
		return IKEV2_AUTHM_EAP;
	return IKEV2_AUTHM_NONE;
}

/* authentication local|remote METHOD ... and the no forms */
int h_ikev2_prof_auth(struct cmdctx *c)
{
	struct ikev2_profile *p = cur(c);
	if (!p)
		return -1;
	bool no = cmd_negated(c);
	int base = no ? 1 : 0, nargs = c->cmd->nargs;
	bool local = strcmp(cmd_arg(c, base + 1)->name, "local") == 0;
	const struct cmdarg *ma = cmd_arg(c, base + 2);
	int m = ma ? method_of(ma->name) : IKEV2_AUTHM_NONE;

	if (no) {
		if (local) {
			if (m && p->auth_local != m) {
				cmd_err(c, "%% The local authentication method of IKEv2 profile %s is not %s",
					p->name, ma->name);
				return -1;
			}
			p->auth_local = IKEV2_AUTHM_NONE;
			memset(&p->auth_local_key, 0, sizeof p->auth_local_key);
			p->auth_local_key.enc = -1;
			p->auth_local_eap = IKEV2_CFG_EAP_ANY;
			p->eap_username[0] = 0;
			memset(&p->eap_password, 0, sizeof p->eap_password);
			p->eap_password.enc = -1;
			return 0;
		}
		int remove = m ? m : p->auth_remote;
		if (m && !(p->auth_remote & m)) {
			cmd_err(c, "%% %s is not a remote authentication method of IKEv2 profile %s", ma->name,
				p->name);
			return -1;
		}
		p->auth_remote &= ~remove;
		int n = 0;
		for (int i = 0; i < p->n_auth_remote; i++)
			if (!(p->auth_remote_order[i] & remove))
				p->auth_remote_order[n++] = p->auth_remote_order[i];
		p->n_auth_remote = n;
		if (remove & IKEV2_AUTHM_PSK) {
			memset(&p->auth_remote_key, 0, sizeof p->auth_remote_key);
			p->auth_remote_key.enc = -1;
		}
		if (remove & IKEV2_AUTHM_EAP) {
			p->eap_query_identity = false;
			p->eap_timeout = 0;
		}
		return 0;
	}

	if (local) {
		struct ikev2_psk key;
		memset(&key, 0, sizeof key);
		key.enc = -1;
		enum ikev2_cfg_eap em = IKEV2_CFG_EAP_ANY;
		char user[IKEV2_NAME_MAX] = "";
		struct ikev2_psk pw;
		memset(&pw, 0, sizeof pw);
		pw.enc = -1;
		if (m == IKEV2_AUTHM_PSK && cmd_find(c, "key") >= 0) {
			ikev2_psk_from_args(c, cmd_find(c, "key") + 1, &key);
			if (!len_ok(c, "Pre-shared key", key.key, sizeof key.key))
				return -1;
		}
		if (m == IKEV2_AUTHM_EAP) {
			if (cmd_has(c, "gtc"))
				em = IKEV2_CFG_EAP_GTC;
			else if (cmd_has(c, "md5"))
				em = IKEV2_CFG_EAP_MD5;
			else if (cmd_has(c, "mschapv2"))
				em = IKEV2_CFG_EAP_MSCHAPV2;
			const char *u = cmd_text_after(c, "username");
			if (u) {
				if (!len_ok(c, "EAP username", u, sizeof user))
					return -1;
				ikev2_copy(user, sizeof user, u);
			}
			int pi = cmd_find(c, "password");
			if (pi >= 0)
				ikev2_psk_from_args(c, pi + 1, &pw);
			if (pi >= 0 && !len_ok(c, "EAP password", pw.key, sizeof pw.key))
				return -1;
		}
		p->auth_local = m;
		p->auth_local_key = key;
		p->auth_local_eap = em;
		ikev2_copy(p->eap_username, sizeof p->eap_username, user);
		p->eap_password = pw;
		return 0;
	}

	/* authentication remote METHOD */
	if (m == IKEV2_AUTHM_PSK && cmd_find(c, "key") >= 0) {
		struct ikev2_psk key;
		ikev2_psk_from_args(c, cmd_find(c, "key") + 1, &key);
		if (!len_ok(c, "Pre-shared key", key.key, sizeof key.key))
			return -1;
		p->auth_remote_key = key;
	}
	if (m == IKEV2_AUTHM_EAP) {
		p->eap_query_identity = cmd_has(c, "query-identity");
		p->eap_timeout = (int)cmd_num_after(c, "timeout", 0);
	}
	if (!(p->auth_remote & m)) {
		p->auth_remote |= m;
		p->auth_remote_order[p->n_auth_remote++] = m;
	}
	(void)nargs;
	return 0;
}

/* keyring local NAME | keyring aaa LIST [name-mangler M] [password PW] */
int h_ikev2_prof_keyring(struct cmdctx *c)
{
	struct ikev2_profile *p = cur(c);
	if (!p)
		return -1;
	bool no = cmd_negated(c);
	int base = no ? 1 : 0, nargs = c->cmd->nargs;
	const struct cmdarg *kind = cmd_arg(c, base + 1);
	bool do_local = !kind || strcmp(kind->name, "local") == 0;
	bool do_aaa = !kind || strcmp(kind->name, "aaa") == 0;
	const struct cmdarg *v = cmd_arg(c, base + 2);
	if (no) {
		if (v && do_local && strcmp(p->keyring_local, v->text) != 0) {
			cmd_err(c, "%% IKEv2 profile %s does not use keyring %s", p->name, v->text);
			return -1;
		}
		if (v && do_aaa && strcmp(p->keyring_aaa, v->text) != 0) {
			cmd_err(c, "%% IKEv2 profile %s does not use AAA keyring %s", p->name, v->text);
			return -1;
		}
		if (do_local) {
			p->keyring_local[0] = 0;
			p->keyring_local_line = 0;
		}
		if (do_aaa) {
			p->keyring_aaa[0] = 0;
			p->keyring_aaa_mangler[0] = 0;
			memset(&p->keyring_aaa_password, 0, sizeof p->keyring_aaa_password);
			p->keyring_aaa_password.enc = -1;
			p->keyring_aaa_line = 0;
		}
		return 0;
	}
	if (!len_ok(c, do_local ? "Keyring name" : "AAA list name", v->text, IKEV2_NAME_MAX))
		return -1;
	if (do_local) {
		ikev2_copy(p->keyring_local, sizeof p->keyring_local, v->text);
		p->keyring_local_line = c->src_line;
		return 0;
	}
	const char *mg = cmd_text_after(c, "name-mangler");
	if (mg && !len_ok(c, "Name mangler name", mg, IKEV2_NAME_MAX))
		return -1;
	struct ikev2_psk pw;
	memset(&pw, 0, sizeof pw);
	pw.enc = -1;
	int pi = cmd_find(c, "password");
	if (pi >= 0) {
		ikev2_psk_from_args(c, pi + 1, &pw);
		if (!len_ok(c, "Password", pw.key, sizeof pw.key))
			return -1;
	}
	ikev2_copy(p->keyring_aaa, sizeof p->keyring_aaa, v->text);
	ikev2_copy(p->keyring_aaa_mangler, sizeof p->keyring_aaa_mangler, mg);
	p->keyring_aaa_password = pw;
	p->keyring_aaa_line = c->src_line;
	(void)nargs;
	return 0;
}

static int aaa_kind(const char *kw)
{
	return strcmp(kw, "psk") == 0 ? IKEV2_AAA_PSK : strcmp(kw, "cert") == 0 ? IKEV2_AAA_CERT : IKEV2_AAA_EAP;
}

/* Fill a from "list LIST [NAME | name-mangler M]" starting at index at. */
static int author_from_args(struct cmdctx *c, int at, struct ikev2_aaa_author *a)
{
	memset(a, 0, sizeof *a);
	a->set = true;
	a->src_line = c->src_line;
	const struct cmdarg *l = cmd_arg(c, at + 1);
	if (!len_ok(c, "AAA list name", l->text, sizeof a->list))
		return -1;
	ikev2_copy(a->list, sizeof a->list, l->text);
	const struct cmdarg *x = cmd_arg(c, at + 2);
	if (!x)
		return 0;
	if (x->kind == ARG_KEYWORD) {
		const char *m = cmd_arg(c, at + 3)->text;
		if (!len_ok(c, "Name mangler name", m, sizeof a->mangler))
			return -1;
		ikev2_copy(a->mangler, sizeof a->mangler, m);
	} else {
		if (!len_ok(c, "User name", x->text, sizeof a->username))
			return -1;
		ikev2_copy(a->username, sizeof a->username, x->text);
	}
	return 0;
}

/* aaa authentication eap / aaa authorization group|user / aaa accounting */
int h_ikev2_prof_aaa(struct cmdctx *c)
{
	struct ikev2_profile *p = cur(c);
	if (!p)
		return -1;
	bool no = cmd_negated(c);
	int base = no ? 1 : 0;
	const char *what = cmd_arg(c, base + 1)->name;

	if (strcmp(what, "authentication") == 0) {
		const struct cmdarg *l = cmd_arg(c, base + 3);
		if (no) {
			if (l && strcmp(l->text, p->aaa_authen_eap) != 0) {
				cmd_err(c, "%% IKEv2 profile %s does not use AAA list %s for EAP", p->name, l->text);
				return -1;
			}
			p->aaa_authen_eap[0] = 0;
			p->aaa_authen_eap_line = 0;
			return 0;
		}
		if (!len_ok(c, "AAA list name", l->text, IKEV2_NAME_MAX))
			return -1;
		ikev2_copy(p->aaa_authen_eap, sizeof p->aaa_authen_eap, l->text);
		p->aaa_authen_eap_line = c->src_line;
		return 0;
	}
	if (strcmp(what, "accounting") == 0) {
		int k = aaa_kind(cmd_arg(c, base + 2)->name);
		const struct cmdarg *l = cmd_arg(c, base + 3);
		if (no) {
			p->accounting[k][0] = 0;
			p->accounting_line[k] = 0;
			return 0;
		}
		if (!len_ok(c, "AAA list name", l->text, IKEV2_NAME_MAX))
			return -1;
		ikev2_copy(p->accounting[k], IKEV2_NAME_MAX, l->text);
		p->accounting_line[k] = c->src_line;
		return 0;
	}
	/* authorization group|user */
	bool group = strcmp(cmd_arg(c, base + 2)->name, "group") == 0;
	int at = base + 3;
	bool override = false;
	if (strcmp(cmd_arg(c, at)->name, "override") == 0) {
		override = true;
		at++;
	}
	int k = aaa_kind(cmd_arg(c, at)->name);
	struct ikev2_aaa_author *a = group ? &p->author_group[k] : &p->author_user[k];
	if (no) {
		memset(a, 0, sizeof *a);
		if (group)
			p->author_group_override[k] = false;
		return 0;
	}
	struct ikev2_aaa_author na;
	if (cmd_has(c, "cached")) {
		memset(&na, 0, sizeof na);
		na.set = true;
		na.cached = true;
		na.src_line = c->src_line;
	} else if (author_from_args(c, at + 1, &na) != 0) {
		return -1;
	}
	*a = na;
	if (group)
		p->author_group_override[k] = override;
	return 0;
}

/* Everything else in the profile: description, shutdown, identity local,
 * pki trustpoint, lifetime, dpd, nat keepalive, ivrf, virtual-template,
 * config-exchange, initial-contact force, redirect gateway auth. */
int h_ikev2_prof_set(struct cmdctx *c)
{
	struct ikev2_profile *p = cur(c);
	if (!p)
		return -1;
	bool no = cmd_negated(c), dflt = cmd_defaulted(c);
	int base = no || dflt ? 1 : 0;
	const char *what = cmd_arg(c, base)->name;
	const struct cmdarg *v = cmd_arg(c, base + 1);

	if (strcmp(what, "description") == 0) {
		if (!no && !len_ok(c, "Description", v->text, sizeof p->description))
			return -1;
		ikev2_copy(p->description, sizeof p->description, no ? "" : v->text);
	} else if (strcmp(what, "shutdown") == 0) {
		p->shutdown = !no;
	} else if (strcmp(what, "identity") == 0) {
		if (no) {
			memset(&p->local_id, 0, sizeof p->local_id);
			return 0;
		}
		struct ikev2_idspec id;
		if (ikev2_idspec_from_args(c, base + 2, &id) != 0)
			return -1;
		p->local_id = id;
	} else if (strcmp(what, "pki") == 0) {
		const char *tp = cmd_arg(c, base + 2)->text;
		const struct cmdarg *u = cmd_arg(c, base + 3);
		enum ikev2_tp_use use = !u ? IKEV2_TP_BOTH :
					strcmp(u->name, "sign") == 0 ? IKEV2_TP_SIGN : IKEV2_TP_VERIFY;
		int at = -1;
		for (int i = 0; i < p->n_trustpoints; i++)
			if (strcmp(p->trustpoints[i], tp) == 0)
				at = i;
		if (no) {
			if (at < 0) {
				cmd_err(c, "%% Trustpoint %s is not used by IKEv2 profile %s", tp, p->name);
				return -1;
			}
			ARRAY_DEL(p->trustpoints, p->n_trustpoints, at);
			ARRAY_DEL(p->trustpoint_use, p->n_trustpoints, at);
			ARRAY_DEL(p->trustpoint_line, p->n_trustpoints, at);
			p->n_trustpoints--;
			return 0;
		}
		if (!len_ok(c, "Trustpoint name", tp, IKEV2_NAME_MAX))
			return -1;
		if (at < 0) {
			if (p->n_trustpoints == IKEV2_PROFILE_MAX_TRUSTPOINTS) {
				cmd_err(c, "%% IKEv2 profile %s already has %d trustpoints", p->name,
					IKEV2_PROFILE_MAX_TRUSTPOINTS);
				return -1;
			}
			at = p->n_trustpoints++;
			ikev2_copy(p->trustpoints[at], IKEV2_NAME_MAX, tp);
		}
		p->trustpoint_use[at] = use;
		p->trustpoint_line[at] = c->src_line;
	} else if (strcmp(what, "lifetime") == 0) {
		p->lifetime = no || dflt ? 86400 : (int)v->num;
	} else if (strcmp(what, "dpd") == 0) {
		if (no || dflt) {
			p->dpd_mode = IKEV2_CFG_DPD_OFF;
			p->dpd_interval = p->dpd_retry = 0;
		} else {
			p->dpd_interval = (int)cmd_arg(c, base + 1)->num;
			p->dpd_retry = (int)cmd_arg(c, base + 2)->num;
			p->dpd_mode = strcmp(cmd_arg(c, base + 3)->name, "periodic") == 0 ? IKEV2_CFG_DPD_PERIODIC
											   : IKEV2_CFG_DPD_ON_DEMAND;
		}
	} else if (strcmp(what, "nat") == 0) {
		p->nat_keepalive = no ? 0 : (int)cmd_arg(c, base + 2)->num;
	} else if (strcmp(what, "ivrf") == 0) {
		if (!no && !len_ok(c, "VRF name", v->text, IKEV2_NAME_MAX))
			return -1;
		ikev2_copy(p->ivrf, sizeof p->ivrf, no ? "" : v->text);
	} else if (strcmp(what, "virtual-template") == 0) {
		p->virtual_template = no ? 0 : (int)v->num;
		p->virtual_template_line = no ? 0 : c->src_line;
	} else if (strcmp(what, "config-exchange") == 0) {
		bool on = !no;
		if (strcmp(v->name, "request") == 0)
			p->config_request = on;
		else if (strcmp(cmd_arg(c, base + 2)->name, "send") == 0)
			p->config_set_send = on;
		else
			p->config_set_accept = on;
	} else if (strcmp(what, "config-mode") == 0) {
		/* IOS 15.1 spelling of "config-exchange set send" (on by default now) */
		p->config_set_send = !no;
	} else if (strcmp(what, "initial-contact") == 0) {
		p->initial_contact_force = !no;
	} else if (strcmp(what, "redirect") == 0) {
		p->redirect_gateway_auth = !no;
	}
	return 0;
}

/* ---- running-config ---- */

static const char *const kind_kw[IKEV2_AAA_KINDS] = { "psk", "cert", "eap" };

static void write_remote_auth(struct buf *b, const struct ikev2_profile *p, bool eap)
{
	for (int i = 0; i < p->n_auth_remote; i++) {
		int m = p->auth_remote_order[i];
		if ((m == IKEV2_AUTHM_EAP) != eap)
			continue;
		switch (m) {
		case IKEV2_AUTHM_PSK:
			buf_adds(b, " authentication remote pre-share");
			if (p->auth_remote_key.set) {
				buf_adds(b, " key ");
				ikev2_psk_format(&p->auth_remote_key, b);
			}
			buf_addc(b, '\n');
			break;
		case IKEV2_AUTHM_RSA: buf_adds(b, " authentication remote rsa-sig\n"); break;
		case IKEV2_AUTHM_ECDSA: buf_adds(b, " authentication remote ecdsa-sig\n"); break;
		case IKEV2_AUTHM_EAP:
			buf_adds(b, " authentication remote eap");
			if (p->eap_query_identity)
				buf_adds(b, " query-identity");
			if (p->eap_timeout)
				buf_printf(b, " timeout %d", p->eap_timeout);
			buf_addc(b, '\n');
			break;
		default: break;
		}
	}
}

static void write_local_auth(struct buf *b, const struct ikev2_profile *p)
{
	static const char *const eapm[] = { "", " gtc", " md5", " mschapv2" };
	switch (p->auth_local) {
	case IKEV2_AUTHM_PSK:
		buf_adds(b, " authentication local pre-share");
		if (p->auth_local_key.set) {
			buf_adds(b, " key ");
			ikev2_psk_format(&p->auth_local_key, b);
		}
		buf_addc(b, '\n');
		break;
	case IKEV2_AUTHM_RSA: buf_adds(b, " authentication local rsa-sig\n"); break;
	case IKEV2_AUTHM_ECDSA: buf_adds(b, " authentication local ecdsa-sig\n"); break;
	case IKEV2_AUTHM_EAP:
		buf_printf(b, " authentication local eap%s", eapm[p->auth_local_eap]);
		if (p->eap_username[0])
			buf_printf(b, " username %s", p->eap_username);
		if (p->eap_password.set) {
			buf_adds(b, " password ");
			ikev2_psk_format(&p->eap_password, b);
		}
		buf_addc(b, '\n');
		break;
	default: break;
	}
}

static void write_author(struct buf *b, const char *what, bool override, int k,
			 const struct ikev2_aaa_author *a)
{
	if (!a->set)
		return;
	buf_printf(b, " aaa authorization %s %s%s", what, override ? "override " : "", kind_kw[k]);
	if (a->cached) {
		buf_adds(b, " cached\n");
		return;
	}
	buf_printf(b, " list %s", a->list);
	if (a->username[0])
		buf_printf(b, " %s", a->username);
	else if (a->mangler[0])
		buf_printf(b, " name-mangler %s", a->mangler);
	buf_addc(b, '\n');
}

static void write_profile(struct buf *b, const struct ikev2_profile *p)
{
	char txt[INET6_ADDRSTRLEN];
	buf_printf(b, "crypto ikev2 profile %s\n", p->name);
	if (p->description[0])
		buf_printf(b, " description %s\n", p->description);
	if (p->fvrf_kind == IKEV2_FVRF_ANY)
		buf_adds(b, " match fvrf any\n");
	else if (p->fvrf_kind == IKEV2_FVRF_NAMED)
		buf_printf(b, " match fvrf %s\n", p->fvrf);
	for (int i = 0; i < p->n_local_addr; i++) {
		inet_ntop(p->local_addr[i].family, p->local_addr[i].addr, txt, sizeof txt);
		buf_printf(b, " match address local %s\n", txt);
	}
	for (int i = 0; i < p->n_local_if; i++)
		buf_printf(b, " match address local interface %s\n", p->local_if[i]);
	for (int i = 0; i < p->n_remote_ids; i++) {
		const struct ikev2_idspec *id = &p->remote_ids[i];
		buf_adds(b, " match identity remote ");
		ikev2_idspec_format(id, b);
		/* IOS leaves a blank after an address (and its mask) */
		buf_adds(b, id->kind == IKEV2_IDK_ADDRESS ? " \n" : "\n");
	}
	for (int i = 0; i < p->n_certmaps; i++)
		buf_printf(b, " match certificate %s\n", p->certmaps[i]);
	if (p->local_id.kind != IKEV2_IDK_NONE) {
		buf_adds(b, " identity local ");
		ikev2_idspec_format(&p->local_id, b);
		buf_addc(b, '\n');
	}
	/* IOS order: remote (certificate/PSK) methods, local, then remote EAP. */
	write_remote_auth(b, p, false);
	write_local_auth(b, p);
	write_remote_auth(b, p, true);
	if (p->keyring_local[0])
		buf_printf(b, " keyring local %s\n", p->keyring_local);
	if (p->keyring_aaa[0]) {
		buf_printf(b, " keyring aaa %s", p->keyring_aaa);
		if (p->keyring_aaa_mangler[0])
			buf_printf(b, " name-mangler %s", p->keyring_aaa_mangler);
		if (p->keyring_aaa_password.set) {
			buf_adds(b, " password ");
			ikev2_psk_format(&p->keyring_aaa_password, b);
		}
		buf_addc(b, '\n');
	}
	for (int i = 0; i < p->n_trustpoints; i++)
		buf_printf(b, " pki trustpoint %s%s\n", p->trustpoints[i],
			   p->trustpoint_use[i] == IKEV2_TP_SIGN ? " sign" :
			   p->trustpoint_use[i] == IKEV2_TP_VERIFY ? " verify" : "");
	if (p->lifetime != 86400)
		buf_printf(b, " lifetime %d\n", p->lifetime);
	if (p->dpd_mode != IKEV2_CFG_DPD_OFF)
		buf_printf(b, " dpd %d %d %s\n", p->dpd_interval, p->dpd_retry,
			   p->dpd_mode == IKEV2_CFG_DPD_PERIODIC ? "periodic" : "on-demand");
	if (p->nat_keepalive)
		buf_printf(b, " nat keepalive %d\n", p->nat_keepalive);
	if (p->ivrf[0])
		buf_printf(b, " ivrf %s\n", p->ivrf);
	if (p->aaa_authen_eap[0])
		buf_printf(b, " aaa authentication eap %s\n", p->aaa_authen_eap);
	for (int k = 0; k < IKEV2_AAA_KINDS; k++)
		write_author(b, "group", p->author_group_override[k], k, &p->author_group[k]);
	for (int k = 0; k < IKEV2_AAA_KINDS; k++)
		write_author(b, "user", false, k, &p->author_user[k]);
	for (int k = 0; k < IKEV2_AAA_KINDS; k++)
		if (p->accounting[k][0])
			buf_printf(b, " aaa accounting %s %s\n", kind_kw[k], p->accounting[k]);
	if (p->virtual_template)
		buf_printf(b, " virtual-template %d\n", p->virtual_template);
	if (!p->config_request)
		buf_adds(b, " no config-exchange request\n");
	if (!p->config_set_send)
		buf_adds(b, " no config-exchange set send\n");
	if (!p->config_set_accept)
		buf_adds(b, " no config-exchange set accept\n");
	if (p->initial_contact_force)
		buf_adds(b, " initial-contact force\n");
	if (p->redirect_gateway_auth)
		buf_adds(b, " redirect gateway auth\n");
	if (p->shutdown)
		buf_adds(b, " shutdown\n");
	buf_adds(b, "!\n");
}

static void profiles_write(struct buf *b)
{
	for (const struct ikev2_profile *p = profiles; p; p = p->next)
		write_profile(b, p);
}

/* ---- references (ikesh --check) ---- */

static int line_or(int line, const struct ikev2_profile *p)
{
	return line ? line : p->src_line;
}

static void check_mangler(struct problem_list *pl, const struct ikev2_profile *p, const char *m, int line)
{
	if (m[0] && !ikev2_name_mangler_find(m))
		problem_add(pl, line_or(line, p), "IKEv2 profile %s: name-mangler %s does not exist", p->name, m);
}

static void check_aaa(struct problem_list *pl, const struct ikev2_profile *p, const char *type,
		      const char *list, int line)
{
	if (list[0] && !aaa_method_list_exists(type, list))
		problem_add(pl, line_or(line, p), "IKEv2 profile %s: aaa %s list %s does not exist", p->name,
			    type, list);
}

static void profiles_check(struct problem_list *pl)
{
	for (const struct ikev2_profile *p = profiles; p; p = p->next) {
		if (p->auth_local == IKEV2_AUTHM_NONE || p->auth_remote == 0)
			problem_add(pl, p->src_line,
				    "IKEv2 profile %s has no %s authentication method", p->name,
				    p->auth_local == IKEV2_AUTHM_NONE ? "local" : "remote");
		if (p->n_remote_ids == 0 && p->n_certmaps == 0)
			problem_add(pl, p->src_line,
				    "IKEv2 profile %s has no match identity or match certificate statement",
				    p->name);
		if (p->keyring_local[0] && !ikev2_keyring_find(p->keyring_local))
			problem_add(pl, line_or(p->keyring_local_line, p),
				    "IKEv2 profile %s: keyring %s does not exist", p->name, p->keyring_local);
		if ((p->auth_local == IKEV2_AUTHM_PSK && !p->auth_local_key.set) ||
		    ((p->auth_remote & IKEV2_AUTHM_PSK) && !p->auth_remote_key.set)) {
			if (!p->keyring_local[0] && !p->keyring_aaa[0])
				problem_add(pl, p->src_line,
					    "IKEv2 profile %s uses pre-share authentication but has no keyring",
					    p->name);
		}
		for (int i = 0; i < p->n_trustpoints; i++)
			if (!pki_trustpoint_exists(p->trustpoints[i]))
				problem_add(pl, line_or(p->trustpoint_line[i], p),
					    "IKEv2 profile %s: trustpoint %s does not exist", p->name,
					    p->trustpoints[i]);
		if (p->virtual_template) {
			char ifn[32];
			snprintf(ifn, sizeof ifn, "Virtual-Template%d", p->virtual_template);
			if (!tunnel_interface_exists(ifn))
				problem_add(pl, line_or(p->virtual_template_line, p),
					    "IKEv2 profile %s: interface %s does not exist", p->name, ifn);
		}
		for (int i = 0; i < p->n_local_if; i++)
			if (!tunnel_interface_exists(p->local_if[i]))
				problem_add(pl, p->src_line, "IKEv2 profile %s: interface %s does not exist",
					    p->name, p->local_if[i]);
		if (p->fvrf_kind == IKEV2_FVRF_NAMED && !tunnel_vrf_exists(p->fvrf))
			problem_add(pl, p->src_line, "IKEv2 profile %s: match fvrf %s: VRF does not exist",
				    p->name, p->fvrf);
		if (p->ivrf[0] && !tunnel_vrf_exists(p->ivrf))
			problem_add(pl, p->src_line, "IKEv2 profile %s: ivrf %s: VRF does not exist", p->name,
				    p->ivrf);
		for (int i = 0; i < p->n_certmaps; i++)
			if (!pki_certmap_exists(p->certmaps[i]))
				problem_add(pl, p->src_line,
					    "IKEv2 profile %s: certificate map %s does not exist", p->name,
					    p->certmaps[i]);
		check_mangler(pl, p, p->keyring_aaa_mangler, p->keyring_aaa_line);
		check_aaa(pl, p, "authorization network", p->keyring_aaa, p->keyring_aaa_line);
		check_aaa(pl, p, "authentication login", p->aaa_authen_eap, p->aaa_authen_eap_line);
		for (int k = 0; k < IKEV2_AAA_KINDS; k++) {
			const struct ikev2_aaa_author *g = &p->author_group[k], *u = &p->author_user[k];
			if (g->set) {
				check_mangler(pl, p, g->mangler, g->src_line);
				check_aaa(pl, p, "authorization network", g->list, g->src_line);
			}
			if (u->set && !u->cached) {
				check_mangler(pl, p, u->mangler, u->src_line);
				check_aaa(pl, p, "authorization network", u->list, u->src_line);
			}
			check_aaa(pl, p, "accounting network", p->accounting[k], p->accounting_line[k]);
		}
		if (p->auth_local == IKEV2_AUTHM_EAP &&
		    !(p->auth_remote & (IKEV2_AUTHM_RSA | IKEV2_AUTHM_ECDSA)))
			problem_add(pl, p->src_line,
				    "IKEv2 profile %s: with authentication local eap the remote method must be "
				    "rsa-sig or ecdsa-sig", p->name);
	}
}

static struct config_section sec_profile = {
	"crypto ikev2 profile", ORDER_IKEV2_PROFILE, profiles_write, profiles_reset, profiles_check, NULL,
};

__attribute__((constructor)) static void ikev2_profile_init(void)
{
	config_section_register(&sec_profile);
}
