/* crypto pki trustpoint and crypto pki certificate map: objects, handlers,
 * running-config writer and reference check. */
#include "ikev2/pki.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grammar/cmd.h"
#include "lib/config_registry.h"

static struct pki_trustpoint **tps;
static int n_tps, cap_tps;
static struct pki_certmap **maps;
static int n_maps, cap_maps;

static void *grow(void *arr, int *cap, int n, size_t elem)
{
	if (n < *cap)
		return arr;
	int ncap = *cap ? *cap * 2 : 8;
	void *p = realloc(arr, (size_t)ncap * elem);
	if (!p)
		abort();
	*cap = ncap;
	return p;
}

static void pki_reset(void)
{
	for (int i = 0; i < n_tps; i++)
		free(tps[i]);
	for (int i = 0; i < n_maps; i++)
		free(maps[i]);
	n_tps = n_maps = 0;
}

/* ---- accessors ---- */

static struct pki_trustpoint *tp_lookup(const char *name)
{
	for (int i = 0; i < n_tps; i++)
		if (strcmp(tps[i]->name, name) == 0)
			return tps[i];
	return NULL;
}

const struct pki_trustpoint *pki_trustpoint_find(const char *name) { return tp_lookup(name); }
int pki_trustpoint_exists(const char *name) { return tp_lookup(name) != NULL; }
int pki_trustpoint_count(void) { return n_tps; }
const struct pki_trustpoint *pki_trustpoint_at(int i) { return i >= 0 && i < n_tps ? tps[i] : NULL; }

int pki_certmap_exists(const char *name)
{
	for (int i = 0; i < n_maps; i++)
		if (strcmp(maps[i]->name, name) == 0)
			return 1;
	return 0;
}

int pki_certmap_count(void) { return n_maps; }
const struct pki_certmap *pki_certmap_at(int i) { return i >= 0 && i < n_maps ? maps[i] : NULL; }

static struct pki_certmap *map_lookup(const char *name, int seq)
{
	for (int i = 0; i < n_maps; i++)
		if (strcmp(maps[i]->name, name) == 0 && maps[i]->seq == seq)
			return maps[i];
	return NULL;
}

const struct pki_certmap *pki_certmap_find(const char *name, int seq) { return map_lookup(name, seq); }

static const char *const cm_fields[] = {
	[PKI_CM_SUBJECT_NAME] = "subject-name",
	[PKI_CM_ISSUER_NAME] = "issuer-name",
	[PKI_CM_ALT_SUBJECT_NAME] = "alt-subject-name",
	[PKI_CM_SERIAL_NUMBER] = "serial-number",
	[PKI_CM_UNSTRUCTURED_SUBJECT_NAME] = "unstructured-subject-name",
};
static const char *const cm_ops[] = {
	[PKI_CM_CO] = "co", [PKI_CM_EQ] = "eq", [PKI_CM_NC] = "nc", [PKI_CM_NE] = "ne",
};

const char *pki_cm_field_name(enum pki_cm_field f) { return cm_fields[f]; }
const char *pki_cm_op_name(enum pki_cm_op op) { return cm_ops[op]; }

bool pki_certmap_rule_match(const struct pki_certmap_rule *r, const char *value)
{
	bool contains = strcasestr(value, r->value) != NULL;
	bool equal = strcasecmp(value, r->value) == 0;
	switch (r->op) {
	case PKI_CM_CO: return contains;
	case PKI_CM_NC: return !contains;
	case PKI_CM_EQ: return equal;
	case PKI_CM_NE: return !equal;
	}
	return false;
}

/* ---- trustpoint ---- */

static int name_ok(struct cmdctx *c, const char *what, const char *name)
{
	if (strlen(name) > PKI_NAME_MAX) {
		cmd_err(c, "%% %s name \"%s\" is longer than %d characters", what, name, PKI_NAME_MAX);
		return 0;
	}
	return 1;
}

static int text_ok(struct cmdctx *c, const char *what, const char *text)
{
	if (strlen(text) > PKI_TEXT_MAX) {
		cmd_err(c, "%% %s is longer than %d characters", what, PKI_TEXT_MAX);
		return 0;
	}
	return 1;
}

static void tp_defaults(struct pki_trustpoint *t)
{
	memset(t, 0, sizeof *t);
	t->revocation[0] = PKI_REVO_CRL; /* IOS default, printed in running-config */
	t->n_revocation = 1;
	t->auto_enroll_pct = -1;
}

