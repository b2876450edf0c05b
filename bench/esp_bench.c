/*
 * Micro-benchmark of the ESP packet layer: 1400-octet inner packets,
 * tunnel mode, one thread. Not part of the tests.
 *
 *   gcc -std=gnu11 -O2 -I/work/main bench/esp_bench.c ipsec/esp*.c \
 *     ipsec/replay.c ipsec/sa_lifetime.c -lcrypto -o /tmp/esp_bench && /tmp/esp_bench
 *
 * Gbit/s counts inner-packet bits. "encap+decap" is one packet through an
 * outbound SA and back through an inbound SA (with anti-replay), i.e. the
 * work of both ends of a tunnel on one core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipsec/esp.h"

#define PKT 1400
#define POOL 256

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void mk(struct esp_sa *sa, enum esp_dir dir, int gcm, bool replay)
{
    static const uint8_t key[36] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                                    18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    static const uint8_t hkey[32] = {7};
    struct esp_sa_config c = {.spi = 0x1234, .dir = dir, .mode = ESP_MODE_TUNNEL,
                              .enc_key = key, .integ_key = hkey, .replay_disable = !replay,
                              .lifetime = {.hard_kbytes = 1u << 30}};
    if (gcm == 1) {
        c.cipher = ESP_CIPHER_AES_GCM_16, c.enc_key_len = 20;
    } else if (gcm == 2) {
        c.cipher = ESP_CIPHER_AES_GCM_16, c.enc_key_len = 36;
    } else {
        c.cipher = ESP_CIPHER_AES_CBC, c.enc_key_len = 16;
        c.integ = ESP_INTEG_HMAC_SHA256_128, c.integ_key_len = 32;
        c.iv_mode = ESP_IV_COUNTER;
    }
    if (esp_sa_init(sa, &c) != ESP_OK) {
        fprintf(stderr, "esp_sa_init failed\n");
        exit(1);
    }
}

static void run(const char *name, int alg, long n)
{
    static uint8_t inner[PKT], buf[2048], pool[POOL][2048], work[2048];
    static size_t plen[POOL];
    struct esp_sa out, in, in_norp;
    struct esp_encap_out eo;
    struct esp_decap_out o;

    memset(inner, 0xab, sizeof(inner));
    inner[0] = 0x45;
    inner[2] = PKT >> 8;
    inner[3] = PKT & 0xff;
    mk(&out, ESP_DIR_OUT, alg, false);
    mk(&in, ESP_DIR_IN, alg, true);
    mk(&in_norp, ESP_DIR_IN, alg, false);

    /* encap only */
    double t0 = now_s();
    for (long i = 0; i < n; i++)
        if (esp_encap(&out, 4, inner, PKT, buf, sizeof(buf), 28, &eo) != ESP_OK)
            abort();
    double te = now_s() - t0;

    /* decap only: a pool of packets, SA without replay window */
    for (int i = 0; i < POOL; i++) {
        if (esp_encap(&out, 4, inner, PKT, pool[i], 2048, 0, &eo) != ESP_OK)
            abort();
        plen[i] = eo.len;
    }
    t0 = now_s();
    for (long i = 0; i < n; i++) {
        int k = (int)(i % POOL);
        memcpy(work, pool[k], plen[k]);
        if (esp_decap(&in_norp, work, plen[k], &o) != ESP_OK)
            abort();
    }
    double td = now_s() - t0;

    /* encap + decap with anti-replay */
    t0 = now_s();
    for (long i = 0; i < n; i++) {
        if (esp_encap(&out, 4, inner, PKT, buf, sizeof(buf), 28, &eo) != ESP_OK ||
            esp_decap(&in, buf + eo.off, eo.len, &o) != ESP_OK || o.len != PKT)
            abort();
    }
    double tb = now_s() - t0;

    double bits = (double)n * PKT * 8;
    printf("%-28s encap %6.2f Gbit/s (%4.0f ns/pkt)  decap %6.2f Gbit/s (%4.0f ns/pkt)  "
           "encap+decap %6.2f Gbit/s (%4.0f ns/pkt)\n",
           name, bits / te / 1e9, te / (double)n * 1e9, bits / td / 1e9,
           td / (double)n * 1e9, bits / tb / 1e9, tb / (double)n * 1e9);
    esp_sa_destroy(&out);
    esp_sa_destroy(&in);
    esp_sa_destroy(&in_norp);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 500000;
    printf("%ld packets of %d octets per measurement\n", n, PKT);
    run("AES-GCM-128", 1, n);
    run("AES-GCM-256", 2, n);
    run("AES-CBC-128/HMAC-SHA256-128", 0, n / 4);
    return 0;
}
