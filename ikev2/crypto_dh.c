/*
 * Diffie-Hellman key exchange through EVP_PKEY: MODP groups 14, 15, 16
 * (RFC 3526) and 24 (RFC 5114 2.3), ECP groups 19, 20, 21 (RFC 5903) and
 * Curve25519 (RFC 8031).  Peer public values are validated per RFC 6989.
 */
#include "ikev2/crypto.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

enum dh_kind { DH_MODP, DH_ECP, DH_X25519 };

struct dh_group {
	int id;
	enum dh_kind kind;
	const char *name;  /* OpenSSL group / curve / algorithm name */
	size_t publen;     /* KE data length */
	size_t secretlen;  /* shared secret length */
	int subgroup_check; /* y^q mod p == 1 required (RFC 6989 2.2) */
};

static const struct dh_group dh_groups[] = {
	{CRYPTO_DH_MODP_2048, DH_MODP, "modp_2048", 256, 256, 0},
	{CRYPTO_DH_MODP_3072, DH_MODP, "modp_3072", 384, 384, 0},
	{CRYPTO_DH_MODP_4096, DH_MODP, "modp_4096", 512, 512, 0},
	{CRYPTO_DH_MODP_2048_256, DH_MODP, "dh_2048_256", 256, 256, 1},
	{CRYPTO_DH_ECP_256, DH_ECP, "P-256", 64, 32, 0},
	{CRYPTO_DH_ECP_384, DH_ECP, "P-384", 96, 48, 0},
	{CRYPTO_DH_ECP_521, DH_ECP, "P-521", 132, 66, 0},
	{CRYPTO_DH_CURVE25519, DH_X25519, "X25519", 32, 32, 0},
};

#define DH_MAX_PUBLEN 512

struct crypto_dh {
	const struct dh_group *g;
	EVP_PKEY *key;
	size_t publen;
	uint8_t pub[DH_MAX_PUBLEN];
};

static const struct dh_group *dh_find(int group)
{
	for (size_t i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++)
		if (dh_groups[i].id == group)
			return &dh_groups[i];
	return NULL;
}

int crypto_dh_supported(int group)
{
	return dh_find(group) != NULL;
}

size_t crypto_dh_public_len(int group)
{
	const struct dh_group *g = dh_find(group);

	return g ? g->publen : 0;
}

size_t crypto_dh_secret_len(int group)
{
	const struct dh_group *g = dh_find(group);

	return g ? g->secretlen : 0;
}

static const char *kind_alg(enum dh_kind k)
{
	switch (k) {
	case DH_MODP:
		return "DH";
	case DH_ECP:
		return "EC";
	default:
		return "X25519";
	}
}

/* Build an EVP_PKEY of group g from parameters (public and/or private). */
static EVP_PKEY *pkey_fromdata(const struct dh_group *g, const BIGNUM *priv, const BIGNUM *pub_bn,
			       const uint8_t *pub_oct, size_t pub_octlen, int selection)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (!bld)
		return NULL;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0))
		goto out;
	if (priv && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv))
		goto out;
	if (pub_bn && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, pub_bn))
		goto out;
	if (pub_oct &&
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub_oct, pub_octlen))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!params)
		goto out;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, kind_alg(g->kind), NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, selection, params) <= 0) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

/* Fill dh->pub from dh->key in KE payload format. */
static int export_public(struct crypto_dh *dh)
{
	const struct dh_group *g = dh->g;
	int rc = CRYPTO_ERR_LIBCRYPTO;

	switch (g->kind) {
	case DH_MODP: {
		BIGNUM *y = NULL;

		if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, &y) &&
		    BN_bn2binpad(y, dh->pub, (int)g->publen) == (int)g->publen)
			rc = CRYPTO_OK;
		BN_free(y);
		break;
	}
	case DH_ECP: {
		uint8_t enc[1 + DH_MAX_PUBLEN];
		size_t len = 0;

		/* uncompressed SEC1 point 0x04 | x | y; IKEv2 drops the 0x04 */
		if (EVP_PKEY_get_octet_string_param(dh->key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, enc,
						    sizeof(enc), &len) &&
		    len == 1 + g->publen && enc[0] == 0x04) {
			memcpy(dh->pub, enc + 1, g->publen);
			rc = CRYPTO_OK;
		}
		break;
	}
	case DH_X25519: {
		size_t len = g->publen;

		if (EVP_PKEY_get_raw_public_key(dh->key, dh->pub, &len) && len == g->publen)
			rc = CRYPTO_OK;
		break;
	}
	}
	if (rc == CRYPTO_OK)
		dh->publen = g->publen;
	return rc;
}

