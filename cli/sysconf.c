/* hostname, service, logging and line configuration. */
#include "cli/sysconf.h"
#include "lib/array.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config_registry.h"
#include "grammar/cmd.h"

enum { SVC_PASSWORD_ENCRYPTION, SVC_TCP_KA_IN, SVC_TCP_KA_OUT, SVC_COUNT };
static const char *const svc_names[SVC_COUNT] = {
	"password-encryption", "tcp-keepalives-in", "tcp-keepalives-out",
};

struct line_conf {
	bool used;
	int first, last;        /* vty range */
	int exec_timeout_min, exec_timeout_sec;
	bool exec_timeout_set;
	bool logging_sync;
	int privilege;          /* -1: not set */
	int login;              /* 0 none, 1 login, 2 login local, -1 not set */
	int length;             /* -1: not set */
	char transport[64];
};

enum { MAX_VTY_BLOCKS = 8 };

static struct {
	char hostname[64];
	bool services[SVC_COUNT];
	char ts[2][64];         /* service timestamps debug/log */
	char log_buffered[64];  /* "" or the arguments after "logging buffered" */
	bool log_buffered_set;
	char log_console[32];
	bool log_console_off;
	char log_monitor[32];
	bool log_monitor_off;
	char log_trap[32];
	char log_hosts[8][16];
	int n_log_hosts;
	struct line_conf con;
	struct line_conf vty[MAX_VTY_BLOCKS];
	bool debug_cli;
} sc;

static void line_defaults(struct line_conf *l)
{
	memset(l, 0, sizeof *l);
	l->privilege = -1;
	l->login = -1;
	l->length = -1;
}

void sysconf_reset(void)
{
	memset(&sc, 0, sizeof sc);
	strcpy(sc.hostname, "Router");
	line_defaults(&sc.con);
	sc.con.used = true;
	for (int i = 0; i < MAX_VTY_BLOCKS; i++)
		line_defaults(&sc.vty[i]);
}

static struct config_section sec_service = { "service", ORDER_SERVICE, sysconf_write_services, sysconf_reset, NULL, NULL };
static struct config_section sec_hostname = { "hostname", ORDER_HOSTNAME, sysconf_write_hostname, NULL, NULL, NULL };
static struct config_section sec_logging = { "logging", ORDER_LOGGING, sysconf_write_logging, NULL, NULL, NULL };
static struct config_section sec_line = { "line", ORDER_LINE, sysconf_write_lines, NULL, NULL, NULL };

__attribute__((constructor)) static void sysconf_init(void)
{
	sysconf_reset();
	config_section_register(&sec_service);
	config_section_register(&sec_hostname);
	config_section_register(&sec_logging);
	config_section_register(&sec_line);
}

const char *sysconf_hostname(void) { return sc.hostname; }
bool sysconf_debug_cli(void) { return sc.debug_cli; }
void sysconf_set_debug_cli(bool on) { sc.debug_cli = on; }

int sysconf_line_length(bool console)
{
	if (console)
		return sc.con.length;
	return sc.vty[0].used ? sc.vty[0].length : -1;
}

