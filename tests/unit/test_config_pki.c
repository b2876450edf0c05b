/*
 * PKI configuration (ikev2/pki_config.c): trustpoints and certificate maps,
 * typed through a memory session: exact running-config text, no forms,
 * validation errors, accessors, show output and the reference check.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/config_file.h"
#include "cli/memsession.h"
#include "cli/running_config.h"
#include "ikev2/pki.h"

#include "config_test.h"

START_TEST(test_trustpoint_minimal)
{
	ck_run_lacks("crypto pki");
	ck_assert(!pki_trustpoint_exists("CA"));
	cfg("crypto pki trustpoint CA\n");
	ck_assert(pki_trustpoint_exists("CA"));
	/* IOS prints the default revocation-check crl of a new trustpoint */
	ck_run_has("!\ncrypto pki trustpoint CA\n revocation-check crl\n!\n");
	const struct pki_trustpoint *t = pki_trustpoint_find("CA");
	ck_assert_int_eq(t->n_revocation, 1);
	ck_assert_int_eq(t->revocation[0], PKI_REVO_CRL);
	ck_assert_int_eq(t->enroll, PKI_ENROLL_NONE);
}
END_TEST

START_TEST(test_trustpoint_full)
{
	const char *o = cfg("crypto pki trustpoint FlexVPN-TP\n"
			    " enrollment url http://10.0.0.100:80\n"
			    " enrollment mode ra\n"
			    " serial-number none\n"
			    " fqdn none\n"
			    " ip-address none\n"
			    " subject-name cn=R1.example.com,ou=FlexVPN\n"
			    " subject-alt-name r1.example.com\n"
			    " revocation-check crl none\n"
			    " rsakeypair FLEX-KEY 2048\n"
			    " eckeypair EC-KEY\n"
			    " chain-validation stop\n"
			    " auto-enroll 70 regenerate\n"
			    " hash sha256\n"
			    "crypto pki trustpoint SELF\n"
			    " enrollment selfsigned\n"
			    " subject-name cn=IOS-Self-Signed-Certificate-1\n"
			    " revocation-check none\n"
			    " rsakeypair SELF 2048 1024\n"
			    " fqdn r1.example.com\n"
			    " ip-address 192.0.2.1\n"
			    " serial-number\n"
			    "crypto pki trustpoint TERM\n"
			    " enrollment terminal pem\n"
			    " chain-validation continue SELF\n"
			    " auto-enroll\n");
	ck_assert_msg(strstr(o, "%") == NULL, "unexpected error: %s", o);
	ck_run_has("!\ncrypto pki trustpoint FlexVPN-TP\n"
		   " enrollment url http://10.0.0.100:80\n"
		   " enrollment mode ra\n"
		   " serial-number none\n"
		   " fqdn none\n"
		   " ip-address none\n"
		   " subject-name cn=R1.example.com,ou=FlexVPN\n"
		   " subject-alt-name r1.example.com\n"
		   " revocation-check crl none\n"
		   " chain-validation stop\n"
		   " rsakeypair FLEX-KEY 2048\n"
		   " eckeypair EC-KEY\n"
		   " auto-enroll 70 regenerate\n"
		   " hash sha256\n"
		   "!\n"
		   "crypto pki trustpoint SELF\n"
		   " enrollment selfsigned\n"
		   " serial-number\n"
		   " fqdn r1.example.com\n"
		   " ip-address 192.0.2.1\n"
		   " subject-name cn=IOS-Self-Signed-Certificate-1\n"
		   " revocation-check none\n"
		   " rsakeypair SELF 2048 1024\n"
		   "!\n"
		   "crypto pki trustpoint TERM\n"
		   " enrollment terminal pem\n"
		   " revocation-check crl\n"
		   " chain-validation continue SELF\n"
		   " auto-enroll\n"
		   "!\n");
	const struct pki_trustpoint *t = pki_trustpoint_find("FlexVPN-TP");
	ck_assert_int_eq(t->enroll, PKI_ENROLL_URL);
	ck_assert_str_eq(t->enroll_url, "http://10.0.0.100:80");
	ck_assert_int_eq(t->n_revocation, 2);
	ck_assert_int_eq(t->revocation[1], PKI_REVO_NONE);
	ck_assert_int_eq(t->rsa_key_bits, 2048);
	ck_assert_int_eq(t->auto_enroll_pct, 70);
	ck_assert_int_eq(pki_trustpoint_count(), 3);
	ck_assert_str_eq(pki_trustpoint_at(2)->name, "TERM");
}
END_TEST

