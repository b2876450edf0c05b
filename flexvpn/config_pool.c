/* ip local pool: named IPv4 address pools (one or more ranges each), the
 * address allocator the FlexVPN server uses for mode configuration, and
 * "show ip local pool". */
#include "flexvpn/config.h"
#include "lib/array.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/cmd.h"
#include "lib/config_registry.h"

struct pool_range {
	uint32_t lo, hi;          /* host byte order, lo <= hi */
	uint8_t *used;            /* one bit per address */
	uint32_t n_used;
};

struct pool_lease {
	uint32_t addr;
	char owner[FLEXVPN_NAME_MAX];
};

struct pool {
	char name[FLEXVPN_NAME_MAX];
	struct pool_range *ranges;
	int n_ranges;
	struct pool_lease *leases;
	int n_leases, cap_leases;
	struct pool *next;
};

static struct pool *pools;

static uint32_t range_size(const struct pool_range *r) { return r->hi - r->lo + 1; }

static struct pool *pool_find(const char *name)
{
	for (struct pool *p = pools; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static void pool_free(struct pool *p)
{
	for (int i = 0; i < p->n_ranges; i++)
		free(p->ranges[i].used);
	free(p->ranges);
	free(p->leases);
	free(p);
}

static void pool_unlink(struct pool *p)
{
	for (struct pool **pp = &pools; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	pool_free(p);
}

static void pools_reset(void)
{
	while (pools) {
		struct pool *p = pools;
		pools = p->next;
		pool_free(p);
	}
}

static struct pool_range *range_of(struct pool *p, uint32_t a)
{
	for (int i = 0; i < p->n_ranges; i++)
		if (a >= p->ranges[i].lo && a <= p->ranges[i].hi)
			return &p->ranges[i];
	return NULL;
}

static bool bit_get(const struct pool_range *r, uint32_t a)
{
	uint32_t i = a - r->lo;
	return r->used[i / 8] & (1u << (i % 8));
}

static void bit_set(struct pool_range *r, uint32_t a, bool on)
{
	uint32_t i = a - r->lo;
	if (on)
		r->used[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		r->used[i / 8] &= (uint8_t)~(1u << (i % 8));
}

static void ip_str(uint32_t a, char *out)
{
	struct in_addr in = { htonl(a) };
	inet_ntop(AF_INET, &in, out, INET_ADDRSTRLEN);
}

/* ---- the allocator ---- */

bool flexvpn_pool_exists(const char *name) { return pool_find(name) != NULL; }

int flexvpn_pool_counts(const char *name, uint32_t *total, uint32_t *in_use)
{
	struct pool *p = pool_find(name);
	if (!p)
		return -1;
	uint32_t t = 0, u = 0;
	for (int i = 0; i < p->n_ranges; i++) {
		t += range_size(&p->ranges[i]);
		u += p->ranges[i].n_used;
	}
	if (total)
		*total = t;
	if (in_use)
		*in_use = u;
	return 0;
}

static int lease_index_addr(const struct pool *p, uint32_t a)
{
	for (int i = 0; i < p->n_leases; i++)
		if (p->leases[i].addr == a)
			return i;
	return -1;
}

static int lease_index_owner(const struct pool *p, const char *owner)
{
	for (int i = 0; i < p->n_leases; i++)
		if (strcmp(p->leases[i].owner, owner) == 0)
			return i;
	return -1;
}

static void lease_add(struct pool *p, struct pool_range *r, uint32_t a, const char *owner)
{
	if (p->n_leases == p->cap_leases) {
		int cap = p->cap_leases ? p->cap_leases * 2 : 16;
		struct pool_lease *n = realloc(p->leases, (size_t)cap * sizeof *n);
		if (!n)
			abort();
		p->leases = n;
		p->cap_leases = cap;
	}
	struct pool_lease *l = &p->leases[p->n_leases++];
	l->addr = a;
	snprintf(l->owner, sizeof l->owner, "%s", owner ? owner : "");
	bit_set(r, a, true);
	r->n_used++;
}

static void lease_drop(struct pool *p, int i)
{
	struct pool_range *r = range_of(p, p->leases[i].addr);
	if (r && bit_get(r, p->leases[i].addr)) {
		bit_set(r, p->leases[i].addr, false);
		r->n_used--;
	}
	p->leases[i] = p->leases[--p->n_leases];
}

int flexvpn_pool_alloc(const char *pool, const char *owner, struct in_addr *out)
{
	struct pool *p = pool_find(pool);
	if (!p)
		return FLEXVPN_POOL_NO_POOL;
	int li = owner && *owner ? lease_index_owner(p, owner) : -1;
	if (li >= 0) {
		out->s_addr = htonl(p->leases[li].addr);
		return FLEXVPN_POOL_OK;
	}
	for (int i = 0; i < p->n_ranges; i++) {
		struct pool_range *r = &p->ranges[i];
		if (r->n_used == range_size(r))
			continue;
		uint32_t n = range_size(r);
		for (uint32_t k = 0; k < n; k += 8) {
			if (r->used[k / 8] == 0xff)
				continue;
			for (uint32_t j = k; j < k + 8 && j < n; j++)
				if (!bit_get(r, r->lo + j)) {
					lease_add(p, r, r->lo + j, owner);
					out->s_addr = htonl(r->lo + j);
					return FLEXVPN_POOL_OK;
				}
		}
	}
	return FLEXVPN_POOL_EXHAUSTED;
}

int flexvpn_pool_alloc_addr(const char *pool, const char *owner, struct in_addr addr)
{
	struct pool *p = pool_find(pool);
	if (!p)
		return FLEXVPN_POOL_NO_POOL;
	uint32_t a = ntohl(addr.s_addr);
	struct pool_range *r = range_of(p, a);
	if (!r)
		return FLEXVPN_POOL_NOT_IN_POOL;
	int li = lease_index_addr(p, a);
	if (li >= 0)
		return strcmp(p->leases[li].owner, owner ? owner : "") == 0 ? FLEXVPN_POOL_OK
									 : FLEXVPN_POOL_IN_USE;
	/* An owner holds at most one address of a pool: moving to the
	 * requested one gives the old one back. */
	if (owner && *owner && (li = lease_index_owner(p, owner)) >= 0)
		lease_drop(p, li);
	lease_add(p, r, a, owner);
	return FLEXVPN_POOL_OK;
}

int flexvpn_pool_release(const char *pool, struct in_addr addr)
{
	struct pool *p = pool_find(pool);
	if (!p)
		return FLEXVPN_POOL_NO_POOL;
	uint32_t a = ntohl(addr.s_addr);
	if (!range_of(p, a))
		return FLEXVPN_POOL_NOT_IN_POOL;
	int li = lease_index_addr(p, a);
	if (li < 0)
		return FLEXVPN_POOL_NOT_IN_USE;
	lease_drop(p, li);
	return FLEXVPN_POOL_OK;
}

const char *flexvpn_pool_lookup(struct in_addr addr, const char **owner)
{
	uint32_t a = ntohl(addr.s_addr);
	if (owner)
		*owner = NULL;
	for (struct pool *p = pools; p; p = p->next) {
		if (!range_of(p, a))
			continue;
		int li = lease_index_addr(p, a);
		if (li >= 0 && owner)
			*owner = p->leases[li].owner;
		return p->name;
	}
	return NULL;
}

int flexvpn_pool_release_owner(const char *owner)
{
	int n = 0;
	for (struct pool *p = pools; p; p = p->next)
		for (int i = p->n_leases - 1; i >= 0; i--)
			if (strcmp(p->leases[i].owner, owner) == 0) {
				lease_drop(p, i);
				n++;
			}
	return n;
}

/* ---- configuration ---- */

/* Addresses IOS refuses in a pool: this network, loopback, class D and E. */
static const char *martian_in(uint32_t lo, uint32_t hi, uint32_t *bad)
{
	static const struct { uint32_t lo, hi; } blocks[] = {
		{ 0x00000000u, 0x00ffffffu },   /* 0.0.0.0/8 */
		{ 0x7f000000u, 0x7fffffffu },   /* 127.0.0.0/8 */
		{ 0xe0000000u, 0xffffffffu },   /* 224.0.0.0 and above */
	};
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		if (lo <= blocks[i].hi && hi >= blocks[i].lo) {
			*bad = lo > blocks[i].lo ? lo : blocks[i].lo;
			return "martian";
		}
	return NULL;
}

/* ip local pool {NAME|default} START [END] */
int h_fv_ip_local_pool(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	int base = no ? 4 : 3;
	const char *name = cmd_arg(c, base)->text;
	const struct cmdarg *a_lo = cmd_first_kind(c, ARG_IPV4, base + 1);
	const struct cmdarg *a_hi = a_lo ? cmd_first_kind(c, ARG_IPV4, base + 2) : NULL;
	char lo_s[INET_ADDRSTRLEN], hi_s[INET_ADDRSTRLEN];
	struct in_addr in;

	if (strlen(name) >= FLEXVPN_NAME_MAX) {
		cmd_err(c, "%% Pool name \"%s\" is too long (at most %d characters)", name,
			FLEXVPN_NAME_MAX - 1);
		return -1;
	}
	struct pool *p = pool_find(name);
	if (no && !a_lo) {
		if (p)
			pool_unlink(p);
		return 0;
	}
	inet_pton(AF_INET, a_lo->text, &in);
	uint32_t lo = ntohl(in.s_addr), hi = lo;
	if (a_hi) {
		inet_pton(AF_INET, a_hi->text, &in);
		hi = ntohl(in.s_addr);
	}
	ip_str(lo, lo_s);
	ip_str(hi, hi_s);
	if (no) {
		for (int i = 0; p && i < p->n_ranges; i++)
			if (p->ranges[i].lo == lo && p->ranges[i].hi == hi) {
				for (int k = p->n_leases - 1; k >= 0; k--)
					if (p->leases[k].addr >= lo && p->leases[k].addr <= hi)
						lease_drop(p, k);
				free(p->ranges[i].used);
				ARRAY_DEL(p->ranges, p->n_ranges, i);
				if (--p->n_ranges == 0)
					pool_unlink(p);
				return 0;
			}
		cmd_err(c, "%% Pool %s has no range %s %s", name, lo_s, hi_s);
		return -1;
	}
	if (lo > hi) {
		cmd_err(c, "%%Bad IP range, %s-%s", lo_s, hi_s);
		return -1;
	}
	if (hi - lo >= (uint32_t)FLEXVPN_POOL_MAX_RANGE) {
		cmd_err(c, "%%Bad IP range, %s-%s (at most %d addresses in one range)", lo_s, hi_s,
			FLEXVPN_POOL_MAX_RANGE);
		return -1;
	}
	uint32_t bad;
	if (martian_in(lo, hi, &bad)) {
		char b[INET_ADDRSTRLEN];
		ip_str(bad, b);
		cmd_err(c, "%%IP address not allowed in pool: %s", b);
		return -1;
	}
	for (struct pool *q = pools; q; q = q->next)
		for (int i = 0; i < q->n_ranges; i++) {
			const struct pool_range *r = &q->ranges[i];
			if (q == p && r->lo == lo && r->hi == hi)
				return 0; /* the same range again: nothing to do */
			if (lo <= r->hi && hi >= r->lo) {
				cmd_err(c, "%%IP address range overlaps with pool: %s", q->name);
				return -1;
			}
		}
	if (!p) {
		p = calloc(1, sizeof *p);
		if (!p)
			abort();
		snprintf(p->name, sizeof p->name, "%s", name);
		struct pool **tail = &pools;
		while (*tail)
			tail = &(*tail)->next;
		*tail = p;
	}
	struct pool_range *nr = realloc(p->ranges, (size_t)(p->n_ranges + 1) * sizeof *nr);
	if (!nr)
		abort();
	p->ranges = nr;
	struct pool_range *r = &p->ranges[p->n_ranges++];
	r->lo = lo;
	r->hi = hi;
	r->n_used = 0;
	r->used = calloc((range_size(r) + 7) / 8, 1);
	if (!r->used)
		abort();
	return 0;
}

/* ---- show ip local pool [NAME] ---- */

static void show_pool_lines(struct cmdctx *c, const struct pool *p)
{
	for (int i = 0; i < p->n_ranges; i++) {
		const struct pool_range *r = &p->ranges[i];
		char lo[INET_ADDRSTRLEN], hi[INET_ADDRSTRLEN];
		ip_str(r->lo, lo);
		ip_str(r->hi, hi);
		cmd_out(c, " %-24s %-15s %-15s%5u%8u\n", i == 0 ? p->name : "", lo, hi,
			range_size(r) - r->n_used, r->n_used);
	}
}

static const char pool_header[] =
	" Pool                     Begin           End             Free  In use\n";

int h_fv_show_ip_local_pool(struct cmdctx *c)
{
	/* after "pool" (the line may start with "do") */
	const struct cmdarg *a = cmd_after(c, "pool");
	const char *name = a && a->kind == ARG_WORD ? a->text : NULL;
	if (name) {
		struct pool *p = pool_find(name);
		if (!p) {
			cmd_err(c, "%%No IP Local Pool named %s", name);
			return -1;
		}
		cmd_out(c, "\n%s", pool_header);
		show_pool_lines(c, p);
		cmd_out(c, "Available addresses:\n");
		bool any = false;
		for (int i = 0; i < p->n_ranges; i++) {
			const struct pool_range *r = &p->ranges[i];
			for (uint32_t k = 0; k < range_size(r); k++)
				if (!bit_get(r, r->lo + k)) {
					char s[INET_ADDRSTRLEN];
					ip_str(r->lo + k, s);
					cmd_out(c, "   %17s\n", s);
					any = true;
				}
		}
		if (!any)
			cmd_out(c, "     None\n");
		cmd_out(c, "\nInuse addresses:\n");
		for (int i = 0; i < p->n_leases; i++) {
			char s[INET_ADDRSTRLEN];
			ip_str(p->leases[i].addr, s);
			cmd_out(c, "   %17s    %15s      %s\n", s, "", p->leases[i].owner);
		}
		if (p->n_leases == 0)
			cmd_out(c, "     None\n");
		cmd_out(c, "\n");
		return 0;
	}
	if (!pools) {
		cmd_out(c, "\nNo IP Local Pools configured\n");
		return 0;
	}
	cmd_out(c, "\n%s", pool_header);
	for (struct pool *p = pools; p; p = p->next)
		show_pool_lines(c, p);
	return 0;
}

/* ---- running-config ---- */

static void pool_write(struct buf *b)
{
	if (!pools)
		return;
	for (struct pool *p = pools; p; p = p->next)
		for (int i = 0; i < p->n_ranges; i++) {
			char lo[INET_ADDRSTRLEN], hi[INET_ADDRSTRLEN];
			ip_str(p->ranges[i].lo, lo);
			ip_str(p->ranges[i].hi, hi);
			if (p->ranges[i].lo == p->ranges[i].hi)
				buf_printf(b, "ip local pool %s %s\n", p->name, lo);
			else
				buf_printf(b, "ip local pool %s %s %s\n", p->name, lo, hi);
		}
	buf_adds(b, "!\n");
}

static struct config_section sec_pool = { "ip local pool", ORDER_POOL, pool_write, pools_reset, NULL, NULL };

__attribute__((constructor)) static void pool_init(void)
{
	config_section_register(&sec_pool);
}
