/* AAA configuration: aaa new-model and the commands it enables, method
 * lists, RADIUS servers and groups, dynamic authorization, local users and
 * the Cisco password encodings (type 7, 5, 8, 9). */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aaa/aaa.h"
#include "cli/config_file.h"
#include "cli/memsession.h"
#include "cli/running_config.h"

static struct session *s;

static void setup(void)
{
	running_config_reset();
	s = memsession_new();
	memsession_run(s, "configure terminal");
}

static void teardown(void)
{
	memsession_free(s);
	running_config_reset();
}

static const char *run(const char *lines) { return memsession_run(s, lines); }

static char runcfg[16384];

static const char *running(void)
{
	struct buf b;
	buf_init(&b);
	running_config_build(&b);
	snprintf(runcfg, sizeof runcfg, "%s", buf_cstr(&b));
	buf_free(&b);
	return runcfg;
}

static void assert_no_output(const char *out)
{
	ck_assert_msg(out[0] == 0, "unexpected output: [%s]", out);
}

static void assert_contains(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) != NULL, "[%s] not found in:\n%s", needle, hay);
}

static void assert_not_contains(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) == NULL, "[%s] unexpectedly in:\n%s", needle, hay);
}

/* IOS does not know the aaa commands before aaa new-model: invalid input,
 * with the caret under the word after "aaa". */
START_TEST(aaa_commands_need_new_model)
{
	const char *out = run("aaa authentication login default local\n");
	/* "Router(config)#aaa " is 19 characters: the caret is in column 19 */
	ck_assert_str_eq(out, "                   ^\n% Invalid input detected at '^' marker.\n\n");
	assert_contains(run("aaa authorization network FLEX local\n"), "% Invalid input detected at '^' marker.");
	assert_contains(run("aaa accounting network FLEX start-stop group radius\n"), "% Invalid input");
	assert_contains(run("aaa session-id unique\n"), "% Invalid input");
	assert_contains(run("aaa group server radius RAD\n"), "% Invalid input");
	assert_contains(run("aaa server radius dynamic-author\n"), "% Invalid input");
	ck_assert_int_eq(aaa_method_list_exists("network", "FLEX"), 0);
	ck_assert_ptr_null(aaa_radius_group_find("RAD"));
	ck_assert(!aaa_dynamic_author()->enabled);
	ck_assert(!aaa_new_model());
	assert_not_contains(running(), "aaa");
	/* these do not need it */
	assert_no_output(run("username u password 0 p\nradius server R\nexit\n"));
	/* and in a configuration file the line is reported too */
	char path[] = "/tmp/test_config_aaa_XXXXXX";
	int fd = mkstemp(path);
	const char *text = "aaa authorization network FLEX local\naaa new-model\naaa authorization network FLEX local\n";
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	struct buf report;
	buf_init(&report);
	ck_assert_int_eq(config_apply_file(path, &report, NULL), 1);
	char want[128];
	snprintf(want, sizeof want, "%s:1: %% Invalid input detected at '^' marker", path);
	assert_contains(buf_cstr(&report), want);
	ck_assert_int_eq(aaa_method_list_exists("network", "FLEX"), 1);
	buf_free(&report);
	unlink(path);
}
END_TEST

