/*
 * IKEv2 runtime glue (ikev2/runtime_glue.c): configuration typed into a
 * memory session -> the engine's peer configuration.  Tunnel eligibility,
 * initiator configuration (proposals from the policy, profile from the
 * IPsec profile, identities, keyring keys incl. local/remote keys, DPD,
 * NAT keepalive, fragmentation, CHILD_SA from the IPsec profile for sVTI
 * and GRE), the smart defaults, the responder lookup (IKE_SA_INIT and
 * IKE_AUTH) and the reasons given when something is missing.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/memsession.h"
#include "cli/running_config.h"
#include "ikev2/engine.h"
#include "ikev2/ikev2_const.h"
#include "ikev2/runtime_glue.h"
#include "tunnel/tunnel.h"

static struct session *S;

static void setup(void)
{
	running_config_reset();
	S = memsession_new();
}

static void teardown(void)
{
	memsession_free(S);
	running_config_reset();
}

static void cfg(const char *lines)
{
	char *all;
	if (asprintf(&all, "configure terminal\n%s\nend\n", lines) < 0)
		abort();
	const char *out = memsession_run(S, all);
	ck_assert_msg(strstr(out, "% ") == NULL, "configuration error:\n%s", out);
	free(all);
}

static struct ipsec_addr addr(const char *s, uint16_t port)
{
	struct ipsec_addr a;
	memset(&a, 0, sizeof(a));
	a.family = 4;
	ck_assert_int_eq(inet_pton(AF_INET, s, a.ip), 1);
	a.port = port;
	return a;
}

static bool has_xf(const struct ikev2_proposal_cfg *p, uint8_t type, uint16_t id, uint16_t bits)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->xf[i].type == type && p->xf[i].id == id && p->xf[i].keybits == bits)
			return true;
	return false;
}

static unsigned count_xf(const struct ikev2_proposal_cfg *p, uint8_t type)
{
	unsigned n = 0;
	for (unsigned i = 0; i < p->n; i++)
		n += p->xf[i].type == type;
	return n;
}

static void ck_psk(const uint8_t *k, size_t len, const char *want)
{
	ck_assert_uint_eq(len, strlen(want));
	ck_assert(memcmp(k, want, len) == 0);
}

static void ck_ts_any(const struct ipsec_ts *ts)
{
	ck_assert_uint_eq(ts->family, 4);
	ck_assert_uint_eq(ts->proto, 0);
	ck_assert_uint_eq(ts->start_port, 0);
	ck_assert_uint_eq(ts->end_port, 65535);
	static const uint8_t zero[4], ones[4] = {255, 255, 255, 255};
	ck_assert(memcmp(ts->start, zero, 4) == 0);
	ck_assert(memcmp(ts->end, ones, 4) == 0);
}

static int tunnel(const char *name, struct ikev2_glue_tunnel *t, char *why, size_t len)
{
	const struct tunnel_ifconf *ifc = tunnel_if_find(name);
	ck_assert_ptr_nonnull(ifc);
	return ikev2_glue_tunnel_from_if(ifc, t, why, len);
}

/* The sVTI example: proposal/policy/keyring/profile/transform set/IPsec
 * profile, Tunnel0 sourced from an interface. */
static const char svti[] = "crypto ikev2 proposal PROP\n"
			   " encryption aes-cbc-256\n"
			   " integrity sha256\n"
			   " group 14\n"
			   "crypto ikev2 policy POL\n"
			   " proposal PROP\n"
			   "crypto ikev2 keyring KR\n"
			   " peer RB\n"
			   "  address 192.0.2.2\n"
			   "  pre-shared-key site-secret\n"
			   "crypto ikev2 profile TO-RB\n"
			   " match identity remote address 192.0.2.2 255.255.255.255\n"
			   " authentication remote pre-share\n"
			   " authentication local pre-share\n"
			   " keyring local KR\n"
			   " lifetime 3600\n"
			   " dpd 10 3 on-demand\n"
			   "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n"
			   " mode tunnel\n"
			   "crypto ipsec profile VTI\n"
			   " set transform-set TS\n"
			   " set pfs group14\n"
			   " set ikev2-profile TO-RB\n"
			   "interface GigabitEthernet0/0\n"
			   " ip address 192.0.2.1 255.255.255.0\n"
			   "interface Tunnel0\n"
			   " ip address 198.18.255.1 255.255.255.252\n"
			   " tunnel source GigabitEthernet0/0\n"
			   " tunnel mode ipsec ipv4\n"
			   " tunnel destination 192.0.2.2\n"
			   " tunnel protection ipsec profile VTI\n";

