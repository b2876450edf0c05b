/*
 * IPsec configuration (ipsec/config_*.c): transform sets, IPsec profiles and
 * the crypto ipsec globals, typed through a memory session: exact
 * running-config text, validation errors, no forms, the smart defaults, the
 * resolved CHILD_SA policy and the reference check.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/config_file.h"
#include "cli/memsession.h"
#include "cli/running_config.h"
#include "grammar/grammar.h"
#include "ipsec/config.h"

#include "config_test.h"

START_TEST(test_factory_defaults)
{
	ck_run_lacks("crypto ipsec");
	const struct ipsec_transform_set *t = ipsec_transform_set_find("default");
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->encr, IPSEC_ENCR_AES_CBC);
	ck_assert_int_eq(t->key_bits, 128);
	ck_assert_int_eq(t->auth, IPSEC_AUTH_SHA1);
	ck_assert_int_eq(t->mode, IPSEC_MODE_TRANSPORT);
	ck_assert(ipsec_profile_exists("default"));
	ck_assert(!ipsec_profile_exists("nope"));
	const char *o = memsession_run(S, "show crypto ipsec transform-set\n");
	ck_assert_str_eq(o, "Transform set default: { esp-aes esp-sha-hmac  } \n"
			    "   will negotiate = { Transport,  }, \n"
			    "   \n");
	o = memsession_run(S, "show crypto ipsec profile\n");
	ck_assert_str_eq(o, "IPSEC profile default\n"
			    "        Security association lifetime: 4608000 kilobytes/3600 seconds\n"
			    "        Responder-Only (Y/N): N\n"
			    "        PFS (Y/N): N\n"
			    "        Mixed-mode : Disabled\n"
			    "        Transform sets={ \n"
			    "                default:  { esp-aes esp-sha-hmac  } , \n"
			    "        }\n\n");
}
END_TEST

START_TEST(test_transform_set_running_config)
{
	const char *o = cfg("crypto ipsec transform-set TS1 esp-aes 256 esp-sha256-hmac\n"
			    "crypto ipsec transform-set TS2 esp-gcm 256\n"
			    " mode transport\n"
			    "crypto ipsec transform-set TS3 esp-sha512-hmac esp-aes 192\n"
			    "crypto ipsec transform-set TS4 esp-aes 128 esp-sha-hmac\n"
			    "crypto ipsec transform-set TS5 esp-gcm 128\n"
			    "crypto ipsec transform-set TS6 esp-sha384-hmac\n");
	ck_assert_msg(strstr(o, "%") == NULL, "unexpected error: %s", o);
	ck_run_has("!\ncrypto ipsec transform-set TS1 esp-aes 256 esp-sha256-hmac \n"
		   " mode tunnel\n"
		   "crypto ipsec transform-set TS2 esp-gcm 256 \n"
		   " mode transport\n"
		   "crypto ipsec transform-set TS3 esp-aes 192 esp-sha512-hmac \n"
		   " mode tunnel\n"
		   "crypto ipsec transform-set TS4 esp-aes esp-sha-hmac \n"
		   " mode tunnel\n"
		   "crypto ipsec transform-set TS5 esp-gcm \n"
		   " mode tunnel\n"
		   "crypto ipsec transform-set TS6 esp-sha384-hmac \n"
		   " mode tunnel\n"
		   "!\n");
	o = memsession_run(S, "show crypto ipsec transform-set tag TS3\n");
	ck_assert_str_eq(o, "Transform set TS3: { esp-192-aes esp-sha512-hmac  } \n"
			    "   will negotiate = { Tunnel,  }, \n   \n");
	o = memsession_run(S, "show crypto ipsec transform-set TS2 | include negotiate\n");
	ck_assert_str_eq(o, "   will negotiate = { Transport,  }, \n");
	o = memsession_run(S, "show crypto ipsec transform-set TS2\n");
	ck_assert_str_eq(o, "Transform set TS2: { esp-gcm 256  } \n"
			    "   will negotiate = { Transport,  }, \n   \n");
}
END_TEST

START_TEST(test_transform_set_reenter_and_no)
{
	cfg("crypto ipsec transform-set T esp-aes esp-sha-hmac\n mode transport\n"
	    "crypto ipsec transform-set T esp-gcm 256\n");
	/* the transforms are replaced, the mode kept */
	ck_run_has("crypto ipsec transform-set T esp-gcm 256 \n mode transport\n");
	cfg("crypto ipsec transform-set T esp-gcm 256\n no mode\n");
	ck_run_has("crypto ipsec transform-set T esp-gcm 256 \n mode tunnel\n");
	cfg("crypto ipsec transform-set T esp-gcm 256\n mode transport\n default mode\n");
	ck_run_has("crypto ipsec transform-set T esp-gcm 256 \n mode tunnel\n");
	cfg("no crypto ipsec transform-set T\n");
	ck_assert_ptr_null(ipsec_transform_set_find("T"));
	ck_run_lacks("transform-set T ");
	const char *o = cfg("no crypto ipsec transform-set T\n");
	ck_assert_ptr_nonnull(strstr(o, "% Transform set T does not exist"));
}
END_TEST

