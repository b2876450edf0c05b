/* crypto ikev2 name-mangler NAME: fqdn, email, dn, eap (derive an AAA user
 * name from the peer's identity). */
#include "ikev2/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grammar/cmd.h"
#include "lib/buf.h"
#include "lib/config_registry.h"

static struct ikev2_name_mangler *manglers;

struct ikev2_name_mangler *ikev2_cfg_manglers(void) { return manglers; }

static void manglers_reset(void)
{
	while (manglers) {
		struct ikev2_name_mangler *n = manglers->next;
		free(manglers);
		manglers = n;
	}
}

const struct ikev2_name_mangler *ikev2_name_mangler_find(const char *name)
{
	for (const struct ikev2_name_mangler *m = manglers; m; m = m->next)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

static const char *const dn_words[] = {
	"", "common-name", "country", "domain", "locality", "organization", "organization-unit", "state",
};
/* The attribute names in a DN string for each dn_words entry. */
static const char *const dn_attrs[] = { "", "CN", "C", "DC", "L", "O", "OU", "ST" };

static enum ikev2_mangle_dn dn_of(const char *kw)
{
	for (size_t i = 1; i < sizeof dn_words / sizeof dn_words[0]; i++)
		if (strcmp(kw, dn_words[i]) == 0)
			return (enum ikev2_mangle_dn)i;
	return IKEV2_MANGLE_DN_NONE;
}

static int put(char *out, size_t outlen, const char *s, size_t len)
{
	if (len == 0 || len + 1 > outlen)
		return -1;
	memcpy(out, s, len);
	out[len] = 0;
	return (int)len;
}

/* Split s at the first delim: want the part before (prefix) or after. */
static int split_part(const char *s, size_t len, char delim, bool before, char *out, size_t outlen)
{
	const char *d = memchr(s, delim, len);
	if (!d)
		return -1;
	if (before)
		return put(out, outlen, s, (size_t)(d - s));
	return put(out, outlen, d + 1, len - (size_t)(d - s) - 1);
}

/* The value of attribute field in a DN text such as "CN=a, OU=b/O=c". */
static int dn_field(const char *dn, size_t len, enum ikev2_mangle_dn field, char *out, size_t outlen)
{
	const char *attr = dn_attrs[field];
	size_t alen = strlen(attr), i = 0;
	while (i < len) {
		while (i < len && (dn[i] == ' ' || dn[i] == ',' || dn[i] == '/' || dn[i] == ';'))
			i++;
		size_t start = i;
		while (i < len && dn[i] != ',' && dn[i] != '/' && dn[i] != ';')
			i++;
		const char *eq = memchr(dn + start, '=', i - start);
		if (eq && (size_t)(eq - (dn + start)) == alen && strncasecmp(dn + start, attr, alen) == 0)
			return put(out, outlen, eq + 1, (size_t)(dn + i - eq - 1));
	}
	return -1;
}

int ikev2_name_mangle(const struct ikev2_name_mangler *m, int id_type, const void *id, size_t id_len,
		      char *out, size_t outlen)
{
	const char *s = id;
	switch (id_type) {
	case IKEV2_ID_FQDN:
		switch (m->fqdn) {
		case IKEV2_MANGLE_FQDN_ALL: return put(out, outlen, s, id_len);
		case IKEV2_MANGLE_FQDN_HOSTNAME: return split_part(s, id_len, '.', true, out, outlen);
		case IKEV2_MANGLE_FQDN_DOMAIN: return split_part(s, id_len, '.', false, out, outlen);
		default: return -1;
		}
	case IKEV2_ID_RFC822_ADDR:
		switch (m->email) {
		case IKEV2_MANGLE_EMAIL_ALL: return put(out, outlen, s, id_len);
		case IKEV2_MANGLE_EMAIL_USERNAME: return split_part(s, id_len, '@', true, out, outlen);
		case IKEV2_MANGLE_EMAIL_DOMAIN: return split_part(s, id_len, '@', false, out, outlen);
		default: return -1;
		}
	case IKEV2_ID_DER_ASN1_DN:
		return m->dn ? dn_field(s, id_len, m->dn, out, outlen) : -1;
	case IKEV2_MANGLE_ID_EAP:
		switch (m->eap) {
		case IKEV2_MANGLE_EAP_ALL: return put(out, outlen, s, id_len);
		case IKEV2_MANGLE_EAP_DN: return dn_field(s, id_len, m->eap_dn, out, outlen);
		case IKEV2_MANGLE_EAP_PREFIX: return split_part(s, id_len, m->eap_delim, true, out, outlen);
		case IKEV2_MANGLE_EAP_SUFFIX: return split_part(s, id_len, m->eap_delim, false, out, outlen);
		default: return -1;
		}
	default:
		return -1;
	}
}

/* crypto ikev2 name-mangler NAME / no ... */
int h_ikev2_mangler(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 4 : 3)->text;
	struct ikev2_name_mangler **pp = &manglers, *m = NULL;
	for (; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->name, name) == 0) {
			m = *pp;
			break;
		}
	if (no) {
		if (!m) {
			cmd_err(c, "%% IKEv2 name-mangler %s does not exist", name);
			return -1;
		}
		*pp = m->next;
		free(m);
		return 0;
	}
	if (!m) {
		if (strlen(name) >= IKEV2_NAME_MAX) {
			cmd_err(c, "%% Name mangler name \"%s\" is too long (at most %d characters)", name,
				IKEV2_NAME_MAX - 1);
			return -1;
		}
		m = calloc(1, sizeof *m);
		if (!m)
			abort();
		ikev2_copy(m->name, sizeof m->name, name);
		m->src_line = c->src_line;
		*pp = m;
	}
	cmd_enter(c, MODE_IKEV2_MANGLER, m);
	return 0;
}

