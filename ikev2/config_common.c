/* IKEv2 configuration: helpers shared by the config_*.c files (addresses,
 * algorithm names, identity specs and matching, key text). */
#include "ikev2/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grammar/cmd.h"
#include "lib/buf.h"

void ikev2_copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* ---- addresses ---- */

int ikev2_ip_parse(const char *s, struct ikev2_ip *ip)
{
	memset(ip, 0, sizeof *ip);
	if (inet_pton(AF_INET, s, ip->addr) == 1) {
		ip->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ip->addr) == 1) {
		ip->family = AF_INET6;
		return 0;
	}
	return -1;
}

bool ikev2_prefix_contains(const struct ikev2_prefix *pfx, const struct ikev2_ip *ip)
{
	if (!ip || pfx->ip.family != ip->family)
		return false;
	int bits = pfx->plen, i = 0;
	while (bits >= 8) {
		if (pfx->ip.addr[i] != ip->addr[i])
			return false;
		bits -= 8;
		i++;
	}
	if (bits) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits));
		if ((pfx->ip.addr[i] & mask) != (ip->addr[i] & mask))
			return false;
	}
	return true;
}

/* ---- algorithm names ---- */

bool ikev2_encr_is_aead(uint16_t encr_id)
{
	return encr_id == IKEV2_ENCR_AES_GCM_8 || encr_id == IKEV2_ENCR_AES_GCM_12 ||
	       encr_id == IKEV2_ENCR_AES_GCM_16 || encr_id == IKEV2_ENCR_AES_CCM_8 ||
	       encr_id == IKEV2_ENCR_AES_CCM_12 || encr_id == IKEV2_ENCR_AES_CCM_16 ||
	       encr_id == IKEV2_ENCR_CHACHA20_POLY1305;
}

const char *ikev2_encr_cli_name(const struct ikev2_encr_alg *e)
{
	bool gcm = e->id == IKEV2_ENCR_AES_GCM_16;
	switch (e->keybits) {
	case 128: return gcm ? "aes-gcm-128" : "aes-cbc-128";
	case 192: return gcm ? "aes-gcm-192" : "aes-cbc-192";
	case 256: return gcm ? "aes-gcm-256" : "aes-cbc-256";
	default: return "unknown";
	}
}

const char *ikev2_encr_show_name(const struct ikev2_encr_alg *e)
{
	bool gcm = e->id == IKEV2_ENCR_AES_GCM_16;
	switch (e->keybits) {
	case 128: return gcm ? "AES-GCM-128" : "AES-CBC-128";
	case 192: return gcm ? "AES-GCM-192" : "AES-CBC-192";
	case 256: return gcm ? "AES-GCM-256" : "AES-CBC-256";
	default: return "UNKNOWN";
	}
}

const char *ikev2_integ_cli_name(uint16_t id)
{
	switch (id) {
	case IKEV2_INTEG_HMAC_SHA1_96: return "sha1";
	case IKEV2_INTEG_HMAC_SHA2_256_128: return "sha256";
	case IKEV2_INTEG_HMAC_SHA2_384_192: return "sha384";
	case IKEV2_INTEG_HMAC_SHA2_512_256: return "sha512";
	default: return "unknown";
	}
}

/* IOS shows HMAC-SHA1-96 as "SHA96" (and MD5-96 as "MD596"). */
const char *ikev2_integ_show_name(uint16_t id)
{
	switch (id) {
	case IKEV2_INTEG_HMAC_SHA1_96: return "SHA96";
	case IKEV2_INTEG_HMAC_SHA2_256_128: return "SHA256";
	case IKEV2_INTEG_HMAC_SHA2_384_192: return "SHA384";
	case IKEV2_INTEG_HMAC_SHA2_512_256: return "SHA512";
	default: return "UNKNOWN";
	}
}

const char *ikev2_prf_cli_name(uint16_t id)
{
	switch (id) {
	case IKEV2_PRF_HMAC_SHA1: return "sha1";
	case IKEV2_PRF_HMAC_SHA2_256: return "sha256";
	case IKEV2_PRF_HMAC_SHA2_384: return "sha384";
	case IKEV2_PRF_HMAC_SHA2_512: return "sha512";
	default: return "unknown";
	}
}

const char *ikev2_prf_show_name(uint16_t id)
{
	switch (id) {
	case IKEV2_PRF_HMAC_SHA1: return "SHA1";
	case IKEV2_PRF_HMAC_SHA2_256: return "SHA256";
	case IKEV2_PRF_HMAC_SHA2_384: return "SHA384";
	case IKEV2_PRF_HMAC_SHA2_512: return "SHA512";
	default: return "UNKNOWN";
	}
}

