/* crypto ikev2 keyring NAME / peer NAME: description, address, hostname,
 * identity, pre-shared-key [local|remote]. */
#include "ikev2/config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grammar/cmd.h"
#include "lib/buf.h"
#include "lib/config_registry.h"

static struct ikev2_keyring *keyrings;

struct ikev2_keyring *ikev2_cfg_keyrings(void) { return keyrings; }

static void free_peers(struct ikev2_keyring_peer *p)
{
	while (p) {
		struct ikev2_keyring_peer *n = p->next;
		free(p);
		p = n;
	}
}

static void keyrings_reset(void)
{
	while (keyrings) {
		struct ikev2_keyring *n = keyrings->next;
		free_peers(keyrings->peers);
		free(keyrings);
		keyrings = n;
	}
}

/* ---- read API ---- */

const struct ikev2_keyring *ikev2_keyring_first(void) { return keyrings; }

const struct ikev2_keyring *ikev2_keyring_find(const char *name)
{
	for (const struct ikev2_keyring *k = keyrings; k; k = k->next)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

const struct ikev2_keyring_peer *ikev2_keyring_peer_by_addr(const struct ikev2_keyring *kr,
							   const struct ikev2_ip *ip)
{
	const struct ikev2_keyring_peer *best = NULL;
	for (const struct ikev2_keyring_peer *p = kr->peers; p; p = p->next)
		if (p->has_addr && ikev2_prefix_contains(&p->addr, ip) &&
		    (!best || p->addr.plen > best->addr.plen))
			best = p;
	return best;
}

const struct ikev2_keyring_peer *ikev2_keyring_peer_by_hostname(const struct ikev2_keyring *kr,
							       const char *hostname)
{
	for (const struct ikev2_keyring_peer *p = kr->peers; p; p = p->next)
		if (p->hostname[0] && strcasecmp(p->hostname, hostname) == 0)
			return p;
	return NULL;
}

const struct ikev2_keyring_peer *ikev2_keyring_peer_by_identity(const struct ikev2_keyring *kr,
							       int id_type, const void *id,
							       size_t id_len)
{
	const struct ikev2_keyring_peer *domain_hit = NULL;
	for (const struct ikev2_keyring_peer *p = kr->peers; p; p = p->next) {
		if (p->identity.kind == IKEV2_IDK_NONE ||
		    !ikev2_idspec_matches(&p->identity, id_type, id, id_len))
			continue;
		if (p->identity.kind == IKEV2_IDK_FQDN_DOMAIN || p->identity.kind == IKEV2_IDK_EMAIL_DOMAIN) {
			if (!domain_hit)
				domain_hit = p;
			continue;
		}
		return p;
	}
	return domain_hit;
}

const char *ikev2_keyring_peer_psk(const struct ikev2_keyring_peer *peer, bool local)
{
	const struct ikev2_psk *k = local ? &peer->psk_local : &peer->psk_remote;
	if (k->set)
		return k->key;
	return peer->psk.set ? peer->psk.key : NULL;
}

/* ---- handlers ---- */

/* crypto ikev2 keyring NAME / no crypto ikev2 keyring NAME */
int h_ikev2_keyring(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 4 : 3)->text;
	struct ikev2_keyring **pp = &keyrings, *k = NULL;
	for (; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->name, name) == 0) {
			k = *pp;
			break;
		}
	if (no) {
		if (!k) {
			cmd_err(c, "%% IKEv2 keyring %s does not exist", name);
			return -1;
		}
		*pp = k->next;
		free_peers(k->peers);
		free(k);
		return 0;
	}
	if (!k) {
		if (strlen(name) >= IKEV2_NAME_MAX) {
			cmd_err(c, "%% IKEv2 keyring name \"%s\" is too long (at most %d characters)", name,
				IKEV2_NAME_MAX - 1);
			return -1;
		}
		k = calloc(1, sizeof *k);
		if (!k)
			abort();
		ikev2_copy(k->name, sizeof k->name, name);
		k->src_line = c->src_line;
		*pp = k;
	}
	cmd_enter(c, MODE_IKEV2_KEYRING, k);
	return 0;
}

