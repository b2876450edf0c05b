#include "cli/session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pipe.h"
#include "cli/sysconf.h"
#include "grammar/grammar.h"

static struct session *sessions;

struct session *session_list(void) { return sessions; }

struct session *session_new(const char *kind, const struct session_ops *ops, void *io)
{
	struct session *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->ops = ops;
	s->io = io;
	s->mode = MODE_USER;
	s->term_width = 80;
	s->login_time = s->last_input = time(NULL);
	buf_init(&s->pending);
	if (strcmp(kind, "con") == 0) {
		s->line_no = 0;
		snprintf(s->name, sizeof s->name, "con 0");
	} else {
		/* vty lines are numbered from 2 after con 0 and aux 0, as on IOS */
		int n = 0;
		for (bool used = true; used; n++) {
			used = false;
			for (struct session *o = sessions; o; o = o->next)
				if (o->line_no == n + 2)
					used = true;
			if (!used)
				break;
		}
		s->line_no = n + 2;
		snprintf(s->name, sizeof s->name, "vty %d", n);
	}
	s->next = sessions;
	sessions = s;
	return s;
}

void session_free(struct session *s)
{
	for (struct session **pp = &sessions; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	for (int i = 0; i < s->history_len; i++)
		free(s->history[i]);
	buf_free(&s->pending);
	free(s);
}

void session_prompt_text(struct session *s, struct buf *out)
{
	buf_adds(out, sysconf_hostname());
	buf_adds(out, mode_prompt_suffix(s->mode));
}

void session_history_add(struct session *s, const char *line)
{
	if (!line[strspn(line, " \t")])
		return;
	if (s->history_len == HISTORY_SIZE) {
		free(s->history[0]);
		memmove(s->history, s->history + 1, (HISTORY_SIZE - 1) * sizeof s->history[0]);
		s->history_len--;
	}
	s->history[s->history_len++] = strdup(line);
}

/* ---- output and paging ---- */

static void write_raw(struct session *s, const char *text, size_t len)
{
	if (len)
		s->ops->write(s, text, len);
}

/* Show up to one page (or one line) of pending output; returns true while
 * more remains (and --More-- is shown). */
static bool pager_show(struct session *s, int lines)
{
	const char *p = (const char *)s->pending.p + s->pending_off;
	const char *end = (const char *)s->pending.p + s->pending.len;
	const char *q = p;
	for (int i = 0; i < lines && q < end; i++) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		q = nl ? nl + 1 : end;
	}
	write_raw(s, p, (size_t)(q - p));
	s->pending_off = (size_t)(q - (const char *)s->pending.p);
	if (q < end) {
		write_raw(s, " --More-- ", 10);
		s->paging = true;
		return true;
	}
	buf_reset(&s->pending);
	s->pending_off = 0;
	s->paging = false;
	return false;
}

void session_output(struct session *s, const char *text, size_t len)
{
	if (s->term_length <= 0 || s->paging) {
		if (s->paging)
			buf_add(&s->pending, text, len);
		else
			write_raw(s, text, len);
		return;
	}
	buf_add(&s->pending, text, len);
	pager_show(s, s->term_length - 1);
}

void session_printf(struct session *s, const char *fmt, ...)
{
	struct buf b;
	buf_init(&b);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	session_output(s, (const char *)b.p, b.len);
	buf_free(&b);
}

void session_pager_key(struct session *s, int c)
{
	/* Erase " --More-- " the way IOS does on a terminal. */
	if (s->tty)
		write_raw(s, "\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b", 30);
	else
		write_raw(s, "\n", 1);
	bool more;
	if (c == ' ')
		more = pager_show(s, s->term_length - 1);
	else if (c == '\r' || c == '\n')
		more = pager_show(s, 1);
	else { /* any other key ends the listing */
		buf_reset(&s->pending);
		s->pending_off = 0;
		s->paging = false;
		more = false;
	}
	if (!more)
		s->ops->prompt(s);
}

/* ---- confirm questions ---- */

void session_ask(struct session *s, const char *question, confirm_fn fn, void *arg)
{
	session_printf(s, "%s", question);
	s->confirm = fn;
	s->confirm_arg = arg;
}

bool session_answer(struct session *s, const char *line)
{
	if (!s->confirm)
		return false;
	confirm_fn fn = s->confirm;
	s->confirm = NULL;
	while (*line == ' ')
		line++;
	bool yes = *line == 0 || *line == 'y' || *line == 'Y';
	fn(s, yes, s->confirm_arg);
	return true;
}

/* ---- execution ---- */

void session_end_config(struct session *s)
{
	if (s->mode >= MODE_CONFIG) {
		s->mode = MODE_PRIV;
		memset(s->objs, 0, sizeof s->objs);
	}
}

static bool is_config_mode(enum cli_mode m) { return m >= MODE_CONFIG; }

/* The parse error as IOS shows it: the caret sits under the typed line, so it
 * is shifted by the prompt's width. */