const char *ikev2_dh_show_name(uint16_t group)
{
	switch (group) {
	case 1: return "DH_GROUP_768_MODP";
	case 2: return "DH_GROUP_1024_MODP";
	case 5: return "DH_GROUP_1536_MODP";
	case 14: return "DH_GROUP_2048_MODP";
	case 15: return "DH_GROUP_3072_MODP";
	case 16: return "DH_GROUP_4096_MODP";
	case 19: return "DH_GROUP_256_ECP";
	case 20: return "DH_GROUP_384_ECP";
	case 21: return "DH_GROUP_521_ECP";
	case 24: return "DH_GROUP_2048_256_MODP";
	case 31: return "DH_GROUP_CURVE25519";
	default: return "DH_GROUP_UNKNOWN";
	}
}

/* ---- identity specs ---- */

static const char *id_kind_word(enum ikev2_idkind k)
{
	switch (k) {
	case IKEV2_IDK_ADDRESS: return "address";
	case IKEV2_IDK_FQDN: return "fqdn";
	case IKEV2_IDK_FQDN_DOMAIN: return "fqdn domain";
	case IKEV2_IDK_EMAIL: return "email";
	case IKEV2_IDK_EMAIL_DOMAIN: return "email domain";
	case IKEV2_IDK_KEY_ID: return "key-id";
	case IKEV2_IDK_DN: return "dn";
	case IKEV2_IDK_ANY: return "any";
	default: return "";
	}
}

void ikev2_idspec_format(const struct ikev2_idspec *id, struct buf *b)
{
	buf_adds(b, id_kind_word(id->kind));
	if (id->kind != IKEV2_IDK_DN && id->kind != IKEV2_IDK_ANY && id->kind != IKEV2_IDK_NONE)
		buf_printf(b, " %s", id->value);
}

static int mask_to_plen(const char *mask)
{
	struct in_addr a;
	if (inet_pton(AF_INET, mask, &a) != 1)
		return -1;
	uint32_t m = ntohl(a.s_addr);
	int plen = 0;
	while (plen < 32 && (m & (0x80000000u >> plen)))
		plen++;
	if (plen < 32 && (m << plen) != 0)
		return -1; /* not contiguous */
	return plen;
}

/* Fill id from the words at index at: the kind keyword(s) and the value.
 * Returns 0, or -1 after printing an error. */
int ikev2_idspec_from_args(struct cmdctx *c, int at, struct ikev2_idspec *id)
{
	memset(id, 0, sizeof *id);
	const struct cmdarg *k = cmd_arg(c, at);
	if (!k)
		return -1;
	const char *kw = k->name;
	if (strcmp(kw, "any") == 0) {
		id->kind = IKEV2_IDK_ANY;
		return 0;
	}
	if (strcmp(kw, "dn") == 0) {
		id->kind = IKEV2_IDK_DN;
		return 0;
	}
	if (strcmp(kw, "address") == 0) {
		const struct cmdarg *v = cmd_arg(c, at + 1), *m = cmd_arg(c, at + 2);
		id->kind = IKEV2_IDK_ADDRESS;
		if (v->kind == ARG_IPV6PFX) {
			char tmp[64];
			ikev2_copy(tmp, sizeof tmp, v->text);
			char *slash = strchr(tmp, '/');
			*slash = 0;
			ikev2_ip_parse(tmp, &id->pfx.ip);
			id->pfx.plen = (uint8_t)atoi(slash + 1);
			ikev2_copy(id->value, sizeof id->value, v->text);
			return 0;
		}
		ikev2_ip_parse(v->text, &id->pfx.ip);
		if (m && m->kind == ARG_IPV4) {
			int plen = mask_to_plen(m->text);
			if (plen < 0) {
				cmd_err(c, "%% Invalid mask %s: the mask bits must be contiguous", m->text);
				return -1;
			}
			id->pfx.plen = (uint8_t)plen;
			snprintf(id->value, sizeof id->value, "%s %s", v->text, m->text);
		} else {
			id->pfx.plen = id->pfx.ip.family == AF_INET ? 32 : 128;
			ikev2_copy(id->value, sizeof id->value, v->text);
			/* "match identity remote address 0.0.0.0": any IPv4 peer */
			if (id->pfx.ip.family == AF_INET && strcmp(v->text, "0.0.0.0") == 0)
				id->any_v4 = true;
		}
		return 0;
	}
	bool domain = cmd_arg(c, at + 1) && cmd_arg(c, at + 1)->kind == ARG_KEYWORD &&
		      strcmp(cmd_arg(c, at + 1)->name, "domain") == 0;
	const struct cmdarg *v = cmd_arg(c, at + (domain ? 2 : 1));
	if (!v)
		return -1;
	if (strlen(v->text) >= sizeof id->value) {
		cmd_err(c, "%% Identity \"%s\" is too long (at most %zu characters)", v->text,
			sizeof id->value - 1);
		return -1;
	}
	if (strcmp(kw, "fqdn") == 0)
		id->kind = domain ? IKEV2_IDK_FQDN_DOMAIN : IKEV2_IDK_FQDN;
	else if (strcmp(kw, "email") == 0)
		id->kind = domain ? IKEV2_IDK_EMAIL_DOMAIN : IKEV2_IDK_EMAIL;
	else if (strcmp(kw, "key-id") == 0)
		id->kind = IKEV2_IDK_KEY_ID;
	else
		return -1;
	ikev2_copy(id->value, sizeof id->value, v->text);
	return 0;
}

