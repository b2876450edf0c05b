/*
 * MSS clamping rules for nf_tables (ipsec/nft_mss.c): the batch's message
 * sequence and attribute nesting, invalid input refused, and (as root, in
 * a throw-away network namespace) what the kernel made of it, read back
 * with `nft list table` and compared with the rules nft itself would print.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipsec/nft_mss.h"

static uint8_t buf[16384];

static const struct nft_mss_rule two[] = {{"Tu0", 1360}, {"Tu7", 1400}};

/* Every attribute inside [p, p + len) fits, recursively for nested ones;
 * counts the attributes whose payload starts with `needle`. */
static int walk(const uint8_t *p, size_t len, const void *needle, size_t nlen)
{
	int hits = 0;
	while (len > 0) {
		ck_assert_uint_ge(len, NLA_HDRLEN);
		const struct nlattr *a = (const struct nlattr *)p;
		ck_assert_uint_ge(a->nla_len, NLA_HDRLEN);
		ck_assert_uint_le(a->nla_len, len);
		const uint8_t *d = p + NLA_HDRLEN;
		size_t dl = a->nla_len - NLA_HDRLEN;
		if (a->nla_type & NLA_F_NESTED)
			hits += walk(d, dl, needle, nlen);
		else if (dl >= nlen && memcmp(d, needle, nlen) == 0)
			hits++;
		size_t step = NLA_ALIGN(a->nla_len);
		if (step > len)
			step = len;
		p += step;
		len -= step;
	}
	return hits;
}

START_TEST(test_batch_layout)
{
	size_t n = nft_mss_build(two, 2, 100, buf, sizeof(buf));
	ck_assert_uint_gt(n, 0);
	static const uint16_t want[] = {
		NFNL_MSG_BATCH_BEGIN, NFT_MSG_NEWTABLE, NFT_MSG_DELTABLE, NFT_MSG_NEWTABLE,
		NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE, NFT_MSG_NEWRULE, NFT_MSG_NEWRULE,
		NFT_MSG_NEWRULE, NFNL_MSG_BATCH_END,
	};
	unsigned i = 0, tu0 = 0, tu7 = 0, mss1360 = 0;
	uint16_t be1360 = htons(1360);
	const uint8_t *p = buf;
	size_t left = n;
	while (left > 0) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)p;
		ck_assert_uint_ge(left, NLMSG_HDRLEN);
		ck_assert_uint_le(h->nlmsg_len, left);
		ck_assert_uint_lt(i, sizeof(want) / sizeof(want[0]));
		bool batch = want[i] == NFNL_MSG_BATCH_BEGIN || want[i] == NFNL_MSG_BATCH_END;
		ck_assert_uint_eq(h->nlmsg_type, batch ? want[i] : (NFNL_SUBSYS_NFTABLES << 8 | want[i]));
		ck_assert_uint_eq(h->nlmsg_seq, 100 + i);
		ck_assert(h->nlmsg_flags & NLM_F_REQUEST);
		ck_assert(batch || (h->nlmsg_flags & NLM_F_ACK));
		const struct nfgenmsg *g = NLMSG_DATA(h);
		ck_assert_uint_eq(ntohs(g->res_id), batch ? NFNL_SUBSYS_NFTABLES : 0);
		const uint8_t *attrs = (const uint8_t *)g + NLMSG_ALIGN(sizeof(*g));
		size_t alen = h->nlmsg_len - (size_t)(attrs - p);
		walk(attrs, alen, "", 0);
		tu0 += walk(attrs, alen, "Tu0\0\0\0\0\0\0\0\0\0\0\0\0", IFNAMSIZ);
		tu7 += walk(attrs, alen, "Tu7", 4);
		if (want[i] == NFT_MSG_NEWRULE)
			mss1360 += walk(attrs, alen, &be1360, 2) > 0;
		p += NLMSG_ALIGN(h->nlmsg_len);
		left -= NLMSG_ALIGN(h->nlmsg_len) < left ? NLMSG_ALIGN(h->nlmsg_len) : left;
		i++;
	}
	ck_assert_uint_eq(i, sizeof(want) / sizeof(want[0]));
	ck_assert_uint_eq(tu0, 2);	/* oifname and iifname, full IFNAMSIZ */
	ck_assert_uint_eq(tu7, 2);
	ck_assert_uint_eq(mss1360, 2);

	/* no rules: add + delete of the table only */
	n = nft_mss_build(NULL, 0, 1, buf, sizeof(buf));
	ck_assert_uint_gt(n, 0);
	unsigned msgs = 0;
	for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; NLMSG_OK(h, n);
	     h = NLMSG_NEXT(h, n))
		msgs++;
	ck_assert_uint_eq(msgs, 4);
}
END_TEST