START_TEST(test_trustpoint_no_forms)
{
	cfg("crypto pki trustpoint T\n enrollment url http://ca:80\n serial-number\n fqdn x\n"
	    " ip-address none\n subject-name cn=a\n subject-alt-name b\n revocation-check ocsp\n"
	    " rsakeypair K\n eckeypair E\n chain-validation stop\n auto-enroll 10\n hash sha1\n");
	cfg("crypto pki trustpoint T\n no enrollment url http://ca:80\n no serial-number\n no fqdn\n"
	    " no ip-address\n no subject-name\n no subject-alt-name\n no revocation-check\n"
	    " no rsakeypair\n no eckeypair\n no chain-validation\n no auto-enroll\n no hash\n");
	ck_run_has("!\ncrypto pki trustpoint T\n revocation-check crl\n!\n");
	cfg("crypto pki trustpoint T\n enrollment terminal\n enrollment selfsigned\n");
	ck_run_has("crypto pki trustpoint T\n enrollment selfsigned\n revocation-check crl\n!\n");
	cfg("crypto pki trustpoint T\n default enrollment\n revocation-check none\n default revocation-check\n");
	ck_run_has("crypto pki trustpoint T\n revocation-check crl\n!\n");
	cfg("no crypto pki trustpoint T\n");
	ck_assert(!pki_trustpoint_exists("T"));
	ck_run_lacks("crypto pki");
	const char *o = cfg("no crypto pki trustpoint T\n");
	ck_assert_ptr_nonnull(strstr(o, "% Trustpoint T does not exist"));
}
END_TEST

START_TEST(test_trustpoint_invalid)
{
	const char *o = cfg("crypto pki trustpoint T\n revocation-check crl crl\n");
	ck_assert_ptr_nonnull(strstr(o, "% Revocation method crl is listed twice"));
	ck_run_has("crypto pki trustpoint T\n revocation-check crl\n!\n");
	o = cfg("crypto pki trustpoint T\n revocation-check crl none ocsp crl\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	o = cfg("crypto pki trustpoint T\n rsakeypair K 256\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	o = cfg("crypto pki trustpoint T\n enrollment url ca-server\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid enrollment URL \"ca-server\""));
	o = cfg("crypto pki trustpoint T\n chain-validation continue T\n");
	ck_assert_ptr_nonnull(strstr(o, "% Trustpoint T cannot be its own parent"));
	o = cfg("crypto pki trustpoint T\n auto-enroll 101\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	ck_run_has("crypto pki trustpoint T\n revocation-check crl\n!\n");
}
END_TEST

START_TEST(test_certmap)
{
	const char *o = cfg("crypto pki certificate map CMAP 20\n"
			    " issuer-name co Cisco CA\n"
			    "crypto pki certificate map CMAP 10\n"
			    " subject-name co flexvpn\n"
			    " alt-subject-name eq r1.example.com\n"
			    " serial-number ne 01\n"
			    "crypto pki certificate map AMAP 5\n"
			    " unstructured-subject-name nc router\n");
	ck_assert_msg(strstr(o, "%") == NULL, "unexpected error: %s", o);
	/* sorted by name, then sequence */
	ck_run_has("!\ncrypto pki certificate map AMAP 5\n"
		   " unstructured-subject-name nc router\n"
		   "!\n"
		   "crypto pki certificate map CMAP 10\n"
		   " subject-name co flexvpn\n"
		   " alt-subject-name eq r1.example.com\n"
		   " serial-number ne 01\n"
		   "!\n"
		   "crypto pki certificate map CMAP 20\n"
		   " issuer-name co cisco ca\n"
		   "!\n");
	ck_assert(pki_certmap_exists("CMAP"));
	ck_assert(!pki_certmap_exists("ZMAP"));
	const struct pki_certmap *m = pki_certmap_find("CMAP", 10);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->n_rules, 3);
	ck_assert_int_eq(m->rules[0].field, PKI_CM_SUBJECT_NAME);
	ck_assert_int_eq(m->rules[0].op, PKI_CM_CO);
	ck_assert(pki_certmap_rule_match(&m->rules[0], "cn=r1,OU=FlexVPN,o=x"));
	ck_assert(!pki_certmap_rule_match(&m->rules[0], "cn=r1,ou=other"));
	ck_assert(pki_certmap_rule_match(&m->rules[1], "R1.EXAMPLE.COM"));
	ck_assert(!pki_certmap_rule_match(&m->rules[1], "r1.example.com.evil"));
	ck_assert(pki_certmap_rule_match(&m->rules[2], "02"));
	ck_assert(!pki_certmap_rule_match(&m->rules[2], "01"));

	/* the same rule twice is kept once; no removes it */
	cfg("crypto pki certificate map CMAP 10\n subject-name co flexvpn\n"
	    " no alt-subject-name eq r1.example.com\n");
	ck_run_has("crypto pki certificate map CMAP 10\n"
		   " subject-name co flexvpn\n"
		   " serial-number ne 01\n!\n");
	o = cfg("crypto pki certificate map CMAP 10\n no issuer-name co nothing\n");
	ck_assert_ptr_nonnull(strstr(o, "% No such rule in certificate map CMAP 10: issuer-name co nothing"));
	o = cfg("crypto pki certificate map CMAP 1001\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	o = cfg("crypto pki certificate map CMAP 10\n subject-name xx foo\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));

	cfg("no crypto pki certificate map CMAP 10\n");
	ck_assert_ptr_null(pki_certmap_find("CMAP", 10));
	ck_assert(pki_certmap_exists("CMAP"));
	cfg("no crypto pki certificate map CMAP\n");
	ck_assert(!pki_certmap_exists("CMAP"));
	o = cfg("no crypto pki certificate map CMAP 20\n");
	ck_assert_ptr_nonnull(strstr(o, "% Certificate map CMAP 20 does not exist"));
	ck_assert_int_eq(pki_certmap_count(), 1);
}
END_TEST

