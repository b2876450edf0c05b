/* access-list N ..., ip access-list standard|extended NAME and their
 * entries, show [ip] access-lists. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config_registry.h"
#include "lib/array.h"
#include "tunnel/config_internal.h"

enum { ACL_MAX_ACES = 4096, REMARK_MAX = 100 };

struct tacl {
	struct tunnel_acl a;
	long *keys;                 /* ordering key of each entry: seq*2, remarks odd */
	int cap;
	int line;
};

static struct tacl **acls;
static int n_acls, cap_acls;

/* ---- names of protocols, ports, ICMP types ---- */

struct numname {
	int num;
	const char *name;
};

static const struct numname protos[] = {
	{ 0, "ip" }, { 1, "icmp" }, { 2, "igmp" }, { 4, "ipinip" }, { 6, "tcp" }, { 17, "udp" },
	{ 47, "gre" }, { 50, "esp" }, { 51, "ahp" }, { 88, "eigrp" }, { 89, "ospf" }, { 94, "nos" },
	{ 103, "pim" }, { 108, "pcp" }, { -1, NULL },
};

static const struct numname tcp_ports[] = {
	{ 179, "bgp" }, { 19, "chargen" }, { 514, "cmd" }, { 13, "daytime" }, { 9, "discard" },
	{ 53, "domain" }, { 7, "echo" }, { 512, "exec" }, { 79, "finger" }, { 21, "ftp" },
	{ 20, "ftp-data" }, { 70, "gopher" }, { 101, "hostname" }, { 113, "ident" }, { 194, "irc" },
	{ 543, "klogin" }, { 544, "kshell" }, { 513, "login" }, { 515, "lpd" }, { 135, "msrpc" },
	{ 119, "nntp" }, { 109, "pop2" }, { 110, "pop3" }, { 25, "smtp" }, { 111, "sunrpc" },
	{ 49, "tacacs" }, { 517, "talk" }, { 23, "telnet" }, { 37, "time" }, { 540, "uucp" },
	{ 43, "whois" }, { 80, "www" }, { -1, NULL },
};

static const struct numname udp_ports[] = {
	{ 512, "biff" }, { 68, "bootpc" }, { 67, "bootps" }, { 9, "discard" }, { 195, "dnsix" },
	{ 53, "domain" }, { 7, "echo" }, { 500, "isakmp" }, { 434, "mobile-ip" }, { 42, "nameserver" },
	{ 138, "netbios-dgm" }, { 137, "netbios-ns" }, { 139, "netbios-ss" }, { 4500, "non500-isakmp" },
	{ 123, "ntp" }, { 520, "rip" }, { 161, "snmp" }, { 162, "snmptrap" }, { 111, "sunrpc" },
	{ 514, "syslog" }, { 49, "tacacs" }, { 517, "talk" }, { 69, "tftp" }, { 37, "time" },
	{ 513, "who" }, { 177, "xdmcp" }, { -1, NULL },
};

static const struct {
	const char *name;
	int type, code;
} icmp_names[] = {
	{ "echo-reply", 0, -1 }, { "unreachable", 3, -1 }, { "packet-too-big", 3, 4 },
	{ "source-quench", 4, -1 }, { "redirect", 5, -1 }, { "echo", 8, -1 },
	{ "time-exceeded", 11, -1 }, { "ttl-exceeded", 11, 0 }, { "parameter-problem", 12, -1 },
	{ "timestamp-request", 13, -1 }, { "timestamp-reply", 14, -1 }, { "traceroute", 30, -1 },
	{ NULL, 0, 0 },
};

static int name_num(const struct numname *t, const char *name)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t->num;
	return -1;
}

static const char *num_name(const struct numname *t, int num)
{
	for (; t->name; t++)
		if (t->num == num)
			return t->name;
	return NULL;
}

/* ---- store ---- */

static struct tacl *acl_get(const char *name)
{
	for (int i = 0; i < n_acls; i++)
		if (strcmp(acls[i]->a.name, name) == 0)
			return acls[i];
	return NULL;
}

