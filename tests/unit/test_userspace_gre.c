/*
 * GRE over IPsec in the userspace data plane: two data planes back to
 * back, SAs installed through the ipsec_backend ops as the engine does
 * (protocol-47 host selectors between 192.0.2.1 and 192.0.2.2), tunnels of
 * kind USERSPACE_TUNNEL_GRE.
 *
 * Covers: transport and tunnel mode round trips (raw ESP and ESP-in-UDP),
 * the exact plaintext layout inside ESP (seen by a receiver whose tunnel is
 * not GRE, so it hands the ESP payload out untouched), overhead and auto
 * MTU arithmetic, GRE drops with their counter (flags, protocol type,
 * short, wrong delivery addresses, IPv6 out), MTU/DF ICMP and MSS clamping.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ipsec/gre.h"
#include "ipsec/userspace.h"

#define BUF 4096
enum { A = 0, B = 1 };
#define TUN_A 10
#define TUN_B 20

static struct userspace_dp *dp[2];
static struct ipsec_backend be[2];
static struct ipsec_addr addr[2];

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* IPv4 packet (198.51.100.5 -> 203.0.113.7) of protocol proto. */
static size_t mk_ipv4(uint8_t *b, uint8_t proto, size_t payload, bool df, uint8_t tos)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	b[1] = tos;
	put16(b + 2, (uint16_t)(20 + payload));
	put16(b + 6, df ? 0x4000 : 0);
	b[8] = 64;
	b[9] = proto;
	inet_pton(AF_INET, "198.51.100.5", b + 12);
	inet_pton(AF_INET, "203.0.113.7", b + 16);
	put16(b + 10, esp_inet_checksum(b, 20));
	for (size_t i = 0; i < payload; i++)
		b[20 + i] = (uint8_t)(i * 7 + 3);
	return 20 + payload;
}

/* TCP SYN with an MSS option of 1460. */
static size_t mk_syn(uint8_t *b)
{
	size_t n = mk_ipv4(b, 6, 24, true, 0);
	uint8_t *t = b + 20;
	memset(t, 0, 24);
	put16(t, 40000);
	put16(t + 2, 80);
	t[12] = 6 << 4;
	t[13] = 0x02;
	t[20] = 2;
	t[21] = 4;
	put16(t + 22, 1460);
	return n;
}

static void ts_host47(struct ipsec_ts *t, const struct ipsec_addr *a)
{
	memset(t, 0, sizeof(*t));
	t->family = 4;
	t->proto = 47;
	t->end_port = 0xffff;
	memcpy(t->start, a->ip, 4);
	memcpy(t->end, a->ip, 4);
}

/* Data planes with tunnels of the given kinds, GCM-128 SAs of `mode`. */
static void setup(enum userspace_tunnel_kind ka, enum userspace_tunnel_kind kb,
		  enum ipsec_sa_mode mode, bool encap)
{
	struct userspace_dp_config c = {.tx_headers = USERSPACE_TX_RAW_L3};
	for (int s = 0; s < 2; s++) {
		dp[s] = userspace_dp_new(&c);
		ck_assert_ptr_nonnull(dp[s]);
		be[s] = userspace_dp_backend(dp[s]);
		memset(&addr[s], 0, sizeof(addr[s]));
		addr[s].family = 4;
		inet_pton(AF_INET, s == A ? "192.0.2.1" : "192.0.2.2", addr[s].ip);
		struct userspace_tunnel_config tc = {.kind = s == A ? ka : kb};
		ck_assert_int_eq(userspace_tunnel_add(dp[s], s == A ? TUN_A : TUN_B, &tc), 0);
	}
	uint32_t spi[2];
	for (int s = 0; s < 2; s++)
		ck_assert_int_eq(be[s].ops->get_spi(be[s].ctx, &addr[!s], &addr[s], IPSEC_PROTO_ESP,
						    &spi[s]), 0);
	for (int s = 0; s < 2; s++) {
		for (int inb = 1; inb >= 0; inb--) {
			struct ipsec_sa_params p;
			memset(&p, 0, sizeof(p));
			int from = inb ? !s : s;
			p.inbound = inb;
			p.key.proto = IPSEC_PROTO_ESP;
			p.key.src = addr[from];
			p.key.dst = addr[!from];
			p.key.spi = inb ? spi[s] : spi[!s];
			p.reqid = 7;
			p.mode = mode;
			p.encr = 20;
			p.encr_keybits = 128;
			p.encr_key_len = 20;
			for (size_t i = 0; i < 20; i++)
				p.encr_key[i] = (uint8_t)(from * 50 + i);
			p.replay_window = 64;
			p.encap = encap;
			if (encap)
				p.encap_sport = p.encap_dport = 4500;
			ts_host47(&p.src_ts[0], &addr[from]);
			ts_host47(&p.dst_ts[0], &addr[!from]);
			p.n_src_ts = p.n_dst_ts = 1;
			ck_assert_int_eq(be[s].ops->add_sa(be[s].ctx, &p), 0);
		}
		ck_assert_int_eq(userspace_tunnel_bind(dp[s], s == A ? TUN_A : TUN_B, 7), 0);
	}
}

