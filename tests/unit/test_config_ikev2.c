/*
 * IKEv2 configuration (ikev2/config_*.c): proposals, policies, keyrings,
 * profiles, name-manglers and the global settings, typed through a memory
 * session.  Checks the exact running-config and show text, the validation
 * errors, the no forms, the smart defaults, the lookups the IKEv2 engine
 * uses (policy selection, keyring peers, profile matching, name mangling)
 * and the reference check.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/config_file.h"
#include "cli/memsession.h"
#include "cli/running_config.h"
#include "ikev2/config.h"

#include "config_test.h"
#define ck_no_error(o) ck_assert_msg(strstr(o, "%") == NULL, "unexpected error: %s", o)

static struct ikev2_ip ip(const char *s)
{
	struct ikev2_ip a;
	ck_assert_int_eq(ikev2_ip_parse(s, &a), 0);
	return a;
}

/* ---- proposals ---- */

START_TEST(test_default_proposal)
{
	ck_run_lacks("crypto ikev2");
	const struct ikev2_proposal *d = ikev2_proposal_find("default");
	ck_assert_ptr_nonnull(d);
	ck_assert(ikev2_proposal_complete(d, NULL, 0));
	ck_assert_int_eq(d->n_encr, 1);
	ck_assert_int_eq(d->encr[0].id, IKEV2_ENCR_AES_CBC);
	ck_assert_int_eq(d->encr[0].keybits, 256);
	ck_assert_int_eq(d->n_dh, 3);
	ck_assert_int_eq(d->dh[0], 19);
	uint16_t prf[4];
	ck_assert_int_eq(ikev2_proposal_prfs(d, prf, 4), 2);
	ck_assert_int_eq(prf[0], IKEV2_PRF_HMAC_SHA2_512);
	const char *o = memsession_run(S, "show crypto ikev2 proposal\n");
	ck_assert_str_eq(o, " IKEv2 proposal: default \n"
			    "     Encryption : AES-CBC-256\n"
			    "     Integrity  : SHA512 SHA384\n"
			    "     PRF        : SHA512 SHA384\n"
			    "     DH Group   : DH_GROUP_256_ECP/Group 19 DH_GROUP_2048_MODP/Group 14 "
			    "DH_GROUP_521_ECP/Group 21\n");

	/* modified: first command of a kind replaces the built-in list */
	o = cfg("crypto ikev2 proposal default\n group 16\n group 19\n");
	ck_no_error(o);
	ck_run_has("!\ncrypto ikev2 proposal default \n encryption aes-cbc-256\n"
		   " integrity sha512 sha384\n group 16 19\n!\n");
	cfg("crypto ikev2 proposal default\n default group\n");
	ck_run_lacks("proposal default");

	/* disabled */
	cfg("no crypto ikev2 proposal default\n");
	ck_assert_ptr_null(ikev2_proposal_find("default"));
	ck_run_has("!\nno crypto ikev2 proposal default\n!\n");
	ck_assert_str_eq(memsession_run(S, "show crypto ikev2 proposal\n"), "");
	/* entering it again brings the built-in one back */
	o = cfg("crypto ikev2 proposal default\n");
	ck_assert_ptr_null(strstr(o, "MUST")); /* complete: no warning */
	ck_assert_ptr_nonnull(ikev2_proposal_find("default"));
	ck_run_lacks("proposal default");
}
END_TEST

START_TEST(test_proposal_running_config)
{
	const char *o = cfg("crypto ikev2 proposal P1\n"
			    " encryption aes-cbc-256 aes-cbc-128\n"
			    " encryption aes-cbc-192 aes-cbc-256\n"
			    " integrity sha256 sha1\n"
			    " group 14 19\n"
			    " group 21\n"
			    "crypto ikev2 proposal G\n"
			    " encryption aes-gcm-256 aes-gcm-128\n"
			    " prf sha384\n"
			    " group 20\n");
	ck_no_error(o);
	ck_assert_ptr_nonnull(strstr(o, "IKEv2 proposal MUST either have a set of an encryption "
					"algorithm other than aes-gcm, an integrity algorithm and a DH "
					"group configured or \n encryption algorithm aes-gcm, a prf "
					"algorithm and a DH group configured\n"));
	ck_run_has("!\ncrypto ikev2 proposal P1 \n"
		   " encryption aes-cbc-256 aes-cbc-128 aes-cbc-192\n"
		   " integrity sha256 sha1\n"
		   " group 14 19 21\n"
		   "!\n"
		   "crypto ikev2 proposal G \n"
		   " encryption aes-gcm-256 aes-gcm-128\n"
		   " prf sha384\n"
		   " group 20\n"
		   "!\n");
	const struct ikev2_proposal *p = ikev2_proposal_find("P1");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->n_encr, 3);
	ck_assert_int_eq(p->encr[2].keybits, 192);
	ck_assert_int_eq(p->integ[0], IKEV2_INTEG_HMAC_SHA2_256_128);
	ck_assert_int_eq(p->integ[1], IKEV2_INTEG_HMAC_SHA1_96);
	ck_assert(ikev2_proposal_complete(p, NULL, 0));
	p = ikev2_proposal_find("G");
	ck_assert_int_eq(p->encr[0].id, IKEV2_ENCR_AES_GCM_16);
	ck_assert(ikev2_proposal_complete(p, NULL, 0));

	o = memsession_run(S, "show crypto ikev2 proposal P1\n");
	ck_assert_str_eq(o, " IKEv2 proposal: P1 \n"
			    "     Encryption : AES-CBC-256 AES-CBC-128 AES-CBC-192\n"
			    "     Integrity  : SHA256 SHA96\n"
			    "     PRF        : SHA256 SHA1\n"
			    "     DH Group   : DH_GROUP_2048_MODP/Group 14 DH_GROUP_256_ECP/Group 19 "
			    "DH_GROUP_521_ECP/Group 21\n");
	o = memsession_run(S, "show crypto ikev2 proposal G\n");
	ck_assert_str_eq(o, " IKEv2 proposal: G \n"
			    "     Encryption : AES-GCM-256 AES-GCM-128\n"
			    "     PRF        : SHA384\n"
			    "     DH Group   : DH_GROUP_384_ECP/Group 20\n");

	/* no forms remove the named algorithms, or all of them */
	cfg("crypto ikev2 proposal P1\n no encryption aes-cbc-128\n no group 19 21\n no integrity\n");
	ck_run_has("crypto ikev2 proposal P1 \n encryption aes-cbc-256 aes-cbc-192\n group 14\n!\n");
	char why[128];
	ck_assert(!ikev2_proposal_complete(ikev2_proposal_find("P1"), why, sizeof why));
	ck_assert_str_eq(why, "no integrity algorithm");
	cfg("no crypto ikev2 proposal P1\n");
	ck_assert_ptr_null(ikev2_proposal_find("P1"));
	ck_run_lacks("P1");
}
END_TEST

