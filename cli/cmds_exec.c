/* Exec-mode commands of the shell itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "cli/running_config.h"
#include "cli/session.h"
#include "cli/sysconf.h"
#include "grammar/cmd.h"
#include "cli/config_file.h"
#include "ipsec/dataplane.h"
#include "lib/debug.h"
#include "lib/log.h"

#define IKESH_VERSION "0.1.0"

static struct session *S(struct cmdctx *c) { return c->session; }

int h_enable(struct cmdctx *c)
{
	S(c)->mode = MODE_PRIV;
	return 0;
}

int h_disable(struct cmdctx *c)
{
	S(c)->mode = MODE_USER;
	return 0;
}

int h_exit(struct cmdctx *c)
{
	S(c)->closing = true;
	return 0;
}

int h_configure(struct cmdctx *c)
{
	cmd_out(c, "Enter configuration commands, one per line.  End with CNTL/Z.\n");
	cmd_enter(c, MODE_CONFIG, NULL);
	return 0;
}

int h_config_exit(struct cmdctx *c)
{
	struct session *s = S(c);
	enum cli_mode m = c->mode;
	s->objs[m] = NULL;
	if (m == MODE_CONFIG)
		session_end_config(s);
	else
		s->mode = mode_parent(m);
	return 0;
}

int h_config_end(struct cmdctx *c)
{
	session_end_config(S(c));
	return 0;
}

int h_terminal(struct cmdctx *c)
{
	struct session *s = S(c);
	bool no = cmd_has(c, "no");
	if (cmd_has(c, "monitor"))
		s->monitor = !no;
	else if (cmd_has(c, "length"))
		s->term_length = no ? 0 : (int)cmd_num_after(c, "length", 24);
	else if (cmd_has(c, "width"))
		s->term_width = (int)cmd_num_after(c, "width", 80);
	return 0;
}

static void fmt_uptime(char *out, size_t len, long secs)
{
	long w = secs / 604800, d = secs / 86400 % 7, h = secs / 3600 % 24, m = secs / 60 % 60;
	if (w)
		snprintf(out, len, "%ld week%s, %ld day%s, %ld hour%s, %ld minute%s", w, w == 1 ? "" : "s",
			 d, d == 1 ? "" : "s", h, h == 1 ? "" : "s", m, m == 1 ? "" : "s");
	else if (d)
		snprintf(out, len, "%ld day%s, %ld hour%s, %ld minute%s", d, d == 1 ? "" : "s", h,
			 h == 1 ? "" : "s", m, m == 1 ? "" : "s");
	else if (h)
		snprintf(out, len, "%ld hour%s, %ld minute%s", h, h == 1 ? "" : "s", m, m == 1 ? "" : "s");
	else
		snprintf(out, len, "%ld minute%s", m, m == 1 ? "" : "s");
}

static time_t boot_time;
__attribute__((constructor)) static void note_boot(void) { boot_time = time(NULL); }

int h_show_version(struct cmdctx *c)
{
	struct utsname u;
	char up[128];
	uname(&u);
	fmt_uptime(up, sizeof up, (long)(time(NULL) - boot_time));
	cmd_out(c, "ikesh IOS-style router shell, Version %s\n", IKESH_VERSION);
	cmd_out(c, "Technical Support: see README.md\n");
	cmd_out(c, "Copyright (c) the ikesh authors; open source.\n\n");
	cmd_out(c, "%s uptime is %s\n", sysconf_hostname(), up);
	cmd_out(c, "System running on %s %s (%s)\n", u.sysname, u.release, u.machine);
	cmd_out(c, "IPsec data plane: %s\n", dataplane_name());
	if (startup_path())
		cmd_out(c, "System configuration file is \"%s\"\n", startup_path());
	return 0;
}

int h_show_history(struct cmdctx *c)
{
	struct session *s = S(c);
	/* The "show history" line itself is already the newest entry. */
	for (int i = 0; i < s->history_len; i++)
		cmd_out(c, "  %s\n", s->history[i]);
	return 0;
}

int h_show_users(struct cmdctx *c)
{
	struct session *me = S(c);
	time_t now = time(NULL);
	cmd_out(c, "    Line       User       Host(s)              Idle       Location\n");
	/* sessions are kept newest first; list them by line number */
	for (int line = 0; line < 1000; line++)
		for (struct session *s = session_list(); s; s = s->next) {
			if (s->line_no != line)
				continue;
			long idle = s == me ? 0 : (long)(now - s->last_input);
			cmd_out(c, "%s%3d %-10s %-10s %-20s %02ld:%02ld:%02ld\n", s == me ? "*" : " ",
				s->line_no, s->name, "", "idle", idle / 3600, idle / 60 % 60, idle % 60);
		}
	cmd_out(c, "\n  Interface    User               Mode         Idle     Peer Address\n\n");
	return 0;
}