START_TEST(full_aaa_configuration_running_config)
{
	assert_no_output(run("aaa new-model\n"
			     "aaa authentication login default local\n"
			     "aaa authentication login EAP-LIST group RAD\n"
			     "aaa authorization network FLEX local\n"
			     "aaa authorization network default group RAD local\n"
			     "aaa authorization exec default local if-authenticated\n"
			     "aaa accounting network FLEX start-stop group RAD\n"
			     "aaa accounting exec default stop-only broadcast group RAD group radius\n"
			     "aaa group server radius RAD\n"
			     " server name ISE\n"
			     " server name ISE2\n"
			     " ip vrf forwarding MGMT\n"
			     " ip radius source-interface Loopback0\n"
			     "aaa server radius dynamic-author\n"
			     " client 10.0.0.5 server-key cisco123\n"
			     " client 10.0.0.6 vrf MGMT server-key 7 0822455D0A16\n"
			     " client 10.0.0.7\n"
			     " server-key shared\n"
			     " port 3799\n"
			     " auth-type any\n"
			     " ignore session-key\n"
			     " ignore server-key\n"
			     "aaa session-id unique\n"
			     "radius server ISE\n"
			     " address ipv4 10.0.0.5 auth-port 1645 acct-port 1646\n"
			     " key 7 0822455D0A16\n"
			     " timeout 10\n"
			     " retransmit 2\n"
			     "radius server ISE2\n"
			     " address ipv4 10.0.0.6\n"
			     " key s3cr3t key\n"
			     "username cisco privilege 15 password 0 cisco\n"
			     "username seven password 7 0822455D0A16\n"
			     "username op privilege 5\n"));
	const char *cfg = running();
	assert_contains(cfg, "!\naaa new-model\n"
			     "!\n"
			     "!\n"
			     "aaa group server radius RAD\n"
			     " server name ISE\n"
			     " server name ISE2\n"
			     " ip vrf forwarding MGMT\n"
			     " ip radius source-interface Loopback0\n"
			     "!\n"
			     "aaa authentication login default local\n"
			     "aaa authentication login EAP-LIST group RAD\n"
			     "aaa authorization network FLEX local \n"
			     "aaa authorization network default group RAD local \n"
			     "aaa authorization exec default local if-authenticated \n"
			     "aaa accounting network FLEX start-stop group RAD\n"
			     "aaa accounting exec default stop-only broadcast group RAD group radius\n"
			     "!\n"
			     "aaa server radius dynamic-author\n"
			     " client 10.0.0.5 server-key cisco123\n"
			     " client 10.0.0.6 vrf MGMT server-key 7 0822455D0A16\n"
			     " client 10.0.0.7\n"
			     " server-key shared\n"
			     " port 3799\n"
			     " auth-type any\n"
			     " ignore session-key\n"
			     " ignore server-key\n"
			     "!\n"
			     "aaa session-id unique\n"
			     "!\n");
	assert_contains(cfg, "!\nusername cisco privilege 15 password 0 cisco\n"
			     "username seven password 7 0822455D0A16\n"
			     "username op privilege 5\n"
			     "!\n");
	assert_contains(cfg, "!\nradius server ISE\n"
			     " address ipv4 10.0.0.5 auth-port 1645 acct-port 1646\n"
			     " timeout 10\n"
			     " retransmit 2\n"
			     " key 7 0822455D0A16\n"
			     "!\n"
			     "radius server ISE2\n"
			     " address ipv4 10.0.0.6 auth-port 1812 acct-port 1813\n"
			     " key s3cr3t key\n"
			     "!\n");
	/* IOS order: aaa, then usernames, ..., radius servers near the end */
	ck_assert(strstr(cfg, "aaa new-model") < strstr(cfg, "username cisco"));
	ck_assert(strstr(cfg, "username cisco") < strstr(cfg, "radius server ISE"));

	/* the API */
	ck_assert(aaa_new_model());
	ck_assert_int_eq(aaa_session_id(), AAA_SESSION_ID_UNIQUE);
	ck_assert_int_eq(aaa_method_list_exists("network", "FLEX"), 1);
	ck_assert_int_eq(aaa_method_list_exists("network", "default"), 1);
	ck_assert_int_eq(aaa_method_list_exists("network", "NOPE"), 0);
	ck_assert_int_eq(aaa_method_list_exists("login", "EAP-LIST"), 1);
	ck_assert_int_eq(aaa_method_list_exists("exec", "EAP-LIST"), 0);
	ck_assert_int_eq(aaa_method_list_exists("accounting network", "FLEX"), 1);
	ck_assert_int_eq(aaa_method_list_exists("accounting exec", "FLEX"), 0);
	ck_assert_int_eq(aaa_method_list_exists("authorization exec", "default"), 1);
	const struct aaa_method_list *l = aaa_method_list_find(AAA_AUTHORIZATION, "network", "default");
	ck_assert_int_eq(l->n_methods, 2);
	ck_assert_int_eq(l->methods[0].kind, AAA_METHOD_GROUP);
	ck_assert_str_eq(l->methods[0].group, "RAD");
	ck_assert_int_eq(l->methods[1].kind, AAA_METHOD_LOCAL);
	l = aaa_method_list_find(AAA_ACCOUNTING, "exec", "default");
	ck_assert_int_eq(l->acct, AAA_ACCT_STOP_ONLY);
	ck_assert(l->acct_broadcast);
	ck_assert_str_eq(l->methods[1].group, "radius");

	const struct aaa_radius_server *r = aaa_radius_server_find("ISE");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(inet_ntoa(r->addr), "10.0.0.5");
	ck_assert_int_eq(r->auth_port, 1645);
	ck_assert_int_eq(r->acct_port, 1646);
	ck_assert_str_eq(r->key.clear, "cisco"); /* type 7 decoded */
	ck_assert_int_eq(r->timeout, 10);
	ck_assert_int_eq(r->retransmit, 2);
	r = aaa_radius_server_find("ISE2");
	ck_assert_str_eq(r->key.clear, "s3cr3t key");
	ck_assert_int_eq(r->auth_port, 1812);
	ck_assert_int_eq(r->retransmit, -1);
	const struct aaa_radius_group *g = aaa_radius_group_find("RAD");
	ck_assert_int_eq(g->n_servers, 2);
	ck_assert_str_eq(g->servers[1], "ISE2");
	ck_assert_str_eq(g->source_if, "Loopback0");
	ck_assert_str_eq(g->vrf, "MGMT");
	const struct aaa_dynamic_author *d = aaa_dynamic_author();
	ck_assert(d->enabled);
	ck_assert_int_eq(d->n_clients, 3);
	ck_assert_str_eq(d->clients[1].key.clear, "cisco");
	ck_assert_str_eq(d->clients[1].vrf, "MGMT");
	ck_assert(!d->clients[2].key_set);
	ck_assert_str_eq(d->server_key.clear, "shared");
	ck_assert_int_eq(d->port, 3799);
	ck_assert_int_eq(d->auth_type, AAA_DA_AUTH_ANY);
	ck_assert(d->ignore_session_key && d->ignore_server_key);
}
END_TEST