START_TEST(test_proposal_validation)
{
	const char *o = cfg("crypto ikev2 proposal A\n encryption aes-gcm-128\n integrity sha256\n");
	ck_assert_ptr_nonnull(strstr(o, "% integrity sha256: an IKEv2 proposal with an AEAD encryption "
					"algorithm (aes-gcm) must not have an integrity algorithm\n"));
	ck_run_lacks("integrity");
	o = cfg("crypto ikev2 proposal A\n encryption aes-cbc-128\n");
	ck_assert_ptr_nonnull(strstr(o, "% aes-cbc-128: AEAD (aes-gcm) and non-AEAD (aes-cbc) encryption "
					"algorithms cannot be in the same IKEv2 proposal\n"));
	o = cfg("crypto ikev2 proposal B\n integrity sha1\n encryption aes-gcm-256 aes-cbc-128\n");
	ck_assert_ptr_nonnull(strstr(o, "% aes-gcm-256: an IKEv2 proposal with an AEAD encryption algorithm "
					"must not have an integrity algorithm"));
	/* nothing of the rejected line was applied */
	ck_run_has("crypto ikev2 proposal B \n integrity sha1\n!\n");
	/* an AEAD proposal needs a prf; a CBC one a group */
	char why[128];
	ck_assert(!ikev2_proposal_complete(ikev2_proposal_find("A"), why, sizeof why));
	ck_assert_str_eq(why, "an AEAD encryption algorithm (aes-gcm) needs a prf algorithm");
	/* numbers are keywords: "group 1" is ambiguous, "group 5" is not offered */
	o = cfg("crypto ikev2 proposal B\ngroup 1\ngroup 5\nintegrity md5\n");
	ck_assert_ptr_nonnull(strstr(o, "% Ambiguous command:  \"group 1\"\n"));
	char caret[128];
	snprintf(caret, sizeof caret, "\n%*s^\n%% Invalid input detected at '^' marker.\n",
		 (int)strlen("Router(config-ikev2-proposal)#group "), "");
	ck_assert_msg(strstr(o, caret) != NULL, "no caret under 5: %s", o);
	snprintf(caret, sizeof caret, "\n%*s^\n",
		 (int)strlen("Router(config-ikev2-proposal)#integrity "), "");
	ck_assert_msg(strstr(o, caret) != NULL, "no caret under md5: %s", o);
	o = cfg("no crypto ikev2 proposal NOPE\n");
	ck_assert_ptr_nonnull(strstr(o, "% IKEv2 proposal NOPE does not exist\n"));
	o = cfg("crypto ikev2 proposal "
		"N123456789012345678901234567890123456789012345678901234567890123456789\n");
	ck_assert_ptr_nonnull(strstr(o, "is too long (at most 63 characters)"));
}
END_TEST

/* ---- policies ---- */

