/* The ways people reach the shell: the console (readline on a terminal, or
 * piped standard input read as keystrokes) and vty sessions on a UNIX socket. */
#ifndef IKESH_CLI_FRONTENDS_H
#define IKESH_CLI_FRONTENDS_H

#include <stdbool.h>

/* Console on standard input/output; stops the event loop when it ends. */
int console_start(void);
/* Listen for vty sessions at path. */
int vty_listen(const char *path);
void vty_shutdown(void);
/* Route log and debug lines to the console and monitoring sessions. */
void frontends_install_log_sink(void);

/* Clients: interactive (ikesh connect) and batch (ikesh -c). */
int client_connect(const char *path);
int client_batch(const char *path, char **cmds, int ncmds);

#endif