START_TEST(group_names_are_never_abbreviated_keywords)
{
	/* "RAD" abbreviates "radius": it must stay a group name */
	assert_no_output(run("aaa new-model\naaa authorization network X group RAD\n"
			     "aaa authentication login Y group Radius local\n"));
	const struct aaa_method_list *l = aaa_method_list_find(AAA_AUTHORIZATION, "network", "X");
	ck_assert_str_eq(l->methods[0].group, "RAD");
	l = aaa_method_list_find(AAA_AUTHENTICATION, "login", "Y");
	ck_assert_str_eq(l->methods[0].group, "radius");
	assert_contains(running(), "aaa authorization network X group RAD \n");
	assert_contains(running(), "aaa authentication login Y group radius local\n");
}
END_TEST

START_TEST(no_forms_and_defaults)
{
	assert_no_output(run("aaa new-model\n"
			     "aaa authorization network FLEX local\n"
			     "aaa accounting network FLEX start-stop group radius\n"
			     "aaa session-id unique\n"
			     "aaa group server radius G\n server name A\n ip radius source-interface GigabitEthernet0/0\n"
			     "aaa server radius dynamic-author\n client 10.1.1.1 server-key k\n port 1650\n auth-type all\n"
			     "radius server A\n address ipv4 10.1.1.1\n key k\n timeout 3\n retransmit 0\n"
			     "username u privilege 3 password 0 pw\n"));
	assert_no_output(run("radius server A\n no address ipv4\n no key\n no timeout\n no retransmit\n"
			     "aaa group server radius G\n no server name A\n no ip radius source-interface\n"
			     "aaa server radius dynamic-author\n no client 10.1.1.1\n no port\n"
			     "no aaa authorization network FLEX\n"
			     "no aaa accounting network FLEX\n"
			     "no aaa session-id\n"
			     "no username u\n"));
	const char *cfg = running();
	assert_contains(cfg, "aaa new-model\n!\n!\naaa group server radius G\n!\naaa server radius dynamic-author\n!\n"
			     "aaa session-id common\n!\n");
	assert_contains(cfg, "radius server A\n!\n");
	assert_not_contains(cfg, "username u");
	assert_not_contains(cfg, "aaa authorization");
	ck_assert_int_eq(aaa_dynamic_author()->port, 1700);
	assert_no_output(run("no aaa server radius dynamic-author\nno aaa group server radius G\nno radius server A\n"));
	cfg = running();
	assert_contains(cfg, "aaa new-model\n!\n!\naaa session-id common\n!\n");
	assert_not_contains(cfg, "radius server A");
	assert_contains(run("no radius server A\n"), "% RADIUS server A does not exist");
	assert_contains(run("no aaa group server radius G\n"), "% Server group G does not exist");
	assert_contains(run("aaa server radius dynamic-author\nno client 10.9.9.9\n"),
			"% Client 10.9.9.9 is not configured");
}
END_TEST

