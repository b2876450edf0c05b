/* crypto ikev2 proposal NAME: encryption, integrity, prf, group; the
 * built-in "default" proposal (IKEv2 smart defaults). */
#include "ikev2/config.h"
#include "lib/array.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/cmd.h"
#include "lib/buf.h"
#include "lib/config_registry.h"

/* The smart default.  IOS 15.x offered AES-CBC-256/192/128, SHA512..MD5 and
 * groups 5 and 2; IOS-XE 17 dropped the weak ones and offers AES-CBC-256,
 * SHA512 SHA384 and groups 19 14 21 (show crypto ikev2 proposal on 17.x).
 * We implement neither MD5 nor groups 1/2/5, so the 17.x set is ours. */
static const struct ikev2_proposal builtin_default = {
	.name = "default",
	.is_default = true,
	.n_encr = 1,
	.encr = { { IKEV2_ENCR_AES_CBC, 256 } },
	.n_integ = 2,
	.integ = { IKEV2_INTEG_HMAC_SHA2_512_256, IKEV2_INTEG_HMAC_SHA2_384_192 },
	.n_prf = 0, /* derived from integrity: SHA512 SHA384 */
	.n_dh = 3,
	.dh = { 19, 14, 21 },
};

static struct ikev2_proposal *proposals;
static struct ikev2_proposal default_prop;
static bool default_enabled = true;
/* The first command of each kind on the default proposal replaces the
 * built-in list instead of adding to it. */
static bool default_touched[4];

enum { T_ENCR, T_INTEG, T_PRF, T_DH };

struct ikev2_proposal *ikev2_cfg_proposals(void) { return proposals; }
struct ikev2_proposal *ikev2_cfg_default_proposal(void) { return default_enabled ? &default_prop : NULL; }

static void default_restore(void)
{
	default_prop = builtin_default;
	memset(default_touched, 0, sizeof default_touched);
}

static void proposals_reset(void)
{
	while (proposals) {
		struct ikev2_proposal *n = proposals->next;
		free(proposals);
		proposals = n;
	}
	default_restore();
	default_enabled = true;
}

/* ---- read API ---- */