START_TEST(test_policy)
{
	const char *o = cfg("crypto ikev2 policy POL\n");
	ck_assert_ptr_nonnull(strstr(o, "IKEv2 policy MUST have atleast one complete proposal attached \n"));
	o = cfg("crypto ikev2 proposal P\n encryption aes-cbc-128\n integrity sha1\n group 14\n"
		"crypto ikev2 policy POL\n proposal P\n proposal MISSING\n match fvrf RED\n"
		" match address local 192.0.2.1\n match address local 2001:db8::1\n");
	ck_no_error(o);
	ck_run_has("!\ncrypto ikev2 policy POL \n"
		   " match fvrf RED\n"
		   " match address local 192.0.2.1\n"
		   " match address local 2001:db8::1\n"
		   " proposal P\n"
		   " proposal MISSING\n"
		   "!\n");
	o = memsession_run(S, "show crypto ikev2 policy\n");
	ck_assert_str_eq(o, " IKEv2 policy : default\n"
			    "      Match fvrf : any\n"
			    "      Match address local : any\n"
			    "      Proposal    : default\n"
			    "\n"
			    " IKEv2 policy : POL\n"
			    "      Match fvrf  : RED\n"
			    "      Match address local : 192.0.2.1\n"
			    "      Match address local : 2001:db8::1\n"
			    "      Proposal    : P\n"
			    "      Proposal    : MISSING\n"
			    "\n");

	/* selection: the specific policy in its VRF and address, default elsewhere */
	struct ikev2_ip a = ip("192.0.2.1"), b = ip("192.0.2.2");
	ck_assert_str_eq(ikev2_policy_select(&a, "RED")->name, "POL");
	ck_assert_str_eq(ikev2_policy_select(&b, "RED")->name, "default");
	ck_assert_str_eq(ikev2_policy_select(&a, NULL)->name, "default");
	cfg("crypto ikev2 policy ANY\n proposal P\n match fvrf any\n");
	ck_assert_str_eq(ikev2_policy_select(&b, "BLUE")->name, "ANY");
	ck_assert_str_eq(ikev2_policy_select(&a, "RED")->name, "POL"); /* address beats any */
	/* a policy whose proposals are all incomplete is skipped */
	cfg("crypto ikev2 policy V6\n proposal INCOMPLETE\n match fvrf any\n"
	    "crypto ikev2 proposal INCOMPLETE\n encryption aes-cbc-128\n");
	ck_assert_str_eq(ikev2_policy_select(&b, "BLUE")->name, "ANY");

	/* iteration: configured policies, then default */
	const struct ikev2_policy *p = ikev2_policy_first();
	ck_assert_str_eq(p->name, "POL");
	p = ikev2_policy_next(ikev2_policy_next(p));
	ck_assert_str_eq(p->name, "V6");
	ck_assert_str_eq(ikev2_policy_next(p)->name, "default");
	ck_assert_ptr_null(ikev2_policy_next(ikev2_policy_next(p)));

	/* no forms */
	o = cfg("crypto ikev2 policy POL\n no proposal MISSING\n no match address local 192.0.2.1\n"
		" no match fvrf\n no match address local 10.9.9.9\n");
	ck_assert_ptr_nonnull(strstr(o, "% Local address 10.9.9.9 is not matched by IKEv2 policy POL\n"));
	ck_run_has("crypto ikev2 policy POL \n match address local 2001:db8::1\n proposal P\n!\n");
	ck_assert_str_eq(ikev2_policy_select(&a, NULL)->name, "ANY");
	cfg("no crypto ikev2 policy ANY\n");
	ck_assert_str_eq(ikev2_policy_select(&a, NULL)->name, "default");

	/* the default policy: changed, then disabled */
	cfg("crypto ikev2 policy default\n proposal P\n");
	ck_run_has("!\ncrypto ikev2 policy default \n proposal P\n!\n");
	cfg("no crypto ikev2 policy default\n");
	ck_run_has("no crypto ikev2 policy default\n!\n");
	ck_assert_ptr_null(ikev2_policy_find("default"));
	ck_assert_ptr_null(ikev2_policy_select(&a, NULL));
}
END_TEST

/* ---- keyrings ---- */

START_TEST(test_keyring)
{
	const char *o = cfg("crypto ikev2 keyring KR\n"
			    " peer ALL\n"
			    "  description every spoke\n"
			    "  address 0.0.0.0 0.0.0.0\n"
			    "  pre-shared-key cisco123\n"
			    " peer NET\n"
			    "  address 10.1.0.0 255.255.0.0\n"
			    "  pre-shared-key local 0 local key\n"
			    "  pre-shared-key remote 6 FFAA\n"
			    " peer V6\n"
			    "  address 2001:db8::/32\n"
			    "  identity fqdn domain example.com\n"
			    "  pre-shared-key v6key\n"
			    " peer HUB\n"
			    "  hostname hub.example.com\n"
			    "  identity fqdn hub.example.com\n"
			    "  pre-shared-key hubkey\n");
	ck_no_error(o);
	ck_run_has("!\ncrypto ikev2 keyring KR\n"
		   " peer ALL\n"
		   "  description every spoke\n"
		   "  address 0.0.0.0 0.0.0.0\n"
		   "  pre-shared-key cisco123\n"
		   " !\n"
		   " peer NET\n"
		   "  address 10.1.0.0 255.255.0.0\n"
		   "  pre-shared-key local 0 local key\n"
		   "  pre-shared-key remote 6 FFAA\n"
		   " !\n"
		   " peer V6\n"
		   "  address 2001:db8::/32\n"
		   "  identity fqdn domain example.com\n"
		   "  pre-shared-key v6key\n"
		   " !\n"
		   " peer HUB\n"
		   "  hostname hub.example.com\n"
		   "  identity fqdn hub.example.com\n"
		   "  pre-shared-key hubkey\n"
		   " !\n"
		   "!\n");
	const struct ikev2_keyring *kr = ikev2_keyring_find("KR");
	ck_assert_ptr_nonnull(kr);
	/* longest prefix first */
	struct ikev2_ip a = ip("10.1.2.3"), b = ip("192.0.2.9"), c = ip("2001:db8:1::1"), d = ip("2001:db9::1");
	ck_assert_str_eq(ikev2_keyring_peer_by_addr(kr, &a)->name, "NET");
	ck_assert_str_eq(ikev2_keyring_peer_by_addr(kr, &b)->name, "ALL");
	ck_assert_str_eq(ikev2_keyring_peer_by_addr(kr, &c)->name, "V6");
	ck_assert_ptr_null(ikev2_keyring_peer_by_addr(kr, &d));
	ck_assert_str_eq(ikev2_keyring_peer_by_hostname(kr, "HUB.example.com")->name, "HUB");
	ck_assert_ptr_null(ikev2_keyring_peer_by_hostname(kr, "spoke.example.com"));
	/* identities: exact before domain */
	const char *h = "hub.example.com", *s = "spoke.example.com", *x = "example.org";
	ck_assert_str_eq(ikev2_keyring_peer_by_identity(kr, IKEV2_ID_FQDN, h, strlen(h))->name, "HUB");
	ck_assert_str_eq(ikev2_keyring_peer_by_identity(kr, IKEV2_ID_FQDN, s, strlen(s))->name, "V6");
	ck_assert_ptr_null(ikev2_keyring_peer_by_identity(kr, IKEV2_ID_FQDN, x, strlen(x)));
	ck_assert_ptr_null(ikev2_keyring_peer_by_identity(kr, IKEV2_ID_KEY_ID, h, strlen(h)));
	/* keys: direction-specific, else the common one */
	const struct ikev2_keyring_peer *net = ikev2_keyring_peer_by_addr(kr, &a);
	ck_assert_str_eq(ikev2_keyring_peer_psk(net, true), "local key");
	ck_assert_str_eq(ikev2_keyring_peer_psk(net, false), "FFAA");
	const struct ikev2_keyring_peer *all = ikev2_keyring_peer_by_addr(kr, &b);
	ck_assert_str_eq(ikev2_keyring_peer_psk(all, true), "cisco123");
	ck_assert_str_eq(ikev2_keyring_peer_psk(all, false), "cisco123");

	/* no forms and errors */
	o = cfg("crypto ikev2 keyring KR\n peer NET\n  no pre-shared-key local\n  no address\n"
		" exit\n no peer ALL\n no peer GONE\n peer HUB\n  address 10.0.0.1 255.0.255.0\n");
	ck_assert_ptr_nonnull(strstr(o, "% Peer GONE does not exist in IKEv2 keyring KR\n"));
	ck_assert_ptr_nonnull(strstr(o, "% Invalid mask 255.0.255.0: the mask bits must be contiguous\n"));
	ck_run_has(" peer NET\n  pre-shared-key remote 6 FFAA\n !\n peer V6\n");
	ck_run_lacks("peer ALL");
	ck_assert_ptr_null(ikev2_keyring_peer_psk(ikev2_keyring_find("KR")->peers, true));
	cfg("no crypto ikev2 keyring KR\n");
	ck_assert_ptr_null(ikev2_keyring_find("KR"));
}
END_TEST

