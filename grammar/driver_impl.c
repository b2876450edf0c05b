/* The grammar driver: turns typed words into tokens using what the push parser
 * can accept next (LAC), which gives IOS abbreviations, '?', TAB and the '^'
 * marker from the one grammar.  Included from the bison epilogue (tail.y)
 * because yypstate_expected_tokens is static there. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <strings.h>

#include "grammar/grammar.h"
#include "grammar/help.h"
#include "grammar/words.h"

enum symkind {
	SK_OTHER,
	SK_EOF,
	SK_KEYWORD,
	SK_RANGE,
	SK_WORD,
	SK_LINE,
	SK_IPV4,
	SK_IPV4PFX,
	SK_IPV6,
	SK_IPV6PFX,
	SK_IFID,
};

struct syminfo {
	enum symkind kind;
	char name[48];
	long lo, hi;
	int tok; /* token kind to push */
};

static struct syminfo syms[YYNTOKENS];
static int mode_marker[MODE_COUNT];
static int grammar_ready;

void grammar_init(void)
{
	if (grammar_ready)
		return;
	for (int t = 0; t <= YYMAXUTOK; t++)
		if (YYTRANSLATE(t) != YYSYMBOL_YYUNDEF)
			syms[YYTRANSLATE(t)].tok = t;
	for (int s = 0; s < YYNTOKENS; s++) {
		struct syminfo *si = &syms[s];
		const char *n = yysymbol_name((yysymbol_kind_t)s);
		size_t len = strlen(n);
		if (len >= 2 && n[0] == '"' && n[len - 1] == '"') {
			n++;
			len -= 2;
		}
		if (len >= sizeof si->name)
			len = sizeof si->name - 1;
		memcpy(si->name, n, len);
		si->name[len] = 0;
		if (s == YYSYMBOL_YYEOF)
			si->kind = SK_EOF;
		else if (s > YYSYMBOL_KW_FIRST_ && s < YYSYMBOL_KW_LAST_)
			si->kind = SK_KEYWORD;
		else if (si->name[0] == '<' && s != YYSYMBOL_IFID &&
			 sscanf(si->name, "<%ld-%ld>", &si->lo, &si->hi) == 2)
			si->kind = SK_RANGE;
		else if (s == YYSYMBOL_WORD)
			si->kind = SK_WORD;
		else if (s == YYSYMBOL_LINE)
			si->kind = SK_LINE;
		else if (s == YYSYMBOL_IPV4)
			si->kind = SK_IPV4;
		else if (s == YYSYMBOL_IPV4PFX)
			si->kind = SK_IPV4PFX;
		else if (s == YYSYMBOL_IPV6)
			si->kind = SK_IPV6;
		else if (s == YYSYMBOL_IPV6PFX)
			si->kind = SK_IPV6PFX;
		else if (s == YYSYMBOL_IFID)
			si->kind = SK_IFID;
	}
	int m = 0;
#define MODE(id, prompt, parent) mode_marker[m++] = T_M_##id;
#include "grammar/modes.def"
#undef MODE
	grammar_ready = 1;
}

/* One input word as the driver sees it (after interface-name splitting). */
struct iword {
	const char *s;
	int len;
	int col;
	int shape;
};

enum { MAXWORDS = CMD_MAXARGS };

static int split_line(const char *line, struct iword *w)
{
	struct word raw[MAXWORDS];
	int n = words_split(line, raw, MAXWORDS);
	for (int i = 0; i < n; i++) {
		w[i].s = line + raw[i].col;
		w[i].len = raw[i].len;
		w[i].col = raw[i].col;
		w[i].shape = raw[i].shape;
		if (w[i].shape == SHAPE_QUOTED) { /* the text between the quotes */
			w[i].s++;
			w[i].len -= 2;
		}
	}
	return n;
}

static int expected(yypstate *ps, yysymbol_kind_t *exp)
{
	int n = yypstate_expected_tokens(ps, exp, YYNTOKENS);
	return n < 0 ? 0 : n;
}

static int prefix_of(const char *kw, const struct iword *w)
{
	return (int)strlen(kw) >= w->len && strncasecmp(kw, w->s, (size_t)w->len) == 0;
}

