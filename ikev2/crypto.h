/*
 * IKEv2 cryptographic layer (RFC 7296) on top of OpenSSL 3 EVP.
 *
 *   - PRFs (HMAC-SHA1/SHA2) and prf+                      crypto_prf.c
 *   - IKE SA / CHILD SA key derivation, rekeying          crypto_keys.c
 *   - Diffie-Hellman: MODP 14/15/16/24, ECP 19/20/21,
 *     Curve25519 (31), peer value validation (RFC 6989)  crypto_dh.c
 *   - SK payload protection: AES-CBC + HMAC, AES-GCM-16   crypto_sk.c
 *   - AUTH payload computations (PSK, signed octets)      crypto_auth.c
 *   - random numbers (SPIs, nonces, IVs)                  crypto_rand.c
 *   - algorithm tables, errors, helpers                   crypto_util.c
 *
 * Algorithms are named by their IANA IKEv2 transform IDs (plain ints).  The
 * CRYPTO_* constants below are private copies of the few IDs this layer
 * implements, so this header does not depend on ikev2/ikev2_const.h; the
 * values are the IANA ones and can be used interchangeably with it.
 *
 * Every function returning int returns CRYPTO_OK (0) on success or a
 * negative CRYPTO_ERR_* code; crypto_strerror() gives a message.  All
 * functions are reentrant; objects are not shared between threads unless
 * stated.  Secret material is wiped (OPENSSL_cleanse) when freed by this
 * layer; structures holding keys should be released with the *_wipe()
 * helpers.
 */
#ifndef IKESH_IKEV2_CRYPTO_H
#define IKESH_IKEV2_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/* ---- IANA transform IDs (private copies) ------------------------------ */

/* Transform type 1: encryption algorithms */
#define CRYPTO_ENCR_NULL 11         /* ESP only (keying material: none) */
#define CRYPTO_ENCR_AES_CBC 12      /* 128/192/256-bit keys */
#define CRYPTO_ENCR_AES_GCM_8 18    /* ESP keying only (key + 4-byte salt) */
#define CRYPTO_ENCR_AES_GCM_12 19   /* ESP keying only (key + 4-byte salt) */
#define CRYPTO_ENCR_AES_GCM_16 20   /* RFC 5282 / RFC 4106, key + 4-byte salt */
#define CRYPTO_ENCR_CHACHA20_POLY1305 28 /* ESP keying only (32 + 4 salt) */

/* Transform type 2: pseudo-random functions */
#define CRYPTO_PRF_HMAC_SHA1 2
#define CRYPTO_PRF_HMAC_SHA2_256 5
#define CRYPTO_PRF_HMAC_SHA2_384 6
#define CRYPTO_PRF_HMAC_SHA2_512 7

/* Transform type 3: integrity algorithms */
#define CRYPTO_AUTH_NONE 0
#define CRYPTO_AUTH_HMAC_SHA1_96 2
#define CRYPTO_AUTH_HMAC_SHA2_256_128 12
#define CRYPTO_AUTH_HMAC_SHA2_384_192 13
#define CRYPTO_AUTH_HMAC_SHA2_512_256 14

/* Transform type 4: key exchange methods (Diffie-Hellman groups) */
#define CRYPTO_DH_NONE 0
#define CRYPTO_DH_MODP_2048 14
#define CRYPTO_DH_MODP_3072 15
#define CRYPTO_DH_MODP_4096 16
#define CRYPTO_DH_ECP_256 19
#define CRYPTO_DH_ECP_384 20
#define CRYPTO_DH_ECP_521 21
#define CRYPTO_DH_MODP_2048_256 24 /* RFC 5114 2.3: 256-bit prime order subgroup */
#define CRYPTO_DH_CURVE25519 31

/* ---- errors ----------------------------------------------------------- */

enum crypto_err {
	CRYPTO_OK = 0,
	CRYPTO_ERR_UNSUPPORTED = -1,    /* algorithm, key size or group not implemented */
	CRYPTO_ERR_INVALID_ARG = -2,    /* bad argument (length, NULL, offsets ...) */
	CRYPTO_ERR_BAD_LENGTH = -3,     /* peer KE data has the wrong length for the group */
	CRYPTO_ERR_INVALID_PUBLIC = -4, /* peer public value rejected (RFC 6989 checks) */
	CRYPTO_ERR_WEAK_SECRET = -5,    /* all-zero shared secret (RFC 8031 / RFC 7748) */
	CRYPTO_ERR_INTEGRITY = -6,      /* ICV mismatch: message not authentic */
	CRYPTO_ERR_PADDING = -7,        /* bad SK payload pad length / ciphertext size */
	CRYPTO_ERR_AUTH = -8,           /* AUTH payload value mismatch */
	CRYPTO_ERR_TOO_LONG = -9,       /* prf+ output over 255 blocks, or too much data */
	CRYPTO_ERR_LIBCRYPTO = -10,     /* unexpected OpenSSL failure */
};

