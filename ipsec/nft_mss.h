/*
 * "ip tcp adjust-mss" for tunnel interfaces the kernel forwards through
 * (the kernel XFRM data plane; the userspace one clamps in ipsec/esp_ip.c).
 *
 * One nf_tables table "ip ikesh" with a chain "mss" on the forward hook
 * (priority mangle) holding, per interface, two rules as nft would print
 * them:
 *   oifname "Tu0" tcp flags syn / syn,rst tcp option maxseg size > 1360
 *       tcp option maxseg size set 1360
 *   iifname "Tu0" ... (the same)
 * Built directly as nf_tables netlink messages (no libnftnl, no nft
 * binary).  Each nft_mss_apply() replaces the whole table in one atomic
 * batch; an empty list removes it.
 */
#ifndef IKESH_IPSEC_NFT_MSS_H
#define IKESH_IPSEC_NFT_MSS_H

#include <net/if.h>
#include <stdint.h>

#define NFT_MSS_TABLE "ikesh"

struct nft_mss_rule {
	char ifname[IFNAMSIZ];	/* Linux interface name */
	uint16_t mss;		/* 1..65535 */
};

/* 0, or a negative errno (-EPROTONOSUPPORT: no nf_tables in this kernel). */
int nft_mss_apply(const struct nft_mss_rule *rules, unsigned n);

/* The batch nft_mss_apply() sends, into buf (for tests).  Its length, or
 * 0 when buf is too small or a rule is invalid. */
size_t nft_mss_build(const struct nft_mss_rule *rules, unsigned n, uint32_t seq, void *buf,
		     size_t size);

#endif
