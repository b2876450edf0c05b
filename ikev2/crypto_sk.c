/*
 * Encrypted (SK) payload protection, RFC 7296 3.14 and RFC 5282:
 * AES-CBC with HMAC-SHA1-96 / HMAC-SHA2 (encrypt-then-MAC over the whole
 * message up to the ICV) and AES-GCM with a 16-byte ICV.  The layout and
 * the calling contract are documented in ikev2/crypto.h.
 */
#include "ikev2/crypto.h"

#include <limits.h>
#include <string.h>

#include <openssl/evp.h>

#define AES_BLOCK 16
#define GCM_SALT_LEN 4
#define GCM_IV_LEN 8
#define GCM_ICV_LEN 16

static const EVP_CIPHER *cbc_cipher(unsigned bits)
{
	switch (bits) {
	case 128:
		return EVP_aes_128_cbc();
	case 192:
		return EVP_aes_192_cbc();
	case 256:
		return EVP_aes_256_cbc();
	default:
		return NULL;
	}
}

static const EVP_CIPHER *gcm_cipher(unsigned bits)
{
	switch (bits) {
	case 128:
		return EVP_aes_128_gcm();
	case 192:
		return EVP_aes_192_gcm();
	case 256:
		return EVP_aes_256_gcm();
	default:
		return NULL;
	}
}

static int is_gcm(const struct crypto_sk *sk)
{
	return sk->encr == CRYPTO_ENCR_AES_GCM_16;
}

int crypto_sk_init_raw(struct crypto_sk *sk, int encr, unsigned encr_keybits, int integ,
		       const void *ekey, size_t ekeylen, const void *akey, size_t akeylen)
{
	struct crypto_suite s = {encr, encr_keybits, integ, CRYPTO_PRF_HMAC_SHA2_256};
	int rc;

	if (!sk)
		return CRYPTO_ERR_INVALID_ARG;
	memset(sk, 0, sizeof(*sk));
	if (!crypto_ike_suite_supported(&s))
		return CRYPTO_ERR_UNSUPPORTED;
	if (ekeylen != crypto_encr_keymat_len(encr, encr_keybits, NULL) ||
	    akeylen != crypto_integ_key_len(integ))
		return CRYPTO_ERR_INVALID_ARG;
	sk->encr = encr;
	sk->encr_keybits = encr_keybits;
	sk->integ = integ;
	rc = crypto_key_set(&sk->ekey, ekey, ekeylen);
	if (rc == CRYPTO_OK)
		rc = crypto_key_set(&sk->akey, akey, akeylen);
	if (rc == CRYPTO_OK && encr == CRYPTO_ENCR_AES_GCM_16) {
		/* random start: the explicit IV only has to be unique per key */
		rc = crypto_random(&sk->iv_counter, sizeof(sk->iv_counter));
	}
	if (rc)
		crypto_sk_wipe(sk);
	return rc;
}

int crypto_sk_init(struct crypto_sk *sk, const struct crypto_ike_keys *keys, enum crypto_dir dir)
{
	const struct crypto_key *e, *a;

	if (!sk || !keys || (dir != CRYPTO_DIR_I2R && dir != CRYPTO_DIR_R2I))
		return CRYPTO_ERR_INVALID_ARG;
	e = dir == CRYPTO_DIR_I2R ? &keys->sk_ei : &keys->sk_er;
	a = dir == CRYPTO_DIR_I2R ? &keys->sk_ai : &keys->sk_ar;
	return crypto_sk_init_raw(sk, keys->suite.encr, keys->suite.encr_keybits, keys->suite.integ,
				  e->b, e->len, a->b, a->len);
}

void crypto_sk_wipe(struct crypto_sk *sk)
{
	crypto_wipe(sk, sizeof(*sk));
}

size_t crypto_sk_iv_len(const struct crypto_sk *sk)
{
	if (!sk)
		return 0;
	if (is_gcm(sk))
		return GCM_IV_LEN;
	return sk->encr == CRYPTO_ENCR_AES_CBC ? AES_BLOCK : 0;
}

size_t crypto_sk_icv_len(const struct crypto_sk *sk)
{
	if (!sk)
		return 0;
	if (is_gcm(sk))
		return GCM_ICV_LEN;
	return crypto_integ_icv_len(sk->integ);
}

