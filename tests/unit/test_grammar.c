/* The grammar driver: abbreviations, ambiguity, caret column, help, TAB,
 * value ranges, LINE, quoted words, and the session's parent-mode retry. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cli/memsession.h"
#include "grammar/grammar.h"
#include "grammar/words.h"

int h_configure(struct cmdctx *);
int h_show_version(struct cmdctx *);
int h_show_running(struct cmdctx *);
int h_terminal(struct cmdctx *);
int h_hostname(struct cmdctx *);

static struct parse_result parse(enum cli_mode m, const char *line, struct cmd *c)
{
	return grammar_parse(m, line, c);
}

START_TEST(abbreviations_resolve_to_full_keywords)
{
	struct cmd c;
	struct parse_result r = parse(MODE_PRIV, "conf t", &c);
	ck_assert_int_eq(r.status, PARSE_OK);
	ck_assert_ptr_eq(c.handler, h_configure);
	ck_assert_int_eq(c.nargs, 2);
	ck_assert_str_eq(c.args[0].text, "configure");
	ck_assert_str_eq(c.args[1].text, "terminal");
	cmd_clear(&c);
	r = parse(MODE_PRIV, "SH VER", &c);
	ck_assert_int_eq(r.status, PARSE_OK);
	ck_assert_ptr_eq(c.handler, h_show_version);
	cmd_clear(&c);
}
END_TEST

START_TEST(ambiguous_prefix_is_reported_with_its_end)
{
	struct cmd c;
	/* configure, copy, clear all start with c */
	struct parse_result r = parse(MODE_PRIV, "c", &c);
	ck_assert_int_eq(r.status, PARSE_AMBIGUOUS);
	ck_assert_int_eq(r.col, 1);
	r = parse(MODE_PRIV, "terminal  l 5", &c);
	ck_assert_int_eq(r.status, PARSE_OK); /* only length starts with l */
	cmd_clear(&c);
}
END_TEST

START_TEST(caret_goes_under_first_unmatched_character)
{
	struct cmd c;
	/* "versiox": "versio" matches "version", so the caret is under the x */
	struct parse_result r = parse(MODE_PRIV, "show versiox", &c);
	ck_assert_int_eq(r.status, PARSE_INVALID);
	ck_assert_int_eq(r.col, 11);
	/* a word that matches nothing: caret under its first character */
	r = parse(MODE_PRIV, "show zzz", &c);
	ck_assert_int_eq(r.status, PARSE_INVALID);
	ck_assert_int_eq(r.col, 5);
	/* an extra word after a complete command */
	r = parse(MODE_PRIV, "show version now", &c);
	ck_assert_int_eq(r.status, PARSE_INVALID);
	ck_assert_int_eq(r.col, 13);
	ck_assert_int_eq(r.words_ok, 2);
}
END_TEST

START_TEST(incomplete_and_empty)
{
	struct cmd c;
	ck_assert_int_eq(parse(MODE_PRIV, "show", &c).status, PARSE_INCOMPLETE);
	ck_assert_int_eq(parse(MODE_PRIV, "terminal length", &c).status, PARSE_INCOMPLETE);
	ck_assert_int_eq(parse(MODE_PRIV, "   ", &c).status, PARSE_EMPTY);
}
END_TEST

START_TEST(number_ranges_are_checked)
{
	struct cmd c;
	struct parse_result r = parse(MODE_PRIV, "terminal length 513", &c);
	ck_assert_int_eq(r.status, PARSE_INVALID);
	ck_assert_int_eq(r.col, 16);
	r = parse(MODE_PRIV, "terminal length 512", &c);
	ck_assert_int_eq(r.status, PARSE_OK);
	ck_assert_ptr_eq(c.handler, h_terminal);
	ck_assert_int_eq(c.args[2].kind, ARG_NUMBER);
	ck_assert_int_eq(c.args[2].num, 512);
	cmd_clear(&c);
}
END_TEST

START_TEST(line_takes_the_rest_verbatim)
{
	struct cmd c;
	struct parse_result r = parse(MODE_PRIV, "show run | include ^host  name ", &c);
	ck_assert_int_eq(r.status, PARSE_OK);
	ck_assert_ptr_eq(c.handler, h_show_running);
	ck_assert_int_eq(c.nargs, 5);
	ck_assert_str_eq(c.args[3].text, "include");
	ck_assert_int_eq(c.args[4].kind, ARG_LINE);
	ck_assert_str_eq(c.args[4].text, "^host  name");
	cmd_clear(&c);
}
END_TEST

START_TEST(quoted_word_is_one_value)
{
	struct cmd c;
	struct parse_result r = parse(MODE_CONFIG, "hostname \"edge-1\"", &c);
	ck_assert_int_eq(r.status, PARSE_OK);
	ck_assert_ptr_eq(c.handler, h_hostname);
	ck_assert_str_eq(c.args[1].text, "edge-1");
	cmd_clear(&c);
}
END_TEST

START_TEST(do_runs_exec_commands_in_config)
{
	struct cmd c;
	struct parse_result r = parse(MODE_CONFIG, "do sh ver", &c);
	ck_assert_int_eq(r.status, PARSE_OK);
	ck_assert_ptr_eq(c.handler, h_show_version);
	cmd_clear(&c);
	ck_assert_int_eq(parse(MODE_CONFIG, "show version", &c).status, PARSE_INVALID);
}
END_TEST