START_TEST(test_svti_initiator)
{
	cfg(svti);
	struct ikev2_glue_tunnel t;
	char why[160];
	ck_assert_int_eq(tunnel("Tunnel0", &t, why, sizeof(why)), 0);
	struct ipsec_addr l = addr("192.0.2.1", 500), r = addr("192.0.2.2", 500);
	ck_assert(memcmp(&t.local, &l, sizeof(l)) == 0);
	ck_assert(memcmp(&t.remote, &r, sizeof(r)) == 0);
	ck_assert_str_eq(t.ipsec_profile, "VTI");
	ck_assert_int_eq(t.kind, IKEV2_GLUE_CHILD_ANY);

	struct ikev2_peer_config pc;
	ck_assert_msg(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)) == 0, "%s", why);
	const struct ikev2_ike_policy *ike = &pc.ike;
	ck_assert_str_eq(ike->name, "TO-RB");
	ck_assert_uint_eq(ike->n_proposals, 1);
	const struct ikev2_proposal_cfg *p = &ike->proposals[0];
	ck_assert(has_xf(p, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 256));
	ck_assert(has_xf(p, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0));
	ck_assert(has_xf(p, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0));
	ck_assert(has_xf(p, IKEV2_XFORM_DH, 14, 0));
	ck_assert_uint_eq(p->n, 4);
	/* identity local: the address (IOS default); remote: any */
	ck_assert_uint_eq(ike->local_id.type, IKEV2_ID_IPV4_ADDR);
	ck_assert_uint_eq(ike->local_id.len, 4);
	ck_assert(memcmp(ike->local_id.data, l.ip, 4) == 0);
	ck_assert_uint_eq(ike->remote_id.type, 0);
	ck_psk(ike->psk_local, ike->psk_local_len, "site-secret");
	ck_psk(ike->psk_remote, ike->psk_remote_len, "site-secret");
	ck_assert_uint_eq(ike->lifetime_sec, 3600);
	ck_assert_uint_eq(ike->dpd_interval_sec, 10);
	ck_assert_uint_eq(ike->dpd_retry_sec, 3);
	ck_assert(ike->dpd_on_demand);
	ck_assert(!ike->fragmentation);
	ck_assert_uint_eq(ike->nat_keepalive_sec, 0);

	ck_assert(pc.has_child);
	const struct ikev2_child_policy *c = &pc.child;
	ck_assert_str_eq(c->name, "VTI");
	ck_assert_uint_eq(c->n_proposals, 1);
	ck_assert(has_xf(&c->proposals[0], IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 256));
	ck_assert(has_xf(&c->proposals[0], IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_256_128, 0));
	ck_assert_uint_eq(c->proposals[0].n, 2);
	ck_assert_uint_eq(c->pfs_group, 14);
	ck_assert_uint_eq(c->mode, IPSEC_SA_TUNNEL);
	ck_assert_uint_eq(c->lifetime_sec, 3600);
	ck_assert_uint_eq(c->lifetime_kb, 4608000);
	ck_assert_uint_eq(c->replay_window, 64);
	ck_assert_uint_eq(c->n_ts_local, 1);
	ck_assert_uint_eq(c->n_ts_remote, 1);
	ck_ts_any(&c->ts_local[0]);
	ck_ts_any(&c->ts_remote[0]);
}
END_TEST

