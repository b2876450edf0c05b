/*
 * Userspace data plane (ipsec/userspace*.c): two data planes back to back
 * in one process, SAs installed through the ipsec_backend ops as the IKEv2
 * engine does (and, in the "engine" case, by two real engines), packets
 * pushed through A's output and B's input and back.
 *
 * Covers: GCM-128/256 and CBC-256/SHA-256 with and without UDP
 * encapsulation, the three transmit header modes, counters, replay,
 * tampering, unknown SPI, SA deletion, rekey overlap, SPD (policy-based)
 * lookup and inbound selector checks, transport mode (GRE), get_spi
 * reservations, update_sa (NAT), MTU/DF ICMP and ICMPv6 errors with rate
 * limiting, MSS clamping, lifetime soft/hard events (bytes, packets, time
 * with an injected clock), the engine's rekey on a soft volume event, and
 * TUN devices: IOS name mapping and, as root, a UDP exchange between two
 * network namespaces whose only path is TUN -> A -> B -> TUN.
 *
 * Addresses: outer 192.0.2.1 (A) / 192.0.2.2 (B); inner 198.51.100.0/24
 * behind A, 203.0.113.0/24 behind B.
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
#include <unistd.h>

#include "ikev2_exchange_harness.h"
#include "ipsec/tun.h"
#include "ipsec/userspace.h"

#define BUF 4096

/* ------------------------------------------------------------ packet helpers */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t csum_add(uint32_t s, const uint8_t *d, size_t n)
{
	size_t i;
	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(d[i] << 8 | d[i + 1]);
	if (i < n)
		s += (uint32_t)d[i] << 8;
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void ip4(uint8_t *p, const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET, s, p), 1);
}

static void ip6(uint8_t *p, const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET6, s, p), 1);
}

/* IPv4 packet of protocol proto with `payload` octets of a pattern. */
static size_t mk_ipv4(uint8_t *b, const char *src, const char *dst, uint8_t proto, size_t payload,
		      bool df, uint16_t id)
{
	size_t tot = 20 + payload;
	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)tot);
	put16(b + 4, id);
	put16(b + 6, df ? 0x4000 : 0);
	b[8] = 64;
	b[9] = proto;
	ip4(b + 12, src);
	ip4(b + 16, dst);
	put16(b + 10, esp_inet_checksum(b, 20));
	for (size_t i = 0; i < payload; i++)
		b[20 + i] = (uint8_t)(i * 7 + id);
	return tot;
}

static size_t mk_ipv6(uint8_t *b, const char *src, const char *dst, uint8_t nh, size_t payload)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	put16(b + 4, (uint16_t)payload);
	b[6] = nh;
	b[7] = 64;
	ip6(b + 8, src);
	ip6(b + 24, dst);
	for (size_t i = 0; i < payload; i++)
		b[40 + i] = (uint8_t)(i * 3 + 1);
	return 40 + payload;
}

/* The TCP checksum the segment of this IPv4/IPv6 packet should carry. */
static uint16_t tcp_csum_expected(const uint8_t *p)
{
	uint8_t ph[40];
	size_t off, tlen, phl;
	if (p[0] >> 4 == 4) {
		off = (size_t)(p[0] & 15) * 4;
		tlen = get16(p + 2) - off;
		memcpy(ph, p + 12, 8);
		ph[8] = 0;
		ph[9] = 6;
		put16(ph + 10, (uint16_t)tlen);
		phl = 12;
	} else {
		off = 40;
		tlen = get16(p + 4);
		memcpy(ph, p + 8, 32);
		memset(ph + 32, 0, 8);
		put16(ph + 34, (uint16_t)tlen);
		ph[39] = 6;
		phl = 40;
	}
	uint8_t seg[1500];
	memcpy(seg, p + off, tlen);
	seg[16] = seg[17] = 0;
	return csum_fold(csum_add(csum_add(0, ph, phl), seg, tlen));
}

/* TCP SYN with an MSS option; odd: put the MSS value at an odd offset. */
static size_t mk_syn(uint8_t *b, bool v6, uint16_t mss, bool odd, bool syn)
{
	uint8_t opts[12];
	size_t ol;
	if (odd) {
		uint8_t o[] = {1, 2, 4, (uint8_t)(mss >> 8), (uint8_t)mss, 1, 1, 1};
		memcpy(opts, o, sizeof(o));
		ol = sizeof(o);
	} else {
		uint8_t o[] = {2, 4, (uint8_t)(mss >> 8), (uint8_t)mss, 4, 2, 1, 1,
			       1, 3, 3, 7};	/* MSS, SACK-permitted, NOPs, wscale */
		memcpy(opts, o, sizeof(o));
		ol = sizeof(o);
	}
	size_t tcpl = 20 + ol + 10;	/* 10 octets of data */
	size_t ipl = v6 ? mk_ipv6(b, "2001:db8:a::5", "2001:db8:b::7", 6, tcpl)
			: mk_ipv4(b, "198.51.100.5", "203.0.113.7", 6, tcpl, true, 9);
	uint8_t *t = b + (v6 ? 40 : 20);
	memset(t, 0, 20);
	put16(t, 40000);
	put16(t + 2, 443);
	t[4] = 0x12;
	t[7] = 0x34;
	t[12] = (uint8_t)((20 + ol) / 4) << 4;
	t[13] = syn ? 0x02 : 0x10;
	put16(t + 14, 64240);
	memcpy(t + 20, opts, ol);
	put16(t + 16, tcp_csum_expected(b));
	return ipl;
}

/* ------------------------------------------------------------ world */

static uint64_t t_now;	/* injected clock, ms */

static uint64_t t_clock(void *arg)
{
	(void)arg;
	return t_now;
}

#define MAX_EV 64
static struct userspace_expire t_ev[MAX_EV];
static unsigned t_nev;

static void t_expire(void *arg, const struct userspace_expire *ev)
{
	(void)arg;
	if (t_nev < MAX_EV)
		t_ev[t_nev++] = *ev;
}

enum alg { ALG_GCM128, ALG_GCM256, ALG_CBC256_SHA256, ALG_N };
static const char *alg_name[] = {"gcm128", "gcm256", "cbc256-sha256"};

enum { A = 0, B = 1 };
#define TUN_A 10
#define TUN_B 20

struct world {
	struct userspace_dp *dp[2];
	struct ipsec_backend be[2];
	struct ipsec_addr addr[2];
	/* last installed generation */
	uint32_t spi_in[2];	/* inbound SPI of each side */
};

static struct world w;

struct inst {
	enum alg alg;
	bool encap;
	bool esn;
	uint32_t reqid;
	uint8_t seed;
	enum ipsec_sa_mode mode;
	struct ipsec_sa_lifetime life[2][2];	/* [side][inbound] */
	uint32_t replay_window;
	bool replay_off;
	bool no_tunnel;			/* do not bind to the tunnels */
	const struct ipsec_ts *ts_a, *ts_b;	/* protected traffic of A / B, NULL: any */
};

static void ts_any4(struct ipsec_ts *t)
{
	memset(t, 0, sizeof(*t));
	t->family = 4;
	t->end_port = 0xffff;
	memset(t->end, 0xff, 4);
}

static void ts_net4(struct ipsec_ts *t, const char *net, int plen)
{
	memset(t, 0, sizeof(*t));
	t->family = 4;
	t->end_port = 0xffff;
	ip4(t->start, net);
	uint32_t a = get32(t->start);
	uint32_t mask = plen ? ~0u << (32 - plen) : 0;
	uint32_t e = (a & mask) | ~mask;
	t->end[0] = (uint8_t)(e >> 24);
	t->end[1] = (uint8_t)(e >> 16);
	t->end[2] = (uint8_t)(e >> 8);
	t->end[3] = (uint8_t)e;
}

static void keys(struct ipsec_sa_params *p, enum alg a, uint8_t seed, int from)
{
	uint8_t base = (uint8_t)(seed * 16 + from * 7 + 1);
	switch (a) {
	case ALG_GCM128:
		p->encr = 20, p->encr_keybits = 128, p->encr_key_len = 20;
		break;
	case ALG_GCM256:
		p->encr = 20, p->encr_keybits = 256, p->encr_key_len = 36;
		break;
	default:
		p->encr = 12, p->encr_keybits = 256, p->encr_key_len = 32;
		p->integ = 12, p->integ_key_len = 32;
		break;
	}
	for (size_t i = 0; i < p->encr_key_len; i++)
		p->encr_key[i] = (uint8_t)(base + i * 13);
	for (size_t i = 0; i < p->integ_key_len; i++)
		p->integ_key[i] = (uint8_t)(base + 100 + i * 5);
}

/* Install one CHILD_SA (4 SAs) the way the engine does: get_spi for each
 * inbound SA, then inbound + outbound add_sa on each side, tunnel-bound. */
static void install(const struct inst *o)
{
	uint32_t spi_in[2];
	for (int s = 0; s < 2; s++)
		ck_assert_int_eq(w.be[s].ops->get_spi(w.be[s].ctx, &w.addr[!s], &w.addr[s],
						      IPSEC_PROTO_ESP, &spi_in[s]), 0);
	for (int s = 0; s < 2; s++) {
		for (int inb = 1; inb >= 0; inb--) {
			struct ipsec_sa_params p;
			memset(&p, 0, sizeof(p));
			p.inbound = inb;
			p.key.proto = IPSEC_PROTO_ESP;
			p.key.src = inb ? w.addr[!s] : w.addr[s];
			p.key.dst = inb ? w.addr[s] : w.addr[!s];
			p.key.spi = inb ? spi_in[s] : spi_in[!s];
			p.reqid = o->reqid;
			p.mode = o->mode;
			p.esn = o->esn;
			keys(&p, o->alg, o->seed, inb ? !s : s);
			p.replay_window = o->replay_off ? 0 : o->replay_window ? o->replay_window : 64;
			p.lifetime = o->life[s][inb];
			p.encap = o->encap;
			if (o->encap)
				p.encap_sport = p.encap_dport = 4500;
			/* selectors: traffic leaving key.src's side */
			const struct ipsec_ts *src = (inb ? !s : s) == A ? o->ts_a : o->ts_b;
			const struct ipsec_ts *dst = (inb ? !s : s) == A ? o->ts_b : o->ts_a;
			if (src) {
				p.src_ts[0] = *src;
				p.n_src_ts = 1;
			}
			if (dst) {
				p.dst_ts[0] = *dst;
				p.n_dst_ts = 1;
			}
			p.ike_sa_id = 1;
			p.child_sa_id = o->seed + 1u;
			ck_assert_int_eq(w.be[s].ops->add_sa(w.be[s].ctx, &p), 0);
		}
		if (!o->no_tunnel)
			ck_assert_int_eq(userspace_tunnel_bind(w.dp[s], s == A ? TUN_A : TUN_B, o->reqid), 0);
	}
	w.spi_in[A] = spi_in[A];
	w.spi_in[B] = spi_in[B];
}

