/* Assembling running-config from every module's config writer, and the
 * startup-config file behind write memory. */
#ifndef IKESH_CLI_RUNNING_CONFIG_H
#define IKESH_CLI_RUNNING_CONFIG_H

#include "lib/buf.h"

/* The configuration text from the first "!" to "end", in IOS order. */
void running_config_build(struct buf *b);
/* Forget all configuration (tests, copy startup-config running-config). */
void running_config_reset(void);

void startup_set_path(const char *path);
const char *startup_path(void);
/* Lines of the loaded startup-config that were not understood. */
void startup_set_rejected(int count, const char *line_list);
int startup_rejected(void);
const char *startup_rejected_lines(void);
/* Write the running-config to the startup-config file atomically. */
int startup_write(struct buf *err);

#endif