const struct tunnel_acl *tunnel_acl_find(const char *name)
{
	struct tacl *t = name ? acl_get(name) : NULL;
	return t ? &t->a : NULL;
}

int tunnel_acl_exists(const char *name) { return tunnel_acl_find(name) != NULL; }
int tunnel_acl_count(void) { return n_acls; }
const struct tunnel_acl *tunnel_acl_at(int i) { return i >= 0 && i < n_acls ? &acls[i]->a : NULL; }

int tunnel_wildcard_plen(struct in_addr wild)
{
	struct in_addr m = { ~wild.s_addr };
	return tun_mask_contiguous(m) ? tunnel_mask_plen(m) : -1;
}

static struct tacl *acl_create(const char *name, int number, bool extended, int line)
{
	struct tacl *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	snprintf(t->a.name, sizeof t->a.name, "%s", name);
	t->a.number = number;
	t->a.extended = extended;
	t->line = line;
	if (n_acls == cap_acls) {
		cap_acls = cap_acls ? cap_acls * 2 : 16;
		acls = realloc(acls, (size_t)cap_acls * sizeof *acls);
		if (!acls)
			abort();
	}
	acls[n_acls++] = t;
	return t;
}

static void acl_delete(struct tacl *t)
{
	for (int i = 0; i < n_acls; i++)
		if (acls[i] == t) {
			ARRAY_DEL(acls, n_acls, i);
			n_acls--;
			break;
		}
	free(t->a.aces);
	free(t->keys);
	free(t);
}

static bool acl_alive(const struct tacl *t)
{
	for (int i = 0; i < n_acls; i++)
		if (acls[i] == t)
			return true;
	return false;
}

static int highest_seq(const struct tacl *t)
{
	int hi = 0;
	for (int i = 0; i < t->a.n_aces; i++)
		if (!t->a.aces[i].is_remark && t->a.aces[i].seq > hi)
			hi = t->a.aces[i].seq;
	return hi;
}

static void insert_at_key(struct tacl *t, const struct tunnel_ace *e, long key)
{
	if (t->a.n_aces == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->a.aces = realloc(t->a.aces, (size_t)t->cap * sizeof *t->a.aces);
		t->keys = realloc(t->keys, (size_t)t->cap * sizeof *t->keys);
		if (!t->a.aces || !t->keys)
			abort();
	}
	int at = t->a.n_aces;
	while (at > 0 && t->keys[at - 1] > key)
		at--;
	memmove(&t->a.aces[at + 1], &t->a.aces[at], (size_t)(t->a.n_aces - at) * sizeof *t->a.aces);
	memmove(&t->keys[at + 1], &t->keys[at], (size_t)(t->a.n_aces - at) * sizeof *t->keys);
	t->a.aces[at] = *e;
	t->keys[at] = key;
	t->a.n_aces++;
}

static void remove_ace(struct tacl *t, int i)
{
	ARRAY_DEL(t->a.aces, t->a.n_aces, i);
	ARRAY_DEL(t->keys, t->a.n_aces, i);
	t->a.n_aces--;
}

static bool same_ace(const struct tunnel_ace *x, const struct tunnel_ace *y)
{
	if (x->is_remark || y->is_remark)
		return x->is_remark && y->is_remark && strcmp(x->remark, y->remark) == 0;
	return x->permit == y->permit && x->proto == y->proto && x->src.s_addr == y->src.s_addr &&
	       x->src_wild.s_addr == y->src_wild.s_addr && x->dst.s_addr == y->dst.s_addr &&
	       x->dst_wild.s_addr == y->dst_wild.s_addr && x->sport.op == y->sport.op &&
	       x->sport.lo == y->sport.lo && x->sport.hi == y->sport.hi && x->dport.op == y->dport.op &&
	       x->dport.lo == y->dport.lo && x->dport.hi == y->dport.hi && x->icmp_type == y->icmp_type &&
	       x->icmp_code == y->icmp_code && x->established == y->established && x->log == y->log;
}

static int find_ace(const struct tacl *t, const struct tunnel_ace *e)
{
	for (int i = 0; i < t->a.n_aces; i++)
		if (same_ace(&t->a.aces[i], e))
			return i;
	return -1;
}

