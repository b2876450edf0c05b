/* track N interface|ip sla|list ..., the (config-track) sub-mode, show track.
 *
 * States come from the configuration for now: an interface's line protocol
 * is what tunnel_if_line_up() says (Loopback and physical interfaces up
 * unless shut down, Tunnel interfaces down until the IKEv2 engine brings
 * them up); IP SLA operations do not exist yet, so SLA objects are Down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/config_registry.h"
#include "lib/array.h"
#include "tunnel/config_internal.h"

enum { TRACK_MAX_OBJECTS = 16, TRACK_MAX = 1000 };

struct track_obj {
	int num;
	bool negate;
	int line;
};

struct track {
	int num;
	enum tunnel_track_kind kind;
	char ifname[TUNNEL_IFNAME_MAX];
	long sla;
	struct track_obj objs[TRACK_MAX_OBJECTS];
	int n_objs;
	int delay_up, delay_down;      /* -1: not set */
	char description[TUNNEL_DESCR_MAX + 1];
	int line;
	/* state history */
	int state;                     /* -1 not evaluated yet, 0 down, 1 up */
	int changes;
	time_t last_change;
};

static struct track *tracks[TRACK_MAX + 1];

static int eval(const struct track *t, int depth);

static int obj_state(int num, int depth)
{
	if (num < 1 || num > TRACK_MAX || !tracks[num] || depth > 8)
		return 0;
	return eval(tracks[num], depth + 1);
}

static int eval(const struct track *t, int depth)
{
	const struct tunnel_ifconf *ic;
	struct in_addr a, m;
	switch (t->kind) {
	case TUNNEL_TRACK_LINE_PROTOCOL:
		ic = tunnel_if_find(t->ifname);
		return ic && tunnel_if_line_up(ic);
	case TUNNEL_TRACK_IP_ROUTING:
		ic = tunnel_if_find(t->ifname);
		return ic && tunnel_if_line_up(ic) && tunnel_if_ipv4(ic, &a, &m);
	case TUNNEL_TRACK_LIST_AND:
	case TUNNEL_TRACK_LIST_OR: {
		bool and = t->kind == TUNNEL_TRACK_LIST_AND;
		if (t->n_objs == 0)
			return 0;
		for (int i = 0; i < t->n_objs; i++) {
			int s = obj_state(t->objs[i].num, depth) ^ (t->objs[i].negate ? 1 : 0);
			if (and && !s)
				return 0;
			if (!and && s)
				return 1;
		}
		return and ? 1 : 0;
	}
	default:
		return 0; /* no IP SLA operations yet */
	}
}

void tun_track_poll(void)
{
	time_t now = time(NULL);
	for (int n = 1; n <= TRACK_MAX; n++) {
		struct track *t = tracks[n];
		if (!t)
			continue;
		int s = eval(t, 0);
		if (s != t->state) {
			t->state = s;
			t->changes++;
			t->last_change = now;
		}
	}
}

int tunnel_track_exists(int n) { return n >= 1 && n <= TRACK_MAX && tracks[n] != NULL; }

int tunnel_track_state(int n)
{
	if (!tunnel_track_exists(n))
		return -1;
	tun_track_poll();
	return tracks[n]->state;
}

static struct track *cur_track(struct cmdctx *c)
{
	struct track *t = c->objs[MODE_TRACK];
	for (int n = 1; t && n <= TRACK_MAX; n++)
		if (tracks[n] == t)
			return t;
	cmd_err(c, "%% The track object being configured has been deleted");
	return NULL;
}

static const char *kind_text(enum tunnel_track_kind k)
{
	switch (k) {
	case TUNNEL_TRACK_LINE_PROTOCOL: return "interface line-protocol";
	case TUNNEL_TRACK_IP_ROUTING: return "interface ip routing";
	case TUNNEL_TRACK_SLA_STATE: return "ip sla state";
	case TUNNEL_TRACK_SLA_REACH: return "ip sla reachability";
	case TUNNEL_TRACK_LIST_AND: return "list boolean and";
	default: return "list boolean or";
	}
}

