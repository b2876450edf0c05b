/*
 * ESP SA context: keying of the per-SA OpenSSL contexts, accessors.
 */
#include "ipsec/esp.h"

#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

/* Outbound: ask for a rekey once 7/8 of the sequence space is used. */
#define SEQ_SOFT_32 UINT64_C(0xE0000000)
#define SEQ_SOFT_64 UINT64_C(0xE000000000000000)

static uint64_t monotonic_seconds(void *arg)
{
    (void)arg;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec;
}

static const char *cipher_name(enum esp_cipher c, size_t keylen)
{
    if (c == ESP_CIPHER_AES_GCM_16) {
        switch (keylen) {
        case 16: return "AES-128-GCM";
        case 24: return "AES-192-GCM";
        case 32: return "AES-256-GCM";
        }
    } else if (c == ESP_CIPHER_AES_CBC) {
        switch (keylen) {
        case 16: return "AES-128-CBC";
        case 24: return "AES-192-CBC";
        case 32: return "AES-256-CBC";
        }
    }
    return NULL;
}

static const char *ecb_name(size_t keylen)
{
    switch (keylen) {
    case 16: return "AES-128-ECB";
    case 24: return "AES-192-ECB";
    case 32: return "AES-256-ECB";
    }
    return NULL;
}

/* digest name, key length and truncated ICV length (RFC 2404, RFC 4868) */
static const char *integ_params(enum esp_integ i, size_t *keylen, uint8_t *icvlen)
{
    switch (i) {
    case ESP_INTEG_HMAC_SHA1_96:    *keylen = 20; *icvlen = 12; return "SHA1";
    case ESP_INTEG_HMAC_SHA256_128: *keylen = 32; *icvlen = 16; return "SHA256";
    case ESP_INTEG_HMAC_SHA384_192: *keylen = 48; *icvlen = 24; return "SHA384";
    case ESP_INTEG_HMAC_SHA512_256: *keylen = 64; *icvlen = 32; return "SHA512";
    case ESP_INTEG_NONE:            break;
    }
    return NULL;
}

static int key_cipher_ctx(EVP_CIPHER_CTX **pctx, const char *name, const uint8_t *key,
                          int enc)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, name, NULL);
    if (c == NULL)
        return ESP_E_CRYPTO;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ok = ctx != NULL && EVP_CipherInit_ex2(ctx, c, key, NULL, enc, NULL) == 1;
    EVP_CIPHER_free(c); /* the context keeps its own reference */
    if (!ok) {
        EVP_CIPHER_CTX_free(ctx);
        return ESP_E_CRYPTO;
    }
    *pctx = ctx;
    return ESP_OK;
}

int esp_sa_init(struct esp_sa *sa, const struct esp_sa_config *cfg)
{
    memset(sa, 0, sizeof(*sa));
    if (cfg == NULL || cfg->enc_key == NULL)
        return ESP_E_INVAL;
    if (cfg->dir != ESP_DIR_IN && cfg->dir != ESP_DIR_OUT)
        return ESP_E_INVAL;
    if (cfg->mode != ESP_MODE_TUNNEL && cfg->mode != ESP_MODE_TRANSPORT)
        return ESP_E_INVAL;

    sa->spi = cfg->spi;
    sa->dir = cfg->dir;
    sa->mode = cfg->mode;
    sa->cipher = cfg->cipher;
    sa->integ = cfg->integ;
    sa->esn = cfg->esn;
    sa->iv_mode = cfg->iv_mode;
    sa->udp_encap = cfg->udp_encap;
    sa->udp_sport = cfg->udp_sport;
    sa->udp_dport = cfg->udp_dport;
    sa->clock = cfg->clock ? cfg->clock : monotonic_seconds;
    sa->clock_arg = cfg->clock_arg;
    sa->time_limited = cfg->lifetime.hard_seconds != 0 || cfg->lifetime.soft_seconds != 0;

    int enc = cfg->dir == ESP_DIR_OUT ? 1 : 0;
    int rc;

    if (cfg->cipher == ESP_CIPHER_AES_GCM_16) {
        if (cfg->integ != ESP_INTEG_NONE || cfg->enc_key_len < 4)
            return ESP_E_INVAL;
        size_t klen = cfg->enc_key_len - 4;
        const char *name = cipher_name(cfg->cipher, klen);
        if (name == NULL)
            return ESP_E_INVAL;
        memcpy(sa->salt, cfg->enc_key + klen, 4);
        sa->iv_len = 8;
        sa->icv_len = 16;
        sa->align = 4;
        rc = key_cipher_ctx(&sa->cctx, name, cfg->enc_key, enc);
        if (rc != ESP_OK)
            goto fail;
        /* the default GCM IV length is 12 = salt + explicit IV; keep it
         * explicit in case a provider differs */
        if (EVP_CIPHER_CTX_ctrl(sa->cctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1) {
            rc = ESP_E_CRYPTO;
            goto fail;
        }
    } else if (cfg->cipher == ESP_CIPHER_AES_CBC) {
        size_t want_klen;
        uint8_t icv_len;
        const char *md = integ_params(cfg->integ, &want_klen, &icv_len);
        const char *name = cipher_name(cfg->cipher, cfg->enc_key_len);
        if (md == NULL || name == NULL || cfg->integ_key == NULL ||
            cfg->integ_key_len != want_klen)
            return ESP_E_INVAL;
        if (cfg->iv_mode != ESP_IV_RANDOM && cfg->iv_mode != ESP_IV_COUNTER)
            return ESP_E_INVAL;
        sa->iv_len = 16;
        sa->icv_len = icv_len;
        sa->align = 16;
        rc = key_cipher_ctx(&sa->cctx, name, cfg->enc_key, enc);
        if (rc != ESP_OK)
            goto fail;
        EVP_CIPHER_CTX_set_padding(sa->cctx, 0); /* ESP pads itself */
        if (enc && cfg->iv_mode == ESP_IV_COUNTER) {
            rc = key_cipher_ctx(&sa->ivctx, ecb_name(cfg->enc_key_len), cfg->enc_key, 1);
            if (rc != ESP_OK)
                goto fail;
            EVP_CIPHER_CTX_set_padding(sa->ivctx, 0);
        }

        EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        if (mac == NULL) {
            rc = ESP_E_CRYPTO;
            goto fail;
        }
        sa->mctx = EVP_MAC_CTX_new(mac);
        EVP_MAC_free(mac);
        OSSL_PARAM params[2] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0),
            OSSL_PARAM_construct_end(),
        };
        if (sa->mctx == NULL ||
            EVP_MAC_init(sa->mctx, cfg->integ_key, cfg->integ_key_len, params) != 1) {
            rc = ESP_E_CRYPTO;
            goto fail;
        }
    } else {
        return ESP_E_INVAL;
    }

    if (cfg->dir == ESP_DIR_IN) {
        uint32_t w = cfg->replay_disable ? 0
                     : (cfg->replay_window ? cfg->replay_window : REPLAY_WINDOW_DEFAULT);
        if (replay_init(&sa->replay, w, cfg->esn) != 0) {
            rc = ESP_E_INVAL;
            goto fail;
        }
    }
    sa_lifetime_init(&sa->lifetime, &cfg->lifetime, esp_sa_now(sa));
    return ESP_OK;