static void report_parse_error(struct session *s, const char *line, struct parse_result r)
{
	struct buf prompt;
	buf_init(&prompt);
	session_prompt_text(s, &prompt);
	switch (r.status) {
	case PARSE_INVALID:
		session_printf(s, "%*s^\n%% Invalid input detected at '^' marker.\n\n",
			       (int)prompt.len + r.col, "");
		break;
	case PARSE_INCOMPLETE:
		session_printf(s, "%% Incomplete command.\n\n");
		break;
	case PARSE_AMBIGUOUS:
		session_printf(s, "%% Ambiguous command:  \"%.*s\"\n", r.col, line);
		break;
	case PARSE_TOO_LONG:
		session_printf(s, "%% Too many words in the command.\n\n");
		break;
	default:
		break;
	}
	buf_free(&prompt);
}

/* Parse in the session's mode; a line that fails in a configuration sub-mode
 * is retried in the parent modes, as IOS does.  *ran_mode gets the mode that
 * accepted it. */
struct parse_result session_parse(struct session *s, const char *line, struct cmd *cmd,
				  enum cli_mode *ran_mode)
{
	struct parse_result first = grammar_parse(s->mode, line, cmd);
	*ran_mode = s->mode;
	if (first.status == PARSE_OK || first.status == PARSE_EMPTY || !is_config_mode(s->mode))
		return first;
	struct parse_result best = first;
	for (enum cli_mode m = s->mode; m != MODE_CONFIG;) {
		m = mode_parent(m);
		struct parse_result r = grammar_parse(m, line, cmd);
		if (r.status == PARSE_OK) {
			*ran_mode = m;
			return r;
		}
		if (r.words_ok > best.words_ok)
			best = r;
	}
	return best;
}

int session_run_parsed(struct session *s, struct cmd *cmd, enum cli_mode m, struct buf *out,
		       struct buf *err, const char *src_file, int src_line)
{
	struct cmdctx c = {
		.cmd = cmd,
		.mode = m,
		.objs = s->objs,
		.out = out,
		.err = err,
		.src_file = src_file,
		.src_line = src_line,
		.loading = src_file != NULL,
		.session = s,
	};
	enum cli_mode was = s->mode;
	void *saved[MODE_COUNT];
	memcpy(saved, s->objs, sizeof saved);
	if (m != s->mode) {
		/* Leaving sub-modes: forget their objects. */
		for (enum cli_mode x = s->mode; x != m && x != MODE_CONFIG; x = mode_parent(x))
			s->objs[x] = NULL;
		s->mode = m;
	}
	int rc = cmd->handler(&c);
	if (rc != 0 && m != was && !c.change_mode) {
		/* A line retried in a parent mode that failed there leaves the user
		 * where they were. */
		s->mode = was;
		memcpy(s->objs, saved, sizeof saved);
		return rc;
	}
	if (c.change_mode) {
		s->mode = c.next_mode;
		s->objs[c.next_mode] = c.next_obj;
	}
	return rc;
}

/* The output filter of a "| ..." tail, if the command has one. */
static const char *pipe_kind(struct cmd *cmd, const char **regex)
{
	for (int i = 0; i + 1 < cmd->nargs; i++)
		if (cmd->args[i].kind == ARG_KEYWORD && strcmp(cmd->args[i].name, "|") == 0) {
			*regex = i + 2 < cmd->nargs ? cmd->args[i + 2].text : "";
			return cmd->args[i + 1].name;
		}
	return NULL;
}

int session_exec(struct session *s, const char *line)
{
	struct cmd cmd;
	enum cli_mode m;
	const char *p = line + strspn(line, " \t");

	s->last_input = time(NULL);
	if (*p == '!' || *p == 0) /* comment or empty */
		return 0;
	struct parse_result r = session_parse(s, line, &cmd, &m);
	if (r.status == PARSE_EMPTY)
		return 0;
	if (r.status != PARSE_OK) {
		report_parse_error(s, line, r);
		return -1;
	}
	struct buf out, err;
	buf_init(&out);
	buf_init(&err);
	int rc = session_run_parsed(s, &cmd, m, &out, &err, NULL, 0);
	if (err.len)
		session_output(s, (const char *)err.p, err.len);
	const char *regex = NULL;
	const char *kind = pipe_kind(&cmd, &regex);
	if (kind && out.len) {
		struct buf filtered;
		buf_init(&filtered);
		if (pipe_filter(kind, regex, buf_cstr(&out), &filtered) != 0)
			rc = -1;
		session_output(s, (const char *)filtered.p, filtered.len);
		buf_free(&filtered);
	} else if (out.len) {
		session_output(s, (const char *)out.p, out.len);
	}
	buf_free(&out);
	buf_free(&err);
	cmd_clear(&cmd);
	return rc;
}

void session_submit(struct session *s, const char *line)
{
	if (session_answer(s, line)) {
		if (!s->paging && !s->confirm && !s->closing)
			s->ops->prompt(s);
		return;
	}
	session_history_add(s, line);
	s->last_status = session_exec(s, line);
	if (s->closing) {
		s->ops->close(s);
		return;
	}
	if (!s->paging && !s->confirm)
		s->ops->prompt(s);
}

void session_broadcast_log(const char *line, bool is_debug)
{
	(void)is_debug;
	for (struct session *s = sessions; s; s = s->next)
		if ((s->line_no == 0 || s->monitor) && s->ops->async)
			s->ops->async(s, line);
}