static int do_track(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	int num = (int)cmd_arg(c, no ? 2 : 1)->num;
	if (no) {
		free(tracks[num]);
		tracks[num] = NULL;
		return 0;
	}
	enum tunnel_track_kind kind;
	char ifname[TUNNEL_IFNAME_MAX] = "";
	long sla = 0;
	if (cmd_has(c, "interface")) {
		if (tun_ifname_at(c, 3, ifname, sizeof ifname) != 0)
			return -1;
		kind = cmd_has(c, "routing") ? TUNNEL_TRACK_IP_ROUTING : TUNNEL_TRACK_LINE_PROTOCOL;
	} else if (cmd_has(c, "sla")) {
		sla = cmd_num_after(c, "sla", 0);
		kind = cmd_has(c, "reachability") ? TUNNEL_TRACK_SLA_REACH : TUNNEL_TRACK_SLA_STATE;
	} else {
		kind = cmd_has(c, "and") ? TUNNEL_TRACK_LIST_AND : TUNNEL_TRACK_LIST_OR;
	}
	struct track *t = tracks[num];
	if (t) {
		bool same_family = (t->kind <= TUNNEL_TRACK_IP_ROUTING) == (kind <= TUNNEL_TRACK_IP_ROUTING) &&
				   ((t->kind == TUNNEL_TRACK_SLA_STATE || t->kind == TUNNEL_TRACK_SLA_REACH) ==
				    (kind == TUNNEL_TRACK_SLA_STATE || kind == TUNNEL_TRACK_SLA_REACH));
		if (!same_family) {
			cmd_err(c, "%% Track object %d is already configured as %s: remove it first (no track %d)",
				num, kind_text(t->kind), num);
			return -1;
		}
	} else {
		t = calloc(1, sizeof *t);
		if (!t)
			abort();
		t->num = num;
		t->delay_up = t->delay_down = -1;
		t->state = -1;
		t->line = c->src_line;
		tracks[num] = t;
	}
	t->kind = kind;
	snprintf(t->ifname, sizeof t->ifname, "%s", ifname);
	t->sla = sla;
	if (kind == TUNNEL_TRACK_LINE_PROTOCOL || kind == TUNNEL_TRACK_IP_ROUTING)
		t->line = c->src_line;
	cmd_enter(c, MODE_TRACK, t);
	return 0;
}

int h_tunnel_track(struct cmdctx *c)
{
	int rc = do_track(c);
	tun_track_poll();
	return rc;
}

