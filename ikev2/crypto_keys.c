/* IKE SA and CHILD SA key derivation (RFC 7296 2.14, 2.17, 2.18). */
#include "ikev2/crypto.h"

#include <string.h>

int crypto_skeyseed(int prf, const void *ni, size_t nilen, const void *nr, size_t nrlen,
		    const void *gir, size_t girlen, struct crypto_key *skeyseed)
{
	size_t hlen = crypto_prf_len(prf);
	struct buf key;
	int rc;

	if (!hlen)
		return CRYPTO_ERR_UNSUPPORTED;
	if (!skeyseed || !ni || !nr || !gir || !nilen || !nrlen || !girlen)
		return CRYPTO_ERR_INVALID_ARG;
	/* the PRF key is Ni | Nr (HMAC: the whole concatenation) */
	buf_init(&key);
	buf_add(&key, ni, nilen);
	buf_add(&key, nr, nrlen);
	crypto_wipe(skeyseed, sizeof(*skeyseed));
	rc = crypto_prf(prf, key.p, key.len, gir, girlen, skeyseed->b);
	if (rc == CRYPTO_OK)
		skeyseed->len = hlen;
	crypto_wipe(key.p, key.len);
	buf_free(&key);
	return rc;
}

int crypto_skeyseed_rekey(const struct crypto_ike_keys *old, const void *gir, size_t girlen,
			  const void *ni, size_t nilen, const void *nr, size_t nrlen,
			  struct crypto_key *skeyseed)
{
	int prf;
	int rc;

	if (!old || !skeyseed || !gir || !ni || !nr || !girlen || !nilen || !nrlen)
		return CRYPTO_ERR_INVALID_ARG;
	prf = old->suite.prf;
	if (!crypto_prf_len(prf))
		return CRYPTO_ERR_UNSUPPORTED;
	if (!old->sk_d.len)
		return CRYPTO_ERR_INVALID_ARG;
	struct crypto_iov iov[3] = {{gir, girlen}, {ni, nilen}, {nr, nrlen}};
	crypto_wipe(skeyseed, sizeof(*skeyseed));
	rc = crypto_prfv(prf, old->sk_d.b, old->sk_d.len, iov, 3, skeyseed->b);
	if (rc == CRYPTO_OK)
		skeyseed->len = crypto_prf_len(prf);
	return rc;
}

/* Take len bytes from *p into k. */
static void take(struct crypto_key *k, const uint8_t **p, size_t len)
{
	crypto_key_set(k, *p, len);
	*p += len;
}

int crypto_ike_keys_derive(const struct crypto_suite *suite, const struct crypto_key *skeyseed,
			   const void *ni, size_t nilen, const void *nr, size_t nrlen,
			   const uint8_t spi_i[8], const uint8_t spi_r[8], struct crypto_ike_keys *out)
{
	size_t prflen, elen, alen, total;
	uint8_t keymat[7 * CRYPTO_MAX_KEYLEN];
	const uint8_t *p = keymat;
	struct buf seed;
	int rc;

	if (!suite || !skeyseed || !ni || !nr || !nilen || !nrlen || !spi_i || !spi_r || !out)
		return CRYPTO_ERR_INVALID_ARG;
	if (!crypto_ike_suite_supported(suite))
		return CRYPTO_ERR_UNSUPPORTED;
	prflen = crypto_prf_len(suite->prf);
	elen = crypto_encr_keymat_len(suite->encr, suite->encr_keybits, NULL);
	alen = crypto_encr_is_aead(suite->encr) ? 0 : crypto_integ_key_len(suite->integ);
	total = 3 * prflen + 2 * alen + 2 * elen;

	buf_init(&seed);
	buf_add(&seed, ni, nilen);
	buf_add(&seed, nr, nrlen);
	buf_add(&seed, spi_i, 8);
	buf_add(&seed, spi_r, 8);
	rc = crypto_prf_plus(suite->prf, skeyseed->b, skeyseed->len, seed.p, seed.len, keymat, total);
	buf_free(&seed);
	if (rc)
		return rc;

	crypto_wipe(out, sizeof(*out));
	out->suite = *suite;
	if (alen == 0)
		out->suite.integ = CRYPTO_AUTH_NONE;
	take(&out->sk_d, &p, prflen);
	take(&out->sk_ai, &p, alen);
	take(&out->sk_ar, &p, alen);
	take(&out->sk_ei, &p, elen);
	take(&out->sk_er, &p, elen);
	take(&out->sk_pi, &p, prflen);
	take(&out->sk_pr, &p, prflen);
	crypto_wipe(keymat, sizeof(keymat));
	return CRYPTO_OK;
}

