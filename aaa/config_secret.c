/* Cisco password encodings: type 7 (reversible), type 5 (md5crypt), type 8
 * (PBKDF2-SHA256, 20000 iterations) and type 9 (scrypt N=16384 r=1 p=1).
 * Types 8 and 9 use a 14-character salt and encode the 32-byte digest in
 * base64 with the crypt alphabet "./0-9A-Za-z" (standard bit order). */
#include "aaa/aaa.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

static const char itoa64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* ---- type 7 ---- */

static const char xlat[] = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";

int aaa_type7_decode(const char *enc, char *out, size_t n)
{
	size_t len = strlen(enc);
	if (len < 2 || len % 2 || !isdigit((unsigned char)enc[0]) || !isdigit((unsigned char)enc[1]))
		return -1;
	int seed = (enc[0] - '0') * 10 + (enc[1] - '0');
	if (seed > 15 || (len - 2) / 2 >= n)
		return -1;
	size_t k = 0;
	for (size_t i = 2; i < len; i += 2) {
		char hex[3] = { enc[i], enc[i + 1], 0 };
		if (!isxdigit((unsigned char)hex[0]) || !isxdigit((unsigned char)hex[1]))
			return -1;
		int v = (int)strtol(hex, NULL, 16) ^ xlat[(seed + (int)k) % (int)(sizeof xlat - 1)];
		if (v == 0)
			return -1;
		out[k++] = (char)v;
	}
	out[k] = 0;
	return 0;
}

int aaa_type7_encode(const char *clear, int seed, char *out, size_t n)
{
	size_t len = strlen(clear);
	if (seed < 0 || seed > 15 || 2 + 2 * len + 1 > n)
		return -1;
	snprintf(out, n, "%02d", seed);
	for (size_t k = 0; k < len; k++)
		snprintf(out + 2 + 2 * k, 3, "%02X",
			 (unsigned char)clear[k] ^ (unsigned char)xlat[(seed + (int)k) % (int)(sizeof xlat - 1)]);
	return 0;
}

/* ---- helpers ---- */

static void b64_cisco(const unsigned char *in, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		size_t chars = n - i >= 3 ? 4 : n - i + 1;
		for (size_t k = 0; k < chars; k++)
			out[o++] = itoa64[(v >> (18 - 6 * k)) & 0x3f];
	}
	out[o] = 0;
}

static bool in_alphabet(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(itoa64, s[i]))
			return false;
	return true;
}

static void random_salt(char *out, size_t len)
{
	unsigned char r[32];
	if (len > sizeof r || RAND_bytes(r, (int)len) != 1)
		abort();
	for (size_t i = 0; i < len; i++)
		out[i] = itoa64[r[i] & 0x3f];
	out[len] = 0;
}

static int md5_update_all(EVP_MD_CTX *ctx, const void *p, size_t n)
{
	return EVP_DigestUpdate(ctx, p, n) == 1 ? 0 : -1;
}

/* md5crypt ("$1$"), the algorithm of FreeBSD's crypt(3). */
static int md5crypt(const char *pw, const char *salt, size_t slen, char *out, size_t n)
{
	const char *magic = "$1$";
	size_t pl = strlen(pw);
	unsigned char fin[16], alt[16];
	unsigned int dl;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new(), *c1 = EVP_MD_CTX_new();
	const EVP_MD *md5 = EVP_md5();
	int rc = -1;
	if (!ctx || !c1 || !md5)
		goto out;
	if (EVP_DigestInit_ex(c1, md5, NULL) != 1 || md5_update_all(c1, pw, pl) ||
	    md5_update_all(c1, salt, slen) || md5_update_all(c1, pw, pl) ||
	    EVP_DigestFinal_ex(c1, alt, &dl) != 1)
		goto out;
	if (EVP_DigestInit_ex(ctx, md5, NULL) != 1 || md5_update_all(ctx, pw, pl) ||
	    md5_update_all(ctx, magic, 3) || md5_update_all(ctx, salt, slen))
		goto out;
	for (size_t l = pl; l > 0; l -= l > 16 ? 16 : l)
		if (md5_update_all(ctx, alt, l > 16 ? 16 : l))
			goto out;
	for (size_t i = pl; i; i >>= 1)
		if (md5_update_all(ctx, (i & 1) ? "" : pw, 1))
			goto out;
	if (EVP_DigestFinal_ex(ctx, fin, &dl) != 1)
		goto out;
	for (int i = 0; i < 1000; i++) {
		if (EVP_DigestInit_ex(c1, md5, NULL) != 1)
			goto out;
		if ((i & 1) ? md5_update_all(c1, pw, pl) : md5_update_all(c1, fin, 16))
			goto out;
		if ((i % 3) && md5_update_all(c1, salt, slen))
			goto out;
		if ((i % 7) && md5_update_all(c1, pw, pl))
			goto out;
		if ((i & 1) ? md5_update_all(c1, fin, 16) : md5_update_all(c1, pw, pl))
			goto out;
		if (EVP_DigestFinal_ex(c1, fin, &dl) != 1)
			goto out;
	}
	char enc[23];
	static const int idx[5][3] = { { 0, 6, 12 }, { 1, 7, 13 }, { 2, 8, 14 }, { 3, 9, 15 }, { 4, 10, 5 } };
	size_t o = 0;
	for (int g = 0; g < 5; g++) {
		unsigned v = (unsigned)fin[idx[g][0]] << 16 | (unsigned)fin[idx[g][1]] << 8 | fin[idx[g][2]];
		for (int k = 0; k < 4; k++, v >>= 6)
			enc[o++] = itoa64[v & 0x3f];
	}
	unsigned v = fin[11];
	for (int k = 0; k < 2; k++, v >>= 6)
		enc[o++] = itoa64[v & 0x3f];
	enc[o] = 0;
	if ((size_t)snprintf(out, n, "$1$%.*s$%s", (int)slen, salt, enc) >= n)
		goto out;
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_MD_CTX_free(c1);
	OPENSSL_cleanse(fin, sizeof fin);
	OPENSSL_cleanse(alt, sizeof alt);
	return rc;
}

