/*
 * TUN offloads (ipsec/gso.c): the checksum helpers against a naive
 * RFC 1071 sum, the virtio-net header, TCP segmentation of IPv4 and IPv6
 * super-packets (lengths, IP IDs, sequence numbers, flags only where the
 * kernel puts them, every checksum verified independently, payload
 * intact), what segmentation refuses, partial checksum completion, and
 * receive coalescing (merging the segments back, and every reason not to).
 * And with the kernel: a TUN opened with TUN_F_OFFLOAD in a private network
 * namespace hands a local TCP sender's data over as super-packets that
 * segment into the bytes sent, and accepts a coalesced GSO packet that a
 * local TCP receiver then reads.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipsec/gso.h"
#include "ipsec/tun.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_CWR 0x80

static uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t g32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Naive RFC 1071 sum, folded, not complemented. */
static uint16_t ref_sum(const uint8_t *d, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(d[i] << 8 | d[i + 1]);
	if (n & 1)
		s += (uint32_t)d[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The L4 checksum of an IPv4/IPv6 packet verifies (sum is 0xffff). */
static bool l4_ok(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t l4;
	uint8_t proto;
	if (p[0] >> 4 == 4) {
		l4 = (size_t)(p[0] & 15) * 4;
		proto = p[9];
		s = ref_sum(p + 12, 8, 0);
	} else {
		l4 = 40;
		proto = p[6];
		s = ref_sum(p + 8, 32, 0);
	}
	s += proto + (uint32_t)(len - l4);
	return ref_sum(p + l4, len - l4, s) == 0xffff;
}

static bool ip4_ok(const uint8_t *p)
{
	return ref_sum(p, (size_t)(p[0] & 15) * 4, 0) == 0xffff;
}

/* An IPv4 TCP packet: 12 octets of options (NOP NOP timestamp), payload
 * pattern by absolute stream offset from seq.  Checksum left partial
 * (pseudo-header sum), as a TUN with offloads hands it over. */
static size_t tcp4(uint8_t *b, size_t payload, uint32_t seq, uint8_t flags, uint16_t id)
{
	size_t len = 20 + 32 + payload;
	memset(b, 0, 52);
	b[0] = 0x45;
	b[1] = 0x02;	/* ECT(0) */
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	b[4] = (uint8_t)(id >> 8);
	b[5] = (uint8_t)id;
	b[6] = 0x40;	/* DF */
	b[8] = 64;
	b[9] = 6;
	inet_pton(AF_INET, "198.51.100.2", b + 12);
	inet_pton(AF_INET, "203.0.113.2", b + 16);
	b[10] = 0;
	uint16_t ic = (uint16_t)~ref_sum(b, 20, 0);
	b[10] = (uint8_t)(ic >> 8);
	b[11] = (uint8_t)ic;
	uint8_t *t = b + 20;
	t[0] = 0xa0; t[1] = 0x01;	/* 40961 */
	t[2] = 0x14; t[3] = 0x51;	/* 5201 */
	t[4] = (uint8_t)(seq >> 24); t[5] = (uint8_t)(seq >> 16);
	t[6] = (uint8_t)(seq >> 8); t[7] = (uint8_t)seq;
	t[8] = 0x11; t[9] = 0x22; t[10] = 0x33; t[11] = 0x44;	/* ack */
	t[12] = 0x80;	/* 32 octets */
	t[13] = flags;
	t[14] = 0x01; t[15] = 0xf5;	/* window */
	t[20] = 1; t[21] = 1; t[22] = 8; t[23] = 10;
	memcpy(t + 24, "\x00\x01\x02\x03\x04\x05\x06\x07", 8);
	for (size_t i = 0; i < payload; i++)
		t[32 + i] = (uint8_t)((seq + i) * 7 + 3);
	return len;
}

static void set_partial4(uint8_t *b, size_t len)
{
	uint32_t s = ref_sum(b + 12, 8, 0) + 6 + (uint32_t)(len - 20);
	uint16_t ps = ref_sum(NULL, 0, s);
	b[36] = (uint8_t)(ps >> 8);
	b[37] = (uint8_t)ps;
}

/* The complete checksum, by the naive sum. */
static void set_full4(uint8_t *b, size_t len)
{
	b[36] = b[37] = 0;
	uint32_t s = ref_sum(b + 12, 8, 0) + 6 + (uint32_t)(len - 20);
	uint16_t c = (uint16_t)~ref_sum(b + 20, len - 20, s);
	b[36] = (uint8_t)(c >> 8);
	b[37] = (uint8_t)c;
}

static void fix_ip4(uint8_t *b)
{
	b[10] = b[11] = 0;
	uint16_t c = (uint16_t)~ref_sum(b, 20, 0);
	b[10] = (uint8_t)(c >> 8);
	b[11] = (uint8_t)c;
}

static uint8_t big[70000], seg[70000], out[70000];

START_TEST(test_csum_matches_reference)
{
	uint8_t d[300];
	srand(7);
	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)rand();
	for (size_t n = 0; n <= sizeof(d); n++) {
		uint32_t seed = (uint32_t)(n * 977);
		uint16_t want = (uint16_t)~ref_sum(d, n, seed);
		ck_assert_uint_eq(gso_csum_fold(gso_csum_add(seed, d, n)), want);
	}
	/* all 0xff: the sum folds to 0xffff, the checksum to 0 */
	memset(d, 0xff, 64);
	ck_assert_uint_eq(gso_csum_fold(gso_csum_add(0, d, 64)), 0);
}
END_TEST

START_TEST(test_vnet_header)
{
	struct gso_info h = {GSO_F_NEEDS_CSUM, GSO_TYPE_TCPV4, 52, 1448, 20, 16}, g;
	uint8_t b[GSO_VNET_HDR_LEN];
	gso_put_vnet(b, &h);
	ck_assert_uint_eq(b[0], 1);
	ck_assert_uint_eq(b[1], 1);
	uint16_t v;
	memcpy(&v, b + 4, 2);	/* native endian, as the kernel's TUN */
	ck_assert_uint_eq(v, 1448);
	gso_get_vnet(b, &g);
	ck_assert_mem_eq(&g, &h, sizeof(h));
}
END_TEST

START_TEST(test_segment_ipv4)
{
	const size_t payload = 5000, mss = 1448;
	const uint32_t seq0 = 0xfffff000u;	/* wraps inside the burst */
	size_t len = tcp4(big, payload, seq0, TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR, 0xfffe);
	set_partial4(big, len);
	struct gso_info h = {GSO_F_NEEDS_CSUM, GSO_TYPE_TCPV4, 52, (uint16_t)mss, 20, 16};
	struct gso_seg s;
	ck_assert_int_eq(gso_seg_init(&s, &h, big, len), 0);
	size_t got = 0;
	unsigned i = 0;
	int n;
	while ((n = gso_seg_next(&s, seg, sizeof(seg))) > 0) {
		size_t pl = (size_t)n - 52;
		bool last = got + pl == payload;
		ck_assert_uint_eq(pl, last ? payload - 3 * mss : mss);
		ck_assert_uint_eq(g16(seg + 2), (size_t)n);
		ck_assert_uint_eq(g16(seg + 4), (uint16_t)(0xfffe + i));	/* ID +1, wraps */
		ck_assert_uint_eq(seg[6], 0x40);
		ck_assert_uint_eq(seg[1], 0x02);
		ck_assert(ip4_ok(seg));
		ck_assert(l4_ok(seg, (size_t)n));
		ck_assert_uint_eq(g32(seg + 24), seq0 + (uint32_t)got);
		ck_assert_uint_eq(g32(seg + 28), 0x11223344u);
		uint8_t fl = seg[33];
		ck_assert_uint_eq(fl & TCP_ACK, TCP_ACK);
		ck_assert_uint_eq((fl & TCP_PSH) != 0, last);
		ck_assert_uint_eq((fl & TCP_FIN) != 0, last);
		ck_assert_uint_eq((fl & TCP_CWR) != 0, i == 0);
		ck_assert_mem_eq(seg + 40, big + 40, 12);	/* options */
		ck_assert_mem_eq(seg + 52, big + 52 + got, pl);
		got += pl;
		i++;
	}
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(i, 4);
	ck_assert_uint_eq(got, payload);
	ck_assert_int_eq(gso_seg_next(&s, seg, sizeof(seg)), 0);
}
END_TEST

START_TEST(test_segment_ipv6)
{
	const size_t payload = 3000, mss = 1220;
	uint8_t *b = big;
	memset(b, 0, 60);
	b[0] = 0x60;
	b[4] = (uint8_t)((20 + payload) >> 8);
	b[5] = (uint8_t)(20 + payload);
	b[6] = 6;
	b[7] = 64;
	inet_pton(AF_INET6, "2001:db8::1", b + 8);
	inet_pton(AF_INET6, "2001:db8:1::2", b + 24);
	b[40 + 7] = 5;	/* seq 5 */
	b[40 + 12] = 0x50;
	b[40 + 13] = TCP_ACK | TCP_PSH;
	for (size_t i = 0; i < payload; i++)
		b[60 + i] = (uint8_t)(i ^ 0x5a);
	size_t len = 60 + payload;
	struct gso_info h = {GSO_F_NEEDS_CSUM, GSO_TYPE_TCPV6, 60, (uint16_t)mss, 40, 16};
	struct gso_seg s;
	ck_assert_int_eq(gso_seg_init(&s, &h, b, len), 0);
	size_t got = 0;
	int n;
	unsigned i = 0;
	while ((n = gso_seg_next(&s, seg, sizeof(seg))) > 0) {
		size_t pl = (size_t)n - 60;
		ck_assert_uint_eq(g16(seg + 4), (size_t)n - 40);
		ck_assert(l4_ok(seg, (size_t)n));
		ck_assert_uint_eq(g32(seg + 44), 5 + (uint32_t)got);
		ck_assert_uint_eq((seg[53] & TCP_PSH) != 0, got + pl == payload);
		ck_assert_mem_eq(seg + 60, b + 60 + got, pl);
		got += pl;
		i++;
	}
	ck_assert_uint_eq(i, 3);
	ck_assert_uint_eq(got, payload);
}
END_TEST

START_TEST(test_segment_refused)
{
	size_t len = tcp4(big, 3000, 1, TCP_ACK, 1);
	struct gso_info h = {GSO_F_NEEDS_CSUM, GSO_TYPE_TCPV4, 52, 1000, 20, 16};
	struct gso_seg s;
	/* size 0, UDP GSO type, IPv6 type on IPv4 */
	h.size = 0;
	ck_assert_int_eq(gso_seg_init(&s, &h, big, len), -1);
	h.size = 1000;
	h.type = 3;
	ck_assert_int_eq(gso_seg_init(&s, &h, big, len), -1);
	h.type = GSO_TYPE_TCPV6;
	ck_assert_int_eq(gso_seg_init(&s, &h, big, len), -1);
	h.type = GSO_TYPE_TCPV4 | GSO_TYPE_ECN;
	ck_assert_int_eq(gso_seg_init(&s, &h, big, len), 0);
	/* not TCP; a fragment; header only; truncated TCP header */
	big[9] = 17;
	ck_assert_int_eq(gso_seg_init(&s, &h, big, len), -1);
	big[9] = 6;
	big[6] = 0x20;	/* MF */
	ck_assert_int_eq(gso_seg_init(&s, &h, big, len), -1);
	big[6] = 0x40;
	ck_assert_int_eq(gso_seg_init(&s, &h, big, 52), -1);
	ck_assert_int_eq(gso_seg_init(&s, &h, big, 40), -1);
	/* IPv6 with an extension header */
	memset(big, 0, 100);
	big[0] = 0x60;
	big[6] = 0;	/* hop-by-hop */
	h.type = GSO_TYPE_TCPV6;
	ck_assert_int_eq(gso_seg_init(&s, &h, big, 100), -1);
	/* out too small */
	len = tcp4(big, 3000, 1, TCP_ACK, 1);
	h.type = GSO_TYPE_TCPV4;
	ck_assert_int_eq(gso_seg_init(&s, &h, big, len), 0);
	ck_assert_int_eq(gso_seg_next(&s, seg, 1051), -1);
	ck_assert_int_eq(gso_seg_next(&s, seg, 1052), 1052);
}
END_TEST

START_TEST(test_csum_complete)
{
	size_t len = tcp4(big, 777, 99, TCP_ACK, 9);	/* odd length */
	set_full4(big, len);
	uint8_t want[2] = {big[36], big[37]};
	set_partial4(big, len);
	ck_assert_int_eq(gso_csum_complete(big, len, 20, 16), 0);
	ck_assert_mem_eq(big + 36, want, 2);
	ck_assert(l4_ok(big, len));
	ck_assert_int_eq(gso_csum_complete(big, len, (uint16_t)(len - 17), 16), -1);
	ck_assert_int_eq(gso_csum_complete(big, len, 20, 15), -1);
	/* gso_l4_csum computes it from scratch, also for UDP */
	big[36] = big[37] = 0x55;
	ck_assert_int_eq(gso_l4_csum(big, len, 20), 0);
	ck_assert_mem_eq(big + 36, want, 2);
	big[9] = 17;
	ck_assert_int_eq(gso_l4_csum(big, len, 20), 0);
	ck_assert(l4_ok(big, len));
	big[9] = 1;
	ck_assert_int_eq(gso_l4_csum(big, len, 20), -1);
}
END_TEST

/* Segments of a super-packet, each in its own buffer, full checksums. */
static unsigned make_segments(uint8_t bufs[][2000], size_t *lens, size_t payload, size_t mss,
			      uint8_t flags)
{
	size_t len = tcp4(big, payload, 1000, flags, 100);
	struct gso_info h = {GSO_F_NEEDS_CSUM, GSO_TYPE_TCPV4, 52, (uint16_t)mss, 20, 16};
	struct gso_seg s;
	ck_assert_int_eq(gso_seg_init(&s, &h, big, len), 0);
	unsigned k = 0;
	int n;
	while ((n = gso_seg_next(&s, bufs[k], 2000)) > 0)
		lens[k++] = (size_t)n;
	return k;
}

static uint8_t segs[64][2000];
static size_t lens[64];

START_TEST(test_coalesce_roundtrip)
{
	const size_t payload = 9000, mss = 1300;
	unsigned k = make_segments(segs, lens, payload, mss, TCP_ACK | TCP_PSH);
	ck_assert_uint_eq(k, 7);
	static uint8_t orig[7][2000];
	memcpy(orig, segs, sizeof(orig));	/* the first one's header is patched */
	struct gso_coal c;
	struct iovec iov[64];
	ck_assert_int_eq(gso_coal_start(&c, segs[0], lens[0]), 0);
	iov[0] = (struct iovec){segs[0], lens[0]};
	for (unsigned i = 1; i < k; i++) {
		size_t off;
		ck_assert(gso_coal_append(&c, segs[i], lens[i], &off));
		ck_assert_uint_eq(off, 52);
		iov[i] = (struct iovec){segs[i] + off, lens[i] - off};
	}
	ck_assert_uint_eq(c.n, k);
	struct gso_info h;
	gso_coal_finish(&c, &h);
	ck_assert_uint_eq(h.type, GSO_TYPE_TCPV4);
	ck_assert_uint_eq(h.flags, GSO_F_NEEDS_CSUM);
	ck_assert_uint_eq(h.size, mss);
	ck_assert_uint_eq(h.hdr_len, 52);
	ck_assert_uint_eq(h.csum_start, 20);
	ck_assert_uint_eq(h.csum_offset, 16);
	size_t len = 0;
	for (unsigned i = 0; i < k; i++) {
		memcpy(out + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	ck_assert_uint_eq(len, 52 + payload);
	ck_assert_uint_eq(g16(out + 2), len);
	ck_assert(ip4_ok(out));
	ck_assert_uint_eq(g32(out + 24), 1000);
	ck_assert_uint_eq(out[33], TCP_ACK | TCP_PSH);	/* the last one's PSH */
	ck_assert_mem_eq(out + 52, big + 52, payload);
	/* what the kernel does with the partial checksum */
	ck_assert_int_eq(gso_csum_complete(out, len, h.csum_start, h.csum_offset), 0);
	ck_assert(l4_ok(out, len));
	/* and segmenting the result again gives the same segments */
	struct gso_seg s;
	ck_assert_int_eq(gso_seg_init(&s, &h, out, len), 0);
	for (unsigned i = 0; i < k; i++) {
		int n = gso_seg_next(&s, seg, sizeof(seg));
		ck_assert_int_eq(n, (int)lens[i]);
		ck_assert_mem_eq(seg, orig[i], lens[i]);
	}
}
END_TEST

START_TEST(test_coalesce_refused)
{
	struct gso_coal c;
	size_t off;
	unsigned k = make_segments(segs, lens, 4000, 1000, TCP_ACK);
	ck_assert_uint_eq(k, 4);
	/* a sequence gap (segment 2 follows 0) */
	ck_assert_int_eq(gso_coal_start(&c, segs[0], lens[0]), 0);
	ck_assert(!gso_coal_append(&c, segs[2], lens[2], &off));
	ck_assert(gso_coal_append(&c, segs[1], lens[1], &off));
	/* another port, TOS, TTL, ack, window, option: another flow / header */
	static const size_t at[] = {21, 1, 8, 31, 35, 51};
	for (size_t j = 0; j < sizeof(at) / sizeof(at[0]); j++) {
		make_segments(segs, lens, 4000, 1000, TCP_ACK);
		segs[1][at[j]] ^= 1;
		fix_ip4(segs[1]);
		set_full4(segs[1], lens[1]);
		ck_assert_int_eq(gso_coal_start(&c, segs[0], lens[0]), 0);
		ck_assert_msg(!gso_coal_append(&c, segs[1], lens[1], &off), "octet %zu", at[j]);
	}
	/* a damaged segment (checksum wrong) is never merged, nor started */
	make_segments(segs, lens, 4000, 1000, TCP_ACK);
	segs[1][100] ^= 0x10;
	ck_assert_int_eq(gso_coal_start(&c, segs[0], lens[0]), 0);
	ck_assert(!gso_coal_append(&c, segs[1], lens[1], &off));
	ck_assert_int_eq(gso_coal_start(&c, segs[1], lens[1]), -1);
	/* PSH on the first, a short segment: nothing may follow */
	k = make_segments(segs, lens, 2500, 1000, TCP_ACK | TCP_PSH);
	ck_assert_uint_eq(k, 3);
	ck_assert_int_eq(gso_coal_start(&c, segs[2], lens[2]), 0);	/* 500, PSH */
	ck_assert(c.closed);
	make_segments(segs, lens, 2500, 1000, TCP_ACK);
	segs[0][33] |= TCP_PSH;
	set_full4(segs[0], lens[0]);
	ck_assert_int_eq(gso_coal_start(&c, segs[0], lens[0]), 0);
	ck_assert(!gso_coal_append(&c, segs[1], lens[1], &off));
	make_segments(segs, lens, 2500, 1000, TCP_ACK);
	ck_assert_int_eq(gso_coal_start(&c, segs[0], lens[0]), 0);
	ck_assert(gso_coal_append(&c, segs[1], lens[1], &off));
	ck_assert(gso_coal_append(&c, segs[2], lens[2], &off));	/* short: last */
	ck_assert(c.closed);
	/* a longer segment than the first */
	k = make_segments(segs, lens, 3000, 1000, TCP_ACK);
	ck_assert_int_eq(gso_coal_start(&c, segs[2], lens[2]), 0);
	size_t l0 = tcp4(seg, 1200, 4000, TCP_ACK, 7);
	set_full4(seg, l0);
	ck_assert(!gso_coal_append(&c, seg, l0, &off));
	/* SYN, FIN, pure ACK, IP options: not candidates */
	static const uint8_t bad_flags[] = {TCP_ACK | TCP_SYN, TCP_ACK | TCP_FIN, TCP_ACK | TCP_CWR, 0};
	for (size_t j = 0; j < sizeof(bad_flags); j++) {
		size_t l = tcp4(seg, 100, 1, bad_flags[j], 1);
		set_full4(seg, l);
		ck_assert_int_eq(gso_coal_start(&c, seg, l), -1);
	}
	size_t l = tcp4(seg, 0, 1, TCP_ACK, 1);
	set_full4(seg, l);
	ck_assert_int_eq(gso_coal_start(&c, seg, l), -1);
	l = tcp4(seg, 100, 1, TCP_ACK, 1);
	set_full4(seg, l);
	ck_assert_int_eq(gso_coal_start(&c, seg, l), 0);
	seg[0] = 0x46;
	ck_assert_int_eq(gso_coal_start(&c, seg, l), -1);
	/* the 64 KB limit: 46 segments fit, a 47th does not */
	k = make_segments(segs, lens, 46 * 1400, 1400, TCP_ACK);
	ck_assert_uint_eq(k, 46);
	ck_assert_int_eq(gso_coal_start(&c, segs[0], lens[0]), 0);
	for (unsigned i = 1; i < k; i++)
		ck_assert(gso_coal_append(&c, segs[i], lens[i], &off));
	ck_assert_uint_eq(c.total, 52 + 46 * 1400);
	l = tcp4(seg, 1400, 1000 + 46 * 1400, TCP_ACK, 1);
	set_full4(seg, l);
	ck_assert(!gso_coal_append(&c, seg, l, &off));
}
END_TEST

/* ------------------------------------------------------------ with a TUN */

/* An IPv4 TCP packet with full checksums; an MSS option if mss. */
static size_t mk_tcp(uint8_t *b, const char *src, const char *dst, uint16_t sp, uint16_t dp,
		     uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *data, size_t n,
		     uint16_t mss)
{
	size_t th = mss ? 24 : 20, len = 20 + th + n;
	memset(b, 0, 20 + th);
	b[0] = 0x45;
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	b[6] = 0x40;
	b[8] = 64;
	b[9] = 6;
	inet_pton(AF_INET, src, b + 12);
	inet_pton(AF_INET, dst, b + 16);
	fix_ip4(b);
	uint8_t *t = b + 20;
	t[0] = (uint8_t)(sp >> 8); t[1] = (uint8_t)sp;
	t[2] = (uint8_t)(dp >> 8); t[3] = (uint8_t)dp;
	for (int i = 0; i < 4; i++) {
		t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	t[12] = (uint8_t)(th / 4 << 4);
	t[13] = flags;
	t[14] = 0xff; t[15] = 0xff;
	if (mss) {
		t[20] = 2; t[21] = 4;
		t[22] = (uint8_t)(mss >> 8); t[23] = (uint8_t)mss;
	}
	if (n)
		memcpy(t + th, data, n);
	ck_assert_int_eq(gso_l4_csum(b, len, 20), 0);
	return len;
}

/* The next IPv4 TCP packet from the TUN, virtio-net header parsed. */
static size_t tun_next_tcp(const struct tun_dev *t, uint8_t *buf, size_t size, struct gso_info *h)
{
	for (int i = 0; i < 100; i++) {
		struct pollfd p = {.fd = t->fd, .events = POLLIN};
		ck_assert_msg(poll(&p, 1, 3000) == 1, "nothing from the TUN");
		ssize_t n = read(t->fd, buf, size);
		ck_assert_int_gt(n, (ssize_t)GSO_VNET_HDR_LEN);
		gso_get_vnet(buf, h);
		uint8_t *pkt = buf + GSO_VNET_HDR_LEN;
		if (pkt[0] == 0x45 && pkt[9] == 6)
			return (size_t)n - GSO_VNET_HDR_LEN;
	}
	ck_abort_msg("no TCP packet from the TUN");
	return 0;
}

static uint8_t rd[GSO_VNET_HDR_LEN + 65536], sent[30000], got_data[30000];

START_TEST(test_tun_offload_netns)
{
	const char *f = getenv("CK_FORK");
	if ((f && strcmp(f, "no") == 0) || unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "test_tun_offload_netns: skipped (no private namespace)\n");
		return;
	}
	struct tun_dev t;
	int rc = tun_open(&t, "Tu9", TUN_F_OFFLOAD);
	if (rc == -ENOENT || rc == -ENODEV || rc == -EPERM) {
		fprintf(stderr, "test_tun_offload_netns: skipped (tun_open: %s)\n", strerror(-rc));
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(tun_set_mtu(&t, 1400), 0);
	ck_assert_int_eq(tun_set_txqlen(&t, 2000), 0);
	ck_assert_int_eq(tun_set_up(&t, true), 0);
	uint8_t a[4];
	inet_pton(AF_INET, "198.18.0.1", a);
	ck_assert_int_eq(tun_addr_add(&t, AF_INET, a, 30, NULL), 0);

	/* a local client connects to the "peer" 198.18.0.2 behind the TUN */
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(5201)};
	inet_pton(AF_INET, "198.18.0.2", &to.sin_addr);
	ck_assert(connect(c, (struct sockaddr *)&to, sizeof(to)) == 0 || errno == EINPROGRESS);
	struct gso_info h;
	uint8_t *pkt = rd + GSO_VNET_HDR_LEN, b[2000];
	size_t n;
	do
		n = tun_next_tcp(&t, rd, sizeof(rd), &h);
	while (!(pkt[33] & TCP_SYN));
	if (h.flags & GSO_F_NEEDS_CSUM)
		ck_assert_int_eq(gso_csum_complete(pkt, n, h.csum_start, h.csum_offset), 0);
	ck_assert(l4_ok(pkt, n));
	uint16_t cport = g16(pkt + 20);
	uint32_t cisn = g32(pkt + 24), sisn = 7000;
	n = mk_tcp(b, "198.18.0.2", "198.18.0.1", 5201, cport, sisn, cisn + 1, TCP_SYN | TCP_ACK,
		   NULL, 0, 1360);
	ck_assert_int_eq(tun_write(&t, b, n), (ssize_t)n);
	struct pollfd p = {.fd = c, .events = POLLOUT};
	ck_assert_int_eq(poll(&p, 1, 3000), 1);

	/* send direction: what the client sends arrives as super-packets */
	for (size_t i = 0; i < sizeof(sent); i++)
		sent[i] = (uint8_t)(i * 13 + 1);
	ck_assert_int_eq(send(c, sent, sizeof(sent), 0), (ssize_t)sizeof(sent));
	size_t have = 0;
	unsigned supers = 0;
	while (have < sizeof(sent)) {
		n = tun_next_tcp(&t, rd, sizeof(rd), &h);
		size_t l4 = 20, hl = l4 + (size_t)(pkt[32] >> 4) * 4;
		if (n == hl)
			continue;	/* the handshake's ACK */
		if (h.type != GSO_TYPE_NONE) {
			ck_assert_uint_eq(h.type, GSO_TYPE_TCPV4);
			ck_assert_uint_le(h.size, 1360);
			struct gso_seg s;
			ck_assert_int_eq(gso_seg_init(&s, &h, pkt, n), 0);
			int m;
			unsigned k = 0;
			while ((m = gso_seg_next(&s, b, sizeof(b))) > 0) {
				ck_assert_uint_le((size_t)m, 1400);
				ck_assert(ip4_ok(b));
				ck_assert(l4_ok(b, (size_t)m));
				uint32_t off = g32(b + 24) - (cisn + 1);
				ck_assert_uint_eq(off, have);
				memcpy(got_data + have, b + hl, (size_t)m - hl);
				have += (size_t)m - hl;
				k++;
			}
			ck_assert_uint_gt(k, 1);
			supers++;
		} else {
			if (h.flags & GSO_F_NEEDS_CSUM)
				ck_assert_int_eq(gso_csum_complete(pkt, n, h.csum_start,
								   h.csum_offset), 0);
			ck_assert(l4_ok(pkt, n));
			ck_assert_uint_eq(g32(pkt + 24) - (cisn + 1), have);
			memcpy(got_data + have, pkt + hl, n - hl);
			have += n - hl;
		}
		/* acknowledge what arrived */
		size_t an = mk_tcp(b, "198.18.0.2", "198.18.0.1", 5201, cport, sisn + 1,
				   cisn + 1 + (uint32_t)have, TCP_ACK, NULL, 0, 0);
		ck_assert_int_eq(tun_write(&t, b, an), (ssize_t)an);
	}
	ck_assert_uint_eq(have, sizeof(sent));
	ck_assert_mem_eq(got_data, sent, sizeof(sent));
	ck_assert_uint_gt(supers, 0);

	/* receive direction: five segments written as one GSO packet */
	static uint8_t sg[5][2000];
	struct iovec iov[5];
	struct gso_coal co;
	for (unsigned i = 0; i < 5; i++) {
		size_t l = mk_tcp(sg[i], "198.18.0.2", "198.18.0.1", 5201, cport,
				  sisn + 1 + 1000 * i, cisn + 1 + (uint32_t)have,
				  TCP_ACK | (i == 4 ? TCP_PSH : 0), sent + 1000 * i, 1000, 0);
		size_t off = 0;
		if (i == 0)
			ck_assert_int_eq(gso_coal_start(&co, sg[0], l), 0);
		else
			ck_assert(gso_coal_append(&co, sg[i], l, &off));
		iov[i] = (struct iovec){sg[i] + off, l - off};
	}
	gso_coal_finish(&co, &h);
	ck_assert_int_eq(tun_write_gso(&t, &h, iov, 5), 40 + 5000);
	size_t r = 0;
	while (r < 5000) {
		p = (struct pollfd){.fd = c, .events = POLLIN};
		ck_assert_msg(poll(&p, 1, 3000) == 1, "the GSO packet did not reach the socket");
		ssize_t k = recv(c, got_data + r, sizeof(got_data) - r, 0);
		ck_assert_int_gt(k, 0);
		r += (size_t)k;
	}
	ck_assert_uint_eq(r, 5000);
	ck_assert_mem_eq(got_data, sent, 5000);
	close(c);
	tun_close(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("userspace_gso");
	TCase *tc = tcase_create("gso");
	tcase_add_test(tc, test_csum_matches_reference);
	tcase_add_test(tc, test_vnet_header);
	tcase_add_test(tc, test_segment_ipv4);
	tcase_add_test(tc, test_segment_ipv6);
	tcase_add_test(tc, test_segment_refused);
	tcase_add_test(tc, test_csum_complete);
	tcase_add_test(tc, test_coalesce_roundtrip);
	tcase_add_test(tc, test_coalesce_refused);
	tcase_add_test(tc, test_tun_offload_netns);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