/* Add an entry (seq 0: the next multiple of 10).  Returns 0 or -1. */
static int add_ace(struct cmdctx *c, struct tacl *t, struct tunnel_ace *e, int seq)
{
	if (find_ace(t, e) >= 0 && !e->is_remark)
		return 0; /* the same entry again: nothing to do */
	if (t->a.n_aces >= ACL_MAX_ACES) {
		cmd_err(c, "%% Access list %s is full (%d entries)", t->a.name, ACL_MAX_ACES);
		return -1;
	}
	if (e->is_remark) {
		e->seq = 0;
		insert_at_key(t, e, (long)(highest_seq(t) + 10) * 2 - 1);
		return 0;
	}
	if (seq) {
		for (int i = 0; i < t->a.n_aces; i++)
			if (!t->a.aces[i].is_remark && t->a.aces[i].seq == seq) {
				cmd_err(c, "%% Duplicate sequence number");
				return -1;
			}
	} else {
		long next = highest_seq(t) + 10L;
		if (next > 2147483647L) {
			cmd_err(c, "%% Exceeded maximum sequence number.");
			return -1;
		}
		seq = (int)next;
	}
	e->seq = seq;
	insert_at_key(t, e, (long)seq * 2);
	return 0;
}

/* ---- parsing an entry from the command's arguments ---- */

static void addr_any(struct in_addr *a, struct in_addr *w)
{
	a->s_addr = 0;
	w->s_addr = 0xffffffffu;
}

/* any | host A | A [W] (W only when wild_optional is false or present). */
static int parse_addr(struct cmdctx *c, int i, bool standard, struct in_addr *a, struct in_addr *w)
{
	const struct cmdarg *x = cmd_arg(c, i);
	if (x->kind == ARG_KEYWORD && strcmp(x->name, "any") == 0) {
		addr_any(a, w);
		return i + 1;
	}
	if (x->kind == ARG_KEYWORD && strcmp(x->name, "host") == 0) {
		tun_ip4_parse(cmd_arg(c, i + 1)->text, a);
		w->s_addr = 0;
		return i + 2;
	}
	tun_ip4_parse(x->text, a);
	const struct cmdarg *y = cmd_arg(c, i + 1);
	if (y && y->kind == ARG_IPV4) {
		tun_ip4_parse(y->text, w);
		i += 2;
	} else {
		w->s_addr = 0;
		i += 1;
	}
	(void)standard;
	a->s_addr &= ~w->s_addr; /* IOS drops the address bits the wildcard ignores */
	return i;
}

static int port_value(const struct cmdarg *x, bool udp)
{
	if (x->kind == ARG_NUMBER)
		return (int)x->num;
	return name_num(udp ? udp_ports : tcp_ports, x->name);
}

static int parse_port(struct cmdctx *c, int i, bool udp, struct tunnel_port_match *p)
{
	const struct cmdarg *x = cmd_arg(c, i);
	memset(p, 0, sizeof *p);
	if (!x || x->kind != ARG_KEYWORD)
		return i;
	static const struct {
		const char *kw;
		enum tunnel_port_op op;
	} ops[] = { { "eq", TUNNEL_PORT_EQ }, { "neq", TUNNEL_PORT_NEQ }, { "lt", TUNNEL_PORT_LT },
		    { "gt", TUNNEL_PORT_GT }, { "range", TUNNEL_PORT_RANGE } };
	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
		if (strcmp(x->name, ops[k].kw) == 0) {
			p->op = ops[k].op;
			p->lo = (uint16_t)port_value(cmd_arg(c, i + 1), udp);
			if (p->op == TUNNEL_PORT_RANGE) {
				p->hi = (uint16_t)port_value(cmd_arg(c, i + 2), udp);
				return i + 3;
			}
			return i + 2;
		}
	return i;
}

