/* crypto ipsec transform-set: objects, handlers and the running-config writer
 * (which also carries the df-bit / fragmentation / nat-transparency globals,
 * printed by IOS right after the transform sets). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/cmd.h"
#include "lib/array.h"
#include "ipsec/config.h"
#include "lib/config_registry.h"

static struct ipsec_transform_set **sets;
static int n_sets, cap_sets;
static bool default_disabled;

static void ts_factory_default(struct ipsec_transform_set *t)
{
	memset(t, 0, sizeof *t);
	strcpy(t->name, "default");
	t->encr = IPSEC_ENCR_AES_CBC;
	t->key_bits = 128;
	t->auth = IPSEC_AUTH_SHA1;
	t->mode = IPSEC_MODE_TRANSPORT;
	t->is_default = true;
}

static void ts_reset(void)
{
	for (int i = 0; i < n_sets; i++)
		free(sets[i]);
	n_sets = 0;
	default_disabled = false;
	if (cap_sets == 0) {
		cap_sets = 8;
		sets = calloc((size_t)cap_sets, sizeof *sets);
		if (!sets)
			abort();
	}
	struct ipsec_transform_set *d = malloc(sizeof *d);
	if (!d)
		abort();
	ts_factory_default(d);
	sets[n_sets++] = d;
}

static struct ipsec_transform_set *ts_lookup(const char *name)
{
	for (int i = 0; i < n_sets; i++)
		if (strcmp(sets[i]->name, name) == 0)
			return sets[i];
	return NULL;
}

struct ipsec_transform_set *ipsec_ts_get_mut(const char *name) { return ts_lookup(name); }

const struct ipsec_transform_set *ipsec_transform_set_find(const char *name)
{
	const struct ipsec_transform_set *t = ts_lookup(name);
	if (t && t->is_default && default_disabled)
		return NULL;
	return t;
}

int ipsec_transform_set_count(void) { return n_sets; }

const struct ipsec_transform_set *ipsec_transform_set_at(int i)
{
	return i >= 0 && i < n_sets ? sets[i] : NULL;
}

bool ipsec_ts_default_disabled(void) { return default_disabled; }

bool ipsec_ts_default_is_factory(void)
{
	struct ipsec_transform_set f;
	const struct ipsec_transform_set *d = ts_lookup("default");
	ts_factory_default(&f);
	return d && d->encr == f.encr && d->key_bits == f.key_bits && d->auth == f.auth &&
	       d->mode == f.mode;
}

static const char *const auth_kw[] = {
	[IPSEC_AUTH_NONE] = "",
	[IPSEC_AUTH_SHA1] = "esp-sha-hmac",
	[IPSEC_AUTH_SHA256] = "esp-sha256-hmac",
	[IPSEC_AUTH_SHA384] = "esp-sha384-hmac",
	[IPSEC_AUTH_SHA512] = "esp-sha512-hmac",
};

void ipsec_transform_set_text(const struct ipsec_transform_set *ts, bool show_style, struct buf *b)
{
	bool sp = false;
	switch (ts->encr) {
	case IPSEC_ENCR_NULL:
		break;
	case IPSEC_ENCR_AES_CBC:
		/* show commands fold the key size into the name: esp-256-aes */
		if (ts->key_bits == 128)
			buf_adds(b, "esp-aes");
		else if (show_style)
			buf_printf(b, "esp-%d-aes", ts->key_bits);
		else
			buf_printf(b, "esp-aes %d", ts->key_bits);
		sp = true;
		break;
	case IPSEC_ENCR_AES_GCM:
		if (ts->key_bits == 128)
			buf_adds(b, "esp-gcm");
		else
			buf_printf(b, "esp-gcm %d", ts->key_bits);
		sp = true;
		break;
	}
	if (ts->auth != IPSEC_AUTH_NONE)
		buf_printf(b, "%s%s", sp ? " " : "", auth_kw[ts->auth]);
}

/* Parse the transform words at args[from..] into t (the grammar already
 * allows only valid combinations). */
static void ts_parse(const struct cmdctx *c, int from, struct ipsec_transform_set *t)
{
	t->encr = IPSEC_ENCR_NULL;
	t->key_bits = 0;
	t->auth = IPSEC_AUTH_NONE;
	for (int i = from; i < c->cmd->nargs; i++) {
		const char *w = cmd_arg(c, i)->name;
		if (strcmp(w, "esp-aes") == 0 || strcmp(w, "esp-gcm") == 0) {
			t->encr = w[4] == 'a' ? IPSEC_ENCR_AES_CBC : IPSEC_ENCR_AES_GCM;
			t->key_bits = 128;
		} else if (strcmp(w, "128") == 0 || strcmp(w, "192") == 0 || strcmp(w, "256") == 0) {
			t->key_bits = atoi(w);
		} else {
			for (int a = IPSEC_AUTH_SHA1; a <= IPSEC_AUTH_SHA512; a++)
				if (strcmp(w, auth_kw[a]) == 0)
					t->auth = (enum ipsec_auth)a;
		}
	}
}

