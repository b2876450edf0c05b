/* crypto ipsec profile: objects, (ipsec-profile) handlers, running-config
 * writer, reference check and the CHILD_SA policy resolution. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/cmd.h"
#include "lib/array.h"
#include "ikev2/config.h"
#include "ipsec/config.h"
#include "lib/config_registry.h"

/* IKEv2 profiles named by "set ikev2-profile": checked, and counted as
 * references ("Ref Count" of show crypto ikev2 profile). */
static bool ikev2_profile_known(const char *name) { return ikev2_profile_find(name) != NULL; }

static void ikev2_ref(const char *name, int delta)
{
	if (name[0])
		ikev2_profile_ref(name, delta);
}

static struct ipsec_profile **profs;
static int n_profs, cap_profs;
static bool default_disabled;

static void prof_factory_default(struct ipsec_profile *p)
{
	memset(p, 0, sizeof *p);
	strcpy(p->name, "default");
	strcpy(p->ts[0], "default");
	p->n_ts = 1;
	p->is_default = true;
}

static void prof_reset(void)
{
	for (int i = 0; i < n_profs; i++) {
		ikev2_ref(profs[i]->ikev2_profile, -1);
		free(profs[i]);
	}
	n_profs = 0;
	default_disabled = false;
	if (cap_profs == 0) {
		cap_profs = 8;
		profs = calloc((size_t)cap_profs, sizeof *profs);
		if (!profs)
			abort();
	}
	struct ipsec_profile *d = malloc(sizeof *d);
	if (!d)
		abort();
	prof_factory_default(d);
	profs[n_profs++] = d;
}

static struct ipsec_profile *prof_lookup(const char *name)
{
	for (int i = 0; i < n_profs; i++)
		if (strcmp(profs[i]->name, name) == 0)
			return profs[i];
	return NULL;
}

struct ipsec_profile *ipsec_profile_get_mut(const char *name) { return prof_lookup(name); }

const struct ipsec_profile *ipsec_profile_find(const char *name)
{
	const struct ipsec_profile *p = prof_lookup(name);
	if (p && p->is_default && default_disabled)
		return NULL;
	return p;
}

int ipsec_profile_exists(const char *name) { return ipsec_profile_find(name) != NULL; }
int ipsec_profile_count(void) { return n_profs; }
const struct ipsec_profile *ipsec_profile_at(int i) { return i >= 0 && i < n_profs ? profs[i] : NULL; }
bool ipsec_profile_default_disabled(void) { return default_disabled; }

bool ipsec_profile_default_is_factory(void)
{
	const struct ipsec_profile *d = prof_lookup("default");
	if (!d)
		return true;
	return d->description[0] == 0 && d->n_ts == 1 && strcmp(d->ts[0], "default") == 0 &&
	       d->pfs_group == 0 && d->ikev2_profile[0] == 0 && d->life_sec == 0 && d->life_kb == 0 &&
	       !d->life_kb_disable && d->idle_time == 0 && d->replay == IPSEC_REPLAY_INHERIT &&
	       !d->responder_only;
}

static const struct {
	const char *kw;
	int group;
} pfs_groups[] = {
	{ "group1", 1 },   { "group2", 2 },   { "group5", 5 },   { "group14", 14 }, { "group15", 15 },
	{ "group16", 16 }, { "group19", 19 }, { "group20", 20 }, { "group21", 21 }, { "group24", 24 },
};

const char *ipsec_pfs_group_name(int group)
{
	for (size_t i = 0; i < sizeof pfs_groups / sizeof pfs_groups[0]; i++)
		if (pfs_groups[i].group == group)
			return pfs_groups[i].kw;
	return NULL;
}

