/*
 * GRE headers (ipsec/gre.c): the layout written, checked against the
 * octets RFC 2784 / RFC 791 prescribe, and every way gre_decap() and
 * gre_decap_ipv4() refuse a packet (short, flags, version, protocol type,
 * inner packet, delivery header, addresses).
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ipsec/esp.h"
#include "ipsec/gre.h"

static uint32_t a4(const char *s)
{
	uint32_t a;
	ck_assert_int_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* An IPv4 packet of `payload` octets (protocol 1) at b; its length. */
static size_t inner4(uint8_t *b, size_t payload)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)((20 + payload) >> 8);
	b[3] = (uint8_t)(20 + payload);
	b[8] = 64;
	b[9] = 1;
	uint32_t s = a4("198.51.100.5"), d = a4("203.0.113.7");
	memcpy(b + 12, &s, 4);
	memcpy(b + 16, &d, 4);
	for (size_t i = 0; i < payload; i++)
		b[20 + i] = (uint8_t)(i + 1);
	return 20 + payload;
}

START_TEST(test_header_layout)
{
	uint8_t p[128];
	memset(p, 0xee, sizeof(p));
	gre_put_header(p);
	static const uint8_t gre[4] = {0x00, 0x00, 0x08, 0x00};
	ck_assert(memcmp(p, gre, 4) == 0);
	ck_assert_uint_eq(p[4], 0xee);

	/* delivery header + GRE, computed by hand for a 40-octet inner packet:
	 * 45 b8 | 00 40 | 12 34 | 40 00 | ff 2f | csum | c0 00 02 01 | c0 00 02 02 */
	struct gre_delivery d = {.src = a4("192.0.2.1"), .dst = a4("192.0.2.2"), .tos = 0xb8,
				 .df = true, .id = 0x1234};
	size_t n = inner4(p + 24, 20);
	ck_assert_int_eq(gre_put_ipv4(p, &d, n), GRE_OK);
	static const uint8_t hdr[20] = {0x45, 0xb8, 0x00, 0x40, 0x12, 0x34, 0x40, 0x00, 0xff, 0x2f,
					0x00, 0x00, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02};
	ck_assert(memcmp(p, hdr, 10) == 0);
	ck_assert(memcmp(p + 12, hdr + 12, 8) == 0);
	/* RFC 1071 sum by hand: 4500+... folded */
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)(hdr[i] << 8 | hdr[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	ck_assert_uint_eq((unsigned)(p[10] << 8 | p[11]), (~s) & 0xffff);
	ck_assert_uint_eq(esp_inet_checksum(p, 20), 0);
	ck_assert(memcmp(p + 20, gre, 4) == 0);
	/* DF clear */
	d.df = false;
	ck_assert_int_eq(gre_put_ipv4(p, &d, n), GRE_OK);
	ck_assert_uint_eq(p[6], 0);
	ck_assert_uint_eq(esp_inet_checksum(p, 20), 0);
	/* too long for an IPv4 packet */
	ck_assert_int_eq(gre_put_ipv4(p, &d, 65535 - 23), GRE_E_NOSPACE);
}
END_TEST

START_TEST(test_decap_ok_and_trim)
{
	uint8_t p[128];
	gre_put_header(p);
	size_t n = inner4(p + 4, 30);
	size_t off = 0, len = 0;
	/* trailing octets after the inner packet are not delivered */
	ck_assert_int_eq(gre_decap(p, 4 + n + 7, &off, &len), GRE_OK);
	ck_assert_uint_eq(off, 4);
	ck_assert_uint_eq(len, n);

	uint8_t q[160];
	struct gre_delivery d = {.src = a4("192.0.2.1"), .dst = a4("192.0.2.2")};
	n = inner4(q + 24, 10);
	ck_assert_int_eq(gre_put_ipv4(q, &d, n), GRE_OK);
	ck_assert_int_eq(gre_decap_ipv4(q, 24 + n, d.src, d.dst, &off, &len), GRE_OK);
	ck_assert_uint_eq(off, 24);
	ck_assert_uint_eq(len, n);
	/* 0: address not checked */
	ck_assert_int_eq(gre_decap_ipv4(q, 24 + n, 0, 0, &off, &len), GRE_OK);
}
END_TEST

START_TEST(test_decap_refused)
{
	uint8_t p[128], c[128];
	size_t off, len;
	gre_put_header(p);
	size_t n = 4 + inner4(p + 4, 8);

	for (size_t l = 0; l < 4; l++)
		ck_assert_int_eq(gre_decap(p, l, &off, &len), GRE_E_SHORT);
	/* each flag of RFC 2784/2890 (C, R, K, S, s, recursion), reserved0, version */
	static const uint16_t bits[] = {0x8000, 0x4000, 0x2000, 0x1000, 0x0800, 0x0100,
					0x0008, 0x0001, 0x0007};
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		memcpy(c, p, n);
		c[0] |= (uint8_t)(bits[i] >> 8);
		c[1] |= (uint8_t)bits[i];
		ck_assert_int_eq(gre_decap(c, n, &off, &len), GRE_E_FLAGS);
	}
	/* protocol type: IPv6, transparent Ethernet bridging, keepalive (0) */
	static const uint16_t protos[] = {0x86dd, 0x6558, 0x0000};
	for (size_t i = 0; i < 3; i++) {
		memcpy(c, p, n);
		c[2] = (uint8_t)(protos[i] >> 8);
		c[3] = (uint8_t)protos[i];
		ck_assert_int_eq(gre_decap(c, n, &off, &len), GRE_E_PROTO);
	}
	/* inner: too short, not version 4, IHL < 5, total length beyond the data */
	ck_assert_int_eq(gre_decap(p, 4 + 19, &off, &len), GRE_E_INNER);
	memcpy(c, p, n);
	c[4] = 0x65;
	ck_assert_int_eq(gre_decap(c, n, &off, &len), GRE_E_INNER);
	memcpy(c, p, n);
	c[4] = 0x44;
	ck_assert_int_eq(gre_decap(c, n, &off, &len), GRE_E_INNER);
	ck_assert_int_eq(gre_decap(p, n - 1, &off, &len), GRE_E_INNER);
}
END_TEST

