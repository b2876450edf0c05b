/* Random numbers for SPIs, nonces and IVs (OpenSSL's CSPRNG). */
#include "ikev2/crypto.h"

#include <limits.h>
#include <string.h>

#include <openssl/rand.h>

int crypto_random(void *out, size_t len)
{
	uint8_t *p = out;

	if (len && !out)
		return CRYPTO_ERR_INVALID_ARG;
	while (len) {
		int n = len > INT_MAX ? INT_MAX : (int)len;

		if (RAND_bytes(p, n) != 1)
			return CRYPTO_ERR_LIBCRYPTO;
		p += n;
		len -= (size_t)n;
	}
	return CRYPTO_OK;
}

int crypto_random_ike_spi(uint8_t spi[8])
{
	static const uint8_t zero[8];
	int rc;

	if (!spi)
		return CRYPTO_ERR_INVALID_ARG;
	do {
		rc = crypto_random(spi, 8);
	} while (rc == CRYPTO_OK && memcmp(spi, zero, 8) == 0);
	return rc;
}

int crypto_random_esp_spi(uint32_t *spi)
{
	uint8_t b[4];
	int rc;

	if (!spi)
		return CRYPTO_ERR_INVALID_ARG;
	do {
		rc = crypto_random(b, sizeof(b));
		*spi = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	} while (rc == CRYPTO_OK && *spi < 256);
	return rc;
}

int crypto_random_nonce(uint8_t *out, size_t len)
{
	if (!out || len < 16 || len > 256)
		return CRYPTO_ERR_INVALID_ARG;
	return crypto_random(out, len);
}