static int valid_addr(const struct iword *w, int family, int with_prefix)
{
	char tmp[64], *slash;
	unsigned char a[16];
	if (w->len >= (int)sizeof tmp)
		return 0;
	memcpy(tmp, w->s, (size_t)w->len);
	tmp[w->len] = 0;
	slash = strchr(tmp, '/');
	if (with_prefix) {
		if (!slash)
			return 0;
		*slash = 0;
		long plen = strtol(slash + 1, NULL, 10);
		if (plen < 0 || plen > (family == AF_INET ? 32 : 128))
			return 0;
	} else if (slash) {
		return 0;
	}
	return inet_pton(family, tmp, a) == 1;
}

/* Would a value token of kind si accept word w? */
static int value_accepts(const struct syminfo *si, const struct iword *w)
{
	switch (si->kind) {
	case SK_RANGE: {
		if (w->shape != SHAPE_NUMBER || w->len > 18)
			return 0;
		long v = strtol(w->s, NULL, 10);
		return v >= si->lo && v <= si->hi;
	}
	case SK_WORD:
	case SK_LINE:
		return 1;
	case SK_IPV4:
		return w->shape == SHAPE_IPV4 && valid_addr(w, AF_INET, 0);
	case SK_IPV4PFX:
		return w->shape == SHAPE_IPV4PFX && valid_addr(w, AF_INET, 1);
	case SK_IPV6:
		return w->shape == SHAPE_IPV6 && valid_addr(w, AF_INET6, 0);
	case SK_IPV6PFX:
		return w->shape == SHAPE_IPV6PFX && valid_addr(w, AF_INET6, 1);
	case SK_IFID:
		return w->shape == SHAPE_IFID || w->shape == SHAPE_NUMBER;
	default:
		return 0;
	}
}

/* Value kinds in the order a word is tried against them: the most specific
 * first, so that "1.2.3.4" is an address before it is a WORD. */
static const enum symkind value_order[] = {
	SK_RANGE, SK_IPV4, SK_IPV4PFX, SK_IPV6, SK_IPV6PFX, SK_IFID, SK_WORD, SK_LINE,
};

#define CLASS_INVALID (-1)
#define CLASS_AMBIGUOUS (-2)

/* Which expected symbol is word w?  Keywords first (exact, then unique
 * prefix), then values. Returns the symbol kind or CLASS_*. */
static int classify(yysymbol_kind_t *exp, int n, const struct iword *w)
{
	int hits = 0, hit = -1;
	for (int i = 0; i < n; i++) {
		const struct syminfo *si = &syms[exp[i]];
		if (si->kind != SK_KEYWORD || !prefix_of(si->name, w))
			continue;
		if ((int)strlen(si->name) == w->len)
			return exp[i];
		hits++;
		hit = exp[i];
	}
	if (hits == 1 && w->shape != SHAPE_QUOTED)
		return hit;
	/* A value can still claim a word that abbreviates several keywords. */
	for (size_t o = 0; o < sizeof value_order / sizeof value_order[0]; o++)
		for (int i = 0; i < n; i++) {
			const struct syminfo *si = &syms[exp[i]];
			if (si->kind == value_order[o] && value_accepts(si, w))
				return exp[i];
		}
	return hits > 1 ? CLASS_AMBIGUOUS : CLASS_INVALID;
}

/* IOS puts '^' under the first character that no expected keyword accepts. */
static int fail_offset(yysymbol_kind_t *exp, int n, const struct iword *w)
{
	int best = 0;
	for (int i = 0; i < n; i++) {
		const struct syminfo *si = &syms[exp[i]];
		if (si->kind != SK_KEYWORD)
			continue;
		int l = 0;
		while (l < w->len && si->name[l] &&
		       tolower((unsigned char)si->name[l]) == tolower((unsigned char)w->s[l]))
			l++;
		if (l > best)
			best = l;
	}
	if (best >= w->len)
		best = 0;
	return best;
}

/* "Tunnel0" / "tu0" / "Gi0/1": a type keyword glued to its number.  Split a
 * word that matches nothing into its letters and its number. */
