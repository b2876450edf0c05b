/* Syslog-style messages and debug output.  Modules log; the CLI registers a
 * sink that shows messages on the console and on monitoring vty sessions. */
#ifndef IKESH_LIB_LOG_H
#define IKESH_LIB_LOG_H

#include <stdbool.h>

enum log_severity {
	LOG_SEV_EMERG, LOG_SEV_ALERT, LOG_SEV_CRIT, LOG_SEV_ERR,
	LOG_SEV_WARNING, LOG_SEV_NOTICE, LOG_SEV_INFO, LOG_SEV_DEBUG,
};

typedef void (*log_sink)(enum log_severity sev, const char *line, void *arg);

void log_set_sink(log_sink sink, void *arg);
/* "%FACILITY-SEV-MNEMONIC: text", e.g. log_msg(LOG_SEV_NOTICE, "IKEV2", "SA_UP", ...). */
void log_msg(enum log_severity sev, const char *facility, const char *mnemonic,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Debug output (debug crypto ikev2 ...): printed as-is with a timestamp. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Messages kept for "show logging". */
const char *log_buffer(void);
void log_clear(void);

#endif
