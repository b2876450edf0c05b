/* Output filters: show ... | include|exclude|begin|section|count REGEX */
#ifndef IKESH_CLI_PIPE_H
#define IKESH_CLI_PIPE_H

#include "lib/buf.h"

/* Filter text by kind ("include", ...) and regex into out.
 * Returns 0, or -1 with a message in out when the regex is bad. */
int pipe_filter(const char *kind, const char *regex, const char *text, struct buf *out);

#endif