static int split_glued(const struct iword *w, struct iword *a, struct iword *b)
{
	int i = 0;
	while (i < w->len && (isalpha((unsigned char)w->s[i]) || w->s[i] == '-'))
		i++;
	if (i == 0 || i == w->len || !isdigit((unsigned char)w->s[i]))
		return 0;
	for (int j = i; j < w->len; j++)
		if (!isdigit((unsigned char)w->s[j]) && w->s[j] != '/' && w->s[j] != '.')
			return 0;
	*a = (struct iword){ w->s, i, w->col, SHAPE_WORD };
	*b = (struct iword){ w->s + i, w->len - i, w->col + i, SHAPE_NUMBER };
	for (int j = 0; j < b->len; j++)
		if (b->s[j] == '/' || b->s[j] == '.')
			b->shape = SHAPE_IFID;
	return 1;
}

struct feedstate {
	yypstate *ps;
	struct parsectx pc;
	struct cmd *cmd;
	const char *line;
	int status;     /* YYPUSH_MORE while the parser wants more */
	int err;        /* 0, CLASS_INVALID or CLASS_AMBIGUOUS */
	int errcol;
	int words_ok;
	int line_taken; /* a LINE token consumed the rest of the input */
	char prev[48];  /* name of the last accepted symbol, for help context */
	char prev2[48]; /* and the one before */
	char mode[48];  /* "@<mode>" */
};

static void record(struct feedstate *f, int sym, const struct iword *w, const char *text_override)
{
	struct cmd *c = f->cmd;
	const struct syminfo *si = &syms[sym];
	if (c->nargs >= CMD_MAXARGS)
		return;
	struct cmdarg *a = &c->args[c->nargs++];
	a->name = si->name;
	a->col = w->col;
	a->num = 0;
	if (si->kind == SK_KEYWORD)
		a->text = strdup(si->name);
	else if (text_override)
		a->text = strdup(text_override);
	else
		a->text = strndup(w->s, (size_t)w->len);
	switch (si->kind) {
	case SK_KEYWORD: a->kind = ARG_KEYWORD; break;
	case SK_RANGE: a->kind = ARG_NUMBER; a->num = strtol(a->text, NULL, 10); break;
	case SK_LINE: a->kind = ARG_LINE; break;
	case SK_IPV4: a->kind = ARG_IPV4; break;
	case SK_IPV4PFX: a->kind = ARG_IPV4PFX; break;
	case SK_IPV6: a->kind = ARG_IPV6; break;
	case SK_IPV6PFX: a->kind = ARG_IPV6PFX; break;
	case SK_IFID: a->kind = ARG_IFID; break;
	default: a->kind = ARG_WORD; break;
	}
}

static int push_sym(struct feedstate *f, int sym)
{
	YYSTYPE lv = 0;
	f->status = yypush_parse(f->ps, syms[sym].tok, &lv, &f->pc);
	memcpy(f->prev2, f->prev, sizeof f->prev2);
	snprintf(f->prev, sizeof f->prev, "%s", syms[sym].name);
	return f->status;
}

/* Feed one word; returns 0 when accepted. */
static int feed_word(struct feedstate *f, const struct iword *w, int depth)
{
	yysymbol_kind_t exp[YYNTOKENS];
	int n = expected(f->ps, exp);
	int sym = classify(exp, n, w);
	if (sym >= 0 && syms[sym].kind == SK_LINE) {
		/* The rest of the line, as typed, trailing blanks dropped. */
		const char *s = f->line + w->col;
		size_t len = strlen(s);
		while (len && isspace((unsigned char)s[len - 1]))
			len--;
		char *rest = strndup(s, len);
		record(f, sym, w, rest);
		free(rest);
		f->line_taken = 1;
		push_sym(f, sym);
		return f->status == YYPUSH_MORE ? 0 : -1;
	}
	if (sym == CLASS_INVALID && depth == 0) {
		struct iword a, b;
		if (split_glued(w, &a, &b)) {
			/* Only split when the letters are a keyword here. */
			int s2 = classify(exp, n, &a);
			if (s2 >= 0 && syms[s2].kind == SK_KEYWORD)
				return feed_word(f, &a, 1) == 0 ? feed_word(f, &b, 1) : -1;
		}
	}
	if (sym < 0) {
		f->err = sym;
		f->errcol = sym == CLASS_AMBIGUOUS ? w->col + w->len : w->col + fail_offset(exp, n, w);
		return -1;
	}
	record(f, sym, w, NULL);
	push_sym(f, sym);
	if (f->status != YYPUSH_MORE) { /* cannot happen with LAC, but be safe */
		f->err = CLASS_INVALID;
		f->errcol = w->col;
		return -1;
	}
	return 0;
}