/* ---- profiles ---- */

static const char flex_cfg[] =
	"crypto ikev2 profile FLEX\n"
	" description FlexVPN server\n"
	" match fvrf any\n"
	" match identity remote fqdn domain example.com\n"
	" match identity remote address 10.1.0.0 255.255.0.0\n"
	" match identity remote key-id KEY1\n"
	" identity local fqdn hub.example.com\n"
	" authentication local rsa-sig\n"
	" authentication remote eap query-identity\n"
	" authentication remote pre-share\n"
	" keyring local KR\n"
	" pki trustpoint TP sign\n"
	" lifetime 3600\n"
	" dpd 10 2 on-demand\n"
	" nat keepalive 20\n"
	" aaa authentication eap EAPLIST\n"
	" aaa authorization group psk list AUTHZ default\n"
	" aaa authorization user eap cached\n"
	" aaa accounting eap ACCT\n"
	" virtual-template 1\n"
	" no config-exchange request\n"
	" initial-contact force\n";

START_TEST(test_profile_running_config)
{
	const char *o = cfg(flex_cfg);
	ck_assert_ptr_nonnull(strstr(o, "IKEv2 profile MUST have:\n"
					"   1. A local and a remote authentication method.\n"
					"   2. A match identity or a match certificate or match any statement.\n"));
	ck_assert_msg(strstr(o, "% ") == NULL, "unexpected error: %s", o);
	ck_run_has("!\ncrypto ikev2 profile FLEX\n"
		   " description FlexVPN server\n"
		   " match fvrf any\n"
		   " match identity remote fqdn domain example.com\n"
		   " match identity remote address 10.1.0.0 255.255.0.0 \n"
		   " match identity remote key-id KEY1\n"
		   " identity local fqdn hub.example.com\n"
		   " authentication remote pre-share\n"
		   " authentication local rsa-sig\n"
		   " authentication remote eap query-identity\n"
		   " keyring local KR\n"
		   " pki trustpoint TP sign\n"
		   " lifetime 3600\n"
		   " dpd 10 2 on-demand\n"
		   " nat keepalive 20\n"
		   " aaa authentication eap EAPLIST\n"
		   " aaa authorization group psk list AUTHZ default\n"
		   " aaa authorization user eap cached\n"
		   " aaa accounting eap ACCT\n"
		   " virtual-template 1\n"
		   " no config-exchange request\n"
		   " initial-contact force\n"
		   "!\n");
	/* re-entering a complete profile prints no warning */
	o = cfg("crypto ikev2 profile FLEX\n");
	ck_assert_ptr_null(strstr(o, "MUST"));

	o = memsession_run(S, "show crypto ikev2 profile FLEX\n");
	ck_assert_str_eq(o, "IKEv2 profile: FLEX\n"
			    " Shutdown : No\n"
			    " Ref Count: 1\n"
			    " Match criteria: \n"
			    "  Fvrf: any\n"
			    "  Local address/interface: none\n"
			    "  Identities: \n"
			    "   fqdn domain example.com\n"
			    "   address 10.1.0.0 255.255.0.0\n"
			    "   key-id KEY1\n"
			    "  Certificate maps: none\n"
			    " Local identity: fqdn hub.example.com\n"
			    " Remote identity: none\n"
			    " Local authentication method: rsa-sig\n"
			    " Remote authentication method(s): eap, pre-share\n"
			    " EAP options: query-identity\n"
			    " Keyring: KR\n"
			    " Trustpoint(s): TP\n"
			    " Lifetime: 3600 seconds\n"
			    " DPD: interval 10, retry-interval 2, on-demand\n"
			    " NAT-keepalive: 20 seconds\n"
			    " Ivrf: none\n"
			    " Virtual-template: 1\n"
			    " mode auto: none\n"
			    " AAA AnyConnect EAP authentication mlist: none\n"
			    " AAA EAP authentication mlist: EAPLIST\n"
			    " AAA authentication mlist: none\n"
			    " AAA Accounting: eap ACCT\n"
			    " AAA group authorization: psk list AUTHZ default\n"
			    " AAA user authorization: eap cached\n");

	/* references from other modules show in Ref Count, by name */
	ikev2_profile_ref("FLEX", 2);
	o = memsession_run(S, "show crypto ikev2 profile FLEX | include Ref\n");
	ck_assert_str_eq(o, " Ref Count: 3\n");
	ikev2_profile_ref("FLEX", -2);

	/* no forms */
	o = cfg("crypto ikev2 profile FLEX\n"
		" no description\n no match fvrf\n no match identity remote key-id KEY1\n"
		" no authentication remote eap\n no keyring local\n no pki trustpoint TP\n"
		" no lifetime\n no dpd\n no nat keepalive\n no aaa authentication eap\n"
		" no aaa authorization group psk\n no aaa authorization user eap cached\n"
		" no aaa accounting eap\n no virtual-template\n config-exchange request\n"
		" no initial-contact force\n no match identity remote email x@y\n");
	ck_assert_ptr_nonnull(strstr(o, "% IKEv2 profile FLEX does not match identity remote email x@y\n"));
	ck_run_has("!\ncrypto ikev2 profile FLEX\n"
		   " match identity remote fqdn domain example.com\n"
		   " match identity remote address 10.1.0.0 255.255.0.0 \n"
		   " identity local fqdn hub.example.com\n"
		   " authentication remote pre-share\n"
		   " authentication local rsa-sig\n"
		   "!\n");
	cfg("no crypto ikev2 profile FLEX\n");
	ck_assert_ptr_null(ikev2_profile_find("FLEX"));
}
END_TEST