static void teardown(void)
{
	for (int s = 0; s < 2; s++)
		userspace_dp_free(dp[s]);
}

/* What A's output produced, into B (raw IPv4 or the UDP payload). */
static int feed_b(uint8_t *out, const struct userspace_tx *tx, struct userspace_rx *rx)
{
	if (tx->l3)
		return userspace_input_ipv4(dp[B], out, tx->len, rx);
	return userspace_input_inplace(dp[B], &tx->src, &tx->dst, out, tx->len, rx);
}

static struct userspace_tunnel_info tinfo(int s)
{
	struct userspace_tunnel_info ti;
	ck_assert_int_eq(userspace_tunnel_info(dp[s], s == A ? TUN_A : TUN_B, &ti), 0);
	return ti;
}

/* _i: bit 0 tunnel mode, bit 1 UDP encapsulation */
START_TEST(test_roundtrip)
{
	bool tunnel = _i & 1, encap = _i & 2;
	setup(USERSPACE_TUNNEL_GRE, USERSPACE_TUNNEL_GRE,
	      tunnel ? IPSEC_SA_TUNNEL : IPSEC_SA_TRANSPORT, encap);
	uint8_t pkt[BUF], out[BUF];
	struct userspace_tx tx;
	struct userspace_rx rx;
	for (size_t pl = 0; pl < 300; pl += 37) {
		size_t n = mk_ipv4(pkt, 17, pl, false, 0x02);
		ck_assert_int_eq(userspace_output(dp[A], TUN_A, pkt, n, out, sizeof(out), &tx),
				 USERSPACE_OK);
		ck_assert_uint_eq(tx.l3, !encap);
		ck_assert_uint_eq(tx.proto, encap ? 17 : 50);
		/* ESP (8 + IV 8) + payload padded to 4 with the 2-octet trailer + ICV 16 */
		size_t esp_pl = n + (tunnel ? 24 : 4);
		size_t esp = 16 + (esp_pl + 2 + 3) / 4 * 4 + 16;
		ck_assert_uint_eq(tx.len, encap ? esp : 20 + esp);
		ck_assert_int_eq(feed_b(out, &tx, &rx), USERSPACE_OK);
		ck_assert(rx.gre);
		ck_assert_uint_eq(rx.transport, !tunnel);
		ck_assert_uint_eq(rx.next_header, tunnel ? 4 : 47);
		ck_assert_uint_eq(rx.tunnel_id, TUN_B);
		ck_assert_uint_eq(rx.len, n);
		ck_assert(memcmp(out + rx.off, pkt, n) == 0);
	}
	struct userspace_tunnel_info ta = tinfo(A), tb = tinfo(B);
	ck_assert_uint_eq(ta.c.pkts_encaps, 9);
	ck_assert_uint_eq(tb.c.pkts_decaps, 9);
	ck_assert_uint_eq(tb.c.gre_dropped, 0);
	ck_assert_uint_eq(tb.c.recv_errors, 0);
	/* overhead: IPv4 20 [+ UDP 8] + ESP 8 + IV 8 + pad 3 + 2 + ICV 16, GRE 4 / 24 */
	ck_assert_uint_eq(userspace_tunnel_overhead(dp[A], TUN_A),
			  20u + (encap ? 8u : 0u) + 37u + (tunnel ? 24u : 4u));
	teardown();
}
END_TEST

