/* The keystroke line editor of vty sessions and of piped standard input:
 * characters are echoed as a terminal shows them, '?' lists help, TAB
 * completes, Enter runs the line, Ctrl-Z ends configuration. */
#include "cli/keys.h"

#include <stdlib.h>
#include <string.h>

#include "grammar/grammar.h"

static void out(struct session *s, const char *t, size_t n) { s->ops->write(s, t, n); }
static void outs(struct session *s, const char *t) { out(s, t, strlen(t)); }

void keys_show_prompt(struct session *s)
{
	struct buf b;
	buf_init(&b);
	session_prompt_text(s, &b);
	buf_add(&b, s->edit, (size_t)s->edit_len);
	out(s, (const char *)b.p, b.len);
	buf_free(&b);
}

static void insert(struct session *s, const char *t, size_t n)
{
	if ((size_t)s->edit_len + n >= sizeof s->edit)
		n = sizeof s->edit - 1 - (size_t)s->edit_len;
	memcpy(s->edit + s->edit_len, t, n);
	s->edit_len += (int)n;
	s->edit[s->edit_len] = 0;
	if (s->echo)
		out(s, t, n);
}

static void erase_chars(struct session *s, int n)
{
	for (int i = 0; i < n && s->edit_len > 0; i++) {
		s->edit_len--;
		if (s->echo)
			outs(s, "\b \b");
	}
	s->edit[s->edit_len] = 0;
}

static void help(struct session *s)
{
	struct buf b;
	buf_init(&b);
	if (s->echo)
		outs(s, "?");
	outs(s, "\n");
	grammar_help(s->mode, s->edit, &b);
	out(s, (const char *)b.p, b.len);
	buf_free(&b);
	keys_show_prompt(s);
}

static void complete(struct session *s)
{
	int rlen = 0;
	char *full = grammar_complete(s->mode, s->edit, &rlen);
	if (!full)
		return;
	/* Typed in the keyword's own case: only the rest needs to appear. */
	if (rlen <= s->edit_len && strncmp(s->edit + s->edit_len - rlen, full, (size_t)rlen) == 0) {
		insert(s, full + rlen, strlen(full + rlen));
	} else {
		erase_chars(s, rlen);
		insert(s, full, strlen(full));
	}
	free(full);
}

static void recall(struct session *s, int dir)
{
	int pos = s->hist_pos + dir;
	if (pos < 0 || pos > s->history_len)
		return;
	s->hist_pos = pos;
	erase_chars(s, s->edit_len);
	if (pos < s->history_len)
		insert(s, s->history[pos], strlen(s->history[pos]));
}

static void enter(struct session *s)
{
	char line[LINE_MAX_LEN];
	memcpy(line, s->edit, (size_t)s->edit_len + 1);
	s->edit_len = 0;
	s->edit[0] = 0;
	outs(s, "\n");
	s->hist_pos = s->history_len + 1;
	session_submit(s, line);
	s->hist_pos = s->history_len;
}

void keys_input(struct session *s, const char *data, size_t n)
{
	for (size_t i = 0; i < n && !s->closing; i++) {
		unsigned char c = (unsigned char)data[i];
		if (s->paging) {
			if (c == '\n' && s->last_cr) {
				s->last_cr = false;
				continue;
			}
			s->last_cr = c == '\r';
			session_pager_key(s, c);
			continue;
		}
		if (s->esc_state == 1) {
			s->esc_state = c == '[' ? 2 : 0;
			continue;
		}
		if (s->esc_state == 2) {
			s->esc_state = 0;
			if (c == 'A')
				recall(s, -1);
			else if (c == 'B')
				recall(s, 1);
			continue;
		}
		if (c == '\n' && s->last_cr) { /* CR LF is one Enter */
			s->last_cr = false;
			continue;
		}
		s->last_cr = c == '\r';
		switch (c) {
		case '\r':
		case '\n':
			enter(s);
			break;
		case '?':
			help(s);
			break;
		case '\t':
			complete(s);
			break;
		case 0x7f:
		case 0x08:
			erase_chars(s, 1);
			break;
		case 0x15: /* Ctrl-U */
			erase_chars(s, s->edit_len);
			break;
		case 0x10: /* Ctrl-P */
			recall(s, -1);
			break;
		case 0x0e: /* Ctrl-N */
			recall(s, 1);
			break;
		case 0x03: /* Ctrl-C: drop the line */
			s->edit_len = 0;
			s->edit[0] = 0;
			outs(s, "^C\n");
			keys_show_prompt(s);
			break;
		case 0x1a: /* Ctrl-Z: end */
			s->edit_len = 0;
			s->edit[0] = 0;
			outs(s, "^Z\n");
			session_end_config(s);
			keys_show_prompt(s);
			break;
		case 0x04: /* Ctrl-D on an empty line closes a vty */
			if (s->edit_len == 0) {
				s->closing = true;
				s->ops->close(s);
				return;
			}
			break;
		case 0x1b:
			s->esc_state = 1;
			break;
		default:
			if (c >= 0x20)
				insert(s, (const char *)&c, 1);
			break;
		}
	}
}
