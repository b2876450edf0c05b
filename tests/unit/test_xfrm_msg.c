/*
 * XFRM netlink messages of the kernel data plane (ipsec/xfrm_msg.c), checked
 * attribute by attribute without a kernel: SA add (AES-GCM, AES-CBC with each
 * HMAC, ESN / wide replay window, NAT-T encapsulation, lifetimes, if_id,
 * transport-mode selector), UPDSA for reserved SPIs, ALLOCSPI, DELSA/GETSA,
 * policies (selector from traffic selectors, template, if_id, priority
 * order; GRE over IPsec's protocol-47 transport policy), and refused
 * algorithms.
 */
#include <arpa/inet.h>
#include <check.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdlib.h>
#include <string.h>

#include "ipsec/config.h"
#include "ipsec/xfrm_msg.h"

static void addr4(struct ipsec_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	inet_pton(AF_INET, s, a->ip);
}

static void ts4(struct ipsec_ts *t, const char *start, const char *end)
{
	memset(t, 0, sizeof(*t));
	t->family = 4;
	inet_pton(AF_INET, start, t->start);
	inet_pton(AF_INET, end, t->end);
	t->end_port = 65535;
}

static void gcm_params(struct ipsec_sa_params *p)
{
	memset(p, 0, sizeof(*p));
	addr4(&p->key.src, "192.0.2.1");
	addr4(&p->key.dst, "192.0.2.2");
	p->key.spi = 0xc0012345;
	p->key.proto = IPSEC_PROTO_ESP;
	p->reqid = 7;
	p->mode = IPSEC_SA_TUNNEL;
	p->encr = IPSEC_IANA_ENCR_AES_GCM_16;
	p->encr_keybits = 256;
	p->encr_key_len = 36;
	for (size_t i = 0; i < p->encr_key_len; i++)
		p->encr_key[i] = (uint8_t)(i + 1);
	p->replay_window = 32;
	p->lifetime.hard_seconds = 3600;
	p->lifetime.soft_bytes = 900 * 1024;
	p->lifetime.hard_bytes = 1000 * 1024;
}

/* The message's fixed header and attributes (index = attribute type). */
static struct nlmsghdr *parse(struct nl_msg *m, size_t fixed, struct nlattr **tb)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	ck_assert_int_eq(nlmsg_parse(h, (int)fixed, tb, XFRMA_MAX, NULL), 0);
	return h;
}

