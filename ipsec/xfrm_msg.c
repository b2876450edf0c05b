/*
 * XFRM netlink message builders (see ipsec/xfrm_msg.h).
 */
#include "ipsec/xfrm_msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <string.h>

#include "ipsec/config.h"

#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

int xfrm_family(uint8_t family)
{
	return family == 4 ? AF_INET : family == 6 ? AF_INET6 : 0;
}

static unsigned alen(uint8_t family)
{
	return family == 6 ? 16 : 4;
}

int xfrm_alg_names(uint16_t encr, uint16_t integ, struct xfrm_alg_names *o)
{
	memset(o, 0, sizeof(*o));
	switch (encr) {
	case IPSEC_IANA_ENCR_AES_GCM_16:
		o->aead = "rfc4106(gcm(aes))";
		o->icv_bits = 128;
		return integ == IPSEC_IANA_AUTH_NONE ? 0 : -ENOTSUP;
	case IPSEC_IANA_ENCR_AES_CBC: o->crypt = "cbc(aes)"; break;
	case IPSEC_IANA_ENCR_NULL: o->crypt = "ecb(cipher_null)"; break;
	default: return -ENOTSUP;
	}
	switch (integ) {
	case IPSEC_IANA_AUTH_HMAC_SHA1_96: o->auth = "hmac(sha1)"; o->trunc_bits = 96; break;
	case IPSEC_IANA_AUTH_HMAC_SHA2_256_128: o->auth = "hmac(sha256)"; o->trunc_bits = 128; break;
	case IPSEC_IANA_AUTH_HMAC_SHA2_384_192: o->auth = "hmac(sha384)"; o->trunc_bits = 192; break;
	case IPSEC_IANA_AUTH_HMAC_SHA2_512_256: o->auth = "hmac(sha512)"; o->trunc_bits = 256; break;
	case IPSEC_IANA_AUTH_NONE:
		/* ESP without integrity only with NULL encryption is refused
		 * too: RFC 4303 3.2 needs one of them */
		return -ENOTSUP;
	default: return -ENOTSUP;
	}
	return 0;
}

unsigned xfrm_ts_prefix(const struct ipsec_ts *ts, uint8_t addr[16])
{
	unsigned n = alen(ts->family), plen = 0;
	while (plen < n * 8) {
		unsigned byte = plen / 8, bit = 0x80u >> (plen % 8);
		if ((ts->start[byte] & bit) != (ts->end[byte] & bit))
			break;
		plen++;
	}
	memset(addr, 0, 16);
	for (unsigned i = 0; i < n; i++) {
		unsigned keep = plen >= (i + 1) * 8 ? 8 : plen > i * 8 ? plen - i * 8 : 0;
		addr[i] = keep ? ts->start[i] & (uint8_t)(0xff00u >> keep) : 0;
	}
	return plen;
}

/* Selector traffic from src to dst. */
static void selector(struct xfrm_selector *sel, const struct ipsec_ts *src,
		     const struct ipsec_ts *dst)
{
	memset(sel, 0, sizeof(*sel));
	sel->family = (uint16_t)xfrm_family(src->family);
	sel->prefixlen_s = (uint8_t)xfrm_ts_prefix(src, (uint8_t *)&sel->saddr);
	sel->prefixlen_d = (uint8_t)xfrm_ts_prefix(dst, (uint8_t *)&sel->daddr);
	sel->proto = src->proto ? src->proto : dst->proto;
	/* a single port is matched exactly; a range only as "any" (XFRM
	 * selectors are port/mask) */
	if (src->start_port == src->end_port) {
		sel->sport = htons(src->start_port);
		sel->sport_mask = 0xffff;
	}
	if (dst->start_port == dst->end_port) {
		sel->dport = htons(dst->start_port);
		sel->dport_mask = 0xffff;
	}
}

static void addr_put(xfrm_address_t *x, const struct ipsec_addr *a)
{
	memset(x, 0, sizeof(*x));
	memcpy(x, a->ip, alen(a->family));
}

