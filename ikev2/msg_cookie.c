/*
 * Stateless COOKIEs (RFC 7296 2.6):
 *   Cookie = <VersionIDofSecret> | prf(<secret>, Ni | IPi | SPIi)
 * with a 4-byte secret generation number and HMAC-SHA-256.  The secret is
 * replaced every cookie_secret_lifetime_ms; cookies made with the
 * previous secret are still accepted, so a retry that straddles the
 * rotation succeeds.
 */
#include <string.h>

#include "ikev2/engine_int.h"

#define COOKIE_PRF CRYPTO_PRF_HMAC_SHA2_256
#define COOKIE_MAC_LEN 32

static void rotate(struct ikev2_engine *e)
{
	uint64_t now = eng_now(e);
	bool have = e->cookie_ver != 0;
	if (have && now - e->cookie_secret_ms < e->set.cookie_secret_lifetime_ms)
		return;
	if (have) {
		memcpy(e->cookie_secret[1], e->cookie_secret[0], IKEV2_COOKIE_SECRET_LEN);
		e->cookie_have_prev = true;
	}
	crypto_random(e->cookie_secret[0], IKEV2_COOKIE_SECRET_LEN);
	e->cookie_ver++;
	e->cookie_secret_ms = now;
}

static void mac(const uint8_t *secret, const uint8_t *ni, size_t ni_len,
		const struct ipsec_addr *remote, const uint8_t spi_i[8], uint8_t *out)
{
	struct crypto_iov iov[3] = {
		{ni, ni_len},
		{remote->ip, remote->family == 6 ? 16u : 4u},
		{spi_i, 8},
	};
	crypto_prfv(COOKIE_PRF, secret, IKEV2_COOKIE_SECRET_LEN, iov, 3, out);
}

size_t cookie_make(struct ikev2_engine *e, const uint8_t *ni, size_t ni_len,
		   const struct ipsec_addr *remote, const uint8_t spi_i[8], uint8_t *out)
{
	rotate(e);
	out[0] = (uint8_t)(e->cookie_ver >> 24);
	out[1] = (uint8_t)(e->cookie_ver >> 16);
	out[2] = (uint8_t)(e->cookie_ver >> 8);
	out[3] = (uint8_t)e->cookie_ver;
	mac(e->cookie_secret[0], ni, ni_len, remote, spi_i, out + 4);
	return 4 + COOKIE_MAC_LEN;
}

bool cookie_verify(struct ikev2_engine *e, const uint8_t *cookie, size_t len, const uint8_t *ni,
		   size_t ni_len, const struct ipsec_addr *remote, const uint8_t spi_i[8])
{
	uint8_t want[COOKIE_MAC_LEN];
	rotate(e);
	if (len != 4 + COOKIE_MAC_LEN)
		return false;
	uint32_t ver = (uint32_t)cookie[0] << 24 | (uint32_t)cookie[1] << 16 |
		       (uint32_t)cookie[2] << 8 | cookie[3];
	const uint8_t *secret;
	if (ver == e->cookie_ver)
		secret = e->cookie_secret[0];
	else if (e->cookie_have_prev && ver + 1 == e->cookie_ver)
		secret = e->cookie_secret[1];
	else
		return false;
	mac(secret, ni, ni_len, remote, spi_i, want);
	return crypto_memeq(want, cookie + 4, COOKIE_MAC_LEN) == 1;
}
