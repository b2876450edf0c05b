/* Interface names, addresses and small helpers shared by the tunnel module. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/session.h"
#include "tunnel/config_internal.h"

static const struct {
	const char *name;
	const char *shortname;
	bool physical;
	unsigned long lo, hi;  /* unit range for single-number types */
} iftypes[TUNNEL_IF_TYPE_COUNT] = {
	[TUNNEL_IF_LOOPBACK] = { "Loopback", "Lo", false, 0, 2147483647UL },
	[TUNNEL_IF_TUNNEL] = { "Tunnel", "Tu", false, 0, 2147483647UL },
	[TUNNEL_IF_ETHERNET] = { "Ethernet", "Et", true, 0, 0 },
	[TUNNEL_IF_FASTETHERNET] = { "FastEthernet", "Fa", true, 0, 0 },
	[TUNNEL_IF_GIGABITETHERNET] = { "GigabitEthernet", "Gi", true, 0, 0 },
	[TUNNEL_IF_VIRTUAL_TEMPLATE] = { "Virtual-Template", "Vt", false, 1, 4095 },
	[TUNNEL_IF_VIRTUAL_ACCESS] = { "Virtual-Access", "Vi", false, 1, 2147483647UL },
};

const char *tunnel_iftype_name(enum tunnel_iftype t)
{
	return (unsigned)t < TUNNEL_IF_TYPE_COUNT ? iftypes[t].name : "?";
}

const char *tunnel_iftype_short(enum tunnel_iftype t)
{
	return (unsigned)t < TUNNEL_IF_TYPE_COUNT ? iftypes[t].shortname : "?";
}

/* Canonical unit text: numbers without leading zeros, range checked.
 * Physical: N(/N)*[.N]; others: one number in the type's range. */
