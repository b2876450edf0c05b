/*
 * ESP packet layer of the userspace IPsec data plane (RFC 4303).
 *
 * Pure packet processing: no sockets, no TUN, no SA lookup. One struct
 * esp_sa is one unidirectional SA; it owns its OpenSSL contexts, keyed once
 * in esp_sa_init(), so the per-packet path only sets an IV (and re-arms the
 * HMAC from its precomputed key state): no re-keying and no allocation in
 * this code (OpenSSL 3.0's HMAC re-init duplicates its digest state
 * internally). An SA is not thread safe: one SA, one thread at a time.
 *
 * Transforms:
 *   - AES-GCM with a 16-octet ICV (RFC 4106), 128/192/256-bit keys. Keying
 *     material = key || 4-octet salt; nonce = salt || 8-octet explicit IV;
 *     the explicit IV is the 64-bit sequence number (big endian), so it
 *     never repeats under one key; AAD = SPI || seq (4+4 octets), or
 *     SPI || seq-high || seq-low (4+8 octets) with ESN (RFC 4106 section 5).
 *     Payload padded so that pad length / next header end on 4 octets.
 *   - AES-CBC (RFC 3602), 128/192/256-bit keys, 16-octet IV (random, or
 *     E_K(sequence number), NIST SP 800-38A Appendix C), padded to the block
 *     size, with HMAC-SHA1-96 (RFC 2404) or HMAC-SHA-256-128/-384-192/
 *     -512-256 (RFC 4868). ICV = HMAC(SPI || seq || IV || ciphertext
 *     [|| seq-high with ESN, RFC 4303 section 3.3.2.1]) truncated.
 *
 * Encapsulation writes ESP (and with NAT-T the RFC 3948 UDP header) into a
 * caller buffer after `headroom` octets left for the outer header, which
 * esp_build_outer_ipv4() can then prepend. Decapsulation works in place on
 * the ESP packet and returns where the inner packet lies.
 */
#ifndef IKESH_IPSEC_ESP_H
#define IKESH_IPSEC_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "ipsec/replay.h"
#include "ipsec/sa_lifetime.h"

#define ESP_HDR_LEN        8u   /* SPI + sequence number */
#define ESP_UDP_HDR_LEN    8u
#define ESP_IPV4_HDR_LEN   20u
#define ESP_NATT_PORT      4500u
#define ESP_MAX_IV_LEN     16u
#define ESP_MAX_ICV_LEN    32u
/* Worst case growth of a payload: header + IV + (block-1) padding + 2-octet
 * trailer + ICV, plus the UDP header with NAT-T. */
#define ESP_MAX_OVERHEAD   (ESP_UDP_HDR_LEN + ESP_HDR_LEN + ESP_MAX_IV_LEN + 15u + 2u + ESP_MAX_ICV_LEN)

/* IP protocol numbers used as ESP next header. */
#define ESP_NH_IPV4   4
#define ESP_NH_TCP    6
#define ESP_NH_UDP    17
#define ESP_NH_IPV6   41
#define ESP_NH_GRE    47
#define ESP_NH_NONE   59   /* dummy packet (RFC 4303 2.6): receiver drops */
#define ESP_PROTO_ESP 50

/* Status codes: 0 = success, negative = the packet was dropped / refused. */
enum esp_status {
    ESP_OK = 0,
    ESP_E_TRUNCATED = -1,    /* shorter than header + IV + trailer + ICV */
    ESP_E_BAD_LENGTH = -2,   /* ciphertext not a multiple of block/4 octets,
                              * or packet longer than 65535 */
    ESP_E_ICV = -3,          /* integrity check failed */
    ESP_E_REPLAY = -4,       /* duplicate, left of the window, or seq 0 */
    ESP_E_PADDING = -5,      /* pad length too large or pad not 1,2,3,... */
    ESP_E_NEXT_HEADER = -6,  /* next header not acceptable for the mode */
    ESP_E_INNER = -7,        /* tunnel mode: inner IP header malformed */
    ESP_E_DUMMY = -8,        /* authentic dummy packet (next header 59) */
    ESP_E_SEQ_OVERFLOW = -9, /* outbound counter would wrap: rekey needed */
    ESP_E_EXPIRED = -10,     /* hard lifetime reached: SA must go */
    ESP_E_NOSPACE = -11,     /* caller buffer / headroom too small */
    ESP_E_SPI = -12,         /* SPI in the packet is not this SA's */
    ESP_E_INVAL = -13,       /* bad argument, wrong SA direction, bad config */
    ESP_E_CRYPTO = -14,      /* OpenSSL failure */
};