START_TEST(test_profile_auth_forms)
{
	const char *o = cfg("crypto ikev2 profile C\n"
			    " match identity remote any\n"
			    " authentication remote rsa-sig\n"
			    " authentication local eap mschapv2 username bob password 0 s3cret\n"
			    " keyring aaa LIST name-mangler M password 6 XYZ\n"
			    " match address local interface GigabitEthernet0/0\n"
			    " match address local 10.0.0.1\n"
			    " aaa authorization group override cert list AUTHZ name-mangler M\n"
			    " aaa authorization user cert list AUTHZ user1\n"
			    " shutdown\n");
	ck_no_error(o);
	ck_run_has("!\ncrypto ikev2 profile C\n"
		   " match address local 10.0.0.1\n"
		   " match address local interface GigabitEthernet0/0\n"
		   " match identity remote any\n"
		   " authentication remote rsa-sig\n"
		   " authentication local eap mschapv2 username bob password 0 s3cret\n"
		   " keyring aaa LIST name-mangler M password 6 XYZ\n"
		   " aaa authorization group override cert list AUTHZ name-mangler M\n"
		   " aaa authorization user cert list AUTHZ user1\n"
		   " shutdown\n"
		   "!\n");
	const struct ikev2_profile *p = ikev2_profile_find("C");
	ck_assert_int_eq(p->auth_local, IKEV2_AUTHM_EAP);
	ck_assert_int_eq(p->auth_local_eap, IKEV2_CFG_EAP_MSCHAPV2);
	ck_assert_str_eq(p->eap_username, "bob");
	ck_assert_str_eq(p->eap_password.key, "s3cret");
	/* the local method is replaced, pre-share key kept as typed */
	cfg("crypto ikev2 profile C\n authentication local pre-share key 6 ABC\n"
	    " authentication remote pre-share key cisco 123\n no shutdown\n");
	ck_run_has(" authentication remote rsa-sig\n"
		   " authentication remote pre-share key cisco 123\n"
		   " authentication local pre-share key 6 ABC\n");
	o = cfg("crypto ikev2 profile C\n no authentication local rsa-sig\n"
		" no authentication remote ecdsa-sig\n");
	ck_assert_ptr_nonnull(strstr(o, "% The local authentication method of IKEv2 profile C is not rsa-sig\n"));
	ck_assert_ptr_nonnull(strstr(o, "% ecdsa-sig is not a remote authentication method of IKEv2 profile C\n"));
	cfg("crypto ikev2 profile C\n no authentication remote\n no authentication local\n");
	ck_assert_int_eq(ikev2_profile_find("C")->auth_remote, 0);
	ck_run_lacks("authentication");
	/* ranges are checked by the grammar */
	o = cfg("crypto ikev2 profile C\nlifetime 60\ndpd 5 2 periodic\n");
	char caret[96];
	snprintf(caret, sizeof caret, "\n%*s^\n", (int)strlen("Router(config-ikev2-profile)#lifetime "), "");
	ck_assert_msg(strstr(o, caret) != NULL, "no caret under 60: %s", o);
	snprintf(caret, sizeof caret, "\n%*s^\n", (int)strlen("Router(config-ikev2-profile)#dpd "), "");
	ck_assert_msg(strstr(o, caret) != NULL, "no caret under 5: %s", o);
	ck_assert_int_eq(ikev2_profile_find("C")->lifetime, 86400);
}
END_TEST

