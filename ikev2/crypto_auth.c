/* AUTH payload computations for shared keys (RFC 7296 2.15). */
#include "ikev2/crypto.h"

#include <string.h>

static const char key_pad[] = "Key Pad for IKEv2"; /* 17 octets, no NUL */

int crypto_auth_octets(int prf, const void *real_msg, size_t msglen, const void *peer_nonce,
		       size_t noncelen, const struct crypto_key *sk_p, const void *id_body,
		       size_t idlen, struct buf *out)
{
	uint8_t mac[CRYPTO_MAX_KEYLEN];
	size_t hlen = crypto_prf_len(prf);
	int rc;

	if (!hlen)
		return CRYPTO_ERR_UNSUPPORTED;
	if (!real_msg || !msglen || !peer_nonce || !noncelen || !sk_p || !sk_p->len || !out ||
	    (idlen && !id_body) || idlen < 4)
		return CRYPTO_ERR_INVALID_ARG;
	rc = crypto_prf(prf, sk_p->b, sk_p->len, id_body, idlen, mac);
	if (rc)
		return rc;
	buf_add(out, real_msg, msglen);
	buf_add(out, peer_nonce, noncelen);
	buf_add(out, mac, hlen);
	crypto_wipe(mac, sizeof(mac));
	return CRYPTO_OK;
}

int crypto_auth_psk(int prf, const void *secret, size_t secretlen, const void *octets,
		    size_t octetslen, uint8_t *auth, size_t *authlen)
{
	uint8_t inner[CRYPTO_MAX_KEYLEN];
	size_t hlen = crypto_prf_len(prf);
	int rc;

	if (!hlen)
		return CRYPTO_ERR_UNSUPPORTED;
	if (!secret || !secretlen || !octets || !octetslen || !auth)
		return CRYPTO_ERR_INVALID_ARG;
	rc = crypto_prf(prf, secret, secretlen, key_pad, sizeof(key_pad) - 1, inner);
	if (rc == CRYPTO_OK)
		rc = crypto_prf(prf, inner, hlen, octets, octetslen, auth);
	crypto_wipe(inner, sizeof(inner));
	if (authlen)
		*authlen = rc == CRYPTO_OK ? hlen : 0;
	return rc;
}

int crypto_auth_psk_verify(int prf, const void *secret, size_t secretlen, const void *octets,
			   size_t octetslen, const void *auth, size_t authlen)
{
	uint8_t expect[CRYPTO_MAX_KEYLEN];
	size_t len = 0;
	int rc;

	if (!auth)
		return CRYPTO_ERR_INVALID_ARG;
	rc = crypto_auth_psk(prf, secret, secretlen, octets, octetslen, expect, &len);
	if (rc == CRYPTO_OK && (authlen != len || !crypto_memeq(expect, auth, len)))
		rc = CRYPTO_ERR_AUTH;
	crypto_wipe(expect, sizeof(expect));
	return rc;
}