START_TEST(help_lists_next_words_with_texts)
{
	struct buf b;
	buf_init(&b);
	grammar_help(MODE_PRIV, "terminal ", &b);
	const char *h = buf_cstr(&b);
	ck_assert_ptr_nonnull(strstr(h, "  length   Set number of lines on a screen\n"));
	ck_assert_ptr_nonnull(strstr(h, "  monitor  Copy debug output to the current terminal line\n"));
	ck_assert_ptr_null(strstr(h, "<cr>"));
	buf_reset(&b);
	grammar_help(MODE_PRIV, "terminal length ", &b);
	ck_assert_str_eq(buf_cstr(&b), "  <0-512>  Number of lines on screen (0 for no pausing)\n\n");
	buf_reset(&b);
	grammar_help(MODE_PRIV, "show version ", &b);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "  |     Output modifiers\n"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "  <cr>\n"));
	buf_reset(&b);
	/* a partial word lists its completions on one line */
	grammar_help(MODE_PRIV, "terminal l", &b);
	ck_assert_str_eq(buf_cstr(&b), "length\n\n");
	buf_reset(&b);
	grammar_help(MODE_PRIV, "shw ", &b);
	ck_assert_str_eq(buf_cstr(&b), "% Unrecognized command\n");
	buf_free(&b);
}
END_TEST

START_TEST(tab_completes_unique_prefix_only)
{
	int rlen = 0;
	char *s = grammar_complete(MODE_PRIV, "conf", &rlen);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "configure ");
	ck_assert_int_eq(rlen, 4);
	free(s);
	ck_assert_ptr_null(grammar_complete(MODE_PRIV, "c", &rlen));
	ck_assert_ptr_null(grammar_complete(MODE_PRIV, "conf ", &rlen));
}
END_TEST

START_TEST(words_are_classified_by_shape)
{
	struct word w[8];
	int n = words_split("  ip 192.0.2.1 198.51.100.0/24 0/1 fe80::1 abc \"x y\"", w, 8);
	ck_assert_int_eq(n, 7);
	ck_assert_int_eq(w[0].shape, SHAPE_WORD);
	ck_assert_int_eq(w[0].col, 2);
	ck_assert_int_eq(w[1].shape, SHAPE_IPV4);
	ck_assert_int_eq(w[2].shape, SHAPE_IPV4PFX);
	ck_assert_int_eq(w[3].shape, SHAPE_IFID);
	ck_assert_int_eq(w[4].shape, SHAPE_IPV6);
	ck_assert_int_eq(w[5].shape, SHAPE_WORD);
	ck_assert_int_eq(w[6].shape, SHAPE_QUOTED);
	ck_assert_int_eq(w[6].len, 5);
}
END_TEST

START_TEST(session_retries_failed_line_in_parent_mode)
{
	struct session *s = memsession_new();
	memsession_run(s, "configure terminal\nline vty 0 4");
	ck_assert_int_eq(s->mode, MODE_LINE);
	/* hostname is not a line command: IOS runs it in global config */
	const char *out = memsession_run(s, "hostname edge");
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(s->mode, MODE_CONFIG);
	/* an error in a sub-mode is reported once, the mode stays */
	memsession_run(s, "line con 0");
	out = memsession_run(s, "bogus-command");
	ck_assert_ptr_nonnull(strstr(out, "% Invalid input detected at '^' marker."));
	ck_assert_int_eq(s->mode, MODE_LINE);
	memsession_run(s, "no hostname\nend");
	ck_assert_int_eq(s->mode, MODE_PRIV);
	memsession_free(s);
}
END_TEST

START_TEST(session_caret_is_shifted_by_the_prompt)
{
	struct session *s = memsession_new();
	const char *out = memsession_run(s, "show versiox");
	/* prompt "Router#" is 7 wide, the x is at column 11 of the line */
	ck_assert_str_eq(out, "                  ^\n% Invalid input detected at '^' marker.\n\n");
	out = memsession_run(s, "c");
	ck_assert_str_eq(out, "% Ambiguous command:  \"c\"\n");
	memsession_free(s);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("grammar");
	TCase *tc = tcase_create("driver");
	tcase_add_test(tc, abbreviations_resolve_to_full_keywords);
	tcase_add_test(tc, ambiguous_prefix_is_reported_with_its_end);
	tcase_add_test(tc, caret_goes_under_first_unmatched_character);
	tcase_add_test(tc, incomplete_and_empty);
	tcase_add_test(tc, number_ranges_are_checked);
	tcase_add_test(tc, line_takes_the_rest_verbatim);
	tcase_add_test(tc, quoted_word_is_one_value);
	tcase_add_test(tc, do_runs_exec_commands_in_config);
	tcase_add_test(tc, help_lists_next_words_with_texts);
	tcase_add_test(tc, tab_completes_unique_prefix_only);
	tcase_add_test(tc, words_are_classified_by_shape);
	tcase_add_test(tc, session_retries_failed_line_in_parent_mode);
	tcase_add_test(tc, session_caret_is_shifted_by_the_prompt);
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
