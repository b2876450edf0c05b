/*
 * Routes that sessions install at run time, not from "ip route" lines:
 * a FlexVPN server's routes to each spoke's subnets via its Virtual-Access,
 * a FlexVPN client's routes for the subnets the server pushed, via its
 * tunnel.  They live while their owner (an IKE session) lives, are never
 * written to the running-config, and are shown by "show ip route" and
 * installed by the data plane like static routes through the interface.
 *
 * Control-plane thread only.
 */
#ifndef IKESH_TUNNEL_DYNROUTE_H
#define IKESH_TUNNEL_DYNROUTE_H

#include <netinet/in.h>
#include <stdint.h>

#include "tunnel/tunnel.h"

struct tunnel_dynroute {
	struct in_addr prefix;		/* network, host bits zero */
	unsigned plen;
	char ifname[TUNNEL_IFNAME_MAX];	/* IOS name: "Virtual-Access1", "Tunnel0" */
	struct in_addr nexthop;		/* 0.0.0.0: directly through ifname */
	unsigned distance;		/* administrative distance (IOS: 1 like static) */
	char owner[64];			/* who installed it, e.g. "ikev2-sa 7" */
};

/* Add (or refresh) a route.  The prefix is masked to plen.  0, or -1 when
 * the table is full or the arguments are invalid (plen > 32, no ifname). */
int tunnel_dynroute_add(const char *owner, struct in_addr prefix, unsigned plen,
			const char *ifname, struct in_addr nexthop, unsigned distance);
/* Remove every route of an owner; returns how many went. */
unsigned tunnel_dynroute_del_owner(const char *owner);
/* Remove every route through an interface (it went away). */
unsigned tunnel_dynroute_del_ifname(const char *ifname);
/* Iterate in insertion order; i from 0 while it returns non-NULL. */
const struct tunnel_dynroute *tunnel_dynroute_at(unsigned i);
unsigned tunnel_dynroute_count(void);
/* Bumped on every change, so a data plane can tell when to reconcile. */
uint64_t tunnel_dynroute_generation(void);

#endif