START_TEST(test_show)
{
	ck_assert_str_eq(memsession_run(S, "show crypto pki trustpoints\n"), "");
	cfg("crypto pki trustpoint A\ncrypto pki trustpoint B\n enrollment selfsigned\n");
	ck_assert_str_eq(memsession_run(S, "show crypto pki trustpoints\n"),
			 "Trustpoint A:\n\n\nTrustpoint B:\n");
	ck_assert_str_eq(memsession_run(S, "show crypto pki trustpoints B\n"), "Trustpoint B:\n");
	ck_assert_str_eq(memsession_run(S, "show crypto pki trustpoints C\n"), "");
	/* no certificate exists before the PKI runtime */
	ck_assert_str_eq(memsession_run(S, "show crypto pki certificates\n"), "");
}
END_TEST

START_TEST(test_order_and_round_trip)
{
	cfg("crypto ipsec transform-set TS esp-aes\n"
	    "crypto pki certificate map M 1\n subject-name eq x\n"
	    "crypto pki trustpoint Z\n enrollment terminal\n subject-name cn=z, o=Example Org\n"
	    " ip-address Loopback0\n"
	    "crypto pki trustpoint A\n revocation-check ocsp crl none\n");
	char *first = runcfg();
	/* PKI before the IPsec transform sets; trustpoints before maps */
	ck_assert(strstr(first, "crypto pki trustpoint Z") < strstr(first, "crypto pki trustpoint A"));
	ck_assert(strstr(first, "crypto pki trustpoint A") < strstr(first, "crypto pki certificate map M 1"));
	ck_assert(strstr(first, "crypto pki certificate map") < strstr(first, "crypto ipsec transform-set"));
	char path[] = "/tmp/ikesh-test-pki-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, first, strlen(first)), (ssize_t)strlen(first));
	close(fd);
	running_config_reset();
	ck_assert_int_eq(pki_trustpoint_count(), 0);
	struct buf rep;
	buf_init(&rep);
	ck_assert_int_eq(config_apply_file(path, &rep, NULL), 0);
	ck_assert_str_eq(buf_cstr(&rep), "");
	char *second = runcfg();
	ck_assert_str_eq(first, second);
	buf_free(&rep);
	unlink(path);
	free(first);
	free(second);
}
END_TEST

START_TEST(test_check_references)
{
	char path[] = "/tmp/ikesh-test-pki-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "crypto pki trustpoint SUB\n"
			   " enrollment terminal\n"
			   " chain-validation continue ROOT\n"
			   "crypto pki trustpoint OTHER\n"
			   " chain-validation continue SUB\n";
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct buf rep;
	buf_init(&rep);
	ck_assert_int_eq(config_apply_file(path, &rep, NULL), 0);
	ck_assert_int_eq(config_check_references(path, &rep), 1);
	char want[256];
	snprintf(want, sizeof want,
		 "%s:3: %% crypto pki trustpoint SUB: chain-validation parent trustpoint ROOT is not defined\n",
		 path);
	ck_assert_str_eq(buf_cstr(&rep), want);
	buf_free(&rep);
	unlink(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config_pki");
	TCase *tc = tcase_create("pki");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_trustpoint_minimal);
	tcase_add_test(tc, test_trustpoint_full);
	tcase_add_test(tc, test_trustpoint_no_forms);
	tcase_add_test(tc, test_trustpoint_invalid);
	tcase_add_test(tc, test_certmap);
	tcase_add_test(tc, test_show);
	tcase_add_test(tc, test_order_and_round_trip);
	tcase_add_test(tc, test_check_references);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
