/* crypto ikev2 policy NAME: proposal, match fvrf, match address local; the
 * built-in "default" policy (match any fvrf, any address, proposal default). */
#include "ikev2/config.h"
#include "lib/array.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/cmd.h"
#include "lib/buf.h"
#include "lib/config_registry.h"
#include "tunnel/tunnel.h"

static struct ikev2_policy *policies;
static struct ikev2_policy default_pol;
static bool default_enabled = true;
static bool default_prop_touched; /* first "proposal" on default replaces "default" */

struct ikev2_policy *ikev2_cfg_policies(void) { return policies; }
struct ikev2_policy *ikev2_cfg_default_policy(void) { return default_enabled ? &default_pol : NULL; }

static void default_restore(void)
{
	memset(&default_pol, 0, sizeof default_pol);
	ikev2_copy(default_pol.name, sizeof default_pol.name, "default");
	default_pol.is_default = true;
	default_pol.fvrf_kind = IKEV2_FVRF_ANY;
	default_pol.n_proposals = 1;
	ikev2_copy(default_pol.proposals[0], sizeof default_pol.proposals[0], "default");
	default_prop_touched = false;
}

static void policies_reset(void)
{
	while (policies) {
		struct ikev2_policy *n = policies->next;
		free(policies);
		policies = n;
	}
	default_restore();
	default_enabled = true;
}

/* ---- read API ---- */

const struct ikev2_policy *ikev2_policy_first(void)
{
	return policies ? policies : ikev2_cfg_default_policy();
}

const struct ikev2_policy *ikev2_policy_next(const struct ikev2_policy *p)
{
	if (p == &default_pol)
		return NULL;
	return p->next ? p->next : ikev2_cfg_default_policy();
}