static int parse_ace(struct cmdctx *c, int i, bool extended, struct tunnel_ace *e)
{
	memset(e, 0, sizeof *e);
	e->icmp_type = e->icmp_code = -1;
	e->permit = strcmp(cmd_arg(c, i)->name, "permit") == 0;
	i++;
	if (!extended) {
		e->proto = -1;
		i = parse_addr(c, i, true, &e->src, &e->src_wild);
	} else {
		const struct cmdarg *p = cmd_arg(c, i);
		e->proto = p->kind == ARG_NUMBER ? (int)p->num : name_num(protos, p->name);
		i++;
		bool tcp = p->kind == ARG_KEYWORD && strcmp(p->name, "tcp") == 0;
		bool udp = p->kind == ARG_KEYWORD && strcmp(p->name, "udp") == 0;
		bool icmp = p->kind == ARG_KEYWORD && strcmp(p->name, "icmp") == 0;
		i = parse_addr(c, i, false, &e->src, &e->src_wild);
		if (tcp || udp)
			i = parse_port(c, i, udp, &e->sport);
		i = parse_addr(c, i, false, &e->dst, &e->dst_wild);
		if (tcp || udp)
			i = parse_port(c, i, udp, &e->dport);
		if (icmp) {
			const struct cmdarg *x = cmd_arg(c, i);
			if (x && x->kind == ARG_NUMBER) {
				e->icmp_type = (int)x->num;
				i++;
				x = cmd_arg(c, i);
				if (x && x->kind == ARG_NUMBER) {
					e->icmp_code = (int)x->num;
					i++;
				}
			} else if (x) {
				for (int k = 0; icmp_names[k].name; k++)
					if (strcmp(icmp_names[k].name, x->name) == 0) {
						e->icmp_type = icmp_names[k].type;
						e->icmp_code = icmp_names[k].code;
						i++;
						break;
					}
			}
		}
	}
	for (const struct cmdarg *x; (x = cmd_arg(c, i)) != NULL; i++) {
		if (strcmp(x->name, "established") == 0)
			e->established = true;
		else if (strcmp(x->name, "log") == 0)
			e->log = 1;
		else if (strcmp(x->name, "log-input") == 0)
			e->log = 2;
	}
	if (e->sport.op == TUNNEL_PORT_RANGE && e->sport.lo > e->sport.hi) {
		cmd_err(c, "%% Invalid port range %u %u", e->sport.lo, e->sport.hi);
		return -1;
	}
	if (e->dport.op == TUNNEL_PORT_RANGE && e->dport.lo > e->dport.hi) {
		cmd_err(c, "%% Invalid port range %u %u", e->dport.lo, e->dport.hi);
		return -1;
	}
	return 0;
}

/* ---- text of an entry ---- */

static void addr_text(struct buf *b, struct in_addr a, struct in_addr w, bool standard, bool show)
{
	if (w.s_addr == 0xffffffffu)
		buf_adds(b, "any");
	else if (w.s_addr == 0)
		buf_printf(b, standard ? "%s" : "host %s", tun_ip4(a));
	else if (standard && show)
		buf_printf(b, "%s, wildcard bits %s", tun_ip4(a), tun_ip4(w));
	else
		buf_printf(b, "%s %s", tun_ip4(a), tun_ip4(w));
}

static void port_text(struct buf *b, const struct tunnel_port_match *p, bool udp)
{
	static const char *const opn[] = { "", "eq", "neq", "lt", "gt", "range" };
	if (p->op == TUNNEL_PORT_ANY)
		return;
	const struct numname *t = udp ? udp_ports : tcp_ports;
	const char *n = num_name(t, p->lo);
	buf_printf(b, " %s ", opn[p->op]);
	if (n)
		buf_adds(b, n);
	else
		buf_printf(b, "%u", p->lo);
	if (p->op == TUNNEL_PORT_RANGE) {
		n = num_name(t, p->hi);
		if (n)
			buf_printf(b, " %s", n);
		else
			buf_printf(b, " %u", p->hi);
	}
}