START_TEST(test_refused)
{
	struct nft_mss_rule r = {"", 1360};
	ck_assert_uint_eq(nft_mss_build(&r, 1, 1, buf, sizeof(buf)), 0);
	r = (struct nft_mss_rule){"Tu0", 0};
	ck_assert_uint_eq(nft_mss_build(&r, 1, 1, buf, sizeof(buf)), 0);
	memset(r.ifname, 'x', sizeof(r.ifname));	/* not terminated */
	r.mss = 1360;
	ck_assert_uint_eq(nft_mss_build(&r, 1, 1, buf, sizeof(buf)), 0);
	/* too small a buffer: nothing half-built is returned */
	ck_assert_uint_eq(nft_mss_build(two, 2, 1, buf, 200), 0);
	ck_assert_int_eq(nft_mss_apply(&r, 1), -EINVAL);
}
END_TEST

/* `nft list table ip ikesh` in this namespace; its exit status */
static int list_table(char *out, size_t size)
{
	FILE *f = popen("nft list table ip " NFT_MSS_TABLE " 2>/dev/null", "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(out, 1, size - 1, f);
	out[n] = 0;
	return pclose(f);
}

START_TEST(test_kernel_readback)
{
	if (geteuid() != 0 || system("command -v nft >/dev/null 2>&1") != 0) {
		puts("test_kernel_readback: not root or no nft: not run");
		return;
	}
	/* libcheck forks each test: the namespace dies with this process */
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	static char out[8192];
	ck_assert_int_eq(nft_mss_apply(two, 2), 0);
	ck_assert_int_eq(list_table(out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "type filter hook forward priority mangle; policy accept;"));
	ck_assert_ptr_nonnull(strstr(out, "oifname \"Tu0\" tcp flags syn / syn,rst tcp option maxseg "
					  "size > 1360 tcp option maxseg size set 1360\n"));
	ck_assert_ptr_nonnull(strstr(out, "iifname \"Tu0\" tcp flags syn / syn,rst tcp option maxseg "
					  "size > 1360 tcp option maxseg size set 1360\n"));
	ck_assert_ptr_nonnull(strstr(out, "oifname \"Tu7\" tcp flags syn / syn,rst tcp option maxseg "
					  "size > 1400 tcp option maxseg size set 1400\n"));
	/* replaced as a whole */
	struct nft_mss_rule one = {"Tu7", 1300};
	ck_assert_int_eq(nft_mss_apply(&one, 1), 0);
	ck_assert_int_eq(list_table(out, sizeof(out)), 0);
	ck_assert_ptr_null(strstr(out, "Tu0"));
	ck_assert_ptr_nonnull(strstr(out, "iifname \"Tu7\" tcp flags syn / syn,rst tcp option maxseg "
					  "size > 1300 tcp option maxseg size set 1300\n"));
	/* none: the table is gone, twice in a row is fine */
	ck_assert_int_eq(nft_mss_apply(NULL, 0), 0);
	ck_assert_int_ne(list_table(out, sizeof(out)), 0);
	ck_assert_int_eq(nft_mss_apply(NULL, 0), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nft_mss");
	TCase *tc = tcase_create("nft_mss");
	tcase_add_test(tc, test_batch_layout);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_kernel_readback);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