const struct ikev2_policy *ikev2_policy_find(const char *name)
{
	if (strcmp(name, "default") == 0)
		return ikev2_cfg_default_policy();
	for (const struct ikev2_policy *p = policies; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static bool fvrf_matches(enum ikev2_fvrf_kind kind, const char *name, const char *fvrf)
{
	bool global = !fvrf || !fvrf[0];
	switch (kind) {
	case IKEV2_FVRF_ANY: return true;
	case IKEV2_FVRF_GLOBAL: return global;
	default: return !global && strcmp(name, fvrf) == 0;
	}
}

static bool ip_eq(const struct ikev2_ip *a, const struct ikev2_ip *b)
{
	return a->family == b->family &&
	       memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

bool ikev2_policy_matches(const struct ikev2_policy *p, const struct ikev2_ip *local, const char *fvrf)
{
	if (!fvrf_matches(p->fvrf_kind, p->fvrf, fvrf))
		return false;
	if (p->n_local == 0)
		return true;
	if (!local)
		return false;
	for (int i = 0; i < p->n_local; i++)
		if (ip_eq(&p->local[i], local))
			return true;
	return false;
}

static bool has_complete_proposal(const struct ikev2_policy *p)
{
	for (int i = 0; i < p->n_proposals; i++) {
		const struct ikev2_proposal *pr = ikev2_proposal_find(p->proposals[i]);
		if (pr && ikev2_proposal_complete(pr, NULL, 0))
			return true;
	}
	return false;
}

const struct ikev2_policy *ikev2_policy_select(const struct ikev2_ip *local, const char *fvrf)
{
	const struct ikev2_policy *best = NULL;
	int best_score = -1;
	for (const struct ikev2_policy *p = policies; p; p = p->next) {
		if (!ikev2_policy_matches(p, local, fvrf) || !has_complete_proposal(p))
			continue;
		int score = (p->n_local ? 2 : 0) + (p->fvrf_kind != IKEV2_FVRF_ANY ? 1 : 0);
		if (score > best_score) {
			best = p;
			best_score = score;
		}
	}
	if (!best && default_enabled && ikev2_policy_matches(&default_pol, local, fvrf) &&
	    has_complete_proposal(&default_pol))
		best = &default_pol;
	return best;
}

/* ---- handlers ---- */

static const char incomplete_msg[] = "IKEv2 policy MUST have atleast one complete proposal attached \n";

/* crypto ikev2 policy NAME / no crypto ikev2 policy NAME */
int h_ikev2_policy(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 4 : 3)->text;
	struct ikev2_policy *p = NULL, **pp = &policies;
	if (strcmp(name, "default") == 0) {
		if (no) {
			default_enabled = false;
			default_restore();
			return 0;
		}
		if (!default_enabled) {
			default_enabled = true;
			default_restore();
		}
		p = &default_pol;
		if (!p->src_line)
			p->src_line = c->src_line;
	} else {
		for (; *pp; pp = &(*pp)->next)
			if (strcmp((*pp)->name, name) == 0) {
				p = *pp;
				break;
			}
		if (no) {
			if (!p) {
				cmd_err(c, "%% IKEv2 policy %s does not exist", name);
				return -1;
			}
			*pp = p->next;
			free(p);
			return 0;
		}
		if (!p) {
			if (strlen(name) >= IKEV2_NAME_MAX) {
				cmd_err(c, "%% IKEv2 policy name \"%s\" is too long (at most %d characters)",
					name, IKEV2_NAME_MAX - 1);
				return -1;
			}
			p = calloc(1, sizeof *p);
			if (!p)
				abort();
			ikev2_copy(p->name, sizeof p->name, name);
			p->fvrf_kind = IKEV2_FVRF_GLOBAL;
			p->src_line = c->src_line;
			*pp = p;
		}
	}
	if (!has_complete_proposal(p) && !c->loading)
		cmd_out(c, "%s", incomplete_msg);
	cmd_enter(c, MODE_IKEV2_POLICY, p);
	return 0;
}

/* proposal / match fvrf / match address local, and their no forms */
int h_ikev2_pol_set(struct cmdctx *c)
{
	struct ikev2_policy *p = c->objs[MODE_IKEV2_POLICY];
	if (!ikev2_cfg_alive(p)) {
		cmd_err(c, "%% This IKEv2 policy was removed");
		return -1;
	}
	bool no = cmd_negated(c);
	int base = no ? 1 : 0, nargs = c->cmd->nargs;
	const char *what = cmd_arg(c, base)->name;

	if (strcmp(what, "proposal") == 0) {
		if (no && nargs == base + 1) {
			p->n_proposals = 0;
			if (p->is_default)
				default_prop_touched = true;
			return 0;
		}
		const char *name = cmd_arg(c, base + 1)->text;
		if (p->is_default && !default_prop_touched) {
			p->n_proposals = 0;
			default_prop_touched = true;
		}
		int at = -1;
		for (int i = 0; i < p->n_proposals; i++)
			if (strcmp(p->proposals[i], name) == 0)
				at = i;
		if (no) {
			if (at < 0) {
				cmd_err(c, "%% Proposal %s is not attached to IKEv2 policy %s", name, p->name);
				return -1;
			}
			ARRAY_DEL(p->proposals, p->n_proposals, at);
			ARRAY_DEL(p->proposal_line, p->n_proposals, at);
			p->n_proposals--;
			return 0;
		}
		if (at >= 0)
			return 0;
		if (strlen(name) >= IKEV2_NAME_MAX) {
			cmd_err(c, "%% Proposal name \"%s\" is too long (at most %d characters)", name,
				IKEV2_NAME_MAX - 1);
			return -1;
		}
		if (p->n_proposals == IKEV2_POLICY_MAX_PROPOSALS) {
			cmd_err(c, "%% IKEv2 policy %s already has %d proposals", p->name,
				IKEV2_POLICY_MAX_PROPOSALS);
			return -1;
		}
		ikev2_copy(p->proposals[p->n_proposals], IKEV2_NAME_MAX, name);
		p->proposal_line[p->n_proposals++] = c->src_line;
		return 0;
	}

	/* match ... */
	const char *sub = cmd_arg(c, base + 1)->name;
	if (strcmp(sub, "fvrf") == 0) {
		const struct cmdarg *v = cmd_arg(c, base + 2);
		enum ikev2_fvrf_kind reset = p->is_default ? IKEV2_FVRF_ANY : IKEV2_FVRF_GLOBAL;
		if (no) {
			p->fvrf_kind = reset;
			p->fvrf[0] = 0;
			return 0;
		}
		if (v->kind == ARG_KEYWORD) {
			p->fvrf_kind = IKEV2_FVRF_ANY;
			p->fvrf[0] = 0;
			return 0;
		}
		if (strlen(v->text) >= IKEV2_NAME_MAX) {
			cmd_err(c, "%% VRF name \"%s\" is too long", v->text);
			return -1;
		}
		p->fvrf_kind = IKEV2_FVRF_NAMED;
		ikev2_copy(p->fvrf, sizeof p->fvrf, v->text);
		return 0;
	}
	/* match address local [A] */
	const struct cmdarg *a = cmd_arg(c, base + 3);
	if (!a) { /* no match address local */
		p->n_local = 0;
		return 0;
	}
	struct ikev2_ip ip;
	ikev2_ip_parse(a->text, &ip);
	int at = -1;
	for (int i = 0; i < p->n_local; i++)
		if (ip_eq(&p->local[i], &ip))
			at = i;
	if (no) {
		if (at < 0) {
			cmd_err(c, "%% Local address %s is not matched by IKEv2 policy %s", a->text, p->name);
			return -1;
		}
		ARRAY_DEL(p->local, p->n_local, at);
		p->n_local--;
		return 0;
	}
	if (at >= 0)
		return 0;
	if (p->n_local == IKEV2_POLICY_MAX_ADDR) {
		cmd_err(c, "%% IKEv2 policy %s already matches %d local addresses", p->name,
			IKEV2_POLICY_MAX_ADDR);
		return -1;
	}
	p->local[p->n_local++] = ip;
	return 0;
}

/* ---- running-config ---- */

static void write_body(struct buf *b, const struct ikev2_policy *p)
{
	if (p->fvrf_kind == IKEV2_FVRF_NAMED)
		buf_printf(b, " match fvrf %s\n", p->fvrf);
	else if (p->fvrf_kind == IKEV2_FVRF_ANY && !p->is_default)
		buf_adds(b, " match fvrf any\n");
	for (int i = 0; i < p->n_local; i++) {
		char txt[INET6_ADDRSTRLEN];
		inet_ntop(p->local[i].family, p->local[i].addr, txt, sizeof txt);
		buf_printf(b, " match address local %s\n", txt);
	}
	if (p->is_default && p->n_proposals == 0)
		buf_adds(b, " no proposal\n");
	for (int i = 0; i < p->n_proposals; i++)
		buf_printf(b, " proposal %s\n", p->proposals[i]);
}

static bool default_changed(void)
{
	const struct ikev2_policy *p = &default_pol;
	return p->fvrf_kind != IKEV2_FVRF_ANY || p->n_local != 0 || p->n_proposals != 1 ||
	       strcmp(p->proposals[0], "default") != 0;
}

static void policies_write(struct buf *b)
{
	if (!default_enabled) {
		buf_adds(b, "no crypto ikev2 policy default\n!\n");
	} else if (default_changed()) {
		buf_adds(b, "crypto ikev2 policy default \n");
		write_body(b, &default_pol);
		buf_adds(b, "!\n");
	}
	for (const struct ikev2_policy *p = policies; p; p = p->next) {
		buf_printf(b, "crypto ikev2 policy %s \n", p->name);
		write_body(b, p);
		buf_adds(b, "!\n");
	}
}


static void check_one(struct problem_list *pl, const struct ikev2_policy *p)
{
	for (int i = 0; i < p->n_proposals; i++)
		if (!ikev2_proposal_find(p->proposals[i]))
			problem_add(pl, p->proposal_line[i] ? p->proposal_line[i] : p->src_line,
				    "IKEv2 policy %s: proposal %s does not exist", p->name, p->proposals[i]);
	if (p->n_proposals == 0)
		problem_add(pl, p->src_line, "IKEv2 policy %s has no proposal", p->name);
	if (p->fvrf_kind == IKEV2_FVRF_NAMED && !tunnel_vrf_exists(p->fvrf))
		problem_add(pl, p->src_line, "IKEv2 policy %s: match fvrf %s: VRF does not exist", p->name,
			    p->fvrf);
}

static void policies_check(struct problem_list *pl)
{
	if (default_enabled && default_changed())
		check_one(pl, &default_pol);
	for (const struct ikev2_policy *p = policies; p; p = p->next)
		check_one(pl, p);
}

static struct config_section sec_policy = {
	"crypto ikev2 policy", ORDER_IKEV2_POLICY, policies_write, policies_reset, policies_check, NULL,
};

__attribute__((constructor)) static void ikev2_policy_init(void)
{
	default_restore();
	config_section_register(&sec_policy);
}
