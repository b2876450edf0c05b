/* Algorithm tables, error strings and small helpers of the crypto layer. */
#include "ikev2/crypto.h"

#include <string.h>

#include <openssl/crypto.h>

const char *crypto_strerror(int err)
{
	switch (err) {
	case CRYPTO_OK:
		return "success";
	case CRYPTO_ERR_UNSUPPORTED:
		return "unsupported algorithm, key size or group";
	case CRYPTO_ERR_INVALID_ARG:
		return "invalid argument";
	case CRYPTO_ERR_BAD_LENGTH:
		return "key exchange data has the wrong length for the group";
	case CRYPTO_ERR_INVALID_PUBLIC:
		return "invalid peer public value (RFC 6989 check failed)";
	case CRYPTO_ERR_WEAK_SECRET:
		return "all-zero Diffie-Hellman shared secret";
	case CRYPTO_ERR_INTEGRITY:
		return "integrity check value mismatch";
	case CRYPTO_ERR_PADDING:
		return "invalid encrypted payload padding or length";
	case CRYPTO_ERR_AUTH:
		return "AUTH payload verification failed";
	case CRYPTO_ERR_TOO_LONG:
		return "requested output or input too long";
	case CRYPTO_ERR_LIBCRYPTO:
		return "libcrypto failure";
	default:
		return "unknown crypto error";
	}
}

void crypto_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

int crypto_memeq(const void *a, const void *b, size_t n)
{
	if (n == 0)
		return 1;
	return CRYPTO_memcmp(a, b, n) == 0;
}

int crypto_key_set(struct crypto_key *k, const void *p, size_t len)
{
	if (!k || len > CRYPTO_MAX_KEYLEN || (len && !p))
		return CRYPTO_ERR_INVALID_ARG;
	crypto_wipe(k, sizeof(*k));
	if (len)
		memcpy(k->b, p, len);
	k->len = len;
	return CRYPTO_OK;
}

size_t crypto_prf_len(int prf)
{
	switch (prf) {
	case CRYPTO_PRF_HMAC_SHA1:
		return 20;
	case CRYPTO_PRF_HMAC_SHA2_256:
		return 32;
	case CRYPTO_PRF_HMAC_SHA2_384:
		return 48;
	case CRYPTO_PRF_HMAC_SHA2_512:
		return 64;
	default:
		return 0;
	}
}

static int aes_keybits_ok(unsigned bits)
{
	return bits == 128 || bits == 192 || bits == 256;
}

size_t crypto_encr_keymat_len(int encr, unsigned keybits, int *ok)
{
	size_t len = 0;
	int good = 1;

	switch (encr) {
	case CRYPTO_ENCR_NULL:
		good = keybits == 0;
		break;
	case CRYPTO_ENCR_AES_CBC:
		good = aes_keybits_ok(keybits);
		len = keybits / 8;
		break;
	case CRYPTO_ENCR_AES_GCM_8:
	case CRYPTO_ENCR_AES_GCM_12:
	case CRYPTO_ENCR_AES_GCM_16:
		good = aes_keybits_ok(keybits);
		len = keybits / 8 + 4;
		break;
	case CRYPTO_ENCR_CHACHA20_POLY1305:
		good = keybits == 0 || keybits == 256;
		len = 32 + 4;
		break;
	default:
		good = 0;
	}
	if (!good)
		len = 0;
	if (ok)
		*ok = good;
	return len;
}

int crypto_encr_is_aead(int encr)
{
	return encr == CRYPTO_ENCR_AES_GCM_8 || encr == CRYPTO_ENCR_AES_GCM_12 ||
	       encr == CRYPTO_ENCR_AES_GCM_16 || encr == CRYPTO_ENCR_CHACHA20_POLY1305;
}

size_t crypto_integ_key_len(int integ)
{
	switch (integ) {
	case CRYPTO_AUTH_HMAC_SHA1_96:
		return 20;
	case CRYPTO_AUTH_HMAC_SHA2_256_128:
		return 32;
	case CRYPTO_AUTH_HMAC_SHA2_384_192:
		return 48;
	case CRYPTO_AUTH_HMAC_SHA2_512_256:
		return 64;
	default:
		return 0;
	}
}

size_t crypto_integ_icv_len(int integ)
{
	switch (integ) {
	case CRYPTO_AUTH_HMAC_SHA1_96:
		return 12;
	case CRYPTO_AUTH_HMAC_SHA2_256_128:
		return 16;
	case CRYPTO_AUTH_HMAC_SHA2_384_192:
		return 24;
	case CRYPTO_AUTH_HMAC_SHA2_512_256:
		return 32;
	default:
		return 0;
	}
}

int crypto_ike_suite_supported(const struct crypto_suite *s)
{
	if (!s || !crypto_prf_len(s->prf))
		return 0;
	switch (s->encr) {
	case CRYPTO_ENCR_AES_CBC:
		return aes_keybits_ok(s->encr_keybits) && crypto_integ_key_len(s->integ) != 0;
	case CRYPTO_ENCR_AES_GCM_16:
		return aes_keybits_ok(s->encr_keybits) && s->integ == CRYPTO_AUTH_NONE;
	default:
		return 0;
	}
}
