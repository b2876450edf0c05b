/* HMAC based PRFs, prf+ (RFC 7296 2.13) and integrity checksums, via EVP_MAC. */
#include "ikev2/crypto.h"

#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

static EVP_MAC *hmac_mac;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_fetch(void)
{
	hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

static const char *prf_digest(int prf)
{
	switch (prf) {
	case CRYPTO_PRF_HMAC_SHA1:
		return "SHA1";
	case CRYPTO_PRF_HMAC_SHA2_256:
		return "SHA2-256";
	case CRYPTO_PRF_HMAC_SHA2_384:
		return "SHA2-384";
	case CRYPTO_PRF_HMAC_SHA2_512:
		return "SHA2-512";
	default:
		return NULL;
	}
}

static const char *integ_digest(int integ)
{
	switch (integ) {
	case CRYPTO_AUTH_HMAC_SHA1_96:
		return "SHA1";
	case CRYPTO_AUTH_HMAC_SHA2_256_128:
		return "SHA2-256";
	case CRYPTO_AUTH_HMAC_SHA2_384_192:
		return "SHA2-384";
	case CRYPTO_AUTH_HMAC_SHA2_512_256:
		return "SHA2-512";
	default:
		return NULL;
	}
}

/* HMAC(digest, key, iov...) -> out (full digest size, mdlen bytes). */
static int hmac_iov(const char *digest, const void *key, size_t keylen, const struct crypto_iov *iov,
		    size_t n, uint8_t *out, size_t mdlen)
{
	static const uint8_t empty_key[1];
	EVP_MAC_CTX *ctx;
	OSSL_PARAM params[2];
	size_t outl = 0;
	int rc = CRYPTO_ERR_LIBCRYPTO;

	if ((keylen && !key) || (n && !iov) || !out)
		return CRYPTO_ERR_INVALID_ARG;
	pthread_once(&hmac_once, hmac_fetch);
	if (!hmac_mac)
		return CRYPTO_ERR_LIBCRYPTO;
	ctx = EVP_MAC_CTX_new(hmac_mac);
	if (!ctx)
		return CRYPTO_ERR_LIBCRYPTO;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* A NULL key means "keep the previous key" to EVP_MAC_init: pass a
	 * real pointer even for an empty key. */
	if (!EVP_MAC_init(ctx, keylen ? key : empty_key, keylen, params))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (iov[i].len && !iov[i].p) {
			rc = CRYPTO_ERR_INVALID_ARG;
			goto out;
		}
		if (iov[i].len && !EVP_MAC_update(ctx, iov[i].p, iov[i].len))
			goto out;
	}
	if (!EVP_MAC_final(ctx, out, &outl, mdlen) || outl != mdlen)
		goto out;
	rc = CRYPTO_OK;
out:
	EVP_MAC_CTX_free(ctx);
	return rc;
}

int crypto_prfv(int prf, const void *key, size_t keylen, const struct crypto_iov *iov, size_t n,
		uint8_t *out)
{
	const char *md = prf_digest(prf);

	if (!md)
		return CRYPTO_ERR_UNSUPPORTED;
	return hmac_iov(md, key, keylen, iov, n, out, crypto_prf_len(prf));
}

int crypto_prf(int prf, const void *key, size_t keylen, const void *data, size_t len, uint8_t *out)
{
	struct crypto_iov iov = {data, len};

	return crypto_prfv(prf, key, keylen, &iov, 1, out);
}

int crypto_prf_plus(int prf, const void *key, size_t keylen, const void *seed, size_t seedlen,
		    uint8_t *out, size_t outlen)
{
	size_t hlen = crypto_prf_len(prf);
	uint8_t t[CRYPTO_MAX_KEYLEN];
	size_t tlen = 0, done = 0;
	uint8_t counter = 1;
	int rc = CRYPTO_OK;

	if (!hlen)
		return CRYPTO_ERR_UNSUPPORTED;
	if ((outlen && !out) || (seedlen && !seed))
		return CRYPTO_ERR_INVALID_ARG;
	if (outlen > 255 * hlen)
		return CRYPTO_ERR_TOO_LONG;
	while (done < outlen) {
		struct crypto_iov iov[3] = {
			{t, tlen},
			{seed, seedlen},
			{&counter, 1},
		};
		size_t take;

		rc = crypto_prfv(prf, key, keylen, iov, 3, t);
		if (rc)
			break;
		tlen = hlen;
		take = outlen - done < hlen ? outlen - done : hlen;
		memcpy(out + done, t, take);
		done += take;
		counter++;
	}
	crypto_wipe(t, sizeof(t));
	if (rc)
		crypto_wipe(out, outlen);
	return rc;
}

int crypto_integ(int integ, const void *key, size_t keylen, const struct crypto_iov *iov, size_t n,
		 uint8_t *out)
{
	const char *md = integ_digest(integ);
	uint8_t full[EVP_MAX_MD_SIZE];
	size_t mdlen;
	int rc;

	if (!md)
		return CRYPTO_ERR_UNSUPPORTED;
	/* the HMAC output is the key size (RFC 2404 / RFC 4868) */
	mdlen = crypto_integ_key_len(integ);
	rc = hmac_iov(md, key, keylen, iov, n, full, mdlen);
	if (rc == CRYPTO_OK)
		memcpy(out, full, crypto_integ_icv_len(integ));
	crypto_wipe(full, sizeof(full));
	return rc;
}
