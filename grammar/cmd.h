/* What a parsed command line hands to its handler.
 *
 * Grammar actions only choose the handler (C(h_name)); the driver records every
 * word the parser accepted, in order, as an argument: keywords by their full
 * name, values by their text and number.  Handlers read arguments with the
 * helpers below and never see the parser. */
#ifndef IKESH_GRAMMAR_CMD_H
#define IKESH_GRAMMAR_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "grammar/modes.h"
#include "lib/buf.h"

enum arg_kind {
	ARG_KEYWORD,
	ARG_NUMBER,
	ARG_WORD,
	ARG_LINE,
	ARG_IPV4,
	ARG_IPV4PFX,
	ARG_IPV6,
	ARG_IPV6PFX,
	ARG_IFID,
};

struct cmdarg {
	enum arg_kind kind;
	const char *name; /* keyword, or the value's name (WORD, <1-65535>, A.B.C.D) */
	char *text;       /* as typed; for keywords the full keyword */
	long num;
	int col;          /* column in the line */
};

#define CMD_MAXARGS 64

struct cmdctx;
typedef int (*cmd_handler)(struct cmdctx *);

struct cmd {
	cmd_handler handler;
	int nargs;
	struct cmdarg args[CMD_MAXARGS];
};

/* Execution context of one command. */
struct cmdctx {
	struct cmd *cmd;
	enum cli_mode mode;           /* mode the command runs in */
	void **objs;                  /* per-mode objects of the session (objs[MODE_x]) */
	struct buf *out;              /* normal output */
	struct buf *err;              /* "% ..." messages, one per line */
	/* Set by a handler to change mode; next_obj becomes objs[next_mode]. */
	bool change_mode;
	enum cli_mode next_mode;
	void *next_obj;
	/* Where the line came from: a config file name and line number, or NULL. */
	const char *src_file;
	int src_line;
	bool loading;                 /* applying a config file, not typed */
	void *session;                /* the CLI session (opaque to modules) */
};

void cmd_clear(struct cmd *c);

bool cmd_negated(const struct cmdctx *c);  /* starts with "no" */
bool cmd_defaulted(const struct cmdctx *c); /* starts with "default" */
/* Index of keyword kw among the arguments at or after index from, or -1. */
int cmd_find_from(const struct cmdctx *c, const char *kw, int from);
int cmd_find(const struct cmdctx *c, const char *kw);
bool cmd_has(const struct cmdctx *c, const char *kw);
/* The argument just after keyword kw, or NULL. */
const struct cmdarg *cmd_after(const struct cmdctx *c, const char *kw);
const char *cmd_text_after(const struct cmdctx *c, const char *kw);
long cmd_num_after(const struct cmdctx *c, const char *kw, long dflt);
const struct cmdarg *cmd_arg(const struct cmdctx *c, int i);
/* First argument of the given kind at or after from, or NULL. */
const struct cmdarg *cmd_first_kind(const struct cmdctx *c, enum arg_kind k, int from);
/* The line's words joined back (keywords in full), starting at index from. */
void cmd_join(const struct cmdctx *c, int from, struct buf *b);

void cmd_err(struct cmdctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmd_out(struct cmdctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmd_enter(struct cmdctx *c, enum cli_mode m, void *obj);

#endif