START_TEST(test_smart_defaults)
{
	/* no proposal, policy, transform set or IPsec profile of our own */
	cfg("crypto ikev2 keyring KR\n"
	    " peer ANY\n"
	    "  address 0.0.0.0 0.0.0.0\n"
	    "  pre-shared-key dflt\n"
	    "crypto ikev2 profile P\n"
	    " match identity remote address 192.0.2.2 255.255.255.255\n"
	    " authentication remote pre-share\n"
	    " authentication local pre-share\n"
	    " keyring local KR\n"
	    "interface Tunnel1\n"
	    " tunnel source 192.0.2.1\n"
	    " tunnel mode ipsec ipv4\n"
	    " tunnel destination 192.0.2.2\n"
	    " tunnel protection ipsec profile default\n");
	struct ikev2_glue_tunnel t;
	struct ikev2_peer_config pc;
	char why[160];
	ck_assert_int_eq(tunnel("Tunnel1", &t, why, sizeof(why)), 0);
	ck_assert_msg(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)) == 0, "%s", why);
	/* the IKEv2 profile found by the peer's address */
	ck_assert_str_eq(pc.ike.name, "P");
	/* default policy -> default proposal: AES-CBC-256, SHA512/384, 19 14 21 */
	ck_assert_uint_eq(pc.ike.n_proposals, 1);
	const struct ikev2_proposal_cfg *p = &pc.ike.proposals[0];
	ck_assert(has_xf(p, IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 256));
	ck_assert(has_xf(p, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_512_256, 0));
	ck_assert(has_xf(p, IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA2_384_192, 0));
	ck_assert(has_xf(p, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_512, 0));
	ck_assert(has_xf(p, IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_384, 0));
	ck_assert_uint_eq(count_xf(p, IKEV2_XFORM_DH), 3);
	ck_assert_uint_eq(p->xf[p->n - 3].id, 19); /* order kept */
	ck_assert_uint_eq(p->xf[p->n - 2].id, 14);
	ck_assert_uint_eq(p->xf[p->n - 1].id, 21);
	ck_psk(pc.ike.psk_local, pc.ike.psk_local_len, "dflt");
	ck_assert_uint_eq(pc.ike.lifetime_sec, 86400);
	ck_assert_uint_eq(pc.ike.dpd_interval_sec, 0);
	/* default IPsec profile -> default transform set esp-aes esp-sha-hmac */
	ck_assert_str_eq(pc.child.name, "default");
	ck_assert_uint_eq(pc.child.n_proposals, 1);
	ck_assert(has_xf(&pc.child.proposals[0], IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128));
	ck_assert(has_xf(&pc.child.proposals[0], IKEV2_XFORM_INTEG, IKEV2_INTEG_HMAC_SHA1_96, 0));
	ck_assert_uint_eq(pc.child.pfs_group, 0);
	ck_assert_uint_eq(pc.child.lifetime_sec, 3600);
	ck_assert_uint_eq(pc.child.mode, IPSEC_SA_TUNNEL);
}
END_TEST

