/* Session-installed routes (see tunnel/dynroute.h). */
#include "tunnel/dynroute.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/array.h"

enum { DYNROUTE_MAX = 4096 };

static struct tunnel_dynroute routes[DYNROUTE_MAX];
static unsigned n_routes;
static uint64_t generation;

static struct in_addr masked(struct in_addr a, unsigned plen)
{
	uint32_t m = plen ? htonl(0xffffffffu << (32 - plen)) : 0;
	a.s_addr &= m;
	return a;
}

static int find(const char *owner, struct in_addr prefix, unsigned plen, const char *ifname)
{
	for (unsigned i = 0; i < n_routes; i++) {
		const struct tunnel_dynroute *r = &routes[i];
		if (r->prefix.s_addr == prefix.s_addr && r->plen == plen &&
		    strcmp(r->owner, owner) == 0 && strcmp(r->ifname, ifname) == 0)
			return (int)i;
	}
	return -1;
}

int tunnel_dynroute_add(const char *owner, struct in_addr prefix, unsigned plen,
			const char *ifname, struct in_addr nexthop, unsigned distance)
{
	if (!owner || !ifname || !*ifname || plen > 32 ||
	    strlen(ifname) >= TUNNEL_IFNAME_MAX || strlen(owner) >= sizeof(routes[0].owner))
		return -1;
	prefix = masked(prefix, plen);
	int at = find(owner, prefix, plen, ifname);
	if (at < 0) {
		if (n_routes >= DYNROUTE_MAX)
			return -1;
		at = (int)n_routes++;
	}
	struct tunnel_dynroute *r = &routes[at];
	r->prefix = prefix;
	r->plen = plen;
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->nexthop = nexthop;
	r->distance = distance;
	snprintf(r->owner, sizeof(r->owner), "%s", owner);
	generation++;
	return 0;
}

static unsigned del_where(const char *owner, const char *ifname)
{
	unsigned gone = 0;
	for (unsigned i = n_routes; i-- > 0;) {
		if ((owner && strcmp(routes[i].owner, owner) == 0) ||
		    (ifname && strcmp(routes[i].ifname, ifname) == 0)) {
			ARRAY_DEL(routes, n_routes, i);
			n_routes--;
			gone++;
		}
	}
	if (gone)
		generation++;
	return gone;
}

unsigned tunnel_dynroute_del_owner(const char *owner) { return owner ? del_where(owner, NULL) : 0; }
unsigned tunnel_dynroute_del_ifname(const char *ifname) { return ifname ? del_where(NULL, ifname) : 0; }

const struct tunnel_dynroute *tunnel_dynroute_at(unsigned i) { return i < n_routes ? &routes[i] : NULL; }
unsigned tunnel_dynroute_count(void) { return n_routes; }
uint64_t tunnel_dynroute_generation(void) { return generation; }