static bool text_eq(const char *spec, const void *id, size_t len)
{
	return strlen(spec) == len && strncasecmp(spec, id, len) == 0;
}

/* "host.example.com" ends in domain "example.com" (or is it). */
static bool domain_match(const char *domain, const char *name, size_t len)
{
	size_t dl = strlen(domain);
	if (dl == 0 || dl > len)
		return false;
	if (strncasecmp(name + len - dl, domain, dl) != 0)
		return false;
	return dl == len || name[len - dl - 1] == '.' || domain[0] == '.';
}

bool ikev2_idspec_matches(const struct ikev2_idspec *spec, int id_type, const void *id, size_t id_len)
{
	switch (spec->kind) {
	case IKEV2_IDK_ANY:
		return true;
	case IKEV2_IDK_ADDRESS: {
		struct ikev2_ip ip;
		memset(&ip, 0, sizeof ip);
		if (id_type == IKEV2_ID_IPV4_ADDR && id_len == 4) {
			ip.family = AF_INET;
			memcpy(ip.addr, id, 4);
		} else if (id_type == IKEV2_ID_IPV6_ADDR && id_len == 16) {
			ip.family = AF_INET6;
			memcpy(ip.addr, id, 16);
		} else {
			return false;
		}
		if (spec->any_v4)
			return ip.family == AF_INET;
		return ikev2_prefix_contains(&spec->pfx, &ip);
	}
	case IKEV2_IDK_FQDN:
		return id_type == IKEV2_ID_FQDN && text_eq(spec->value, id, id_len);
	case IKEV2_IDK_FQDN_DOMAIN:
		return id_type == IKEV2_ID_FQDN && domain_match(spec->value, id, id_len);
	case IKEV2_IDK_EMAIL:
		return id_type == IKEV2_ID_RFC822_ADDR && text_eq(spec->value, id, id_len);
	case IKEV2_IDK_EMAIL_DOMAIN: {
		if (id_type != IKEV2_ID_RFC822_ADDR)
			return false;
		const char *at = memchr(id, '@', id_len);
		if (!at)
			return false;
		size_t off = (size_t)(at - (const char *)id) + 1;
		return text_eq(spec->value, at + 1, id_len - off);
	}
	case IKEV2_IDK_KEY_ID:
		return id_type == IKEV2_ID_KEY_ID && strlen(spec->value) == id_len &&
		       memcmp(spec->value, id, id_len) == 0;
	default:
		return false;
	}
}

/* ---- keys ---- */

void ikev2_psk_format(const struct ikev2_psk *k, struct buf *b)
{
	if (k->enc >= 0)
		buf_printf(b, "%d ", k->enc);
	buf_adds(b, k->key);
}

/* The key words at index at: [0|6] KEY. */
void ikev2_psk_from_args(struct cmdctx *c, int at, struct ikev2_psk *k)
{
	memset(k, 0, sizeof *k);
	k->enc = -1;
	const struct cmdarg *a = cmd_arg(c, at);
	if (!a)
		return;
	if (a->kind == ARG_KEYWORD && (strcmp(a->name, "0") == 0 || strcmp(a->name, "6") == 0)) {
		k->enc = a->name[0] - '0';
		a = cmd_arg(c, at + 1);
		if (!a)
			return;
	}
	k->set = true;
	ikev2_copy(k->key, sizeof k->key, a->text);
}

/* ---- liveness of sub-mode objects ---- */

bool ikev2_cfg_alive(const void *obj)
{
	if (!obj)
		return false;
	if (obj == ikev2_cfg_default_proposal() || obj == ikev2_cfg_default_policy())
		return true;
	for (const struct ikev2_proposal *p = ikev2_cfg_proposals(); p; p = p->next)
		if (p == obj)
			return true;
	for (const struct ikev2_policy *p = ikev2_cfg_policies(); p; p = p->next)
		if (p == obj)
			return true;
	for (const struct ikev2_keyring *k = ikev2_cfg_keyrings(); k; k = k->next) {
		if (k == obj)
			return true;
		for (const struct ikev2_keyring_peer *pe = k->peers; pe; pe = pe->next)
			if (pe == obj)
				return true;
	}
	for (const struct ikev2_profile *p = ikev2_cfg_profiles(); p; p = p->next)
		if (p == obj)
			return true;
	for (const struct ikev2_name_mangler *m = ikev2_cfg_manglers(); m; m = m->next)
		if (m == obj)
			return true;
	return false;
}