static void world_init(enum userspace_tx_headers h)
{
	memset(&w, 0, sizeof(w));
	t_now = 1000000;
	t_nev = 0;
	struct userspace_dp_config c = {
		.now_ms = t_clock, .expire = t_expire, .tx_headers = h, .cbc_iv = ESP_IV_RANDOM,
	};
	for (int s = 0; s < 2; s++) {
		w.dp[s] = userspace_dp_new(&c);
		ck_assert_ptr_nonnull(w.dp[s]);
		w.be[s] = userspace_dp_backend(w.dp[s]);
		w.addr[s].family = 4;
		ip4(w.addr[s].ip, s == A ? "192.0.2.1" : "192.0.2.2");
		ck_assert_int_eq(userspace_tunnel_add(w.dp[s], s == A ? TUN_A : TUN_B, NULL), 0);
	}
}

static void world_fini(void)
{
	for (int s = 0; s < 2; s++)
		userspace_dp_free(w.dp[s]);
	memset(&w, 0, sizeof(w));
}

static struct ipsec_sa_key key_of(int side, bool inbound, uint32_t spi)
{
	struct ipsec_sa_key k = {
		.src = inbound ? w.addr[!side] : w.addr[side],
		.dst = inbound ? w.addr[side] : w.addr[!side],
		.spi = spi,
		.proto = IPSEC_PROTO_ESP,
	};
	return k;
}

/* Hand what an output produced to a data plane, as the socket layer will:
 * a whole IPv4 packet (raw socket) or the UDP payload / bare ESP. */
static int deliver_dp(struct userspace_dp *dp, uint8_t *pkt, size_t len,
		      const struct userspace_tx *tx, uint8_t *inner, size_t *inner_len,
		      struct userspace_rx *rx)
{
	int rc;
	if (tx->l3) {
		uint8_t tmp[BUF];
		memcpy(tmp, pkt, len);
		rc = userspace_input_ipv4(dp, tmp, len, rx);
		if (rc == USERSPACE_OK) {
			memcpy(inner, tmp + rx->off, rx->len);
			*inner_len = rx->len;
		}
	} else {
		rc = userspace_input(dp, &tx->src, &tx->dst, pkt, len, inner, BUF, rx);
		if (rc == USERSPACE_OK) {
			ck_assert_uint_eq(rx->off, 0);
			*inner_len = rx->len;
		}
	}
	return rc;
}

static int deliver(int to, uint8_t *pkt, size_t len, const struct userspace_tx *tx, uint8_t *inner,
		   size_t *inner_len, struct userspace_rx *rx)
{
	return deliver_dp(w.dp[to], pkt, len, tx, inner, inner_len, rx);
}

/* Output on `from` through its tunnel, input on the other side: the inner
 * packet must arrive unchanged. */
static void roundtrip(int from, const uint8_t *pkt, size_t len, struct userspace_tx *tx_out)
{
	uint8_t out[BUF], inner[BUF];
	struct userspace_tx tx;
	struct userspace_rx rx;
	size_t il = 0;
	int rc = userspace_output(w.dp[from], from == A ? TUN_A : TUN_B, pkt, len, out, sizeof(out),
				  &tx);
	ck_assert_msg(rc == USERSPACE_OK, "output: %s (esp %d)", userspace_strerror(rc),
		      tx.esp_status);
	rc = deliver(!from, out, tx.len, &tx, inner, &il, &rx);
	ck_assert_msg(rc == USERSPACE_OK, "input: %s (%s)", userspace_strerror(rc),
		      esp_strerror(rx.esp_status));
	ck_assert_uint_eq(rx.tunnel_id, from == A ? TUN_B : TUN_A);
	ck_assert_uint_eq(il, len);
	ck_assert(memcmp(inner, pkt, len) == 0);
	ck_assert_uint_eq(rx.spi, tx.spi);
	if (tx_out)
		*tx_out = tx;
}

/* ------------------------------------------------------------ tests */

/* _i: alg * 2 + encap */
START_TEST(test_roundtrip)
{
	enum alg alg = (enum alg)(_i / 2);
	bool encap = _i % 2;
	world_init(USERSPACE_TX_RAW_L3);
	struct inst o = {.alg = alg, .encap = encap, .reqid = 1};
	install(&o);
	ck_assert_uint_eq(userspace_sa_count(w.dp[A]), 2);

	const int n = 40;
	uint64_t bytes[2] = {0, 0};
	for (int i = 0; i < n; i++) {
		for (int from = 0; from < 2; from++) {
			uint8_t pkt[BUF];
			size_t payload = (size_t)(1 + (i * 97) % 1380);
			size_t len = from == A ? mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17,
							 payload, i & 1, (uint16_t)i)
					       : mk_ipv4(pkt, "203.0.113.7", "198.51.100.5", 17,
							 payload, false, (uint16_t)i);
			struct userspace_tx tx;
			roundtrip(from, pkt, len, &tx);
			bytes[from] += len;
			ck_assert_uint_eq(tx.spi, w.spi_in[!from]);
			ck_assert_uint_eq(tx.seq, (uint64_t)i + 1);
			if (encap) {
				/* the UDP payload for the NAT-T socket */
				ck_assert(!tx.l3);
				ck_assert_uint_eq(tx.proto, 17);
				ck_assert_uint_eq(tx.dst.port, 4500);
				ck_assert_uint_eq(tx.src.port, 4500);
			} else {
				ck_assert(tx.l3);
				ck_assert_uint_eq(tx.proto, 50);
				ck_assert_uint_eq(tx.dst.port, 0);
			}
			ck_assert(memcmp(tx.dst.ip, w.addr[!from].ip, 4) == 0);
			ck_assert_int_eq(tx.df, from == A && (i & 1));
		}
	}
	/* counters: per tunnel and per SA, in both directions */
	for (int s = 0; s < 2; s++) {
		struct userspace_tunnel_info ti;
		ck_assert_int_eq(userspace_tunnel_info(w.dp[s], s == A ? TUN_A : TUN_B, &ti), 0);
		ck_assert_uint_eq(ti.c.pkts_encaps, n);
		ck_assert_uint_eq(ti.c.pkts_decaps, n);
		ck_assert_uint_eq(ti.c.bytes_encaps, bytes[s]);
		ck_assert_uint_eq(ti.c.bytes_decaps, bytes[!s]);
		ck_assert_uint_eq(ti.c.send_errors + ti.c.recv_errors, 0);
		ck_assert_uint_eq(ti.spi_out, w.spi_in[!s]);
		ck_assert_uint_eq(ti.reqid, 1);
		ck_assert_int_eq(ti.encap, encap);

		struct userspace_sa_info si;
		ck_assert_int_eq(userspace_sa_info(w.dp[s], w.spi_in[!s], false, &si), 0);
		ck_assert_uint_eq(si.c.pkts_encaps, n);
		ck_assert_uint_eq(si.esp.packets, n);
		ck_assert_uint_eq(si.seq, n);
		ck_assert(si.current);
		ck_assert_uint_eq(si.tunnel_id, s == A ? TUN_A : TUN_B);
		ck_assert_uint_eq(si.iv_len, alg == ALG_CBC256_SHA256 ? 16 : 8);
		ck_assert_int_eq(userspace_sa_info(w.dp[s], w.spi_in[s], true, &si), 0);
		ck_assert_uint_eq(si.c.pkts_decaps, n);
		ck_assert_uint_eq(si.c.bytes_decaps, bytes[!s]);
		ck_assert_uint_eq(si.seq, n);	/* highest received */

		/* query_sa as the engine sees it (DPD, show) */
		struct ipsec_sa_stats st;
		struct ipsec_sa_key k = key_of(s, true, w.spi_in[s]);
		ck_assert_int_eq(w.be[s].ops->query_sa(w.be[s].ctx, &k, &st), 0);
		ck_assert_uint_eq(st.packets, n);
		ck_assert_uint_eq(st.bytes, bytes[!s]);
		ck_assert_uint_eq(st.use_ms, t_now);
		ck_assert_uint_eq(st.add_ms, 1000000);
	}
	world_fini();
}
END_TEST