fail:
    esp_sa_destroy(sa);
    return rc;
}

void esp_sa_destroy(struct esp_sa *sa)
{
    EVP_CIPHER_CTX_free(sa->cctx);
    EVP_CIPHER_CTX_free(sa->ivctx);
    EVP_MAC_CTX_free(sa->mctx);
    sa->cctx = NULL;
    sa->ivctx = NULL;
    sa->mctx = NULL;
    replay_free(&sa->replay);
    OPENSSL_cleanse(sa->salt, sizeof(sa->salt));
}

uint64_t esp_sa_now(const struct esp_sa *sa)
{
    if (!sa->time_limited || sa->clock == NULL)
        return 0;
    return sa->clock(sa->clock_arg);
}

bool esp_sa_rekey_needed(const struct esp_sa *sa)
{
    if (sa->dir == ESP_DIR_OUT && sa->seq >= (sa->esn ? SEQ_SOFT_64 : SEQ_SOFT_32))
        return true;
    return sa_lifetime_soft_expired(&sa->lifetime, esp_sa_now(sa));
}

size_t esp_payload_offset(const struct esp_sa *sa)
{
    return ESP_HDR_LEN + sa->iv_len;
}

size_t esp_encap_len(const struct esp_sa *sa, size_t payload_len)
{
    size_t a = sa->align ? sa->align : 4;
    size_t ct = (payload_len + 2 + a - 1) / a * a;
    return ESP_HDR_LEN + sa->iv_len + ct + sa->icv_len;
}

void esp_sa_set_tx_seq(struct esp_sa *sa, uint64_t last_sent)
{
    sa->seq = last_sent;
}

const char *esp_strerror(int status)
{
    switch (status) {
    case ESP_OK:             return "ok";
    case ESP_E_TRUNCATED:    return "truncated packet";
    case ESP_E_BAD_LENGTH:   return "bad ciphertext length";
    case ESP_E_ICV:          return "integrity check failed";
    case ESP_E_REPLAY:       return "replayed or stale sequence number";
    case ESP_E_PADDING:      return "bad padding";
    case ESP_E_NEXT_HEADER:  return "unacceptable next header";
    case ESP_E_INNER:        return "malformed inner packet";
    case ESP_E_DUMMY:        return "dummy packet";
    case ESP_E_SEQ_OVERFLOW: return "sequence number overflow, rekey needed";
    case ESP_E_EXPIRED:      return "SA hard lifetime expired";
    case ESP_E_NOSPACE:      return "buffer too small";
    case ESP_E_SPI:          return "SPI mismatch";
    case ESP_E_INVAL:        return "invalid argument";
    case ESP_E_CRYPTO:       return "crypto library failure";
    }
    return "unknown error";
}