/* crypto ipsec profile NAME / no crypto ipsec profile NAME */
int h_ipsec_profile(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 4 : 3)->text;
	if (strlen(name) > IPSEC_NAME_MAX) {
		cmd_err(c, "%% IPsec profile name \"%s\" is longer than %d characters", name, IPSEC_NAME_MAX);
		return -1;
	}
	struct ipsec_profile *p = prof_lookup(name);
	if (no) {
		if (!p) {
			cmd_err(c, "%% IPsec profile %s does not exist", name);
			return -1;
		}
		ikev2_ref(p->ikev2_profile, -1);
		if (p->is_default) {
			prof_factory_default(p);
			default_disabled = true;
			return 0;
		}
		for (int i = 0; i < n_profs; i++)
			if (profs[i] == p) {
				ARRAY_DEL(profs, n_profs, i);
				n_profs--;
				break;
			}
		free(p);
		return 0;
	}
	if (!p) {
		if (n_profs == cap_profs) {
			int ncap = cap_profs * 2;
			struct ipsec_profile **np = realloc(profs, (size_t)ncap * sizeof *np);
			if (!np)
				abort();
			profs = np;
			cap_profs = ncap;
		}
		p = calloc(1, sizeof *p);
		if (!p)
			abort();
		snprintf(p->name, sizeof p->name, "%s", name);
		p->src_line = c->src_line;
		profs[n_profs++] = p;
	}
	if (p->is_default)
		default_disabled = false;
	cmd_enter(c, MODE_IPSEC_PROFILE, p);
	return 0;
}

static int name_ok(struct cmdctx *c, const char *what, const char *name)
{
	if (strlen(name) > IPSEC_NAME_MAX) {
		cmd_err(c, "%% %s name \"%s\" is longer than %d characters", what, name, IPSEC_NAME_MAX);
		return 0;
	}
	return 1;
}

/* set security-association ... in a profile; undo: no/default forms. */
static int prof_set_sa(struct cmdctx *c, struct ipsec_profile *p, int i, bool undo)
{
	const char *what = cmd_arg(c, i)->name;
	const struct cmdarg *a1 = cmd_arg(c, i + 1);
	const struct cmdarg *a2 = cmd_arg(c, i + 2);
	if (strcmp(what, "lifetime") == 0) {
		if (strcmp(a1->name, "seconds") == 0) {
			p->life_sec = undo ? 0 : (uint32_t)a2->num;
		} else if (undo) {
			p->life_kb = 0;
			p->life_kb_disable = false;
		} else if (strcmp(a2->name, "disable") == 0) {
			p->life_kb_disable = true;
			p->life_kb = 0;
		} else {
			p->life_kb = (uint64_t)a2->num;
			p->life_kb_disable = false;
		}
	} else if (strcmp(what, "replay") == 0) {
		if (undo) {
			/* "no ... replay disable" turns checking back on; both go back to
			 * the global setting */
			p->replay = IPSEC_REPLAY_INHERIT;
			p->replay_window = 0;
		} else if (strcmp(a1->name, "disable") == 0) {
			p->replay = IPSEC_REPLAY_DISABLE;
			p->replay_window = 0;
		} else {
			p->replay = IPSEC_REPLAY_WINDOW;
			p->replay_window = (uint32_t)strtoul(a2->name, NULL, 10);
		}
	} else if (strcmp(what, "idle-time") == 0) {
		p->idle_time = undo ? 0 : (uint32_t)a1->num;
	}
	return 0;
}

