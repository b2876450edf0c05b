/*
 * The crypto engine, IOS style: which IPsec data plane carries the SAs.
 *
 *   show crypto engine brief | configuration
 *   show crypto engine connections active
 *
 * IOS lists its hardware/software engines; ikesh has exactly one engine,
 * the data plane chosen at start (ipsec/dataplane.h): the userspace ESP
 * (ipsec/userspace.h) or the kernel's XFRM (ipsec/backend_xfrm.h), both
 * "software".  "connections active" lists the IPsec SAs with their packet
 * counters, as the data plane reports them (for the kernel: XFRM_MSG_GETSA).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "grammar/cmd.h"
#include "ikev2/runtime.h"
#include "ikev2/runtime_dataplane.h"
#include "ikev2/runtime_kernel.h"
#include "ipsec/backend_xfrm.h"
#include "ipsec/config.h"
#include "ipsec/dataplane.h"
#include "ipsec/userspace.h"

static const char *engine_name(void)
{
	switch (dataplane_kind()) {
	case DATAPLANE_KERNEL: return "Linux kernel XFRM";
	case DATAPLANE_USERSPACE: return "ikesh userspace ESP";
	default: return "none";
	}
}

int h_ipsec_show_engine(struct cmdctx *c)
{
	bool running = ikev2_runtime_running();
	struct utsname u;
	uname(&u);
	if (cmd_has(c, "configuration")) {
		cmd_out(c, "        crypto engine name:  %s\n", engine_name());
		cmd_out(c, "        crypto engine type:  software\n");
		cmd_out(c, "             serial number:  0\n");
		cmd_out(c, "       crypto engine state:  %s\n", running ? "installed" : "not running");
		cmd_out(c, "     crypto engine in slot:  N/A\n");
		cmd_out(c, "        IPsec data plane:  %s\n", dataplane_name());
		return 0;
	}
	cmd_out(c, "        crypto engine name:  %s\n", engine_name());
	cmd_out(c, "        crypto engine type:  software\n");
	cmd_out(c, "                     State:  %s\n", running ? "Enabled" : "Disabled");
	cmd_out(c, "                  Location:  onboard 0\n");
	if (dataplane_kind() == DATAPLANE_KERNEL) {
		cmd_out(c, "              Product Name:  %s %s ESP (XFRM netlink)\n", u.sysname,
			u.release);
		struct xfrm_backend_stats st;
		xfrm_backend_get_stats(ikev2_rt_kernel(), &st);
		cmd_out(c, "                 IPsec SAs:  %u\n", st.sas);
		cmd_out(c, "            IPsec policies:  %u\n", st.policies);
		cmd_out(c, "      Kernel errors (last):  %llu (%d)\n",
			(unsigned long long)st.errors, st.last_error);
		cmd_out(c, "     Expiry events (s/h):  %llu/%llu\n",
			(unsigned long long)st.expire_soft, (unsigned long long)st.expire_hard);
	} else if (dataplane_kind() == DATAPLANE_USERSPACE) {
		cmd_out(c, "              Product Name:  ikesh ESP over TUN, UDP 4500 and raw IP 50\n");
		struct userspace_dp *dp = ikev2_rt_dp();
		cmd_out(c, "                 IPsec SAs:  %u\n", dp ? userspace_sa_count(dp) : 0);
		cmd_out(c, "            IPsec policies:  %u\n", dp ? userspace_policy_count(dp) : 0);
	}
	return 0;
}

/* ------------------------------------------------------------ connections */

static void alg_name(char *out, size_t len, uint16_t encr, uint16_t bits, uint16_t integ)
{
	const char *i = integ == IPSEC_IANA_AUTH_HMAC_SHA1_96 ? "+SHA"
			: integ == IPSEC_IANA_AUTH_HMAC_SHA2_256_128 ? "+SHA256"
			: integ == IPSEC_IANA_AUTH_HMAC_SHA2_384_192 ? "+SHA384"
			: integ == IPSEC_IANA_AUTH_HMAC_SHA2_512_256 ? "+SHA512" : "";
	if (encr == IPSEC_IANA_ENCR_AES_GCM_16)
		snprintf(out, len, "AES-GCM%u", bits ? bits : 128);
	else if (encr == IPSEC_IANA_ENCR_AES_CBC)
		snprintf(out, len, "AES%u%s", bits ? bits : 128, i);
	else
		snprintf(out, len, "NULL%s", i);
}

struct row {
	unsigned id;
	char alg[24];
	unsigned long long enc, dec, seq;
	char addr[INET6_ADDRSTRLEN];
};

static void row_print(struct cmdctx *c, const struct row *r)
{
	cmd_out(c, "%5u  IPsec   %-18s %8llu %8llu %8llu %s\n", r->id, r->alg, r->enc, r->dec,
		r->seq, r->addr);
}

static void row_fill(struct row *r, uint64_t child, bool inbound, const struct ipsec_sa_key *k,
		     uint16_t encr, uint16_t bits, uint16_t integ, uint64_t pkts, uint64_t seq)
{
	/* the conn id of show crypto ipsec sa: 2000 + 2 x CHILD_SA (+1 out) */
	r->id = (unsigned)(2000 + child * 2 + (inbound ? 0 : 1));
	alg_name(r->alg, sizeof(r->alg), encr, bits, integ);
	r->enc = inbound ? 0 : pkts;
	r->dec = inbound ? pkts : 0;
	r->seq = seq;
	const struct ipsec_addr *local = inbound ? &k->dst : &k->src;
	if (!inet_ntop(local->family == 6 ? AF_INET6 : AF_INET, local->ip, r->addr, sizeof(r->addr)))
		snprintf(r->addr, sizeof(r->addr), "?");
}

static void kernel_cb(void *arg, const struct xfrm_sa_info *s)
{
	struct row r;
	row_fill(&r, s->child_sa_id, s->inbound, &s->key, s->encr, s->encr_keybits, s->integ,
		 s->packets, s->seq);
	row_print(arg, &r);
}

static void user_cb(void *arg, const struct userspace_sa_info *s)
{
	struct row r;
	row_fill(&r, s->child_sa_id, s->inbound, &s->key, s->encr, s->encr_keybits, s->integ,
		 s->inbound ? s->c.pkts_decaps : s->c.pkts_encaps, s->seq);
	row_print(arg, &r);
}

int h_ipsec_show_engine_conn(struct cmdctx *c)
{
	cmd_out(c, "Crypto Engine Connections\n\n");
	cmd_out(c, "   ID  Type    Algorithm           Encrypt  Decrypt LastSeqN IP-Address\n");
	if (ikev2_rt_kernel())
		xfrm_backend_foreach_sa(ikev2_rt_kernel(), kernel_cb, c);
	else if (ikev2_rt_dp())
		userspace_foreach_sa(ikev2_rt_dp(), user_cb, c);
	return 0;
}