int h_show_clock(struct cmdctx *c)
{
	struct timespec ts;
	struct tm tm;
	char b[64];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(b, sizeof b, "%H:%M:%S", &tm);
	cmd_out(c, "*%s.%03ld UTC ", b, ts.tv_nsec / 1000000);
	strftime(b, sizeof b, "%a %b %e %Y", &tm);
	cmd_out(c, "%s\n", b);
	return 0;
}

int h_show_terminal(struct cmdctx *c)
{
	struct session *s = S(c);
	cmd_out(c, "Line %d, Location: \"\", Type: \"%s\"\n", s->line_no, s->tty ? "terminal" : "");
	cmd_out(c, "Length: %d lines, Width: %d columns\n", s->term_length, s->term_width);
	cmd_out(c, "Monitor: %s\n", s->monitor ? "on" : "off");
	return 0;
}

int h_show_running(struct cmdctx *c)
{
	struct buf b;
	buf_init(&b);
	running_config_build(&b);
	cmd_out(c, "Building configuration...\n\nCurrent configuration : %zu bytes\n", b.len);
	buf_add(c->out, b.p, b.len);
	buf_free(&b);
	return 0;
}

int h_show_startup(struct cmdctx *c)
{
	const char *path = startup_path();
	FILE *f = path ? fopen(path, "r") : NULL;
	if (!f) {
		cmd_err(c, "%% startup-config is not present");
		return -1;
	}
	struct buf b;
	buf_init(&b);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	cmd_out(c, "Using %zu out of 4194304 bytes\n", b.len);
	buf_add(c->out, b.p, b.len);
	if (b.len && b.p[b.len - 1] != '\n')
		buf_addc(c->out, '\n');
	buf_free(&b);
	return 0;
}

static void write_memory_confirmed(struct session *s, bool yes, void *arg)
{
	(void)arg;
	struct buf err;
	buf_init(&err);
	if (!yes) {
		session_printf(s, "%% Not written: the startup-config is unchanged.\n");
		s->last_status = -1;
	} else {
		session_printf(s, "Building configuration...\n");
		if (startup_write(&err) == 0) {
			session_printf(s, "[OK]\n");
		} else {
			session_output(s, (const char *)err.p, err.len);
			s->last_status = -1;
		}
	}
	buf_free(&err);
}

int h_write_memory(struct cmdctx *c)
{
	struct session *s = S(c);
	if (!startup_path()) {
		cmd_err(c, "%% No startup-config file: start ikesh with -f FILE to have one");
		return -1;
	}
	if (startup_rejected() > 0) {
		/* The running-config lacks what the startup-config had but we could not
		 * apply; writing would drop it, so ask first. */
		char q[512];
		snprintf(q, sizeof q,
			 "%% Warning: %d line(s) of the startup-config were not understood (line %s);\n"
			 "writing the running-config will lose them.\nProceed? [confirm]",
			 startup_rejected(), startup_rejected_lines());
		buf_adds(c->out, q);
		s->confirm = write_memory_confirmed;
		s->confirm_arg = NULL;
		return 0;
	}
	struct buf err;
	buf_init(&err);
	cmd_out(c, "Building configuration...\n");
	int rc = startup_write(&err);
	if (rc == 0)
		cmd_out(c, "[OK]\n");
	else
		buf_add(c->err, err.p, err.len);
	buf_free(&err);
	return rc;
}

int h_copy_startup_running(struct cmdctx *c)
{
	const char *path = startup_path();
	if (!path) {
		cmd_err(c, "%% startup-config is not present");
		return -1;
	}
	struct buf report;
	buf_init(&report);
	int bad = config_apply_file(path, &report, NULL);
	buf_add(c->err, report.p, report.len);
	buf_free(&report);
	cmd_out(c, "Destination filename [running-config]? \n");
	return bad ? -1 : 0;
}

int h_show_logging(struct cmdctx *c)
{
	cmd_out(c, "Syslog logging: enabled\n\nLog Buffer:\n\n%s", log_buffer());
	return 0;
}

int h_clear_logging(struct cmdctx *c)
{
	(void)c;
	log_clear();
	return 0;
}

int h_show_debugging(struct cmdctx *c)
{
	if (sysconf_debug_cli())
		cmd_out(c, "CLI:\n  CLI parser debugging is on\n");
	debug_show_all(c->out);
	return 0;
}

int h_undebug_all(struct cmdctx *c)
{
	sysconf_set_debug_cli(false);
	debug_all_off();
	cmd_out(c, "All possible debugging has been turned off\n");
	return 0;
}