/* crypto pki trustpoint NAME / no crypto pki trustpoint NAME */
int h_pki_trustpoint(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 4 : 3)->text;
	if (!name_ok(c, "Trustpoint", name))
		return -1;
	struct pki_trustpoint *t = tp_lookup(name);
	if (no) {
		if (!t) {
			cmd_err(c, "%% Trustpoint %s does not exist", name);
			return -1;
		}
		for (int i = 0; i < n_tps; i++)
			if (tps[i] == t) {
				memmove(&tps[i], &tps[i + 1], (size_t)(n_tps - i - 1) * sizeof tps[0]);
				n_tps--;
				break;
			}
		free(t);
		return 0;
	}
	if (!t) {
		tps = grow(tps, &cap_tps, n_tps, sizeof *tps);
		t = malloc(sizeof *t);
		if (!t)
			abort();
		tp_defaults(t);
		snprintf(t->name, sizeof t->name, "%s", name);
		t->src_line = c->src_line;
		tps[n_tps++] = t;
	}
	cmd_enter(c, MODE_CA_TRUSTPOINT, t);
	return 0;
}

/* (ca-trustpoint)# enrollment terminal [pem] | url URL | selfsigned | pkcs12 | mode ra */
int h_pki_tp_enrollment(struct cmdctx *c)
{
	struct pki_trustpoint *t = c->objs[MODE_CA_TRUSTPOINT];
	bool undo = cmd_negated(c) || cmd_defaulted(c);
	int i = undo ? 2 : 1;
	const struct cmdarg *a = cmd_arg(c, i);
	if (undo) {
		if (a && strcmp(a->name, "mode") == 0) {
			t->enroll_mode_ra = false;
		} else {
			/* no enrollment [...]: the enrollment method goes */
			t->enroll = PKI_ENROLL_NONE;
			t->enroll_url[0] = 0;
			if (!a)
				t->enroll_mode_ra = false;
		}
		return 0;
	}
	const char *m = a->name;
	if (strcmp(m, "mode") == 0) {
		t->enroll_mode_ra = true;
		return 0;
	}
	if (strcmp(m, "url") == 0) {
		const char *url = cmd_arg(c, i + 1)->text;
		if (!text_ok(c, "Enrollment URL", url))
			return -1;
		if (!strstr(url, ":")) {
			cmd_err(c, "%% Invalid enrollment URL \"%s\": expected a URL such as http://10.0.0.1:80", url);
			return -1;
		}
		snprintf(t->enroll_url, sizeof t->enroll_url, "%s", url);
		t->enroll = PKI_ENROLL_URL;
		return 0;
	}
	t->enroll_url[0] = 0;
	if (strcmp(m, "terminal") == 0)
		t->enroll = cmd_arg(c, i + 1) ? PKI_ENROLL_TERMINAL_PEM : PKI_ENROLL_TERMINAL;
	else if (strcmp(m, "selfsigned") == 0)
		t->enroll = PKI_ENROLL_SELFSIGNED;
	else if (strcmp(m, "pkcs12") == 0)
		t->enroll = PKI_ENROLL_PKCS12;
	return 0;
}

static enum pki_revo revo_of(const char *kw)
{
	return strcmp(kw, "none") == 0 ? PKI_REVO_NONE : strcmp(kw, "ocsp") == 0 ? PKI_REVO_OCSP : PKI_REVO_CRL;
}

