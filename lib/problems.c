#include "lib/problems.h"

#include <stdarg.h>

void problem_add(struct problem_list *p, int line, const char *fmt, ...)
{
	if (p->file && line > 0)
		buf_printf(&p->text, "%s:%d: %% ", p->file, line);
	else
		buf_adds(&p->text, "% ");
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&p->text, fmt, ap);
	va_end(ap);
	buf_addc(&p->text, '\n');
	p->count++;
}
