#include "cli/memsession.h"

#include <stdlib.h>
#include <string.h>

static void mem_write(struct session *s, const char *d, size_t n) { buf_add(s->io, d, n); }
static void mem_prompt(struct session *s) { (void)s; }
static void mem_close(struct session *s) { (void)s; }
static const struct session_ops mem_ops = { mem_write, mem_prompt, NULL, mem_close };

struct session *memsession_new(void)
{
	struct buf *b = malloc(sizeof *b);
	if (!b)
		abort();
	buf_init(b);
	struct session *s = session_new("vty", &mem_ops, b);
	s->mode = MODE_PRIV;
	return s;
}

const char *memsession_run(struct session *s, const char *lines)
{
	struct buf *b = s->io;
	buf_reset(b);
	char *copy = strdup(lines), *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		session_submit(s, l);
	free(copy);
	return buf_cstr(b);
}

void memsession_free(struct session *s)
{
	struct buf *b = s->io;
	buf_free(b);
	free(b);
	session_free(s);
}