/* The plaintext inside ESP, byte by byte: B's tunnel is an sVTI one, so
 * its input hands out the ESP payload without looking at GRE. */
START_TEST(test_layout)
{
	bool tunnel = _i;
	setup(USERSPACE_TUNNEL_GRE, USERSPACE_TUNNEL_SVTI,
	      tunnel ? IPSEC_SA_TUNNEL : IPSEC_SA_TRANSPORT, false);
	uint8_t pkt[BUF], out[BUF];
	struct userspace_tx tx;
	struct userspace_rx rx;
	size_t n = mk_ipv4(pkt, 1, 64, true, 0xb9);
	ck_assert_int_eq(userspace_output(dp[A], TUN_A, pkt, n, out, sizeof(out), &tx), USERSPACE_OK);
	/* outer header: ESP from 192.0.2.1 to 192.0.2.2, DF and TOS copied */
	ck_assert_uint_eq(out[9], 50);
	ck_assert(memcmp(out + 12, addr[A].ip, 4) == 0 && memcmp(out + 16, addr[B].ip, 4) == 0);
	ck_assert_uint_eq(out[6] & 0x40, 0x40);
	ck_assert_uint_eq(out[1], 0xb9);
	int rc = userspace_input_ipv4(dp[B], out, tx.len, &rx);
	ck_assert_int_eq(rc, USERSPACE_OK);
	ck_assert(!rx.gre);
	const uint8_t *p = out + rx.off;
	static const uint8_t gre[4] = {0, 0, 0x08, 0x00};
	if (!tunnel) {
		ck_assert_uint_eq(rx.next_header, 47);
		ck_assert_uint_eq(rx.len, 4 + n);
		ck_assert(memcmp(p, gre, 4) == 0);
		ck_assert(memcmp(p + 4, pkt, n) == 0);
	} else {
		ck_assert_uint_eq(rx.next_header, 4);
		ck_assert_uint_eq(rx.len, 24 + n);
		ck_assert_uint_eq(p[0], 0x45);
		ck_assert_uint_eq(p[1], 0xb9);			/* TOS copied */
		ck_assert_uint_eq(get16(p + 2), 24 + n);
		ck_assert_uint_eq(p[6], 0x40);			/* DF copied */
		ck_assert_uint_eq(p[8], 255);			/* IOS tunnel ttl */
		ck_assert_uint_eq(p[9], 47);
		ck_assert_uint_eq(esp_inet_checksum(p, 20), 0);
		ck_assert(memcmp(p + 12, addr[A].ip, 4) == 0 && memcmp(p + 16, addr[B].ip, 4) == 0);
		ck_assert(memcmp(p + 20, gre, 4) == 0);
		ck_assert(memcmp(p + 24, pkt, n) == 0);
	}
	teardown();
}
END_TEST

/* A sends through an sVTI-kind tunnel whatever it likes (transport:
 * userspace_output_transport with a crafted GRE payload); B's GRE tunnel
 * must drop and count it. */