/* Static message for an error code (never NULL). */
const char *crypto_strerror(int err);

/* ---- keys ------------------------------------------------------------- */

/* Largest single key handled here: HMAC-SHA2-512 PRF output / integrity key. */
#define CRYPTO_MAX_KEYLEN 64

struct crypto_key {
	size_t len;
	uint8_t b[CRYPTO_MAX_KEYLEN];
};

/* Set k from bytes (len <= CRYPTO_MAX_KEYLEN). */
int crypto_key_set(struct crypto_key *k, const void *p, size_t len);
/* OPENSSL_cleanse n bytes. */
void crypto_wipe(void *p, size_t n);
/* Constant-time equality of two n-byte strings: 1 if equal, 0 if not. */
int crypto_memeq(const void *a, const void *b, size_t n);

/* A negotiated set of transforms.  For an IKE SA all of encr/prf (and integ
 * unless encr is an AEAD) are used; for a CHILD SA (ESP) prf is ignored.
 * encr_keybits is the Key Length attribute (128/192/256 for AES; 0 for
 * algorithms with a fixed key size). */
struct crypto_suite {
	int encr;
	unsigned encr_keybits;
	int integ; /* CRYPTO_AUTH_NONE for AEAD ciphers */
	int prf;
};

/* ---- algorithm properties (0 = unsupported / not applicable) ---------- */

size_t crypto_prf_len(int prf);         /* PRF output size = preferred key size */
/* Encryption key material in bytes, including the 4-byte salt of AES-GCM
 * and ChaCha20-Poly1305 (RFC 5282 / RFC 4106 / RFC 7634).  Returns 0 and
 * sets *ok = 0 when unsupported (ENCR_NULL legitimately needs 0 bytes; ok
 * may be NULL). */
size_t crypto_encr_keymat_len(int encr, unsigned keybits, int *ok);
int crypto_encr_is_aead(int encr);
size_t crypto_integ_key_len(int integ);
size_t crypto_integ_icv_len(int integ);
/* 1 if the suite is usable for an IKE SA SK payload (AES-CBC + HMAC or
 * AES-GCM-16 with CRYPTO_AUTH_NONE) with one of the supported PRFs. */
int crypto_ike_suite_supported(const struct crypto_suite *s);

/* ---- PRF / prf+ (crypto_prf.c) ---------------------------------------- */

struct crypto_iov {
	const void *p;
	size_t len;
};

/* HMAC PRFs only (no AES-XCBC / AES-CMAC PRFs, whose fixed-size keys need
 * the special nonce handling of RFC 7296 2.14).  out must hold
 * crypto_prf_len(prf) bytes.  The whole key is used. */
int crypto_prf(int prf, const void *key, size_t keylen, const void *data, size_t len,
	       uint8_t *out);
/* Same over the concatenation of n data pieces. */
int crypto_prfv(int prf, const void *key, size_t keylen, const struct crypto_iov *iov, size_t n,
		uint8_t *out);
/* prf+ (RFC 7296 2.13): T1 | T2 | ... truncated to outlen bytes, where
 * Tk = prf(K, T(k-1) | S | k).  At most 255 * crypto_prf_len(prf) bytes. */
int crypto_prf_plus(int prf, const void *key, size_t keylen, const void *seed, size_t seedlen,
		    uint8_t *out, size_t outlen);
/* Integrity checksum: HMAC over the data pieces truncated to
 * crypto_integ_icv_len(integ) bytes, written to out. */
int crypto_integ(int integ, const void *key, size_t keylen, const struct crypto_iov *iov, size_t n,
		 uint8_t *out);

/* ---- key derivation (crypto_keys.c) ----------------------------------- */

/* The seven IKE SA keys.  sk_ei/sk_er include the 4-byte salt for AES-GCM
 * (key | salt); sk_ai/sk_ar are empty (len 0) for AEAD suites. */
struct crypto_ike_keys {
	struct crypto_suite suite;
	struct crypto_key sk_d, sk_ai, sk_ar, sk_ei, sk_er, sk_pi, sk_pr;
};

