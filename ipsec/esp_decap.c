/*
 * ESP decapsulation (RFC 4303 section 3.4).
 */
#include "ipsec/esp.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static inline uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* GCM: decrypt in place and verify the tag; on failure wipe what was
 * decrypted so that unauthenticated plaintext never leaves. */
static int gcm_open(struct esp_sa *sa, uint8_t *esp, size_t ct_len, uint64_t seq)
{
    uint8_t nonce[12], aad[12], tag[16];
    size_t aad_len;
    uint8_t *ct = esp + ESP_HDR_LEN + 8;
    int outl;

    memcpy(nonce, sa->salt, 4);
    memcpy(nonce + 4, esp + ESP_HDR_LEN, 8);
    memcpy(aad, esp, 4);
    if (sa->esn) {
        put_be32(aad + 4, (uint32_t)(seq >> 32));
        memcpy(aad + 8, esp + 4, 4);
        aad_len = 12;
    } else {
        memcpy(aad + 4, esp + 4, 4);
        aad_len = 8;
    }
    memcpy(tag, ct + ct_len, 16);

    if (EVP_DecryptInit_ex(sa->cctx, NULL, NULL, NULL, nonce) != 1 ||
        EVP_DecryptUpdate(sa->cctx, NULL, &outl, aad, (int)aad_len) != 1 ||
        EVP_DecryptUpdate(sa->cctx, ct, &outl, ct, (int)ct_len) != 1 ||
        EVP_CIPHER_CTX_ctrl(sa->cctx, EVP_CTRL_AEAD_SET_TAG, 16, tag) != 1) {
        OPENSSL_cleanse(ct, ct_len);
        return ESP_E_CRYPTO;
    }
    /* OpenSSL compares the tag with CRYPTO_memcmp (constant time) */
    if (EVP_DecryptFinal_ex(sa->cctx, ct + ct_len, &outl) != 1) {
        OPENSSL_cleanse(ct, ct_len);
        return ESP_E_ICV;
    }
    return ESP_OK;
}

/* CBC + HMAC: verify first (encrypt-then-MAC), decrypt only if authentic. */
static int cbc_open(struct esp_sa *sa, uint8_t *esp, size_t ct_len, uint64_t seq)
{
    uint8_t *iv = esp + ESP_HDR_LEN;
    uint8_t *ct = iv + 16;
    uint8_t mac[EVP_MAX_MD_SIZE];
    size_t maclen;
    int outl;

    if (EVP_MAC_init(sa->mctx, NULL, 0, NULL) != 1 ||
        EVP_MAC_update(sa->mctx, esp, ESP_HDR_LEN + 16 + ct_len) != 1)
        return ESP_E_CRYPTO;
    if (sa->esn) {
        uint8_t hi[4];
        put_be32(hi, (uint32_t)(seq >> 32));
        if (EVP_MAC_update(sa->mctx, hi, 4) != 1)
            return ESP_E_CRYPTO;
    }
    if (EVP_MAC_final(sa->mctx, mac, &maclen, sizeof(mac)) != 1 || maclen < sa->icv_len)
        return ESP_E_CRYPTO;
    if (CRYPTO_memcmp(mac, ct + ct_len, sa->icv_len) != 0)
        return ESP_E_ICV;

    if (EVP_DecryptInit_ex(sa->cctx, NULL, NULL, NULL, iv) != 1 ||
        EVP_DecryptUpdate(sa->cctx, ct, &outl, ct, (int)ct_len) != 1 ||
        EVP_DecryptFinal_ex(sa->cctx, ct + ct_len, &outl) != 1)
        return ESP_E_CRYPTO;
    return ESP_OK;
}

/* Tunnel mode: validate the inner header, return its length (TFC padding
 * after it is dropped, RFC 4303 2.7), or 0 if malformed. */