/* The entry after its action, as running-config prints it (or show). */
static void ace_body(struct buf *b, const struct tunnel_ace *e, bool show)
{
	if (e->proto < 0) {
		addr_text(b, e->src, e->src_wild, true, show);
	} else {
		const char *pn = num_name(protos, e->proto);
		if (pn)
			buf_printf(b, "%s ", pn);
		else
			buf_printf(b, "%d ", e->proto);
		bool udp = e->proto == TUNNEL_PROTO_UDP;
		addr_text(b, e->src, e->src_wild, false, show);
		port_text(b, &e->sport, udp);
		buf_addc(b, ' ');
		addr_text(b, e->dst, e->dst_wild, false, show);
		port_text(b, &e->dport, udp);
		if (e->icmp_type >= 0) {
			const char *in = NULL;
			for (int k = 0; icmp_names[k].name; k++)
				if (icmp_names[k].type == e->icmp_type && icmp_names[k].code == e->icmp_code)
					in = icmp_names[k].name;
			if (in)
				buf_printf(b, " %s", in);
			else if (e->icmp_code >= 0)
				buf_printf(b, " %d %d", e->icmp_type, e->icmp_code);
			else
				buf_printf(b, " %d", e->icmp_type);
		}
		if (e->established)
			buf_adds(b, " established");
	}
	if (e->log)
		buf_adds(b, e->log == 2 ? " log-input" : " log");
}

static void ace_config_text(struct buf *b, const struct tunnel_ace *e)
{
	if (e->is_remark) {
		buf_printf(b, "remark %s", e->remark);
		return;
	}
	buf_adds(b, e->permit ? "permit " : "deny   ");
	ace_body(b, e, false);
}

/* ---- handlers ---- */

static bool std_number(long n) { return (n >= 1 && n <= 99) || (n >= 1300 && n <= 1999); }
static bool ext_number(long n) { return (n >= 100 && n <= 199) || (n >= 2000 && n <= 2699); }

int h_tunnel_acl_numbered(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	int i = no ? 2 : 1;
	long num = cmd_arg(c, i)->num;
	char name[16];
	snprintf(name, sizeof name, "%ld", num);
	bool extended = ext_number(num);
	struct tacl *t = acl_get(name);
	if (no) {
		/* IOS: any "no access-list N ..." removes the whole list */
		if (t)
			acl_delete(t);
		return 0;
	}
	struct tunnel_ace e;
	if (strcmp(cmd_arg(c, i + 1)->name, "remark") == 0) {
		const char *r = cmd_arg(c, i + 2)->text;
		if (strlen(r) > REMARK_MAX) {
			cmd_err(c, "%% Remark is longer than %d characters", REMARK_MAX);
			return -1;
		}
		memset(&e, 0, sizeof e);
		e.is_remark = true;
		e.proto = extended ? 0 : -1;
		snprintf(e.remark, sizeof e.remark, "%s", r);
	} else if (parse_ace(c, i + 1, extended, &e) != 0) {
		return -1;
	}
	if (!t)
		t = acl_create(name, (int)num, extended, c->src_line);
	return add_ace(c, t, &e, 0);
}

int h_tunnel_acl_named(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	int i = no ? 3 : 2;
	bool extended = strcmp(cmd_arg(c, i)->name, "extended") == 0;
	const char *name = cmd_arg(c, i + 1)->text;
	int number = 0;
	if (isdigit((unsigned char)name[0])) {
		char *end;
		long n = strtol(name, &end, 10);
		if (*end || !(std_number(n) || ext_number(n))) {
			cmd_err(c, "%% Invalid access list name.");
			return -1;
		}
		if (ext_number(n) != extended) {
			cmd_err(c, "%% Access-list type conflicts with prior definition");
			return -1;
		}
		number = (int)n;
	}
	if (strlen(name) >= TUNNEL_NAME_MAX) {
		cmd_err(c, "%% Access list name %s is longer than %d characters", name, TUNNEL_NAME_MAX - 1);
		return -1;
	}
	struct tacl *t = acl_get(name);
	if (no) {
		if (t)
			acl_delete(t);
		return 0;
	}
	if (t && t->a.extended != extended) {
		cmd_err(c, "%% Access-list type conflicts with prior definition");
		return -1;
	}
	if (!t)
		t = acl_create(name, number, extended, c->src_line);
	cmd_enter(c, extended ? MODE_EXT_NACL : MODE_STD_NACL, t);
	return 0;
}