static int canon_unit(enum tunnel_iftype t, const char *u, size_t len, char *out, size_t outlen)
{
	char tmp[40];
	size_t o = 0;
	if (len == 0 || len >= sizeof tmp)
		return -1;
	if (!iftypes[t].physical) {
		for (size_t i = 0; i < len; i++)
			if (!isdigit((unsigned char)u[i]))
				return -1;
		if (len > 10)
			return -1;
		memcpy(tmp, u, len);
		tmp[len] = 0;
		unsigned long v = strtoul(tmp, NULL, 10);
		if (v < iftypes[t].lo || v > iftypes[t].hi)
			return -1;
		if ((size_t)snprintf(out, outlen, "%lu", v) >= outlen)
			return -1;
		return 0;
	}
	size_t i = 0;
	int comps = 0;
	bool subif = false;
	while (i < len) {
		size_t j = i;
		while (j < len && isdigit((unsigned char)u[j]))
			j++;
		if (j == i || j - i > 10)
			return -1;
		memcpy(tmp, u + i, j - i);
		tmp[j - i] = 0;
		unsigned long v = strtoul(tmp, NULL, 10);
		if (subif ? v > 4294967295UL : v > 9999)
			return -1;
		int w = snprintf(out + o, outlen - o, "%lu", v);
		if (w < 0 || (size_t)w >= outlen - o)
			return -1;
		o += (size_t)w;
		comps++;
		if (j == len)
			break;
		if (subif)
			return -1;                  /* nothing after the sub-interface */
		if (u[j] == '.') {
			subif = true;
		} else if (u[j] != '/') {
			return -1;
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = u[j];
		out[o] = 0;
		i = j + 1;
		if (i == len)
			return -1;
	}
	return comps > 0 ? 0 : -1;
}

/* The type whose name the letters abbreviate (exact match wins). */
static int match_type(const char *s, size_t len)
{
	int hit = -1, hits = 0;
	if (len == 0)
		return -1;
	for (int t = 0; t < TUNNEL_IF_TYPE_COUNT; t++) {
		if (strlen(iftypes[t].name) == len && strncasecmp(iftypes[t].name, s, len) == 0)
			return t;
		if (strlen(iftypes[t].name) > len && strncasecmp(iftypes[t].name, s, len) == 0) {
			hit = t;
			hits++;
		}
	}
	if (hits == 1)
		return hit;
	/* IOS short forms that are not plain prefixes. */
	if (len == 2 && strncasecmp(s, "vi", 2) == 0)
		return TUNNEL_IF_VIRTUAL_ACCESS;
	if (len == 2 && strncasecmp(s, "vt", 2) == 0)
		return TUNNEL_IF_VIRTUAL_TEMPLATE;
	return -1;
}

int tunnel_ifname_normalize(const char *in, char *out, size_t outlen)
{
	if (outlen)
		out[0] = 0;
	if (!in)
		return -1;
	while (isspace((unsigned char)*in))
		in++;
	size_t i = 0;
	while (in[i] && (isalpha((unsigned char)in[i]) || in[i] == '-'))
		i++;
	int t = match_type(in, i);
	if (t < 0)
		return -1;
	const char *u = in + i;
	while (isspace((unsigned char)*u))
		u++;
	size_t ulen = strlen(u);
	while (ulen && isspace((unsigned char)u[ulen - 1]))
		ulen--;
	char unit[32];
	if (canon_unit((enum tunnel_iftype)t, u, ulen, unit, sizeof unit) != 0)
		return -1;
	if ((size_t)snprintf(out, outlen, "%s%s", iftypes[t].name, unit) >= outlen) {
		if (outlen)
			out[0] = 0;
		return -1;
	}
	return 0;
}

int tunnel_ifname_parse(const char *name, enum tunnel_iftype *type, char *unit, size_t unitlen)
{
	char canon[TUNNEL_IFNAME_MAX];
	if (tunnel_ifname_normalize(name, canon, sizeof canon) != 0)
		return -1;
	for (int t = 0; t < TUNNEL_IF_TYPE_COUNT; t++) {
		size_t l = strlen(iftypes[t].name);
		if (strncmp(canon, iftypes[t].name, l) == 0 && isdigit((unsigned char)canon[l])) {
			if (type)
				*type = (enum tunnel_iftype)t;
			if (unit)
				snprintf(unit, unitlen, "%s", canon + l);
			return 0;
		}
	}
	return -1;
}

int tun_ifname_at(struct cmdctx *c, int i, char *out, size_t n)
{
	const struct cmdarg *kw = cmd_arg(c, i), *num = cmd_arg(c, i + 1);
	if (!kw || !num) {
		cmd_err(c, "%% Incomplete interface name");
		return -1;
	}
	char joined[96];
	snprintf(joined, sizeof joined, "%s%s", kw->text, num->text);
	if (tunnel_ifname_normalize(joined, out, n) != 0) {
		cmd_err(c, "%% Invalid interface number %s for %s", num->text, kw->text);
		return -1;
	}
	return 0;
}

/* Numbers of a unit: slot/port components, then the sub-interface (-1). */
static int unit_numbers(const char *u, unsigned long *v, int max, long long *subif)
{
	int n = 0;
	*subif = -1;
	while (*u && n < max) {
		char *end;
		v[n++] = strtoul(u, &end, 10);
		if (*end == '.') {
			*subif = strtoll(end + 1, NULL, 10);
			break;
		}
		if (*end != '/')
			break;
		u = end + 1;
	}
	return n;
}

static int show_rank(enum tunnel_iftype t)
{
	switch (t) {
	case TUNNEL_IF_ETHERNET: return 0;
	case TUNNEL_IF_FASTETHERNET: return 1;
	case TUNNEL_IF_GIGABITETHERNET: return 2;
	case TUNNEL_IF_LOOPBACK: return 3;
	case TUNNEL_IF_TUNNEL: return 4;
	case TUNNEL_IF_VIRTUAL_ACCESS: return 5;
	case TUNNEL_IF_VIRTUAL_TEMPLATE: return 6;
	default: return 7;
	}
}

int tun_ifunit_cmp(enum tunnel_iftype ta, const char *ua, enum tunnel_iftype tb, const char *ub,
		   bool running)
{
	int ra = running ? (int)ta : show_rank(ta), rb = running ? (int)tb : show_rank(tb);
	if (ra != rb)
		return ra - rb;
	unsigned long va[8], vb[8];
	long long sa, sb;
	int na = unit_numbers(ua, va, 8, &sa), nb = unit_numbers(ub, vb, 8, &sb);
	for (int i = 0; i < na && i < nb; i++)
		if (va[i] != vb[i])
			return va[i] < vb[i] ? -1 : 1;
	if (na != nb)
		return na - nb;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return 0;
}

int tun_ifname_cmp(const char *a, const char *b, bool running)
{
	enum tunnel_iftype ta, tb;
	char ua[32], ub[32];
	if (tunnel_ifname_parse(a, &ta, ua, sizeof ua) != 0 ||
	    tunnel_ifname_parse(b, &tb, ub, sizeof ub) != 0)
		return strcmp(a, b);
	return tun_ifunit_cmp(ta, ua, tb, ub, running);
}

const char *tun_ip4(struct in_addr a)
{
	static char bufs[8][INET_ADDRSTRLEN];
	static int k;
	char *b = bufs[k++ % 8];
	inet_ntop(AF_INET, &a, b, INET_ADDRSTRLEN);
	return b;
}

const char *tun_ip6(const struct in6_addr *a)
{
	static char bufs[8][INET6_ADDRSTRLEN];
	static int k;
	char *b = bufs[k++ % 8];
	inet_ntop(AF_INET6, a, b, INET6_ADDRSTRLEN);
	for (char *p = b; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return b;
}

bool tun_ip4_parse(const char *s, struct in_addr *a)
{
	return s && inet_pton(AF_INET, s, a) == 1;
}

bool tun_mask_contiguous(struct in_addr m)
{
	uint32_t inv = ~ntohl(m.s_addr);
	return (inv & (inv + 1)) == 0;
}

int tunnel_mask_plen(struct in_addr m)
{
	uint32_t v = ntohl(m.s_addr);
	int n = 0;
	while (v & 0x80000000u) {
		n++;
		v <<= 1;
	}
	return n;
}

struct in_addr tun_plen_mask(int plen)
{
	struct in_addr m;
	m.s_addr = htonl(plen <= 0 ? 0 : plen >= 32 ? 0xffffffffu : ~((1u << (32 - plen)) - 1));
	return m;
}

void tun_invalid_at(struct cmdctx *c, int i)
{
	const struct cmdarg *a = cmd_arg(c, i);
	if (c->loading || !c->session || !a) {
		cmd_err(c, "%% Invalid input detected at '^' marker.");
		return;
	}
	struct buf prompt;
	buf_init(&prompt);
	session_prompt_text(c->session, &prompt);
	cmd_err(c, "%*s^\n%% Invalid input detected at '^' marker.\n", (int)prompt.len + a->col, "");
	buf_free(&prompt);
}

bool tun_copy_name(struct cmdctx *c, const char *what, char *dst, size_t n, const char *src)
{
	if (strlen(src) >= n) {
		cmd_err(c, "%% %s \"%s\" is too long (at most %zu characters)", what, src, n - 1);
		return false;
	}
	memcpy(dst, src, strlen(src) + 1);
	return true;
}

void tun_fmt_duration(char *out, size_t n, long secs)
{
	if (secs < 0)
		secs = 0;
	if (secs < 86400)
		snprintf(out, n, "%02ld:%02ld:%02ld", secs / 3600, secs / 60 % 60, secs % 60);
	else if (secs < 7 * 86400)
		snprintf(out, n, "%ldd%02ldh", secs / 86400, secs / 3600 % 24);
	else
		snprintf(out, n, "%ldw%ldd", secs / (7 * 86400), secs / 86400 % 7);
}

void *tun_sorted_copy(void *const *items, int n, int (*cmp)(const void *, const void *))
{
	void **v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
	if (!v)
		abort();
	if (n > 0) {
		memcpy(v, items, (size_t)n * sizeof *v);
		qsort(v, (size_t)n, sizeof *v, cmp);
	}
	return v;
}