/* (config-ikev2-keyring)# peer NAME / no peer NAME */
int h_ikev2_kr_peer(struct cmdctx *c)
{
	struct ikev2_keyring *k = c->objs[MODE_IKEV2_KEYRING];
	if (!ikev2_cfg_alive(k)) {
		cmd_err(c, "%% This IKEv2 keyring was removed");
		return -1;
	}
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 2 : 1)->text;
	struct ikev2_keyring_peer **pp = &k->peers, *p = NULL;
	for (; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->name, name) == 0) {
			p = *pp;
			break;
		}
	if (no) {
		if (!p) {
			cmd_err(c, "%% Peer %s does not exist in IKEv2 keyring %s", name, k->name);
			return -1;
		}
		*pp = p->next;
		free(p);
		return 0;
	}
	if (!p) {
		if (strlen(name) >= IKEV2_NAME_MAX) {
			cmd_err(c, "%% Peer name \"%s\" is too long (at most %d characters)", name,
				IKEV2_NAME_MAX - 1);
			return -1;
		}
		p = calloc(1, sizeof *p);
		if (!p)
			abort();
		ikev2_copy(p->name, sizeof p->name, name);
		p->psk.enc = p->psk_local.enc = p->psk_remote.enc = -1;
		*pp = p;
	}
	cmd_enter(c, MODE_IKEV2_KEYRING_PEER, p);
	return 0;
}

static int mask_plen(const char *mask)
{
	struct in_addr a;
	inet_pton(AF_INET, mask, &a);
	uint32_t m = ntohl(a.s_addr);
	int plen = 0;
	while (plen < 32 && (m & (0x80000000u >> plen)))
		plen++;
	return plen < 32 && (m << plen) != 0 ? -1 : plen;
}

/* description / address / hostname / identity / pre-shared-key and no forms */
int h_ikev2_peer_set(struct cmdctx *c)
{
	struct ikev2_keyring_peer *p = c->objs[MODE_IKEV2_KEYRING_PEER];
	if (!ikev2_cfg_alive(p)) {
		cmd_err(c, "%% This IKEv2 keyring peer was removed");
		return -1;
	}
	bool no = cmd_negated(c);
	int base = no ? 1 : 0, nargs = c->cmd->nargs;
	const char *what = cmd_arg(c, base)->name;
	const struct cmdarg *v = cmd_arg(c, base + 1);

	if (strcmp(what, "description") == 0) {
		if (!no && strlen(v->text) >= sizeof p->description) {
			cmd_err(c, "%% Description is too long (at most %zu characters)", sizeof p->description - 1);
			return -1;
		}
		ikev2_copy(p->description, sizeof p->description, no ? "" : v->text);
		return 0;
	}
	if (strcmp(what, "hostname") == 0) {
		if (!no && strlen(v->text) >= sizeof p->hostname) {
			cmd_err(c, "%% Hostname is too long (at most %zu characters)", sizeof p->hostname - 1);
			return -1;
		}
		ikev2_copy(p->hostname, sizeof p->hostname, no ? "" : v->text);
		return 0;
	}
	if (strcmp(what, "address") == 0) {
		if (no) {
			p->has_addr = false;
			p->addr_text[0] = 0;
			memset(&p->addr, 0, sizeof p->addr);
			return 0;
		}
		struct ikev2_prefix pfx;
		memset(&pfx, 0, sizeof pfx);
		if (v->kind == ARG_IPV6PFX) {
			char tmp[64];
			ikev2_copy(tmp, sizeof tmp, v->text);
			char *slash = strchr(tmp, '/');
			*slash = 0;
			ikev2_ip_parse(tmp, &pfx.ip);
			pfx.plen = (uint8_t)atoi(slash + 1);
			ikev2_copy(p->addr_text, sizeof p->addr_text, v->text);
		} else {
			ikev2_ip_parse(v->text, &pfx.ip);
			pfx.plen = 32;
			const struct cmdarg *m = cmd_arg(c, base + 2);
			if (m) {
				int plen = mask_plen(m->text);
				if (plen < 0) {
					cmd_err(c, "%% Invalid mask %s: the mask bits must be contiguous", m->text);
					return -1;
				}
				pfx.plen = (uint8_t)plen;
				snprintf(p->addr_text, sizeof p->addr_text, "%s %s", v->text, m->text);
			} else {
				ikev2_copy(p->addr_text, sizeof p->addr_text, v->text);
			}
		}
		p->addr = pfx;
		p->has_addr = true;
		return 0;
	}
	if (strcmp(what, "identity") == 0) {
		if (no) {
			memset(&p->identity, 0, sizeof p->identity);
			return 0;
		}
		struct ikev2_idspec id;
		if (ikev2_idspec_from_args(c, base + 1, &id) != 0)
			return -1;
		p->identity = id;
		return 0;
	}
	/* pre-shared-key [local|remote] [0|6] KEY */
	struct ikev2_psk *k = &p->psk;
	int at = base + 1;
	if (v && v->kind == ARG_KEYWORD && strcmp(v->name, "local") == 0) {
		k = &p->psk_local;
		at++;
	} else if (v && v->kind == ARG_KEYWORD && strcmp(v->name, "remote") == 0) {
		k = &p->psk_remote;
		at++;
	}
	if (no) {
		if (at >= nargs && k == &p->psk) { /* no pre-shared-key: every key */
			memset(&p->psk, 0, sizeof p->psk);
			memset(&p->psk_local, 0, sizeof p->psk_local);
			memset(&p->psk_remote, 0, sizeof p->psk_remote);
			p->psk.enc = p->psk_local.enc = p->psk_remote.enc = -1;
		} else {
			memset(k, 0, sizeof *k);
			k->enc = -1;
		}
		return 0;
	}
	struct ikev2_psk nk;
	ikev2_psk_from_args(c, at, &nk);
	if (strlen(cmd_arg(c, nargs - 1)->text) >= sizeof nk.key) {
		cmd_err(c, "%% Pre-shared key is too long (at most %zu characters)", sizeof nk.key - 1);
		return -1;
	}
	*k = nk;
	return 0;
}