/* Raw ESP over IPv4 as a full packet: header fields and checksum. */
START_TEST(test_outer_ipv4_header)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct userspace_tunnel_config tc = {.df = USERSPACE_DF_SET};
	ck_assert_int_eq(userspace_tunnel_set(w.dp[A], TUN_A, &tc), 0);
	struct inst o = {.alg = ALG_GCM128, .reqid = 1};
	install(&o);
	uint8_t pkt[BUF], out[BUF];
	size_t len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 100, false, 1);
	pkt[1] = 0xb8 | 2;	/* DSCP EF, ECT(0) */
	put16(pkt + 10, 0);
	put16(pkt + 10, esp_inet_checksum(pkt, 20));
	struct userspace_tx tx;
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx), 0);
	ck_assert(tx.l3);
	ck_assert_uint_eq(out[0], 0x45);
	ck_assert_uint_eq(out[1], 0xba);	/* TOS copied, ECN included */
	ck_assert_uint_eq(get16(out + 2), tx.len);
	ck_assert_uint_eq(get16(out + 6), 0x4000);	/* df-bit set */
	ck_assert_uint_eq(out[9], 50);
	ck_assert(memcmp(out + 12, w.addr[A].ip, 4) == 0);
	ck_assert(memcmp(out + 16, w.addr[B].ip, 4) == 0);
	ck_assert_uint_eq(esp_inet_checksum(out, 20), 0);
	ck_assert_uint_eq(get32(out + 20), w.spi_in[B]);
	/* GCM-128: 20 + 8 + 8 + (120 + 2 -> 124) + 16 */
	ck_assert_uint_eq(tx.len, 20 + 8 + 8 + 124 + 16);

	/* RFC 6040: a CE mark on the outer header reaches the inner one */
	out[1] |= 3;
	put16(out + 10, 0);
	put16(out + 10, esp_inet_checksum(out, 20));
	struct userspace_rx rx;
	ck_assert_int_eq(userspace_input_ipv4(w.dp[B], out, tx.len, &rx), USERSPACE_OK);
	ck_assert_uint_eq(rx.off, 20 + 8 + 8);
	ck_assert_uint_eq(out[rx.off + 1], 0xbb);
	ck_assert_uint_eq(esp_inet_checksum(out + rx.off, 20), 0);
	world_fini();
}
END_TEST

/* The three header modes with and without NAT-T: B always decodes. */
START_TEST(test_header_modes)
{
	enum userspace_tx_headers h = (enum userspace_tx_headers)(_i / 2);
	bool encap = _i % 2;
	world_init(h);
	struct inst o = {.alg = ALG_GCM256, .encap = encap, .reqid = 3};
	install(&o);
	uint8_t pkt[BUF], out[BUF];
	size_t len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 500, false, 1);
	struct userspace_tx tx;
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx), 0);
	size_t esp_len = 8 + 8 + 524 + 16;	/* 520 + 2 -> 524 */
	bool l3 = h == USERSPACE_TX_ALL_L3 || (h == USERSPACE_TX_RAW_L3 && !encap);
	ck_assert_int_eq(tx.l3, l3);
	ck_assert_uint_eq(tx.len, esp_len + (l3 ? 20 : 0) + (l3 && encap ? 8 : 0));
	if (l3) {
		ck_assert_uint_eq(out[9], encap ? 17 : 50);
		ck_assert_uint_eq(esp_inet_checksum(out, 20), 0);
		if (encap) {
			ck_assert_uint_eq(get16(out + 20), 4500);
			ck_assert_uint_eq(get16(out + 22), 4500);
			ck_assert_uint_eq(get16(out + 24), esp_len + 8);
		}
	} else {
		ck_assert_uint_eq(get32(out), w.spi_in[B]);
	}
	struct userspace_rx rx;
	uint8_t inner[BUF];
	size_t il = 0;
	ck_assert_int_eq(deliver(B, out, tx.len, &tx, inner, &il, &rx), USERSPACE_OK);
	ck_assert_uint_eq(il, len);
	ck_assert(memcmp(inner, pkt, len) == 0);
	world_fini();
}
END_TEST

/* IPv6 outer addresses, IPv6 and IPv4 inner packets (_i: encap). */
START_TEST(test_ipv6_outer)
{
	bool encap = _i;
	world_init(USERSPACE_TX_RAW_L3);
	for (int s = 0; s < 2; s++) {
		w.addr[s].family = 6;
		ip6(w.addr[s].ip, s == A ? "2001:db8::1" : "2001:db8::2");
	}
	struct inst o = {.alg = ALG_GCM256, .encap = encap, .reqid = 1};
	install(&o);
	for (int v6 = 0; v6 < 2; v6++) {
		uint8_t pkt[BUF], out[BUF];
		size_t len = v6 ? mk_ipv6(pkt, "2001:db8:a::5", "2001:db8:b::7", 17, 300)
				: mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 300, false, 1);
		pkt[1] |= v6 ? 0x20 : 0x02;	/* ECT(0) */
		if (!v6) {
			put16(pkt + 10, 0);
			put16(pkt + 10, esp_inet_checksum(pkt, 20));
		}
		struct userspace_tx tx;
		struct userspace_rx rx;
		ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx), 0);
		ck_assert_int_eq(tx.dst.family, 6);
		ck_assert(memcmp(tx.dst.ip, w.addr[B].ip, 16) == 0);
		size_t off = 0;
		if (encap) {
			ck_assert(!tx.l3);
			ck_assert_uint_eq(tx.proto, 17);
		} else {
			/* raw ESP with an IPv6 header */
			ck_assert(tx.l3);
			ck_assert_uint_eq(out[0] >> 4, 6);
			ck_assert_uint_eq(get16(out + 4), tx.len - 40);
			ck_assert_uint_eq(out[6], 50);
			ck_assert(memcmp(out + 8, w.addr[A].ip, 16) == 0);
			ck_assert(memcmp(out + 24, w.addr[B].ip, 16) == 0);
			/* traffic class = the inner TOS / traffic class */
			uint8_t tc = (uint8_t)((out[0] & 15) << 4 | out[1] >> 4);
			ck_assert_uint_eq(tc, 0x02);
			off = 40;	/* an IPv6 raw socket delivers no header */
		}
		struct ipsec_addr src = tx.src;
		ck_assert_int_eq(userspace_input_inplace(w.dp[B], &src, &tx.dst, out + off,
							 tx.len - off, &rx), USERSPACE_OK);
		ck_assert_uint_eq(rx.len, len);
		ck_assert_uint_eq(rx.next_header, v6 ? 41 : 4);
		ck_assert(memcmp(out + off + rx.off, pkt, len) == 0);
		ck_assert(!rx.peer_moved);
	}
	world_fini();
}
END_TEST

/* Replayed, tampered, truncated, unknown-SPI and non-ESP input. */
START_TEST(test_replay_tamper)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct inst o = {.alg = _i, .encap = true, .reqid = 1};
	install(&o);
	uint8_t pkt[BUF], cap[BUF], out[BUF], inner[BUF];
	size_t len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 300, false, 1);
	struct userspace_tx tx;
	struct userspace_rx rx;
	size_t il;
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, cap, sizeof(cap), &tx), 0);
	size_t clen = tx.len;
	ck_assert_int_eq(deliver(B, cap, clen, &tx, inner, &il, &rx), USERSPACE_OK);

	/* the same packet again: replay */
	ck_assert_int_eq(deliver(B, cap, clen, &tx, inner, &il, &rx), USERSPACE_E_ESP);
	ck_assert_int_eq(rx.esp_status, ESP_E_REPLAY);

	/* a flipped bit in the ciphertext of a fresh packet */
	struct userspace_tx tx2;
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx2), 0);
	uint8_t bad[BUF];
	memcpy(bad, out, tx2.len);
	bad[40] ^= 0x10;
	ck_assert_int_eq(deliver(B, bad, tx2.len, &tx2, inner, &il, &rx), USERSPACE_E_ESP);
	ck_assert_int_eq(rx.esp_status, ESP_E_ICV);
	/* the ICV failure did not move the window: the original is accepted */
	ck_assert_int_eq(deliver(B, out, tx2.len, &tx2, inner, &il, &rx), USERSPACE_OK);
	ck_assert(memcmp(inner, pkt, len) == 0);

	/* truncated */
	ck_assert_int_eq(deliver(B, out, 20, &tx2, inner, &il, &rx), USERSPACE_E_ESP);
	ck_assert_int_eq(rx.esp_status, ESP_E_TRUNCATED);

	/* unknown SPI */
	memcpy(bad, out, tx2.len);
	bad[3] ^= 1;
	ck_assert_int_eq(deliver(B, bad, tx2.len, &tx2, inner, &il, &rx), USERSPACE_E_NO_SA);

	/* IKE (non-ESP marker) and a keepalive on the NAT-T port */
	uint8_t ike[32] = {0, 0, 0, 0, 1, 2, 3};
	ck_assert_int_eq(userspace_input(w.dp[B], &tx.src, &tx.dst, ike, sizeof(ike), inner, BUF, &rx),
			 USERSPACE_NOT_ESP);
	ck_assert_int_eq(rx.kind, ESP_RX_IKE);
	ck_assert_uint_eq(rx.len, 28);
	ck_assert_uint_eq(inner[0], 1);
	uint8_t ka = 0xff;
	ck_assert_int_eq(userspace_input(w.dp[B], &tx.src, &tx.dst, &ka, 1, inner, BUF, &rx),
			 USERSPACE_NOT_ESP);
	ck_assert_int_eq(rx.kind, ESP_RX_KEEPALIVE);

	struct userspace_tunnel_info ti;
	ck_assert_int_eq(userspace_tunnel_info(w.dp[B], TUN_B, &ti), 0);
	ck_assert_uint_eq(ti.c.pkts_decaps, 2);
	ck_assert_uint_eq(ti.c.replay_failed, 1);
	ck_assert_uint_eq(ti.c.verify_failed, 1);
	ck_assert_uint_eq(ti.c.invalid_len, 1);
	ck_assert_uint_eq(ti.c.recv_errors, 3);
	struct userspace_sa_info si;
	ck_assert_int_eq(userspace_sa_info(w.dp[B], w.spi_in[B], true, &si), 0);
	ck_assert_uint_eq(si.c.replay_failed, 1);
	ck_assert_uint_eq(si.c.verify_failed, 1);
	ck_assert_uint_eq(si.esp.replay_drops, 1);
	struct userspace_dp_stats ds;
	userspace_dp_get_stats(w.dp[B], &ds);
	ck_assert_uint_eq(ds.invalid_sa_recv, 1);
	ck_assert_uint_eq(ds.not_esp, 2);
	world_fini();
}
END_TEST