/* SKEYSEED = prf(Ni | Nr, g^ir)   (RFC 7296 2.14) */
int crypto_skeyseed(int prf, const void *ni, size_t nilen, const void *nr, size_t nrlen,
		    const void *gir, size_t girlen, struct crypto_key *skeyseed);

/* Rekeyed IKE SA (RFC 7296 2.18):
 *   SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)
 * computed with the OLD IKE SA's PRF (old->suite.prf); Ni/Nr are the
 * nonces of the CREATE_CHILD_SA exchange. */
int crypto_skeyseed_rekey(const struct crypto_ike_keys *old, const void *gir, size_t girlen,
			  const void *ni, size_t nilen, const void *nr, size_t nrlen,
			  struct crypto_key *skeyseed);

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *     = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * with lengths from the suite: SK_d/SK_pi/SK_pr = PRF output size, SK_a* =
 * integrity key size (none for AEAD), SK_e* = encryption key (+ salt).
 * spi_i / spi_r are the 8-byte IKE SPIs (for a rekey: the new ones). */
int crypto_ike_keys_derive(const struct crypto_suite *suite, const struct crypto_key *skeyseed,
			   const void *ni, size_t nilen, const void *nr, size_t nrlen,
			   const uint8_t spi_i[8], const uint8_t spi_r[8], struct crypto_ike_keys *out);

/* Convenience: SKEYSEED + crypto_ike_keys_derive for a new IKE SA.
 * skeyseed may be NULL (not returned). */
int crypto_ike_keys_init(const struct crypto_suite *suite, const void *ni, size_t nilen,
			 const void *nr, size_t nrlen, const void *gir, size_t girlen,
			 const uint8_t spi_i[8], const uint8_t spi_r[8], struct crypto_ike_keys *out,
			 struct crypto_key *skeyseed);

/* Convenience: rekey SKEYSEED (old PRF) + derivation with the new suite. */
int crypto_ike_keys_rekey(const struct crypto_ike_keys *old, const struct crypto_suite *new_suite,
			  const void *gir, size_t girlen, const void *ni, size_t nilen,
			  const void *nr, size_t nrlen, const uint8_t spi_i[8],
			  const uint8_t spi_r[8], struct crypto_ike_keys *out);

void crypto_ike_keys_wipe(struct crypto_ike_keys *k);

/* CHILD SA (ESP) keys, RFC 7296 2.17:
 *   KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr)
 * taken in the order encr_i | integ_i | encr_r | integ_r, where "_i" keys
 * protect initiator->responder traffic.  encr keys include the 4-byte salt
 * for AES-GCM; integ keys are empty for AEAD / CRYPTO_AUTH_NONE. */
struct crypto_child_keys {
	struct crypto_key encr_i, integ_i, encr_r, integ_r;
};

/* esp: encr/encr_keybits/integ of the CHILD SA (esp->prf ignored).
 * gir may be NULL (no PFS).  Ni/Nr: nonces of the exchange creating the
 * CHILD SA (IKE_AUTH: those of IKE_SA_INIT). */
int crypto_child_keys_derive(const struct crypto_ike_keys *ike, const struct crypto_suite *esp,
			     const void *gir, size_t girlen, const void *ni, size_t nilen,
			     const void *nr, size_t nrlen, struct crypto_child_keys *out);

void crypto_child_keys_wipe(struct crypto_child_keys *k);

/* ---- Diffie-Hellman (crypto_dh.c) ------------------------------------- */

struct crypto_dh; /* opaque: one ephemeral key pair */

int crypto_dh_supported(int group);
/* KE payload data length: prime length for MODP, 2 * coordinate length
 * (x | y, RFC 5903) for ECP, 32 for Curve25519.  0 if unsupported. */
size_t crypto_dh_public_len(int group);
/* Shared secret length: prime length (MODP, left-padded with zeros), the
 * x coordinate length (ECP), 32 (Curve25519). */
size_t crypto_dh_secret_len(int group);

/* Generate a fresh key pair for group.  *out is freed with crypto_dh_free. */
int crypto_dh_new(int group, struct crypto_dh **out);
/* Known-answer tests only: key pair from a given private value (big-endian
 * exponent / scalar; little-endian 32 bytes for Curve25519, RFC 7748).
 * pub (KE data format) may be NULL for MODP and Curve25519, where it is
 * computed; ECP groups require it and it is checked against priv. */