int crypto_dh_new(int group, struct crypto_dh **out)
{
	const struct dh_group *g = dh_find(group);
	EVP_PKEY_CTX *ctx = NULL;
	struct crypto_dh *dh;
	int rc = CRYPTO_ERR_LIBCRYPTO;

	if (!out)
		return CRYPTO_ERR_INVALID_ARG;
	*out = NULL;
	if (!g)
		return CRYPTO_ERR_UNSUPPORTED;
	dh = calloc(1, sizeof(*dh));
	if (!dh)
		return CRYPTO_ERR_LIBCRYPTO;
	dh->g = g;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, kind_alg(g->kind), NULL);
	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0)
		goto out;
	if (g->kind != DH_X25519) {
		OSSL_PARAM params[2] = {
			OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)g->name, 0),
			OSSL_PARAM_construct_end(),
		};
		if (EVP_PKEY_CTX_set_params(ctx, params) <= 0)
			goto out;
	}
	if (EVP_PKEY_generate(ctx, &dh->key) <= 0)
		goto out;
	rc = export_public(dh);
out:
	EVP_PKEY_CTX_free(ctx);
	if (rc)
		crypto_dh_free(dh);
	else
		*out = dh;
	return rc;
}

/* MODP public value g^x mod p for a KAT key. */
static BIGNUM *modp_pub_from_priv(const struct dh_group *g, const BIGNUM *x)
{
	EVP_PKEY *tmp = pkey_fromdata(g, x, NULL, NULL, 0, EVP_PKEY_KEYPAIR);
	BIGNUM *p = NULL, *gen = NULL, *y = NULL;
	BN_CTX *bctx = BN_CTX_new();

	if (!tmp || !bctx || !EVP_PKEY_get_bn_param(tmp, OSSL_PKEY_PARAM_FFC_P, &p) ||
	    !EVP_PKEY_get_bn_param(tmp, OSSL_PKEY_PARAM_FFC_G, &gen))
		goto out;
	y = BN_new();
	if (y && !BN_mod_exp(y, gen, x, p, bctx)) {
		BN_free(y);
		y = NULL;
	}
out:
	BN_free(p);
	BN_free(gen);
	BN_CTX_free(bctx);
	EVP_PKEY_free(tmp);
	return y;
}

int crypto_dh_new_private(int group, const void *priv, size_t privlen, const void *pub,
			  size_t publen, struct crypto_dh **out)
{
	const struct dh_group *g = dh_find(group);
	struct crypto_dh *dh;
	BIGNUM *x = NULL, *y = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int rc = CRYPTO_ERR_LIBCRYPTO;

	if (!out)
		return CRYPTO_ERR_INVALID_ARG;
	*out = NULL;
	if (!g)
		return CRYPTO_ERR_UNSUPPORTED;
	if (!priv || !privlen || (pub && publen != g->publen))
		return CRYPTO_ERR_INVALID_ARG;
	if (g->kind == DH_ECP && !pub)
		return CRYPTO_ERR_INVALID_ARG;
	dh = calloc(1, sizeof(*dh));
	if (!dh)
		return CRYPTO_ERR_LIBCRYPTO;
	dh->g = g;

	switch (g->kind) {
	case DH_MODP:
		x = BN_bin2bn(priv, (int)privlen, NULL);
		if (!x)
			goto out;
		y = pub ? BN_bin2bn(pub, (int)publen, NULL) : modp_pub_from_priv(g, x);
		if (!y)
			goto out;
		dh->key = pkey_fromdata(g, x, y, NULL, 0, EVP_PKEY_KEYPAIR);
		break;
	case DH_ECP: {
		uint8_t enc[1 + DH_MAX_PUBLEN];

		x = BN_bin2bn(priv, (int)privlen, NULL);
		if (!x)
			goto out;
		enc[0] = 0x04;
		memcpy(enc + 1, pub, publen);
		dh->key = pkey_fromdata(g, x, NULL, enc, 1 + publen, EVP_PKEY_KEYPAIR);
		break;
	}
	case DH_X25519:
		if (privlen != 32) {
			rc = CRYPTO_ERR_INVALID_ARG;
			goto out;
		}
		dh->key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, privlen);
		break;
	}
	if (!dh->key) {
		rc = CRYPTO_ERR_INVALID_ARG;
		goto out;
	}
	if (g->kind != DH_X25519) {
		/* the given public value must belong to the private one */
		ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
		if (!ctx || EVP_PKEY_pairwise_check(ctx) <= 0) {
			rc = CRYPTO_ERR_INVALID_ARG;
			goto out;
		}
	}
	rc = export_public(dh);
	if (rc == CRYPTO_OK && pub && memcmp(pub, dh->pub, publen) != 0)
		rc = CRYPTO_ERR_INVALID_ARG;
