/*
 * ESP encapsulation (RFC 4303 section 3.3), UDP encapsulation (RFC 3948).
 */
#include "ipsec/esp.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

static inline void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

/* Tunnel mode: the next header must say what the inner packet is. */
static int check_tunnel_inner(uint8_t nh, const uint8_t *p, size_t len)
{
    if (nh == ESP_NH_NONE)
        return ESP_OK;
    if (nh == ESP_NH_IPV4)
        return (len >= 20 && (p[0] >> 4) == 4) ? ESP_OK : ESP_E_INNER;
    if (nh == ESP_NH_IPV6)
        return (len >= 40 && (p[0] >> 4) == 6) ? ESP_OK : ESP_E_INNER;
    return ESP_E_NEXT_HEADER;
}

static int gcm_seal(struct esp_sa *sa, uint8_t *esp, size_t ct_len, uint64_t seq)
{
    uint8_t nonce[12], aad[12];
    size_t aad_len;
    uint8_t *iv = esp + ESP_HDR_LEN;
    uint8_t *ct = iv + 8;
    int outl;

    memcpy(nonce, sa->salt, 4);
    memcpy(nonce + 4, iv, 8);
    memcpy(aad, esp, 4); /* SPI */
    if (sa->esn) {
        put_be64(aad + 4, seq);
        aad_len = 12;
    } else {
        memcpy(aad + 4, esp + 4, 4);
        aad_len = 8;
    }
    if (EVP_EncryptInit_ex(sa->cctx, NULL, NULL, NULL, nonce) != 1 ||
        EVP_EncryptUpdate(sa->cctx, NULL, &outl, aad, (int)aad_len) != 1 ||
        EVP_EncryptUpdate(sa->cctx, ct, &outl, ct, (int)ct_len) != 1 ||
        EVP_EncryptFinal_ex(sa->cctx, ct + ct_len, &outl) != 1 ||
        EVP_CIPHER_CTX_ctrl(sa->cctx, EVP_CTRL_AEAD_GET_TAG, 16, ct + ct_len) != 1)
        return ESP_E_CRYPTO;
    return ESP_OK;
}

static int cbc_seal(struct esp_sa *sa, uint8_t *esp, size_t ct_len, uint64_t seq)
{
    uint8_t *iv = esp + ESP_HDR_LEN;
    uint8_t *ct = iv + 16;
    uint8_t mac[EVP_MAX_MD_SIZE];
    size_t maclen;
    int outl;

    if (EVP_EncryptInit_ex(sa->cctx, NULL, NULL, NULL, iv) != 1 ||
        EVP_EncryptUpdate(sa->cctx, ct, &outl, ct, (int)ct_len) != 1 ||
        EVP_EncryptFinal_ex(sa->cctx, ct + ct_len, &outl) != 1)
        return ESP_E_CRYPTO;

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
    memcpy(ct + ct_len, mac, sa->icv_len);
    return ESP_OK;
}

static int make_iv(struct esp_sa *sa, uint8_t *iv, uint64_t seq)
{
    if (sa->cipher == ESP_CIPHER_AES_GCM_16) {
        put_be64(iv, seq); /* RFC 4106 3.1: a counter never repeats */
        return ESP_OK;
    }
    if (sa->iv_mode == ESP_IV_COUNTER) {
        uint8_t blk[16] = {0};
        int outl;
        put_be64(blk + 8, seq);
        if (EVP_EncryptUpdate(sa->ivctx, iv, &outl, blk, 16) != 1 || outl != 16)
            return ESP_E_CRYPTO;
        return ESP_OK;
    }
    return RAND_bytes(iv, 16) == 1 ? ESP_OK : ESP_E_CRYPTO;
}

static int encap(struct esp_sa *sa, uint8_t nh, const uint8_t *payload, size_t plen,
                 uint8_t *buf, size_t buf_size, size_t headroom, const uint8_t *kat_iv,
                 struct esp_encap_out *out)
{
    int rc;

    if (sa == NULL || sa->cctx == NULL || sa->dir != ESP_DIR_OUT || buf == NULL ||
        out == NULL || (payload == NULL && plen != 0))
        return ESP_E_INVAL;