START_TEST(test_sa_deleted)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct inst o = {.alg = ALG_GCM128, .reqid = 1};
	install(&o);
	uint8_t pkt[BUF], out[BUF], inner[BUF];
	size_t len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 64, false, 1);
	struct userspace_tx tx;
	struct userspace_rx rx;
	size_t il;
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx), 0);

	/* B's inbound SA goes: the packet in flight is dropped */
	struct ipsec_sa_key k = key_of(B, true, w.spi_in[B]);
	ck_assert_int_eq(w.be[B].ops->del_sa(w.be[B].ctx, &k), 0);
	ck_assert_int_eq(w.be[B].ops->del_sa(w.be[B].ctx, &k), -ENOENT);
	ck_assert_int_eq(deliver(B, out, tx.len, &tx, inner, &il, &rx), USERSPACE_E_NO_SA);

	/* A's outbound SA goes: nothing to send with */
	k = key_of(A, false, w.spi_in[B]);
	ck_assert_int_eq(w.be[A].ops->del_sa(w.be[A].ctx, &k), 0);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_NO_SA);
	struct userspace_tunnel_info ti;
	ck_assert_int_eq(userspace_tunnel_info(w.dp[A], TUN_A, &ti), 0);
	ck_assert_uint_eq(ti.c.no_sa_send, 1);
	ck_assert_uint_eq(ti.spi_out, 0);
	ck_assert_uint_eq(userspace_sa_count(w.dp[A]), 1);
	/* unknown tunnel */
	ck_assert_int_eq(userspace_output(w.dp[A], 99, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_NO_TUNNEL);
	/* moving a reqid to another tunnel takes it from the first one */
	ck_assert_int_eq(userspace_tunnel_add(w.dp[B], 21, NULL), 0);
	ck_assert_int_eq(userspace_tunnel_bind(w.dp[B], 21, 1), 0);
	ck_assert_int_eq(userspace_output(w.dp[B], TUN_B, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_NO_SA);
	ck_assert_int_eq(userspace_output(w.dp[B], 21, pkt, len, out, sizeof(out), &tx), 0);
	ck_assert_int_eq(userspace_tunnel_del(w.dp[B], 21), 0);
	ck_assert_int_eq(userspace_output(w.dp[B], 21, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_NO_TUNNEL);
	ck_assert_int_eq(userspace_tunnel_bind(w.dp[B], TUN_B, 1), 0);
	ck_assert_int_eq(userspace_output(w.dp[B], TUN_B, pkt, len, out, sizeof(out), &tx), 0);
	ck_assert_int_eq(userspace_tunnel_bind(w.dp[B], TUN_B, 0), 0);
	ck_assert_int_eq(userspace_output(w.dp[B], TUN_B, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_NO_SA);
	world_fini();
}
END_TEST

/* Rekey: the new SAs come with the same reqid; both inbound SAs work
 * during the overlap, outbound switches at once, the old ones go. */
START_TEST(test_rekey)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct inst o = {.alg = ALG_CBC256_SHA256, .encap = true, .reqid = 5};
	install(&o);
	uint32_t old_in[2] = {w.spi_in[A], w.spi_in[B]};
	uint8_t pkt[BUF], old_pkt[BUF], inner[BUF];
	size_t len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 6, 200, false, 1);
	struct userspace_tx tx, old_tx;
	struct userspace_rx rx;
	size_t il;
	roundtrip(A, pkt, len, &tx);
	ck_assert_uint_eq(tx.spi, old_in[B]);
	/* one packet still in flight on the old SA */
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, old_pkt, sizeof(old_pkt),
					  &old_tx), 0);

	o.seed = 1;
	install(&o);
	ck_assert_uint_ne(w.spi_in[A], old_in[A]);
	ck_assert_uint_ne(w.spi_in[B], old_in[B]);
	ck_assert_uint_eq(userspace_sa_count(w.dp[A]), 4);
	for (int i = 0; i < 3; i++) {
		roundtrip(A, pkt, len, &tx);
		ck_assert_uint_eq(tx.spi, w.spi_in[B]);
		ck_assert_uint_eq(tx.seq, (uint64_t)i + 1);
		roundtrip(B, pkt, len, &tx);
		ck_assert_uint_eq(tx.spi, w.spi_in[A]);
	}
	struct userspace_sa_info si;
	ck_assert_int_eq(userspace_sa_info(w.dp[A], old_in[B], false, &si), 0);
	ck_assert(!si.current);
	ck_assert_int_eq(userspace_sa_info(w.dp[A], w.spi_in[B], false, &si), 0);
	ck_assert(si.current);
	/* the late packet of the old SA is still accepted */
	ck_assert_int_eq(deliver(B, old_pkt, old_tx.len, &old_tx, inner, &il, &rx), USERSPACE_OK);
	ck_assert_uint_eq(rx.spi, old_in[B]);
	ck_assert_uint_eq(rx.tunnel_id, TUN_B);

	/* the old SAs are deleted */
	for (int s = 0; s < 2; s++) {
		struct ipsec_sa_key k = key_of(s, true, old_in[s]);
		ck_assert_int_eq(w.be[s].ops->del_sa(w.be[s].ctx, &k), 0);
		k = key_of(s, false, old_in[!s]);
		ck_assert_int_eq(w.be[s].ops->del_sa(w.be[s].ctx, &k), 0);
	}
	ck_assert_int_eq(deliver(B, old_pkt, old_tx.len, &old_tx, inner, &il, &rx), USERSPACE_E_NO_SA);
	roundtrip(A, pkt, len, &tx);
	roundtrip(B, pkt, len, &tx);
	/* per-tunnel counters span both generations */
	struct userspace_tunnel_info ti;
	ck_assert_int_eq(userspace_tunnel_info(w.dp[B], TUN_B, &ti), 0);
	ck_assert_uint_eq(ti.c.pkts_decaps, 1 + 3 + 1 + 1);
	ck_assert_uint_eq(ti.c.pkts_encaps, 3 + 1);
	world_fini();
}
END_TEST

/* Policy-based traffic (tunnel 0) through the SPD, inbound selector check. */
START_TEST(test_spd_selectors)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct ipsec_ts ta, tb;
	ts_net4(&ta, "198.51.100.0", 24);
	ts_net4(&tb, "203.0.113.0", 24);
	struct inst o = {.alg = ALG_GCM128, .reqid = 7, .no_tunnel = true, .ts_a = &ta, .ts_b = &tb};
	install(&o);
	/* policies as the engine adds them: out, in, fwd per side */
	for (int s = 0; s < 2; s++) {
		for (int d = IPSEC_POLICY_IN; d <= IPSEC_POLICY_FWD; d++) {
			struct ipsec_policy_params p = {0};
			bool out = d == IPSEC_POLICY_OUT;
			const struct ipsec_ts *local = s == A ? &ta : &tb, *remote = s == A ? &tb : &ta;
			p.dir = (enum ipsec_policy_dir)d;
			p.src_ts = out ? *local : *remote;
			p.dst_ts = out ? *remote : *local;
			p.src = out ? w.addr[s] : w.addr[!s];
			p.dst = out ? w.addr[!s] : w.addr[s];
			p.reqid = 7;
			p.proto = IPSEC_PROTO_ESP;
			ck_assert_int_eq(w.be[s].ops->add_policy(w.be[s].ctx, &p), 0);
			ck_assert_int_eq(w.be[s].ops->add_policy(w.be[s].ctx, &p), -EEXIST);
		}
	}
	ck_assert_uint_eq(userspace_policy_count(w.dp[A]), 3);
	/* a more specific policy of another reqid (no SA): wins for its host */
	struct ipsec_ts host;
	ts_net4(&host, "203.0.113.99", 32);
	struct ipsec_policy_params hp = {.dir = IPSEC_POLICY_OUT, .src_ts = ta, .dst_ts = host,
					 .reqid = 8};
	ck_assert_int_eq(w.be[A].ops->add_policy(w.be[A].ctx, &hp), 0);

	uint8_t pkt[BUF], out[BUF], inner[BUF];
	struct userspace_tx tx;
	struct userspace_rx rx;
	size_t il;
	size_t len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 100, false, 1);
	ck_assert_int_eq(userspace_output(w.dp[A], 0, pkt, len, out, sizeof(out), &tx), USERSPACE_OK);
	ck_assert_uint_eq(tx.spi, w.spi_in[B]);
	ck_assert_uint_eq(tx.tunnel_id, 0);
	ck_assert_int_eq(deliver(B, out, tx.len, &tx, inner, &il, &rx), USERSPACE_OK);
	ck_assert_uint_eq(rx.tunnel_id, 0);
	ck_assert(memcmp(inner, pkt, len) == 0);
	len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.99", 17, 100, false, 1);
	ck_assert_int_eq(userspace_output(w.dp[A], 0, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_NO_SA);
	ck_assert_int_eq(w.be[A].ops->del_policy(w.be[A].ctx, &hp), 0);
	ck_assert_int_eq(w.be[A].ops->del_policy(w.be[A].ctx, &hp), -ENOENT);
	ck_assert_int_eq(userspace_output(w.dp[A], 0, pkt, len, out, sizeof(out), &tx), USERSPACE_OK);
	/* outside every policy */
	len = mk_ipv4(pkt, "192.0.2.77", "203.0.113.7", 17, 100, false, 1);
	ck_assert_int_eq(userspace_output(w.dp[A], 0, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_NO_POLICY);

	/* bind A's side to its tunnel: the tunnel sends whatever comes, but
	 * the SA's selectors still hold: outbound refused, and B refuses an
	 * inner packet outside its inbound SA's selectors */
	ck_assert_int_eq(userspace_tunnel_bind(w.dp[A], TUN_A, 7), 0);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_SELECTOR);
	/* forge one: an SA on A without selectors, same keys as the real one */
	struct ipsec_sa_params p;
	memset(&p, 0, sizeof(p));
	p.key = key_of(A, false, w.spi_in[B]);
	p.key.spi = w.spi_in[B];
	p.reqid = 9;
	keys(&p, ALG_GCM128, 0, A);
	struct userspace_dp *x = userspace_dp_new(NULL);
	struct ipsec_backend xb = userspace_dp_backend(x);
	ck_assert_int_eq(xb.ops->add_sa(xb.ctx, &p), 0);
	ck_assert_int_eq(userspace_tunnel_add(x, 1, NULL), 0);
	ck_assert_int_eq(userspace_tunnel_bind(x, 1, 9), 0);
	struct ipsec_sa_key ka = key_of(A, false, w.spi_in[B]);
	struct ipsec_sa_stats st;
	ck_assert_int_eq(w.be[A].ops->query_sa(w.be[A].ctx, &ka, &st), 0);
	uint8_t xo[BUF];
	/* keep the sequence numbers apart from A's */
	for (uint64_t i = 0; i < st.packets + 5; i++)
		ck_assert_int_eq(userspace_output(x, 1, pkt, len, xo, sizeof(xo), &tx), USERSPACE_OK);
	ck_assert_int_eq(deliver(B, xo, tx.len, &tx, inner, &il, &rx), USERSPACE_E_SELECTOR);
	struct userspace_sa_info si;
	ck_assert_int_eq(userspace_sa_info(w.dp[B], w.spi_in[B], true, &si), 0);
	ck_assert_uint_eq(si.c.invalid_identity, 1);
	userspace_dp_free(x);
	world_fini();
}
END_TEST