int h_tunnel_acl_entry(struct cmdctx *c)
{
	bool extended = c->mode == MODE_EXT_NACL;
	struct tacl *t = c->objs[c->mode];
	if (!t || !acl_alive(t)) {
		cmd_err(c, "%% The access list being configured has been deleted");
		return -1;
	}
	bool no = cmd_negated(c);
	int i = no ? 1 : 0;
	const struct cmdarg *a = cmd_arg(c, i);
	struct tunnel_ace e;
	int seq = 0;
	if (a->kind == ARG_NUMBER) {
		seq = (int)a->num;
		if (no) { /* no SEQ */
			for (int k = 0; k < t->a.n_aces; k++)
				if (!t->a.aces[k].is_remark && t->a.aces[k].seq == seq) {
					remove_ace(t, k);
					break;
				}
			return 0;
		}
		i++;
		a = cmd_arg(c, i);
	}
	if (strcmp(a->name, "remark") == 0) {
		const char *r = cmd_arg(c, i + 1)->text;
		memset(&e, 0, sizeof e);
		e.is_remark = true;
		e.proto = extended ? 0 : -1;
		if (strlen(r) > REMARK_MAX) {
			cmd_err(c, "%% Remark is longer than %d characters", REMARK_MAX);
			return -1;
		}
		snprintf(e.remark, sizeof e.remark, "%s", r);
	} else if (parse_ace(c, i, extended, &e) != 0) {
		return -1;
	}
	if (no) {
		int k = find_ace(t, &e);
		if (k >= 0)
			remove_ace(t, k);
		return 0;
	}
	return add_ace(c, t, &e, seq);
}

/* ---- running-config ---- */

static void write_acls(struct buf *b)
{
	size_t start = b->len;
	for (int i = 0; i < n_acls; i++) {
		const struct tacl *t = acls[i];
		if (t->a.number)
			continue;
		buf_printf(b, "ip access-list %s %s\n", t->a.extended ? "extended" : "standard", t->a.name);
		for (int k = 0; k < t->a.n_aces; k++) {
			buf_addc(b, ' ');
			ace_config_text(b, &t->a.aces[k]);
			buf_addc(b, '\n');
		}
	}
	for (int i = 0; i < n_acls; i++) {
		const struct tacl *t = acls[i];
		if (!t->a.number)
			continue;
		for (int k = 0; k < t->a.n_aces; k++) {
			buf_printf(b, "access-list %d ", t->a.number);
			ace_config_text(b, &t->a.aces[k]);
			buf_addc(b, '\n');
		}
	}
	if (b->len != start)
		buf_adds(b, "!\n");
}

static void reset_acls(void)
{
	while (n_acls)
		acl_delete(acls[n_acls - 1]);
	free(acls);
	acls = NULL;
	cap_acls = 0;
}

static struct config_section sec_acl = { "access-list", ORDER_ACL, write_acls, reset_acls, NULL, NULL };

__attribute__((constructor)) static void acl_init(void)
{
	config_section_register(&sec_acl);
}

/* ---- show [ip] access-lists [NAME] ---- */

static void show_acl(struct cmdctx *c, const struct tacl *t)
{
	cmd_out(c, "%s IP access list %s\n", t->a.extended ? "Extended" : "Standard", t->a.name);
	struct buf b;
	buf_init(&b);
	for (int k = 0; k < t->a.n_aces; k++) {
		const struct tunnel_ace *e = &t->a.aces[k];
		if (e->is_remark)
			continue;
		buf_reset(&b);
		buf_adds(&b, e->permit ? "permit " : "deny   ");
		ace_body(&b, e, true);
		cmd_out(c, "    %d %s\n", e->seq, buf_cstr(&b));
	}
	buf_free(&b);
}

int h_tunnel_show_acl(struct cmdctx *c)
{
	int i = cmd_find(c, "access-lists");
	const struct cmdarg *a = cmd_arg(c, i + 1);
	if (a && a->kind == ARG_WORD) {
		const struct tacl *t = acl_get(a->text);
		if (t)
			show_acl(c, t);
		return 0;
	}
	for (int k = 0; k < n_acls; k++)
		show_acl(c, acls[k]);
	return 0;
}
