/*
 * Outer headers around ESP: receive-side classification (raw ESP, RFC 3948
 * ESP-in-UDP with the non-ESP marker and NAT-keepalives) and the outer IPv4
 * header for sending.
 */
#include "ipsec/esp.h"

#include <string.h>

static inline uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

int esp_peek_spi(const uint8_t *esp, size_t len, uint32_t *spi)
{
    if (esp == NULL || len < ESP_HDR_LEN)
        return ESP_E_TRUNCATED;
    *spi = get_be32(esp);
    return ESP_OK;
}

enum esp_rx_kind esp_udp_classify(const uint8_t *p, size_t len, uint32_t *spi)
{
    if (p == NULL || len == 0)
        return ESP_RX_MALFORMED;
    if (len == 1)
        return p[0] == 0xff ? ESP_RX_KEEPALIVE : ESP_RX_MALFORMED;
    if (len < 4)
        return ESP_RX_MALFORMED;
    if (get_be32(p) == 0)
        return ESP_RX_IKE; /* non-ESP marker: SPI 0 is never valid for ESP */
    if (len < ESP_HDR_LEN)
        return ESP_RX_MALFORMED;
    *spi = get_be32(p);
    return ESP_RX_ESP;
}

enum esp_rx_kind esp_ipv4_classify(const uint8_t *pkt, size_t len, uint16_t natt_port,
                                   struct esp_rx_ipv4 *rx)
{
    memset(rx, 0, sizeof(*rx));
    rx->kind = ESP_RX_MALFORMED;
    if (pkt == NULL || len < ESP_IPV4_HDR_LEN || (pkt[0] >> 4) != 4)
        return rx->kind;
    size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
    size_t tot = get_be16(pkt + 2);
    if (ihl < ESP_IPV4_HDR_LEN || tot < ihl || tot > len)
        return rx->kind;
    memcpy(&rx->src, pkt + 12, 4);
    memcpy(&rx->dst, pkt + 16, 4);
    if (get_be16(pkt + 6) & 0x3fff) /* MF or a fragment offset */
        return rx->kind = ESP_RX_FRAGMENT;

    uint8_t proto = pkt[9];
    const uint8_t *l4 = pkt + ihl;
    size_t l4len = tot - ihl;

    if (proto == ESP_PROTO_ESP) {
        if (esp_peek_spi(l4, l4len, &rx->spi) != ESP_OK)
            return rx->kind;
        rx->esp_off = ihl;
        rx->esp_len = l4len;
        return rx->kind = ESP_RX_ESP;
    }
    if (proto != ESP_NH_UDP)
        return rx->kind = ESP_RX_OTHER;

    if (l4len < ESP_UDP_HDR_LEN)
        return rx->kind;
    size_t ulen = get_be16(l4 + 4);
    if (ulen < ESP_UDP_HDR_LEN || ulen > l4len)
        return rx->kind;
    rx->udp = true;
    rx->sport = get_be16(l4);
    rx->dport = get_be16(l4 + 2);
    if (rx->dport != natt_port)
        return rx->kind = ESP_RX_OTHER;

    const uint8_t *pl = l4 + ESP_UDP_HDR_LEN;
    size_t pllen = ulen - ESP_UDP_HDR_LEN;
    rx->kind = esp_udp_classify(pl, pllen, &rx->spi);
    rx->esp_off = ihl + ESP_UDP_HDR_LEN;
    rx->esp_len = pllen;
    if (rx->kind == ESP_RX_IKE) {
        rx->esp_off += 4;
        rx->esp_len -= 4;
    }
    return rx->kind;
}

uint16_t esp_inet_checksum(const uint8_t *data, size_t len)
{
    uint32_t sum = 0;
    size_t i;
    for (i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(data[i] << 8 | data[i + 1]);
    if (i < len)
        sum += (uint32_t)data[i] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

int esp_build_outer_ipv4(uint8_t *buf, size_t *off, size_t *len,
                         const struct esp_outer_ipv4 *o, uint8_t proto)
{
    if (buf == NULL || off == NULL || len == NULL || o == NULL ||
        (proto != ESP_PROTO_ESP && proto != ESP_NH_UDP))
        return ESP_E_INVAL;
    if (*off < ESP_IPV4_HDR_LEN || *len > 65535 - ESP_IPV4_HDR_LEN)
        return ESP_E_NOSPACE;

    uint8_t *h = buf + *off - ESP_IPV4_HDR_LEN;
    bool df = o->df == ESP_DF_SET || (o->df == ESP_DF_COPY && o->inner_df);
    h[0] = 0x45;
    h[1] = o->tos;
    put_be16(h + 2, (uint16_t)(*len + ESP_IPV4_HDR_LEN));
    put_be16(h + 4, o->id);
    put_be16(h + 6, df ? 0x4000 : 0);
    h[8] = o->ttl ? o->ttl : 64;
    h[9] = proto;
    put_be16(h + 10, 0);
    memcpy(h + 12, &o->src, 4);
    memcpy(h + 16, &o->dst, 4);
    put_be16(h + 10, esp_inet_checksum(h, ESP_IPV4_HDR_LEN));

    *off -= ESP_IPV4_HDR_LEN;
    *len += ESP_IPV4_HDR_LEN;
    return ESP_OK;
}