START_TEST(test_keys_identity_globals)
{
	cfg("crypto ikev2 fragmentation mtu 1200\n"
	    "crypto ikev2 nat keepalive 20\n"
	    "crypto ikev2 dpd 30 5 periodic\n"
	    "crypto ikev2 keyring KR\n"
	    " peer RB\n"
	    "  address 192.0.2.0 255.255.255.0\n"
	    "  pre-shared-key local mine\n"
	    "  pre-shared-key remote theirs\n"
	    "crypto ikev2 profile P\n"
	    " match identity remote address 192.0.2.2 255.255.255.255\n"
	    " identity local fqdn r1.example.com\n"
	    " authentication remote pre-share\n"
	    " authentication local pre-share\n"
	    " keyring local KR\n"
	    "crypto ipsec profile VTI\n"
	    " set ikev2-profile P\n"
	    "interface Tunnel0\n"
	    " tunnel source 192.0.2.1\n"
	    " tunnel mode ipsec ipv4\n"
	    " tunnel destination 192.0.2.2\n"
	    " tunnel protection ipsec profile VTI\n");
	struct ikev2_glue_tunnel t;
	struct ikev2_peer_config pc;
	char why[160];
	ck_assert_int_eq(tunnel("Tunnel0", &t, why, sizeof(why)), 0);
	ck_assert_msg(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)) == 0, "%s", why);
	ck_psk(pc.ike.psk_local, pc.ike.psk_local_len, "mine");
	ck_psk(pc.ike.psk_remote, pc.ike.psk_remote_len, "theirs");
	ck_assert_uint_eq(pc.ike.local_id.type, IKEV2_ID_FQDN);
	ck_assert_uint_eq(pc.ike.local_id.len, strlen("r1.example.com"));
	ck_assert(memcmp(pc.ike.local_id.data, "r1.example.com", pc.ike.local_id.len) == 0);
	ck_assert(pc.ike.fragmentation);
	ck_assert_uint_eq(pc.ike.fragment_mtu, 1200);
	ck_assert_uint_eq(pc.ike.nat_keepalive_sec, 20);
	ck_assert_uint_eq(pc.ike.dpd_interval_sec, 30);
	ck_assert_uint_eq(pc.ike.dpd_retry_sec, 5);
	ck_assert(!pc.ike.dpd_on_demand);
	/* the profile's own values win over the globals */
	cfg("crypto ikev2 profile P\n"
	    " dpd 10 2 on-demand\n"
	    " nat keepalive 7\n"
	    " authentication local pre-share key prof-local\n");
	ck_assert_msg(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)) == 0, "%s", why);
	ck_assert_uint_eq(pc.ike.dpd_interval_sec, 10);
	ck_assert(pc.ike.dpd_on_demand);
	ck_assert_uint_eq(pc.ike.nat_keepalive_sec, 7);
	ck_psk(pc.ike.psk_local, pc.ike.psk_local_len, "prof-local");
	ck_psk(pc.ike.psk_remote, pc.ike.psk_remote_len, "theirs");
}
END_TEST

START_TEST(test_gre_transport)
{
	cfg(svti);
	cfg("interface Tunnel0\n"
	    " tunnel mode gre ip\n");
	struct ikev2_glue_tunnel t;
	struct ikev2_peer_config pc;
	char why[160];
	ck_assert_int_eq(tunnel("Tunnel0", &t, why, sizeof(why)), 0);
	ck_assert_int_eq(t.kind, IKEV2_GLUE_CHILD_GRE);
	/* the transform set says "mode tunnel": GRE in tunnel-mode ESP */
	ck_assert_msg(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)) == 0, "%s", why);
	ck_assert_uint_eq(pc.child.mode, IPSEC_SA_TUNNEL);
	/* "mode transport": transport-mode ESP, as every Cisco GRE guide sets */
	cfg("crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n"
	    " mode transport\n");
	ck_assert_msg(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)) == 0, "%s", why);
	ck_assert_uint_eq(pc.child.mode, IPSEC_SA_TRANSPORT);
	ck_assert_uint_eq(pc.child.n_ts_local, 1);
	const struct ipsec_ts *l = &pc.child.ts_local[0], *r = &pc.child.ts_remote[0];
	ck_assert_uint_eq(l->proto, 47);
	ck_assert_uint_eq(r->proto, 47);
	struct ipsec_addr a = addr("192.0.2.1", 0), b = addr("192.0.2.2", 0);
	ck_assert(memcmp(l->start, a.ip, 4) == 0 && memcmp(l->end, a.ip, 4) == 0);
	ck_assert(memcmp(r->start, b.ip, 4) == 0 && memcmp(r->end, b.ip, 4) == 0);
}
END_TEST