int crypto_ike_keys_init(const struct crypto_suite *suite, const void *ni, size_t nilen,
			 const void *nr, size_t nrlen, const void *gir, size_t girlen,
			 const uint8_t spi_i[8], const uint8_t spi_r[8], struct crypto_ike_keys *out,
			 struct crypto_key *skeyseed)
{
	struct crypto_key seed;
	int rc;

	if (!suite)
		return CRYPTO_ERR_INVALID_ARG;
	if (!crypto_ike_suite_supported(suite))
		return CRYPTO_ERR_UNSUPPORTED;
	rc = crypto_skeyseed(suite->prf, ni, nilen, nr, nrlen, gir, girlen, &seed);
	if (rc == CRYPTO_OK)
		rc = crypto_ike_keys_derive(suite, &seed, ni, nilen, nr, nrlen, spi_i, spi_r, out);
	if (rc == CRYPTO_OK && skeyseed)
		*skeyseed = seed;
	crypto_wipe(&seed, sizeof(seed));
	return rc;
}

int crypto_ike_keys_rekey(const struct crypto_ike_keys *old, const struct crypto_suite *new_suite,
			  const void *gir, size_t girlen, const void *ni, size_t nilen,
			  const void *nr, size_t nrlen, const uint8_t spi_i[8],
			  const uint8_t spi_r[8], struct crypto_ike_keys *out)
{
	struct crypto_key seed;
	int rc;

	if (!new_suite)
		return CRYPTO_ERR_INVALID_ARG;
	if (!crypto_ike_suite_supported(new_suite))
		return CRYPTO_ERR_UNSUPPORTED;
	rc = crypto_skeyseed_rekey(old, gir, girlen, ni, nilen, nr, nrlen, &seed);
	if (rc == CRYPTO_OK)
		rc = crypto_ike_keys_derive(new_suite, &seed, ni, nilen, nr, nrlen, spi_i, spi_r, out);
	crypto_wipe(&seed, sizeof(seed));
	return rc;
}

void crypto_ike_keys_wipe(struct crypto_ike_keys *k)
{
	crypto_wipe(k, sizeof(*k));
}

int crypto_child_keys_derive(const struct crypto_ike_keys *ike, const struct crypto_suite *esp,
			     const void *gir, size_t girlen, const void *ni, size_t nilen,
			     const void *nr, size_t nrlen, struct crypto_child_keys *out)
{
	size_t elen, alen, total;
	uint8_t keymat[4 * CRYPTO_MAX_KEYLEN];
	const uint8_t *p = keymat;
	struct buf seed;
	int ok, rc;

	if (!ike || !esp || !ni || !nr || !nilen || !nrlen || !out || (girlen && !gir))
		return CRYPTO_ERR_INVALID_ARG;
	if (!crypto_prf_len(ike->suite.prf) || !ike->sk_d.len)
		return CRYPTO_ERR_INVALID_ARG;
	elen = crypto_encr_keymat_len(esp->encr, esp->encr_keybits, &ok);
	if (!ok)
		return CRYPTO_ERR_UNSUPPORTED;
	if (crypto_encr_is_aead(esp->encr)) {
		if (esp->integ != CRYPTO_AUTH_NONE)
			return CRYPTO_ERR_INVALID_ARG;
		alen = 0;
	} else if (esp->integ == CRYPTO_AUTH_NONE) {
		if (esp->encr == CRYPTO_ENCR_NULL)
			return CRYPTO_ERR_INVALID_ARG; /* neither encryption nor integrity */
		alen = 0;
	} else {
		alen = crypto_integ_key_len(esp->integ);
		if (!alen)
			return CRYPTO_ERR_UNSUPPORTED;
	}
	total = 2 * (elen + alen);

	buf_init(&seed);
	if (gir)
		buf_add(&seed, gir, girlen);
	buf_add(&seed, ni, nilen);
	buf_add(&seed, nr, nrlen);
	rc = crypto_prf_plus(ike->suite.prf, ike->sk_d.b, ike->sk_d.len, seed.p, seed.len, keymat,
			     total);
	crypto_wipe(seed.p, seed.len);
	buf_free(&seed);
	if (rc)
		return rc;
	crypto_wipe(out, sizeof(*out));
	take(&out->encr_i, &p, elen);
	take(&out->integ_i, &p, alen);
	take(&out->encr_r, &p, elen);
	take(&out->integ_r, &p, alen);
	crypto_wipe(keymat, sizeof(keymat));
	return CRYPTO_OK;
}

void crypto_child_keys_wipe(struct crypto_child_keys *k)
{
	crypto_wipe(k, sizeof(*k));
}
