#include "grammar/cmd.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cmd_clear(struct cmd *c)
{
	for (int i = 0; i < c->nargs; i++)
		free(c->args[i].text);
	c->nargs = 0;
	c->handler = NULL;
}

static bool first_is(const struct cmdctx *c, const char *kw)
{
	return c->cmd->nargs > 0 && c->cmd->args[0].kind == ARG_KEYWORD &&
	       strcmp(c->cmd->args[0].name, kw) == 0;
}

bool cmd_negated(const struct cmdctx *c) { return first_is(c, "no"); }
bool cmd_defaulted(const struct cmdctx *c) { return first_is(c, "default"); }

int cmd_find_from(const struct cmdctx *c, const char *kw, int from)
{
	for (int i = from < 0 ? 0 : from; i < c->cmd->nargs; i++)
		if (c->cmd->args[i].kind == ARG_KEYWORD && strcmp(c->cmd->args[i].name, kw) == 0)
			return i;
	return -1;
}

int cmd_find(const struct cmdctx *c, const char *kw) { return cmd_find_from(c, kw, 0); }
bool cmd_has(const struct cmdctx *c, const char *kw) { return cmd_find(c, kw) >= 0; }

const struct cmdarg *cmd_arg(const struct cmdctx *c, int i)
{
	return i >= 0 && i < c->cmd->nargs ? &c->cmd->args[i] : NULL;
}

const struct cmdarg *cmd_after(const struct cmdctx *c, const char *kw)
{
	int i = cmd_find(c, kw);
	return i < 0 ? NULL : cmd_arg(c, i + 1);
}

const char *cmd_text_after(const struct cmdctx *c, const char *kw)
{
	const struct cmdarg *a = cmd_after(c, kw);
	return a ? a->text : NULL;
}

long cmd_num_after(const struct cmdctx *c, const char *kw, long dflt)
{
	const struct cmdarg *a = cmd_after(c, kw);
	return a && a->kind == ARG_NUMBER ? a->num : dflt;
}

const struct cmdarg *cmd_first_kind(const struct cmdctx *c, enum arg_kind k, int from)
{
	for (int i = from < 0 ? 0 : from; i < c->cmd->nargs; i++)
		if (c->cmd->args[i].kind == k)
			return &c->cmd->args[i];
	return NULL;
}

void cmd_join(const struct cmdctx *c, int from, struct buf *b)
{
	for (int i = from; i < c->cmd->nargs; i++) {
		if (i > from)
			buf_addc(b, ' ');
		buf_adds(b, c->cmd->args[i].text);
	}
}

void cmd_err(struct cmdctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(c->err, fmt, ap);
	va_end(ap);
	buf_addc(c->err, '\n');
}

void cmd_out(struct cmdctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(c->out, fmt, ap);
	va_end(ap);
}

void cmd_enter(struct cmdctx *c, enum cli_mode m, void *obj)
{
	c->change_mode = true;
	c->next_mode = m;
	c->next_obj = obj;
}
