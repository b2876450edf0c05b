/*
 * TUN offloads: virtio-net header, TCP segmentation, checksum completion,
 * receive coalescing (see ipsec/gso.h).
 */
#include "ipsec/gso.h"

#include <string.h>

#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u
#define TCP_PSH 0x08u
#define TCP_ACK 0x10u
#define TCP_URG 0x20u
#define TCP_ECE 0x40u
#define TCP_CWR 0x80u

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ------------------------------------------------------------ header */

void gso_get_vnet(const uint8_t *p, struct gso_info *h)
{
	h->flags = p[0];
	h->type = p[1];
	memcpy(&h->hdr_len, p + 2, 2);	/* native endian, like the kernel */
	memcpy(&h->size, p + 4, 2);
	memcpy(&h->csum_start, p + 6, 2);
	memcpy(&h->csum_offset, p + 8, 2);
}

void gso_put_vnet(uint8_t *p, const struct gso_info *h)
{
	p[0] = h->flags;
	p[1] = h->type;
	memcpy(p + 2, &h->hdr_len, 2);
	memcpy(p + 4, &h->size, 2);
	memcpy(p + 6, &h->csum_start, 2);
	memcpy(p + 8, &h->csum_offset, 2);
}

/* ------------------------------------------------------------ checksums */

/* The one's complement sum does not depend on byte order (RFC 1071): add
 * native 64-bit words with end-around carry, fold, and swap to big
 * endian. */
uint32_t gso_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t acc = 0, carry = 0;
	while (len >= 32) {
		uint64_t w[4];
		memcpy(w, p, 32);
		for (int i = 0; i < 4; i++) {
			acc += w[i];
			carry += acc < w[i];	/* end-around carry, added below */
		}
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		acc += w;
		carry += acc < w;
		p += 8;
		len -= 8;
	}
	/* fold 64 -> 32 bits, keeping the carries */
	acc = (acc & 0xffffffffu) + (acc >> 32) + carry;
	if (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		acc += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint16_t w = 0;
		memcpy(&w, p, 1);	/* the high octet of a big-endian word */
		acc += w;
	}
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	uint16_t native = (uint16_t)acc;
	uint8_t b[2];
	memcpy(b, &native, 2);
	return sum + get16(b);
}

uint16_t gso_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int gso_csum_complete(uint8_t *pkt, size_t len, uint16_t csum_start, uint16_t csum_offset)
{
	if ((size_t)csum_start + csum_offset + 2 > len || (csum_offset & 1))
		return -1;	/* a field at an odd offset cannot hold the sum */
	uint16_t c = gso_csum_fold(gso_csum_add(0, pkt + csum_start, len - csum_start));
	if (c == 0 && csum_offset == 6)
		c = 0xffff;	/* UDP: 0 means "no checksum" */
	put16(pkt + csum_start + csum_offset, c);
	return 0;
}

/* Pseudo-header sum for an L4 segment of l4len octets. */
static uint32_t pseudo_sum(const uint8_t *ip, bool v6, uint8_t proto, size_t l4len)
{
	uint32_t s;
	if (v6) {
		s = gso_csum_add(0, ip + 8, 32);
		s += (uint32_t)(l4len >> 16) + (uint32_t)(l4len & 0xffff);
	} else {
		s = gso_csum_add(0, ip + 12, 8);
		s += (uint32_t)l4len;
	}
	return s + proto;
}

int gso_l4_csum(uint8_t *pkt, size_t len, size_t l4off)
{
	if (len < 20 || l4off >= len)
		return -1;
	bool v6 = pkt[0] >> 4 == 6;
	uint8_t proto = v6 ? pkt[6] : pkt[9];
	size_t field = proto == 6 ? 16 : proto == 17 ? 6 : 0;
	if (!field || l4off + field + 2 > len || (v6 && len < 40))
		return -1;
	uint8_t *l4 = pkt + l4off;
	put16(l4 + field, 0);
	uint16_t c = gso_csum_fold(gso_csum_add(pseudo_sum(pkt, v6, proto, len - l4off), l4,
						 len - l4off));
	if (c == 0 && proto == 17)
		c = 0xffff;
	put16(l4 + field, c);
	return 0;
}

/* ------------------------------------------------------------ segmentation */

int gso_seg_init(struct gso_seg *s, const struct gso_info *h, const uint8_t *pkt, size_t len)
{
	memset(s, 0, sizeof(*s));
	uint8_t type = h->type & (uint8_t)~GSO_TYPE_ECN;
	if (len < 20 || h->size == 0)
		return -1;
	if (type == GSO_TYPE_TCPV4 && pkt[0] >> 4 == 4) {
		s->l4off = (size_t)(pkt[0] & 0x0f) * 4;
		if (s->l4off < 20 || pkt[9] != 6 || (get16(pkt + 6) & 0x3fff) != 0)
			return -1;	/* not TCP, or a fragment */
		s->id = get16(pkt + 4);
	} else if (type == GSO_TYPE_TCPV6 && pkt[0] >> 4 == 6) {
		if (len < 40 || pkt[6] != 6)
			return -1;	/* extension headers: not handled */
		s->v6 = true;
		s->l4off = 40;
	} else {
		return -1;
	}
	if (s->l4off + 20 > len)
		return -1;
	const uint8_t *tcp = pkt + s->l4off;
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < 20 || s->l4off + doff >= len)
		return -1;	/* no payload: nothing to segment */
	s->pkt = pkt;
	s->len = len;
	s->hdr = s->l4off + doff;
	s->mss = h->size;
	s->pos = s->hdr;
	s->seq = get32(tcp + 4);
	s->flags = tcp[13];
	return 0;
}