const struct ikev2_proposal *ikev2_proposal_find(const char *name)
{
	if (strcmp(name, "default") == 0)
		return ikev2_cfg_default_proposal();
	for (const struct ikev2_proposal *p = proposals; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

const struct ikev2_proposal *ikev2_proposal_first(void)
{
	return default_enabled ? &default_prop : proposals;
}

const struct ikev2_proposal *ikev2_proposal_next(const struct ikev2_proposal *p)
{
	return p == &default_prop ? proposals : p->next;
}

bool ikev2_proposal_complete(const struct ikev2_proposal *p, char *why, size_t whylen)
{
	const char *r = NULL;
	bool aead = p->n_encr > 0 && ikev2_encr_is_aead(p->encr[0].id);
	if (p->n_encr == 0)
		r = "no encryption algorithm";
	else if (aead && p->n_integ > 0)
		r = "an AEAD encryption algorithm (aes-gcm) must not have an integrity algorithm";
	else if (aead && p->n_prf == 0)
		r = "an AEAD encryption algorithm (aes-gcm) needs a prf algorithm";
	else if (!aead && p->n_integ == 0)
		r = "no integrity algorithm";
	else if (p->n_dh == 0)
		r = "no DH group";
	if (r && why)
		snprintf(why, whylen, "%s", r);
	return r == NULL;
}

static uint16_t prf_for_integ(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_HMAC_SHA1_96: return IKEV2_PRF_HMAC_SHA1;
	case IKEV2_INTEG_HMAC_SHA2_256_128: return IKEV2_PRF_HMAC_SHA2_256;
	case IKEV2_INTEG_HMAC_SHA2_384_192: return IKEV2_PRF_HMAC_SHA2_384;
	case IKEV2_INTEG_HMAC_SHA2_512_256: return IKEV2_PRF_HMAC_SHA2_512;
	default: return 0;
	}
}

int ikev2_proposal_prfs(const struct ikev2_proposal *p, uint16_t *out, int max)
{
	int n = 0;
	if (p->n_prf > 0) {
		for (int i = 0; i < p->n_prf && n < max; i++)
			out[n++] = p->prf[i];
		return n;
	}
	for (int i = 0; i < p->n_integ && n < max; i++) {
		uint16_t prf = prf_for_integ(p->integ[i]);
		bool dup = false;
		for (int j = 0; j < n; j++)
			dup |= out[j] == prf;
		if (prf && !dup)
			out[n++] = prf;
	}
	return n;
}

/* ---- handlers ---- */

static const char incomplete_msg[] =
	"IKEv2 proposal MUST either have a set of an encryption algorithm other than aes-gcm, "
	"an integrity algorithm and a DH group configured or \n"
	" encryption algorithm aes-gcm, a prf algorithm and a DH group configured\n";

static bool name_ok(struct cmdctx *c, const char *what, const char *name)
{
	if (strlen(name) >= IKEV2_NAME_MAX) {
		cmd_err(c, "%% %s name \"%s\" is too long (at most %d characters)", what, name,
			IKEV2_NAME_MAX - 1);
		return false;
	}
	return true;
}

/* crypto ikev2 proposal NAME / no crypto ikev2 proposal NAME */
int h_ikev2_proposal(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 4 : 3)->text;
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
		if (default_prop.src_line == 0)
			default_prop.src_line = c->src_line;
		cmd_enter(c, MODE_IKEV2_PROPOSAL, &default_prop);
		return 0;
	}
	struct ikev2_proposal **pp = &proposals, *p = NULL;
	for (; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->name, name) == 0) {
			p = *pp;
			break;
		}
	if (no) {
		if (!p) {
			cmd_err(c, "%% IKEv2 proposal %s does not exist", name);
			return -1;
		}
		*pp = p->next;
		free(p);
		return 0;
	}
	if (!p) {
		if (!name_ok(c, "IKEv2 proposal", name))
			return -1;
		p = calloc(1, sizeof *p);
		if (!p)
			abort();
		ikev2_copy(p->name, sizeof p->name, name);
		p->src_line = c->src_line;
		*pp = p; /* appended: creation order */
	}
	if (!ikev2_proposal_complete(p, NULL, 0) && !c->loading)
		cmd_out(c, "%s", incomplete_msg);
	cmd_enter(c, MODE_IKEV2_PROPOSAL, p);
	return 0;
}