int h_hostname(struct cmdctx *c)
{
	if (cmd_negated(c)) {
		strcpy(sc.hostname, "Router");
		return 0;
	}
	const char *name = cmd_arg(c, 1)->text;
	/* IOS: letters, digits, hyphens; must start with a letter; max 63. */
	if (strlen(name) > 63) {
		cmd_err(c, "%% Hostname \"%s\" is longer than 63 characters", name);
		return -1;
	}
	for (const char *p = name; *p; p++)
		if (!(*p == '-' || *p == '.' || *p == '_' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
			cmd_err(c, "%% Invalid hostname \"%s\": only letters, digits, '-', '.' and '_' are allowed", name);
			return -1;
		}
	snprintf(sc.hostname, sizeof sc.hostname, "%s", name);
	return 0;
}

int h_service(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	int base = no ? 2 : 1;
	const struct cmdarg *a = cmd_arg(c, base);
	if (strcmp(a->name, "timestamps") == 0) {
		int k = strcmp(cmd_arg(c, base + 1)->name, "debug") == 0 ? 0 : 1;
		sc.ts[k][0] = 0;
		if (!no) {
			struct buf b;
			buf_init(&b);
			cmd_join(c, base + 2, &b);
			snprintf(sc.ts[k], sizeof sc.ts[k], "%s", buf_cstr(&b));
			buf_free(&b);
		}
		return 0;
	}
	for (int i = 0; i < SVC_COUNT; i++)
		if (strcmp(a->name, svc_names[i]) == 0)
			sc.services[i] = !no;
	return 0;
}

int h_logging(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	int base = no ? 2 : 1;
	const char *what = cmd_arg(c, base)->name;
	struct buf b;
	buf_init(&b);
	cmd_join(c, base + 1, &b);
	const char *rest = buf_cstr(&b);
	if (strcmp(what, "buffered") == 0) {
		sc.log_buffered_set = !no;
		snprintf(sc.log_buffered, sizeof sc.log_buffered, "%s", no ? "" : rest);
	} else if (strcmp(what, "console") == 0) {
		sc.log_console_off = no;
		snprintf(sc.log_console, sizeof sc.log_console, "%s", no ? "" : rest);
	} else if (strcmp(what, "monitor") == 0) {
		sc.log_monitor_off = no;
		snprintf(sc.log_monitor, sizeof sc.log_monitor, "%s", no ? "" : rest);
	} else if (strcmp(what, "trap") == 0) {
		snprintf(sc.log_trap, sizeof sc.log_trap, "%s", no ? "" : rest);
	} else if (strcmp(what, "host") == 0) {
		int found = -1;
		for (int i = 0; i < sc.n_log_hosts; i++)
			if (strcmp(sc.log_hosts[i], rest) == 0)
				found = i;
		if (no && found >= 0) {
			ARRAY_DEL(sc.log_hosts, sc.n_log_hosts, found);
			sc.n_log_hosts--;
		} else if (!no && found < 0) {
			if (sc.n_log_hosts == 8) {
				cmd_err(c, "%% At most 8 logging hosts can be configured");
				buf_free(&b);
				return -1;
			}
			snprintf(sc.log_hosts[sc.n_log_hosts++], sizeof sc.log_hosts[0], "%s", rest);
		}
	}
	buf_free(&b);
	return 0;
}

int h_line(struct cmdctx *c)
{
	if (strcmp(cmd_arg(c, 1)->name, "con") == 0) {
		cmd_enter(c, MODE_LINE, &sc.con);
		return 0;
	}
	int first = (int)cmd_arg(c, 2)->num;
	int last = c->cmd->nargs > 3 ? (int)cmd_arg(c, 3)->num : first;
	if (last < first) {
		cmd_err(c, "%% Last line number %d is below the first %d", last, first);
		return -1;
	}
	struct line_conf *free_slot = NULL;
	for (int i = 0; i < MAX_VTY_BLOCKS; i++) {
		struct line_conf *l = &sc.vty[i];
		if (l->used && l->first == first && l->last == last) {
			cmd_enter(c, MODE_LINE, l);
			return 0;
		}
		if (!l->used && !free_slot)
			free_slot = l;
	}
	if (!free_slot) {
		cmd_err(c, "%% Too many vty line blocks");
		return -1;
	}
	free_slot->used = true;
	free_slot->first = first;
	free_slot->last = last;
	cmd_enter(c, MODE_LINE, free_slot);
	return 0;
}

int h_line_opt(struct cmdctx *c)
{
	struct line_conf *l = c->objs[MODE_LINE];
	bool no = cmd_negated(c);
	const char *what = cmd_arg(c, no ? 1 : 0)->name;
	if (strcmp(what, "exec-timeout") == 0) {
		l->exec_timeout_set = !no;
		l->exec_timeout_min = no ? 0 : (int)cmd_arg(c, 1)->num;
		l->exec_timeout_sec = !no && c->cmd->nargs > 2 ? (int)cmd_arg(c, 2)->num : 0;
	} else if (strcmp(what, "logging") == 0) {
		l->logging_sync = !no;
	} else if (strcmp(what, "privilege") == 0) {
		l->privilege = no ? -1 : (int)cmd_arg(c, 2)->num;
	} else if (strcmp(what, "login") == 0) {
		l->login = no ? 0 : (cmd_has(c, "local") ? 2 : 1);
	} else if (strcmp(what, "length") == 0) {
		l->length = no ? -1 : (int)cmd_arg(c, 1)->num;
	} else if (strcmp(what, "transport") == 0) {
		struct buf b;
		buf_init(&b);
		if (!no)
			cmd_join(c, 2, &b);
		snprintf(l->transport, sizeof l->transport, "%s", no ? "" : buf_cstr(&b));
		buf_free(&b);
	}
	return 0;
}

int h_debug_cli(struct cmdctx *c)
{
	bool off = cmd_negated(c) || strcmp(cmd_arg(c, 0)->name, "undebug") == 0;
	sc.debug_cli = !off;
	cmd_out(c, "CLI parser debugging is %s\n", off ? "off" : "on");
	return 0;
}

void sysconf_write_services(struct buf *b)
{
	if (sc.ts[0][0])
		buf_printf(b, "service timestamps debug %s\n", sc.ts[0]);
	if (sc.ts[1][0])
		buf_printf(b, "service timestamps log %s\n", sc.ts[1]);
	for (int i = 0; i < SVC_COUNT; i++)
		if (sc.services[i])
			buf_printf(b, "service %s\n", svc_names[i]);
	if (b->len)
		buf_adds(b, "!\n");
}

void sysconf_write_hostname(struct buf *b)
{
	buf_printf(b, "hostname %s\n!\n", sc.hostname);
}

void sysconf_write_logging(struct buf *b)
{
	size_t start = b->len;
	if (sc.log_buffered_set)
		buf_printf(b, "logging buffered%s%s\n", sc.log_buffered[0] ? " " : "", sc.log_buffered);
	if (sc.log_console_off)
		buf_adds(b, "no logging console\n");
	else if (sc.log_console[0])
		buf_printf(b, "logging console %s\n", sc.log_console);
	if (sc.log_monitor_off)
		buf_adds(b, "no logging monitor\n");
	else if (sc.log_monitor[0])
		buf_printf(b, "logging monitor %s\n", sc.log_monitor);
	if (sc.log_trap[0])
		buf_printf(b, "logging trap %s\n", sc.log_trap);
	for (int i = 0; i < sc.n_log_hosts; i++)
		buf_printf(b, "logging host %s\n", sc.log_hosts[i]);
	if (b->len != start)
		buf_adds(b, "!\n");
}

static void write_line_body(struct buf *b, const struct line_conf *l)
{
	if (l->exec_timeout_set) {
		buf_printf(b, " exec-timeout %d %d\n", l->exec_timeout_min, l->exec_timeout_sec);
	}
	if (l->privilege >= 0)
		buf_printf(b, " privilege level %d\n", l->privilege);
	if (l->logging_sync)
		buf_adds(b, " logging synchronous\n");
	if (l->login == 0)
		buf_adds(b, " no login\n");
	else if (l->login == 1)
		buf_adds(b, " login\n");
	else if (l->login == 2)
		buf_adds(b, " login local\n");
	if (l->length >= 0)
		buf_printf(b, " length %d\n", l->length);
	if (l->transport[0])
		buf_printf(b, " transport input %s\n", l->transport);
}

void sysconf_write_lines(struct buf *b)
{
	buf_adds(b, "line con 0\n");
	write_line_body(b, &sc.con);
	for (int i = 0; i < MAX_VTY_BLOCKS; i++) {
		const struct line_conf *l = &sc.vty[i];
		if (!l->used)
			continue;
		if (l->first == l->last)
			buf_printf(b, "line vty %d\n", l->first);
		else
			buf_printf(b, "line vty %d %d\n", l->first, l->last);
		write_line_body(b, l);
	}
	buf_adds(b, "!\n");
}
