/* Applying configuration files (startup-config, --check, copy). */
#ifndef IKESH_CLI_CONFIG_FILE_H
#define IKESH_CLI_CONFIG_FILE_H

#include "lib/buf.h"

/* Apply every line of path in configuration mode; every problem is written to
 * report as "FILE:LINE: % message".  Never stops at an error.  Returns the
 * number of lines that could not be applied, or -1 if the file cannot be read.
 * If rejected_lines is not NULL it gets the bad line numbers ("3, 7"). */
int config_apply_file(const char *path, struct buf *report, struct buf *rejected_lines);
/* Check references between objects; one "FILE:LINE: % ..." per problem.
 * Returns the number of problems. */
int config_check_references(const char *path, struct buf *report);

#endif