START_TEST(test_tunnel_eligibility)
{
	cfg(svti);
	struct ikev2_glue_tunnel t;
	char why[160];
	cfg("interface Tunnel0\n shutdown\n");
	ck_assert_int_eq(tunnel("Tunnel0", &t, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "administratively down");
	cfg("interface Tunnel0\n no shutdown\n no tunnel destination\n");
	ck_assert_int_eq(tunnel("Tunnel0", &t, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "no tunnel destination");
	cfg("interface Tunnel0\n tunnel destination 192.0.2.2\n"
	    "interface GigabitEthernet0/0\n no ip address\n");
	ck_assert_int_eq(tunnel("Tunnel0", &t, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "tunnel source GigabitEthernet0/0 has no IPv4 address");
	cfg("interface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n");
	ck_assert_int_eq(tunnel("Tunnel0", &t, why, sizeof(why)), 0);
	cfg("interface Tunnel0\n no tunnel protection ipsec profile VTI\n");
	ck_assert_int_eq(tunnel("Tunnel0", &t, why, sizeof(why)), 1);
	cfg("interface Loopback0\n ip address 198.51.100.1 255.255.255.255\n");
	ck_assert_int_eq(tunnel("Loopback0", &t, why, sizeof(why)), 1);
}
END_TEST

START_TEST(test_initiator_errors)
{
	cfg(svti);
	struct ikev2_glue_tunnel t;
	struct ikev2_peer_config pc;
	char why[160];
	ck_assert_int_eq(tunnel("Tunnel0", &t, why, sizeof(why)), 0);
	snprintf(t.ipsec_profile, sizeof(t.ipsec_profile), "NOPE");
	ck_assert_int_eq(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "IPsec profile NOPE does not exist");
	snprintf(t.ipsec_profile, sizeof(t.ipsec_profile), "VTI");
	cfg("crypto ipsec profile VTI\n set ikev2-profile MISSING\n");
	ck_assert_int_eq(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "IKEv2 profile MISSING does not exist");
	cfg("crypto ipsec profile VTI\n set ikev2-profile TO-RB\n"
	    "crypto ikev2 keyring KR\n no peer RB\n");
	ck_assert_int_eq(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "keyring KR has no peer for 192.0.2.2");
	cfg("crypto ikev2 keyring KR\n peer RB\n  address 192.0.2.2\n  pre-shared-key 6 ABCDEF\n");
	ck_assert_int_eq(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "type 6") != NULL, "%s", why);
	cfg("crypto ikev2 keyring KR\n peer RB\n  pre-shared-key fine\n"
	    "crypto ikev2 profile TO-RB\n shutdown\n");
	ck_assert_int_eq(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "IKEv2 profile TO-RB is shut down");
	cfg("crypto ikev2 profile TO-RB\n no shutdown\n");
	ck_assert_int_eq(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)), 0);
	/* responder-only: not an error, we wait for the peer */
	cfg("crypto ipsec profile VTI\n responder-only\n");
	ck_assert_int_eq(ikev2_glue_initiator_config(&t, &pc, why, sizeof(why)), 1);
	ck_assert_str_eq(why, "IPsec profile VTI is responder-only: waiting for the peer");
}
END_TEST

