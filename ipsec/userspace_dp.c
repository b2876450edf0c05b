/*
 * Userspace data plane, packet side: output (TUN -> ESP), input (ESP ->
 * TUN), selectors, ICMP "too big" errors, TCP MSS clamping.  Pure functions
 * over caller buffers; no allocation.  See ipsec/userspace.h.
 */
#include <string.h>

#include "ipsec/gre.h"
#include "ipsec/userspace_int.h"

#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_SCTP_ 132
#define IPPROTO_ICMPV6_ 58

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

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Count on the SA and, if there is one, on its tunnel. */
#define CNT(sa, tun, f)                  \
	do {                             \
		(sa)->c.f++;             \
		if (tun)                 \
			(tun)->c.f++;    \
	} while (0)
#define CNT_ADD(sa, tun, f, v)           \
	do {                             \
		(sa)->c.f += (v);        \
		if (tun)                 \
			(tun)->c.f += (v); \
	} while (0)

/* RFC 1624 eqn. 3: checksum after one 16-bit word changed from old to new. */
static uint16_t csum_replace(uint16_t csum, uint16_t old, uint16_t new)
{
	uint32_t s = (uint16_t)~csum + (uint32_t)(uint16_t)~old + new;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* ------------------------------------------------------------ parsing */

struct inner {
	uint8_t ver;
	size_t len;		/* trimmed to the IP length */
	uint8_t proto;		/* upper-layer protocol */
	size_t l4off;		/* 0 when not reached (non-first fragment) */
	bool df;
	bool syn;		/* TCP with SYN, first fragment */
	uint8_t tos;		/* IPv4 TOS / IPv6 traffic class */
	struct us_sel sel;
};

static bool parse_inner(const uint8_t *p, size_t len, struct inner *in)
{
	memset(in, 0, sizeof(*in));
	if (len < 20)
		return false;
	in->ver = p[0] >> 4;
	bool first = true;
	size_t off;
	uint8_t proto;
	if (in->ver == 4) {
		size_t ihl = (size_t)(p[0] & 0x0f) * 4;
		size_t tot = get_be16(p + 2);
		if (ihl < 20 || tot < ihl || tot > len)
			return false;
		in->len = tot;
		in->tos = p[1];
		in->df = (p[6] & 0x40) != 0;
		first = (get_be16(p + 6) & 0x1fff) == 0;
		proto = p[9];
		off = ihl;
		in->sel.family = 4;
		in->sel.src = p + 12;
		in->sel.dst = p + 16;
	} else if (in->ver == 6) {
		if (len < 40)
			return false;
		size_t tot = 40 + (size_t)get_be16(p + 4);
		if (tot > len)
			return false;
		in->len = tot;
		in->tos = (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
		proto = p[6];
		off = 40;
		in->sel.family = 6;
		in->sel.src = p + 8;
		in->sel.dst = p + 24;
		/* hop-by-hop, routing, destination options, fragment */
		for (int i = 0; i < 8; i++) {
			if (proto == 0 || proto == 43 || proto == 60) {
				if (off + 2 > tot)
					return false;
				uint8_t nx = p[off];
				off += ((size_t)p[off + 1] + 1) * 8;
				proto = nx;
			} else if (proto == 44) {
				if (off + 8 > tot)
					return false;
				first = (get_be16(p + off + 2) & 0xfff8) == 0;
				proto = p[off];
				off += 8;
			} else {
				break;
			}
		}
		if (off > tot)
			return false;
	} else {
		return false;
	}
	in->proto = proto;
	in->sel.proto = proto;
	if (!first)
		return true;
	in->l4off = off;
	const uint8_t *l4 = p + off;
	size_t l4len = in->len - off;
	switch (proto) {
	case IPPROTO_TCP_:
		if (l4len >= 14)
			in->syn = (l4[13] & 0x02) != 0;
		/* fall through */
	case IPPROTO_UDP_:
	case IPPROTO_SCTP_:
		if (l4len >= 4) {
			in->sel.has_ports = true;
			in->sel.sport = get_be16(l4);
			in->sel.dport = get_be16(l4 + 2);
		}
		break;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		if (l4len >= 2) {
			in->sel.has_ports = true;
			in->sel.sport = in->sel.dport = get_be16(l4);	/* type, code */
		}
		break;
	}
	return true;
}

/* ------------------------------------------------------------ selectors */

bool us_ts_match(const struct ipsec_ts *ts, uint8_t family, const uint8_t *addr, uint8_t proto,
		 bool has_ports, uint16_t port)
{
	if (ts->family != family)
		return false;
	if (ts->proto && ts->proto != proto)
		return false;
	size_t n = family == 6 ? 16 : 4;
	if (memcmp(addr, ts->start, n) < 0 || memcmp(addr, ts->end, n) > 0)
		return false;
	if (ts->start_port == 0 && ts->end_port == 0xffff)
		return true;	/* any port, also OPAQUE (RFC 4301 4.4.1.1) */
	return has_ports && port >= ts->start_port && port <= ts->end_port;
}

static bool ts_list_match(const struct ipsec_ts *ts, unsigned n, uint8_t family,
			  const uint8_t *addr, uint8_t proto, bool has_ports, uint16_t port)
{
	if (n == 0)
		return true;
	for (unsigned i = 0; i < n; i++)
		if (us_ts_match(&ts[i], family, addr, proto, has_ports, port))
			return true;
	return false;
}

bool us_sa_sel_ok(const struct us_sa *sa, const struct us_sel *s)
{
	if (s->family == 4 ? sa->any4 : sa->any6)
		return true;
	return ts_list_match(sa->src_ts, sa->n_src_ts, s->family, s->src, s->proto, s->has_ports,
			     s->sport) &&
	       ts_list_match(sa->dst_ts, sa->n_dst_ts, s->family, s->dst, s->proto, s->has_ports,
			     s->dport);
}

/* Transport mode: the protocol must be one the selectors allow. */
static bool transport_proto_ok(const struct us_sa *sa, uint8_t proto)
{
	if (sa->n_src_ts == 0)
		return true;
	for (unsigned i = 0; i < sa->n_src_ts; i++)
		if (sa->src_ts[i].proto == 0 || sa->src_ts[i].proto == proto)
			return true;
	return false;
}

static struct us_policy *spd_lookup(struct userspace_dp *dp, const struct us_sel *s)
{
	for (struct us_policy *p = dp->out_pols; p; p = p->next)
		if (us_ts_match(&p->p.src_ts, s->family, s->src, s->proto, s->has_ports, s->sport) &&
		    us_ts_match(&p->p.dst_ts, s->family, s->dst, s->proto, s->has_ports, s->dport))
			return p;
	return NULL;
}

/* ------------------------------------------------------------ MSS */

int userspace_clamp_mss(uint8_t *pkt, size_t len, uint16_t mss)
{
	struct inner in;
	if (!pkt || mss == 0 || !parse_inner(pkt, len, &in) || !in.syn || in.l4off == 0)
		return 0;
	uint8_t *tcp = pkt + in.l4off;
	size_t tlen = in.len - in.l4off;
	if (tlen < 20)
		return 0;
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < 20 || doff > tlen)
		return 0;
	for (size_t i = 20; i < doff;) {
		uint8_t kind = tcp[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= doff)
			break;
		size_t olen = tcp[i + 1];
		if (olen < 2 || i + olen > doff)
			break;
		if (kind == 2 && olen == 4) {
			size_t at = i + 2;
			uint16_t old = get_be16(tcp + at);
			if (old <= mss)
				return 0;
			put_be16(tcp + at, mss);
			/* The checksum sums 16-bit words from the start of the
			 * TCP header (the pseudo-header is a whole number of
			 * words); at an odd offset the value straddles two
			 * words, which is the byte-swapped value (RFC 1071). */
			uint16_t o = old, n = mss;
			if (at & 1) {
				o = (uint16_t)(o << 8 | o >> 8);
				n = (uint16_t)(n << 8 | n >> 8);
			}
			put_be16(tcp + 16, csum_replace(get_be16(tcp + 16), o, n));
			return 1;
		}
		i += olen;
	}
	return 0;
}

/* ------------------------------------------------------------ ICMP */

static uint32_t sum16(const uint8_t *d, size_t n, uint32_t s)
{
	size_t i;
	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(d[i] << 8 | d[i + 1]);
	if (i < n)
		s += (uint32_t)d[i] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

size_t userspace_icmp_too_big(const uint8_t *orig, size_t len, const uint8_t *src, uint16_t mtu,
			      uint8_t *out, size_t out_size)
{
	if (!orig || !src || !out || len < 20)
		return 0;
	if (orig[0] >> 4 == 4) {
		size_t ihl = (size_t)(orig[0] & 0x0f) * 4;
		if (ihl < 20 || ihl > len)
			return 0;
		if (get_be16(orig + 6) & 0x1fff)
			return 0;	/* not the first fragment (RFC 1812 4.3.2.7) */
		if (orig[9] == IPPROTO_ICMP_ && len > ihl) {
			uint8_t t = orig[ihl];
			if (t == 3 || t == 4 || t == 5 || t == 11 || t == 12)
				return 0;	/* never an error about an error */
		}
		const uint8_t *osrc = orig + 12, *odst = orig + 16;
		if (get_be32(osrc) == 0 || osrc[0] >= 224 || odst[0] >= 224)
			return 0;	/* unspecified, multicast, class E, broadcast */
		size_t quote = len < 576 - 28 ? len : 576 - 28;
		size_t n = 28 + quote;
		if (out_size < n)
			return 0;
		uint8_t dst[4];
		memcpy(dst, osrc, 4);
		uint8_t *h = out, *ic = out + 20;
		memmove(ic + 8, orig, quote);	/* orig may lie in out */
		h[0] = 0x45;
		h[1] = 0xc0;	/* internetwork control, as Linux */
		put_be16(h + 2, (uint16_t)n);
		put_be16(h + 4, 0);
		put_be16(h + 6, 0);
		h[8] = 64;
		h[9] = IPPROTO_ICMP_;
		put_be16(h + 10, 0);
		memcpy(h + 12, src, 4);
		memcpy(h + 16, dst, 4);
		put_be16(h + 10, esp_inet_checksum(h, 20));
		ic[0] = 3;	/* destination unreachable */
		ic[1] = 4;	/* fragmentation needed and DF set */
		put_be16(ic + 2, 0);
		put_be16(ic + 4, 0);
		put_be16(ic + 6, mtu);
		put_be16(ic + 2, esp_inet_checksum(ic, 8 + quote));
		return n;
	}
	if (orig[0] >> 4 == 6) {
		static const uint8_t zero[16];
		if (len < 40)
			return 0;
		const uint8_t *osrc = orig + 8;
		if (memcmp(osrc, zero, 16) == 0 || osrc[0] == 0xff)
			return 0;
		if (orig[6] == IPPROTO_ICMPV6_ && len > 40 && orig[40] < 128)
			return 0;	/* an ICMPv6 error message */
		size_t quote = len < 1280 - 48 ? len : 1280 - 48;
		size_t n = 48 + quote;
		if (out_size < n)
			return 0;
		uint8_t dst[16];
		memcpy(dst, osrc, 16);
		uint8_t *h = out, *ic = out + 40;
		memmove(ic + 8, orig, quote);
		h[0] = 0x60;
		h[1] = h[2] = h[3] = 0;
		put_be16(h + 4, (uint16_t)(8 + quote));
		h[6] = IPPROTO_ICMPV6_;
		h[7] = 64;
		memcpy(h + 8, src, 16);
		memcpy(h + 24, dst, 16);
		ic[0] = 2;	/* packet too big */
		ic[1] = 0;
		put_be16(ic + 2, 0);
		put_be32(ic + 4, mtu < 1280 ? 1280 : mtu);
		uint8_t ph[8] = {0};
		put_be32(ph, (uint32_t)(8 + quote));
		ph[7] = IPPROTO_ICMPV6_;
		uint32_t s = sum16(h + 8, 32, 0);
		s = sum16(ph, 8, s);
		s = sum16(ic, 8 + quote, s);
		put_be16(ic + 2, fold(s));
		return n;
	}
	return 0;
}

static bool icmp_allowed(struct userspace_dp *dp, struct us_tunnel *t)
{
	uint64_t now = us_now_ms(dp);
	if (now - t->icmp_window_ms >= 1000 || now < t->icmp_window_ms) {
		t->icmp_window_ms = now;
		t->icmp_count = 0;
	}
	if (t->icmp_count >= dp->cfg.icmp_per_sec)
		return false;
	t->icmp_count++;
	return true;
}

/* ------------------------------------------------------------ output */

static int build_outer_ipv6(uint8_t *buf, size_t *off, size_t *len, const struct us_sa *sa,
			    uint8_t tc, uint8_t nh)
{
	if (*off < 40 || *len > 65535)
		return ESP_E_NOSPACE;
	uint8_t *h = buf + *off - 40;
	h[0] = (uint8_t)(0x60 | tc >> 4);
	h[1] = (uint8_t)(tc << 4);
	h[2] = h[3] = 0;
	put_be16(h + 4, (uint16_t)*len);
	h[6] = nh;
	h[7] = 64;
	memcpy(h + 8, sa->key.src.ip, 16);
	memcpy(h + 24, sa->key.dst.ip, 16);
	*off -= 40;
	*len += 40;
	return ESP_OK;
}

static bool want_df(const struct us_tunnel *tun, bool inner_df)
{
	if (!tun || tun->cfg.df == USERSPACE_DF_COPY)
		return inner_df;
	return tun->cfg.df == USERSPACE_DF_SET;
}

/* Encrypt and frame one payload through sa; fills tx. */
static int encap_send(struct userspace_dp *dp, struct us_sa *sa, struct us_tunnel *tun, uint8_t nh,
		      const uint8_t *payload, size_t len, uint8_t *out, size_t out_size,
		      bool inner_df, uint8_t tos, struct userspace_tx *tx)
{
	struct esp_encap_out eo;
	int rc = esp_encap(&sa->esp, nh, payload, len, out, out_size, sa->tx_headroom, &eo);
	if (rc != ESP_OK) {
		tx->esp_status = rc;
		CNT(sa, tun, send_errors);
		switch (rc) {
		case ESP_E_NOSPACE:
			CNT(sa, tun, internal_err_send);
			return USERSPACE_E_NOSPACE;
		case ESP_E_SEQ_OVERFLOW:
			CNT(sa, tun, replay_rollover_send);
			us_sa_event(dp, sa, true);
			break;
		case ESP_E_EXPIRED:
			CNT(sa, tun, encaps_failed);
			us_sa_event(dp, sa, true);
			break;
		case ESP_E_INNER:
		case ESP_E_NEXT_HEADER:
			CNT(sa, tun, encaps_failed);
			break;
		default:
			CNT(sa, tun, internal_err_send);
			break;
		}
		return USERSPACE_E_ESP;
	}
	/* RFC 6040 normal mode: the outer ECN field is a copy of the inner */
	bool df = want_df(tun, inner_df);
	size_t off = eo.off, plen = eo.len;
	if (sa->tx_l3) {
		uint8_t proto = sa->encap ? ESP_NH_UDP : ESP_PROTO_ESP;
		if (sa->key.dst.family == 6) {
			rc = build_outer_ipv6(out, &off, &plen, sa, tos, proto);
		} else {
			struct esp_outer_ipv4 o = {.id = dp->ip_id++, .tos = tos, .ttl = 64,
						   .df = df ? ESP_DF_SET : ESP_DF_CLEAR};
			memcpy(&o.src, sa->key.src.ip, 4);
			memcpy(&o.dst, sa->key.dst.ip, 4);
			rc = esp_build_outer_ipv4(out, &off, &plen, &o, proto);
		}
		if (rc != ESP_OK) {
			/* too long for an IP packet; the sequence number is spent */
			CNT(sa, tun, send_errors);
			CNT(sa, tun, internal_err_send);
			tx->esp_status = rc;
			return USERSPACE_E_NOSPACE;
		}
	}
	if (off != 0) /* headroom is sized so that the packet starts at out[0] */
		memmove(out, out + off, plen);
	tx->len = plen;
	tx->l3 = sa->tx_l3;
	tx->proto = sa->encap ? ESP_NH_UDP : ESP_PROTO_ESP;
	tx->src = sa->key.src;
	tx->dst = sa->key.dst;
	tx->src.port = sa->encap ? sa->esp.udp_sport : 0;
	tx->dst.port = sa->encap ? sa->esp.udp_dport : 0;
	tx->df = df;
	tx->tos = tos;
	tx->seq = eo.seq;
	CNT(sa, tun, pkts_encaps);
	CNT_ADD(sa, tun, bytes_encaps, len);
	sa->use_ms = us_now_ms(dp);
	us_sa_check_after(dp, sa, eo.rekey_needed);
	return USERSPACE_OK;
}

static int too_big(struct userspace_dp *dp, struct us_tunnel *tun, const struct us_sa *sa,
		   const struct inner *in, const uint8_t *pkt, uint8_t *out, size_t out_size,
		   struct userspace_tx *tx)
{
	uint8_t src[16] = {0};
	static const uint8_t zero[16];
	bool have = false;
	if (in->ver == 4) {
		memcpy(src, &tun->cfg.addr4, 4);
		if (tun->cfg.addr4 == 0 && sa->key.src.family == 4)
			memcpy(src, sa->key.src.ip, 4);
		have = memcmp(src, zero, 4) != 0;
	} else {
		memcpy(src, tun->cfg.addr6, 16);
		have = memcmp(src, zero, 16) != 0;
	}
	size_t n = have ? userspace_icmp_too_big(pkt, in->len, src, tun->cfg.mtu, out, out_size) : 0;
	if (n == 0 || !icmp_allowed(dp, tun)) {
		tun->c.too_big_dropped++;
		return USERSPACE_E_TOO_BIG;
	}
	tun->c.icmp_too_big++;
	tx->len = n;
	tx->l3 = true;
	tx->proto = in->ver == 4 ? IPPROTO_ICMP_ : IPPROTO_ICMPV6_;
	return USERSPACE_ICMP;
}

/* The tunnel's GRE addresses (network order): configured, else the SA's. */
static void gre_addrs(const struct us_tunnel *tun, const struct us_sa *sa, bool outbound,
		      uint32_t *local, uint32_t *peer)
{
	const struct ipsec_addr *l = outbound ? &sa->key.src : &sa->key.dst;
	const struct ipsec_addr *r = outbound ? &sa->key.dst : &sa->key.src;
	*local = tun->cfg.gre_src;
	*peer = tun->cfg.gre_dst;
	if (!*local && l->family == 4)
		memcpy(local, l->ip, 4);
	if (!*peer && r->family == 4)
		memcpy(peer, r->ip, 4);
}

/* GRE tunnel output: MTU check and MSS clamping on the IPv4 packet, then
 * GRE (+ delivery header in tunnel mode) built in place where esp_encap()
 * takes its payload, so the packet is copied once. */
static int gre_output(struct userspace_dp *dp, struct us_tunnel *tun, struct us_sa *sa,
		      const struct inner *in, const uint8_t *pkt, uint8_t *out, size_t out_size,
		      struct userspace_tx *tx)
{
	size_t len = in->len;
	if (in->ver != 4 || sa->key.dst.family != 4) {
		tun->c.gre_dropped++;
		tx->gre_status = GRE_E_PROTO;
		return USERSPACE_E_GRE;
	}
	if (tun->cfg.mtu && len > tun->cfg.mtu && in->df)
		return too_big(dp, tun, sa, in, pkt, out, out_size, tx);
	bool transport = sa->mode == IPSEC_SA_TRANSPORT;
	size_t hdr = transport ? GRE_HDR_LEN : GRE_IPV4_OVERHEAD;
	size_t at = sa->tx_headroom + esp_payload_offset(&sa->esp);
	if (at + hdr + len > out_size) {
		CNT(sa, tun, send_errors);
		CNT(sa, tun, internal_err_send);
		return USERSPACE_E_NOSPACE;
	}
	uint8_t *g = out + at;
	memcpy(g + hdr, pkt, len);
	if (tun->cfg.mss4 && in->syn && userspace_clamp_mss(g + hdr, len, tun->cfg.mss4)) {
		tx->mss_clamped = true;
		CNT(sa, tun, mss_clamped);
	}
	if (transport) {
		if (!transport_proto_ok(sa, GRE_IP_PROTO)) {
			CNT(sa, tun, encaps_failed);
			CNT(sa, tun, send_errors);
			return USERSPACE_E_SELECTOR;
		}
		gre_put_header(g);
		return encap_send(dp, sa, tun, GRE_IP_PROTO, g, hdr + len, out, out_size, in->df,
				  in->tos, tx);
	}
	struct gre_delivery d = {.tos = in->tos, .df = in->df, .id = dp->ip_id++};
	gre_addrs(tun, sa, true, &d.src, &d.dst);
	if (gre_put_ipv4(g, &d, len) != GRE_OK) {
		CNT(sa, tun, send_errors);
		CNT(sa, tun, internal_err_send);
		return USERSPACE_E_NOSPACE;
	}
	/* the delivery packet is what the selectors (proto 47, host to host) see */
	struct us_sel sel = {.family = 4, .src = g + 12, .dst = g + 16, .proto = GRE_IP_PROTO};
	if (!us_sa_sel_ok(sa, &sel)) {
		CNT(sa, tun, encaps_failed);
		CNT(sa, tun, send_errors);
		return USERSPACE_E_SELECTOR;
	}
	return encap_send(dp, sa, tun, ESP_NH_IPV4, g, hdr + len, out, out_size, in->df, in->tos,
			  tx);
}

int userspace_output(struct userspace_dp *dp, uint32_t tunnel_id, const uint8_t *pkt,
		     size_t len, uint8_t *out, size_t out_size, struct userspace_tx *tx)
{
	if (!dp || !pkt || !out || !tx)
		return USERSPACE_E_INVAL;
	memset(tx, 0, sizeof(*tx));
	tx->tunnel_id = tunnel_id;
	struct inner in;
	if (!parse_inner(pkt, len, &in)) {
		dp->st.malformed++;
		return USERSPACE_E_MALFORMED;
	}
	len = in.len;

	struct us_tunnel *tun;
	struct us_sa *sa;
	if (tunnel_id) {
		tun = us_tunnel_find(dp, tunnel_id);
		if (!tun) {
			dp->st.no_tunnel++;
			return USERSPACE_E_NO_TUNNEL;
		}
		sa = tun->rq ? tun->rq->out : NULL;
	} else {
		struct us_policy *pol = spd_lookup(dp, &in.sel);
		if (!pol) {
			dp->st.no_policy++;
			return USERSPACE_E_NO_POLICY;
		}
		sa = pol->rq->out;
		tun = pol->rq->tun;
		tx->tunnel_id = tun ? tun->id : 0;
	}
	if (!sa) {
		if (tun) {
			tun->c.no_sa_send++;
			tun->c.send_errors++;
		}
		return USERSPACE_E_NO_SA;
	}
	tx->spi = sa->key.spi;
	tx->reqid = sa->reqid;
	if (tun && tun->cfg.kind == USERSPACE_TUNNEL_GRE)
		return gre_output(dp, tun, sa, &in, pkt, out, out_size, tx);
	if (sa->mode != IPSEC_SA_TUNNEL || !us_sa_sel_ok(sa, &in.sel)) {
		CNT(sa, tun, encaps_failed);
		CNT(sa, tun, send_errors);
		return sa->mode != IPSEC_SA_TUNNEL ? USERSPACE_E_INVAL : USERSPACE_E_SELECTOR;
	}
	if (tun && tun->cfg.mtu && len > tun->cfg.mtu && (in.ver == 6 || in.df))
		return too_big(dp, tun, sa, &in, pkt, out, out_size, tx);

	const uint8_t *payload = pkt;
	uint16_t mss = !tun ? 0 : in.ver == 4 ? tun->cfg.mss4 : tun->cfg.mss6;
	if (mss && in.syn) {
		/* clamp a copy placed where esp_encap() wants the payload */
		size_t at = sa->tx_headroom + esp_payload_offset(&sa->esp);
		if (at + len <= out_size) {
			memmove(out + at, pkt, len);	/* pkt may be there already */
			payload = out + at;
			if (userspace_clamp_mss(out + at, len, mss)) {
				tx->mss_clamped = true;
				CNT(sa, tun, mss_clamped);
			}
		}
	}
	return encap_send(dp, sa, tun, in.ver == 4 ? ESP_NH_IPV4 : ESP_NH_IPV6, payload, len, out,
			  out_size, in.ver == 4 && in.df, in.tos, tx);
}

size_t userspace_output_offset(struct userspace_dp *dp, uint32_t tunnel_id)
{
	struct us_tunnel *tun = dp && tunnel_id ? us_tunnel_find(dp, tunnel_id) : NULL;
	struct us_sa *sa = tun && tun->rq ? tun->rq->out : NULL;
	if (!sa || tun->cfg.kind == USERSPACE_TUNNEL_GRE)
		return 0;
	return sa->tx_headroom + esp_payload_offset(&sa->esp);
}

int userspace_output_transport(struct userspace_dp *dp, uint32_t tunnel_id, uint8_t proto,
			       const uint8_t *payload, size_t len, uint8_t *out,
			       size_t out_size, struct userspace_tx *tx)
{
	if (!dp || !out || !tx || (!payload && len))
		return USERSPACE_E_INVAL;
	memset(tx, 0, sizeof(*tx));
	tx->tunnel_id = tunnel_id;
	struct us_tunnel *tun = tunnel_id ? us_tunnel_find(dp, tunnel_id) : NULL;
	if (!tun) {
		dp->st.no_tunnel++;
		return USERSPACE_E_NO_TUNNEL;
	}
	struct us_sa *sa = tun->rq ? tun->rq->out : NULL;
	if (!sa) {
		tun->c.no_sa_send++;
		tun->c.send_errors++;
		return USERSPACE_E_NO_SA;
	}
	tx->spi = sa->key.spi;
	tx->reqid = sa->reqid;
	if (sa->mode != IPSEC_SA_TRANSPORT || !transport_proto_ok(sa, proto)) {
		CNT(sa, tun, encaps_failed);
		CNT(sa, tun, send_errors);
		return sa->mode != IPSEC_SA_TRANSPORT ? USERSPACE_E_INVAL : USERSPACE_E_SELECTOR;
	}
	return encap_send(dp, sa, tun, proto, payload, len, out, out_size, false, 0, tx);
}

/* ------------------------------------------------------------ input */

static bool moved(const struct us_sa *sa, const struct ipsec_addr *src)
{
	if (!src || !src->family || !sa->key.src.family)
		return false;
	if (src->family != sa->key.src.family ||
	    memcmp(src->ip, sa->key.src.ip, src->family == 6 ? 16 : 4) != 0)
		return true;
	return sa->encap && src->port && sa->encap_sport && src->port != sa->encap_sport;
}

/* GRE tunnel input, after ESP: check the selectors (tunnel mode: the
 * delivery packet), strip delivery and GRE headers, clamp the MSS of the
 * inner IPv4 packet; rx->off/len then locate it in pkt. */
static int gre_input(struct us_tunnel *tun, struct us_sa *sa, const struct esp_decap_out *d,
		     uint8_t *pkt, struct userspace_rx *rx)
{
	uint8_t *p = pkt + d->off;
	size_t off = 0, ilen = 0;
	int rc;
	if (sa->mode == IPSEC_SA_TRANSPORT) {
		if (d->next_header != GRE_IP_PROTO || !transport_proto_ok(sa, d->next_header)) {
			CNT(sa, tun, invalid_prot);
			CNT(sa, tun, recv_errors);
			return USERSPACE_E_SELECTOR;
		}
		rc = gre_decap(p, d->len, &off, &ilen);
	} else {
		struct inner in;
		if (!parse_inner(p, d->len, &in) || !us_sa_sel_ok(sa, &in.sel)) {
			CNT(sa, tun, invalid_identity);
			CNT(sa, tun, recv_errors);
			return USERSPACE_E_SELECTOR;
		}
		uint32_t local, peer;
		gre_addrs(tun, sa, false, &local, &peer);
		rc = gre_decap_ipv4(p, d->len, peer, local, &off, &ilen);
	}
	if (rc != GRE_OK) {
		/* authentic ESP (counted as decapsulated), but not our GRE */
		CNT(sa, tun, pkts_decaps);
		CNT_ADD(sa, tun, bytes_decaps, d->len);
		CNT(sa, tun, gre_dropped);
		rx->gre_status = rc;
		return USERSPACE_E_GRE;
	}
	rx->gre = true;
	rx->off = d->off + off;
	rx->len = ilen;
	if (tun->cfg.mss4 && userspace_clamp_mss(pkt + rx->off, ilen, tun->cfg.mss4)) {
		rx->mss_clamped = true;
		CNT(sa, tun, mss_clamped);
	}
	return USERSPACE_OK;
}

int userspace_input_inplace(struct userspace_dp *dp, const struct ipsec_addr *src,
			    const struct ipsec_addr *dst, uint8_t *pkt, size_t len,
			    struct userspace_rx *rx)
{
	(void)dst;	/* SPIs are unique per data plane (RFC 4301 4.1) */
	if (!dp || !pkt || !rx)
		return USERSPACE_E_INVAL;
	memset(rx, 0, sizeof(*rx));
	rx->kind = ESP_RX_ESP;
	if (!src || src->port != 0) {
		/* from the NAT-T socket: ESP, IKE or a keepalive */
		uint32_t spi;
		enum esp_rx_kind k = esp_udp_classify(pkt, len, &spi);
		if (k == ESP_RX_IKE || k == ESP_RX_KEEPALIVE) {
			rx->kind = k;
			rx->off = k == ESP_RX_IKE ? 4 : 0;
			rx->len = len - rx->off;
			dp->st.not_esp++;
			return USERSPACE_NOT_ESP;
		}
		if (k != ESP_RX_ESP) {
			rx->kind = ESP_RX_MALFORMED;
			dp->st.malformed++;
			return USERSPACE_E_MALFORMED;
		}
	} else if (len < ESP_HDR_LEN) {
		rx->kind = ESP_RX_MALFORMED;
		dp->st.malformed++;
		return USERSPACE_E_MALFORMED;
	}

	uint32_t spi = get_be32(pkt);
	rx->spi = spi;
	struct us_sa *sa = spi ? us_sa_in(dp, spi) : NULL;
	if (!sa || sa->larval) {
		dp->st.invalid_sa_recv++;
		return USERSPACE_E_NO_SA;
	}
	struct us_tunnel *tun = sa->rq ? sa->rq->tun : NULL;
	rx->tunnel_id = tun ? tun->id : 0;
	rx->reqid = sa->reqid;
	rx->transport = sa->mode == IPSEC_SA_TRANSPORT;

	struct esp_decap_out d;
	int rc = esp_decap(&sa->esp, pkt, len, &d);
	if (rc != ESP_OK) {
		rx->esp_status = rc;
		if (rc == ESP_E_DUMMY) {
			CNT(sa, tun, dummy_recv);
			return USERSPACE_E_ESP;
		}
		CNT(sa, tun, recv_errors);
		switch (rc) {
		case ESP_E_TRUNCATED:
		case ESP_E_BAD_LENGTH:
			CNT(sa, tun, invalid_len);
			break;
		case ESP_E_ICV:
			CNT(sa, tun, verify_failed);
			break;
		case ESP_E_REPLAY:
			CNT(sa, tun, replay_failed);
			break;
		case ESP_E_NEXT_HEADER:
			CNT(sa, tun, invalid_prot);
			break;
		case ESP_E_EXPIRED:
			CNT(sa, tun, decaps_failed);
			us_sa_event(dp, sa, true);
			break;
		case ESP_E_PADDING:
		case ESP_E_INNER:
			CNT(sa, tun, decaps_failed);
			break;
		default:
			CNT(sa, tun, internal_err_recv);
			break;
		}
		return USERSPACE_E_ESP;
	}
	rx->off = d.off;
	rx->len = d.len;
	rx->next_header = d.next_header;
	rx->seq = d.seq;
	uint8_t *inner = pkt + d.off;
	if (tun && tun->cfg.kind == USERSPACE_TUNNEL_GRE) {
		int g = gre_input(tun, sa, &d, pkt, rx);
		if (g != USERSPACE_OK)
			return g;
	} else if (sa->mode == IPSEC_SA_TUNNEL) {
		struct inner in;
		if (!parse_inner(inner, d.len, &in) || !us_sa_sel_ok(sa, &in.sel)) {
			CNT(sa, tun, invalid_identity);
			CNT(sa, tun, recv_errors);
			return USERSPACE_E_SELECTOR;
		}
		uint16_t mss = !tun ? 0 : in.ver == 4 ? tun->cfg.mss4 : tun->cfg.mss6;
		if (mss && in.syn && userspace_clamp_mss(inner, d.len, mss)) {
			rx->mss_clamped = true;
			CNT(sa, tun, mss_clamped);
		}
	} else if (!transport_proto_ok(sa, d.next_header)) {
		CNT(sa, tun, invalid_identity);
		CNT(sa, tun, recv_errors);
		return USERSPACE_E_SELECTOR;
	}
	if (moved(sa, src)) {
		rx->peer_moved = true;
		CNT(sa, tun, peer_moved);
	}
	CNT(sa, tun, pkts_decaps);
	CNT_ADD(sa, tun, bytes_decaps, d.len);
	sa->use_ms = us_now_ms(dp);
	us_sa_check_after(dp, sa, d.rekey_needed);
	return USERSPACE_OK;
}

int userspace_input(struct userspace_dp *dp, const struct ipsec_addr *src,
		    const struct ipsec_addr *dst, const uint8_t *pkt, size_t len, uint8_t *out,
		    size_t out_size, struct userspace_rx *rx)
{
	if (!dp || !pkt || !out || !rx)
		return USERSPACE_E_INVAL;
	if (out_size < len) {
		memset(rx, 0, sizeof(*rx));
		return USERSPACE_E_NOSPACE;
	}
	memcpy(out, pkt, len);
	int rc = userspace_input_inplace(dp, src, dst, out, len, rx);
	if (rc == USERSPACE_OK || rc == USERSPACE_NOT_ESP) {
		memmove(out, out + rx->off, rx->len);
		rx->off = 0;
	}
	return rc;
}

/* RFC 6040 decapsulation: outer CE marks an ECN-capable inner packet CE. */
static void ecn_decap(uint8_t outer_tos, uint8_t *inner, size_t len)
{
	if ((outer_tos & 3) != 3 || len < 20)
		return;
	if (inner[0] >> 4 == 4) {
		if ((inner[1] & 3) == 0 || (inner[1] & 3) == 3)
			return;
		uint16_t old = get_be16(inner);
		inner[1] |= 3;
		put_be16(inner + 10, csum_replace(get_be16(inner + 10), old, get_be16(inner)));
	} else if (inner[0] >> 4 == 6 && len >= 40) {
		uint8_t ecn = inner[1] >> 4 & 3;
		if (ecn == 1 || ecn == 2)
			inner[1] |= 0x30;
	}
}

int userspace_input_ipv4(struct userspace_dp *dp, uint8_t *pkt, size_t len,
			 struct userspace_rx *rx)
{
	if (!dp || !pkt || !rx)
		return USERSPACE_E_INVAL;
	struct esp_rx_ipv4 r;
	enum esp_rx_kind k = esp_ipv4_classify(pkt, len, ESP_NATT_PORT, &r);
	if (k == ESP_RX_IKE || k == ESP_RX_KEEPALIVE) {
		memset(rx, 0, sizeof(*rx));
		rx->kind = k;
		rx->off = r.esp_off;
		rx->len = r.esp_len;
		dp->st.not_esp++;
		return USERSPACE_NOT_ESP;
	}
	if (k != ESP_RX_ESP) {
		memset(rx, 0, sizeof(*rx));
		rx->kind = k;
		dp->st.malformed++;	/* incl. fragments: no reassembly here */
		return USERSPACE_E_MALFORMED;
	}
	struct ipsec_addr s = {.family = 4, .port = r.udp ? r.sport : 0};
	struct ipsec_addr d = {.family = 4, .port = r.udp ? r.dport : 0};
	memcpy(s.ip, &r.src, 4);
	memcpy(d.ip, &r.dst, 4);
	if (r.udp && s.port == 0)
		s.port = 1;	/* arrived in UDP: never raw */
	int rc = userspace_input_inplace(dp, &s, &d, pkt + r.esp_off, r.esp_len, rx);
	if (rc == USERSPACE_OK || rc == USERSPACE_NOT_ESP) {
		rx->off += r.esp_off;
		if (rc == USERSPACE_OK && (!rx->transport || rx->gre))
			ecn_decap(pkt[1], pkt + rx->off, rx->len);
	}
	return rc;
}

const char *userspace_strerror(int result)
{
	switch (result) {
	case USERSPACE_OK: return "ok";
	case USERSPACE_ICMP: return "ICMP error generated";
	case USERSPACE_NOT_ESP: return "not ESP (IKE or keepalive)";
	case USERSPACE_E_NO_TUNNEL: return "no such tunnel";
	case USERSPACE_E_NO_SA: return "no SA";
	case USERSPACE_E_NO_POLICY: return "no policy";
	case USERSPACE_E_MALFORMED: return "malformed packet";
	case USERSPACE_E_ESP: return "ESP processing failed";
	case USERSPACE_E_SELECTOR: return "packet outside the SA's selectors";
	case USERSPACE_E_TOO_BIG: return "packet too big";
	case USERSPACE_E_NOSPACE: return "buffer too small";
	case USERSPACE_E_INVAL: return "invalid argument";
	case USERSPACE_E_GRE: return "not a GRE/IPv4 packet of the tunnel";
	}
	return "unknown";
}
