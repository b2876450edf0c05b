/* vty sessions on a UNIX socket.  A client first sends one line:
 *   "interactive ROWS COLS"  a terminal session (keystrokes in, screen out)
 *   "batch"                  command lines in; each answered by its output
 *                            and a frame "\0STATUS\n" (0 = success)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/frontends.h"
#include "cli/keys.h"
#include "cli/session.h"
#include "cli/sysconf.h"
#include "lib/evloop.h"

enum vty_kind { VTY_HELLO, VTY_INTERACTIVE, VTY_BATCH };

struct vty {
	int fd;
	enum vty_kind kind;
	struct session *s;
	char hello[128];
	size_t hello_len;
	struct buf linebuf; /* batch: partial command line */
	bool dead;
};

static int listen_fd = -1;
static char listen_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

static void vty_write(struct session *s, const char *d, size_t n)
{
	struct vty *v = s->io;
	if (v->dead)
		return;
	while (n) {
		ssize_t w = send(v->fd, d, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			v->dead = true;
			return;
		}
		d += w;
		n -= (size_t)w;
	}
}

static void vty_prompt(struct session *s) { keys_show_prompt(s); }
static void batch_prompt(struct session *s) { (void)s; }

static void vty_async(struct session *s, const char *line)
{
	/* Show the message on its own line, then the prompt and typed text again. */
	vty_write(s, "\n", 1);
	vty_write(s, line, strlen(line));
	vty_write(s, "\n", 1);
	if (!s->paging)
		keys_show_prompt(s);
}

static void vty_mark_closed(struct session *s)
{
	struct vty *v = s->io;
	v->dead = true;
}

static const struct session_ops interactive_ops = { vty_write, vty_prompt, vty_async, vty_mark_closed };
static const struct session_ops batch_ops = { vty_write, batch_prompt, NULL, vty_mark_closed };

static void vty_free(struct vty *v)
{
	ev_del_fd(v->fd);
	close(v->fd);
	if (v->s)
		session_free(v->s);
	buf_free(&v->linebuf);
	free(v);
}

static void start_session(struct vty *v)
{
	v->hello[v->hello_len] = 0;
	int rows = 24, cols = 80;
	if (strncmp(v->hello, "batch", 5) == 0) {
		v->kind = VTY_BATCH;
		v->s = session_new("vty", &batch_ops, v);
		v->s->mode = MODE_PRIV;
		return;
	}
	sscanf(v->hello, "interactive %d %d", &rows, &cols);
	v->kind = VTY_INTERACTIVE;
	v->s = session_new("vty", &interactive_ops, v);
	v->s->mode = MODE_PRIV; /* the socket is root's only: privilege 15 */
	v->s->echo = true;
	v->s->tty = true;
	v->s->term_width = cols > 0 ? cols : 80;
	int len = sysconf_line_length(false);
	v->s->term_length = len >= 0 ? len : (rows > 0 ? rows : 24);
	vty_write(v->s, "\n", 1);
	keys_show_prompt(v->s);
}

static void batch_input(struct vty *v, const char *d, size_t n)
{
	buf_add(&v->linebuf, d, n);
	for (;;) {
		char *p = (char *)v->linebuf.p;
		char *nl = memchr(p, '\n', v->linebuf.len);
		if (!nl)
			break;
		*nl = 0;
		struct session *s = v->s;
		if (!session_answer(s, p)) {
			session_history_add(s, p);
			s->last_status = session_exec(s, p);
		}
		char frame[32];
		int fl = snprintf(frame, sizeof frame, "%c%d\n", 0, s->last_status ? 1 : 0);
		vty_write(s, frame, (size_t)fl);
		size_t used = (size_t)(nl - p) + 1;
		memmove(v->linebuf.p, v->linebuf.p + used, v->linebuf.len - used);
		v->linebuf.len -= used;
		if (s->closing)
			v->dead = true;
	}
}

static void vty_readable(int fd, uint32_t ev, void *arg)
{
	(void)ev;
	struct vty *v = arg;
	char b[4096];
	ssize_t n = read(fd, b, sizeof b);
	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return;
		vty_free(v);
		return;
	}
	size_t off = 0;
	if (v->kind == VTY_HELLO) {
		while (off < (size_t)n && v->kind == VTY_HELLO) {
			char c = b[off++];
			if (c == '\n')
				start_session(v);
			else if (v->hello_len < sizeof v->hello - 1)
				v->hello[v->hello_len++] = c;
		}
	}
	if (off < (size_t)n) {
		if (v->kind == VTY_INTERACTIVE)
			keys_input(v->s, b + off, (size_t)n - off);
		else if (v->kind == VTY_BATCH)
			batch_input(v, b + off, (size_t)n - off);
	}
	if (v->dead || (v->s && v->s->closing))
		vty_free(v);
}

static void vty_accept(int fd, uint32_t ev, void *arg)
{
	(void)ev;
	(void)arg;
	int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	struct vty *v = calloc(1, sizeof *v);
	if (!v) {
		close(c);
		return;
	}
	v->fd = c;
	buf_init(&v->linebuf);
	if (ev_add_fd(c, EPOLLIN, vty_readable, v) != 0) {
		close(c);
		free(v);
	}
}

int vty_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "%% vty socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* A stale socket from a dead ikesh is replaced; a live one is not. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		fprintf(stderr, "%% another ikesh is listening on %s\n", path);
		close(fd);
		return -1;
	}
	unlink(path);
	mode_t old = umask(077);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc != 0 || listen(fd, 16) != 0) {
		fprintf(stderr, "%% cannot listen on %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	listen_fd = fd;
	strcpy(listen_path, path);
	return ev_add_fd(fd, EPOLLIN, vty_accept, NULL);
}

void vty_shutdown(void)
{
	if (listen_fd >= 0) {
		ev_del_fd(listen_fd);
		close(listen_fd);
		unlink(listen_path);
		listen_fd = -1;
	}
}