/* GRE over IPsec: transport mode, next header 47. */
START_TEST(test_transport_gre)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct ipsec_ts ga, gb;
	memset(&ga, 0, sizeof(ga));
	ga.family = 4;
	ga.proto = 47;
	ga.end_port = 0xffff;
	memcpy(ga.start, w.addr[A].ip, 4);
	memcpy(ga.end, w.addr[A].ip, 4);
	gb = ga;
	memcpy(gb.start, w.addr[B].ip, 4);
	memcpy(gb.end, w.addr[B].ip, 4);
	struct inst o = {.alg = ALG_GCM256, .reqid = 2, .mode = IPSEC_SA_TRANSPORT, .ts_a = &ga,
			 .ts_b = &gb};
	install(&o);
	uint8_t gre[BUF], out[BUF];
	gre[0] = 0;
	gre[1] = 0;
	put16(gre + 2, 0x0800);
	size_t glen = 4 + mk_ipv4(gre + 4, "198.51.100.5", "203.0.113.7", 1, 56, false, 3);
	struct userspace_tx tx;
	struct userspace_rx rx;
	ck_assert_int_eq(userspace_output_transport(w.dp[A], TUN_A, 47, gre, glen, out, sizeof(out),
						    &tx), USERSPACE_OK);
	ck_assert(tx.l3);
	ck_assert_uint_eq(out[9], 50);
	ck_assert_int_eq(userspace_input_ipv4(w.dp[B], out, tx.len, &rx), USERSPACE_OK);
	ck_assert(rx.transport);
	ck_assert_uint_eq(rx.next_header, 47);
	ck_assert_uint_eq(rx.tunnel_id, TUN_B);
	ck_assert_uint_eq(rx.len, glen);
	ck_assert(memcmp(out + rx.off, gre, glen) == 0);
	/* another protocol is outside the selectors; tunnel mode output refused */
	ck_assert_int_eq(userspace_output_transport(w.dp[A], TUN_A, 4, gre + 4, glen - 4, out,
						    sizeof(out), &tx), USERSPACE_E_SELECTOR);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, gre + 4, glen - 4, out, sizeof(out), &tx),
			 USERSPACE_E_INVAL);
	world_fini();
}
END_TEST

START_TEST(test_get_spi)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct ipsec_backend *be = &w.be[A];
	uint32_t spis[200];
	for (int i = 0; i < 200; i++) {
		ck_assert_int_eq(be->ops->get_spi(be->ctx, &w.addr[B], &w.addr[A], 50, &spis[i]), 0);
		ck_assert_uint_ge(spis[i], 256);
		for (int j = 0; j < i; j++)
			ck_assert_uint_ne(spis[i], spis[j]);
	}
	/* reservations are not SAs, and do not take packets */
	ck_assert_uint_eq(userspace_sa_count(w.dp[A]), 0);
	uint8_t esp[64] = {0};
	esp[0] = (uint8_t)(spis[0] >> 24);
	esp[1] = (uint8_t)(spis[0] >> 16);
	esp[2] = (uint8_t)(spis[0] >> 8);
	esp[3] = (uint8_t)spis[0];
	esp[7] = 1;
	struct userspace_rx rx;
	ck_assert_int_eq(userspace_input_inplace(w.dp[A], NULL, NULL, esp, sizeof(esp), &rx),
			 USERSPACE_E_NO_SA);
	/* del_sa releases one; add_sa takes one over */
	struct ipsec_sa_key k = key_of(A, true, spis[1]);
	ck_assert_int_eq(be->ops->del_sa(be->ctx, &k), 0);
	struct ipsec_sa_params p;
	memset(&p, 0, sizeof(p));
	p.inbound = true;
	p.key = key_of(A, true, spis[2]);
	keys(&p, ALG_GCM128, 0, B);
	ck_assert_int_eq(be->ops->add_sa(be->ctx, &p), 0);
	ck_assert_int_eq(be->ops->add_sa(be->ctx, &p), -EEXIST);
	ck_assert_uint_eq(userspace_sa_count(w.dp[A]), 1);
	/* bad parameters */
	p.key.spi = spis[3];
	p.encr_key_len = 19;
	ck_assert_int_eq(be->ops->add_sa(be->ctx, &p), -EINVAL);
	keys(&p, ALG_CBC256_SHA256, 0, B);
	p.integ = 5;	/* AES-XCBC: not supported */
	ck_assert_int_eq(be->ops->add_sa(be->ctx, &p), -EOPNOTSUPP);
	p.integ = 12;
	p.encr = 3;	/* 3DES */
	ck_assert_int_eq(be->ops->add_sa(be->ctx, &p), -EOPNOTSUPP);
	/* unused reservations expire */
	userspace_dp_poll(w.dp[A]);
	t_now += 181000;
	userspace_dp_poll(w.dp[A]);
	struct userspace_dp_stats ds;
	userspace_dp_get_stats(w.dp[A], &ds);
	ck_assert_uint_eq(ds.larval_expired, 198);
	ck_assert_uint_eq(userspace_sa_count(w.dp[A]), 1);
	world_fini();
}
END_TEST

/* NAT mapping change: update_sa moves the peer's port. */
START_TEST(test_update_sa_nat)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct inst o = {.alg = ALG_GCM128, .encap = true, .reqid = 1};
	install(&o);
	uint8_t pkt[BUF], out[BUF], inner[BUF];
	size_t len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 64, false, 1);
	struct userspace_tx tx;
	struct userspace_rx rx;
	size_t il;
	/* B's packets now come from 198.51.100.200:31000 (a NAT) */
	ck_assert_int_eq(userspace_output(w.dp[B], TUN_B, pkt, len, out, sizeof(out), &tx), 0);
	struct ipsec_addr nat = {.family = 4, .port = 31000};
	ip4(nat.ip, "198.51.100.200");
	ck_assert_int_eq(userspace_input(w.dp[A], &nat, &w.addr[A], out, tx.len, inner, BUF, &rx),
			 USERSPACE_OK);
	ck_assert(rx.peer_moved);
	/* IKE follows the peer: A's SAs get the new address and port */
	struct ipsec_sa_update u = {.new_src = w.addr[A], .new_dst = nat, .encap = true,
				    .encap_sport = 4500, .encap_dport = 31000};
	struct ipsec_sa_key k = key_of(A, false, w.spi_in[B]);
	ck_assert_int_eq(w.be[A].ops->update_sa(w.be[A].ctx, &k, &u), 0);
	struct ipsec_sa_update ui = {.new_src = nat, .new_dst = w.addr[A], .encap = true,
				     .encap_sport = 31000, .encap_dport = 4500};
	k = key_of(A, true, w.spi_in[A]);
	ck_assert_int_eq(w.be[A].ops->update_sa(w.be[A].ctx, &k, &ui), 0);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx), 0);
	ck_assert_uint_eq(tx.dst.port, 31000);
	ck_assert(memcmp(tx.dst.ip, nat.ip, 4) == 0);
	ck_assert_int_eq(deliver(B, out, tx.len, &tx, inner, &il, &rx), USERSPACE_OK);
	ck_assert_int_eq(userspace_output(w.dp[B], TUN_B, pkt, len, out, sizeof(out), &tx), 0);
	ck_assert_int_eq(userspace_input(w.dp[A], &nat, &w.addr[A], out, tx.len, inner, BUF, &rx),
			 USERSPACE_OK);
	ck_assert(!rx.peer_moved);
	/* the old key no longer names the SA */
	k = key_of(A, false, w.spi_in[B]);
	ck_assert_int_eq(w.be[A].ops->update_sa(w.be[A].ctx, &k, &u), -ENOENT);
	world_fini();
}
END_TEST

static void check_ipv4_icmp(const uint8_t *ic, size_t n, const uint8_t *orig, const char *src,
			    uint16_t mtu)
{
	uint8_t a[4];
	ck_assert_uint_eq(ic[0], 0x45);
	ck_assert_uint_eq(get16(ic + 2), n);
	ck_assert_uint_eq(ic[9], 1);
	ck_assert_uint_eq(esp_inet_checksum(ic, 20), 0);
	ip4(a, src);
	ck_assert(memcmp(ic + 12, a, 4) == 0);
	ck_assert(memcmp(ic + 16, orig + 12, 4) == 0);	/* back to the sender */
	ck_assert_uint_eq(ic[20], 3);
	ck_assert_uint_eq(ic[21], 4);
	ck_assert_uint_eq(get16(ic + 26), mtu);
	ck_assert_uint_eq(esp_inet_checksum(ic + 20, n - 20), 0);
	ck_assert(memcmp(ic + 28, orig, 28) == 0);	/* header + 8 octets quoted */
	ck_assert_uint_le(n, 576);
}

