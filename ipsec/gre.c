/*
 * GRE encapsulation and checks (RFC 2784; see ipsec/gre.h).
 */
#include "ipsec/gre.h"

#include <string.h>

#include "ipsec/esp.h"

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void gre_put_header(uint8_t *p)
{
	put_be16(p, 0);	/* C=0, reserved0 = 0, version 0 */
	put_be16(p + 2, GRE_PROTO_IPV4);
}

int gre_put_ipv4(uint8_t *p, const struct gre_delivery *h, size_t inner_len)
{
	if (inner_len > 65535 - GRE_IPV4_OVERHEAD)
		return GRE_E_NOSPACE;
	p[0] = 0x45;
	p[1] = h->tos;
	put_be16(p + 2, (uint16_t)(inner_len + GRE_IPV4_OVERHEAD));
	put_be16(p + 4, h->id);
	put_be16(p + 6, h->df ? 0x4000 : 0);
	p[8] = GRE_TTL;
	p[9] = GRE_IP_PROTO;
	put_be16(p + 10, 0);
	memcpy(p + 12, &h->src, 4);
	memcpy(p + 16, &h->dst, 4);
	put_be16(p + 10, esp_inet_checksum(p, 20));
	gre_put_header(p + 20);
	return GRE_OK;
}

int gre_decap(const uint8_t *p, size_t len, size_t *off, size_t *inner_len)
{
	if (len < GRE_HDR_LEN)
		return GRE_E_SHORT;
	/* RFC 2784 2.3: a receiver MUST discard a packet with non-zero bits
	 * 1-5 or a version it does not know; the checksum (bit 0) and the
	 * RFC 2890 key/sequence bits (2, 3) are not configured here either. */
	if (get_be16(p) != 0)
		return GRE_E_FLAGS;
	if (get_be16(p + 2) != GRE_PROTO_IPV4)
		return GRE_E_PROTO;
	const uint8_t *in = p + GRE_HDR_LEN;
	size_t n = len - GRE_HDR_LEN;
	if (n < 20 || in[0] >> 4 != 4)
		return GRE_E_INNER;
	size_t ihl = (size_t)(in[0] & 0x0f) * 4;
	size_t tot = get_be16(in + 2);
	if (ihl < 20 || tot < ihl || tot > n)
		return GRE_E_INNER;
	*off = GRE_HDR_LEN;
	*inner_len = tot;
	return GRE_OK;
}

int gre_decap_ipv4(const uint8_t *p, size_t len, uint32_t peer, uint32_t local, size_t *off,
		   size_t *inner_len)
{
	if (len < GRE_IPV4_OVERHEAD)
		return GRE_E_SHORT;
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;
	size_t tot = get_be16(p + 2);
	if (p[0] >> 4 != 4 || ihl < 20 || tot < ihl || tot > len || p[9] != GRE_IP_PROTO ||
	    (get_be16(p + 6) & 0x3fff) != 0)
		return GRE_E_DELIVERY;	/* no reassembly of delivery fragments */
	if ((peer && memcmp(p + 12, &peer, 4) != 0) || (local && memcmp(p + 16, &local, 4) != 0))
		return GRE_E_PEER;
	int rc = gre_decap(p + ihl, tot - ihl, off, inner_len);
	if (rc == GRE_OK)
		*off += ihl;
	return rc;
}

const char *gre_strerror(int status)
{
	switch (status) {
	case GRE_OK: return "ok";
	case GRE_E_SHORT: return "GRE packet too short";
	case GRE_E_FLAGS: return "GRE flags or version set";
	case GRE_E_PROTO: return "GRE protocol type not IPv4";
	case GRE_E_INNER: return "GRE payload not an IPv4 packet";
	case GRE_E_DELIVERY: return "GRE delivery header malformed";
	case GRE_E_PEER: return "GRE from an unexpected address";
	case GRE_E_NOSPACE: return "GRE packet too long";
	}
	return "unknown";
}