enum esp_dir { ESP_DIR_IN, ESP_DIR_OUT };
enum esp_mode { ESP_MODE_TUNNEL, ESP_MODE_TRANSPORT };
enum esp_cipher { ESP_CIPHER_AES_GCM_16, ESP_CIPHER_AES_CBC };
enum esp_integ {
    ESP_INTEG_NONE,              /* AEAD (GCM) only */
    ESP_INTEG_HMAC_SHA1_96,      /* key 20 octets */
    ESP_INTEG_HMAC_SHA256_128,   /* key 32 */
    ESP_INTEG_HMAC_SHA384_192,   /* key 48 */
    ESP_INTEG_HMAC_SHA512_256,   /* key 64 */
};
enum esp_iv_mode {
    ESP_IV_RANDOM,   /* CBC: RAND_bytes per packet (default) */
    ESP_IV_COUNTER,  /* CBC: IV = AES_K(0^64 || seq64) - unpredictable
                      * without the key, deterministic (tests, speed) */
};

struct esp_sa_config {
    uint32_t spi;                 /* host byte order */
    enum esp_dir dir;
    enum esp_mode mode;
    enum esp_cipher cipher;
    enum esp_integ integ;         /* ESP_INTEG_NONE with GCM */
    const uint8_t *enc_key;       /* GCM: key||salt (20/28/36); CBC: 16/24/32 */
    size_t enc_key_len;
    const uint8_t *integ_key;     /* HMAC key (CBC only) */
    size_t integ_key_len;
    bool esn;                     /* extended (64-bit) sequence numbers */
    bool replay_disable;          /* inbound: no anti-replay check */
    uint32_t replay_window;       /* inbound: 0 = REPLAY_WINDOW_DEFAULT */
    enum esp_iv_mode iv_mode;     /* CBC outbound */
    bool udp_encap;               /* outbound: RFC 3948 ESP-in-UDP */
    uint16_t udp_sport, udp_dport;/* host order; normally 4500/4500 */
    struct sa_lifetime_limits lifetime; /* all 0 = unlimited */
    /* Clock for the lifetime in seconds; NULL = CLOCK_MONOTONIC. Only
     * consulted when a time limit is set. */
    uint64_t (*clock)(void *arg);
    void *clock_arg;
};

struct esp_sa_stats {
    uint64_t packets;        /* encapsulated / decapsulated successfully */
    uint64_t bytes;          /* inner octets of those packets */
    uint64_t err_truncated;
    uint64_t err_bad_length;
    uint64_t err_icv;
    uint64_t replay_drops;   /* ESP_E_REPLAY, before or after the ICV */
    uint64_t err_padding;
    uint64_t err_next_header;
    uint64_t err_inner;
    uint64_t dummy;          /* authentic dummy packets dropped */
    uint64_t err_seq_overflow;
    uint64_t err_expired;
    uint64_t err_nospace;
    uint64_t err_spi;
    uint64_t err_crypto;
};

struct esp_sa {
    uint32_t spi;
    enum esp_dir dir;
    enum esp_mode mode;
    enum esp_cipher cipher;
    enum esp_integ integ;
    enum esp_iv_mode iv_mode;
    bool esn;
    bool udp_encap;
    uint16_t udp_sport, udp_dport;
    uint8_t iv_len;          /* 8 (GCM) or 16 (CBC) */
    uint8_t icv_len;
    uint8_t align;           /* ciphertext multiple: 4 (GCM) or 16 (CBC) */
    uint8_t salt[4];         /* GCM */
    EVP_CIPHER_CTX *cctx;    /* data cipher, keyed once */
    EVP_CIPHER_CTX *ivctx;   /* CBC counter IV: AES-ECB, same key */
    EVP_MAC_CTX *mctx;       /* HMAC, keyed once */
    uint64_t seq;            /* outbound: last sequence number sent */
    struct replay_window replay; /* inbound */
    struct sa_lifetime lifetime;
    uint64_t (*clock)(void *arg);
    void *clock_arg;
    bool time_limited;
    struct esp_sa_stats stats;
};