/* The other (ca-trustpoint) options. */
int h_pki_tp_opt(struct cmdctx *c)
{
	struct pki_trustpoint *t = c->objs[MODE_CA_TRUSTPOINT];
	bool undo = cmd_negated(c) || cmd_defaulted(c);
	int i = undo ? 1 : 0;
	const char *what = cmd_arg(c, i)->name;
	const struct cmdarg *a1 = cmd_arg(c, i + 1);
	const struct cmdarg *a2 = cmd_arg(c, i + 2);
	const struct cmdarg *a3 = cmd_arg(c, i + 3);

	if (strcmp(what, "subject-name") == 0 || strcmp(what, "subject-alt-name") == 0) {
		char *dst = what[8] == 'a' ? t->subject_alt_name : t->subject_name;
		if (undo) {
			dst[0] = 0;
			return 0;
		}
		if (!text_ok(c, what[8] == 'a' ? "Subject alternative name" : "Subject name", a1->text))
			return -1;
		snprintf(dst, PKI_TEXT_MAX + 1, "%s", a1->text);
	} else if (strcmp(what, "revocation-check") == 0) {
		if (undo) {
			t->revocation[0] = PKI_REVO_CRL;
			t->n_revocation = 1;
			return 0;
		}
		enum pki_revo r[PKI_REVO_MAX];
		int n = 0;
		for (int k = i + 1; k < c->cmd->nargs; k++) {
			r[n] = revo_of(cmd_arg(c, k)->name);
			for (int j = 0; j < n; j++)
				if (r[j] == r[n]) {
					cmd_err(c, "%% Revocation method %s is listed twice", cmd_arg(c, k)->name);
					return -1;
				}
			n++;
		}
		memcpy(t->revocation, r, sizeof r);
		t->n_revocation = n;
	} else if (strcmp(what, "rsakeypair") == 0) {
		if (undo) {
			t->rsakeypair[0] = 0;
			t->rsa_key_bits = t->rsa_enc_key_bits = 0;
			return 0;
		}
		if (!name_ok(c, "Key pair", a1->text))
			return -1;
		snprintf(t->rsakeypair, sizeof t->rsakeypair, "%s", a1->text);
		t->rsa_key_bits = a2 ? (int)a2->num : 0;
		t->rsa_enc_key_bits = a3 ? (int)a3->num : 0;
	} else if (strcmp(what, "eckeypair") == 0) {
		if (undo) {
			t->eckeypair[0] = 0;
			return 0;
		}
		if (!name_ok(c, "Key pair", a1->text))
			return -1;
		snprintf(t->eckeypair, sizeof t->eckeypair, "%s", a1->text);
	} else if (strcmp(what, "fqdn") == 0) {
		t->fqdn[0] = 0;
		t->fqdn_none = false;
		if (undo)
			return 0;
		if (a1->kind == ARG_KEYWORD) {
			t->fqdn_none = true;
		} else {
			if (!text_ok(c, "FQDN", a1->text))
				return -1;
			snprintf(t->fqdn, sizeof t->fqdn, "%s", a1->text);
		}
	} else if (strcmp(what, "ip-address") == 0) {
		if (!undo && a1->kind == ARG_WORD && !name_ok(c, "Interface", a1->text))
			return -1;
		t->ip_address[0] = 0;
		t->ip_none = false;
		if (undo)
			return 0;
		if (a1->kind == ARG_KEYWORD)
			t->ip_none = true;
		else
			snprintf(t->ip_address, sizeof t->ip_address, "%s", a1->text);
	} else if (strcmp(what, "serial-number") == 0) {
		t->serial_number = undo ? PKI_UNSET : a1 ? PKI_EXCLUDE : PKI_INCLUDE;
	} else if (strcmp(what, "chain-validation") == 0) {
		t->chain_stop = false;
		t->chain_parent[0] = 0;
		t->chain_line = 0;
		if (undo)
			return 0;
		if (strcmp(a1->name, "stop") == 0) {
			t->chain_stop = true;
		} else if (a2) {
			if (!name_ok(c, "Trustpoint", a2->text))
				return -1;
			if (strcmp(a2->text, t->name) == 0) {
				cmd_err(c, "%% Trustpoint %s cannot be its own parent", t->name);
				return -1;
			}
			snprintf(t->chain_parent, sizeof t->chain_parent, "%s", a2->text);
			t->chain_line = c->src_line;
		}
	} else if (strcmp(what, "auto-enroll") == 0) {
		t->auto_enroll = !undo;
		t->auto_enroll_pct = -1;
		t->auto_enroll_regenerate = false;
		if (undo)
			return 0;
		for (int k = i + 1; k < c->cmd->nargs; k++) {
			const struct cmdarg *a = cmd_arg(c, k);
			if (a->kind == ARG_NUMBER)
				t->auto_enroll_pct = (int)a->num;
			else
				t->auto_enroll_regenerate = true;
		}
	} else if (strcmp(what, "hash") == 0) {
		t->hash[0] = 0;
		if (!undo)
			snprintf(t->hash, sizeof t->hash, "%s", a1->name);
	}
	return 0;
}

