/* The shell's own configuration: hostname, service, logging, line. */
#ifndef IKESH_CLI_SYSCONF_H
#define IKESH_CLI_SYSCONF_H

#include <stdbool.h>

#include "lib/buf.h"

const char *sysconf_hostname(void);
void sysconf_reset(void);
/* running-config pieces, in IOS order */
void sysconf_write_services(struct buf *b);
void sysconf_write_hostname(struct buf *b);
void sysconf_write_logging(struct buf *b);
void sysconf_write_lines(struct buf *b);
/* line con 0 / vty settings used by sessions */
int sysconf_line_length(bool console);
bool sysconf_debug_cli(void);
void sysconf_set_debug_cli(bool on);

#endif