    if (sa->mode == ESP_MODE_TUNNEL) {
        rc = check_tunnel_inner(nh, payload, plen);
        if (rc != ESP_OK) {
            if (rc == ESP_E_INNER)
                sa->stats.err_inner++;
            else
                sa->stats.err_next_header++;
            return rc;
        }
    }

    size_t hdr = ESP_HDR_LEN + sa->iv_len;
    size_t ct_len = (plen + 2 + sa->align - 1) / sa->align * sa->align;
    size_t esp_len = hdr + ct_len + sa->icv_len;
    size_t udp = sa->udp_encap ? ESP_UDP_HDR_LEN : 0;
    if (plen > 65535 || headroom < udp || headroom > buf_size ||
        buf_size - headroom < esp_len || esp_len + udp > 65535) {
        sa->stats.err_nospace++;
        return ESP_E_NOSPACE;
    }

    /* RFC 4303 3.3.3: never let the counter cycle; ask for a rekey. */
    if (sa->seq >= (sa->esn ? UINT64_MAX : (uint64_t)UINT32_MAX)) {
        sa->stats.err_seq_overflow++;
        return ESP_E_SEQ_OVERFLOW;
    }
    uint64_t now = esp_sa_now(sa);
    if (sa_lifetime_hard_expired(&sa->lifetime, now)) {
        sa->stats.err_expired++;
        return ESP_E_EXPIRED;
    }
    /* Consume the number before encrypting: even on a later failure a
     * sequence number (and GCM IV) is never used twice. */
    uint64_t seq = ++sa->seq;

    uint8_t *esp = buf + headroom;
    uint8_t *pt = esp + hdr;
    /* payload first: it may overlap where the headers go */
    if (plen != 0 && pt != payload)
        memmove(pt, payload, plen);
    size_t pad = ct_len - plen - 2;
    for (size_t i = 0; i < pad; i++)
        pt[plen + i] = (uint8_t)(i + 1); /* RFC 4303 2.4: 1, 2, 3, ... */
    pt[ct_len - 2] = (uint8_t)pad;
    pt[ct_len - 1] = nh;

    put_be32(esp, sa->spi);
    put_be32(esp + 4, (uint32_t)seq); /* low 32 bits only, also with ESN */
    if (kat_iv != NULL)
        memcpy(esp + ESP_HDR_LEN, kat_iv, sa->iv_len);
    else if ((rc = make_iv(sa, esp + ESP_HDR_LEN, seq)) != ESP_OK)
        goto crypto_fail;

    rc = sa->cipher == ESP_CIPHER_AES_GCM_16 ? gcm_seal(sa, esp, ct_len, seq)
                                             : cbc_seal(sa, esp, ct_len, seq);
    if (rc != ESP_OK)
        goto crypto_fail;

    if (udp) {
        uint8_t *u = esp - ESP_UDP_HDR_LEN;
        put_be16(u, sa->udp_sport);
        put_be16(u + 2, sa->udp_dport);
        put_be16(u + 4, (uint16_t)(esp_len + ESP_UDP_HDR_LEN));
        put_be16(u + 6, 0); /* RFC 3948 2.1: zero checksum over IPv4 */
    }

    sa->stats.packets++;
    sa->stats.bytes += plen;
    sa_lifetime_account(&sa->lifetime, plen, now);

    out->off = headroom - udp;
    out->len = esp_len + udp;
    out->seq = seq;
    out->rekey_needed = esp_sa_rekey_needed(sa);
    return ESP_OK;

crypto_fail:
    sa->stats.err_crypto++;
    return ESP_E_CRYPTO;
}

int esp_encap(struct esp_sa *sa, uint8_t next_header, const uint8_t *payload,
              size_t payload_len, uint8_t *buf, size_t buf_size, size_t headroom,
              struct esp_encap_out *out)
{
    return encap(sa, next_header, payload, payload_len, buf, buf_size, headroom, NULL, out);
}

int esp_encap_kat_iv(struct esp_sa *sa, uint8_t next_header, const uint8_t *payload,
                     size_t payload_len, uint8_t *buf, size_t buf_size, size_t headroom,
                     const uint8_t *iv, struct esp_encap_out *out)
{
    if (iv == NULL)
        return ESP_E_INVAL;
    return encap(sa, next_header, payload, payload_len, buf, buf_size, headroom, iv, out);
}
