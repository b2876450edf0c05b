/* The console (line con 0).  On a terminal it is readline in callback mode
 * inside the event loop, with '?' and TAB bound to the grammar; when standard
 * input is not a terminal, the bytes are read as keystrokes and echoed, so a
 * piped script shows the same screen a person would see. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cli/frontends.h"
#include "cli/keys.h"
#include "cli/session.h"
#include "cli/sysconf.h"
#include "grammar/grammar.h"
#include "lib/evloop.h"
#include "lib/log.h"

static struct session *con;
static bool rl_active;
static bool rl_raw; /* terminal put in raw mode by us for --More-- */

static void con_write(struct session *s, const char *d, size_t n)
{
	(void)s;
	fwrite(d, 1, n, stdout);
	fflush(stdout);
}

/* ---- piped standard input ---- */

static void pipe_prompt(struct session *s) { keys_show_prompt(s); }

static void pipe_close(struct session *s)
{
	(void)s;
	ev_stop();
}

static const struct session_ops pipe_ops = { con_write, pipe_prompt, NULL, pipe_close };

static void pipe_readable(int fd, uint32_t ev, void *arg)
{
	(void)ev;
	(void)arg;
	char b[4096];
	ssize_t n = read(fd, b, sizeof b);
	if (n > 0) {
		keys_input(con, b, (size_t)n);
		return;
	}
	if (n < 0 && errno == EINTR)
		return;
	/* End of input: a line typed without Enter still runs, then we leave. */
	if (con->edit_len && !con->closing)
		keys_input(con, "\n", 1);
	ev_del_fd(fd);
	ev_stop();
}

static void file_readable(void *arg)
{
	(void)arg;
	char b[4096];
	ssize_t n = read(0, b, sizeof b);
	if (n > 0) {
		keys_input(con, b, (size_t)n);
		if (!con->closing)
			ev_timer_add(0, file_readable, NULL);
		return;
	}
	if (con->edit_len && !con->closing)
		keys_input(con, "\n", 1);
	ev_stop();
}

/* ---- readline on a terminal ---- */

static void con_line(char *line);

static void con_prompt(struct session *s)
{
	struct buf p;
	buf_init(&p);
	session_prompt_text(s, &p);
	if (rl_raw) {
		rl_deprep_terminal();
		rl_raw = false;
	}
	rl_callback_handler_install(buf_cstr(&p), con_line);
	rl_active = true;
	buf_free(&p);
}

static void con_close(struct session *s)
{
	(void)s;
	ev_stop();
}

static void con_async(struct session *s, const char *line)
{
	(void)s;
	if (!rl_active || s->paging) {
		printf("%s\n", line);
		fflush(stdout);
		return;
	}
	/* Print above the line being typed, then redraw it. */
	int point = rl_point;
	char *saved = rl_copy_text(0, rl_end);
	rl_save_prompt();
	rl_replace_line("", 0);
	rl_redisplay();
	printf("\r%s\n", line);
	rl_restore_prompt();
	rl_replace_line(saved, 0);
	rl_point = point;
	rl_forced_update_display();
	free(saved);
}

static const struct session_ops con_ops = { con_write, con_prompt, con_async, con_close };

static void con_line(char *line)
{
	rl_callback_handler_remove();
	rl_active = false;
	if (!line) { /* Ctrl-D */
		printf("\n");
		ev_stop();
		return;
	}
	if (*line)
		add_history(line);
	session_submit(con, line);
	free(line);
	if (con->paging && !rl_raw) {
		rl_prep_terminal(0);
		rl_raw = true;
	}
}

static int con_help(int count, int key)
{
	(void)count;
	(void)key;
	struct buf b;
	buf_init(&b);
	char *text = strndup(rl_line_buffer, (size_t)rl_point);
	grammar_help(con->mode, text, &b);
	free(text);
	printf("?\n%s", buf_cstr(&b));
	buf_free(&b);
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

static int con_tab(int count, int key)
{
	(void)count;
	(void)key;
	int rlen = 0;
	char *text = strndup(rl_line_buffer, (size_t)rl_point);
	char *full = grammar_complete(con->mode, text, &rlen);
	free(text);
	if (!full)
		return 0;
	rl_delete_text(rl_point - rlen, rl_point);
	rl_point -= rlen;
	rl_insert_text(full);
	free(full);
	return 0;
}

static int con_ctrl_z(int count, int key)
{
	(void)count;
	(void)key;
	rl_replace_line("", 0);
	printf("^Z\n");
	session_end_config(con);
	rl_callback_handler_remove();
	con_prompt(con);
	return 0;
}

static void tty_readable(int fd, uint32_t ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	if (con->paging) {
		char c;
		if (read(0, &c, 1) == 1)
			session_pager_key(con, (unsigned char)c);
		return;
	}
	rl_callback_read_char();
}

int console_start(void)
{
	if (isatty(0)) {
		con = session_new("con", &con_ops, NULL);
		con->tty = true;
		con->term_length = sysconf_line_length(true) >= 0 ? sysconf_line_length(true) : 24;
		rl_readline_name = "ikesh";
		rl_bind_key('?', con_help);
		rl_bind_key('\t', con_tab);
		rl_bind_key(0x1a, con_ctrl_z);
		con_prompt(con);
		return ev_add_fd(0, EPOLLIN, tty_readable, NULL);
	}
	con = session_new("con", &pipe_ops, NULL);
	con->echo = true;
	keys_show_prompt(con);
	if (ev_add_fd(0, EPOLLIN, pipe_readable, NULL) == 0)
		return 0;
	if (errno != EPERM)
		return -1;
	/* A regular file cannot be polled: read it from a timer, a chunk per
	 * loop iteration, so that timers and sockets still run in between. */
	ev_timer_add(0, file_readable, NULL);
	return 0;
}

/* Log lines go to the console (unless "no logging console") and to vty
 * sessions with "terminal monitor".  Piped consoles get them too only when
 * monitoring, so that scripted transcripts stay deterministic. */
static void log_sink_fn(enum log_severity sev, const char *line, void *arg)
{
	(void)arg;
	session_broadcast_log(line, sev == LOG_SEV_DEBUG);
}

void frontends_install_log_sink(void) { log_set_sink(log_sink_fn, NULL); }
