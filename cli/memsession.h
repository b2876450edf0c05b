/* A session whose screen is a memory buffer: for tests and embedding. */
#ifndef IKESH_CLI_MEMSESSION_H
#define IKESH_CLI_MEMSESSION_H

#include "cli/session.h"

/* A privileged-exec session with no paging. */
struct session *memsession_new(void);
/* Run each line of lines (separated by '\n') with session_submit; returns the
 * output they produced (valid until the next call). */
const char *memsession_run(struct session *s, const char *lines);
void memsession_free(struct session *s);

#endif