START_TEST(test_delivery_refused)
{
	uint8_t q[160], c[160];
	size_t off, len;
	uint32_t peer = a4("192.0.2.1"), local = a4("192.0.2.2");
	struct gre_delivery d = {.src = peer, .dst = local};
	size_t n = 24 + inner4(q + 24, 10);
	ck_assert_int_eq(gre_put_ipv4(q, &d, n - 24), GRE_OK);

	ck_assert_int_eq(gre_decap_ipv4(q, 23, peer, local, &off, &len), GRE_E_SHORT);
	/* from another address / to another address */
	ck_assert_int_eq(gre_decap_ipv4(q, n, a4("192.0.2.9"), local, &off, &len), GRE_E_PEER);
	ck_assert_int_eq(gre_decap_ipv4(q, n, peer, a4("192.0.2.9"), &off, &len), GRE_E_PEER);
	/* not protocol 47; a fragment (MF, offset); total length too long */
	memcpy(c, q, n);
	c[9] = 4;
	ck_assert_int_eq(gre_decap_ipv4(c, n, peer, local, &off, &len), GRE_E_DELIVERY);
	memcpy(c, q, n);
	c[6] = 0x20;
	ck_assert_int_eq(gre_decap_ipv4(c, n, peer, local, &off, &len), GRE_E_DELIVERY);
	memcpy(c, q, n);
	c[7] = 0x01;
	ck_assert_int_eq(gre_decap_ipv4(c, n, peer, local, &off, &len), GRE_E_DELIVERY);
	ck_assert_int_eq(gre_decap_ipv4(q, n - 1, peer, local, &off, &len), GRE_E_DELIVERY);
	memcpy(c, q, n);
	c[0] = 0x65;
	ck_assert_int_eq(gre_decap_ipv4(c, n, peer, local, &off, &len), GRE_E_DELIVERY);
	/* GRE flags behind a good delivery header */
	memcpy(c, q, n);
	c[20] = 0x80;
	ck_assert_int_eq(gre_decap_ipv4(c, n, peer, local, &off, &len), GRE_E_FLAGS);
	ck_assert_str_eq(gre_strerror(GRE_E_FLAGS), "GRE flags or version set");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gre");
	TCase *tc = tcase_create("gre");
	tcase_add_test(tc, test_header_layout);
	tcase_add_test(tc, test_decap_ok_and_trim);
	tcase_add_test(tc, test_decap_refused);
	tcase_add_test(tc, test_delivery_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
