/* username: the local user database (privilege, password or secret). */
#include "aaa/aaa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "grammar/cmd.h"
#include "lib/config_registry.h"

static struct aaa_user *users;

static struct aaa_user *user_find(const char *name)
{
	for (struct aaa_user *u = users; u; u = u->next)
		if (strcmp(u->name, name) == 0)
			return u;
	return NULL;
}

const struct aaa_user *aaa_user_find(const char *name) { return user_find(name); }
const struct aaa_user *aaa_user_first(void) { return users; }

static void user_free(struct aaa_user *u)
{
	OPENSSL_cleanse(u->value, sizeof u->value);
	free(u);
}

static void users_reset(void)
{
	while (users) {
		struct aaa_user *u = users;
		users = u->next;
		user_free(u);
	}
}

static bool is_secret(enum aaa_pw_type t)
{
	return t == AAA_SECRET_MD5 || t == AAA_SECRET_PBKDF2 || t == AAA_SECRET_SCRYPT;
}

static int secret_type_num(enum aaa_pw_type t)
{
	return t == AAA_SECRET_MD5 ? 5 : t == AAA_SECRET_PBKDF2 ? 8 : 9;
}

/* username NAME [privilege N] [password [0|7] PW | secret [0|5|8|9] SECRET]
 * no username NAME */
int h_aaa_username(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 2 : 1)->text;
	struct aaa_user *u = user_find(name);
	if (no) {
		if (!u)
			return 0;
		for (struct aaa_user **pp = &users; *pp; pp = &(*pp)->next)
			if (*pp == u) {
				*pp = u->next;
				break;
			}
		user_free(u);
		return 0;
	}
	if (strlen(name) >= AAA_NAME_MAX) {
		cmd_err(c, "%% Username \"%s\" is too long (at most %d characters)", name, AAA_NAME_MAX - 1);
		return -1;
	}
	int priv = (int)cmd_num_after(c, "privilege", -1);
	enum aaa_pw_type type = AAA_PW_NONE;
	char value[AAA_SECRET_MAX] = "";
	int ip = cmd_find(c, "password"), is = cmd_find(c, "secret");
	if (ip >= 0 || is >= 0) {
		int i = ip >= 0 ? ip : is;
		const struct cmdarg *t = cmd_arg(c, i + 1);
		const struct cmdarg *v = c->cmd->nargs > i + 2 ? cmd_arg(c, i + 2) : t;
		int num = t->kind == ARG_KEYWORD ? atoi(t->name) : 0;
		if (strlen(v->text) >= AAA_SECRET_MAX) {
			cmd_err(c, "%% The %s is too long (at most %d characters)", ip >= 0 ? "password" : "secret",
				AAA_SECRET_MAX - 1);
			return -1;
		}
		if ((u && u->type != AAA_PW_NONE && is_secret(u->type) != (is >= 0))) {
			cmd_err(c, "ERROR: Can not have both a user password and a user secret.\n"
				   "Please choose one or the other.");
			return -1;
		}
		if (ip >= 0) {
			if (num == 7) {
				char clear[AAA_SECRET_MAX];
				if (aaa_type7_decode(v->text, clear, sizeof clear) != 0) {
					cmd_err(c, "%% Invalid encrypted password: \"%s\" is not a type 7 password",
						v->text);
					return -1;
				}
				OPENSSL_cleanse(clear, sizeof clear);
				type = AAA_PW_TYPE7;
			} else {
				type = AAA_PW_CLEAR;
			}
			snprintf(value, sizeof value, "%s", v->text);
		} else if (num == 0) {
			if (aaa_secret_hash(9, v->text, NULL, value, sizeof value) != 0) {
				cmd_err(c, "%% Could not hash the secret");
				return -1;
			}
			type = AAA_SECRET_SCRYPT;
		} else {
			if (!aaa_secret_valid(num, v->text)) {
				cmd_err(c, "ERROR: The secret you entered is not a valid encrypted secret.\n"
					   "To enter an UNENCRYPTED secret, do not specify type %d encryption.\n"
					   "When you properly enter an UNENCRYPTED secret, it will be encrypted.",
					num);
				return -1;
			}
			type = num == 5 ? AAA_SECRET_MD5 : num == 8 ? AAA_SECRET_PBKDF2 : AAA_SECRET_SCRYPT;
			snprintf(value, sizeof value, "%s", v->text);
		}
	}
	if (!u) {
		u = calloc(1, sizeof *u);
		if (!u)
			abort();
		snprintf(u->name, sizeof u->name, "%s", name);
		u->privilege = -1;
		u->line = c->src_line;
		struct aaa_user **tail = &users;
		while (*tail)
			tail = &(*tail)->next;
		*tail = u;
	}
	if (priv >= 0)
		u->privilege = priv;
	if (type != AAA_PW_NONE) {
		u->type = type;
		snprintf(u->value, sizeof u->value, "%s", value);
	}
	OPENSSL_cleanse(value, sizeof value);
	return 0;
}

bool aaa_user_verify(const char *name, const char *password)
{
	const struct aaa_user *u = user_find(name);
	if (!u || !password)
		return false;
	char clear[AAA_SECRET_MAX];
	bool ok = false;
	switch (u->type) {
	case AAA_PW_NONE:
		return false;
	case AAA_PW_CLEAR:
	case AAA_PW_TYPE7:
		if (aaa_user_cleartext(name, clear, sizeof clear) < 0)
			return false;
		ok = strlen(clear) == strlen(password) && CRYPTO_memcmp(clear, password, strlen(clear)) == 0;
		OPENSSL_cleanse(clear, sizeof clear);
		return ok;
	default:
		return aaa_secret_check(secret_type_num(u->type), u->value, password);
	}
}

int aaa_user_cleartext(const char *name, char *out, size_t n)
{
	const struct aaa_user *u = user_find(name);
	if (!u)
		return -1;
	if (u->type == AAA_PW_CLEAR) {
		if (strlen(u->value) >= n)
			return -1;
		snprintf(out, n, "%s", u->value);
		return (int)strlen(out);
	}
	if (u->type == AAA_PW_TYPE7 && aaa_type7_decode(u->value, out, n) == 0)
		return (int)strlen(out);
	return -1;
}

static void users_write(struct buf *b)
{
	if (!users)
		return;
	for (const struct aaa_user *u = users; u; u = u->next) {
		buf_printf(b, "username %s", u->name);
		if (u->privilege >= 0)
			buf_printf(b, " privilege %d", u->privilege);
		switch (u->type) {
		case AAA_PW_NONE:
			break;
		case AAA_PW_CLEAR:
			buf_printf(b, " password 0 %s", u->value);
			break;
		case AAA_PW_TYPE7:
			buf_printf(b, " password 7 %s", u->value);
			break;
		default:
			buf_printf(b, " secret %d %s", secret_type_num(u->type), u->value);
			break;
		}
		buf_addc(b, '\n');
	}
	buf_adds(b, "!\n");
}

static struct config_section sec_users = { "username", ORDER_USERNAME, users_write, users_reset, NULL, NULL };

__attribute__((constructor)) static void users_init(void)
{
	config_section_register(&sec_users);
}
