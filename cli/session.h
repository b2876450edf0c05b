/* A CLI session: the console, a vty on the UNIX socket, a batch client, or a
 * config file being applied.  Each has its own mode and output path. */
#ifndef IKESH_CLI_SESSION_H
#define IKESH_CLI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "grammar/modes.h"
#include "lib/buf.h"

struct session;

struct session_ops {
	void (*write)(struct session *s, const char *data, size_t len);
	/* Show the prompt and take input again (after a command or paging). */
	void (*prompt)(struct session *s);
	/* Async message (log/debug) arrives while the user may be typing. */
	void (*async)(struct session *s, const char *line);
	void (*close)(struct session *s);
};

enum { HISTORY_SIZE = 20, LINE_MAX_LEN = 1024 };

typedef void (*confirm_fn)(struct session *s, bool yes, void *arg);

struct session {
	int line_no;            /* 0 = console, 2.. = vty (IOS numbering) */
	char name[16];          /* "con 0", "vty 0" */
	const struct session_ops *ops;
	void *io;               /* owned by the front end */
	enum cli_mode mode;
	void *objs[MODE_COUNT];
	int term_length;        /* 0: no paging */
	int term_width;
	bool monitor;           /* terminal monitor: receives logs/debugs */
	bool tty;               /* a real terminal: erase sequences for --More-- */
	bool echo;              /* echo typed characters (keystroke front ends) */
	time_t login_time;
	time_t last_input;
	int last_status;        /* 0 if the last command succeeded */
	/* history (show history, up/down keys) */
	char *history[HISTORY_SIZE];
	int history_len;
	/* keystroke line editor state (cli/keys.c) */
	char edit[LINE_MAX_LEN];
	int edit_len;
	int hist_pos;
	int esc_state;
	bool last_cr;
	/* pager state: output not yet shown */
	struct buf pending;
	size_t pending_off;
	bool paging;
	/* a [confirm] question waiting for the next line */
	confirm_fn confirm;
	void *confirm_arg;
	bool closing;
	struct session *next;
};

struct session *session_new(const char *kind, const struct session_ops *ops, void *io);
void session_free(struct session *s);
struct session *session_list(void);

/* The prompt for the session's current mode. */
void session_prompt_text(struct session *s, struct buf *out);

struct cmd;
struct parse_result;
/* Parse line in the session's mode, retrying in parent configuration modes
 * as IOS does; *mode gets the mode that accepted it. */
struct parse_result session_parse(struct session *s, const char *line, struct cmd *cmd,
				  enum cli_mode *mode);
/* Run a parsed command in mode m; output and "% ..." messages into out/err. */
int session_run_parsed(struct session *s, struct cmd *cmd, enum cli_mode m, struct buf *out,
		       struct buf *err, const char *src_file, int src_line);

/* Run one typed line: parse, retry in parent modes, execute, filter, page.
 * Returns 0 on success. Output goes through s->ops->write. */
int session_exec(struct session *s, const char *line);
/* Execute then show the prompt (or start paging). */
void session_submit(struct session *s, const char *line);

/* Write output; pages it when the session has a terminal length. */
void session_output(struct session *s, const char *text, size_t len);
void session_printf(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A key pressed while --More-- is shown. */
void session_pager_key(struct session *s, int c);

/* Ask "[confirm]"; fn gets the answer from the next line typed. */
void session_ask(struct session *s, const char *question, confirm_fn fn, void *arg);
/* Feed a whole typed line as the answer; returns true if a question was open. */
bool session_answer(struct session *s, const char *line);

void session_history_add(struct session *s, const char *line);

/* Deliver a log or debug line to the console and monitoring sessions. */
void session_broadcast_log(const char *line, bool is_debug);

/* Leave config mode towards privileged exec (end / Ctrl-Z). */
void session_end_config(struct session *s);

#endif