static uint64_t lim(uint64_t v)
{
	return v ? v : XFRM_INF;
}

static int put_algs(struct nl_msg *m, const struct ipsec_sa_params *p)
{
	struct xfrm_alg_names n;
	int rc = xfrm_alg_names(p->encr, p->integ, &n);
	if (rc != 0)
		return rc;
	char buf[sizeof(struct xfrm_algo_auth) + IPSEC_MAX_KEY];
	if (p->encr_key_len > IPSEC_MAX_KEY || p->integ_key_len > IPSEC_MAX_KEY)
		return -EINVAL;
	if (n.aead) {
		struct xfrm_algo_aead *a = (void *)buf;
		memset(a, 0, sizeof(*a));
		snprintf(a->alg_name, sizeof(a->alg_name), "%s", n.aead);
		a->alg_key_len = (unsigned)p->encr_key_len * 8;	/* with the salt */
		a->alg_icv_len = n.icv_bits;
		memcpy(a->alg_key, p->encr_key, p->encr_key_len);
		rc = nla_put(m, XFRMA_ALG_AEAD, (int)(sizeof(*a) + p->encr_key_len), a);
	} else {
		struct xfrm_algo *c = (void *)buf;
		memset(c, 0, sizeof(*c));
		snprintf(c->alg_name, sizeof(c->alg_name), "%s", n.crypt);
		c->alg_key_len = (unsigned)p->encr_key_len * 8;
		memcpy(c->alg_key, p->encr_key, p->encr_key_len);
		rc = nla_put(m, XFRMA_ALG_CRYPT, (int)(sizeof(*c) + p->encr_key_len), c);
		if (rc == 0 && n.auth) {
			struct xfrm_algo_auth *a = (void *)buf;
			memset(a, 0, sizeof(*a));
			snprintf(a->alg_name, sizeof(a->alg_name), "%s", n.auth);
			a->alg_key_len = (unsigned)p->integ_key_len * 8;
			a->alg_trunc_len = n.trunc_bits;
			memcpy(a->alg_key, p->integ_key, p->integ_key_len);
			rc = nla_put(m, XFRMA_ALG_AUTH_TRUNC, (int)(sizeof(*a) + p->integ_key_len), a);
		}
	}
	memset(buf, 0, sizeof(buf));
	return rc < 0 ? -EMSGSIZE : 0;
}

/* ESN, or a window wider than the legacy 32-bit bitmap: the ESN replay
 * state attribute (with XFRM_STATE_ESN only for ESN). */
static int put_replay(struct nl_msg *m, const struct ipsec_sa_params *p)
{
	if (!p->esn && p->replay_window <= XFRM_LEGACY_REPLAY_MAX)
		return 0;
	uint32_t bmp_len = (p->replay_window + 31) / 32;
	size_t len = sizeof(struct xfrm_replay_state_esn) + bmp_len * sizeof(uint32_t);
	char buf[sizeof(struct xfrm_replay_state_esn) + 4096 / 8];
	if (len > sizeof(buf))
		return -EINVAL;
	memset(buf, 0, len);
	struct xfrm_replay_state_esn *r = (void *)buf;
	r->bmp_len = bmp_len;
	r->replay_window = p->replay_window;
	return nla_put(m, XFRMA_REPLAY_ESN_VAL, (int)len, r) < 0 ? -EMSGSIZE : 0;
}