START_TEST(test_sa_gcm)
{
	struct ipsec_sa_params p;
	gcm_params(&p);
	struct nl_msg *m;
	ck_assert_int_eq(xfrm_msg_sa(&p, 42, false, &m), 0);
	struct nlattr *tb[XFRMA_MAX + 1];
	struct nlmsghdr *h = parse(m, sizeof(struct xfrm_usersa_info), tb);
	ck_assert_int_eq(h->nlmsg_type, XFRM_MSG_NEWSA);
	ck_assert(h->nlmsg_flags & NLM_F_ACK);
	const struct xfrm_usersa_info *i = nlmsg_data(h);
	ck_assert_uint_eq(ntohl(i->id.spi), 0xc0012345);
	ck_assert_uint_eq(i->id.proto, IPPROTO_ESP);
	ck_assert_uint_eq(i->family, AF_INET);
	ck_assert_uint_eq(i->mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(i->reqid, 7);
	ck_assert_uint_eq(i->replay_window, 32);
	ck_assert_uint_eq(i->flags & XFRM_STATE_ESN, 0);
	ck_assert_mem_eq(&i->saddr, p.key.src.ip, 4);
	ck_assert_mem_eq(&i->id.daddr, p.key.dst.ip, 4);
	/* tunnel mode: the SA's selector is "any" (the policies select) */
	ck_assert_uint_eq(i->sel.prefixlen_s, 0);
	ck_assert_uint_eq(i->sel.family, 0);
	ck_assert_uint_eq(i->lft.hard_add_expires_seconds, 3600);
	ck_assert_uint_eq(i->lft.soft_byte_limit, 900 * 1024);
	ck_assert_uint_eq(i->lft.hard_byte_limit, 1000 * 1024);
	ck_assert(i->lft.hard_packet_limit == XFRM_INF);
	ck_assert(tb[XFRMA_ALG_AEAD] != NULL);
	ck_assert(tb[XFRMA_ALG_CRYPT] == NULL && tb[XFRMA_ALG_AUTH_TRUNC] == NULL);
	const struct xfrm_algo_aead *a = nla_data(tb[XFRMA_ALG_AEAD]);
	ck_assert_str_eq(a->alg_name, "rfc4106(gcm(aes))");
	ck_assert_uint_eq(a->alg_key_len, 288);	/* 256-bit key + 32-bit salt */
	ck_assert_uint_eq(a->alg_icv_len, 128);
	ck_assert_int_eq(nla_len(tb[XFRMA_ALG_AEAD]), (int)(sizeof(*a) + 36));
	ck_assert_mem_eq(a->alg_key, p.encr_key, 36);
	ck_assert(tb[XFRMA_IF_ID] != NULL);
	ck_assert_uint_eq(nla_get_u32(tb[XFRMA_IF_ID]), 42);
	ck_assert(tb[XFRMA_ENCAP] == NULL && tb[XFRMA_REPLAY_ESN_VAL] == NULL);
	nlmsg_free(m);
}
END_TEST

START_TEST(test_sa_cbc_hmacs)
{
	static const struct {
		uint16_t integ;
		const char *name;
		unsigned trunc, keylen;
	} v[] = {
		{IPSEC_IANA_AUTH_HMAC_SHA1_96, "hmac(sha1)", 96, 20},
		{IPSEC_IANA_AUTH_HMAC_SHA2_256_128, "hmac(sha256)", 128, 32},
		{IPSEC_IANA_AUTH_HMAC_SHA2_384_192, "hmac(sha384)", 192, 48},
		{IPSEC_IANA_AUTH_HMAC_SHA2_512_256, "hmac(sha512)", 256, 64},
	};
	for (unsigned k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		struct ipsec_sa_params p;
		gcm_params(&p);
		p.encr = IPSEC_IANA_ENCR_AES_CBC;
		p.encr_key_len = 16;
		p.encr_keybits = 128;
		p.integ = v[k].integ;
		p.integ_key_len = v[k].keylen;
		memset(p.integ_key, 0xab, p.integ_key_len);
		struct nl_msg *m;
		ck_assert_int_eq(xfrm_msg_sa(&p, 0, false, &m), 0);
		struct nlattr *tb[XFRMA_MAX + 1];
		parse(m, sizeof(struct xfrm_usersa_info), tb);
		ck_assert(tb[XFRMA_ALG_AEAD] == NULL && tb[XFRMA_IF_ID] == NULL);
		const struct xfrm_algo *c = nla_data(tb[XFRMA_ALG_CRYPT]);
		ck_assert_str_eq(c->alg_name, "cbc(aes)");
		ck_assert_uint_eq(c->alg_key_len, 128);
		const struct xfrm_algo_auth *a = nla_data(tb[XFRMA_ALG_AUTH_TRUNC]);
		ck_assert_str_eq(a->alg_name, v[k].name);
		ck_assert_uint_eq(a->alg_trunc_len, v[k].trunc);
		ck_assert_uint_eq(a->alg_key_len, v[k].keylen * 8);
		ck_assert_mem_eq(a->alg_key, p.integ_key, v[k].keylen);
		nlmsg_free(m);
	}
}
END_TEST

START_TEST(test_sa_esn_encap_transport)
{
	struct ipsec_sa_params p;
	gcm_params(&p);
	p.esn = true;
	p.replay_window = 128;
	p.encap = true;
	p.encap_sport = 4500;
	p.encap_dport = 35000;
	p.mode = IPSEC_SA_TRANSPORT;
	p.n_src_ts = p.n_dst_ts = 1;
	ts4(&p.src_ts[0], "192.0.2.1", "192.0.2.1");
	ts4(&p.dst_ts[0], "192.0.2.2", "192.0.2.2");
	p.src_ts[0].proto = p.dst_ts[0].proto = 47;
	struct nl_msg *m;
	ck_assert_int_eq(xfrm_msg_sa(&p, 0, true, &m), 0);
	struct nlattr *tb[XFRMA_MAX + 1];
	struct nlmsghdr *h = parse(m, sizeof(struct xfrm_usersa_info), tb);
	ck_assert_int_eq(h->nlmsg_type, XFRM_MSG_UPDSA);
	const struct xfrm_usersa_info *i = nlmsg_data(h);
	ck_assert(i->flags & XFRM_STATE_ESN);
	ck_assert_uint_eq(i->replay_window, 0);
	ck_assert_uint_eq(i->mode, XFRM_MODE_TRANSPORT);
	/* transport: the selector is the GRE flow between the hosts */
	ck_assert_uint_eq(i->sel.family, AF_INET);
	ck_assert_uint_eq(i->sel.prefixlen_s, 32);
	ck_assert_uint_eq(i->sel.prefixlen_d, 32);
	ck_assert_uint_eq(i->sel.proto, 47);
	const struct xfrm_replay_state_esn *r = nla_data(tb[XFRMA_REPLAY_ESN_VAL]);
	ck_assert_uint_eq(r->replay_window, 128);
	ck_assert_uint_eq(r->bmp_len, 4);
	ck_assert_int_eq(nla_len(tb[XFRMA_REPLAY_ESN_VAL]), (int)(sizeof(*r) + 16));
	const struct xfrm_encap_tmpl *e = nla_data(tb[XFRMA_ENCAP]);
	ck_assert_uint_eq(e->encap_type, UDP_ENCAP_ESPINUDP);
	ck_assert_uint_eq(ntohs(e->encap_sport), 4500);
	ck_assert_uint_eq(ntohs(e->encap_dport), 35000);
	nlmsg_free(m);

	/* a wide window without ESN: the ESN-style replay state, no flag */
	gcm_params(&p);
	p.replay_window = 1024;
	ck_assert_int_eq(xfrm_msg_sa(&p, 0, false, &m), 0);
	h = parse(m, sizeof(struct xfrm_usersa_info), tb);
	i = nlmsg_data(h);
	ck_assert_uint_eq(i->flags & XFRM_STATE_ESN, 0);
	ck_assert_uint_eq(((const struct xfrm_replay_state_esn *)nla_data(tb[XFRMA_REPLAY_ESN_VAL]))->bmp_len, 32);
	nlmsg_free(m);
}
END_TEST

START_TEST(test_sa_refused)
{
	struct ipsec_sa_params p;
	gcm_params(&p);
	struct nl_msg *m = (void *)1;
	p.integ = IPSEC_IANA_AUTH_HMAC_SHA1_96;	/* AEAD with integrity */
	ck_assert_int_lt(xfrm_msg_sa(&p, 0, false, &m), 0);
	ck_assert(m == NULL);
	gcm_params(&p);
	p.encr = 3;	/* 3DES: not offered */
	ck_assert_int_lt(xfrm_msg_sa(&p, 0, false, &m), 0);
	gcm_params(&p);
	p.key.dst.family = 6;	/* mixed families */
	ck_assert_int_lt(xfrm_msg_sa(&p, 0, false, &m), 0);
}
END_TEST

START_TEST(test_allocspi_and_ids)
{
	struct ipsec_addr peer, me;
	addr4(&peer, "192.0.2.2");
	addr4(&me, "192.0.2.1");
	struct nl_msg *m;
	ck_assert_int_eq(xfrm_msg_allocspi(&peer, &me, IPSEC_PROTO_ESP, 0xf0000001, 0xc0000000,
					   0xcfffffff, &m), 0);
	struct nlmsghdr *h = nlmsg_hdr(m);
	ck_assert_int_eq(h->nlmsg_type, XFRM_MSG_ALLOCSPI);
	const struct xfrm_userspi_info *s = nlmsg_data(h);
	ck_assert_mem_eq(&s->info.id.daddr, me.ip, 4);
	ck_assert_mem_eq(&s->info.saddr, peer.ip, 4);
	ck_assert_uint_eq(s->info.reqid, 0xf0000001);
	ck_assert_uint_eq(s->min, 0xc0000000);
	ck_assert_uint_eq(s->max, 0xcfffffff);
	nlmsg_free(m);

	struct ipsec_sa_key k = {peer, me, 0xc0ffee01, IPSEC_PROTO_ESP};
	for (int type = XFRM_MSG_DELSA; type <= XFRM_MSG_GETSA; type++) {
		ck_assert_int_eq(xfrm_msg_sa_id(type, &k, &m), 0);
		h = nlmsg_hdr(m);
		ck_assert_int_eq(h->nlmsg_type, type);
		const struct xfrm_usersa_id *id = nlmsg_data(h);
		ck_assert_uint_eq(ntohl(id->spi), 0xc0ffee01);
		ck_assert_mem_eq(&id->daddr, me.ip, 4);
		ck_assert_uint_eq(id->family, AF_INET);
		ck_assert_uint_eq(id->proto, IPPROTO_ESP);
		nlmsg_free(m);
	}
}
END_TEST

static void pol_params(struct ipsec_policy_params *p, enum ipsec_policy_dir dir)
{
	memset(p, 0, sizeof(*p));
	p->dir = dir;
	ts4(&p->src_ts, "198.51.100.0", "198.51.100.255");
	ts4(&p->dst_ts, "203.0.113.0", "203.0.113.255");
	addr4(&p->src, "192.0.2.1");
	addr4(&p->dst, "192.0.2.2");
	p->reqid = 9;
	p->mode = IPSEC_SA_TUNNEL;
	p->proto = IPSEC_PROTO_ESP;
}

START_TEST(test_policy)
{
	struct ipsec_policy_params p;
	pol_params(&p, IPSEC_POLICY_OUT);
	struct nl_msg *m;
	ck_assert_int_eq(xfrm_msg_policy(&p, 5, true, &m), 0);
	struct nlattr *tb[XFRMA_MAX + 1];
	struct nlmsghdr *h = parse(m, sizeof(struct xfrm_userpolicy_info), tb);
	ck_assert_int_eq(h->nlmsg_type, XFRM_MSG_UPDPOLICY);
	const struct xfrm_userpolicy_info *pi = nlmsg_data(h);
	ck_assert_uint_eq(pi->dir, XFRM_POLICY_OUT);
	ck_assert_uint_eq(pi->action, XFRM_POLICY_ALLOW);
	ck_assert_uint_eq(pi->sel.prefixlen_s, 24);
	ck_assert_uint_eq(pi->sel.prefixlen_d, 24);
	ck_assert_mem_eq(&pi->sel.saddr, "\xc6\x33\x64\x00", 4);
	ck_assert_mem_eq(&pi->sel.daddr, "\xcb\x00\x71\x00", 4);
	ck_assert_uint_eq(pi->sel.sport_mask, 0);	/* 0-65535: any port */
	uint32_t prio24 = pi->priority;
	const struct xfrm_user_tmpl *t = nla_data(tb[XFRMA_TMPL]);
	ck_assert_uint_eq(t->reqid, 9);
	ck_assert_uint_eq(t->mode, XFRM_MODE_TUNNEL);
	ck_assert_uint_eq(t->id.proto, IPPROTO_ESP);
	ck_assert_mem_eq(&t->saddr, p.src.ip, 4);
	ck_assert_mem_eq(&t->id.daddr, p.dst.ip, 4);
	ck_assert_uint_eq(nla_get_u32(tb[XFRMA_IF_ID]), 5);
	nlmsg_free(m);

	/* any/any ranks after the /24s; a host/port selector before them */
	pol_params(&p, IPSEC_POLICY_FWD);
	ts4(&p.src_ts, "0.0.0.0", "255.255.255.255");
	ts4(&p.dst_ts, "0.0.0.0", "255.255.255.255");
	ck_assert_int_eq(xfrm_msg_policy(&p, 0, true, &m), 0);
	h = parse(m, sizeof(struct xfrm_userpolicy_info), tb);
	pi = nlmsg_data(h);
	ck_assert_uint_eq(pi->dir, XFRM_POLICY_FWD);
	ck_assert_uint_eq(pi->sel.prefixlen_s, 0);
	ck_assert_uint_gt(pi->priority, prio24);
	ck_assert(tb[XFRMA_IF_ID] == NULL);
	nlmsg_free(m);
	pol_params(&p, IPSEC_POLICY_IN);
	ts4(&p.src_ts, "203.0.113.5", "203.0.113.5");
	p.src_ts.proto = 6;
	p.src_ts.start_port = p.src_ts.end_port = 443;
	ck_assert_int_eq(xfrm_msg_policy(&p, 0, true, &m), 0);
	pi = nlmsg_data(nlmsg_hdr(m));
	ck_assert_uint_lt(pi->priority, prio24);
	ck_assert_uint_eq(pi->sel.proto, 6);
	ck_assert_uint_eq(ntohs(pi->sel.sport), 443);
	ck_assert_uint_eq(pi->sel.sport_mask, 0xffff);
	nlmsg_free(m);

	/* delete: the policy id (selector, direction) and the if_id */
	pol_params(&p, IPSEC_POLICY_IN);
	ck_assert_int_eq(xfrm_msg_policy(&p, 5, false, &m), 0);
	h = parse(m, sizeof(struct xfrm_userpolicy_id), tb);
	ck_assert_int_eq(h->nlmsg_type, XFRM_MSG_DELPOLICY);
	const struct xfrm_userpolicy_id *id = nlmsg_data(h);
	ck_assert_uint_eq(id->dir, XFRM_POLICY_IN);
	ck_assert_uint_eq(id->sel.prefixlen_d, 24);
	ck_assert_uint_eq(nla_get_u32(tb[XFRMA_IF_ID]), 5);
	nlmsg_free(m);
}
END_TEST

/* GRE over IPsec on the kernel path: protocol 47 between the tunnel
 * endpoints, a transport-mode template (no addresses), no if_id, ranked
 * before any subnet policy. */
START_TEST(test_policy_gre_transport)
{
	struct ipsec_policy_params p;
	pol_params(&p, IPSEC_POLICY_OUT);
	struct nl_msg *m;
	ck_assert_int_eq(xfrm_msg_policy(&p, 0, true, &m), 0);
	uint32_t prio24 = ((const struct xfrm_userpolicy_info *)nlmsg_data(nlmsg_hdr(m)))->priority;
	nlmsg_free(m);
	ts4(&p.src_ts, "192.0.2.1", "192.0.2.1");
	ts4(&p.dst_ts, "192.0.2.2", "192.0.2.2");
	p.src_ts.proto = p.dst_ts.proto = 47;
	p.mode = IPSEC_SA_TRANSPORT;
	ck_assert_int_eq(xfrm_msg_policy(&p, 0, true, &m), 0);
	struct nlattr *tb[XFRMA_MAX + 1];
	struct nlmsghdr *h = parse(m, sizeof(struct xfrm_userpolicy_info), tb);
	const struct xfrm_userpolicy_info *pi = nlmsg_data(h);
	ck_assert_uint_eq(pi->dir, XFRM_POLICY_OUT);
	ck_assert_uint_eq(pi->sel.proto, 47);
	ck_assert_uint_eq(pi->sel.prefixlen_s, 32);
	ck_assert_uint_eq(pi->sel.prefixlen_d, 32);
	ck_assert_mem_eq(&pi->sel.saddr, "\xc0\x00\x02\x01", 4);
	ck_assert_mem_eq(&pi->sel.daddr, "\xc0\x00\x02\x02", 4);
	ck_assert_uint_eq(pi->sel.sport_mask, 0);
	ck_assert_uint_eq(pi->sel.dport_mask, 0);
	ck_assert_uint_lt(pi->priority, prio24);
	const struct xfrm_user_tmpl *t = nla_data(tb[XFRMA_TMPL]);
	ck_assert_uint_eq(t->mode, XFRM_MODE_TRANSPORT);
	ck_assert_uint_eq(t->id.proto, IPPROTO_ESP);
	ck_assert_uint_eq(t->reqid, 9);
	static const uint8_t zero[16];
	ck_assert_mem_eq(&t->saddr, zero, 16);	/* transport: the packet's addresses */
	ck_assert_mem_eq(&t->id.daddr, zero, 16);
	ck_assert(tb[XFRMA_IF_ID] == NULL);
	nlmsg_free(m);
}
END_TEST

START_TEST(test_ts_prefix)
{
	struct ipsec_ts t;
	uint8_t a[16];
	ts4(&t, "198.51.100.0", "198.51.100.127");
	ck_assert_uint_eq(xfrm_ts_prefix(&t, a), 25);
	ck_assert_mem_eq(a, "\xc6\x33\x64\x00", 4);
	/* a range that is no prefix: the covering prefix */
	ts4(&t, "198.51.100.3", "198.51.100.9");
	ck_assert_uint_eq(xfrm_ts_prefix(&t, a), 28);
	ck_assert_mem_eq(a, "\xc6\x33\x64\x00", 4);
	memset(&t, 0, sizeof(t));
	t.family = 6;
	memset(t.end, 0xff, 16);
	ck_assert_uint_eq(xfrm_ts_prefix(&t, a), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("xfrm_msg");
	TCase *tc = tcase_create("xfrm_msg");
	tcase_add_test(tc, test_sa_gcm);
	tcase_add_test(tc, test_sa_cbc_hmacs);
	tcase_add_test(tc, test_sa_esn_encap_transport);
	tcase_add_test(tc, test_sa_refused);
	tcase_add_test(tc, test_allocspi_and_ids);
	tcase_add_test(tc, test_policy);
	tcase_add_test(tc, test_policy_gre_transport);
	tcase_add_test(tc, test_ts_prefix);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