/* Ciphertext length (inner | padding | pad length) for inner_len bytes. */
static size_t ct_len(const struct crypto_sk *sk, size_t inner_len)
{
	if (is_gcm(sk))
		return inner_len + 1;
	return (inner_len + 1 + AES_BLOCK - 1) / AES_BLOCK * AES_BLOCK;
}

size_t crypto_sk_body_len(const struct crypto_sk *sk, size_t inner_len)
{
	if (!sk || !crypto_sk_iv_len(sk))
		return 0;
	return crypto_sk_iv_len(sk) + ct_len(sk, inner_len) + crypto_sk_icv_len(sk);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* AES-CBC without padding, in place (len multiple of the block size). */
static int cbc_crypt(const struct crypto_sk *sk, int enc, const uint8_t *iv, uint8_t *data,
		     size_t len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0, fin = 0, rc = CRYPTO_ERR_LIBCRYPTO;

	if (!ctx)
		return rc;
	if (EVP_CipherInit_ex(ctx, cbc_cipher(sk->encr_keybits), NULL, sk->ekey.b, iv, enc) &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	    EVP_CipherUpdate(ctx, data, &outl, data, (int)len) && (size_t)outl == len &&
	    EVP_CipherFinal_ex(ctx, data + outl, &fin) && fin == 0)
		rc = CRYPTO_OK;
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* AES-GCM in place over data; aad = msg prefix; tag in/out. */
static int gcm_crypt(const struct crypto_sk *sk, int enc, const uint8_t *iv, const uint8_t *aad,
		     size_t aadlen, uint8_t *data, size_t len, uint8_t *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	size_t keylen = sk->encr_keybits / 8;
	uint8_t nonce[GCM_SALT_LEN + GCM_IV_LEN];
	int outl = 0, fin = 0, rc = CRYPTO_ERR_LIBCRYPTO;

	if (!ctx)
		return rc;
	memcpy(nonce, sk->ekey.b + keylen, GCM_SALT_LEN);
	memcpy(nonce + GCM_SALT_LEN, iv, GCM_IV_LEN);
	if (!EVP_CipherInit_ex(ctx, gcm_cipher(sk->encr_keybits), NULL, NULL, NULL, enc) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)sizeof(nonce), NULL) ||
	    !EVP_CipherInit_ex(ctx, NULL, NULL, sk->ekey.b, nonce, enc))
		goto out;
	if (aadlen && !EVP_CipherUpdate(ctx, NULL, &outl, aad, (int)aadlen))
		goto out;
	if (!EVP_CipherUpdate(ctx, data, &outl, data, (int)len) || (size_t)outl != len)
		goto out;
	if (!enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_ICV_LEN, tag))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, data + len, &fin)) {
		rc = enc ? CRYPTO_ERR_LIBCRYPTO : CRYPTO_ERR_INTEGRITY;
		goto out;
	}
	if (enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_ICV_LEN, tag))
		goto out;
	rc = CRYPTO_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	crypto_wipe(nonce, sizeof(nonce));
	return rc;
}

static int sk_encrypt(struct crypto_sk *sk, struct buf *msg, size_t sk_off, const void *inner,
		      size_t inner_len, const uint8_t *iv_in)
{
	size_t ivlen, icvlen, ctlen, body, start, ct;
	uint8_t *p;
	int rc;

	if (!sk || !msg || (inner_len && !inner) || !crypto_sk_iv_len(sk))
		return CRYPTO_ERR_INVALID_ARG;
	ivlen = crypto_sk_iv_len(sk);
	icvlen = crypto_sk_icv_len(sk);
	ctlen = ct_len(sk, inner_len);
	body = ivlen + ctlen + icvlen;
	start = msg->len;
	if (inner_len > INT_MAX / 2 || start > INT_MAX / 2)
		return CRYPTO_ERR_TOO_LONG;
	/* contract: header lengths are final */
	if (start < 28 || sk_off < 28 || sk_off + 4 > start)
		return CRYPTO_ERR_INVALID_ARG;
	if (get32(msg->p + 24) != start + body || get16(msg->p + sk_off + 2) != start - sk_off + body)
		return CRYPTO_ERR_INVALID_ARG;
	if (inner_len && (const uint8_t *)inner >= msg->p &&
	    (const uint8_t *)inner < msg->p + msg->cap)
		return CRYPTO_ERR_INVALID_ARG;

	buf_reserve(msg, body);
	p = msg->p + start;
	/* IV */
	if (iv_in) {
		memcpy(p, iv_in, ivlen);
	} else if (is_gcm(sk)) {
		uint64_t c = sk->iv_counter++;

		for (size_t i = 0; i < GCM_IV_LEN; i++)
			p[i] = (uint8_t)(c >> (56 - 8 * i));
	} else {
		rc = crypto_random(p, ivlen);
		if (rc)
			return rc;
	}
	/* inner payloads | zero padding | pad length */
	ct = start + ivlen;
	if (inner_len)
		memcpy(msg->p + ct, inner, inner_len);
	memset(msg->p + ct + inner_len, 0, ctlen - inner_len);
	msg->p[ct + ctlen - 1] = (uint8_t)(ctlen - inner_len - 1);

	if (is_gcm(sk)) {
		rc = gcm_crypt(sk, 1, msg->p + start, msg->p, start, msg->p + ct, ctlen,
			       msg->p + ct + ctlen);
	} else {
		rc = cbc_crypt(sk, 1, msg->p + start, msg->p + ct, ctlen);
		if (rc == CRYPTO_OK) {
			struct crypto_iov iov = {msg->p, ct + ctlen};

			rc = crypto_integ(sk->integ, sk->akey.b, sk->akey.len, &iov, 1,
					  msg->p + ct + ctlen);
		}
	}
	if (rc) {
		crypto_wipe(msg->p + start, body);
		return rc;
	}
	msg->len = start + body;
	msg->p[msg->len] = 0; /* keep the buf invariant */
	return CRYPTO_OK;
}