START_TEST(no_new_model_removes_what_needs_it)
{
	assert_no_output(run("aaa new-model\naaa authorization network FLEX local\n"
			     "aaa group server radius G\nexit\naaa server radius dynamic-author\nexit\n"
			     "radius server A\nexit\nusername u password 0 p\n"));
	assert_no_output(run("no aaa new-model\n"));
	const char *cfg = running();
	assert_not_contains(cfg, "aaa ");
	assert_contains(cfg, "radius server A\n");
	assert_contains(cfg, "username u password 0 p\n");
	ck_assert_int_eq(aaa_method_list_exists("network", "FLEX"), 0);
	ck_assert(!aaa_dynamic_author()->enabled);
	ck_assert_ptr_null(aaa_radius_group_find("G"));
}
END_TEST

START_TEST(method_list_validation)
{
	run("aaa new-model\n");
	/* IOS: four methods at most */
	assert_contains(run("aaa authentication login L group a group b group c local none\n"),
			"% Invalid input detected at '^' marker.");
	assert_contains(run("aaa authorization network L local local\n"), "% Method \"local\" is listed twice");
	assert_contains(run("aaa authorization network L group G group G\n"), "% Method \"group G\" is listed twice");
	ck_assert_int_eq(aaa_method_list_exists("network", "L"), 0);
	assert_contains(run("aaa authorization network ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456 local\n"),
			"is too long (at most 31 characters)");
	/* a list configured again is replaced, in place */
	assert_no_output(run("aaa authorization network A local\naaa authorization network B local\n"
			     "aaa authorization network A group G\n"));
	const char *cfg = running();
	assert_contains(cfg, "aaa authorization network A group G \naaa authorization network B local \n");
}
END_TEST

START_TEST(radius_and_user_validation)
{
	assert_contains(run("radius server R\nkey 7 XYZ\n"), "% Invalid encrypted key");
	ck_assert(!aaa_radius_server_find("R")->key_set);
	assert_contains(run("exit\nusername x password 7 0G\n"), "% Invalid encrypted password");
	ck_assert_ptr_null(aaa_user_find("x"));
	assert_contains(run("username x secret 5 $1$abc\n"),
			"ERROR: The secret you entered is not a valid encrypted secret.\n"
			"To enter an UNENCRYPTED secret, do not specify type 5 encryption.\n");
	ck_assert_ptr_null(aaa_user_find("x"));
	assert_no_output(run("username x secret abc\n"));
	assert_contains(run("username x password abc\n"),
			"ERROR: Can not have both a user password and a user secret.\n"
			"Please choose one or the other.\n");
	ck_assert_int_eq(aaa_user_find("x")->type, AAA_SECRET_SCRYPT);
	run("aaa new-model\n");
	assert_contains(run("aaa group server radius radius\n"), "is reserved");
}
END_TEST

