/*
 * libFuzzer target for ESP decapsulation (ipsec/esp_decap.c), the
 * receive-side classifiers (ipsec/esp_ip.c) and the GRE over IPsec checks
 * behind them (ipsec/gre.c): every payload esp_decap() accepts is also
 * handed to gre_decap() (transport mode) or gre_decap_ipv4() (tunnel mode),
 * as the data plane does for a GRE tunnel, and mode 0 bodies go to both
 * GRE parsers directly.
 *
 * Build and run (not wired into CMake):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I/work/main \
 *     fuzz/fuzz_esp_decap.c ipsec/esp*.c ipsec/gre.c ipsec/replay.c ipsec/sa_lifetime.c \
 *     -lcrypto -o /tmp/fe && /tmp/fe -max_total_time=60
 *
 * Input: byte 0 = control, bytes 1..8 = replay window top, rest = body.
 *   control & 3        which fixed SA: 0 AES-128-GCM tunnel, 1 AES-256-GCM
 *                      transport ESN, 2 AES-128-CBC/HMAC-SHA1-96 tunnel ESN,
 *                      3 AES-256-CBC/HMAC-SHA-256-128 transport
 *   (control >> 2) & 3 0: body is an ESP packet (forgeries: must be refused
 *                         without reading out of bounds)
 *                      1: body = seq(4) || plaintext incl. trailer; the target
 *                         seals it with the SA's keys, independently of
 *                         esp_encap(), so the checks behind the ICV (padding,
 *                         next header, inner header) see arbitrary content;
 *                         a correctly sealed packet must never fail the ICV
 *                      2: body is a payload: esp_encap() then esp_decap()
 *                         must give it back (transport mode; next header
 *                         47: then GRE-checked)
 *                      3: body is an outer IPv4 packet for esp_ipv4_classify()
 *                         and, if it holds ESP, esp_decap()
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/params.h>

#include "ipsec/esp.h"
#include "ipsec/gre.h"

#define NSA 4

static const uint8_t KEY[36] = {
    0x6b, 0x69, 0x6b, 0x65, 0x73, 0x68, 0x2d, 0x66, 0x75, 0x7a, 0x7a, 0x2d, 0x6b, 0x65, 0x79, 0x21,
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
    0xca, 0xfe, 0xf0, 0x0d};
static const uint8_t HKEY[32] = {0x48, 0x4d, 0x41, 0x43, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28};

struct fsa {
    struct esp_sa_config cfg;
    struct esp_sa in, out;
};
static struct fsa sas[NSA];

static void die(const char *m)
{
    fprintf(stderr, "fuzz_esp_decap: %s\n", m);
    abort();
}

static void setup(void)
{
    static const struct esp_sa_config base[NSA] = {
        {.spi = 0x1000, .mode = ESP_MODE_TUNNEL, .cipher = ESP_CIPHER_AES_GCM_16,
         .enc_key_len = 20},
        {.spi = 0x2000, .mode = ESP_MODE_TRANSPORT, .cipher = ESP_CIPHER_AES_GCM_16,
         .enc_key_len = 36, .esn = true},
        {.spi = 0x3000, .mode = ESP_MODE_TUNNEL, .cipher = ESP_CIPHER_AES_CBC,
         .enc_key_len = 16, .integ = ESP_INTEG_HMAC_SHA1_96, .integ_key_len = 20, .esn = true},
        {.spi = 0x4000, .mode = ESP_MODE_TRANSPORT, .cipher = ESP_CIPHER_AES_CBC,
         .enc_key_len = 32, .integ = ESP_INTEG_HMAC_SHA256_128, .integ_key_len = 32,
         .iv_mode = ESP_IV_COUNTER},
    };
    for (int i = 0; i < NSA; i++) {
        sas[i].cfg = base[i];
        sas[i].cfg.enc_key = KEY;
        sas[i].cfg.integ_key = HKEY;
        sas[i].cfg.dir = ESP_DIR_IN;
        sas[i].cfg.replay_window = i == 2 ? 1024 : 0;
        if (esp_sa_init(&sas[i].in, &sas[i].cfg) != ESP_OK)
            die("init in");
        sas[i].cfg.dir = ESP_DIR_OUT;
        if (esp_sa_init(&sas[i].out, &sas[i].cfg) != ESP_OK)
            die("init out");
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setup();
    return 0;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void check_out(const struct esp_decap_out *o, size_t len)
{
    if (o->off > len || o->len > len - o->off)
        die("decap result outside the packet");
}

/* The GRE parsers on p[0..len), copied to an exact-size buffer (ASan sees
 * overreads); an accepted inner packet must lie inside and be IPv4. */