static const struct ikev2_profile *match_fqdn(const char *id, const char *local, const char *fvrf)
{
	struct ikev2_ip l;
	if (local)
		l = ip(local);
	return ikev2_profile_match(IKEV2_ID_FQDN, id, strlen(id), local ? &l : NULL, fvrf);
}

START_TEST(test_profile_match)
{
	static const char *const profs[] = {
		"ANY\n match identity remote any",
		"DOMAIN\n match identity remote fqdn domain example.com",
		"EXACT\n match identity remote fqdn r1.example.com",
		"NET\n match identity remote address 10.0.0.0 255.0.0.0",
		"HOST\n match identity remote address 10.1.1.1",
		"V4\n match identity remote address 0.0.0.0",
		"V6\n match identity remote address 2001:db8::/32",
		"MAIL\n match identity remote email domain example.com",
		"KEY\n match identity remote key-id Key1",
		"RED\n match fvrf RED\n match identity remote fqdn r9.example.com",
		"LOCAL\n match address local 192.0.2.1\n match identity remote fqdn r8.example.com",
		"OFF\n match identity remote fqdn r7.example.com\n shutdown",
	};
	for (size_t i = 0; i < sizeof profs / sizeof profs[0]; i++) {
		char *l;
		ck_assert_int_gt(asprintf(&l, "crypto ikev2 profile %s\n authentication local pre-share\n"
					 " authentication remote pre-share\n", profs[i]), 0);
		ck_no_error(cfg(l));
		free(l);
	}
	/* incomplete (no remote authentication): never selected */
	cfg("crypto ikev2 profile HALF\n match identity remote fqdn r6.example.com\n"
	    " authentication local pre-share\n");
	ck_assert_str_eq(match_fqdn("r6.example.com", NULL, NULL)->name, "DOMAIN");
	/* most specific statement wins */
	ck_assert_str_eq(match_fqdn("r1.example.com", NULL, NULL)->name, "EXACT");
	ck_assert_str_eq(match_fqdn("R1.Example.COM", NULL, NULL)->name, "EXACT");
	ck_assert_str_eq(match_fqdn("r2.example.com", NULL, NULL)->name, "DOMAIN");
	ck_assert_str_eq(match_fqdn("example.com", NULL, NULL)->name, "DOMAIN");
	ck_assert_str_eq(match_fqdn("badexample.com", NULL, NULL)->name, "ANY");
	ck_assert_str_eq(match_fqdn("other.org", NULL, NULL)->name, "ANY");
	/* fvrf: RED only in RED; ANY only in the global table */
	ck_assert_str_eq(match_fqdn("r9.example.com", NULL, "RED")->name, "RED");
	ck_assert_str_eq(match_fqdn("r9.example.com", NULL, NULL)->name, "DOMAIN");
	ck_assert_ptr_null(match_fqdn("other.org", NULL, "BLUE"));
	/* local address */
	ck_assert_str_eq(match_fqdn("r8.example.com", "192.0.2.1", NULL)->name, "LOCAL");
	ck_assert_str_eq(match_fqdn("r8.example.com", "192.0.2.2", NULL)->name, "DOMAIN");
	ck_assert_str_eq(match_fqdn("r8.example.com", NULL, NULL)->name, "DOMAIN");
	/* shut down profiles never match */
	ck_assert_str_eq(match_fqdn("r7.example.com", NULL, NULL)->name, "DOMAIN");
	/* addresses: host beats prefix beats 0.0.0.0 (any IPv4) */
	uint8_t a1[4] = { 10, 1, 1, 1 }, a2[4] = { 10, 2, 0, 1 }, a3[4] = { 192, 0, 2, 7 };
	ck_assert_str_eq(ikev2_profile_match(IKEV2_ID_IPV4_ADDR, a1, 4, NULL, NULL)->name, "HOST");
	ck_assert_str_eq(ikev2_profile_match(IKEV2_ID_IPV4_ADDR, a2, 4, NULL, NULL)->name, "NET");
	ck_assert_str_eq(ikev2_profile_match(IKEV2_ID_IPV4_ADDR, a3, 4, NULL, NULL)->name, "V4");
	struct ikev2_ip v6 = ip("2001:db8::5"), v6x = ip("2001:db9::5");
	ck_assert_str_eq(ikev2_profile_match(IKEV2_ID_IPV6_ADDR, v6.addr, 16, NULL, NULL)->name, "V6");
	ck_assert_str_eq(ikev2_profile_match(IKEV2_ID_IPV6_ADDR, v6x.addr, 16, NULL, NULL)->name, "ANY");
	/* email domain, key-id (case-sensitive) */
	const char *m = "alice@example.com", *k = "Key1", *k2 = "key1";
	ck_assert_str_eq(ikev2_profile_match(IKEV2_ID_RFC822_ADDR, m, strlen(m), NULL, NULL)->name, "MAIL");
	ck_assert_str_eq(ikev2_profile_match(IKEV2_ID_KEY_ID, k, strlen(k), NULL, NULL)->name, "KEY");
	ck_assert_str_eq(ikev2_profile_match(IKEV2_ID_KEY_ID, k2, strlen(k2), NULL, NULL)->name, "ANY");
	/* without a catch-all nothing matches */
	cfg("no crypto ikev2 profile ANY\n");
	ck_assert_ptr_null(match_fqdn("other.org", NULL, NULL));
	const struct ikev2_profile *p = ikev2_profile_find("DOMAIN");
	ck_assert_int_gt(ikev2_profile_match_score(p, IKEV2_ID_FQDN, "a.example.com", 13, NULL, NULL, NULL), 0);
	ck_assert_int_eq(ikev2_profile_match_score(p, IKEV2_ID_FQDN, "a.example.net", 13, NULL, NULL, NULL), 0);
}
END_TEST