/* fqdn / email / dn / eap and their no forms */
int h_ikev2_mangler_set(struct cmdctx *c)
{
	struct ikev2_name_mangler *m = c->objs[MODE_IKEV2_MANGLER];
	if (!ikev2_cfg_alive(m)) {
		cmd_err(c, "%% This IKEv2 name-mangler was removed");
		return -1;
	}
	bool no = cmd_negated(c);
	int base = no ? 1 : 0;
	const char *what = cmd_arg(c, base)->name;
	const struct cmdarg *v = cmd_arg(c, base + 1);
	const char *kw = v ? v->name : "";

	if (strcmp(what, "fqdn") == 0) {
		m->fqdn = no ? IKEV2_MANGLE_FQDN_NONE :
			  strcmp(kw, "all") == 0 ? IKEV2_MANGLE_FQDN_ALL :
			  strcmp(kw, "hostname") == 0 ? IKEV2_MANGLE_FQDN_HOSTNAME : IKEV2_MANGLE_FQDN_DOMAIN;
	} else if (strcmp(what, "email") == 0) {
		m->email = no ? IKEV2_MANGLE_EMAIL_NONE :
			   strcmp(kw, "all") == 0 ? IKEV2_MANGLE_EMAIL_ALL :
			   strcmp(kw, "username") == 0 ? IKEV2_MANGLE_EMAIL_USERNAME : IKEV2_MANGLE_EMAIL_DOMAIN;
	} else if (strcmp(what, "dn") == 0) {
		m->dn = no ? IKEV2_MANGLE_DN_NONE : dn_of(kw);
	} else if (no) {
		m->eap = IKEV2_MANGLE_EAP_NONE;
		m->eap_dn = IKEV2_MANGLE_DN_NONE;
		m->eap_delim = 0;
	} else if (strcmp(kw, "all") == 0) {
		m->eap = IKEV2_MANGLE_EAP_ALL;
	} else if (strcmp(kw, "dn") == 0) {
		m->eap = IKEV2_MANGLE_EAP_DN;
		m->eap_dn = dn_of(cmd_arg(c, base + 2)->name);
	} else {
		m->eap = strcmp(kw, "prefix") == 0 ? IKEV2_MANGLE_EAP_PREFIX : IKEV2_MANGLE_EAP_SUFFIX;
		m->eap_delim = cmd_arg(c, base + 3)->name[0];
	}
	return 0;
}

static void manglers_write(struct buf *b)
{
	static const char *const fq[] = { "", "all", "hostname", "domain" };
	static const char *const em[] = { "", "all", "username", "domain" };
	for (const struct ikev2_name_mangler *m = manglers; m; m = m->next) {
		buf_printf(b, "crypto ikev2 name-mangler %s\n", m->name);
		if (m->fqdn)
			buf_printf(b, " fqdn %s\n", fq[m->fqdn]);
		if (m->email)
			buf_printf(b, " email %s\n", em[m->email]);
		if (m->dn)
			buf_printf(b, " dn %s\n", dn_words[m->dn]);
		switch (m->eap) {
		case IKEV2_MANGLE_EAP_ALL: buf_adds(b, " eap all\n"); break;
		case IKEV2_MANGLE_EAP_DN: buf_printf(b, " eap dn %s\n", dn_words[m->eap_dn]); break;
		case IKEV2_MANGLE_EAP_PREFIX: buf_printf(b, " eap prefix delimiter %c\n", m->eap_delim); break;
		case IKEV2_MANGLE_EAP_SUFFIX: buf_printf(b, " eap suffix delimiter %c\n", m->eap_delim); break;
		default: break;
		}
		buf_adds(b, "!\n");
	}
}

static struct config_section sec_mangler = {
	"crypto ikev2 name-mangler", ORDER_IKEV2_NAME_MANGLER, manglers_write, manglers_reset, NULL, NULL,
};

__attribute__((constructor)) static void ikev2_mangler_init(void)
{
	config_section_register(&sec_mangler);
}