static int encr_from_kw(const char *kw, struct ikev2_encr_alg *e)
{
	static const struct { const char *kw; uint16_t id, bits; } t[] = {
		{ "aes-cbc-128", IKEV2_ENCR_AES_CBC, 128 },
		{ "aes-cbc-192", IKEV2_ENCR_AES_CBC, 192 },
		{ "aes-cbc-256", IKEV2_ENCR_AES_CBC, 256 },
		{ "aes-gcm-128", IKEV2_ENCR_AES_GCM_16, 128 },
		{ "aes-gcm-256", IKEV2_ENCR_AES_GCM_16, 256 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(kw, t[i].kw) == 0) {
			e->id = t[i].id;
			e->keybits = t[i].bits;
			return 0;
		}
	return -1;
}

static uint16_t hash_id(const char *kw, bool prf)
{
	if (strcmp(kw, "sha1") == 0)
		return prf ? IKEV2_PRF_HMAC_SHA1 : IKEV2_INTEG_HMAC_SHA1_96;
	if (strcmp(kw, "sha256") == 0)
		return prf ? IKEV2_PRF_HMAC_SHA2_256 : IKEV2_INTEG_HMAC_SHA2_256_128;
	if (strcmp(kw, "sha384") == 0)
		return prf ? IKEV2_PRF_HMAC_SHA2_384 : IKEV2_INTEG_HMAC_SHA2_384_192;
	if (strcmp(kw, "sha512") == 0)
		return prf ? IKEV2_PRF_HMAC_SHA2_512 : IKEV2_INTEG_HMAC_SHA2_512_256;
	return 0;
}

/* Remove value v from the uint16 list a[*n]. */
static void list_remove(uint16_t *a, int *n, uint16_t v)
{
	for (int i = 0; i < *n; i++)
		if (a[i] == v) {
			ARRAY_DEL(a, *n, i);
			(*n)--;
			return;
		}
}

static bool list_has(const uint16_t *a, int n, uint16_t v)
{
	for (int i = 0; i < n; i++)
		if (a[i] == v)
			return true;
	return false;
}

/* encryption / integrity / prf / group, with their no and default forms */
int h_ikev2_prop_set(struct cmdctx *c)
{
	struct ikev2_proposal *p = c->objs[MODE_IKEV2_PROPOSAL];
	if (!ikev2_cfg_alive(p)) {
		cmd_err(c, "%% This IKEv2 proposal was removed");
		return -1;
	}
	bool no = cmd_negated(c), dflt = cmd_defaulted(c);
	int base = no || dflt ? 1 : 0;
	const char *what = cmd_arg(c, base)->name;
	int first = base + 1, nargs = c->cmd->nargs;
	int type = strcmp(what, "encryption") == 0 ? T_ENCR :
		   strcmp(what, "integrity") == 0 ? T_INTEG :
		   strcmp(what, "prf") == 0 ? T_PRF : T_DH;

	if (dflt || (no && first >= nargs)) {
		/* back to the default value: empty, or the built-in list for "default" */
		const struct ikev2_proposal *src = dflt && p->is_default ? &builtin_default : NULL;
		switch (type) {
		case T_ENCR:
			p->n_encr = src ? src->n_encr : 0;
			if (src)
				memcpy(p->encr, src->encr, sizeof p->encr);
			break;
		case T_INTEG:
			p->n_integ = src ? src->n_integ : 0;
			if (src)
				memcpy(p->integ, src->integ, sizeof p->integ);
			break;
		case T_PRF:
			p->n_prf = src ? src->n_prf : 0;
			if (src)
				memcpy(p->prf, src->prf, sizeof p->prf);
			break;
		default:
			p->n_dh = src ? src->n_dh : 0;
			if (src)
				memcpy(p->dh, src->dh, sizeof p->dh);
			break;
		}
		if (p->is_default)
			default_touched[type] = !dflt;
		return 0;
	}

	if (no) {
		for (int i = first; i < nargs; i++) {
			const char *kw = cmd_arg(c, i)->name;
			struct ikev2_encr_alg e = { 0 };
			switch (type) {
			case T_ENCR:
				encr_from_kw(kw, &e);
				for (int j = 0; j < p->n_encr; j++)
					if (p->encr[j].id == e.id && p->encr[j].keybits == e.keybits) {
						ARRAY_DEL(p->encr, p->n_encr, j);
						p->n_encr--;
						break;
					}
				break;
			case T_INTEG: list_remove(p->integ, &p->n_integ, hash_id(kw, false)); break;
			case T_PRF: list_remove(p->prf, &p->n_prf, hash_id(kw, true)); break;
			default: list_remove(p->dh, &p->n_dh, (uint16_t)atoi(kw)); break;
			}
		}
		if (p->is_default)
			default_touched[type] = true;
		return 0;
	}

	/* Positive form: validate the whole line first, then apply it. */
	struct ikev2_proposal np = *p;
	if (p->is_default && !default_touched[type]) {
		switch (type) {
		case T_ENCR: np.n_encr = 0; break;
		case T_INTEG: np.n_integ = 0; break;
		case T_PRF: np.n_prf = 0; break;
		default: np.n_dh = 0; break;
		}
	}
	for (int i = first; i < nargs; i++) {
		const char *kw = cmd_arg(c, i)->name;
		if (type == T_ENCR) {
			struct ikev2_encr_alg e;
			encr_from_kw(kw, &e);
			bool dup = false;
			for (int j = 0; j < np.n_encr; j++)
				dup |= np.encr[j].id == e.id && np.encr[j].keybits == e.keybits;
			if (dup)
				continue;
			if (np.n_encr > 0 && ikev2_encr_is_aead(np.encr[0].id) != ikev2_encr_is_aead(e.id)) {
				cmd_err(c, "%% %s: AEAD (aes-gcm) and non-AEAD (aes-cbc) encryption algorithms "
					   "cannot be in the same IKEv2 proposal", kw);
				return -1;
			}
			if (ikev2_encr_is_aead(e.id) && np.n_integ > 0) {
				cmd_err(c, "%% %s: an IKEv2 proposal with an AEAD encryption algorithm must not "
					   "have an integrity algorithm (remove it with \"no integrity\")", kw);
				return -1;
			}
			np.encr[np.n_encr++] = e;
		} else if (type == T_INTEG) {
			uint16_t id = hash_id(kw, false);
			if (np.n_encr > 0 && ikev2_encr_is_aead(np.encr[0].id)) {
				cmd_err(c, "%% integrity %s: an IKEv2 proposal with an AEAD encryption algorithm "
					   "(aes-gcm) must not have an integrity algorithm", kw);
				return -1;
			}
			if (!list_has(np.integ, np.n_integ, id))
				np.integ[np.n_integ++] = id;
		} else if (type == T_PRF) {
			uint16_t id = hash_id(kw, true);
			if (!list_has(np.prf, np.n_prf, id))
				np.prf[np.n_prf++] = id;
		} else {
			uint16_t g = (uint16_t)atoi(kw);
			if (!list_has(np.dh, np.n_dh, g))
				np.dh[np.n_dh++] = g;
		}
	}
	*p = np;
	if (p->is_default)
		default_touched[type] = true;
	return 0;
}

/* ---- running-config ---- */

static void write_body(struct buf *b, const struct ikev2_proposal *p, bool restate_empty)
{
	if (p->n_encr) {
		buf_adds(b, " encryption");
		for (int i = 0; i < p->n_encr; i++)
			buf_printf(b, " %s", ikev2_encr_cli_name(&p->encr[i]));
		buf_addc(b, '\n');
	} else if (restate_empty) {
		buf_adds(b, " no encryption\n");
	}
	if (p->n_integ) {
		buf_adds(b, " integrity");
		for (int i = 0; i < p->n_integ; i++)
			buf_printf(b, " %s", ikev2_integ_cli_name(p->integ[i]));
		buf_addc(b, '\n');
	} else if (restate_empty) {
		buf_adds(b, " no integrity\n");
	}
	if (p->n_prf) {
		buf_adds(b, " prf");
		for (int i = 0; i < p->n_prf; i++)
			buf_printf(b, " %s", ikev2_prf_cli_name(p->prf[i]));
		buf_addc(b, '\n');
	}
	if (p->n_dh) {
		buf_adds(b, " group");
		for (int i = 0; i < p->n_dh; i++)
			buf_printf(b, " %d", p->dh[i]);
		buf_addc(b, '\n');
	} else if (restate_empty) {
		buf_adds(b, " no group\n");
	}
}

static bool default_changed(void)
{
	const struct ikev2_proposal *a = &default_prop, *d = &builtin_default;
	return a->n_encr != d->n_encr || memcmp(a->encr, d->encr, sizeof a->encr) != 0 ||
	       a->n_integ != d->n_integ || memcmp(a->integ, d->integ, sizeof a->integ) != 0 ||
	       a->n_prf != d->n_prf || memcmp(a->prf, d->prf, sizeof a->prf) != 0 ||
	       a->n_dh != d->n_dh || memcmp(a->dh, d->dh, sizeof a->dh) != 0;
}

/* IOS prints the header with a trailing blank: "crypto ikev2 proposal NAME ". */
static void proposals_write(struct buf *b)
{
	if (!default_enabled) {
		buf_adds(b, "no crypto ikev2 proposal default\n!\n");
	} else if (default_changed()) {
		buf_adds(b, "crypto ikev2 proposal default \n");
		write_body(b, &default_prop, true);
		buf_adds(b, "!\n");
	}
	for (const struct ikev2_proposal *p = proposals; p; p = p->next) {
		buf_printf(b, "crypto ikev2 proposal %s \n", p->name);
		write_body(b, p, false);
		buf_adds(b, "!\n");
	}
}

static void proposals_check(struct problem_list *pl)
{
	char why[128];
	if (default_enabled && !ikev2_proposal_complete(&default_prop, why, sizeof why))
		problem_add(pl, default_prop.src_line, "IKEv2 proposal default is incomplete: %s", why);
	for (const struct ikev2_proposal *p = proposals; p; p = p->next)
		if (!ikev2_proposal_complete(p, why, sizeof why))
			problem_add(pl, p->src_line, "IKEv2 proposal %s is incomplete: %s", p->name, why);
}

static struct config_section sec_proposal = {
	"crypto ikev2 proposal", ORDER_IKEV2_PROPOSAL, proposals_write, proposals_reset,
	proposals_check, NULL,
};

__attribute__((constructor)) static void ikev2_proposal_init(void)
{
	default_restore();
	config_section_register(&sec_proposal);
}
