/*
 * MSS clamping rules in nf_tables, as netlink messages (see ipsec/nft_mss.h).
 */
#include "ipsec/nft_mss.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define CHAIN "mss"
#define PRIO_MANGLE (-150)
#define TCPOPT_MAXSEG 2

/* A netlink message writer over a caller's buffer; any overflow sticks. */
struct nlw {
	uint8_t *buf;
	size_t size, len;
	bool overflow;
	uint32_t seq;
	unsigned msgs;		/* messages that ask for an ack */
	struct nlmsghdr *msg;	/* the open message */
};

static void *put(struct nlw *w, size_t n)
{
	size_t a = NLMSG_ALIGN(n);
	if (w->overflow || w->size - w->len < a) {
		w->overflow = true;
		return NULL;
	}
	void *p = w->buf + w->len;
	memset(p, 0, a);
	w->len += a;
	return p;
}

static void msg_begin(struct nlw *w, uint16_t type, uint16_t flags, uint16_t res_id)
{
	struct nlmsghdr *h = put(w, NLMSG_HDRLEN);
	struct nfgenmsg *g = put(w, sizeof(*g));
	w->msg = h;
	if (!h || !g)
		return;
	h->nlmsg_type = type;
	h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	h->nlmsg_seq = w->seq++;
	g->nfgen_family = NFPROTO_IPV4;
	g->version = NFNETLINK_V0;
	g->res_id = htons(res_id);
	if (flags & NLM_F_ACK)
		w->msgs++;
}

static void msg_end(struct nlw *w)
{
	if (w->msg && !w->overflow)
		w->msg->nlmsg_len = (uint32_t)(w->buf + w->len - (uint8_t *)w->msg);
	w->msg = NULL;
}

static void nft_msg(struct nlw *w, uint16_t type, uint16_t flags)
{
	msg_begin(w, (uint16_t)(NFNL_SUBSYS_NFTABLES << 8 | type), (uint16_t)(NLM_F_ACK | flags), 0);
}

static void attr(struct nlw *w, uint16_t type, const void *data, size_t n)
{
	struct nlattr *a = put(w, NLA_HDRLEN + n);
	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);
	memcpy((uint8_t *)a + NLA_HDRLEN, data, n);
}

static void attr_str(struct nlw *w, uint16_t type, const char *s)
{
	attr(w, type, s, strlen(s) + 1);
}

static void attr_be32(struct nlw *w, uint16_t type, uint32_t v)
{
	uint32_t be = htonl(v);
	attr(w, type, &be, sizeof(be));
}

static size_t nest_begin(struct nlw *w, uint16_t type)
{
	struct nlattr *a = put(w, NLA_HDRLEN);
	if (!a)
		return 0;
	a->nla_type = (uint16_t)(type | NLA_F_NESTED);
	return (size_t)((uint8_t *)a - w->buf);
}

static void nest_end(struct nlw *w, size_t off)
{
	if (w->overflow)
		return;
	struct nlattr *a = (struct nlattr *)(w->buf + off);
	a->nla_len = (uint16_t)(w->len - off);
}

/* NFTA_DATA_VALUE inside the nested attribute type */
static void data_value(struct nlw *w, uint16_t type, const void *v, size_t n)
{
	size_t d = nest_begin(w, type);
	attr(w, NFTA_DATA_VALUE, v, n);
	nest_end(w, d);
}

/* One expression: NFTA_LIST_ELEM { NAME, DATA { ... } }; returns the
 * offset of DATA for expr_end. */
static size_t expr_begin(struct nlw *w, const char *name, size_t *elem)
{
	*elem = nest_begin(w, NFTA_LIST_ELEM);
	attr_str(w, NFTA_EXPR_NAME, name);
	return nest_begin(w, NFTA_EXPR_DATA);
}

static void expr_end(struct nlw *w, size_t data, size_t elem)
{
	nest_end(w, data);
	nest_end(w, elem);
}

static void e_meta(struct nlw *w, uint32_t key)
{
	size_t el, d = expr_begin(w, "meta", &el);
	attr_be32(w, NFTA_META_DREG, NFT_REG_1);
	attr_be32(w, NFTA_META_KEY, key);
	expr_end(w, d, el);
}

