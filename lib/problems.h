/* Problems found when checking a configuration (unresolved references...). */
#ifndef IKESH_LIB_PROBLEMS_H
#define IKESH_LIB_PROBLEMS_H

#include "lib/buf.h"

struct problem_list {
	const char *file; /* for "FILE:LINE: % msg"; NULL: "% msg (line N)" */
	struct buf text;
	int count;
};

/* line 0: the object was not loaded from a file (typed). */
void problem_add(struct problem_list *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
