/* crypto ikev2 client flexvpn: FlexVPN client profiles (peers with their
 * track objects, tunnel activation, tunnel sources, backup group, the tunnel
 * interface and the inside interfaces). */
#include "flexvpn/config.h"
#include "lib/array.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/cmd.h"
#include "lib/config_registry.h"

static struct flexvpn_client *clients;

static struct flexvpn_client *client_find(const char *name)
{
	for (struct flexvpn_client *f = clients; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

const struct flexvpn_client *flexvpn_client_find(const char *name) { return client_find(name); }
const struct flexvpn_client *flexvpn_client_first(void) { return clients; }

static void client_reset(void)
{
	while (clients) {
		struct flexvpn_client *f = clients;
		clients = f->next;
		free(f);
	}
}

/* crypto ikev2 client flexvpn NAME */
int h_fv_client(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	const char *name = cmd_arg(c, no ? 5 : 4)->text;
	if (strlen(name) >= FLEXVPN_NAME_MAX) {
		cmd_err(c, "%% FlexVPN client name \"%s\" is too long (at most %d characters)", name,
			FLEXVPN_NAME_MAX - 1);
		return -1;
	}
	struct flexvpn_client *f = client_find(name);
	if (no) {
		if (!f) {
			cmd_err(c, "%% FlexVPN client %s does not exist", name);
			return -1;
		}
		for (struct flexvpn_client **pp = &clients; *pp; pp = &(*pp)->next)
			if (*pp == f) {
				*pp = f->next;
				break;
			}
		free(f);
		return 0;
	}
	if (!f) {
		f = calloc(1, sizeof *f);
		if (!f)
			abort();
		snprintf(f->name, sizeof f->name, "%s", name);
		f->connect = FLEXVPN_CONNECT_AUTO;
		f->tunnel = -1;
		f->backup_group = -1;
		f->src_line = c->src_line;
		struct flexvpn_client **tail = &clients;
		while (*tail)
			tail = &(*tail)->next;
		*tail = f;
	}
	cmd_enter(c, MODE_IKEV2_FLEXVPN, f);
	return 0;
}

/* A host name as IOS takes it: letters, digits, '-', '.', '_'. */
static bool valid_hostname(const char *s)
{
	if (!*s || strlen(s) >= FLEXVPN_DOMAIN_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.' && *s != '_')
			return false;
	return true;
}

/* "track N [up|down]" at or after index from: fills track and down. */
static void track_opts(const struct cmdctx *c, int from, int *track, bool *down)
{
	int i = cmd_find_from(c, "track", from);
	*track = i >= 0 ? (int)cmd_arg(c, i + 1)->num : 0;
	*down = i >= 0 && cmd_find_from(c, "down", i) >= 0;
}

/* peer N {A.B.C.D | X:X::X | fqdn NAME [dynamic] [ipv6]} [track T [up|down]]
 * peer reactivate */
int h_fv_client_peer(struct cmdctx *c)
{
	struct flexvpn_client *f = c->objs[MODE_IKEV2_FLEXVPN];
	bool no = cmd_negated(c);
	int i0 = no ? 1 : 0;
	const struct cmdarg *a = cmd_arg(c, i0 + 1);
	if (a->kind == ARG_KEYWORD) { /* reactivate */
		f->peer_reactivate = !no;
		return 0;
	}
	int seq = (int)a->num, at = -1;
	for (int i = 0; i < f->n_peers; i++)
		if (f->peers[i].seq == seq)
			at = i;
	if (no) {
		if (at < 0) {
			cmd_err(c, "%% Peer %d is not configured", seq);
			return -1;
		}
		ARRAY_DEL(f->peers, f->n_peers, at);
		f->n_peers--;
		return 0;
	}
	struct flexvpn_peer p;
	memset(&p, 0, sizeof p);
	p.seq = seq;
	p.line = c->src_line;
	const struct cmdarg *v = cmd_arg(c, i0 + 2);
	if (v->kind == ARG_IPV4) {
		p.kind = FLEXVPN_PEER_IPV4;
		inet_pton(AF_INET, v->text, &p.addr4);
	} else if (v->kind == ARG_IPV6) {
		p.kind = FLEXVPN_PEER_IPV6;
		inet_pton(AF_INET6, v->text, &p.addr6);
	} else {
		const char *host = cmd_arg(c, i0 + 3)->text;
		if (!valid_hostname(host)) {
			cmd_err(c, "%% Invalid host name \"%s\"", host);
			return -1;
		}
		p.kind = FLEXVPN_PEER_FQDN;
		snprintf(p.fqdn, sizeof p.fqdn, "%s", host);
		p.fqdn_dynamic = cmd_find_from(c, "dynamic", i0 + 4) >= 0;
		p.fqdn_ipv6 = cmd_find_from(c, "ipv6", i0 + 4) >= 0;
	}
	track_opts(c, i0 + 2, &p.track, &p.track_down);
	if (at >= 0) {
		f->peers[at] = p;
		return 0;
	}
	if (f->n_peers == FLEXVPN_MAX_PEERS) {
		cmd_err(c, "%% At most %d peers can be configured in a FlexVPN client", FLEXVPN_MAX_PEERS);
		return -1;
	}
	int pos = f->n_peers;
	while (pos > 0 && f->peers[pos - 1].seq > seq)
		pos--;
	memmove(&f->peers[pos + 1], &f->peers[pos], (size_t)(f->n_peers - pos) * sizeof f->peers[0]);
	f->peers[pos] = p;
	f->n_peers++;
	return 0;
}

/* connect {auto | manual | track N [up|down]} */
int h_fv_client_connect(struct cmdctx *c)
{
	struct flexvpn_client *f = c->objs[MODE_IKEV2_FLEXVPN];
	f->connect_track = 0;
	f->connect_track_down = false;
	f->connect_line = c->src_line;
	if (cmd_negated(c) || cmd_has(c, "auto")) {
		f->connect = FLEXVPN_CONNECT_AUTO;
	} else if (cmd_has(c, "manual")) {
		f->connect = FLEXVPN_CONNECT_MANUAL;
	} else {
		f->connect = FLEXVPN_CONNECT_TRACK;
		track_opts(c, 1, &f->connect_track, &f->connect_track_down);
	}
	return 0;
}

/* client connect Tunnel N | client inside IF */
int h_fv_client_client(struct cmdctx *c)
{
	struct flexvpn_client *f = c->objs[MODE_IKEV2_FLEXVPN];
	bool no = cmd_negated(c);
	int i0 = no ? 1 : 0;
	const char *what = cmd_arg(c, i0 + 1)->name;
	if (strcmp(what, "connect") == 0) {
		if (no) {
			f->tunnel = -1;
			return 0;
		}
		int t = (int)cmd_arg(c, i0 + 3)->num;
		for (const struct flexvpn_client *o = clients; o; o = o->next)
			if (o != f && o->tunnel == t) {
				cmd_err(c, "%% Tunnel%d is already used by FlexVPN client %s", t, o->name);
				return -1;
			}
		f->tunnel = t;
		f->tunnel_line = c->src_line;
		return 0;
	}
	/* inside */
	if (no && c->cmd->nargs <= i0 + 2) {
		f->n_inside = 0;
		return 0;
	}
	char ifname[FLEXVPN_IFNAME_MAX];
	flexvpn_ifname_at(c, i0 + 2, ifname, sizeof ifname);
	int at = -1;
	for (int i = 0; i < f->n_inside; i++)
		if (strcmp(f->inside[i], ifname) == 0)
			at = i;
	if (no) {
		if (at < 0) {
			cmd_err(c, "%% %s is not an inside interface of FlexVPN client %s", ifname, f->name);
			return -1;
		}
		ARRAY_DEL(f->inside, f->n_inside, at);
		ARRAY_DEL(f->inside_line, f->n_inside, at);
		f->n_inside--;
		return 0;
	}
	if (at >= 0)
		return 0;
	if (f->n_inside == FLEXVPN_MAX_INSIDE) {
		cmd_err(c, "%% At most %d inside interfaces can be configured", FLEXVPN_MAX_INSIDE);
		return -1;
	}
	f->inside_line[f->n_inside] = c->src_line;
	snprintf(f->inside[f->n_inside++], sizeof f->inside[0], "%s", ifname);
	return 0;
}

/* source N IF [track T] */
int h_fv_client_source(struct cmdctx *c)
{
	struct flexvpn_client *f = c->objs[MODE_IKEV2_FLEXVPN];
	bool no = cmd_negated(c);
	int i0 = no ? 1 : 0;
	int seq = (int)cmd_arg(c, i0 + 1)->num, at = -1;
	for (int i = 0; i < f->n_sources; i++)
		if (f->sources[i].seq == seq)
			at = i;
	if (no) {
		if (at < 0) {
			cmd_err(c, "%% Source %d is not configured", seq);
			return -1;
		}
		ARRAY_DEL(f->sources, f->n_sources, at);
		f->n_sources--;
		return 0;
	}
	struct flexvpn_source s;
	memset(&s, 0, sizeof s);
	s.seq = seq;
	s.line = c->src_line;
	flexvpn_ifname_at(c, i0 + 2, s.ifname, sizeof s.ifname);
	s.track = (int)cmd_num_after(c, "track", 0);
	if (at >= 0) {
		f->sources[at] = s;
		return 0;
	}
	if (f->n_sources == FLEXVPN_MAX_SOURCES) {
		cmd_err(c, "%% At most %d tunnel sources can be configured", FLEXVPN_MAX_SOURCES);
		return -1;
	}
	int pos = f->n_sources;
	while (pos > 0 && f->sources[pos - 1].seq > seq)
		pos--;
	memmove(&f->sources[pos + 1], &f->sources[pos], (size_t)(f->n_sources - pos) * sizeof s);
	f->sources[pos] = s;
	f->n_sources++;
	return 0;
}

/* backup group {N | default} */
int h_fv_client_backup(struct cmdctx *c)
{
	struct flexvpn_client *f = c->objs[MODE_IKEV2_FLEXVPN];
	if (cmd_negated(c)) {
		f->backup_group = -1;
		return 0;
	}
	const struct cmdarg *a = cmd_arg(c, 2);
	f->backup_group = a->kind == ARG_NUMBER ? (int)a->num : 0;
	return 0;
}

/* ---- running-config: IOS indents this block by two spaces ---- */

static void write_track(struct buf *b, int track, bool down)
{
	if (track)
		buf_printf(b, " track %d%s", track, down ? " down" : "");
}

static void client_write(struct buf *b)
{
	char s[INET6_ADDRSTRLEN];
	for (const struct flexvpn_client *f = clients; f; f = f->next) {
		buf_printf(b, "crypto ikev2 client flexvpn %s\n", f->name);
		for (int i = 0; i < f->n_peers; i++) {
			const struct flexvpn_peer *p = &f->peers[i];
			buf_printf(b, "  peer %d ", p->seq);
			if (p->kind == FLEXVPN_PEER_IPV4)
				buf_adds(b, inet_ntop(AF_INET, &p->addr4, s, sizeof s));
			else if (p->kind == FLEXVPN_PEER_IPV6)
				buf_adds(b, inet_ntop(AF_INET6, &p->addr6, s, sizeof s));
			else
				buf_printf(b, "fqdn %s%s%s", p->fqdn, p->fqdn_dynamic ? " dynamic" : "",
					   p->fqdn_ipv6 ? " ipv6" : "");
			write_track(b, p->track, p->track_down);
			buf_addc(b, '\n');
		}
		if (f->peer_reactivate)
			buf_adds(b, "  peer reactivate\n");
		for (int i = 0; i < f->n_sources; i++) {
			buf_printf(b, "  source %d %s", f->sources[i].seq, f->sources[i].ifname);
			write_track(b, f->sources[i].track, false);
			buf_addc(b, '\n');
		}
		if (f->connect == FLEXVPN_CONNECT_MANUAL)
			buf_adds(b, "  connect manual\n");
		else if (f->connect == FLEXVPN_CONNECT_TRACK) {
			buf_adds(b, "  connect");
			write_track(b, f->connect_track, f->connect_track_down);
			buf_addc(b, '\n');
		}
		if (f->backup_group == 0)
			buf_adds(b, "  backup group default\n");
		else if (f->backup_group > 0)
			buf_printf(b, "  backup group %d\n", f->backup_group);
		for (int i = 0; i < f->n_inside; i++)
			buf_printf(b, "  client inside %s\n", f->inside[i]);
		if (f->tunnel >= 0)
			buf_printf(b, "  client connect Tunnel%d\n", f->tunnel);
		buf_adds(b, "!\n");
	}
}

static void check_track(struct problem_list *p, const struct flexvpn_client *f, int track, int line,
			const char *what)
{
	if (track && flexvpn_ref_track(track) == 0)
		problem_add(p, line, "FlexVPN client %s: %s track %d does not exist", f->name, what, track);
}

static void client_check(struct problem_list *p)
{
	for (const struct flexvpn_client *f = clients; f; f = f->next) {
		if (f->tunnel >= 0) {
			char t[32];
			snprintf(t, sizeof t, "Tunnel%d", f->tunnel);
			if (flexvpn_ref_interface(t) == 0)
				problem_add(p, f->tunnel_line,
					    "FlexVPN client %s: client connect interface %s does not exist",
					    f->name, t);
		}
		for (int i = 0; i < f->n_peers; i++)
			check_track(p, f, f->peers[i].track, f->peers[i].line, "peer");
		if (f->connect == FLEXVPN_CONNECT_TRACK)
			check_track(p, f, f->connect_track, f->connect_line, "connect");
		for (int i = 0; i < f->n_sources; i++) {
			check_track(p, f, f->sources[i].track, f->sources[i].line, "source");
			if (flexvpn_ref_interface(f->sources[i].ifname) == 0)
				problem_add(p, f->sources[i].line,
					    "FlexVPN client %s: source interface %s does not exist", f->name,
					    f->sources[i].ifname);
		}
		for (int i = 0; i < f->n_inside; i++)
			if (flexvpn_ref_interface(f->inside[i]) == 0)
				problem_add(p, f->inside_line[i],
					    "FlexVPN client %s: inside interface %s does not exist", f->name,
					    f->inside[i]);
	}
}

static struct config_section sec_client = {
	"crypto ikev2 client flexvpn", ORDER_IKEV2_CLIENT, client_write, client_reset, client_check, NULL
};

__attribute__((constructor)) static void client_init(void)
{
	config_section_register(&sec_client);
}
