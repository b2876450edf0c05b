/* Applying a configuration file line by line, as IOS does for startup-config:
 * a bad line is reported with its number and the rest is still applied. */
#include "cli/config_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config_registry.h"
#include "cli/session.h"
#include "grammar/grammar.h"

static void loader_write(struct session *s, const char *d, size_t n) { (void)s; (void)d; (void)n; }
static void loader_prompt(struct session *s) { (void)s; }
static const struct session_ops loader_ops = { loader_write, loader_prompt, NULL, NULL };

static void report_line(struct buf *report, const char *path, int lineno, const char *msg)
{
	buf_printf(report, "%s:%d: %s\n", path, lineno, msg);
}

/* Multi-line messages from handlers: each line gets the FILE:LINE prefix. */
static void report_lines(struct buf *report, const char *path, int lineno, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		if (len)
			buf_printf(report, "%s:%d: %.*s\n", path, lineno, (int)len, text);
		text += len + (nl ? 1 : 0);
	}
}

static int apply_line(struct session *s, const char *path, int lineno, const char *line,
		      struct buf *report)
{
	struct cmd cmd;
	enum cli_mode m;
	const char *p = line + strspn(line, " \t");
	if (*p == 0 || *p == '!')
		return 0;
	struct parse_result r = session_parse(s, line, &cmd, &m);
	switch (r.status) {
	case PARSE_OK:
		break;
	case PARSE_EMPTY:
		return 0;
	case PARSE_INVALID:
		report_line(report, path, lineno, "% Invalid input detected at '^' marker.");
		buf_printf(report, "  %s\n  %*s^\n", line, r.col, "");
		return -1;
	case PARSE_INCOMPLETE:
		buf_printf(report, "%s:%d: %% Incomplete command: \"%s\"\n", path, lineno, p);
		return -1;
	case PARSE_AMBIGUOUS:
		buf_printf(report, "%s:%d: %% Ambiguous command:  \"%.*s\"\n", path, lineno, r.col, line);
		return -1;
	case PARSE_TOO_LONG:
		report_line(report, path, lineno, "% Too many words in the command.");
		return -1;
	}
	struct buf out, err;
	buf_init(&out);
	buf_init(&err);
	int rc = session_run_parsed(s, &cmd, m, &out, &err, path, lineno);
	if (err.len)
		report_lines(report, path, lineno, buf_cstr(&err));
	else if (rc != 0)
		report_line(report, path, lineno, "% Command failed.");
	/* "end" in a file returns to exec; keep applying in config mode. */
	if (s->mode < MODE_CONFIG)
		s->mode = MODE_CONFIG;
	buf_free(&out);
	buf_free(&err);
	cmd_clear(&cmd);
	return rc == 0 ? 0 : -1;
}

int config_apply_file(const char *path, struct buf *report, struct buf *rejected_lines)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		buf_printf(report, "%% Cannot open %s\n", path);
		return -1;
	}
	struct session s;
	memset(&s, 0, sizeof s);
	s.ops = &loader_ops;
	s.mode = MODE_CONFIG;
	buf_init(&s.pending);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, bad = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (apply_line(&s, path, lineno, line, report) != 0) {
			if (rejected_lines)
				buf_printf(rejected_lines, "%s%d", bad ? ", " : "", lineno);
			bad++;
		}
	}
	free(line);
	fclose(f);
	buf_free(&s.pending);
	return bad;
}

int config_check_references(const char *path, struct buf *report)
{
	struct problem_list p = { .file = path };
	buf_init(&p.text);
	for (const struct config_section *sec = config_sections_first(); sec; sec = sec->next)
		if (sec->check)
			sec->check(&p);
	buf_add(report, p.text.p, p.text.len);
	buf_free(&p.text);
	return p.count;
}