/* Published test vectors (hashcat example hashes, password "hashcat"). */
START_TEST(password_encodings)
{
	char out[AAA_SECRET_MAX];
	ck_assert_int_eq(aaa_type7_decode("0822455D0A16", out, sizeof out), 0);
	ck_assert_str_eq(out, "cisco");
	ck_assert_int_eq(aaa_type7_decode("094F471A1A0A", out, sizeof out), 0);
	ck_assert_str_eq(out, "cisco");
	ck_assert_int_eq(aaa_type7_encode("cisco", 8, out, sizeof out), 0);
	ck_assert_str_eq(out, "0822455D0A16");
	ck_assert_int_eq(aaa_type7_decode("99AA", out, sizeof out), -1);
	ck_assert_int_eq(aaa_type7_decode("08ZZ", out, sizeof out), -1);

	ck_assert(aaa_secret_check(5, "$1$28772684$iEwNOgGugqO9.bIz5sk8k/", "hashcat"));
	ck_assert(!aaa_secret_check(5, "$1$28772684$iEwNOgGugqO9.bIz5sk8k/", "hashcaT"));
	ck_assert(aaa_secret_check(8, "$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk", "hashcat"));
	ck_assert(aaa_secret_check(9, "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6", "hashcat"));
	ck_assert(!aaa_secret_check(9, "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6", "cisco"));
	ck_assert_int_eq(aaa_secret_hash(9, "hashcat", "2MJBozw/9R3UsU", out, sizeof out), 0);
	ck_assert_str_eq(out, "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6");
	/* fresh salts: two hashes of one secret differ, both verify */
	char h1[AAA_SECRET_MAX], h2[AAA_SECRET_MAX];
	ck_assert_int_eq(aaa_secret_hash(9, "pw", NULL, h1, sizeof h1), 0);
	ck_assert_int_eq(aaa_secret_hash(9, "pw", NULL, h2, sizeof h2), 0);
	ck_assert_str_ne(h1, h2);
	ck_assert(aaa_secret_valid(9, h1));
	ck_assert(aaa_secret_check(9, h1, "pw") && aaa_secret_check(9, h2, "pw"));
	ck_assert(!aaa_secret_valid(9, "$9$short$abc"));
	ck_assert(!aaa_secret_valid(8, "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6"));
}
END_TEST

START_TEST(local_user_verification)
{
	assert_no_output(run("username clear password 0 cisco\n"
			     "username plain password letmein\n"
			     "username seven password 7 0822455D0A16\n"
			     "username hashed secret 0 s3cret\n"
			     "username md5 secret 5 $1$28772684$iEwNOgGugqO9.bIz5sk8k/\n"
			     "username pb secret 8 $8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk\n"
			     "username sc privilege 15 secret 9 $9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6\n"
			     "username nopw privilege 2\n"
			     "username bare\n"));
	ck_assert(aaa_user_verify("clear", "cisco"));
	ck_assert(!aaa_user_verify("clear", "cisco "));
	ck_assert(!aaa_user_verify("clear", "Cisco"));
	ck_assert(aaa_user_verify("plain", "letmein"));
	ck_assert(aaa_user_verify("seven", "cisco"));
	ck_assert(aaa_user_verify("hashed", "s3cret"));
	ck_assert(!aaa_user_verify("hashed", "s3cre"));
	ck_assert(aaa_user_verify("md5", "hashcat"));
	ck_assert(aaa_user_verify("pb", "hashcat"));
	ck_assert(aaa_user_verify("sc", "hashcat"));
	ck_assert(!aaa_user_verify("sc", "hashcat!"));
	ck_assert(!aaa_user_verify("nopw", ""));
	ck_assert(!aaa_user_verify("nobody", "cisco"));
	char clear[64];
	ck_assert_int_eq(aaa_user_cleartext("seven", clear, sizeof clear), 5);
	ck_assert_str_eq(clear, "cisco");
	ck_assert_int_eq(aaa_user_cleartext("hashed", clear, sizeof clear), -1);
	ck_assert_int_eq(aaa_user_find("sc")->privilege, 15);
	ck_assert_int_eq(aaa_user_find("clear")->privilege, -1);

	/* a clear secret is never shown: it is stored as a type 9 hash */
	const char *cfg = running();
	assert_not_contains(cfg, "s3cret");
	const char *h = strstr(cfg, "username hashed secret 9 $9$");
	ck_assert_ptr_nonnull(h);
	assert_contains(cfg, "username plain password 0 letmein\n");
	assert_contains(cfg, "username md5 secret 5 $1$28772684$iEwNOgGugqO9.bIz5sk8k/\n");
	assert_contains(cfg, "username nopw privilege 2\n");
	assert_contains(cfg, "username bare\n");
	ck_assert(!aaa_user_verify("bare", ""));
	/* changing the privilege keeps the password */
	assert_no_output(run("username seven privilege 7\n"));
	ck_assert(aaa_user_verify("seven", "cisco"));
	assert_contains(running(), "username seven privilege 7 password 7 0822455D0A16\n");
}
END_TEST

