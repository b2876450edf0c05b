#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"

static log_sink sink_fn;
static void *sink_arg;
static struct buf history;

enum { HISTORY_MAX = 64 * 1024 };

void log_set_sink(log_sink sink, void *arg)
{
	sink_fn = sink;
	sink_arg = arg;
}

static void stamp(char *ts, size_t len)
{
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	char base[32];
	strftime(base, sizeof base, "%b %e %H:%M:%S", &tm);
	snprintf(ts, len, "*%s.%03ld", base, now.tv_nsec / 1000000);
}

static void emit(enum log_severity sev, const char *text)
{
	if (history.len > HISTORY_MAX) {
		buf_reset(&history);
	}
	buf_adds(&history, text);
	buf_addc(&history, '\n');
	if (sink_fn)
		sink_fn(sev, text, sink_arg);
}

void log_msg(enum log_severity sev, const char *facility, const char *mnemonic,
	     const char *fmt, ...)
{
	char ts[48], text[1024];
	int n;
	stamp(ts, sizeof ts);
	n = snprintf(text, sizeof text, "%s: %%%s-%d-%s: ", ts, facility, (int)sev, mnemonic);
	va_list ap;
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof text)
		vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
	va_end(ap);
	emit(sev, text);
}

void log_debug(const char *fmt, ...)
{
	char ts[48], text[2048];
	int n;
	stamp(ts, sizeof ts);
	n = snprintf(text, sizeof text, "%s: ", ts);
	va_list ap;
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof text)
		vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
	va_end(ap);
	emit(LOG_SEV_DEBUG, text);
}

const char *log_buffer(void) { return buf_cstr(&history); }

void log_clear(void) { buf_reset(&history); }