static void gre_check(const uint8_t *p, size_t len, bool delivery)
{
    uint8_t *c = malloc(len ? len : 1);
    memcpy(c, p, len);
    size_t off = 0, il = 0;
    int rc = delivery ? gre_decap_ipv4(c, len, 0, 0, &off, &il) : gre_decap(c, len, &off, &il);
    if (rc == GRE_OK && (off > len || il > len - off || il < 20 || c[off] >> 4 != 4))
        die("GRE inner packet outside the payload or not IPv4");
    free(c);
}

/* What the data plane does after ESP for a GRE tunnel. */
static void gre_after_esp(const struct fsa *f, const uint8_t *pkt, const struct esp_decap_out *o)
{
    if (f->cfg.mode == ESP_MODE_TRANSPORT && o->next_header == ESP_NH_GRE)
        gre_check(pkt + o->off, o->len, false);
    else if (f->cfg.mode == ESP_MODE_TUNNEL && o->next_header == ESP_NH_IPV4)
        gre_check(pkt + o->off, o->len, true);
}

/* Seal pt (already including its trailer, length a multiple of the block)
 * with one-shot OpenSSL calls. Returns the ESP length. */
static size_t seal(const struct fsa *f, uint64_t seq, const uint8_t *pt, size_t ptlen,
                   uint8_t *out)
{
    const struct esp_sa_config *c = &f->cfg;
    int l;
    put32(out, c->spi);
    put32(out + 4, (uint32_t)seq);
    if (c->cipher == ESP_CIPHER_AES_GCM_16) {
        uint8_t nonce[12], aad[12];
        size_t aadlen = c->esn ? 12 : 8;
        size_t klen = c->enc_key_len - 4;
        memcpy(out + 8, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
        memcpy(nonce, KEY + klen, 4);
        memcpy(nonce + 4, out + 8, 8);
        memcpy(aad, out, 4);
        if (c->esn) {
            put32(aad + 4, (uint32_t)(seq >> 32));
            put32(aad + 8, (uint32_t)seq);
        } else {
            put32(aad + 4, (uint32_t)seq);
        }
        EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
        const EVP_CIPHER *ci = klen == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
        if (x == NULL || EVP_EncryptInit_ex2(x, ci, KEY, nonce, NULL) != 1 ||
            EVP_EncryptUpdate(x, NULL, &l, aad, (int)aadlen) != 1 ||
            (ptlen && EVP_EncryptUpdate(x, out + 16, &l, pt, (int)ptlen) != 1) ||
            EVP_EncryptFinal_ex(x, out + 16 + ptlen, &l) != 1 ||
            EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_AEAD_GET_TAG, 16, out + 16 + ptlen) != 1)
            die("gcm seal");
        EVP_CIPHER_CTX_free(x);
        return 16 + ptlen + 16;
    }
    /* CBC + HMAC */
    const EVP_CIPHER *ci = c->enc_key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
    memset(out + 8, 0x5a, 16);
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    if (x == NULL || EVP_EncryptInit_ex2(x, ci, KEY, out + 8, NULL) != 1)
        die("cbc init");
    EVP_CIPHER_CTX_set_padding(x, 0);
    if ((ptlen && EVP_EncryptUpdate(x, out + 24, &l, pt, (int)ptlen) != 1) ||
        EVP_EncryptFinal_ex(x, out + 24 + ptlen, &l) != 1)
        die("cbc seal");
    EVP_CIPHER_CTX_free(x);
    const char *md = c->integ == ESP_INTEG_HMAC_SHA1_96 ? "SHA1" : "SHA256";
    size_t icv = c->integ == ESP_INTEG_HMAC_SHA1_96 ? 12 : 16;
    uint8_t macin[4096 + 64], mac[64];
    size_t n = 24 + ptlen, maclen;
    memcpy(macin, out, n);
    if (c->esn) {
        put32(macin + n, (uint32_t)(seq >> 32));
        n += 4;
    }
    EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *mc = m ? EVP_MAC_CTX_new(m) : NULL;
    OSSL_PARAM p[2] = {OSSL_PARAM_construct_utf8_string("digest", (char *)md, 0),
                       OSSL_PARAM_construct_end()};
    if (mc == NULL || EVP_MAC_init(mc, HKEY, c->integ_key_len, p) != 1 ||
        EVP_MAC_update(mc, macin, n) != 1 || EVP_MAC_final(mc, mac, &maclen, sizeof(mac)) != 1)
        die("hmac");
    EVP_MAC_CTX_free(mc);
    EVP_MAC_free(m);
    memcpy(out + 24 + ptlen, mac, icv);
    return 24 + ptlen + icv;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 9 || size > 4096)
        return 0;
    uint8_t ctl = data[0];
    struct fsa *f = &sas[ctl & 3];
    int mode = (ctl >> 2) & 3;
    uint64_t top = 0;
    for (int i = 1; i <= 8; i++)
        top = top << 8 | data[i];
    if (!f->cfg.esn)
        top &= UINT32_MAX;
    replay_reset(&f->in.replay, top);
    const uint8_t *body = data + 9;
    size_t blen = size - 9;
    struct esp_decap_out o;
    int rc;

    /* the classifiers see every input */
    uint32_t spi;
    (void)esp_udp_classify(body, blen, &spi);
    (void)esp_peek_spi(body, blen, &spi);

    if (mode == 0) {
        uint8_t *pkt = malloc(blen ? blen : 1); /* exact size: ASan sees overreads */
        memcpy(pkt, body, blen);
        if (blen >= 4) /* mostly aim at the SA */
            put32(pkt, f->cfg.spi);
        rc = esp_decap(&f->in, pkt, blen, &o);
        if (rc == ESP_OK) {
            check_out(&o, blen);
            gre_after_esp(f, pkt, &o);
        }
        free(pkt);
        gre_check(body, blen, false);
        gre_check(body, blen, true);
    } else if (mode == 1) {
        if (blen < 4)
            return 0;
        uint64_t seq = be32(body);
        if (f->cfg.esn)
            seq |= top & UINT64_C(0xffffffff00000000);
        const uint8_t *pt = body + 4;
        size_t align = f->cfg.cipher == ESP_CIPHER_AES_GCM_16 ? 4 : 16;
        size_t ptlen = (blen - 4) / align * align;
        if (ptlen == 0)
            return 0;
        uint8_t sealed[4096 + 64];
        size_t n = seal(f, seq, pt, ptlen, sealed);
        uint8_t *pkt = malloc(n);
        memcpy(pkt, sealed, n);
        uint64_t inferred;
        enum replay_result rr = replay_check(&f->in.replay, (uint32_t)seq, &inferred);
        rc = esp_decap(&f->in, pkt, n, &o);
        if (rr == REPLAY_OK && inferred == seq) {
            /* authentic and fresh: everything after the ICV decides */
            if (rc == ESP_E_ICV || rc == ESP_E_TRUNCATED || rc == ESP_E_BAD_LENGTH ||
                rc == ESP_E_REPLAY || rc == ESP_E_CRYPTO)
                die("authentic packet refused before the trailer checks");
            if (rc == ESP_OK) {
                check_out(&o, n);
                if (o.seq != seq || o.next_header != pt[ptlen - 1])
                    die("wrong seq / next header");
                if (memcmp(pkt + o.off, pt, o.len) != 0)
                    die("wrong plaintext");
                gre_after_esp(f, pkt, &o);
            }
        } else if (rc == ESP_OK && rr != REPLAY_OK) {
            die("replayed packet accepted");
        }
        free(pkt);
    } else if (mode == 2) {
        if (blen < 1)
            return 0;
        uint8_t nh = body[0];
        const uint8_t *pl = body + 1;
        size_t pllen = blen - 1;
        static uint8_t buf[8192];
        struct esp_encap_out eo;
        esp_sa_set_tx_seq(&f->out, top ? top - 1 : 0);
        rc = esp_encap(&f->out, nh, pl, pllen, buf, sizeof(buf), 28, &eo);
        if (rc == ESP_OK) {
            if (eo.len != esp_encap_len(&f->out, pllen))
                die("encap length");
            replay_reset(&f->in.replay, eo.seq - 1);
            rc = esp_decap(&f->in, buf + eo.off, eo.len, &o);
            if (f->cfg.mode == ESP_MODE_TRANSPORT) {
                if (nh == ESP_NH_NONE) {
                    if (rc != ESP_E_DUMMY)
                        die("dummy not dropped");
                } else if (nh == 255) {
                    if (rc != ESP_E_NEXT_HEADER)
                        die("next header 255 accepted");
                } else if (rc != ESP_OK || o.len != pllen || o.next_header != nh ||
                           o.seq != eo.seq || memcmp(buf + eo.off + o.off, pl, pllen) != 0) {
                    die("transport round trip");
                }
            } else if (rc != ESP_OK && rc != ESP_E_INNER && rc != ESP_E_DUMMY) {
                die("tunnel round trip");
            }
            if (rc == ESP_OK)
                gre_after_esp(f, buf + eo.off, &o);
        }
    } else {
        struct esp_rx_ipv4 rx;
        enum esp_rx_kind k = esp_ipv4_classify(body, blen, ESP_NATT_PORT, &rx);
        if (k == ESP_RX_ESP || k == ESP_RX_IKE) {
            if (rx.esp_off > blen || rx.esp_len > blen - rx.esp_off)
                die("classify range");
        }
        if (k == ESP_RX_ESP) {
            uint8_t *pkt = malloc(rx.esp_len ? rx.esp_len : 1);
            memcpy(pkt, body + rx.esp_off, rx.esp_len);
            if (rx.esp_len >= 4)
                put32(pkt, f->cfg.spi);
            rc = esp_decap(&f->in, pkt, rx.esp_len, &o);
            if (rc == ESP_OK) {
                check_out(&o, rx.esp_len);
                gre_after_esp(f, pkt, &o);
            }
            free(pkt);
        }
    }
    return 0;
}