static size_t inner_len(uint8_t nh, const uint8_t *p, size_t len)
{
    if (nh == ESP_NH_IPV4) {
        if (len < 20 || (p[0] >> 4) != 4)
            return 0;
        size_t ihl = (size_t)(p[0] & 0x0f) * 4;
        size_t tot = get_be16(p + 2);
        if (ihl < 20 || tot < ihl || tot > len)
            return 0;
        return tot;
    }
    /* IPv6 */
    if (len < 40 || (p[0] >> 4) != 6)
        return 0;
    size_t tot = 40 + (size_t)get_be16(p + 4);
    return tot > len ? 0 : tot;
}

int esp_decap(struct esp_sa *sa, uint8_t *pkt, size_t len, struct esp_decap_out *out)
{
    if (sa == NULL || sa->cctx == NULL || sa->dir != ESP_DIR_IN || pkt == NULL ||
        out == NULL)
        return ESP_E_INVAL;

    size_t hdr = ESP_HDR_LEN + sa->iv_len;
    if (len < hdr + sa->align + sa->icv_len) {
        sa->stats.err_truncated++;
        return ESP_E_TRUNCATED;
    }
    size_t ct_len = len - hdr - sa->icv_len;
    if (ct_len % sa->align != 0 || len > 65535) { /* no IP packet is longer */
        sa->stats.err_bad_length++;
        return ESP_E_BAD_LENGTH;
    }
    if (get_be32(pkt) != sa->spi) {
        sa->stats.err_spi++;
        return ESP_E_SPI;
    }

    /* cheap anti-replay check before any cryptography */
    uint64_t seq;
    if (replay_check(&sa->replay, get_be32(pkt + 4), &seq) != REPLAY_OK) {
        sa->stats.replay_drops++;
        return ESP_E_REPLAY;
    }
    uint64_t now = esp_sa_now(sa);
    if (sa_lifetime_hard_expired(&sa->lifetime, now)) {
        sa->stats.err_expired++;
        return ESP_E_EXPIRED;
    }

    int rc = sa->cipher == ESP_CIPHER_AES_GCM_16 ? gcm_open(sa, pkt, ct_len, seq)
                                                 : cbc_open(sa, pkt, ct_len, seq);
    if (rc == ESP_E_ICV) {
        sa->stats.err_icv++;
        return rc;
    }
    if (rc != ESP_OK) {
        sa->stats.err_crypto++;
        return rc;
    }

    /* authentic: only now may the window move */
    if (replay_update(&sa->replay, seq) != REPLAY_OK) {
        sa->stats.replay_drops++;
        return ESP_E_REPLAY;
    }

    const uint8_t *pt = pkt + hdr;
    size_t pad = pt[ct_len - 2];
    uint8_t nh = pt[ct_len - 1];
    if (pad > ct_len - 2) {
        sa->stats.err_padding++;
        return ESP_E_PADDING;
    }
    size_t plen = ct_len - 2 - pad;
    for (size_t i = 0; i < pad; i++) {
        if (pt[plen + i] != (uint8_t)(i + 1)) {
            sa->stats.err_padding++;
            return ESP_E_PADDING;
        }
    }

    if (nh == ESP_NH_NONE) {
        sa->stats.dummy++;
        return ESP_E_DUMMY;
    }
    if (sa->mode == ESP_MODE_TUNNEL) {
        if (nh != ESP_NH_IPV4 && nh != ESP_NH_IPV6) {
            sa->stats.err_next_header++;
            return ESP_E_NEXT_HEADER;
        }
        size_t il = inner_len(nh, pt, plen);
        if (il == 0) {
            sa->stats.err_inner++;
            return ESP_E_INNER;
        }
        plen = il;
    } else if (nh == 255) { /* IANA: reserved */
        sa->stats.err_next_header++;
        return ESP_E_NEXT_HEADER;
    }

    sa->stats.packets++;
    sa->stats.bytes += plen;
    sa_lifetime_account(&sa->lifetime, plen, now);

    out->off = hdr;
    out->len = plen;
    out->next_header = nh;
    out->seq = seq;
    out->rekey_needed = esp_sa_rekey_needed(sa);
    return ESP_OK;
}