/* The salt of "$N$salt$hash" and its length; NULL if malformed. */
static const char *split_hash(const char *hash, char tag, size_t *slen)
{
	if (hash[0] != '$' || hash[1] != tag || hash[2] != '$')
		return NULL;
	const char *s = hash + 3, *d = strchr(s, '$');
	if (!d)
		return NULL;
	*slen = (size_t)(d - s);
	return s;
}

static char type_tag(int type)
{
	return type == 5 ? '1' : type == 8 ? '8' : type == 9 ? '9' : 0;
}

int aaa_secret_hash(int type, const char *clear, const char *salt, char *out, size_t n)
{
	char sbuf[16];
	unsigned char dk[32];
	char enc[48];
	size_t slen;
	if (type == 5) {
		if (!salt) {
			random_salt(sbuf, 4); /* IOS uses 4 salt characters */
			salt = sbuf;
		}
		slen = strlen(salt);
		if (slen > 8)
			slen = 8;
		return md5crypt(clear, salt, slen, out, n);
	}
	if (type != 8 && type != 9)
		return -1;
	if (!salt) {
		random_salt(sbuf, 14);
		salt = sbuf;
	}
	slen = strlen(salt);
	if (type == 8) {
		if (PKCS5_PBKDF2_HMAC(clear, (int)strlen(clear), (const unsigned char *)salt, (int)slen,
				      20000, EVP_sha256(), sizeof dk, dk) != 1)
			return -1;
	} else if (EVP_PBE_scrypt(clear, strlen(clear), (const unsigned char *)salt, slen, 16384, 1, 1,
				  0, dk, sizeof dk) != 1) {
		return -1;
	}
	b64_cisco(dk, sizeof dk, enc);
	OPENSSL_cleanse(dk, sizeof dk);
	if ((size_t)snprintf(out, n, "$%c$%s$%s", type_tag(type), salt, enc) >= n)
		return -1;
	return 0;
}

bool aaa_secret_valid(int type, const char *hash)
{
	char tag = type_tag(type);
	size_t slen;
	const char *salt = tag ? split_hash(hash, tag, &slen) : NULL;
	if (!salt)
		return false;
	const char *h = salt + slen + 1;
	if (type == 5)
		return slen >= 1 && slen <= 8 && in_alphabet(salt, slen) && strlen(h) == 22 &&
		       in_alphabet(h, 22);
	return slen == 14 && in_alphabet(salt, slen) && strlen(h) == 43 && in_alphabet(h, 43);
}

bool aaa_secret_check(int type, const char *hash, const char *clear)
{
	if (!aaa_secret_valid(type, hash))
		return false;
	size_t slen = 0;
	const char *salt = split_hash(hash, type_tag(type), &slen);
	if (!salt)
		return false;
	char s[16], out[AAA_SECRET_MAX];
	snprintf(s, sizeof s, "%.*s", (int)slen, salt);
	if (aaa_secret_hash(type, clear, s, out, sizeof out) != 0)
		return false;
	size_t l = strlen(out);
	bool ok = l == strlen(hash) && CRYPTO_memcmp(out, hash, l) == 0;
	OPENSSL_cleanse(out, sizeof out);
	return ok;
}