/* ---- name manglers ---- */

START_TEST(test_name_mangler)
{
	const char *o = cfg("crypto ikev2 name-mangler M\n fqdn hostname\n email username\n"
			    " dn organization-unit\n eap suffix delimiter @\n");
	ck_no_error(o);
	ck_run_has("!\ncrypto ikev2 name-mangler M\n fqdn hostname\n email username\n"
		   " dn organization-unit\n eap suffix delimiter @\n!\n");
	const struct ikev2_name_mangler *m = ikev2_name_mangler_find("M");
	char out[64];
	ck_assert_int_eq(ikev2_name_mangle(m, IKEV2_ID_FQDN, "r1.example.com", 14, out, sizeof out), 2);
	ck_assert_str_eq(out, "r1");
	ck_assert_int_eq(ikev2_name_mangle(m, IKEV2_ID_RFC822_ADDR, "bob@example.com", 15, out, sizeof out), 3);
	ck_assert_str_eq(out, "bob");
	const char *dn = "CN=r1, OU=spokes, O=Example";
	ck_assert_int_gt(ikev2_name_mangle(m, IKEV2_ID_DER_ASN1_DN, dn, strlen(dn), out, sizeof out), 0);
	ck_assert_str_eq(out, "spokes");
	ck_assert_int_gt(ikev2_name_mangle(m, IKEV2_MANGLE_ID_EAP, "carol@corp", 10, out, sizeof out), 0);
	ck_assert_str_eq(out, "corp");
	ck_assert_int_eq(ikev2_name_mangle(m, IKEV2_ID_KEY_ID, "x", 1, out, sizeof out), -1);
	ck_assert_int_eq(ikev2_name_mangle(m, IKEV2_ID_FQDN, "nodots", 6, out, sizeof out), -1);
	cfg("crypto ikev2 name-mangler M\n fqdn domain\n no email\n eap prefix delimiter .\n");
	ck_run_has("crypto ikev2 name-mangler M\n fqdn domain\n dn organization-unit\n"
		   " eap prefix delimiter .\n!\n");
	ck_assert_int_gt(ikev2_name_mangle(m, IKEV2_ID_FQDN, "r1.example.com", 14, out, sizeof out), 0);
	ck_assert_str_eq(out, "example.com");
	ck_assert_int_eq(ikev2_name_mangle(m, IKEV2_ID_RFC822_ADDR, "bob@example.com", 15, out, sizeof out), -1);
	o = cfg("crypto ikev2 name-mangler M\n eap prefix delimiter !\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	cfg("no crypto ikev2 name-mangler M\n");
	ck_assert_ptr_null(ikev2_name_mangler_find("M"));
}
END_TEST

/* ---- global settings ---- */

START_TEST(test_globals)
{
	const char *o = cfg("crypto ikev2 cookie-challenge 10\n"
			    "crypto ikev2 limit max-sa 1000\n"
			    "crypto ikev2 limit max-in-negotiation-sa 40 outgoing\n"
			    "crypto ikev2 window 20\n"
			    "crypto ikev2 dpd 30 5 periodic\n"
			    "crypto ikev2 nat keepalive 15\n"
			    "crypto ikev2 fragmentation mtu 1300\n"
			    "crypto ikev2 redirect gateway auth\n"
			    "crypto ikev2 diagnose error 500\n");
	ck_no_error(o);
	ck_run_has("!\ncrypto ikev2 cookie-challenge 10\n"
		   "crypto ikev2 limit max-sa 1000\n"
		   "crypto ikev2 limit max-in-negotiation-sa 40 outgoing\n"
		   "crypto ikev2 window 20\n"
		   "crypto ikev2 dpd 30 5 periodic\n"
		   "crypto ikev2 nat keepalive 15\n"
		   "crypto ikev2 fragmentation mtu 1300\n"
		   "crypto ikev2 redirect gateway auth\n"
		   "crypto ikev2 diagnose error 500\n"
		   "!\n");
	const struct ikev2_global *g = ikev2_global();
	ck_assert_int_eq(g->dpd_mode, IKEV2_CFG_DPD_PERIODIC);
	ck_assert_int_eq(g->dpd_interval, 30);
	ck_assert_int_eq(g->fragmentation_mtu, 1300);
	o = cfg("crypto ikev2 window 201\ncrypto ikev2 dpd 5 2 periodic\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected"));
	ck_assert_int_eq(g->window, 20);
	cfg("no crypto ikev2 cookie-challenge\nno crypto ikev2 limit max-sa\n"
	    "no crypto ikev2 limit max-in-negotiation-sa 40 outgoing\nno crypto ikev2 window\n"
	    "no crypto ikev2 dpd\nno crypto ikev2 nat keepalive\nno crypto ikev2 fragmentation mtu\n"
	    "no crypto ikev2 redirect gateway auth\nno crypto ikev2 diagnose error\n");
	ck_run_has("!\ncrypto ikev2 fragmentation\n!\n");
	cfg("no crypto ikev2 fragmentation\n");
	ck_run_lacks("crypto ikev2");
}
END_TEST