/* Key the SA. Returns ESP_OK, ESP_E_INVAL (bad lengths/combination) or
 * ESP_E_CRYPTO. On failure nothing needs freeing (destroy is harmless). */
int esp_sa_init(struct esp_sa *sa, const struct esp_sa_config *cfg);
/* Free the OpenSSL contexts (they cleanse the key schedules). */
void esp_sa_destroy(struct esp_sa *sa);

/* The SA's clock (seconds), for sa_lifetime_* queries on sa->lifetime. */
uint64_t esp_sa_now(const struct esp_sa *sa);
/* Level: the soft lifetime is reached, or (outbound) the sequence counter
 * has used 7/8 of its space. Start a rekey. */
bool esp_sa_rekey_needed(const struct esp_sa *sa);

/* Octets needed at buf+headroom by esp_encap() for a payload of `len`
 * (UDP header, if any, goes *before* buf+headroom, in the headroom). */
size_t esp_encap_len(const struct esp_sa *sa, size_t payload_len);
/* Offset from the ESP header to the payload (8 + IV): an inner packet
 * placed at buf+headroom+esp_payload_offset() is encrypted without a copy. */
size_t esp_payload_offset(const struct esp_sa *sa);

struct esp_encap_out {
    size_t off;          /* packet (UDP header or ESP header) starts at buf+off */
    size_t len;          /* UDP+ESP or ESP length */
    uint64_t seq;        /* sequence number used */
    bool rekey_needed;   /* esp_sa_rekey_needed() after this packet */
};

/*
 * Encapsulate `payload` (tunnel mode: the whole inner IP packet, next header
 * 4 or 41, checked against the IP version; transport mode: what follows the
 * IP header, next header = its protocol number, e.g. 47 for GRE; 59 sends a
 * dummy packet in either mode). The ESP header goes to buf+headroom; with
 * udp_encap the UDP header goes at buf+headroom-8 (headroom >= 8 needed).
 * `payload` may lie anywhere, including inside buf (it is moved first).
 * Errors: ESP_E_INVAL, ESP_E_NEXT_HEADER, ESP_E_INNER, ESP_E_NOSPACE,
 * ESP_E_SEQ_OVERFLOW (rekey needed; nothing is sent), ESP_E_EXPIRED,
 * ESP_E_CRYPTO.
 */
int esp_encap(struct esp_sa *sa, uint8_t next_header, const uint8_t *payload,
              size_t payload_len, uint8_t *buf, size_t buf_size, size_t headroom,
              struct esp_encap_out *out);

struct esp_decap_out {
    size_t off;          /* inner packet / payload at pkt+off */
    size_t len;          /* tunnel mode: trimmed to the inner IP length
                          * (drops RFC 4303 TFC padding) */
    uint8_t next_header;
    uint64_t seq;        /* full (ESN-inferred) sequence number */
    bool rekey_needed;
};

/*
 * Decapsulate, in place, the ESP packet pkt[0..len) (starting at the SPI;
 * strip outer IP and UDP first). Order: length checks, SPI, anti-replay
 * pre-check, ICV (constant time), window update, decryption (CBC; GCM
 * decrypts while verifying and wipes the output on failure), padding,
 * next header, inner header (tunnel). Never reads outside pkt[0..len).
 * On error `out` and the contents of pkt are unspecified (a GCM packet
 * whose tag fails is wiped) and the per-SA error counter is bumped.
 * Errors: ESP_E_TRUNCATED, ESP_E_BAD_LENGTH, ESP_E_SPI, ESP_E_REPLAY,
 * ESP_E_EXPIRED, ESP_E_ICV, ESP_E_PADDING, ESP_E_DUMMY, ESP_E_NEXT_HEADER
 * (tunnel: not 4/41; transport: 255), ESP_E_INNER, ESP_E_INVAL,
 * ESP_E_CRYPTO. Not implemented: RFC 4303 Appendix A3 ESN resync.
 */