out:
	EVP_PKEY_CTX_free(ctx);
	BN_clear_free(x);
	BN_free(y);
	if (rc)
		crypto_dh_free(dh);
	else
		*out = dh;
	return rc;
}

void crypto_dh_free(struct crypto_dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->key);
	crypto_wipe(dh, sizeof(*dh));
	free(dh);
}

int crypto_dh_group(const struct crypto_dh *dh)
{
	return dh ? dh->g->id : CRYPTO_DH_NONE;
}

const uint8_t *crypto_dh_public(const struct crypto_dh *dh, size_t *len)
{
	if (!dh) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = dh->publen;
	return dh->pub;
}

/* Parameters p (and q) of a MODP group, from OpenSSL's named group. */
static int modp_pq(const struct dh_group *g, BIGNUM **p, BIGNUM **q)
{
	EVP_PKEY *params = pkey_fromdata(g, NULL, NULL, NULL, 0, EVP_PKEY_KEY_PARAMETERS);
	int rc = CRYPTO_ERR_LIBCRYPTO;

	*p = NULL;
	if (q)
		*q = NULL;
	if (!params)
		return rc;
	if (EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, p)) {
		rc = CRYPTO_OK;
		if (q && !EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_Q, q))
			*q = NULL;
	}
	EVP_PKEY_free(params);
	return rc;
}

int crypto_dh_modp_params(int group, struct buf *pb, struct buf *qb)
{
	const struct dh_group *g = dh_find(group);
	BIGNUM *p, *q;
	int rc;

	if (!g)
		return CRYPTO_ERR_UNSUPPORTED;
	if (g->kind != DH_MODP || !pb || !qb)
		return CRYPTO_ERR_INVALID_ARG;
	rc = modp_pq(g, &p, &q);
	if (rc)
		return rc;
	/* the RFC 3526 groups are safe primes: OpenSSL knows q = (p-1)/2 but
	 * no subgroup order is published for them, report only group 24's */
	buf_reserve(pb, (size_t)BN_num_bytes(p));
	pb->len += (size_t)BN_bn2bin(p, pb->p + pb->len);
	if (q && g->subgroup_check) {
		buf_reserve(qb, (size_t)BN_num_bytes(q));
		qb->len += (size_t)BN_bn2bin(q, qb->p + qb->len);
	}
	BN_free(p);
	BN_free(q);
	return CRYPTO_OK;
}

/* RFC 6989 2.1/2.2: 1 < y < p-1, and y^q mod p == 1 where required. */
static int modp_check(const struct dh_group *g, const uint8_t *peer, size_t len)
{
	BIGNUM *p = NULL, *q = NULL, *y = NULL, *pm1 = NULL, *r = NULL;
	BN_CTX *bctx = NULL;
	int rc;

	rc = modp_pq(g, &p, g->subgroup_check ? &q : NULL);
	if (rc)
		return rc;
	rc = CRYPTO_ERR_LIBCRYPTO;
	y = BN_bin2bn(peer, (int)len, NULL);
	pm1 = BN_dup(p);
	if (!y || !pm1 || !BN_sub_word(pm1, 1))
		goto out;
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0) {
		rc = CRYPTO_ERR_INVALID_PUBLIC;
		goto out;
	}
	if (g->subgroup_check) {
		if (!q)
			goto out;
		bctx = BN_CTX_new();
		r = BN_new();
		if (!bctx || !r || !BN_mod_exp(r, y, q, p, bctx))
			goto out;
		if (!BN_is_one(r)) {
			rc = CRYPTO_ERR_INVALID_PUBLIC;
			goto out;
		}
	}
	rc = CRYPTO_OK;
out:
	BN_free(p);
	BN_free(q);
	BN_free(y);
	BN_free(pm1);
	BN_free(r);
	BN_CTX_free(bctx);
	return rc;
}

/* Import and validate peer's KE data; *peer_key is an EVP_PKEY usable as
 * the derivation peer. */