START_TEST(test_mtu_df_icmp)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct userspace_dp_config c = {.now_ms = t_clock, .icmp_per_sec = 3};
	userspace_dp_free(w.dp[A]);
	w.dp[A] = userspace_dp_new(&c);
	w.be[A] = userspace_dp_backend(w.dp[A]);
	struct userspace_tunnel_config tc = {.mtu = 1400};
	ip4((uint8_t *)&tc.addr4, "198.18.0.1");
	ip6(tc.addr6, "2001:db8:ff::1");
	ck_assert_int_eq(userspace_tunnel_add(w.dp[A], TUN_A, &tc), 0);
	struct ipsec_ts any4;
	ts_any4(&any4);
	struct inst o = {.alg = ALG_GCM128, .reqid = 1, .ts_a = &any4, .ts_b = &any4};
	install(&o);

	uint8_t pkt[BUF], out[BUF];
	struct userspace_tx tx;
	/* exactly the MTU passes; one more with DF is refused with ICMP */
	size_t len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 1380, true, 1);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx), 0);
	len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 1480, true, 2);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_ICMP);
	ck_assert_uint_eq(tx.proto, 1);
	ck_assert_uint_eq(tx.len, 576);
	check_ipv4_icmp(out, tx.len, pkt, "198.18.0.1", 1400);
	/* without DF it is encrypted (the outer packet may be fragmented) */
	len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 1480, false, 3);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx), 0);
	ck_assert(!tx.df);
	/* no ICMP about an ICMP error */
	len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 1, 1480, true, 4);
	pkt[20] = 11;	/* time exceeded */
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_TOO_BIG);
	/* a small packet: the quote is the whole packet */
	uint8_t small[40];
	mk_ipv4(small, "198.51.100.5", "203.0.113.7", 17, 20, true, 5);
	size_t n = userspace_icmp_too_big(small, 40, (const uint8_t *)&tc.addr4, 1300, out,
					  sizeof(out));
	ck_assert_uint_eq(n, 28 + 40);
	check_ipv4_icmp(out, n, small, "198.18.0.1", 1300);

	/* IPv6 over the (IPv4 any/any) tunnel: not within its selectors */
	len = mk_ipv6(pkt, "2001:db8:a::5", "2001:db8:b::7", 17, 1460);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_SELECTOR);
	/* a dual-stack SA: packet too big */
	struct inst o6 = {.alg = ALG_GCM128, .reqid = 2, .seed = 2};	/* no selectors */
	install(&o6);
	len = mk_ipv6(pkt, "2001:db8:a::5", "2001:db8:b::7", 17, 1460);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_ICMP);
	ck_assert_uint_eq(tx.proto, 58);
	ck_assert_uint_eq(tx.len, 1280);
	ck_assert_uint_eq(out[0] >> 4, 6);
	ck_assert_uint_eq(get16(out + 4), 1280 - 40);
	ck_assert_uint_eq(out[6], 58);
	ck_assert(memcmp(out + 24, pkt + 8, 16) == 0);
	ck_assert(memcmp(out + 8, tc.addr6, 16) == 0);
	ck_assert_uint_eq(out[40], 2);
	ck_assert_uint_eq(get32(out + 44), 1400);
	uint8_t ph[8] = {0};
	ph[2] = (uint8_t)((1280 - 40) >> 8);
	ph[3] = (uint8_t)(1280 - 40);
	ph[7] = 58;
	uint32_t s = csum_add(csum_add(0, out + 8, 32), ph, 8);
	ck_assert_uint_eq(csum_fold(csum_add(s, out + 40, 1280 - 40)), 0);
	ck_assert(memcmp(out + 48, pkt, 40) == 0);

	/* rate limit: 3 per second; two were sent in this second */
	len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 1480, true, 6);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_ICMP);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_TOO_BIG);
	t_now += 1000;
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_ICMP);
	struct userspace_tunnel_info ti;
	ck_assert_int_eq(userspace_tunnel_info(w.dp[A], TUN_A, &ti), 0);
	ck_assert_uint_eq(ti.c.icmp_too_big, 4);
	ck_assert_uint_eq(ti.c.too_big_dropped, 2);
	ck_assert_uint_eq(ti.c.pkts_encaps, 2);
	world_fini();
}
END_TEST

START_TEST(test_clamp_mss)
{
	for (int v6 = 0; v6 < 2; v6++) {
		for (int odd = 0; odd < 2; odd++) {
			uint8_t p[256];
			size_t len = mk_syn(p, v6, 1460, odd, true);
			size_t t = v6 ? 40 : 20;
			size_t at = t + 20 + (odd ? 3 : 2);
			ck_assert_uint_eq(get16(p + t + 16), tcp_csum_expected(p));
			ck_assert_int_eq(userspace_clamp_mss(p, len, 1360), 1);
			ck_assert_uint_eq(get16(p + at), 1360);
			ck_assert_uint_eq(get16(p + t + 16), tcp_csum_expected(p));
			/* already small enough */
			ck_assert_int_eq(userspace_clamp_mss(p, len, 1400), 0);
			ck_assert_int_eq(userspace_clamp_mss(p, len, 1360), 0);
			ck_assert_int_eq(userspace_clamp_mss(p, len, 536), 1);
			ck_assert_uint_eq(get16(p + at), 536);
			ck_assert_uint_eq(get16(p + t + 16), tcp_csum_expected(p));
			/* not a SYN */
			len = mk_syn(p, v6, 1460, odd, false);
			ck_assert_int_eq(userspace_clamp_mss(p, len, 1360), 0);
			ck_assert_uint_eq(get16(p + at), 1460);
		}
	}
	/* many values: the incremental checksum always equals a recomputation */
	for (unsigned v = 1; v < 65535; v += 251) {
		uint8_t p[256];
		size_t len = mk_syn(p, false, (uint16_t)v, v & 1, true);
		int r = userspace_clamp_mss(p, len, 1000);
		ck_assert_int_eq(r, v > 1000);
		ck_assert_uint_eq(get16(p + 36), tcp_csum_expected(p));
	}
	/* truncated options, non-TCP: untouched */
	uint8_t p[256];
	size_t len = mk_syn(p, false, 1460, false, true);
	p[20 + 12] = 0xf0;	/* data offset beyond the segment */
	ck_assert_int_eq(userspace_clamp_mss(p, len, 1000), 0);
	len = mk_ipv4(p, "198.51.100.5", "203.0.113.7", 17, 40, false, 1);
	ck_assert_int_eq(userspace_clamp_mss(p, len, 1000), 0);

	/* through the tunnel, both directions */
	world_init(USERSPACE_TX_RAW_L3);
	struct userspace_tunnel_config tc = {.mss4 = 1360};
	ck_assert_int_eq(userspace_tunnel_set(w.dp[A], TUN_A, &tc), 0);
	struct inst o = {.alg = ALG_GCM128, .reqid = 1};
	install(&o);
	uint8_t out[BUF], inner[BUF];
	struct userspace_tx tx;
	struct userspace_rx rx;
	size_t il;
	len = mk_syn(p, false, 1460, false, true);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, p, len, out, sizeof(out), &tx), 0);
	ck_assert(tx.mss_clamped);
	ck_assert_uint_eq(get16(p + 42), 1460);	/* the caller's packet is untouched */
	ck_assert_int_eq(deliver(B, out, tx.len, &tx, inner, &il, &rx), USERSPACE_OK);
	ck_assert_uint_eq(get16(inner + 42), 1360);
	ck_assert_uint_eq(get16(inner + 36), tcp_csum_expected(inner));
	/* B -> A: the SYN-ACK is clamped on the way in */
	ck_assert_int_eq(userspace_output(w.dp[B], TUN_B, p, len, out, sizeof(out), &tx), 0);
	ck_assert(!tx.mss_clamped);
	ck_assert_int_eq(deliver(A, out, tx.len, &tx, inner, &il, &rx), USERSPACE_OK);
	ck_assert(rx.mss_clamped);
	ck_assert_uint_eq(get16(inner + 42), 1360);
	ck_assert_uint_eq(get16(inner + 36), tcp_csum_expected(inner));
	struct userspace_tunnel_info ti;
	ck_assert_int_eq(userspace_tunnel_info(w.dp[A], TUN_A, &ti), 0);
	ck_assert_uint_eq(ti.c.mss_clamped, 2);
	world_fini();
}
END_TEST

static const struct userspace_expire *find_ev(uint32_t spi, bool hard)
{
	for (unsigned i = 0; i < t_nev; i++)
		if (t_ev[i].spi == spi && t_ev[i].hard == hard)
			return &t_ev[i];
	return NULL;
}