/* (ipsec-profile)# set transform-set / pfs / ikev2-profile / security-association */
int h_ipsec_prof_set(struct cmdctx *c)
{
	struct ipsec_profile *p = c->objs[MODE_IPSEC_PROFILE];
	bool undo = cmd_negated(c) || cmd_defaulted(c);
	int i = undo ? 2 : 1; /* the word after "set" */
	const char *what = cmd_arg(c, i)->name;
	int nargs = c->cmd->nargs;

	if (strcmp(what, "transform-set") == 0) {
		if (undo) {
			/* no set transform-set [T...]: the default profile goes back to
			 * "default", others to none */
			memset(p->ts, 0, sizeof p->ts);
			p->n_ts = 0;
			if (p->is_default) {
				strcpy(p->ts[0], "default");
				p->n_ts = 1;
			}
			p->ts_line = 0;
			return 0;
		}
		int n = nargs - (i + 1);
		if (n > IPSEC_PROFILE_MAX_TS) {
			cmd_err(c, "%% At most %d transform sets can be set in a profile (%d given)",
				IPSEC_PROFILE_MAX_TS, n);
			return -1;
		}
		for (int k = 0; k < n; k++) {
			const char *ts = cmd_arg(c, i + 1 + k)->text;
			if (!name_ok(c, "Transform set", ts))
				return -1;
			for (int j = 0; j < k; j++)
				if (strcmp(cmd_arg(c, i + 1 + j)->text, ts) == 0) {
					cmd_err(c, "%% Transform set %s is listed twice", ts);
					return -1;
				}
		}
		memset(p->ts, 0, sizeof p->ts);
		for (int k = 0; k < n; k++)
			snprintf(p->ts[k], sizeof p->ts[k], "%s", cmd_arg(c, i + 1 + k)->text);
		p->n_ts = n;
		p->ts_line = c->src_line;
		return 0;
	}
	if (strcmp(what, "pfs") == 0) {
		if (undo) {
			p->pfs_group = 0;
			return 0;
		}
		/* "set pfs" alone: IOS uses group1 */
		const char *g = nargs > i + 1 ? cmd_arg(c, i + 1)->name : "group1";
		for (size_t k = 0; k < sizeof pfs_groups / sizeof pfs_groups[0]; k++)
			if (strcmp(pfs_groups[k].kw, g) == 0)
				p->pfs_group = pfs_groups[k].group;
		return 0;
	}
	if (strcmp(what, "ikev2-profile") == 0) {
		if (undo) {
			ikev2_ref(p->ikev2_profile, -1);
			p->ikev2_profile[0] = 0;
			p->ikev2_line = 0;
			return 0;
		}
		const char *n = cmd_arg(c, i + 1)->text;
		if (!name_ok(c, "IKEv2 profile", n))
			return -1;
		if (strcmp(p->ikev2_profile, n) != 0) {
			ikev2_ref(p->ikev2_profile, -1);
			ikev2_ref(n, +1);
		}
		snprintf(p->ikev2_profile, sizeof p->ikev2_profile, "%s", n);
		p->ikev2_line = c->src_line;
		return 0;
	}
	return prof_set_sa(c, p, i + 1, undo);
}

/* (ipsec-profile)# responder-only / description */
int h_ipsec_prof_misc(struct cmdctx *c)
{
	struct ipsec_profile *p = c->objs[MODE_IPSEC_PROFILE];
	bool undo = cmd_negated(c) || cmd_defaulted(c);
	const char *what = cmd_arg(c, undo ? 1 : 0)->name;
	if (strcmp(what, "responder-only") == 0) {
		p->responder_only = !undo;
	} else if (strcmp(what, "description") == 0) {
		if (undo) {
			p->description[0] = 0;
			return 0;
		}
		const char *d = cmd_arg(c, 1)->text;
		if (strlen(d) > IPSEC_DESCRIPTION_MAX) {
			cmd_err(c, "%% Description is longer than %d characters", IPSEC_DESCRIPTION_MAX);
			return -1;
		}
		snprintf(p->description, sizeof p->description, "%s", d);
	}
	return 0;
}

static void prof_write_one(struct buf *b, const struct ipsec_profile *p)
{
	buf_printf(b, "crypto ipsec profile %s\n", p->name);
	if (p->description[0])
		buf_printf(b, " description %s\n", p->description);
	if (p->life_kb_disable)
		buf_adds(b, " set security-association lifetime kilobytes disable\n");
	else if (p->life_kb)
		buf_printf(b, " set security-association lifetime kilobytes %llu\n",
			   (unsigned long long)p->life_kb);
	if (p->life_sec)
		buf_printf(b, " set security-association lifetime seconds %u\n", p->life_sec);
	if (p->replay == IPSEC_REPLAY_DISABLE)
		buf_adds(b, " set security-association replay disable\n");
	else if (p->replay == IPSEC_REPLAY_WINDOW)
		buf_printf(b, " set security-association replay window-size %u\n", p->replay_window);
	if (p->idle_time)
		buf_printf(b, " set security-association idle-time %u\n", p->idle_time);
	if (p->n_ts) {
		buf_adds(b, " set transform-set");
		for (int k = 0; k < p->n_ts; k++)
			buf_printf(b, " %s", p->ts[k]);
		buf_adds(b, " \n");
	}
	if (p->pfs_group)
		buf_printf(b, " set pfs %s\n", ipsec_pfs_group_name(p->pfs_group));
	if (p->ikev2_profile[0])
		buf_printf(b, " set ikev2-profile %s\n", p->ikev2_profile);
	if (p->responder_only)
		buf_adds(b, " responder-only\n");
	buf_adds(b, "!\n");
}