static void e_cmp(struct nlw *w, uint32_t op, const void *v, size_t n)
{
	size_t el, d = expr_begin(w, "cmp", &el);
	attr_be32(w, NFTA_CMP_SREG, NFT_REG_1);
	attr_be32(w, NFTA_CMP_OP, op);
	data_value(w, NFTA_CMP_DATA, v, n);
	expr_end(w, d, el);
}

static void e_payload(struct nlw *w, uint32_t base, uint32_t off, uint32_t len)
{
	size_t el, d = expr_begin(w, "payload", &el);
	attr_be32(w, NFTA_PAYLOAD_DREG, NFT_REG_1);
	attr_be32(w, NFTA_PAYLOAD_BASE, base);
	attr_be32(w, NFTA_PAYLOAD_OFFSET, off);
	attr_be32(w, NFTA_PAYLOAD_LEN, len);
	expr_end(w, d, el);
}

static void e_bitwise(struct nlw *w, uint8_t mask, uint8_t xor)
{
	size_t el, d = expr_begin(w, "bitwise", &el);
	attr_be32(w, NFTA_BITWISE_SREG, NFT_REG_1);
	attr_be32(w, NFTA_BITWISE_DREG, NFT_REG_1);
	attr_be32(w, NFTA_BITWISE_LEN, 1);
	data_value(w, NFTA_BITWISE_MASK, &mask, 1);
	data_value(w, NFTA_BITWISE_XOR, &xor, 1);
	expr_end(w, d, el);
}

/* The MSS option's value (2 octets at offset 2 of TCP option 2): loaded
 * into register 1, or written from it. */