/* ---- references and round trip ---- */

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/ikesh-ikev2-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

START_TEST(test_check_references)
{
	char *path = write_tmp("crypto ikev2 proposal HALF\n"      /* 1 */
			       " encryption aes-gcm-256\n"          /* 2 */
			       " group 19\n"                        /* 3 */
			       "crypto ikev2 policy POL\n"          /* 4 */
			       " proposal HALF\n"                   /* 5 */
			       " proposal NOPROP\n"                 /* 6 */
			       "crypto ikev2 profile PROF\n"        /* 7 */
			       " match identity remote any\n"       /* 8 */
			       " authentication local pre-share\n"  /* 9 */
			       " authentication remote pre-share\n" /* 10 */
			       " keyring local NOKR\n"              /* 11 */
			       " aaa authorization group psk list NOLIST name-mangler NOMANG\n" /* 12 */
			       " pki trustpoint NOTP\n"             /* 13 */
			       " virtual-template 99\n");           /* 14 */
	struct buf rep;
	buf_init(&rep);
	ck_assert_int_eq(config_apply_file(path, &rep, NULL), 0);
	ck_assert_int_eq(config_check_references(path, &rep), 7);
	const char *r = buf_cstr(&rep);
	char exp[256];
	const char *want[] = {
		"1: % IKEv2 proposal HALF is incomplete: an AEAD encryption algorithm (aes-gcm) needs a prf algorithm",
		"6: % IKEv2 policy POL: proposal NOPROP does not exist",
		"11: % IKEv2 profile PROF: keyring NOKR does not exist",
		"12: % IKEv2 profile PROF: name-mangler NOMANG does not exist",
		"12: % IKEv2 profile PROF: aaa authorization network list NOLIST does not exist",
		"13: % IKEv2 profile PROF: trustpoint NOTP does not exist",
		"14: % IKEv2 profile PROF: interface Virtual-Template99 does not exist",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		snprintf(exp, sizeof exp, "%s:%s\n", path, want[i]);
		ck_assert_msg(strstr(r, exp) != NULL, "missing: %s\n--- report:\n%s", exp, r);
	}
	buf_free(&rep);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_round_trip)
{
	const char *o = cfg("crypto ikev2 name-mangler M\n email domain\n"
			    "crypto ikev2 proposal default\n encryption aes-cbc-128\n no integrity\n"
			    "crypto ikev2 proposal P\n encryption aes-gcm-128\n prf sha256\n group 19 31\n"
			    "crypto ikev2 policy default\n match address local 10.0.0.1\n"
			    "crypto ikev2 policy X\n proposal P\n match fvrf any\n"
			    "crypto ikev2 keyring K\n peer A\n  address 2001:db8::/64\n"
			    "  identity email domain example.com\n  pre-shared-key remote 0 x y z\n"
			    "crypto ikev2 profile F\n"
			    " match identity remote email a@b.c\n"
			    " match identity remote address 2001:db8::/48\n"
			    " identity local key-id me\n"
			    " authentication remote ecdsa-sig\n authentication remote pre-share\n"
			    " authentication local ecdsa-sig\n keyring aaa L\n"
			    " aaa authorization user psk list L name-mangler M\n"
			    " no config-exchange set accept\n redirect gateway auth\n"
			    "crypto ikev2 limit max-in-negotiation-sa 9\n"
			    "crypto ikev2 redirect client\n"
			    "crypto ikev2 http-url cert\n");
	ck_no_error(o);
	char *first = runcfg();
	ck_assert_ptr_nonnull(strstr(first, "crypto ikev2 proposal default \n encryption aes-cbc-128\n"
					    " no integrity\n group 19 14 21\n!\n"));
	ck_assert_ptr_nonnull(strstr(first, "crypto ikev2 policy default \n match address local 10.0.0.1\n"
					    " proposal default\n!\n"));
	char *path = write_tmp(first);
	running_config_reset();
	ck_assert_ptr_nonnull(ikev2_proposal_find("default"));
	ck_assert_ptr_null(ikev2_profile_find("F"));
	struct buf rep;
	buf_init(&rep);
	ck_assert_int_eq(config_apply_file(path, &rep, NULL), 0);
	ck_assert_msg(rep.len == 0, "report: %s", buf_cstr(&rep));
	char *second = runcfg();
	ck_assert_str_eq(first, second);
	buf_free(&rep);
	unlink(path);
	free(path);
	free(first);
	free(second);
}
END_TEST

START_TEST(test_sub_mode_object_removed)
{
	struct session *other = memsession_new();
	memsession_run(other, "configure terminal\ncrypto ikev2 proposal GONE\n");
	cfg("no crypto ikev2 proposal GONE\n");
	const char *o = memsession_run(other, "encryption aes-cbc-128\n");
	ck_assert_str_eq(o, "% This IKEv2 proposal was removed\n");
	memsession_free(other);
	ck_run_lacks("GONE");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config_ikev2");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_default_proposal);
	tcase_add_test(tc, test_proposal_running_config);
	tcase_add_test(tc, test_proposal_validation);
	tcase_add_test(tc, test_policy);
	tcase_add_test(tc, test_keyring);
	tcase_add_test(tc, test_profile_running_config);
	tcase_add_test(tc, test_profile_auth_forms);
	tcase_add_test(tc, test_profile_match);
	tcase_add_test(tc, test_name_mangler);
	tcase_add_test(tc, test_globals);
	tcase_add_test(tc, test_check_references);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_sub_mode_object_removed);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