/* Soft/hard volume limits on A's outbound SA and B's inbound SA. */
START_TEST(test_lifetime_bytes)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct inst o = {.alg = ALG_GCM128, .reqid = 4};
	o.life[A][0].soft_bytes = 2048;
	o.life[A][0].hard_bytes = 4096;
	o.life[B][1].soft_packets = 2;
	o.life[B][1].hard_packets = 3;
	install(&o);
	uint8_t pkt[BUF];
	size_t len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 1380, false, 1);
	struct userspace_tx tx;
	roundtrip(A, pkt, len, &tx);
	ck_assert_uint_eq(userspace_dp_poll(w.dp[A]), 0);
	roundtrip(A, pkt, len, &tx);	/* 2800 bytes, 2 packets: soft */
	ck_assert_uint_eq(t_nev, 0);	/* only delivered by poll */
	ck_assert_uint_eq(userspace_dp_poll(w.dp[A]), 1);
	ck_assert_uint_eq(userspace_dp_poll(w.dp[B]), 1);
	const struct userspace_expire *e = find_ev(w.spi_in[B], false);
	ck_assert_ptr_nonnull(e);
	ck_assert(!e->inbound);
	ck_assert_uint_eq(e->spi_in, w.spi_in[A]);	/* what the engine knows */
	ck_assert_uint_eq(e->reqid, 4);
	ck_assert_uint_eq(e->child_sa_id, 1);
	e = find_ev(w.spi_in[B], false);
	ck_assert_ptr_nonnull(e);
	/* once only */
	ck_assert_uint_eq(userspace_dp_poll(w.dp[A]), 0);
	roundtrip(A, pkt, len, &tx);	/* 4200 bytes, 3 packets: hard on both */
	ck_assert_uint_eq(userspace_dp_poll(w.dp[A]), 1);
	ck_assert_uint_eq(userspace_dp_poll(w.dp[B]), 1);
	e = find_ev(w.spi_in[B], true);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->spi_in, e->inbound ? w.spi_in[B] : w.spi_in[A]);
	ck_assert_uint_eq(t_nev, 4);
	unsigned inb = 0;
	for (unsigned i = 0; i < t_nev; i++)
		inb += t_ev[i].inbound;
	ck_assert_uint_eq(inb, 2);
	/* the hard-expired SA is not used any more */
	uint8_t out[BUF];
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_NO_SA);
	struct userspace_sa_info si;
	ck_assert_int_eq(userspace_sa_info(w.dp[A], w.spi_in[B], false, &si), 0);
	ck_assert(si.hard_expired && si.soft_expired && !si.current);
	ck_assert_uint_eq(si.remaining_kbytes, 0);
	/* B's inbound SA refuses more */
	ck_assert_int_eq(userspace_sa_info(w.dp[B], w.spi_in[B], true, &si), 0);
	ck_assert(si.hard_expired);
	world_fini();
}
END_TEST

/* Time limits with the injected clock: idle SAs expire through poll. */
START_TEST(test_lifetime_time)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct inst o = {.alg = ALG_CBC256_SHA256, .reqid = 4};
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < 2; i++) {
			o.life[s][i].soft_seconds = 50;
			o.life[s][i].hard_seconds = 60;
		}
	install(&o);
	uint8_t pkt[BUF];
	size_t len = mk_ipv4(pkt, "198.51.100.5", "203.0.113.7", 17, 100, false, 1);
	roundtrip(A, pkt, len, NULL);
	struct userspace_sa_info si;
	ck_assert_int_eq(userspace_sa_info(w.dp[A], w.spi_in[A], true, &si), 0);
	ck_assert_uint_eq(si.remaining_seconds, 60);
	t_now += 49000;
	ck_assert_uint_eq(userspace_dp_poll(w.dp[A]), 0);
	t_now += 1000;
	ck_assert_uint_eq(userspace_dp_poll(w.dp[A]), 2);	/* in + out, soft */
	ck_assert(!t_ev[0].hard && !t_ev[1].hard);
	ck_assert_uint_eq(t_ev[0].spi_in, w.spi_in[A]);
	ck_assert_uint_eq(t_ev[1].spi_in, w.spi_in[A]);
	ck_assert_uint_eq(userspace_dp_poll(w.dp[A]), 0);
	roundtrip(A, pkt, len, NULL);	/* still usable until hard */
	t_now += 10000;
	ck_assert_uint_eq(userspace_dp_poll(w.dp[A]), 2);
	ck_assert(t_ev[2].hard && t_ev[3].hard);
	uint8_t out[BUF];
	struct userspace_tx tx;
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_NO_SA);
	/* B hears of it when it polls or gets a packet */
	ck_assert_int_eq(userspace_output(w.dp[B], TUN_B, pkt, len, out, sizeof(out), &tx),
			 USERSPACE_E_ESP);
	ck_assert_int_eq(tx.esp_status, ESP_E_EXPIRED);
	ck_assert_uint_eq(userspace_dp_poll(w.dp[B]), 2);
	world_fini();
}
END_TEST

/* An expire callback that deletes the SA it is told about (as the engine
 * does for hard events) must be safe. */
static void del_on_expire(void *arg, const struct userspace_expire *ev)
{
	int side = (int)(intptr_t)arg;
	struct ipsec_sa_key k = key_of(side, ev->inbound, ev->spi);
	ck_assert_int_eq(w.be[side].ops->del_sa(w.be[side].ctx, &k), 0);
	t_nev++;
}

START_TEST(test_expire_callback_deletes)
{
	world_init(USERSPACE_TX_RAW_L3);
	struct userspace_dp_config c = {.now_ms = t_clock, .expire = del_on_expire,
					.expire_arg = (void *)(intptr_t)A};
	userspace_dp_free(w.dp[A]);
	w.dp[A] = userspace_dp_new(&c);
	w.be[A] = userspace_dp_backend(w.dp[A]);
	ck_assert_int_eq(userspace_tunnel_add(w.dp[A], TUN_A, NULL), 0);
	/* 40 CHILD_SAs with a 1 s hard limit: more than one event batch */
	for (int i = 0; i < 40; i++) {
		struct inst o = {.alg = ALG_GCM128, .reqid = 100u + (uint32_t)i, .seed = (uint8_t)i};
		o.life[A][0].hard_seconds = o.life[A][1].hard_seconds = 1;
		install(&o);
	}
	ck_assert_uint_eq(userspace_sa_count(w.dp[A]), 80);
	t_now += 1000;
	ck_assert_uint_eq(userspace_dp_poll(w.dp[A]), 80);
	ck_assert_uint_eq(userspace_sa_count(w.dp[A]), 0);
	world_fini();
}
END_TEST

/* ------------------------------------------------------------ engine */

/* Two real IKEv2 engines on two userspace data planes: the engine's
 * parameters (IANA IDs, keys with salt, selectors, policies, reqids) work
 * as installed; a soft volume event makes the engine rekey, after which
 * traffic uses the new SAs. */
static struct userspace_dp *e_dp[2];
static struct ipsec_backend e_be[2];

static void e_expire(void *arg, const struct userspace_expire *ev)
{
	struct hpeer *p = arg;
	ck_assert_int_eq(ikev2_engine_child_expired(p->e, ev->spi_in, ev->hard), 0);
}

static uint32_t e_tunnel(void *arg, const struct ipsec_sa_params *p)
{
	(void)arg;
	(void)p;
	return 7;	/* one sVTI per data plane */
}

START_TEST(test_engine_install_and_rekey)
{
	h_init(NULL, NULL);
	for (int i = 0; i < 2; i++) {
		struct hpeer *p = &hnet.p[i];
		struct userspace_dp_config c = {.now_ms = h_now, .expire = e_expire, .expire_arg = p,
						.tunnel_for_sa = e_tunnel};
		e_dp[i] = userspace_dp_new(&c);
		ck_assert_int_eq(userspace_tunnel_add(e_dp[i], 7, NULL), 0);
		e_be[i] = userspace_dp_backend(e_dp[i]);
		ikev2_engine_free(p->e);
		p->cfg.child.lifetime_kb = 64;	/* soft at 90 %: 57.6 KB */
		p->e = ikev2_engine_new(&h_ops, p, &e_be[i], NULL);
	}
	h_initiate();
	h_pump();
	ck_assert_uint_eq(userspace_sa_count(e_dp[0]), 2);
	ck_assert_uint_eq(userspace_sa_count(e_dp[1]), 2);
	ck_assert_uint_eq(userspace_policy_count(e_dp[0]), 3);

	uint8_t pkt[BUF], out[BUF], inner[BUF];
	struct userspace_tx tx;
	struct userspace_rx rx;
	size_t il;
	size_t len = mk_ipv4(pkt, "10.1.0.5", "10.2.0.7", 17, 1000, false, 1);
	/* policy-based (SPD) and through the tunnel */
	for (uint32_t tid = 0; tid <= 7; tid += 7) {
		ck_assert_int_eq(userspace_output(e_dp[0], tid, pkt, len, out, sizeof(out), &tx), 0);
		ck_assert_int_eq(deliver_dp(e_dp[1], out, tx.len, &tx, inner, &il, &rx),
				 USERSPACE_OK);
		ck_assert_uint_eq(rx.tunnel_id, 7);
		ck_assert(memcmp(inner, pkt, len) == 0);
	}
	uint32_t spi0 = tx.spi;
	/* the engine sees the traffic (DPD) */
	struct h_children ca;
	ck_assert_uint_eq(h_children(PEER_A, &ca), 1);
	ck_assert_uint_eq(ca.c[0].spi_out, spi0);

	/* 57 KB more: A's outbound SA reaches its soft limit; poll tells
	 * the engine, which rekeys the CHILD_SA */
	for (int i = 0; i < 55; i++) {
		ck_assert_int_eq(userspace_output(e_dp[0], 7, pkt, len, out, sizeof(out), &tx), 0);
		ck_assert_int_eq(deliver_dp(e_dp[1], out, tx.len, &tx, inner, &il, &rx),
				 USERSPACE_OK);
	}
	ck_assert_uint_eq(userspace_dp_poll(e_dp[0]), 0);
	ck_assert_int_eq(userspace_output(e_dp[0], 7, pkt, len, out, sizeof(out), &tx), 0);
	ck_assert_uint_eq(userspace_dp_poll(e_dp[0]), 1);
	h_pump();
	ck_assert_uint_eq(h_children(PEER_A, &ca), 1);
	ck_assert_uint_ne(ca.c[0].spi_out, spi0);
	ck_assert_uint_eq(ca.c[0].rekeyed_from != 0, 1);
	ck_assert_uint_eq(userspace_sa_count(e_dp[0]), 2);
	ck_assert_uint_eq(userspace_policy_count(e_dp[0]), 3);
	for (int i = 0; i < 2; i++) {
		int from = i, to = !i;
		size_t l = from ? mk_ipv4(pkt, "10.2.0.7", "10.1.0.5", 17, 1000, false, 1) : len;
		ck_assert_int_eq(userspace_output(e_dp[from], 7, pkt, l, out, sizeof(out), &tx), 0);
		ck_assert_uint_eq(tx.spi, from ? ca.c[0].spi_in : ca.c[0].spi_out);
		ck_assert_int_eq(deliver_dp(e_dp[to], out, tx.len, &tx, inner, &il, &rx),
				 USERSPACE_OK);
		ck_assert(memcmp(inner, pkt, l) == 0);
	}
	h_fini();
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(userspace_sa_count(e_dp[i]), 0);
		ck_assert_uint_eq(userspace_policy_count(e_dp[i]), 0);
		userspace_dp_free(e_dp[i]);
	}
}
END_TEST


