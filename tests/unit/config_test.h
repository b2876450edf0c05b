/* Shared by the configuration unit tests: a privileged memory session, lines
 * typed in configuration mode, and assertions on the running-config. */
#ifndef IKESH_TESTS_CONFIG_TEST_H
#define IKESH_TESTS_CONFIG_TEST_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/memsession.h"
#include "cli/running_config.h"

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

/* Lines typed in configuration mode; returns their output (valid until the
 * next call). */
static inline const char *cfg(const char *lines)
{
	char *all;
	if (asprintf(&all, "configure terminal\n%s\nend\n", lines) < 0)
		abort();
	static char *last;
	free(last);
	last = strdup(memsession_run(S, all));
	free(all);
	return last;
}

/* The running-config text; the caller frees. */
static inline char *runcfg(void)
{
	struct buf b;
	buf_init(&b);
	running_config_build(&b);
	char *s = strdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* The running-config contains (or lacks) text exactly, e.g. a whole block. */
#define ck_run_has(text)                                                                         \
	do {                                                                                     \
		char *rc_ = runcfg();                                                            \
		ck_assert_msg(strstr(rc_, text) != NULL, "running-config lacks:\n%s\n--- got:\n%s", \
			      text, rc_);                                                        \
		free(rc_);                                                                       \
	} while (0)
#define ck_run_lacks(text)                                                                       \
	do {                                                                                     \
		char *rc_ = runcfg();                                                            \
		ck_assert_msg(strstr(rc_, text) == NULL, "running-config has:\n%s\n--- got:\n%s", \
			      text, rc_);                                                        \
		free(rc_);                                                                       \
	} while (0)

#endif