static void feed_begin(struct feedstate *f, enum cli_mode mode, const char *line, struct cmd *cmd)
{
	grammar_init();
	memset(f, 0, sizeof *f);
	f->ps = yypstate_new();
	f->cmd = cmd;
	f->pc.cmd = cmd;
	f->line = line;
	YYSTYPE lv = 0;
	f->status = yypush_parse(f->ps, mode_marker[mode], &lv, &f->pc);
	snprintf(f->mode, sizeof f->mode, "@%s", mode_name(mode));
	for (char *p = f->mode; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	memcpy(f->prev, f->mode, sizeof f->prev);
}

/* Feed words [0, upto); stops at the first failure. */
static int feed_words(struct feedstate *f, struct iword *w, int upto)
{
	for (int i = 0; i < upto && !f->line_taken; i++) {
		if (feed_word(f, &w[i], 0) != 0)
			return -1;
		f->words_ok = i + 1;
	}
	return 0;
}

static int eof_expected(struct feedstate *f)
{
	yysymbol_kind_t exp[YYNTOKENS];
	int n = expected(f->ps, exp);
	for (int i = 0; i < n; i++)
		if (exp[i] == YYSYMBOL_YYEOF)
			return 1;
	return 0;
}

struct parse_result grammar_parse(enum cli_mode mode, const char *line, struct cmd *cmd)
{
	struct parse_result r = { PARSE_OK, 0, 0 };
	struct iword w[MAXWORDS];
	struct feedstate f;
	int n = split_line(line, w);

	cmd->handler = NULL;
	cmd->nargs = 0;
	if (n < 0) {
		r.status = PARSE_TOO_LONG;
		return r;
	}
	if (n == 0) {
		r.status = PARSE_EMPTY;
		return r;
	}
	feed_begin(&f, mode, line, cmd);
	if (feed_words(&f, w, n) != 0) {
		r.status = f.err == CLASS_AMBIGUOUS ? PARSE_AMBIGUOUS : PARSE_INVALID;
		r.col = f.errcol;
	} else if (!eof_expected(&f)) {
		r.status = PARSE_INCOMPLETE;
	} else {
		YYSTYPE lv = 0;
		if (yypush_parse(f.ps, T_YYEOF, &lv, &f.pc) != 0 || !cmd->handler)
			r.status = PARSE_INCOMPLETE;
	}
	r.words_ok = f.words_ok;
	yypstate_delete(f.ps);
	if (r.status != PARSE_OK)
		cmd_clear(cmd);
	return r;
}

/* ---- '?' help ---- */

struct helpitem {
	const char *name;
	const char *text;
	int order; /* values first, keywords after, <cr> last */
};

static int helpitem_cmp(const void *a, const void *b)
{
	const struct helpitem *x = a, *y = b;
	if (x->order != y->order)
		return x->order - y->order;
	return strcasecmp(x->name, y->name);
}

static int line_is_partial(const char *line)
{
	size_t len = strlen(line);
	return len > 0 && !isspace((unsigned char)line[len - 1]);
}

/* Feed the complete words before the one being typed.  On failure prints
 * the IOS error into out and returns -1. */
static int help_prepare(struct feedstate *f, enum cli_mode mode, const char *line,
			struct cmd *cmd, struct iword *w, int *nw, int *partial, struct buf *out)
{
	int n = split_line(line, w);
	if (n < 0) {
		buf_adds(out, "% Too many words.\n");
		return -1;
	}
	*partial = line_is_partial(line) && n > 0;
	*nw = n;
	cmd->nargs = 0;
	cmd->handler = NULL;
	feed_begin(f, mode, line, cmd);
	if (feed_words(f, w, n - *partial) != 0) {
		if (f->err == CLASS_AMBIGUOUS)
			buf_printf(out, "%% Ambiguous command:  \"%.*s\"\n", f->errcol, line);
		else if (f->words_ok == 0)
			buf_adds(out, "% Unrecognized command\n");
		else
			buf_printf(out, "%*s^\n%% Invalid input detected at '^' marker.\n\n", f->errcol, "");
		return -1;
	}
	return 0;
}

void grammar_help(enum cli_mode mode, const char *line, struct buf *out)
{
	struct iword w[MAXWORDS];
	struct feedstate f;
	struct cmd cmd;
	int n, partial;

	if (help_prepare(&f, mode, line, &cmd, w, &n, &partial, out) != 0) {
		yypstate_delete(f.ps);
		cmd_clear(&cmd);
		return;
	}
	yysymbol_kind_t exp[YYNTOKENS];
	int ne = f.line_taken ? 0 : expected(f.ps, exp);
	struct helpitem items[YYNTOKENS];
	int ni = 0, width = 0;
	for (int i = 0; i < ne; i++) {
		const struct syminfo *si = &syms[exp[i]];
		if (si->kind == SK_OTHER)
			continue;
		if (partial) {
			const struct iword *pw = &w[n - 1];
			if (si->kind == SK_EOF)
				continue;
			if (si->kind == SK_KEYWORD ? !prefix_of(si->name, pw) : !value_accepts(si, pw))
				continue;
		}
		struct helpitem *it = &items[ni++];
		if (si->kind == SK_EOF) {
			it->name = "<cr>";
			it->text = "";
			it->order = 3;
		} else {
			it->name = si->name;
			it->text = help_lookup(f.mode, f.prev2, f.prev, si->name);
			if (!it->text)
				it->text = "";
			it->order = si->kind == SK_KEYWORD ? 2 : 1;
		}
		if ((int)strlen(it->name) > width)
			width = (int)strlen(it->name);
	}
	qsort(items, (size_t)ni, sizeof items[0], helpitem_cmp);
	if (partial) {
		/* IOS lists the completions of a partial word on one wrapped line. */
		int col = 0;
		if (ni == 0)
			buf_adds(out, "% Unrecognized command\n");
		for (int i = 0; i < ni; i++) {
			int len = (int)strlen(items[i].name);
			if (col && col + len + 2 > 79) {
				buf_addc(out, '\n');
				col = 0;
			}
			buf_printf(out, "%s%s", col ? "  " : "", items[i].name);
			col += len + (col ? 2 : 0);
		}
		if (ni)
			buf_adds(out, "\n");
	} else if (f.line_taken) {
		buf_adds(out, "  <cr>\n");
	} else {
		/* At the start of a line IOS names the mode's command set first
		 * ("Exec commands:"); the help files give it as "@mode @header". */
		const char *header = n == 0 ? help_lookup(f.mode, "", f.prev, "@header") : NULL;
		if (header)
			buf_printf(out, "%s\n", header);
		for (int i = 0; i < ni; i++) {
			if (items[i].text[0])
				buf_printf(out, "  %-*s  %s\n", width, items[i].name, items[i].text);
			else
				buf_printf(out, "  %s\n", items[i].name);
		}
	}
	buf_adds(out, "\n");
	yypstate_delete(f.ps);
	cmd_clear(&cmd);
}

char *grammar_complete(enum cli_mode mode, const char *line, int *replace_len)
{
	struct iword w[MAXWORDS];
	struct feedstate f;
	struct cmd cmd;
	struct buf junk;
	int n, partial;
	char *res = NULL;

	buf_init(&junk);
	if (help_prepare(&f, mode, line, &cmd, w, &n, &partial, &junk) == 0 && partial &&
	    !f.line_taken) {
		yysymbol_kind_t exp[YYNTOKENS];
		int ne = expected(f.ps, exp), hits = 0;
		const char *hit = NULL;
		const struct iword *pw = &w[n - 1];
		for (int i = 0; i < ne; i++) {
			const struct syminfo *si = &syms[exp[i]];
			if (si->kind != SK_KEYWORD || !prefix_of(si->name, pw))
				continue;
			if ((int)strlen(si->name) == pw->len) { /* exact: done */
				hit = si->name;
				hits = 1;
				break;
			}
			hits++;
			hit = si->name;
		}
		if (hits == 1 && asprintf(&res, "%s ", hit) < 0)
			res = NULL;
		*replace_len = pw->len;
	}
	buf_free(&junk);
	yypstate_delete(f.ps);
	cmd_clear(&cmd);
	return res;
}

/* Parse errors are reported by the driver, not by bison. */
static int yyreport_syntax_error(const yypcontext_t *yyctx, struct parsectx *ctx)
{
	(void)yyctx;
	(void)ctx;
	return 0;
}