static int import_peer(const struct dh_group *g, const uint8_t *peer, size_t len,
		       EVP_PKEY **peer_key)
{
	EVP_PKEY_CTX *ctx = NULL;
	int rc;

	*peer_key = NULL;
	if (!peer || len != g->publen)
		return CRYPTO_ERR_BAD_LENGTH;

	switch (g->kind) {
	case DH_MODP: {
		BIGNUM *y;

		rc = modp_check(g, peer, len);
		if (rc)
			return rc;
		y = BN_bin2bn(peer, (int)len, NULL);
		if (!y)
			return CRYPTO_ERR_LIBCRYPTO;
		*peer_key = pkey_fromdata(g, NULL, y, NULL, 0, EVP_PKEY_PUBLIC_KEY);
		BN_free(y);
		return *peer_key ? CRYPTO_OK : CRYPTO_ERR_LIBCRYPTO;
	}
	case DH_ECP: {
		uint8_t enc[1 + DH_MAX_PUBLEN];

		enc[0] = 0x04;
		memcpy(enc + 1, peer, len);
		/* decoding rejects points not on the curve (and (0,0)) */
		*peer_key = pkey_fromdata(g, NULL, NULL, enc, 1 + len, EVP_PKEY_PUBLIC_KEY);
		if (!*peer_key)
			return CRYPTO_ERR_INVALID_PUBLIC;
		/* RFC 6989 3.1: coordinates < p, on the curve, not infinity.  The
		 * NIST curves have cofactor 1, so no (costly) order check. */
		ctx = EVP_PKEY_CTX_new_from_pkey(NULL, *peer_key, NULL);
		if (!ctx)
			rc = CRYPTO_ERR_LIBCRYPTO;
		else if (EVP_PKEY_public_check_quick(ctx) <= 0)
			rc = CRYPTO_ERR_INVALID_PUBLIC;
		else
			rc = CRYPTO_OK;
		EVP_PKEY_CTX_free(ctx);
		break;
	}
	case DH_X25519:
		*peer_key = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, len);
		rc = *peer_key ? CRYPTO_OK : CRYPTO_ERR_INVALID_PUBLIC;
		break;
	default:
		rc = CRYPTO_ERR_UNSUPPORTED;
	}
	if (rc) {
		EVP_PKEY_free(*peer_key);
		*peer_key = NULL;
	}
	return rc;
}

int crypto_dh_check_public(int group, const void *peer, size_t peerlen)
{
	const struct dh_group *g = dh_find(group);
	EVP_PKEY *pk;
	int rc;

	if (!g)
		return CRYPTO_ERR_UNSUPPORTED;
	rc = import_peer(g, peer, peerlen, &pk);
	EVP_PKEY_free(pk);
	return rc;
}

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

int crypto_dh_compute(struct crypto_dh *dh, const void *peer, size_t peerlen, uint8_t *secret,
		      size_t *secretlen)
{
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t tmp[DH_MAX_PUBLEN];
	size_t len = sizeof(tmp);
	const struct dh_group *g;
	int rc;

	if (!dh || !secret || !secretlen)
		return CRYPTO_ERR_INVALID_ARG;
	g = dh->g;
	*secretlen = 0;
	rc = import_peer(g, peer, peerlen, &pk);
	if (rc)
		return rc;
	rc = CRYPTO_ERR_LIBCRYPTO;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	if (g->kind == DH_MODP) {
		unsigned int pad = 1;
		OSSL_PARAM params[2] = {
			OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD, &pad),
			OSSL_PARAM_construct_end(),
		};
		if (EVP_PKEY_CTX_set_params(ctx, params) <= 0)
			goto out;
	}
	/* validated above; no second (costly) check by OpenSSL */
	if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 0) <= 0)
		goto out;
	if (EVP_PKEY_derive(ctx, tmp, &len) <= 0) {
		/* OpenSSL refuses an all-zero X25519 result */
		if (g->kind == DH_X25519)
			rc = CRYPTO_ERR_WEAK_SECRET;
		goto out;
	}
	if (len > g->secretlen)
		goto out;
	/* left-pad to the prime / coordinate length */
	memset(secret, 0, g->secretlen - len);
	memcpy(secret + (g->secretlen - len), tmp, len);
	if (all_zero(secret, g->secretlen)) {
		crypto_wipe(secret, g->secretlen);
		rc = CRYPTO_ERR_WEAK_SECRET;
		goto out;
	}
	*secretlen = g->secretlen;
	rc = CRYPTO_OK;
out:
	crypto_wipe(tmp, sizeof(tmp));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return rc;
}