static int do_track_opt(struct cmdctx *c)
{
	struct track *t = cur_track(c);
	if (!t)
		return -1;
	bool no = cmd_negated(c);
	const char *what = cmd_arg(c, no ? 1 : 0)->name;
	if (strcmp(what, "delay") == 0) {
		t->delay_up = t->delay_down = -1;
		if (no)
			return 0;
		int i = cmd_find(c, "up"), j = cmd_find(c, "down");
		if (i >= 0)
			t->delay_up = (int)cmd_arg(c, i + 1)->num;
		if (j >= 0)
			t->delay_down = (int)cmd_arg(c, j + 1)->num;
		return 0;
	}
	if (strcmp(what, "description") == 0) {
		if (no) {
			t->description[0] = 0;
			return 0;
		}
		const char *d = cmd_arg(c, 1)->text;
		if (strlen(d) > TUNNEL_DESCR_MAX) {
			cmd_err(c, "%% Description is longer than %d characters", TUNNEL_DESCR_MAX);
			return -1;
		}
		snprintf(t->description, sizeof t->description, "%s", d);
		return 0;
	}
	/* object N [not] */
	if (t->kind != TUNNEL_TRACK_LIST_AND && t->kind != TUNNEL_TRACK_LIST_OR) {
		tun_invalid_at(c, no ? 1 : 0);
		return -1;
	}
	int num = (int)cmd_num_after(c, "object", 0);
	int found = -1;
	for (int i = 0; i < t->n_objs; i++)
		if (t->objs[i].num == num)
			found = i;
	if (no) {
		if (found >= 0) {
			ARRAY_DEL(t->objs, t->n_objs, found);
			t->n_objs--;
		}
		return 0;
	}
	if (num == t->num) {
		cmd_err(c, "%% Track object %d cannot be a member of its own list", num);
		return -1;
	}
	if (found < 0) {
		if (t->n_objs == TRACK_MAX_OBJECTS) {
			cmd_err(c, "%% A track list holds at most %d objects", TRACK_MAX_OBJECTS);
			return -1;
		}
		/* kept in object number order, as IOS lists them */
		int at = t->n_objs;
		while (at > 0 && t->objs[at - 1].num > num)
			at--;
		memmove(&t->objs[at + 1], &t->objs[at], (size_t)(t->n_objs - at) * sizeof t->objs[0]);
		t->n_objs++;
		found = at;
	}
	t->objs[found].num = num;
	t->objs[found].negate = cmd_has(c, "not");
	t->objs[found].line = c->src_line;
	return 0;
}

int h_tunnel_track_opt(struct cmdctx *c)
{
	int rc = do_track_opt(c);
	tun_track_poll();
	return rc;
}

/* ---- running-config ---- */

static void write_tracks(struct buf *b)
{
	for (int n = 1; n <= TRACK_MAX; n++) {
		const struct track *t = tracks[n];
		if (!t)
			continue;
		switch (t->kind) {
		case TUNNEL_TRACK_LINE_PROTOCOL:
			buf_printf(b, "track %d interface %s line-protocol\n", n, t->ifname);
			break;
		case TUNNEL_TRACK_IP_ROUTING:
			buf_printf(b, "track %d interface %s ip routing\n", n, t->ifname);
			break;
		case TUNNEL_TRACK_SLA_STATE:
			buf_printf(b, "track %d ip sla %ld\n", n, t->sla);
			break;
		case TUNNEL_TRACK_SLA_REACH:
			buf_printf(b, "track %d ip sla %ld reachability\n", n, t->sla);
			break;
		case TUNNEL_TRACK_LIST_AND:
		case TUNNEL_TRACK_LIST_OR:
			buf_printf(b, "track %d list boolean %s\n", n, t->kind == TUNNEL_TRACK_LIST_AND ? "and" : "or");
			break;
		}
		if (t->description[0])
			buf_printf(b, " description %s\n", t->description);
		for (int i = 0; i < t->n_objs; i++)
			buf_printf(b, " object %d%s\n", t->objs[i].num, t->objs[i].negate ? " not" : "");
		if (t->delay_down >= 0 && t->delay_up >= 0)
			buf_printf(b, " delay down %d up %d\n", t->delay_down, t->delay_up);
		else if (t->delay_down >= 0)
			buf_printf(b, " delay down %d\n", t->delay_down);
		else if (t->delay_up >= 0)
			buf_printf(b, " delay up %d\n", t->delay_up);
		buf_adds(b, "!\n");
	}
}

static void reset_tracks(void)
{
	for (int n = 0; n <= TRACK_MAX; n++) {
		free(tracks[n]);
		tracks[n] = NULL;
	}
}

static void check_tracks(struct problem_list *p)
{
	for (int n = 1; n <= TRACK_MAX; n++) {
		const struct track *t = tracks[n];
		if (!t)
			continue;
		if ((t->kind == TUNNEL_TRACK_LINE_PROTOCOL || t->kind == TUNNEL_TRACK_IP_ROUTING) &&
		    !tunnel_interface_exists(t->ifname))
			problem_add(p, t->line, "track %d: interface %s does not exist", n, t->ifname);
		for (int i = 0; i < t->n_objs; i++)
			if (!tunnel_track_exists(t->objs[i].num))
				problem_add(p, t->objs[i].line, "track %d: object %d: track object %d does not exist",
					    n, t->objs[i].num, t->objs[i].num);
	}
}