/* ---- certificate map ---- */

static int map_cmp(const void *a, const void *b)
{
	const struct pki_certmap *const *x = a, *const *y = b;
	int r = strcmp((*x)->name, (*y)->name);
	return r ? r : (*x)->seq - (*y)->seq;
}

/* crypto pki certificate map NAME SEQ / no crypto pki certificate map NAME [SEQ] */
int h_pki_certmap(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 5 : 4)->text;
	const struct cmdarg *seqa = cmd_arg(c, no ? 6 : 5);
	if (!name_ok(c, "Certificate map", name))
		return -1;
	if (no) {
		int removed = 0;
		for (int i = 0; i < n_maps;) {
			struct pki_certmap *m = maps[i];
			if (strcmp(m->name, name) == 0 && (!seqa || m->seq == (int)seqa->num)) {
				free(m);
				memmove(&maps[i], &maps[i + 1], (size_t)(n_maps - i - 1) * sizeof maps[0]);
				n_maps--;
				removed++;
			} else {
				i++;
			}
		}
		if (!removed) {
			if (seqa)
				cmd_err(c, "%% Certificate map %s %ld does not exist", name, seqa->num);
			else
				cmd_err(c, "%% Certificate map %s does not exist", name);
			return -1;
		}
		return 0;
	}
	struct pki_certmap *m = map_lookup(name, (int)seqa->num);
	if (!m) {
		maps = grow(maps, &cap_maps, n_maps, sizeof *maps);
		m = calloc(1, sizeof *m);
		if (!m)
			abort();
		snprintf(m->name, sizeof m->name, "%s", name);
		m->seq = (int)seqa->num;
		m->src_line = c->src_line;
		maps[n_maps++] = m;
		qsort(maps, (size_t)n_maps, sizeof *maps, map_cmp);
	}
	cmd_enter(c, MODE_CA_CERTMAP, m);
	return 0;
}