int gso_seg_next(struct gso_seg *s, uint8_t *out, size_t out_size)
{
	if (s->pos >= s->len)
		return 0;
	size_t chunk = s->len - s->pos < s->mss ? s->len - s->pos : s->mss;
	size_t n = s->hdr + chunk;
	if (n > out_size || n > 65535)
		return -1;
	bool last = s->pos + chunk >= s->len;
	memcpy(out, s->pkt, s->hdr);
	memcpy(out + s->hdr, s->pkt + s->pos, chunk);
	if (s->v6) {
		put16(out + 4, (uint16_t)(n - 40));
	} else {
		put16(out + 2, (uint16_t)n);
		put16(out + 4, (uint16_t)(s->id + s->i));
		put16(out + 10, 0);
		put16(out + 10, gso_csum_fold(gso_csum_add(0, out, s->l4off)));
	}
	uint8_t *tcp = out + s->l4off;
	put32(tcp + 4, s->seq + (uint32_t)(s->pos - s->hdr));
	uint8_t fl = s->flags;
	if (!last)
		fl &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (s->i > 0)
		fl &= (uint8_t)~TCP_CWR;
	tcp[13] = fl;
	put16(tcp + 16, 0);
	size_t l4len = n - s->l4off;
	put16(tcp + 16, gso_csum_fold(gso_csum_add(pseudo_sum(out, s->v6, 6, l4len), tcp, l4len)));
	s->pos += chunk;
	s->i++;
	return (int)n;
}

/* ------------------------------------------------------------ coalescing */

/* IPv4, no options, not a fragment, TCP with only ACK (and PSH), data,
 * both checksums right: the merged packet goes up with a partial checksum
 * the kernel trusts, so a damaged segment must not hide in it. */
static bool tcp4_candidate(const uint8_t *p, size_t len, size_t *hdr)
{
	if (len < 40 || p[0] != 0x45 || p[9] != 6 || get16(p + 2) != len ||
	    (get16(p + 6) & 0x3fff) != 0)
		return false;
	const uint8_t *tcp = p + 20;
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < 20 || 20 + doff >= len)
		return false;	/* no payload: a pure ACK is not merged */
	if ((tcp[13] & (uint8_t)~TCP_PSH) != TCP_ACK)
		return false;
	if (gso_csum_fold(gso_csum_add(0, p, 20)) != 0 ||
	    gso_csum_fold(gso_csum_add(pseudo_sum(p, false, 6, len - 20), tcp, len - 20)) != 0)
		return false;
	*hdr = 20 + doff;
	return true;
}

int gso_coal_start(struct gso_coal *c, uint8_t *p, size_t len)
{
	memset(c, 0, sizeof(*c));
	size_t hdr;
	if (!tcp4_candidate(p, len, &hdr))
		return -1;
	c->first = p;
	c->hdr = hdr;
	c->mss = len - hdr;
	c->total = len;
	c->n = 1;
	c->next_seq = get32(p + 24) + (uint32_t)c->mss;
	c->closed = (p[33] & TCP_PSH) != 0;
	c->psh = c->closed;
	return 0;
}

bool gso_coal_append(struct gso_coal *c, const uint8_t *b, size_t len, size_t *off)
{
	size_t hdr;
	if (c->closed || !tcp4_candidate(b, len, &hdr) || hdr != c->hdr)
		return false;
	const uint8_t *a = c->first;
	size_t pl = len - hdr;
	if (pl > c->mss || c->total + pl > 65535)
		return false;
	/* IP: TOS, TTL, protocol, DF/flags, addresses; TCP: ports, ack,
	 * offset, window (flags checked above), urgent, options */
	if (a[1] != b[1] || a[8] != b[8] || a[6] != b[6] || memcmp(a + 12, b + 12, 8) != 0 ||
	    memcmp(a + 20, b + 20, 4) != 0 || memcmp(a + 28, b + 28, 5) != 0 ||
	    memcmp(a + 34, b + 34, 2) != 0 || memcmp(a + 38, b + 38, hdr - 38) != 0)
		return false;
	if (get32(b + 24) != c->next_seq)
		return false;
	c->next_seq += (uint32_t)pl;
	c->total += pl;
	c->n++;
	if (pl < c->mss || (b[33] & TCP_PSH)) {
		c->closed = true;
		c->psh = (b[33] & TCP_PSH) != 0;
	}
	*off = hdr;
	return true;
}

void gso_coal_finish(struct gso_coal *c, struct gso_info *h)
{
	uint8_t *p = c->first;
	put16(p + 2, (uint16_t)c->total);
	put16(p + 10, 0);
	put16(p + 10, gso_csum_fold(gso_csum_add(0, p, 20)));
	if (c->psh)
		p[33] |= TCP_PSH;
	/* partial checksum: the pseudo-header sum, not complemented */
	put16(p + 36, (uint16_t)~gso_csum_fold(pseudo_sum(p, false, 6, c->total - 20)));
	memset(h, 0, sizeof(*h));
	h->flags = GSO_F_NEEDS_CSUM;
	h->type = GSO_TYPE_TCPV4;
	h->hdr_len = (uint16_t)c->hdr;
	h->size = (uint16_t)c->mss;
	h->csum_start = 20;
	h->csum_offset = 16;
}
