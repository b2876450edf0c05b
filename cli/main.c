/* ikesh: an IOS-style router shell with its own IKEv2/IPsec stack. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/config_file.h"
#include "cli/frontends.h"
#include "cli/running_config.h"
#include "grammar/grammar.h"
#include "ikev2/runtime.h"
#include "ipsec/dataplane.h"
#include "lib/evloop.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ikesh [-f STARTUP-CONFIG] [--dataplane auto|userspace|kernel] [--offline]\n"
		"             [--no-console] [--socket PATH]\n"
		"       ikesh --check FILE\n"
		"       ikesh connect [--socket PATH]\n"
		"       ikesh -c COMMAND [-c COMMAND ...] [--socket PATH]\n");
}

static const char *default_socket(void)
{
	static char path[108];
	if (getuid() == 0)
		snprintf(path, sizeof path, "/run/ikesh.sock");
	else
		snprintf(path, sizeof path, "/tmp/ikesh-%u.sock", (unsigned)getuid());
	return path;
}

static int check_file(const char *path)
{
	struct buf report;
	buf_init(&report);
	int bad = config_apply_file(path, &report, NULL);
	if (bad >= 0)
		bad += config_check_references(path, &report);
	fputs(buf_cstr(&report), stdout);
	buf_free(&report);
	if (bad < 0)
		return 2;
	return bad == 0 ? 0 : 1;
}

static void on_signal(int fd, uint32_t ev, void *arg)
{
	(void)ev;
	(void)arg;
	struct signalfd_siginfo si;
	if (read(fd, &si, sizeof si) == (ssize_t)sizeof si)
		ev_stop();
}

static int watch_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (!isatty(0))
		sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -1 : ev_add_fd(fd, EPOLLIN, on_signal, NULL);
}

static int load_startup(const char *path)
{
	struct buf report, rejected;
	buf_init(&report);
	buf_init(&rejected);
	int bad = config_apply_file(path, &report, &rejected);
	if (bad < 0) {
		/* A missing startup-config is created by the first write memory. */
		fprintf(stderr, "%% startup-config %s not found; starting with an empty configuration\n", path);
	} else if (bad > 0) {
		fputs(buf_cstr(&report), stderr);
		fprintf(stderr, "%% %d line(s) of %s were not applied\n", bad, path);
		startup_set_rejected(bad, buf_cstr(&rejected));
	}
	buf_free(&report);
	buf_free(&rejected);
	return 0;
}

static int run(int argc, char **argv, char **cmds)
{
	const char *startup = NULL, *dataplane = "auto", *sock = NULL, *check = NULL;
	bool offline = false, no_console = false;
	int ncmds = 0;
	bool connect_mode = argc > 1 && strcmp(argv[1], "connect") == 0;
	if (connect_mode) {
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	enum { OPT_DATAPLANE = 256, OPT_OFFLINE, OPT_NO_CONSOLE, OPT_SOCKET, OPT_CHECK, OPT_HELP };
	static const struct option opts[] = {
		{ "dataplane", required_argument, NULL, OPT_DATAPLANE },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "no-console", no_argument, NULL, OPT_NO_CONSOLE },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "check", required_argument, NULL, OPT_CHECK },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int o;
	while ((o = getopt_long(argc, argv, "f:c:h", opts, NULL)) != -1) {
		switch (o) {
		case 'f': startup = optarg; break;
		case 'c': cmds[ncmds++] = optarg; break;
		case OPT_DATAPLANE: dataplane = optarg; break;
		case OPT_OFFLINE: offline = true; break;
		case OPT_NO_CONSOLE: no_console = true; break;
		case OPT_SOCKET: sock = optarg; break;
		case OPT_CHECK: check = optarg; break;
		case 'h':
		case OPT_HELP: usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%% unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!sock)
		sock = default_socket();
	signal(SIGPIPE, SIG_IGN);
	grammar_init();

	if (connect_mode)
		return client_connect(sock);
	if (ncmds)
		return client_batch(sock, cmds, ncmds);
	if (check)
		return check_file(check);

	if (dataplane_select(dataplane, offline) != 0) {
		fprintf(stderr, "%% unknown data plane \"%s\": use auto, userspace or kernel\n", dataplane);
		return 2;
	}
	if (ev_init() != 0 || watch_signals() != 0) {
		perror("ikesh: event loop");
		return 1;
	}
	frontends_install_log_sink();
	if (startup) {
		startup_set_path(startup);
		load_startup(startup);
	}
	if (!offline && vty_listen(sock) != 0)
		return 1;
	if (!no_console && console_start() != 0) {
		perror("ikesh: console");
		return 1;
	}
	ev_run();
	vty_shutdown();
	/* tell the peers (INFORMATIONAL Delete) instead of leaving them a dead
	 * SA until DPD; a second signal cuts the wait short */
	ikev2_runtime_shutdown(1000);
	return 0;
}

int main(int argc, char **argv)
{
	char **cmds = calloc((size_t)argc + 1, sizeof *cmds); /* the -c commands */
	if (!cmds)
		return 1;
	int rc = run(argc, argv, cmds);
	free(cmds);
	return rc;
}