static void e_exthdr_mss(struct nlw *w, bool write)
{
	size_t el, d = expr_begin(w, "exthdr", &el);
	attr_be32(w, write ? NFTA_EXTHDR_SREG : NFTA_EXTHDR_DREG, NFT_REG_1);
	uint8_t type = TCPOPT_MAXSEG;
	attr(w, NFTA_EXTHDR_TYPE, &type, 1);
	attr_be32(w, NFTA_EXTHDR_OFFSET, 2);
	attr_be32(w, NFTA_EXTHDR_LEN, 2);
	attr_be32(w, NFTA_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
	expr_end(w, d, el);
}

static void e_immediate(struct nlw *w, const void *v, size_t n)
{
	size_t el, d = expr_begin(w, "immediate", &el);
	attr_be32(w, NFTA_IMMEDIATE_DREG, NFT_REG_1);
	data_value(w, NFTA_IMMEDIATE_DATA, v, n);
	expr_end(w, d, el);
}

/* "[io]ifname NAME tcp flags syn / syn,rst tcp option maxseg size > MSS
 *  tcp option maxseg size set MSS" */
static void rule(struct nlw *w, const struct nft_mss_rule *r, bool in)
{
	nft_msg(w, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	attr_str(w, NFTA_RULE_TABLE, NFT_MSS_TABLE);
	attr_str(w, NFTA_RULE_CHAIN, CHAIN);
	size_t list = nest_begin(w, NFTA_RULE_EXPRESSIONS);
	char name[IFNAMSIZ] = {0};
	memcpy(name, r->ifname, strnlen(r->ifname, IFNAMSIZ - 1));
	e_meta(w, in ? NFT_META_IIFNAME : NFT_META_OIFNAME);
	e_cmp(w, NFT_CMP_EQ, name, sizeof(name));
	uint8_t tcp = IPPROTO_TCP, syn = 0x02;
	e_meta(w, NFT_META_L4PROTO);
	e_cmp(w, NFT_CMP_EQ, &tcp, 1);
	e_payload(w, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);	/* TCP flags */
	e_bitwise(w, 0x06, 0);					/* SYN | RST */
	e_cmp(w, NFT_CMP_EQ, &syn, 1);
	uint16_t mss = htons(r->mss);
	e_exthdr_mss(w, false);
	e_cmp(w, NFT_CMP_GT, &mss, 2);	/* network order compares as a number */
	e_immediate(w, &mss, 2);
	e_exthdr_mss(w, true);
	nest_end(w, list);
	msg_end(w);
}

size_t nft_mss_build(const struct nft_mss_rule *rules, unsigned n, uint32_t seq, void *buf,
		     size_t size)
{
	struct nlw w = {.buf = buf, .size = size, .seq = seq};
	for (unsigned i = 0; i < n; i++)
		if (!rules[i].ifname[0] || strnlen(rules[i].ifname, IFNAMSIZ) >= IFNAMSIZ ||
		    rules[i].mss == 0)
			return 0;
	msg_begin(&w, NFNL_MSG_BATCH_BEGIN, 0, NFNL_SUBSYS_NFTABLES);
	msg_end(&w);
	/* "add table" cannot fail, so the delete that follows always has a
	 * table to remove: the batch replaces whatever was there */
	nft_msg(&w, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	attr_str(&w, NFTA_TABLE_NAME, NFT_MSS_TABLE);
	msg_end(&w);
	nft_msg(&w, NFT_MSG_DELTABLE, 0);
	attr_str(&w, NFTA_TABLE_NAME, NFT_MSS_TABLE);
	msg_end(&w);
	if (n) {
		nft_msg(&w, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
		attr_str(&w, NFTA_TABLE_NAME, NFT_MSS_TABLE);
		msg_end(&w);
		nft_msg(&w, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL);
		attr_str(&w, NFTA_CHAIN_TABLE, NFT_MSS_TABLE);
		attr_str(&w, NFTA_CHAIN_NAME, CHAIN);
		size_t hook = nest_begin(&w, NFTA_CHAIN_HOOK);
		attr_be32(&w, NFTA_HOOK_HOOKNUM, NF_INET_FORWARD);
		attr_be32(&w, NFTA_HOOK_PRIORITY, (uint32_t)PRIO_MANGLE);
		nest_end(&w, hook);
		attr_be32(&w, NFTA_CHAIN_POLICY, NF_ACCEPT);
		attr_str(&w, NFTA_CHAIN_TYPE, "filter");
		msg_end(&w);
		for (unsigned i = 0; i < n; i++) {
			rule(&w, &rules[i], false);
			rule(&w, &rules[i], true);
		}
	}
	msg_begin(&w, NFNL_MSG_BATCH_END, 0, NFNL_SUBSYS_NFTABLES);
	msg_end(&w);
	return w.overflow ? 0 : w.len;
}

/* Reads the acks of the batch: the first error, or 0 when all came. */
static int read_acks(int fd, uint32_t seq0, unsigned want)
{
	static uint8_t buf[16384];
	unsigned acks = 0;
	while (acks < want) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0)
			return errno == EINTR ? 0 : -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)r);
		     h = NLMSG_NEXT(h, r)) {
			if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq < seq0)
				continue;
			const struct nlmsgerr *e = NLMSG_DATA(h);
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EPROTO;
			if (e->error)
				return e->error;
			acks++;
		}
	}
	return 0;
}

int nft_mss_apply(const struct nft_mss_rule *rules, unsigned n)
{
	/* each rule ~400 octets (two per interface), the table and chain */
	size_t size = 2048 + (size_t)n * 1024;
	uint8_t *buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	uint32_t seq = (uint32_t)time(NULL);
	size_t len = nft_mss_build(rules, n, seq, buf, size);
	int rc = len ? 0 : -EINVAL;
	int fd = rc ? -1 : socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (!rc && fd < 0)
		rc = errno == EPROTONOSUPPORT ? -EPROTONOSUPPORT : -errno;
	if (!rc) {
		struct timeval tv = {.tv_sec = 2};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
		if (sendto(fd, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) != (ssize_t)len)
			rc = -errno;
		else	/* acked: add + delete table, and table, chain, 2 rules each */
			rc = read_acks(fd, seq, 2 + (n ? 2 + 2 * n : 0));
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc == -EAGAIN ? -ETIMEDOUT : rc;
}
