/*
 * Virtual-Access interfaces: one per FlexVPN server session, cloned from
 * "interface Virtual-Template N type tunnel" (IOS dVTI).
 *
 * A Virtual-Access is a derived interface: it lives in the interface table
 * (show interfaces, show ip interface brief, show ip route), is never
 * written to the running-config, and "show derived-config interface
 * Virtual-AccessK" prints its cloned configuration.  Its tunnel source and
 * destination are the IKE SA's addresses; it carries the CHILD_SAs of one
 * IKE SA (ike_id), which the data plane binds to it.  Creating and
 * removing one logs %LINK-3-UPDOWN and %LINEPROTO-5-UPDOWN as IOS does.
 *
 * Control-plane thread only.
 */
#ifndef IKESH_TUNNEL_VIRTUAL_ACCESS_H
#define IKESH_TUNNEL_VIRTUAL_ACCESS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "tunnel/tunnel.h"

struct tunnel_va {
	char name[TUNNEL_IFNAME_MAX];	/* "Virtual-Access1" */
	int vt;				/* the Virtual-Template number */
	uint64_t ike_id;		/* the IKE SA whose CHILD_SAs it carries */
	struct in_addr src, dst;	/* tunnel source / destination */
};

/* Clone Virtual-TemplateN into the lowest free Virtual-AccessK, with its
 * endpoints and IKE SA.  0 and the name in out, or -1 (no such template,
 * or it is not "type tunnel"). */
int tunnel_va_create(int vt, struct in_addr src, struct in_addr dst, uint64_t ike_id,
		     char *out, size_t outlen);
/* Remove it (and the session routes through it).  0 or -1. */
int tunnel_va_delete(const char *name);
/* The session moved to a new IKE SA (rekey). */
int tunnel_va_rebind(const char *name, uint64_t ike_id);
/* The peer's address changed (NAT). */
int tunnel_va_set_dst(const char *name, struct in_addr dst);

const struct tunnel_va *tunnel_va_find(const char *name);
const struct tunnel_va *tunnel_va_by_ike(uint64_t ike_id);
unsigned tunnel_va_count(void);
const struct tunnel_va *tunnel_va_at(unsigned i);
/* Bumped on every change (data-plane reconciliation). */
uint64_t tunnel_va_generation(void);

#endif