START_TEST(test_responder_lookup)
{
	cfg(svti);
	cfg("crypto ikev2 keyring KR\n"
	    " peer BRANCH\n"
	    "  identity fqdn branch.example.com\n"
	    "  pre-shared-key branch-key\n"
	    "crypto ikev2 profile BRANCHES\n"
	    " match identity remote fqdn domain example.com\n"
	    " authentication remote pre-share\n"
	    " authentication local pre-share\n"
	    " keyring local KR\n"
	    " lifetime 7200\n");
	struct ipsec_addr l = addr("192.0.2.1", 500), r = addr("203.0.113.9", 500);
	struct ikev2_peer_config pc;
	char why[160];
	/* IKE_SA_INIT: the proposals of the policy */
	ck_assert_msg(ikev2_glue_lookup_peer(&l, &r, NULL, &pc, why, sizeof(why)) == 0, "%s", why);
	ck_assert_uint_eq(pc.ike.n_proposals, 1);
	ck_assert(has_xf(&pc.ike.proposals[0], IKEV2_XFORM_DH, 14, 0));
	/* IKE_AUTH: profile by identity, key from the keyring peer's identity */
	struct ikev2_id id;
	memset(&id, 0, sizeof(id));
	id.type = IKEV2_ID_FQDN;
	id.len = (uint16_t)strlen("branch.example.com");
	memcpy(id.data, "branch.example.com", id.len);
	ck_assert_msg(ikev2_glue_lookup_peer(&l, &r, &id, &pc, why, sizeof(why)) == 0, "%s", why);
	ck_assert_str_eq(pc.ike.name, "BRANCHES");
	ck_assert_uint_eq(pc.ike.lifetime_sec, 7200);
	ck_psk(pc.ike.psk_remote, pc.ike.psk_remote_len, "branch-key");
	ck_assert_uint_eq(pc.ike.remote_id.type, 0);
	/* no tunnel towards it, no IPsec profile naming BRANCHES: default */
	ck_assert(pc.has_child);
	ck_assert_str_eq(pc.child.name, "default");
	ck_assert_uint_eq(pc.child.n_ts_local, 2); /* any IPv4 and any IPv6 */
	ck_ts_any(&pc.child.ts_local[0]);
	ck_ts_any(&pc.child.ts_remote[0]);
	ck_assert_uint_eq(pc.child.ts_local[1].family, 6);

	/* the sVTI peer by address: the tunnel's IPsec profile */
	struct ipsec_addr rb = addr("192.0.2.2", 500);
	struct ikev2_id aid;
	memset(&aid, 0, sizeof(aid));
	aid.type = IKEV2_ID_IPV4_ADDR;
	aid.len = 4;
	memcpy(aid.data, rb.ip, 4);
	ck_assert_msg(ikev2_glue_lookup_peer(&l, &rb, &aid, &pc, why, sizeof(why)) == 0, "%s", why);
	ck_assert_str_eq(pc.ike.name, "TO-RB");
	ck_assert_str_eq(pc.child.name, "VTI");
	ck_assert_uint_eq(pc.child.pfs_group, 14);
	ck_psk(pc.ike.psk_remote, pc.ike.psk_remote_len, "site-secret");

	/* an identity no profile matches */
	id.len = (uint16_t)strlen("x.example.org");
	memcpy(id.data, "x.example.org", id.len);
	ck_assert_int_eq(ikev2_glue_lookup_peer(&l, &r, &id, &pc, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "no IKEv2 profile matches the peer identity x.example.org");

	/* the tunnel towards the peer is shut down: refused */
	cfg("interface Tunnel0\n shutdown\n");
	ck_assert_int_eq(ikev2_glue_lookup_peer(&l, &rb, &aid, &pc, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "Tunnel0 towards the peer is shut down");
}
END_TEST

START_TEST(test_no_policy)
{
	cfg("no crypto ikev2 policy default\n");
	struct ipsec_addr l = addr("192.0.2.1", 500), r = addr("192.0.2.2", 500);
	struct ikev2_peer_config pc;
	char why[160];
	ck_assert_int_eq(ikev2_glue_lookup_peer(&l, &r, NULL, &pc, why, sizeof(why)), -1);
	ck_assert_str_eq(why,
			 "no IKEv2 policy with a complete proposal matches local address 192.0.2.1");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ikev2_runtime_glue");
	TCase *tc = tcase_create("glue");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_svti_initiator);
	tcase_add_test(tc, test_smart_defaults);
	tcase_add_test(tc, test_keys_identity_globals);
	tcase_add_test(tc, test_gre_transport);
	tcase_add_test(tc, test_tunnel_eligibility);
	tcase_add_test(tc, test_initiator_errors);
	tcase_add_test(tc, test_responder_lookup);
	tcase_add_test(tc, test_no_policy);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