/* (ca-certificate-map)# FIELD OP VALUE / no FIELD OP VALUE */
int h_pki_certmap_rule(struct cmdctx *c)
{
	struct pki_certmap *m = c->objs[MODE_CA_CERTMAP];
	bool no = cmd_negated(c);
	int i = no ? 1 : 0;
	struct pki_certmap_rule r;
	memset(&r, 0, sizeof r);
	for (size_t f = 0; f < sizeof cm_fields / sizeof cm_fields[0]; f++)
		if (strcmp(cmd_arg(c, i)->name, cm_fields[f]) == 0)
			r.field = (enum pki_cm_field)f;
	for (size_t o = 0; o < sizeof cm_ops / sizeof cm_ops[0]; o++)
		if (strcmp(cmd_arg(c, i + 1)->name, cm_ops[o]) == 0)
			r.op = (enum pki_cm_op)o;
	const char *v = cmd_arg(c, i + 2)->text;
	if (!text_ok(c, "Certificate map value", v))
		return -1;
	/* IOS keeps (and prints) certificate map values in lower case: the
	 * comparison is case-insensitive. */
	snprintf(r.value, sizeof r.value, "%s", v);
	for (char *q = r.value; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	int found = -1;
	for (int k = 0; k < m->n_rules; k++)
		if (m->rules[k].field == r.field && m->rules[k].op == r.op &&
		    strcasecmp(m->rules[k].value, r.value) == 0)
			found = k;
	if (no) {
		if (found < 0) {
			cmd_err(c, "%% No such rule in certificate map %s %d: %s %s %s", m->name, m->seq,
				cm_fields[r.field], cm_ops[r.op], r.value);
			return -1;
		}
		memmove(&m->rules[found], &m->rules[found + 1],
			(size_t)(m->n_rules - found - 1) * sizeof m->rules[0]);
		m->n_rules--;
		return 0;
	}
	if (found >= 0)
		return 0;
	if (m->n_rules == PKI_CERTMAP_RULES_MAX) {
		cmd_err(c, "%% At most %d rules can be set in certificate map %s %d", PKI_CERTMAP_RULES_MAX,
			m->name, m->seq);
		return -1;
	}
	m->rules[m->n_rules++] = r;
	return 0;
}

/* ---- running-config ---- */

static const char *const revo_names[] = {
	[PKI_REVO_CRL] = "crl", [PKI_REVO_NONE] = "none", [PKI_REVO_OCSP] = "ocsp",
};

static void tp_write(struct buf *b, const struct pki_trustpoint *t)
{
	buf_printf(b, "crypto pki trustpoint %s\n", t->name);
	switch (t->enroll) {
	case PKI_ENROLL_NONE: break;
	case PKI_ENROLL_TERMINAL: buf_adds(b, " enrollment terminal\n"); break;
	case PKI_ENROLL_TERMINAL_PEM: buf_adds(b, " enrollment terminal pem\n"); break;
	case PKI_ENROLL_URL: buf_printf(b, " enrollment url %s\n", t->enroll_url); break;
	case PKI_ENROLL_SELFSIGNED: buf_adds(b, " enrollment selfsigned\n"); break;
	case PKI_ENROLL_PKCS12: buf_adds(b, " enrollment pkcs12\n"); break;
	}
	if (t->enroll_mode_ra)
		buf_adds(b, " enrollment mode ra\n");
	if (t->serial_number == PKI_INCLUDE)
		buf_adds(b, " serial-number\n");
	else if (t->serial_number == PKI_EXCLUDE)
		buf_adds(b, " serial-number none\n");
	if (t->fqdn_none)
		buf_adds(b, " fqdn none\n");
	else if (t->fqdn[0])
		buf_printf(b, " fqdn %s\n", t->fqdn);
	if (t->ip_none)
		buf_adds(b, " ip-address none\n");
	else if (t->ip_address[0])
		buf_printf(b, " ip-address %s\n", t->ip_address);
	if (t->subject_name[0])
		buf_printf(b, " subject-name %s\n", t->subject_name);
	if (t->subject_alt_name[0])
		buf_printf(b, " subject-alt-name %s\n", t->subject_alt_name);
	buf_adds(b, " revocation-check");
	for (int k = 0; k < t->n_revocation; k++)
		buf_printf(b, " %s", revo_names[t->revocation[k]]);
	buf_adds(b, "\n");
	if (t->chain_stop)
		buf_adds(b, " chain-validation stop\n");
	else if (t->chain_parent[0])
		buf_printf(b, " chain-validation continue %s\n", t->chain_parent);
	if (t->rsakeypair[0]) {
		buf_printf(b, " rsakeypair %s", t->rsakeypair);
		if (t->rsa_key_bits)
			buf_printf(b, " %d", t->rsa_key_bits);
		if (t->rsa_enc_key_bits)
			buf_printf(b, " %d", t->rsa_enc_key_bits);
		buf_adds(b, "\n");
	}
	if (t->eckeypair[0])
		buf_printf(b, " eckeypair %s\n", t->eckeypair);
	if (t->auto_enroll) {
		buf_adds(b, " auto-enroll");
		if (t->auto_enroll_pct >= 0)
			buf_printf(b, " %d", t->auto_enroll_pct);
		if (t->auto_enroll_regenerate)
			buf_adds(b, " regenerate");
		buf_adds(b, "\n");
	}
	if (t->hash[0])
		buf_printf(b, " hash %s\n", t->hash);
	buf_adds(b, "!\n");
}

static void pki_write(struct buf *b)
{
	for (int i = 0; i < n_tps; i++)
		tp_write(b, tps[i]);
	for (int i = 0; i < n_maps; i++) {
		const struct pki_certmap *m = maps[i];
		buf_printf(b, "crypto pki certificate map %s %d\n", m->name, m->seq);
		for (int k = 0; k < m->n_rules; k++)
			buf_printf(b, " %s %s %s\n", cm_fields[m->rules[k].field], cm_ops[m->rules[k].op],
				   m->rules[k].value);
		buf_adds(b, "!\n");
	}
}

static void pki_check(struct problem_list *p)
{
	for (int i = 0; i < n_tps; i++) {
		const struct pki_trustpoint *t = tps[i];
		if (t->chain_parent[0] && !tp_lookup(t->chain_parent))
			problem_add(p, t->chain_line ? t->chain_line : t->src_line,
				    "crypto pki trustpoint %s: chain-validation parent trustpoint %s is not defined",
				    t->name, t->chain_parent);
	}
}

static struct config_section sec_pki = { "pki", ORDER_PKI, pki_write, pki_reset, pki_check, NULL };

__attribute__((constructor)) static void pki_init(void)
{
	config_section_register(&sec_pki);
}