int esp_decap(struct esp_sa *sa, uint8_t *pkt, size_t len, struct esp_decap_out *out);

/* ---- receive-side classification (SA lookup is the caller's job) ---- */

enum esp_rx_kind {
    ESP_RX_ESP,        /* ESP: spi valid, ESP header at esp_off */
    ESP_RX_IKE,        /* UDP payload with the non-ESP marker (4 zero octets);
                        * the IKE message starts at esp_off (after the marker) */
    ESP_RX_KEEPALIVE,  /* NAT-keepalive: a single 0xFF octet (RFC 3948 2.3) */
    ESP_RX_FRAGMENT,   /* IPv4 fragment: reassemble first */
    ESP_RX_OTHER,      /* not ESP / not for the NAT-T port */
    ESP_RX_MALFORMED,  /* too short or inconsistent */
};

/* SPI (host order) of a raw ESP packet. ESP_OK or ESP_E_TRUNCATED (< 8). */
int esp_peek_spi(const uint8_t *esp, size_t len, uint32_t *spi);

/* Classify the payload of a UDP datagram received on the NAT-T port. For
 * ESP_RX_ESP *spi is set (the ESP header is at udp_payload). */
enum esp_rx_kind esp_udp_classify(const uint8_t *udp_payload, size_t len, uint32_t *spi);

struct esp_rx_ipv4 {
    enum esp_rx_kind kind;
    uint32_t src, dst;       /* network byte order */
    uint16_t sport, dport;   /* host order; UDP only */
    bool udp;                /* arrived in UDP */
    size_t esp_off;          /* ESP header / IKE message offset in the packet */
    size_t esp_len;          /* its length (trimmed to the IP total length) */
    uint32_t spi;            /* ESP only, host order */
};

/* Parse an outer IPv4 packet: protocol 50, or UDP to `natt_port` (4500)
 * carrying ESP, IKE (non-ESP marker) or a keepalive. Returns rx->kind. */
enum esp_rx_kind esp_ipv4_classify(const uint8_t *pkt, size_t len, uint16_t natt_port,
                                   struct esp_rx_ipv4 *rx);

/* ---- outer header ---- */

enum esp_df_mode { ESP_DF_CLEAR, ESP_DF_SET, ESP_DF_COPY };

struct esp_outer_ipv4 {
    uint32_t src, dst;     /* network byte order */
    uint16_t id;           /* IP identification (host order) */
    uint8_t tos;           /* DSCP/ECN, e.g. copied from the inner header */
    uint8_t ttl;           /* 0 = 64 */
    enum esp_df_mode df;
    bool inner_df;         /* for ESP_DF_COPY */
};

/*
 * Prepend a 20-octet IPv4 header (no options, checksum computed) before
 * buf+*off, where esp_encap() left the packet: *off -= 20, *len += 20.
 * proto: 50 (ESP) or 17 (UDP-encapsulated ESP). Returns ESP_OK,
 * ESP_E_NOSPACE (*off < 20 or total > 65535) or ESP_E_INVAL.
 */
int esp_build_outer_ipv4(uint8_t *buf, size_t *off, size_t *len,
                         const struct esp_outer_ipv4 *o, uint8_t proto);

/* Internet checksum (RFC 1071) of data, folded, in host order. */
uint16_t esp_inet_checksum(const uint8_t *data, size_t len);

const char *esp_strerror(int status);

/* ---- testing and state restore: never in the normal data path ---- */

/* Set the outbound counter to `last_sent` (next packet uses last_sent+1). */
void esp_sa_set_tx_seq(struct esp_sa *sa, uint64_t last_sent);

/* esp_encap() with a caller-chosen explicit IV (GCM: 8 octets, CBC: 16),
 * for published known-answer vectors. Reusing an IV with GCM destroys its
 * security: production code must use esp_encap(). */
int esp_encap_kat_iv(struct esp_sa *sa, uint8_t next_header, const uint8_t *payload,
                     size_t payload_len, uint8_t *buf, size_t buf_size, size_t headroom,
                     const uint8_t *iv, struct esp_encap_out *out);

#endif