int xfrm_msg_sa(const struct ipsec_sa_params *p, uint32_t if_id, bool update, struct nl_msg **out)
{
	*out = NULL;
	int fam = xfrm_family(p->key.dst.family);
	if (!fam || p->key.src.family != p->key.dst.family)
		return -EAFNOSUPPORT;
	struct nl_msg *m = nlmsg_alloc_simple(update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA,
					      NLM_F_REQUEST | NLM_F_ACK);
	if (!m)
		return -ENOMEM;
	struct xfrm_usersa_info i;
	memset(&i, 0, sizeof(i));
	addr_put(&i.id.daddr, &p->key.dst);
	addr_put(&i.saddr, &p->key.src);
	i.id.spi = htonl(p->key.spi);
	i.id.proto = p->key.proto ? p->key.proto : IPSEC_PROTO_ESP;
	i.family = (uint16_t)fam;
	i.mode = p->mode == IPSEC_SA_TRANSPORT ? XFRM_MODE_TRANSPORT : XFRM_MODE_TUNNEL;
	i.reqid = p->reqid;
	/* transport mode: the SA carries only what its selectors allow;
	 * tunnel mode: any (the policies select) */
	if (p->mode == IPSEC_SA_TRANSPORT && p->n_src_ts == 1 && p->n_dst_ts == 1 &&
	    p->src_ts[0].family == p->key.src.family)
		selector(&i.sel, &p->src_ts[0], &p->dst_ts[0]);
	i.lft.soft_byte_limit = lim(p->lifetime.soft_bytes);
	i.lft.hard_byte_limit = lim(p->lifetime.hard_bytes);
	i.lft.soft_packet_limit = lim(p->lifetime.soft_packets);
	i.lft.hard_packet_limit = lim(p->lifetime.hard_packets);
	i.lft.soft_add_expires_seconds = p->lifetime.soft_seconds;
	i.lft.hard_add_expires_seconds = p->lifetime.hard_seconds;
	if (p->esn)
		i.flags |= XFRM_STATE_ESN;
	if (!p->esn && p->replay_window <= XFRM_LEGACY_REPLAY_MAX)
		i.replay_window = (uint8_t)p->replay_window;
	int rc = nlmsg_append(m, &i, sizeof(i), NLMSG_ALIGNTO) < 0 ? -EMSGSIZE : 0;
	if (rc == 0)
		rc = put_algs(m, p);
	if (rc == 0)
		rc = put_replay(m, p);
	if (rc == 0 && p->encap) {
		struct xfrm_encap_tmpl e;
		memset(&e, 0, sizeof(e));
		e.encap_type = UDP_ENCAP_ESPINUDP;
		e.encap_sport = htons(p->encap_sport);
		e.encap_dport = htons(p->encap_dport);
		rc = nla_put(m, XFRMA_ENCAP, sizeof(e), &e) < 0 ? -EMSGSIZE : 0;
	}
	if (rc == 0 && if_id)
		rc = nla_put_u32(m, XFRMA_IF_ID, if_id) < 0 ? -EMSGSIZE : 0;
	if (rc != 0) {
		/* the message holds keys */
		memset(nlmsg_hdr(m), 0, nlmsg_hdr(m)->nlmsg_len);
		nlmsg_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int xfrm_msg_allocspi(const struct ipsec_addr *src, const struct ipsec_addr *dst, uint8_t proto,
		      uint32_t reqid, uint32_t min, uint32_t max, struct nl_msg **out)
{
	*out = NULL;
	int fam = xfrm_family(dst->family);
	if (!fam)
		return -EAFNOSUPPORT;
	struct nl_msg *m = nlmsg_alloc_simple(XFRM_MSG_ALLOCSPI, NLM_F_REQUEST | NLM_F_ACK);
	if (!m)
		return -ENOMEM;
	struct xfrm_userspi_info s;
	memset(&s, 0, sizeof(s));
	addr_put(&s.info.id.daddr, dst);
	addr_put(&s.info.saddr, src);
	s.info.id.proto = proto;
	s.info.family = (uint16_t)fam;
	s.info.mode = XFRM_MODE_TUNNEL;
	s.info.reqid = reqid;
	s.min = min;
	s.max = max;
	if (nlmsg_append(m, &s, sizeof(s), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		return -EMSGSIZE;
	}
	*out = m;
	return 0;
}

int xfrm_msg_sa_id(int type, const struct ipsec_sa_key *k, struct nl_msg **out)
{
	*out = NULL;
	int fam = xfrm_family(k->dst.family);
	if (!fam)
		return -EAFNOSUPPORT;
	struct nl_msg *m = nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_ACK);
	if (!m)
		return -ENOMEM;
	struct xfrm_usersa_id id;
	memset(&id, 0, sizeof(id));
	addr_put(&id.daddr, &k->dst);
	id.spi = htonl(k->spi);
	id.family = (uint16_t)fam;
	id.proto = k->proto ? k->proto : IPSEC_PROTO_ESP;
	if (nlmsg_append(m, &id, sizeof(id), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(m);
		return -EMSGSIZE;
	}
	*out = m;
	return 0;
}

/* More specific policies first (a lower value wins): fewer wildcard bits,
 * then a protocol, then ports. */
static uint32_t priority(const struct xfrm_selector *s)
{
	unsigned bits = s->family == AF_INET6 ? 256 : 64;
	uint32_t prio = 10000 + (bits - s->prefixlen_s - s->prefixlen_d) * 4;
	if (!s->proto)
		prio += 2;
	if (!s->sport_mask && !s->dport_mask)
		prio += 1;
	return prio;
}

int xfrm_msg_policy(const struct ipsec_policy_params *p, uint32_t if_id, bool add,
		    struct nl_msg **out)
{
	*out = NULL;
	if (!xfrm_family(p->src_ts.family) || p->src_ts.family != p->dst_ts.family)
		return -EAFNOSUPPORT;
	uint8_t dir = p->dir == IPSEC_POLICY_IN ? XFRM_POLICY_IN
		      : p->dir == IPSEC_POLICY_OUT ? XFRM_POLICY_OUT : XFRM_POLICY_FWD;
	struct nl_msg *m = nlmsg_alloc_simple(add ? XFRM_MSG_UPDPOLICY : XFRM_MSG_DELPOLICY,
					      NLM_F_REQUEST | NLM_F_ACK);
	if (!m)
		return -ENOMEM;
	int rc = 0;
	if (add) {
		struct xfrm_userpolicy_info pi;
		memset(&pi, 0, sizeof(pi));
		selector(&pi.sel, &p->src_ts, &p->dst_ts);
		pi.lft.soft_byte_limit = pi.lft.hard_byte_limit = XFRM_INF;
		pi.lft.soft_packet_limit = pi.lft.hard_packet_limit = XFRM_INF;
		pi.priority = priority(&pi.sel);
		pi.dir = dir;
		pi.action = XFRM_POLICY_ALLOW;
		pi.share = XFRM_SHARE_ANY;
		rc = nlmsg_append(m, &pi, sizeof(pi), NLMSG_ALIGNTO) < 0 ? -EMSGSIZE : 0;
		struct xfrm_user_tmpl t;
		memset(&t, 0, sizeof(t));
		t.id.proto = p->proto ? p->proto : IPSEC_PROTO_ESP;
		t.family = (uint16_t)xfrm_family(p->src.family ? p->src.family : p->src_ts.family);
		t.reqid = p->reqid;
		t.mode = p->mode == IPSEC_SA_TRANSPORT ? XFRM_MODE_TRANSPORT : XFRM_MODE_TUNNEL;
		if (t.mode == XFRM_MODE_TUNNEL) {
			addr_put(&t.id.daddr, &p->dst);
			addr_put(&t.saddr, &p->src);
		}
		t.aalgos = t.ealgos = t.calgos = ~0u;
		if (rc == 0)
			rc = nla_put(m, XFRMA_TMPL, sizeof(t), &t) < 0 ? -EMSGSIZE : 0;
	} else {
		struct xfrm_userpolicy_id id;
		memset(&id, 0, sizeof(id));
		selector(&id.sel, &p->src_ts, &p->dst_ts);
		id.dir = dir;
		rc = nlmsg_append(m, &id, sizeof(id), NLMSG_ALIGNTO) < 0 ? -EMSGSIZE : 0;
	}
	if (rc == 0 && if_id)
		rc = nla_put_u32(m, XFRMA_IF_ID, if_id) < 0 ? -EMSGSIZE : 0;
	if (rc != 0) {
		nlmsg_free(m);
		return rc;
	}
	*out = m;
	return 0;
}