int crypto_dh_new_private(int group, const void *priv, size_t privlen, const void *pub,
			  size_t publen, struct crypto_dh **out);
void crypto_dh_free(struct crypto_dh *dh);
int crypto_dh_group(const struct crypto_dh *dh);

/* Own public value in KE payload format (crypto_dh_public_len bytes);
 * the pointer stays valid until crypto_dh_free. */
const uint8_t *crypto_dh_public(const struct crypto_dh *dh, size_t *len);

/* Validate a peer's KE data without computing anything secret:
 *   MODP: length == prime length, 1 < y < p-1; group 24 also y^q mod p == 1
 *   ECP : length == 2 * coordinate, x and y < p, (x, y) on the curve
 *         (which excludes the point at infinity; cofactor 1 curves)
 *   25519: length == 32 (contributory check happens on the secret)
 * Returns CRYPTO_ERR_BAD_LENGTH or CRYPTO_ERR_INVALID_PUBLIC on failure. */
int crypto_dh_check_public(int group, const void *peer, size_t peerlen);

/* Validate peer's KE data (as above) and compute the shared secret g^ir
 * into secret (room for crypto_dh_secret_len bytes); *secretlen is set.
 * Curve25519: an all-zero result gives CRYPTO_ERR_WEAK_SECRET. */
int crypto_dh_compute(struct crypto_dh *dh, const void *peer, size_t peerlen, uint8_t *secret,
		      size_t *secretlen);

/* Domain parameters of a MODP group (big-endian, appended to the bufs);
 * q is empty for groups without a published subgroup order.  For
 * diagnostics and tests. */
int crypto_dh_modp_params(int group, struct buf *p, struct buf *q);

/* ---- SK payload protection (crypto_sk.c) ------------------------------ */

/*
 * Message layout (RFC 7296 3.14, RFC 5282, RFC 7383 for SKF):
 *
 *   msg[0]        IKE header (28 bytes), unencrypted payloads (if any),
 *   msg[sk_off]   SK generic payload header (4 bytes) [SKF: + Fragment
 *                 Number (2) + Total Fragments (2)]
 *   msg[body_off] IV            (CBC: 16 bytes random, GCM: 8 bytes explicit)
 *                 ciphertext of: inner payloads | padding | Pad Length (1)
 *                 ICV           (HMAC truncated, or the 16-byte GCM tag)
 *   msg[body_end]
 *
 * Integrity:  CBC+HMAC: ICV = HMAC(SK_a, msg[0 .. body_end - ICV)), i.e.
 *             everything from the IKE header up to the ICV, computed over
 *             the ciphertext (encrypt-then-MAC).
 *             GCM: nonce = salt (last 4 bytes of SK_e) | IV, AAD =
 *             msg[0 .. body_off) (IKE header up to and including the
 *             SK/SKF payload header), tag = ICV.
 * Padding:    CBC pads to the 16-byte block; GCM adds no padding (only the
 *             Pad Length byte, 0), as strongSwan does.  Received padding of
 *             any length is accepted (content not checked, RFC 7296).
 */

/* Keys and state for protecting messages in ONE direction.  Encryption
 * updates iv_counter: do not encrypt with one crypto_sk from two threads
 * at once (decryption only reads it). */
struct crypto_sk {
	int encr;
	unsigned encr_keybits;
	int integ;
	struct crypto_key ekey; /* AES key | salt (GCM) */
	struct crypto_key akey; /* empty for GCM */
	uint64_t iv_counter;    /* GCM explicit IV generator (unique per key) */
};

enum crypto_dir {
	CRYPTO_DIR_I2R = 0, /* messages sent by the original initiator: SK_ei / SK_ai */
	CRYPTO_DIR_R2I = 1, /* messages sent by the original responder: SK_er / SK_ar */
};

/* From derived IKE SA keys.  Use I2R to encrypt as original initiator
 * and to decrypt as original responder, R2I for the other two cases. */
int crypto_sk_init(struct crypto_sk *sk, const struct crypto_ike_keys *keys, enum crypto_dir dir);
/* From raw keys (ekey includes the GCM salt). */
int crypto_sk_init_raw(struct crypto_sk *sk, int encr, unsigned encr_keybits, int integ,
		       const void *ekey, size_t ekeylen, const void *akey, size_t akeylen);
void crypto_sk_wipe(struct crypto_sk *sk);

size_t crypto_sk_iv_len(const struct crypto_sk *sk);
size_t crypto_sk_icv_len(const struct crypto_sk *sk);
/* Size of the SK payload body (IV .. ICV) that crypto_sk_encrypt appends
 * for inner_len bytes of inner payloads. */
