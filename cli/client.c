/* ikesh connect / ikesh -c: clients of a running ikesh's vty socket. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cli/frontends.h"

static int dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "%% socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		fprintf(stderr, "%% cannot reach ikesh at %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *d, size_t n)
{
	while (n) {
		ssize_t w = write(fd, d, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		d += w;
		n -= (size_t)w;
	}
	return 0;
}

int client_connect(const char *path)
{
	int fd = dial(path);
	if (fd < 0)
		return 1;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	ioctl(0, TIOCGWINSZ, &ws);
	char hello[64];
	int hl = snprintf(hello, sizeof hello, "interactive %d %d\n", ws.ws_row, ws.ws_col);
	write_all(fd, hello, (size_t)hl);
	struct termios saved, raw;
	bool tty = tcgetattr(0, &saved) == 0;
	if (tty) {
		raw = saved;
		raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO | ISIG | IEXTEN);
		raw.c_iflag &= (tcflag_t) ~(IXON | ICRNL);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(0, TCSANOW, &raw);
	}
	struct pollfd p[2] = { { .fd = 0, .events = POLLIN }, { .fd = fd, .events = POLLIN } };
	bool in_open = true;
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		char b[4096];
		if (p[1].revents) {
			ssize_t n = read(fd, b, sizeof b);
			if (n <= 0)
				break;
			write_all(1, b, (size_t)n);
		}
		if (in_open && p[0].revents) {
			ssize_t n = read(0, b, sizeof b);
			if (n <= 0) {
				in_open = false;
				p[0].fd = -1;
				shutdown(fd, SHUT_WR);
			} else if (write_all(fd, b, (size_t)n) != 0) {
				break;
			}
		}
	}
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
	close(fd);
	return 0;
}

int client_batch(const char *path, char **cmds, int ncmds)
{
	int fd = dial(path);
	if (fd < 0)
		return 1;
	if (write_all(fd, "batch\n", 6) != 0)
		return 1;
	for (int i = 0; i < ncmds; i++)
		if (write_all(fd, cmds[i], strlen(cmds[i])) != 0 || write_all(fd, "\n", 1) != 0)
			return 1;
	shutdown(fd, SHUT_WR);
	/* Output bytes until a NUL; then the status digits up to a newline. */
	int failed = 0, frames = 0, in_frame = 0, status = 0;
	char b[4096];
	ssize_t n;
	while ((n = read(fd, b, sizeof b)) > 0) {
		size_t start = 0;
		for (ssize_t i = 0; i < n; i++) {
			if (in_frame) {
				if (b[i] == '\n') {
					in_frame = 0;
					frames++;
					failed |= status != 0;
					start = (size_t)i + 1;
				} else {
					status = status * 10 + (b[i] - '0');
				}
			} else if (b[i] == 0) {
				write_all(1, b + start, (size_t)i - start);
				in_frame = 1;
				status = 0;
			}
		}
		if (!in_frame && start < (size_t)n)
			write_all(1, b + start, (size_t)n - start);
	}
	close(fd);
	if (frames < ncmds) {
		fprintf(stderr, "%% the session ended after %d of %d commands\n", frames, ncmds);
		return 1;
	}
	return failed ? 1 : 0;
}