START_TEST(check_reports_missing_groups_and_servers)
{
	char path[] = "/tmp/test_config_aaa_XXXXXX";
	int fd = mkstemp(path);
	const char *text = "aaa new-model\n"
			   "aaa group server radius G\n"
			   " server name MISSING\n"
			   " server name THERE\n"
			   "aaa authorization network FLEX group NOGROUP local\n"
			   "aaa authorization network OK group G group radius\n"
			   "radius server THERE\n"
			   " address ipv4 10.0.0.1\n";
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	struct buf report;
	buf_init(&report);
	ck_assert_int_eq(config_apply_file(path, &report, NULL), 0);
	ck_assert_str_eq(buf_cstr(&report), "");
	config_check_references(path, &report);
	char want[256];
	snprintf(want, sizeof want, "%s:5: %% aaa authorization network FLEX: server group NOGROUP does not exist\n", path);
	assert_contains(buf_cstr(&report), want);
	snprintf(want, sizeof want, "%s:3: %% aaa group server radius G: radius server MISSING does not exist\n", path);
	assert_contains(buf_cstr(&report), want);
	assert_not_contains(buf_cstr(&report), "THERE");
	assert_not_contains(buf_cstr(&report), "network OK");
	buf_free(&report);
	unlink(path);
}
END_TEST

START_TEST(running_config_round_trip)
{
	assert_no_output(run("aaa new-model\n"
			     "aaa authentication login default group RAD local\n"
			     "aaa authorization network FLEX local\n"
			     "aaa accounting network FLEX start-stop group RAD\n"
			     "aaa group server radius RAD\n server name ISE\n"
			     "aaa server radius dynamic-author\n client 10.0.0.5 server-key 7 0822455D0A16\n auth-type session-key\n"
			     "radius server ISE\n address ipv4 10.0.0.5 acct-port 1646\n key radius key\n"
			     "username admin privilege 15 secret hunter2\n"
			     "username cisco password 0 cisco\n"));
	char first[16384];
	snprintf(first, sizeof first, "%s", running());
	running_config_reset();
	char *copy = strdup(first), *save = NULL;
	struct buf lines;
	buf_init(&lines);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (strcmp(l, "end") != 0)
			buf_printf(&lines, "%s\n", l);
	free(copy);
	run("end\nconfigure terminal\n");
	assert_no_output(run(buf_cstr(&lines)));
	buf_free(&lines);
	ck_assert_str_eq(running(), first);
	ck_assert(aaa_user_verify("admin", "hunter2"));
	ck_assert_str_eq(aaa_dynamic_author()->clients[0].key.clear, "cisco");
}
END_TEST

static Suite *suite(void)
{
	Suite *su = suite_create("config_aaa");
	TCase *tc = tcase_create("aaa");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, aaa_commands_need_new_model);
	tcase_add_test(tc, full_aaa_configuration_running_config);
	tcase_add_test(tc, group_names_are_never_abbreviated_keywords);
	tcase_add_test(tc, no_forms_and_defaults);
	tcase_add_test(tc, no_new_model_removes_what_needs_it);
	tcase_add_test(tc, method_list_validation);
	tcase_add_test(tc, radius_and_user_validation);
	tcase_add_test(tc, password_encodings);
	tcase_add_test(tc, local_user_verification);
	tcase_add_test(tc, check_reports_missing_groups_and_servers);
	tcase_add_test(tc, running_config_round_trip);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