static void prof_write(struct buf *b)
{
	if (default_disabled)
		buf_adds(b, "no crypto ipsec profile default\n!\n");
	for (int i = 0; i < n_profs; i++) {
		const struct ipsec_profile *p = profs[i];
		if (p->is_default && (default_disabled || ipsec_profile_default_is_factory()))
			continue;
		prof_write_one(b, p);
	}
}

static void prof_check(struct problem_list *pl)
{
	for (int i = 0; i < n_profs; i++) {
		const struct ipsec_profile *p = profs[i];
		if (p->is_default && default_disabled)
			continue;
		for (int k = 0; k < p->n_ts; k++)
			if (!ipsec_transform_set_find(p->ts[k]))
				problem_add(pl, p->ts_line ? p->ts_line : p->src_line,
					    "crypto ipsec profile %s: transform set %s is not defined",
					    p->name, p->ts[k]);
		/* Accepted because IOS configs use them, but the IKEv2 engine only
		 * implements the groups of crypto/crypto_dh.c. */
		if (p->pfs_group == 1 || p->pfs_group == 2 || p->pfs_group == 5)
			problem_add(pl, p->src_line,
				    "crypto ipsec profile %s: set pfs %s is not supported by ikesh "
				    "(use group14 or higher)",
				    p->name, ipsec_pfs_group_name(p->pfs_group));
		if (p->ikev2_profile[0] && !ikev2_profile_known(p->ikev2_profile))
			problem_add(pl, p->ikev2_line ? p->ikev2_line : p->src_line,
				    "crypto ipsec profile %s: IKEv2 profile %s is not defined",
				    p->name, p->ikev2_profile);
	}
}

static struct config_section sec_prof = {
	"ipsec-profile", ORDER_IPSEC_PROFILE, prof_write, prof_reset, prof_check, NULL,
};

__attribute__((constructor)) static void prof_init(void)
{
	prof_reset();
	config_section_register(&sec_prof);
}

int ipsec_profile_resolve(const char *name, struct ipsec_child_policy *out)
{
	const struct ipsec_profile *p = ipsec_profile_find(name);
	if (!p)
		return -1;
	const struct ipsec_globals *g = ipsec_globals_get();
	memset(out, 0, sizeof *out);
	snprintf(out->profile, sizeof out->profile, "%s", p->name);
	for (int k = 0; k < p->n_ts; k++)
		if (ipsec_transform_set_resolve(p->ts[k], &out->proposals[out->n_proposals]) == 0)
			out->n_proposals++;
	/* A profile that names no transform set uses the default one. */
	if (p->n_ts == 0 && ipsec_transform_set_resolve("default", &out->proposals[0]) == 0)
		out->n_proposals = 1;
	out->pfs_group = (uint16_t)p->pfs_group;
	snprintf(out->ikev2_profile, sizeof out->ikev2_profile, "%s", p->ikev2_profile);
	out->lifetime_sec = p->life_sec ? p->life_sec : g->life_sec;
	if (p->life_kb_disable)
		out->lifetime_kb = 0;
	else if (p->life_kb)
		out->lifetime_kb = p->life_kb;
	else
		out->lifetime_kb = g->life_kb_disable ? 0 : g->life_kb;
	out->idle_time = p->idle_time ? p->idle_time : g->idle_time;
	switch (p->replay) {
	case IPSEC_REPLAY_DISABLE:
		out->replay_window = 0;
		break;
	case IPSEC_REPLAY_WINDOW:
		out->replay_window = p->replay_window;
		break;
	case IPSEC_REPLAY_INHERIT:
		out->replay_window = g->replay_disable ? 0 : g->replay_window;
		break;
	}
	out->responder_only = p->responder_only;
	out->dfbit = g->dfbit;
	out->natt = g->natt;
	return 0;
}