START_TEST(test_gre_drops_transport)
{
	setup(USERSPACE_TUNNEL_SVTI, USERSPACE_TUNNEL_GRE, IPSEC_SA_TRANSPORT, false);
	uint8_t g[BUF], out[BUF];
	struct userspace_tx tx;
	struct userspace_rx rx;
	size_t n = 4 + mk_ipv4(g + 4, 1, 32, false, 0);
	struct {
		uint16_t flags, proto;
		size_t len;
		int status;
	} cases[] = {
		{0x8000, 0x0800, n, GRE_E_FLAGS},	/* checksum present */
		{0x2000, 0x0800, n, GRE_E_FLAGS},	/* key present */
		{0x0001, 0x0800, n, GRE_E_FLAGS},	/* version 1 (PPTP) */
		{0x0000, 0x86dd, n, GRE_E_PROTO},	/* IPv6 payload */
		{0x0000, 0x0800, 3, GRE_E_SHORT},
		{0x0000, 0x0800, 4 + 19, GRE_E_INNER},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put16(g, cases[i].flags);
		put16(g + 2, cases[i].proto);
		ck_assert_int_eq(userspace_output_transport(dp[A], TUN_A, 47, g, cases[i].len, out,
							    sizeof(out), &tx), USERSPACE_OK);
		ck_assert_int_eq(userspace_input_ipv4(dp[B], out, tx.len, &rx), USERSPACE_E_GRE);
		ck_assert_int_eq(rx.gre_status, cases[i].status);
		ck_assert_uint_eq(tinfo(B).c.gre_dropped, i + 1);
	}
	/* decrypted fine: counted as decapsulated, not as an IPsec error */
	ck_assert_uint_eq(tinfo(B).c.pkts_decaps, 6);
	ck_assert_uint_eq(tinfo(B).c.recv_errors, 0);
	/* a good one still passes */
	put16(g, 0);
	put16(g + 2, 0x0800);
	ck_assert_int_eq(userspace_output_transport(dp[A], TUN_A, 47, g, n, out, sizeof(out), &tx),
			 USERSPACE_OK);
	ck_assert_int_eq(userspace_input_ipv4(dp[B], out, tx.len, &rx), USERSPACE_OK);
	ck_assert(rx.gre);
	ck_assert_uint_eq(rx.len, n - 4);
	teardown();
}
END_TEST

/* Tunnel mode: the delivery header must come from the configured peer. */
START_TEST(test_gre_drops_tunnel)
{
	setup(USERSPACE_TUNNEL_GRE, USERSPACE_TUNNEL_GRE, IPSEC_SA_TUNNEL, false);
	/* B expects the peer 192.0.2.9 (as if "tunnel destination" said so) */
	struct userspace_tunnel_config tc = {.kind = USERSPACE_TUNNEL_GRE};
	inet_pton(AF_INET, "192.0.2.9", &tc.gre_dst);
	ck_assert_int_eq(userspace_tunnel_set(dp[B], TUN_B, &tc), 0);
	uint8_t pkt[BUF], out[BUF];
	struct userspace_tx tx;
	struct userspace_rx rx;
	size_t n = mk_ipv4(pkt, 17, 20, false, 0);
	ck_assert_int_eq(userspace_output(dp[A], TUN_A, pkt, n, out, sizeof(out), &tx), USERSPACE_OK);
	ck_assert_int_eq(userspace_input_ipv4(dp[B], out, tx.len, &rx), USERSPACE_E_GRE);
	ck_assert_int_eq(rx.gre_status, GRE_E_PEER);
	ck_assert_uint_eq(tinfo(B).c.gre_dropped, 1);
	/* the configured source on A's side changes the delivery source: the
	 * selectors (192.0.2.1 only) refuse it before anything is sent */
	struct userspace_tunnel_config ta = {.kind = USERSPACE_TUNNEL_GRE};
	inet_pton(AF_INET, "192.0.2.9", &ta.gre_src);
	ck_assert_int_eq(userspace_tunnel_set(dp[A], TUN_A, &ta), 0);
	ck_assert_int_eq(userspace_output(dp[A], TUN_A, pkt, n, out, sizeof(out), &tx),
			 USERSPACE_E_SELECTOR);
	/* IPv6 is not carried */
	uint8_t v6[60] = {0x60};
	put16(v6 + 4, 20);
	v6[6] = 17;
	ck_assert_int_eq(userspace_output(dp[A], TUN_A, v6, 60, out, sizeof(out), &tx),
			 USERSPACE_E_GRE);
	ck_assert_uint_eq(tinfo(A).c.gre_dropped, 1);
	teardown();
}
END_TEST

