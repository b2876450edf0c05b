#include "lib/debug.h"

#include <string.h>

static struct debug_flag *flags;

void debug_register(struct debug_flag *f)
{
	for (struct debug_flag *x = flags; x; x = x->next)
		if (x == f)
			return;
	f->next = flags;
	flags = f;
}

void debug_show_all(struct buf *b)
{
	const char *group = NULL;
	for (struct debug_flag *f = flags; f; f = f->next) {
		if (!f->on)
			continue;
		if (!group || strcmp(group, f->group) != 0) {
			buf_printf(b, "%s:\n", f->group);
			group = f->group;
		}
		buf_printf(b, "  %s on\n", f->text);
	}
}

void debug_all_off(void)
{
	for (struct debug_flag *f = flags; f; f = f->next)
		f->on = false;
}