/* ---- running-config ---- */

static void write_psk(struct buf *b, const char *dir, const struct ikev2_psk *k)
{
	if (!k->set)
		return;
	buf_printf(b, "  pre-shared-key %s", dir);
	ikev2_psk_format(k, b);
	buf_addc(b, '\n');
}

static void keyrings_write(struct buf *b)
{
	for (const struct ikev2_keyring *k = keyrings; k; k = k->next) {
		buf_printf(b, "crypto ikev2 keyring %s\n", k->name);
		for (const struct ikev2_keyring_peer *p = k->peers; p; p = p->next) {
			buf_printf(b, " peer %s\n", p->name);
			if (p->description[0])
				buf_printf(b, "  description %s\n", p->description);
			if (p->hostname[0])
				buf_printf(b, "  hostname %s\n", p->hostname);
			if (p->has_addr)
				buf_printf(b, "  address %s\n", p->addr_text);
			if (p->identity.kind != IKEV2_IDK_NONE) {
				buf_adds(b, "  identity ");
				ikev2_idspec_format(&p->identity, b);
				buf_addc(b, '\n');
			}
			write_psk(b, "", &p->psk);
			write_psk(b, "local ", &p->psk_local);
			write_psk(b, "remote ", &p->psk_remote);
			buf_adds(b, " !\n");
		}
		buf_adds(b, "!\n");
	}
}

static void keyrings_check(struct problem_list *pl)
{
	for (const struct ikev2_keyring *k = keyrings; k; k = k->next)
		for (const struct ikev2_keyring_peer *p = k->peers; p; p = p->next)
			if (!p->psk.set && !p->psk_local.set && !p->psk_remote.set)
				problem_add(pl, k->src_line, "IKEv2 keyring %s: peer %s has no pre-shared-key",
					    k->name, p->name);
}

static struct config_section sec_keyring = {
	"crypto ikev2 keyring", ORDER_IKEV2_KEYRING, keyrings_write, keyrings_reset, keyrings_check, NULL,
};

__attribute__((constructor)) static void ikev2_keyring_init(void)
{
	config_section_register(&sec_keyring);
}