START_TEST(test_mtu_mss)
{
	setup(USERSPACE_TUNNEL_GRE, USERSPACE_TUNNEL_GRE, IPSEC_SA_TRANSPORT, false);
	struct userspace_tunnel_config tc = {.kind = USERSPACE_TUNNEL_GRE, .mtu = 1000, .mss4 = 1300};
	inet_pton(AF_INET, "198.18.0.1", &tc.addr4);
	ck_assert_int_eq(userspace_tunnel_set(dp[A], TUN_A, &tc), 0);
	tc.addr4 = 0;
	ck_assert_int_eq(userspace_tunnel_set(dp[B], TUN_B, &tc), 0);
	uint8_t pkt[BUF], out[BUF];
	struct userspace_tx tx;
	struct userspace_rx rx;
	/* DF and over the MTU: fragmentation needed (mtu 1000) from 198.18.0.1 */
	size_t n = mk_ipv4(pkt, 17, 1001 - 20, true, 0);
	ck_assert_int_eq(userspace_output(dp[A], TUN_A, pkt, n, out, sizeof(out), &tx),
			 USERSPACE_ICMP);
	ck_assert_uint_eq(out[9], 1);
	ck_assert_uint_eq(out[20], 3);
	ck_assert_uint_eq(out[21], 4);
	ck_assert_uint_eq(get16(out + 26), 1000);
	uint8_t src[4];
	inet_pton(AF_INET, "198.18.0.1", src);
	ck_assert(memcmp(out + 12, src, 4) == 0);
	/* without DF it is encrypted */
	n = mk_ipv4(pkt, 17, 1001 - 20, false, 0);
	ck_assert_int_eq(userspace_output(dp[A], TUN_A, pkt, n, out, sizeof(out), &tx), USERSPACE_OK);
	/* SYN MSS 1460 -> 1300 on the way out (A) */
	n = mk_syn(pkt);
	ck_assert_int_eq(userspace_output(dp[A], TUN_A, pkt, n, out, sizeof(out), &tx), USERSPACE_OK);
	ck_assert(tx.mss_clamped);
	ck_assert_int_eq(userspace_input_ipv4(dp[B], out, tx.len, &rx), USERSPACE_OK);
	ck_assert_uint_eq(get16(out + rx.off + 20 + 22), 1300);
	/* and on the way in: B clamps to its own (lower) setting */
	tc.mss4 = 1200;
	ck_assert_int_eq(userspace_tunnel_set(dp[B], TUN_B, &tc), 0);
	ck_assert_int_eq(userspace_output(dp[A], TUN_A, pkt, n, out, sizeof(out), &tx), USERSPACE_OK);
	ck_assert_int_eq(userspace_input_ipv4(dp[B], out, tx.len, &rx), USERSPACE_OK);
	ck_assert(rx.mss_clamped);
	ck_assert_uint_eq(get16(out + rx.off + 20 + 22), 1200);
	teardown();
}
END_TEST

/* Without an SA the overhead is the worst case plus the delivery header. */
START_TEST(test_overhead_no_sa)
{
	struct userspace_dp *x = userspace_dp_new(NULL);
	struct userspace_tunnel_config g = {.kind = USERSPACE_TUNNEL_GRE};
	ck_assert_int_eq(userspace_tunnel_add(x, 1, NULL), 0);
	ck_assert_int_eq(userspace_tunnel_add(x, 2, &g), 0);
	ck_assert_uint_eq(userspace_tunnel_overhead(x, 2), userspace_tunnel_overhead(x, 1) + 24);
	struct userspace_tunnel_config bad = {.kind = (enum userspace_tunnel_kind)9};
	ck_assert_int_eq(userspace_tunnel_add(x, 3, &bad), -22);
	userspace_dp_free(x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("userspace_gre");
	TCase *tc = tcase_create("gre");
	tcase_add_loop_test(tc, test_roundtrip, 0, 4);
	tcase_add_loop_test(tc, test_layout, 0, 2);
	tcase_add_test(tc, test_gre_drops_transport);
	tcase_add_test(tc, test_gre_drops_tunnel);
	tcase_add_test(tc, test_mtu_mss);
	tcase_add_test(tc, test_overhead_no_sa);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