size_t crypto_sk_body_len(const struct crypto_sk *sk, size_t inner_len);

/*
 * Encrypt contract.  On entry msg->p[0 .. msg->len) holds the message up to
 * (not including) the IV: IKE header, unencrypted payloads and the SK (or
 * SKF) payload header starting at offset sk_off, with ALL lengths already
 * final, i.e. with B = crypto_sk_body_len(sk, inner_len):
 *     IKE header Length (bytes 24..27)  == msg->len + B
 *     SK payload Length (sk_off + 2..3) == msg->len - sk_off + B
 * (both are checked: CRYPTO_ERR_INVALID_ARG otherwise).  The function
 * appends IV | ciphertext | ICV (B bytes) so that msg is the complete
 * message.  inner must not point into msg.  On error msg->len is restored.
 */
int crypto_sk_encrypt(struct crypto_sk *sk, struct buf *msg, size_t sk_off, const void *inner,
		      size_t inner_len);
/* Same with a caller-chosen IV (crypto_sk_iv_len bytes), for known-answer
 * tests.  Never reuse an IV with GCM. */
int crypto_sk_encrypt_iv(struct crypto_sk *sk, struct buf *msg, size_t sk_off, const void *inner,
			 size_t inner_len, const void *iv, size_t ivlen);

/*
 * Verify and decrypt in place.  msg/msg_len: the whole received message;
 * body_off: offset of the IV (first byte after the SK payload header, or
 * after the SKF fragment numbers); body_end: end of the SK payload (end
 * of the ICV; normally msg_len).  The ICV is checked (constant time)
 * BEFORE anything is decrypted for CBC.  On success the inner payloads are
 * msg[*pt_off .. *pt_off + *pt_len) (padding and Pad Length removed);
 * *pt_off == body_off + IV length.  On failure (CRYPTO_ERR_INTEGRITY,
 * CRYPTO_ERR_PADDING, CRYPTO_ERR_INVALID_ARG) the body may have been
 * overwritten (zeroed) and the message must be dropped.
 */
int crypto_sk_decrypt(const struct crypto_sk *sk, uint8_t *msg, size_t msg_len, size_t body_off,
		      size_t body_end, size_t *pt_off, size_t *pt_len);

/* ---- AUTH payload (crypto_auth.c) ------------------------------------- */

/* Appends the signed octets (RFC 7296 2.15) to out:
 *   RealMessage | NonceOfPeer | prf(SK_px, RestOfIDPayload)
 * real_msg: this side's IKE_SA_INIT message (as sent / received);
 * peer_nonce: Nonce Data of the other side; sk_p: SK_pi for the
 * initiator's octets, SK_pr for the responder's; id_body: the ID payload
 * body after the generic header (ID Type, 3 reserved bytes, data). */
int crypto_auth_octets(int prf, const void *real_msg, size_t msglen, const void *peer_nonce,
		       size_t noncelen, const struct crypto_key *sk_p, const void *id_body,
		       size_t idlen, struct buf *out);

/* Shared key AUTH (RFC 7296 2.15): prf(prf(secret, "Key Pad for IKEv2"),
 * octets), crypto_prf_len(prf) bytes into auth.  Also for EAP (secret =
 * MSK, or SK_pi/SK_pr without MSK). */
int crypto_auth_psk(int prf, const void *secret, size_t secretlen, const void *octets,
		    size_t octetslen, uint8_t *auth, size_t *authlen);

/* Verify a received shared-key AUTH value (constant time): CRYPTO_OK or
 * CRYPTO_ERR_AUTH. */
int crypto_auth_psk_verify(int prf, const void *secret, size_t secretlen, const void *octets,
			   size_t octetslen, const void *auth, size_t authlen);

/* ---- random (crypto_rand.c) ------------------------------------------- */

/* Cryptographically strong random bytes (RAND_bytes). */
int crypto_random(void *out, size_t len);
/* Non-zero 8-byte IKE SPI. */
int crypto_random_ike_spi(uint8_t spi[8]);
/* ESP/AH SPI outside the reserved range 0..255 (host byte order). */
int crypto_random_esp_spi(uint32_t *spi);
/* Nonce of len bytes: RFC 7296 requires 16..256 bytes and at least half
 * the PRF key size; CRYPTO_ERR_INVALID_ARG outside 16..256. */
int crypto_random_nonce(uint8_t *out, size_t len);

#endif