/* crypto ipsec transform-set NAME TRANSFORMS... / no crypto ipsec transform-set NAME */
int h_ipsec_transform_set(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	int base = no ? 1 : 0;
	const char *name = cmd_arg(c, base + 3)->text;
	if (strlen(name) > IPSEC_NAME_MAX) {
		cmd_err(c, "%% Transform set name \"%s\" is longer than %d characters", name, IPSEC_NAME_MAX);
		return -1;
	}
	struct ipsec_transform_set *t = ts_lookup(name);
	if (no) {
		if (!t) {
			cmd_err(c, "%% Transform set %s does not exist", name);
			return -1;
		}
		if (t->is_default) {
			/* IOS: the default transform set is disabled, and back to its
			 * factory transforms when enabled again. */
			ts_factory_default(t);
			default_disabled = true;
			return 0;
		}
		for (int i = 0; i < n_sets; i++)
			if (sets[i] == t) {
				ARRAY_DEL(sets, n_sets, i);
				n_sets--;
				break;
			}
		free(t);
		return 0;
	}
	struct ipsec_transform_set parsed;
	memset(&parsed, 0, sizeof parsed);
	ts_parse(c, base + 4, &parsed);
	if (!t) {
		if (n_sets == cap_sets) {
			int ncap = cap_sets * 2;
			struct ipsec_transform_set **ns = realloc(sets, (size_t)ncap * sizeof *ns);
			if (!ns)
				abort();
			sets = ns;
			cap_sets = ncap;
		}
		t = calloc(1, sizeof *t);
		if (!t)
			abort();
		snprintf(t->name, sizeof t->name, "%s", name);
		t->mode = IPSEC_MODE_TUNNEL;
		t->src_line = c->src_line;
		sets[n_sets++] = t;
	}
	if (t->is_default)
		default_disabled = false;
	/* Re-entering the command replaces the transforms and keeps the mode. */
	t->encr = parsed.encr;
	t->key_bits = parsed.key_bits;
	t->auth = parsed.auth;
	cmd_enter(c, MODE_CRYPTO_TRANS, t);
	return 0;
}

/* (cfg-crypto-trans)# mode tunnel|transport, no mode, default mode */
int h_ipsec_ts_mode(struct cmdctx *c)
{
	struct ipsec_transform_set *t = c->objs[MODE_CRYPTO_TRANS];
	enum ipsec_mode dflt = t->is_default ? IPSEC_MODE_TRANSPORT : IPSEC_MODE_TUNNEL;
	if (cmd_negated(c) || cmd_defaulted(c)) {
		t->mode = dflt;
		return 0;
	}
	t->mode = strcmp(cmd_arg(c, 1)->name, "transport") == 0 ? IPSEC_MODE_TRANSPORT : IPSEC_MODE_TUNNEL;
	return 0;
}

/* IOS prints the transform sets one after another (no '!' between them), the
 * transform list followed by a space, and the mode of every set. */
static void ts_write(struct buf *b)
{
	size_t start = b->len;
	if (default_disabled)
		buf_adds(b, "no crypto ipsec transform-set default\n");
	for (int i = 0; i < n_sets; i++) {
		const struct ipsec_transform_set *t = sets[i];
		if (t->is_default && (default_disabled || ipsec_ts_default_is_factory()))
			continue;
		buf_printf(b, "crypto ipsec transform-set %s ", t->name);
		ipsec_transform_set_text(t, false, b);
		buf_printf(b, " \n mode %s\n", t->mode == IPSEC_MODE_TRANSPORT ? "transport" : "tunnel");
	}
	ipsec_write_globals_other(b);
	if (b->len != start)
		buf_adds(b, "!\n");
}

static struct config_section sec_ts = {
	"ipsec-transform-set", ORDER_IPSEC_TRANSFORM, ts_write, ts_reset, NULL, NULL,
};

__attribute__((constructor)) static void ts_init(void)
{
	ts_reset();
	config_section_register(&sec_ts);
}

int ipsec_transform_set_resolve(const char *name, struct ipsec_esp_proposal *out)
{
	const struct ipsec_transform_set *t = ipsec_transform_set_find(name);
	if (!t)
		return -1;
	memset(out, 0, sizeof *out);
	snprintf(out->ts_name, sizeof out->ts_name, "%s", t->name);
	switch (t->encr) {
	case IPSEC_ENCR_NULL:
		out->encr_id = IPSEC_IANA_ENCR_NULL;
		out->encr_key_bits = 0;
		break;
	case IPSEC_ENCR_AES_CBC:
		out->encr_id = IPSEC_IANA_ENCR_AES_CBC;
		out->encr_key_bits = (uint16_t)t->key_bits;
		break;
	case IPSEC_ENCR_AES_GCM:
		out->encr_id = IPSEC_IANA_ENCR_AES_GCM_16;
		out->encr_key_bits = (uint16_t)t->key_bits;
		break;
	}
	static const uint16_t integ[] = {
		[IPSEC_AUTH_NONE] = IPSEC_IANA_AUTH_NONE,
		[IPSEC_AUTH_SHA1] = IPSEC_IANA_AUTH_HMAC_SHA1_96,
		[IPSEC_AUTH_SHA256] = IPSEC_IANA_AUTH_HMAC_SHA2_256_128,
		[IPSEC_AUTH_SHA384] = IPSEC_IANA_AUTH_HMAC_SHA2_384_192,
		[IPSEC_AUTH_SHA512] = IPSEC_IANA_AUTH_HMAC_SHA2_512_256,
	};
	out->integ_id = integ[t->auth];
	out->mode = t->mode;
	return 0;
}