int crypto_sk_encrypt(struct crypto_sk *sk, struct buf *msg, size_t sk_off, const void *inner,
		      size_t inner_len)
{
	return sk_encrypt(sk, msg, sk_off, inner, inner_len, NULL);
}

int crypto_sk_encrypt_iv(struct crypto_sk *sk, struct buf *msg, size_t sk_off, const void *inner,
			 size_t inner_len, const void *iv, size_t ivlen)
{
	if (!iv || !sk || ivlen != crypto_sk_iv_len(sk))
		return CRYPTO_ERR_INVALID_ARG;
	return sk_encrypt(sk, msg, sk_off, inner, inner_len, iv);
}

int crypto_sk_decrypt(const struct crypto_sk *sk, uint8_t *msg, size_t msg_len, size_t body_off,
		      size_t body_end, size_t *pt_off, size_t *pt_len)
{
	size_t ivlen, icvlen, ctlen, ct, padlen;
	int rc;

	if (!sk || !msg || !pt_off || !pt_len || !crypto_sk_iv_len(sk))
		return CRYPTO_ERR_INVALID_ARG;
	ivlen = crypto_sk_iv_len(sk);
	icvlen = crypto_sk_icv_len(sk);
	if (body_off < 28 + 4 || body_end > msg_len || body_off > body_end ||
	    body_end > INT_MAX / 2)
		return CRYPTO_ERR_INVALID_ARG;
	if (body_end - body_off < ivlen + 1 + icvlen)
		return CRYPTO_ERR_PADDING;
	ct = body_off + ivlen;
	ctlen = body_end - icvlen - ct;

	if (is_gcm(sk)) {
		uint8_t tag[GCM_ICV_LEN];

		memcpy(tag, msg + body_end - icvlen, icvlen);
		rc = gcm_crypt(sk, 0, msg + body_off, msg, body_off, msg + ct, ctlen, tag);
		if (rc) {
			/* never expose unauthenticated plaintext */
			crypto_wipe(msg + ct, ctlen);
			return rc;
		}
	} else {
		uint8_t icv[64];
		struct crypto_iov iov = {msg, body_end - icvlen};

		if (ctlen % AES_BLOCK)
			return CRYPTO_ERR_PADDING;
		rc = crypto_integ(sk->integ, sk->akey.b, sk->akey.len, &iov, 1, icv);
		if (rc)
			return rc;
		if (!crypto_memeq(icv, msg + body_end - icvlen, icvlen))
			return CRYPTO_ERR_INTEGRITY;
		rc = cbc_crypt(sk, 0, msg + body_off, msg + ct, ctlen);
		if (rc)
			return rc;
	}
	padlen = msg[ct + ctlen - 1];
	if (padlen + 1 > ctlen) {
		crypto_wipe(msg + ct, ctlen);
		return CRYPTO_ERR_PADDING;
	}
	*pt_off = ct;
	*pt_len = ctlen - padlen - 1;
	return CRYPTO_OK;
}