static struct config_section sec_track = { "track", ORDER_TRACK, write_tracks, reset_tracks, check_tracks, NULL };

__attribute__((constructor)) static void track_init(void)
{
	config_section_register(&sec_track);
}

/* ---- show track [N] ---- */

static const char *updown(int s) { return s ? "Up" : "Down"; }

static void show_one(struct cmdctx *c, const struct track *t, time_t now)
{
	char ago[32];
	tun_fmt_duration(ago, sizeof ago, (long)(now - t->last_change));
	cmd_out(c, "Track %d\n", t->num);
	switch (t->kind) {
	case TUNNEL_TRACK_LINE_PROTOCOL:
		cmd_out(c, "  Interface %s line-protocol\n  Line protocol is %s\n", t->ifname, updown(t->state));
		break;
	case TUNNEL_TRACK_IP_ROUTING: {
		const struct tunnel_ifconf *ic = tunnel_if_find(t->ifname);
		struct in_addr a, m;
		bool noaddr = ic && tunnel_if_line_up(ic) && !tunnel_if_ipv4(ic, &a, &m);
		cmd_out(c, "  Interface %s ip routing\n  IP routing is %s%s\n", t->ifname, updown(t->state),
			noaddr ? " (no ip address)" : "");
		break;
	}
	case TUNNEL_TRACK_SLA_STATE:
		cmd_out(c, "  IP SLA %ld state\n  State is %s\n", t->sla, updown(t->state));
		break;
	case TUNNEL_TRACK_SLA_REACH:
		cmd_out(c, "  IP SLA %ld reachability\n  Reachability is %s\n", t->sla, updown(t->state));
		break;
	case TUNNEL_TRACK_LIST_AND:
	case TUNNEL_TRACK_LIST_OR: {
		bool and = t->kind == TUNNEL_TRACK_LIST_AND;
		cmd_out(c, "  List boolean %s\n  Boolean %s is %s\n", and ? "and" : "or", and ? "AND" : "OR",
			updown(t->state));
		break;
	}
	}
	cmd_out(c, "    %d change%s, last change %s\n", t->changes, t->changes == 1 ? "" : "s", ago);
	if (t->kind == TUNNEL_TRACK_SLA_STATE || t->kind == TUNNEL_TRACK_SLA_REACH)
		cmd_out(c, "  Latest operation return code: Unknown\n");
	for (int i = 0; i < t->n_objs; i++) {
		int s = obj_state(t->objs[i].num, 0);
		cmd_out(c, "  object %d %s%s\n", t->objs[i].num, t->objs[i].negate ? "not " : "", updown(s));
	}
	if (t->delay_up >= 0 || t->delay_down >= 0) {
		cmd_out(c, "  Delay");
		if (t->delay_up >= 0)
			cmd_out(c, " up %d sec%s", t->delay_up, t->delay_up == 1 ? "" : "s");
		if (t->delay_down >= 0)
			cmd_out(c, "%s down %d sec%s", t->delay_up >= 0 ? "," : "", t->delay_down,
				t->delay_down == 1 ? "" : "s");
		cmd_out(c, "\n");
	}
}

int h_tunnel_show_track(struct cmdctx *c)
{
	tun_track_poll();
	time_t now = time(NULL);
	const struct cmdarg *a = cmd_first_kind(c, ARG_NUMBER, 0);
	if (a) {
		if (tracks[a->num])
			show_one(c, tracks[a->num], now);
		return 0;
	}
	for (int n = 1; n <= TRACK_MAX; n++)
		if (tracks[n])
			show_one(c, tracks[n], now);
	return 0;
}