START_TEST(test_transform_set_invalid)
{
	/* GCM takes no authentication transform */
	const char *o = cfg("crypto ipsec transform-set G esp-gcm 256 esp-sha-hmac\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	ck_assert_ptr_null(ipsec_transform_set_find("G"));
	/* one encryption, one authentication */
	o = cfg("crypto ipsec transform-set G esp-aes esp-gcm\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	o = cfg("crypto ipsec transform-set G esp-sha-hmac esp-sha256-hmac\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	o = cfg("crypto ipsec transform-set G esp-aes 512\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	o = cfg("crypto ipsec transform-set G\n");
	ck_assert_ptr_nonnull(strstr(o, "% Incomplete command."));
	ck_assert_ptr_null(ipsec_transform_set_find("G"));
	char longname[80];
	memset(longname, 'x', 64);
	longname[64] = 0;
	char line[160];
	snprintf(line, sizeof line, "crypto ipsec transform-set %s esp-aes\n", longname);
	o = cfg(line);
	ck_assert_ptr_nonnull(strstr(o, "is longer than 63 characters"));
	ck_assert_int_eq(ipsec_transform_set_count(), 1);
}
END_TEST

START_TEST(test_default_transform_set)
{
	cfg("no crypto ipsec transform-set default\n");
	ck_assert_ptr_null(ipsec_transform_set_find("default"));
	ck_run_has("!\nno crypto ipsec transform-set default\n!\n");
	const char *o = memsession_run(S, "show crypto ipsec transform-set\n");
	ck_assert_str_eq(o, "");
	/* enabled again with other transforms: shown, still transport */
	cfg("crypto ipsec transform-set default esp-aes 256 esp-sha256-hmac\n");
	ck_assert_ptr_nonnull(ipsec_transform_set_find("default"));
	ck_run_lacks("no crypto ipsec transform-set default");
	ck_run_has("crypto ipsec transform-set default esp-aes 256 esp-sha256-hmac \n mode transport\n!\n");
	cfg("crypto ipsec transform-set default esp-aes esp-sha-hmac\n");
	ck_run_lacks("crypto ipsec transform-set");
}
END_TEST

START_TEST(test_profile_running_config)
{
	const char *o = cfg("crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac\n"
			    "crypto ipsec profile P1\n"
			    " set transform-set TS default\n"
			    " set pfs group14\n"
			    " set ikev2-profile IKEV2-PROF\n"
			    " set security-association lifetime seconds 28800\n"
			    " set security-association lifetime kilobytes disable\n"
			    " set security-association replay window-size 1024\n"
			    " set security-association idle-time 600\n"
			    " responder-only\n"
			    " description Spoke to hub\n"
			    "crypto ipsec profile P2\n"
			    " set security-association lifetime kilobytes 102400000\n"
			    " set security-association replay disable\n"
			    " set pfs\n");
	ck_assert_msg(strstr(o, "%") == NULL, "unexpected error: %s", o);
	ck_run_has("!\ncrypto ipsec profile P1\n"
		   " description Spoke to hub\n"
		   " set security-association lifetime kilobytes disable\n"
		   " set security-association lifetime seconds 28800\n"
		   " set security-association replay window-size 1024\n"
		   " set security-association idle-time 600\n"
		   " set transform-set TS default \n"
		   " set pfs group14\n"
		   " set ikev2-profile IKEV2-PROF\n"
		   " responder-only\n"
		   "!\n"
		   "crypto ipsec profile P2\n"
		   " set security-association lifetime kilobytes 102400000\n"
		   " set security-association replay disable\n"
		   " set pfs group1\n"
		   "!\n");
	/* transform sets before profiles */
	char *rc = runcfg();
	ck_assert(strstr(rc, "crypto ipsec transform-set TS") < strstr(rc, "crypto ipsec profile P1"));
	free(rc);

	o = memsession_run(S, "show crypto ipsec profile P1\n");
	ck_assert_str_eq(o, "IPSEC profile P1\n"
			    "        IKEv2 Profile: IKEV2-PROF\n"
			    "        Kilobyte Volume Rekey has been disabled.\n"
			    "        Security association lifetime:28800 seconds\n"
			    "        Responder-Only (Y/N): Y\n"
			    "        PFS (Y/N): Y\n"
			    "        DH group:  group14\n"
			    "        Mixed-mode : Disabled\n"
			    "        Transform sets={ \n"
			    "                TS:  { esp-256-aes esp-sha256-hmac  } , \n"
			    "                default:  { esp-aes esp-sha-hmac  } , \n"
			    "        }\n\n");
}
END_TEST

START_TEST(test_profile_no_forms)
{
	cfg("crypto ipsec profile P\n"
	    " set transform-set A B\n set pfs group19\n set ikev2-profile X\n"
	    " set security-association lifetime seconds 300\n"
	    " set security-association lifetime kilobytes 5000\n"
	    " set security-association replay window-size 128\n"
	    " set security-association idle-time 120\n"
	    " responder-only\n description hello\n");
	cfg("crypto ipsec profile P\n"
	    " no set transform-set\n no set pfs\n no set ikev2-profile X\n"
	    " no set security-association lifetime seconds\n"
	    " no set security-association lifetime kilobytes 5000\n"
	    " no set security-association replay window-size\n"
	    " default set security-association idle-time\n"
	    " no responder-only\n no description\n");
	ck_run_has("!\ncrypto ipsec profile P\n!\n");
	const struct ipsec_profile *p = ipsec_profile_find("P");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->n_ts, 0);
	ck_assert_int_eq(p->pfs_group, 0);
	ck_assert_str_eq(p->ikev2_profile, "");
	ck_assert_uint_eq(p->life_sec, 0);
	ck_assert_uint_eq(p->life_kb, 0);
	ck_assert_int_eq(p->replay, IPSEC_REPLAY_INHERIT);
	ck_assert_uint_eq(p->idle_time, 0);
	ck_assert(!p->responder_only);
	cfg("no crypto ipsec profile P\n");
	ck_assert(!ipsec_profile_exists("P"));
	ck_run_lacks("crypto ipsec profile");
}
END_TEST

START_TEST(test_profile_invalid)
{
	const char *o = cfg("crypto ipsec profile P\n set transform-set A B C D E F G\n");
	ck_assert_ptr_nonnull(strstr(o, "% At most 6 transform sets can be set in a profile (7 given)"));
	ck_assert_int_eq(ipsec_profile_find("P")->n_ts, 0);
	o = cfg("crypto ipsec profile P\n set transform-set A B A\n");
	ck_assert_ptr_nonnull(strstr(o, "% Transform set A is listed twice"));
	o = cfg("crypto ipsec profile P\n set security-association lifetime seconds 119\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	o = cfg("crypto ipsec profile P\n set security-association lifetime kilobytes 2559\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	o = cfg("crypto ipsec profile P\n set security-association replay window-size 100\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	o = cfg("crypto ipsec profile P\n set pfs group3\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	o = cfg("crypto ipsec profile P\n description "
		"123456789012345678901234567890123456789012345678901234567890123456789012345678901\n");
	ck_assert_ptr_nonnull(strstr(o, "% Description is longer than 80 characters"));
	ck_run_has("!\ncrypto ipsec profile P\n!\n");
}
END_TEST

START_TEST(test_default_profile)
{
	/* modified: shown with its transform set */
	cfg("crypto ipsec profile default\n set pfs group20\n");
	ck_run_has("!\ncrypto ipsec profile default\n set transform-set default \n set pfs group20\n!\n");
	cfg("crypto ipsec profile default\n no set pfs\n");
	ck_run_lacks("crypto ipsec profile");
	cfg("crypto ipsec profile default\n set ikev2-profile LONGER-NAME\n description d\n"
	    " no set ikev2-profile\n no description\n");
	ck_run_lacks("crypto ipsec profile");
	/* no set transform-set goes back to "default" for the default profile */
	cfg("crypto ipsec profile default\n set transform-set X\n no set transform-set\n");
	ck_run_lacks("crypto ipsec profile");
	cfg("no crypto ipsec profile default\n");
	ck_assert(!ipsec_profile_exists("default"));
	ck_run_has("!\nno crypto ipsec profile default\n!\n");
	struct ipsec_child_policy pol;
	ck_assert_int_eq(ipsec_profile_resolve("default", &pol), -1);
	ck_assert_str_eq(memsession_run(S, "show crypto ipsec profile\n"), "");
	cfg("crypto ipsec profile default\n");
	ck_assert(ipsec_profile_exists("default"));
	ck_run_lacks("crypto ipsec profile");
}
END_TEST

START_TEST(test_globals)
{
	ck_assert_str_eq(memsession_run(S, "show crypto ipsec security-association\n"),
			 "Security association lifetime: 4608000 kilobytes/3600 seconds\n");
	cfg("crypto ipsec security-association lifetime seconds 1800\n"
	    "crypto ipsec security-association lifetime kilobytes 2560\n"
	    "crypto ipsec security-association replay window-size 512\n"
	    "crypto ipsec security-association idle-time 300\n"
	    "crypto ipsec df-bit clear\n"
	    "crypto ipsec fragmentation after-encryption\n"
	    "no crypto ipsec nat-transparency udp-encapsulation\n"
	    "crypto ipsec transform-set T esp-aes\n");
	ck_run_has("!\ncrypto ipsec security-association lifetime kilobytes 2560\n"
		   "crypto ipsec security-association lifetime seconds 1800\n"
		   "crypto ipsec security-association replay window-size 512\n"
		   "crypto ipsec security-association idle-time 300\n"
		   "!\n"
		   "crypto ipsec transform-set T esp-aes \n"
		   " mode tunnel\n"
		   "crypto ipsec df-bit clear\n"
		   "crypto ipsec fragmentation after-encryption\n"
		   "no crypto ipsec nat-transparency udp-encapsulation\n"
		   "!\n");
	ck_assert_str_eq(memsession_run(S, "show crypto ipsec security-association lifetime\n"),
			 "Security association lifetime: 2560 kilobytes/1800 seconds\n");
	const struct ipsec_globals *g = ipsec_globals_get();
	ck_assert_int_eq(g->dfbit, IPSEC_DF_CLEAR);
	ck_assert(!g->natt);
	cfg("no crypto ipsec security-association lifetime seconds\n"
	    "no crypto ipsec security-association lifetime kilobytes\n"
	    "no crypto ipsec security-association replay window-size 512\n"
	    "no crypto ipsec security-association idle-time\n"
	    "no crypto ipsec df-bit clear\n"
	    "no crypto ipsec fragmentation after-encryption\n"
	    "crypto ipsec nat-transparency udp-encapsulation\n"
	    "no crypto ipsec transform-set T\n");
	ck_run_lacks("crypto ipsec");
	ck_assert_uint_eq(g->life_sec, 3600);
	ck_assert_uint_eq(g->life_kb, 4608000);
	ck_assert_uint_eq(g->replay_window, 64);
	ck_assert(g->natt);
	cfg("crypto ipsec security-association replay disable\n"
	    "crypto ipsec security-association lifetime kilobytes disable\n"
	    "crypto ipsec df-bit set\n");
	ck_run_has("!\ncrypto ipsec security-association lifetime kilobytes disable\n"
		   "crypto ipsec security-association replay disable\n!\n"
		   "crypto ipsec df-bit set\n!\n");
	const char *o = cfg("crypto ipsec security-association lifetime seconds 2592001\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
	o = cfg("crypto ipsec security-association idle-time 59\n");
	ck_assert_ptr_nonnull(strstr(o, "% Invalid input detected at '^' marker."));
}
END_TEST

START_TEST(test_resolve)
{
	cfg("crypto ipsec transform-set CBC esp-aes 256 esp-sha256-hmac\n"
	    "crypto ipsec transform-set GCM esp-gcm 256\n mode transport\n"
	    "crypto ipsec transform-set SHA1 esp-aes 192 esp-sha-hmac\n"
	    "crypto ipsec transform-set S384 esp-aes esp-sha384-hmac\n"
	    "crypto ipsec transform-set S512 esp-sha512-hmac\n"
	    "crypto ipsec profile P\n set transform-set GCM MISSING CBC SHA1 S384 S512\n"
	    " set pfs group21\n set ikev2-profile IKP\n"
	    "crypto ipsec security-association lifetime seconds 7200\n"
	    "crypto ipsec security-association lifetime kilobytes 100000\n"
	    "crypto ipsec security-association idle-time 900\n"
	    "crypto ipsec security-association replay window-size 256\n");
	struct ipsec_child_policy pol;
	ck_assert_int_eq(ipsec_profile_resolve("P", &pol), 0);
	ck_assert_str_eq(pol.profile, "P");
	/* MISSING is skipped, the order kept */
	ck_assert_int_eq(pol.n_proposals, 5);
	ck_assert_str_eq(pol.proposals[0].ts_name, "GCM");
	ck_assert_uint_eq(pol.proposals[0].encr_id, 20);
	ck_assert_uint_eq(pol.proposals[0].encr_key_bits, 256);
	ck_assert_uint_eq(pol.proposals[0].integ_id, 0);
	ck_assert_int_eq(pol.proposals[0].mode, IPSEC_MODE_TRANSPORT);
	ck_assert_str_eq(pol.proposals[1].ts_name, "CBC");
	ck_assert_uint_eq(pol.proposals[1].encr_id, 12);
	ck_assert_uint_eq(pol.proposals[1].encr_key_bits, 256);
	ck_assert_uint_eq(pol.proposals[1].integ_id, 12);
	ck_assert_int_eq(pol.proposals[1].mode, IPSEC_MODE_TUNNEL);
	ck_assert_uint_eq(pol.proposals[2].encr_key_bits, 192);
	ck_assert_uint_eq(pol.proposals[2].integ_id, 2);
	ck_assert_uint_eq(pol.proposals[3].encr_key_bits, 128);
	ck_assert_uint_eq(pol.proposals[3].integ_id, 13);
	ck_assert_uint_eq(pol.proposals[4].encr_id, 11); /* authentication only: ENCR_NULL */
	ck_assert_uint_eq(pol.proposals[4].encr_key_bits, 0);
	ck_assert_uint_eq(pol.proposals[4].integ_id, 14);
	ck_assert_uint_eq(pol.pfs_group, 21);
	ck_assert_str_eq(pol.ikev2_profile, "IKP");
	/* global fallbacks */
	ck_assert_uint_eq(pol.lifetime_sec, 7200);
	ck_assert_uint_eq(pol.lifetime_kb, 100000);
	ck_assert_uint_eq(pol.idle_time, 900);
	ck_assert_uint_eq(pol.replay_window, 256);
	ck_assert(!pol.responder_only);
	ck_assert(pol.natt);

	/* profile values win */
	cfg("crypto ipsec profile P\n set security-association lifetime seconds 120\n"
	    " set security-association lifetime kilobytes disable\n"
	    " set security-association idle-time 60\n"
	    " set security-association replay disable\n responder-only\n");
	ck_assert_int_eq(ipsec_profile_resolve("P", &pol), 0);
	ck_assert_uint_eq(pol.lifetime_sec, 120);
	ck_assert_uint_eq(pol.lifetime_kb, 0);
	ck_assert_uint_eq(pol.idle_time, 60);
	ck_assert_uint_eq(pol.replay_window, 0);
	ck_assert(pol.responder_only);
	cfg("crypto ipsec profile P\n set security-association replay window-size 1024\n"
	    " set security-association lifetime kilobytes 3000\n");
	ck_assert_int_eq(ipsec_profile_resolve("P", &pol), 0);
	ck_assert_uint_eq(pol.replay_window, 1024);
	ck_assert_uint_eq(pol.lifetime_kb, 3000);

	/* global replay disable / kilobytes disable reach profiles that inherit */
	cfg("crypto ipsec profile Q\n"
	    "crypto ipsec security-association replay disable\n"
	    "crypto ipsec security-association lifetime kilobytes disable\n");
	ck_assert_int_eq(ipsec_profile_resolve("Q", &pol), 0);
	ck_assert_uint_eq(pol.replay_window, 0);
	ck_assert_uint_eq(pol.lifetime_kb, 0);
	ck_assert_uint_eq(pol.lifetime_sec, 7200);
	/* a profile naming no transform set uses the default one */
	ck_assert_int_eq(pol.n_proposals, 1);
	ck_assert_str_eq(pol.proposals[0].ts_name, "default");
	ck_assert_uint_eq(pol.proposals[0].encr_id, 12);
	ck_assert_uint_eq(pol.proposals[0].encr_key_bits, 128);
	ck_assert_uint_eq(pol.proposals[0].integ_id, 2);
	ck_assert_int_eq(pol.proposals[0].mode, IPSEC_MODE_TRANSPORT);
	ck_assert_uint_eq(pol.pfs_group, 0);
	cfg("no crypto ipsec transform-set default\n");
	ck_assert_int_eq(ipsec_profile_resolve("Q", &pol), 0);
	ck_assert_int_eq(pol.n_proposals, 0);
	ck_assert_int_eq(ipsec_profile_resolve("nope", &pol), -1);

	struct ipsec_esp_proposal e;
	ck_assert_int_eq(ipsec_transform_set_resolve("S512", &e), 0);
	ck_assert_uint_eq(e.integ_id, 14);
	ck_assert_int_eq(ipsec_transform_set_resolve("default", &e), -1);
	ck_assert_int_eq(ipsec_transform_set_resolve("MISSING", &e), -1);
}
END_TEST

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/ikesh-test-ipsec-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

START_TEST(test_check_references)
{
	char *path = write_tmp("crypto ipsec transform-set TS esp-aes\n"
			       "crypto ipsec profile P\n"
			       " set transform-set TS NOPE\n"
			       "crypto ipsec profile Q\n"
			       " set transform-set TS\n");
	struct buf rep;
	buf_init(&rep);
	ck_assert_int_eq(config_apply_file(path, &rep, NULL), 0);
	ck_assert_int_eq(config_check_references(path, &rep), 1);
	char want[256];
	snprintf(want, sizeof want, "%s:3: %% crypto ipsec profile P: transform set NOPE is not defined\n", path);
	ck_assert_str_eq(buf_cstr(&rep), want);
	buf_free(&rep);
	unlink(path);
	free(path);
}
END_TEST

/* Everything written parses back to the same configuration. */
START_TEST(test_round_trip)
{
	cfg("crypto ipsec security-association lifetime seconds 1800\n"
	    "crypto ipsec security-association replay window-size 128\n"
	    "crypto ipsec transform-set A esp-aes 256 esp-sha512-hmac\n mode transport\n"
	    "crypto ipsec transform-set B esp-gcm\n"
	    "crypto ipsec transform-set default esp-gcm 256\n"
	    "crypto ipsec df-bit copy\ncrypto ipsec df-bit set\n"
	    "no crypto ipsec profile default\n"
	    "crypto ipsec profile P\n description two sets\n set transform-set B A\n"
	    " set pfs group24\n set security-association lifetime kilobytes 9999999\n"
	    " set security-association replay disable\n set ikev2-profile X\n");
	char *first = runcfg();
	char *path = write_tmp(first);
	running_config_reset();
	struct buf rep;
	buf_init(&rep);
	ck_assert_int_eq(config_apply_file(path, &rep, NULL), 0);
	ck_assert_str_eq(buf_cstr(&rep), "");
	char *second = runcfg();
	ck_assert_str_eq(first, second);
	buf_free(&rep);
	unlink(path);
	free(path);
	free(first);
	free(second);
}
END_TEST

static char *help(enum cli_mode m, const char *line)
{
	struct buf b;
	buf_init(&b);
	grammar_help(m, line, &b);
	char *r = strdup(buf_cstr(&b));
	buf_free(&b);
	return r;
}

START_TEST(test_help)
{
	char *o = help(MODE_CONFIG, "crypto ipsec transform-set T esp-gcm ");
	/* no authentication transform is offered after GCM */
	ck_assert_str_eq(o, "  128   128 bit keys.\n"
			    "  192   192 bit keys.\n"
			    "  256   256 bit keys.\n"
			    "  <cr>\n\n");
	free(o);
	o = help(MODE_CONFIG, "crypto ipsec transform-set T esp-sha-hmac ");
	ck_assert_str_eq(o, "  esp-aes  ESP transform using AES cipher\n"
			    "  <cr>\n\n");
	free(o);
	o = help(MODE_CRYPTO_TRANS, "mode ");
	ck_assert_str_eq(o, "  transport  transport (payload encapsulation) mode\n"
			    "  tunnel     tunnel (datagram encapsulation) mode\n\n");
	free(o);
	o = help(MODE_CONFIG, "crypto ipsec security-association replay window-size ");
	ck_assert_str_eq(o, "  1024  Window size of 1024\n"
			    "  128   Window size of 128\n"
			    "  256   Window size of 256\n"
			    "  512   Window size of 512\n"
			    "  64    Window size of 64\n"
			    "  <cr>\n\n");
	free(o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config_ipsec");
	TCase *tc = tcase_create("ipsec");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_factory_defaults);
	tcase_add_test(tc, test_transform_set_running_config);
	tcase_add_test(tc, test_transform_set_reenter_and_no);
	tcase_add_test(tc, test_transform_set_invalid);
	tcase_add_test(tc, test_default_transform_set);
	tcase_add_test(tc, test_profile_running_config);
	tcase_add_test(tc, test_profile_no_forms);
	tcase_add_test(tc, test_profile_invalid);
	tcase_add_test(tc, test_default_profile);
	tcase_add_test(tc, test_globals);
	tcase_add_test(tc, test_resolve);
	tcase_add_test(tc, test_check_references);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_help);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