/* ------------------------------------------------------------ TUN */

START_TEST(test_tun_names)
{
	char n[IFNAMSIZ];
	ck_assert_int_eq(tun_linux_name("Tunnel0", n, sizeof(n)), 0);
	ck_assert_str_eq(n, "Tu0");
	ck_assert_int_eq(tun_linux_name("Virtual-Access3", n, sizeof(n)), 0);
	ck_assert_str_eq(n, "Vi3");
	ck_assert_int_eq(tun_linux_name("tunnel 12", n, sizeof(n)), 0);
	ck_assert_str_eq(n, "Tu12");
	ck_assert_int_eq(tun_linux_name("Virtual-Template1", n, sizeof(n)), 0);
	ck_assert_str_eq(n, "Vt1");
	ck_assert_int_eq(tun_linux_name("Loopback0/1.5", n, sizeof(n)), 0);
	ck_assert_str_eq(n, "Lo0_1.5");
	ck_assert_int_eq(tun_linux_name("Tunnel", n, sizeof(n)), -EINVAL);
	ck_assert_int_eq(tun_linux_name("Tunnel0x", n, sizeof(n)), -EINVAL);
	ck_assert_int_eq(tun_linux_name("Serial0", n, sizeof(n)), -EINVAL);
	ck_assert_int_eq(tun_linux_name("Tunnel1234567890123", n, sizeof(n)), 0);
	ck_assert_str_eq(n, "Tu1234567890123");
	ck_assert_int_eq(tun_linux_name("Tunnel12345678901234", n, sizeof(n)), -ENAMETOOLONG);
	ck_assert_int_eq(tun_linux_name("Tunnel123", n, 4), -ENAMETOOLONG);
}
END_TEST

static int udp_sock(const char *ip, uint16_t port)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	ip4((uint8_t *)&a.sin_addr, ip);
	ck_assert_msg(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0, "bind %s: %s", ip,
		      strerror(errno));
	return s;
}

static bool wait_in(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) == 1;
}

/* The next IPv4 UDP packet to `port` the kernel routes into the TUN
 * (skipping anything else, e.g. IPv6 router solicitations). */
static size_t tun_next_udp(const struct tun_dev *t, uint16_t port, uint8_t *buf)
{
	for (int i = 0; i < 50; i++) {
		ck_assert_msg(wait_in(t->fd, 3000), "nothing arrived on %s", t->name);
		ssize_t n = tun_read(t, buf, BUF);
		ck_assert_int_gt(n, 0);
		if (n >= 28 && buf[0] == 0x45 && buf[9] == 17 && get16(buf + 22) == port)
			return (size_t)n;
	}
	ck_abort_msg("no UDP packet on %s", t->name);
	return 0;
}

/* One side of the namespace test: a new network namespace with TUN "Tu0"
 * (MTU 1400, addr/plen, up, a route through it) and a UDP socket. */
struct tun_side {
	struct tun_dev t;
	int sock;
};

static bool tun_side_setup(struct tun_side *s, const char *addr, unsigned plen, const char *route,
			   unsigned rplen, uint16_t port)
{
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "test_tun_netns: skipped (unshare: %s)\n", strerror(errno));
		return false;
	}
	int rc = tun_open(&s->t, "Tu0", TUN_F_NONBLOCK);
	if (rc == -ENOENT || rc == -ENODEV || rc == -EPERM) {
		fprintf(stderr, "test_tun_netns: skipped (tun_open: %s)\n", strerror(-rc));
		return false;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(s->t.name, "Tu0");
	ck_assert_int_gt(s->t.ifindex, 0);
	ck_assert_int_eq(tun_set_mtu(&s->t, 1400), 0);
	ck_assert_int_eq(tun_get_mtu(&s->t), 1400);
	ck_assert_int_eq(tun_is_up(&s->t), 0);
	ck_assert_int_eq(tun_set_up(&s->t, true), 0);
	ck_assert_int_eq(tun_is_up(&s->t), 1);
	uint8_t a[4], r[4];
	ip4(a, addr);
	ip4(r, route);
	ck_assert_int_eq(tun_addr_add(&s->t, AF_INET, a, plen, NULL), 0);
	ck_assert_int_eq(tun_addr_add(&s->t, AF_INET, a, plen, NULL), -EEXIST);
	ck_assert_int_eq(tun_route_add(&s->t, AF_INET, r, rplen, 0, 0), 0);
	ck_assert_int_eq(tun_route_add(&s->t, AF_INET, r, rplen, 0, 0), -EEXIST);
	s->sock = udp_sock(addr, port);
	return true;
}

START_TEST(test_tun_netns)
{
	const char *f = getenv("CK_FORK");
	if (f && strcmp(f, "no") == 0) {
		fprintf(stderr, "test_tun_netns: skipped (CK_FORK=no: would leave the namespace)\n");
		return;
	}
	/* "left" LAN host 198.18.0.1 behind A, "right" host 203.0.113.7 behind B */
	struct tun_side l, r;
	if (!tun_side_setup(&l, "198.18.0.1", 30, "203.0.113.0", 24, 40001))
		return;
	ck_assert(tun_side_setup(&r, "203.0.113.7", 32, "198.18.0.0", 30, 5000));

	world_init(USERSPACE_TX_RAW_L3);
	struct inst o = {.alg = ALG_GCM256, .encap = true, .reqid = 1};
	install(&o);

	uint8_t pkt[BUF], out[BUF], inner[BUF];
	struct userspace_tx tx;
	struct userspace_rx rx;
	size_t il = 0;
	char msg[64];
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(5000)};
	ip4((uint8_t *)&to.sin_addr, "203.0.113.7");
	ck_assert_int_eq(sendto(l.sock, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to)), 5);
	size_t n = tun_next_udp(&l.t, 5000, pkt);
	ck_assert_int_eq(userspace_output(w.dp[A], TUN_A, pkt, n, out, sizeof(out), &tx), 0);
	ck_assert_int_eq(deliver(B, out, tx.len, &tx, inner, &il, &rx), USERSPACE_OK);
	ck_assert_uint_eq(rx.tunnel_id, TUN_B);
	ck_assert_int_eq(tun_write(&r.t, inner, il), (ssize_t)il);
	ck_assert(wait_in(r.sock, 3000));
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ck_assert_int_eq(recvfrom(r.sock, msg, sizeof(msg), 0, (struct sockaddr *)&from, &fl), 5);
	ck_assert(memcmp(msg, "hello", 5) == 0);
	ck_assert_uint_eq(ntohs(from.sin_port), 40001);

	/* and the answer back */
	ck_assert_int_eq(sendto(r.sock, "world!", 6, 0, (struct sockaddr *)&from, fl), 6);
	n = tun_next_udp(&r.t, 40001, pkt);
	ck_assert_int_eq(userspace_output(w.dp[B], TUN_B, pkt, n, out, sizeof(out), &tx), 0);
	ck_assert_int_eq(deliver(A, out, tx.len, &tx, inner, &il, &rx), USERSPACE_OK);
	ck_assert_int_eq(tun_write(&l.t, inner, il), (ssize_t)il);
	ck_assert(wait_in(l.sock, 3000));
	ck_assert_int_eq(recv(l.sock, msg, sizeof(msg), 0), 6);
	ck_assert(memcmp(msg, "world!", 6) == 0);

	/* r is the current namespace: remove its route and address, go down */
	uint8_t a[4];
	ip4(a, "198.18.0.0");
	ck_assert_int_eq(tun_route_del(&r.t, AF_INET, a, 30, 0, 0), 0);
	ck_assert_int_lt(tun_route_del(&r.t, AF_INET, a, 30, 0, 0), 0);
	ip4(a, "203.0.113.7");
	ck_assert_int_eq(tun_addr_del(&r.t, AF_INET, a, 32), 0);
	ck_assert_int_eq(tun_set_up(&r.t, false), 0);
	ck_assert_int_eq(tun_is_up(&r.t), 0);
	close(l.sock);
	close(r.sock);
	tun_close(&l.t);
	tun_close(&r.t);
	ck_assert_int_eq(r.t.fd, -1);
	world_fini();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("userspace_dp");
	TCase *tc;

	(void)alg_name;
	tc = tcase_create("traffic");
	tcase_add_loop_test(tc, test_roundtrip, 0, ALG_N * 2);
	tcase_add_test(tc, test_outer_ipv4_header);
	tcase_add_loop_test(tc, test_header_modes, 0, 6);
	tcase_add_test(tc, test_transport_gre);
	tcase_add_loop_test(tc, test_ipv6_outer, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("drops");
	tcase_add_loop_test(tc, test_replay_tamper, 0, ALG_N);
	tcase_add_test(tc, test_sa_deleted);
	tcase_add_test(tc, test_spd_selectors);
	suite_add_tcase(s, tc);

	tc = tcase_create("sad");
	tcase_add_test(tc, test_rekey);
	tcase_add_test(tc, test_get_spi);
	tcase_add_test(tc, test_update_sa_nat);
	suite_add_tcase(s, tc);

	tc = tcase_create("mtu_mss");
	tcase_add_test(tc, test_mtu_df_icmp);
	tcase_add_test(tc, test_clamp_mss);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifetime");
	tcase_add_test(tc, test_lifetime_bytes);
	tcase_add_test(tc, test_lifetime_time);
	tcase_add_test(tc, test_expire_callback_deletes);
	suite_add_tcase(s, tc);

	tc = tcase_create("tun");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tun_names);
	tcase_add_test(tc, test_tun_netns);
	suite_add_tcase(s, tc);

	tc = tcase_create("engine");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_engine_install_and_rekey);
	suite_add_tcase(s, tc);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
