/*
 * FlexVPN server sessions of the IKEv2 runtime (ikev2/runtime_authz.c):
 * one per IKE SA that was authorized on a profile with aaa authorization
 * or a virtual-template.  A session holds the pool address given to the
 * peer, the subnets the peer announced (CFG_SET), its Virtual-Access
 * interface and the routes through it (tunnel/dynroute.h, owner = the
 * session's owner tag).  It follows its IKE SA across rekeys and goes
 * with it: address released, routes removed, Virtual-Access deleted.
 *
 * The hooks themselves are declared in ikev2/runtime_session.h.
 */
#ifndef IKESH_IKEV2_RUNTIME_AUTHZ_H
#define IKESH_IKEV2_RUNTIME_AUTHZ_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "flexvpn/config.h"
#include "ikev2/engine.h"
#include "lib/buf.h"

enum { IKEV2_FV_MAX_SUBNETS = 32 };

struct ikev2_fv_session {
	unsigned num;			/* 1, 2, ... */
	uint64_t ike_id;		/* current IKE SA */
	char owner[64];			/* pool lease / dynroute owner */
	char profile[IKEV2_ENGINE_NAME_MAX];
	char policy[FLEXVPN_NAME_MAX];	/* authorization policy used ("" none) */
	char pool[FLEXVPN_NAME_MAX];
	bool have_addr;
	struct in_addr addr;		/* assigned host address */
	struct flexvpn_route4 subnets[IKEV2_FV_MAX_SUBNETS];	/* from the peer's CFG_SET */
	int n_subnets;
	unsigned distance;		/* of the routes to the peer */
	char va[48];			/* "Virtual-Access1", "" none */
	bool up;
};

const struct ikev2_fv_session *ikev2_fv_session_by_ike(uint64_t ike_id);
unsigned ikev2_fv_session_count(void);
const struct ikev2_fv_session *ikev2_fv_session_at(unsigned i);
/* The "Remote subnets:" lines of show crypto ikev2 sa detailed (nothing
 * when the IKE SA has no server session). */
void ikev2_fv_show_lines(struct buf *b, uint64_t ike_id);
/* ops.cp_informational (a CP in an INFORMATIONAL exchange, engine.h):
 * on a server session a CFG_SET from the peer (its subnets, routed via
 * the Virtual-Access, answered CFG_ACK with "config-exchange set
 * accept"); on our own client IKE SAs ikev2_rt_cp_client_informational. */
int ikev2_rt_cp_informational(const struct ikev2_ike_info *info, const struct ikev2_cp *req,
			      struct ikev2_cp *reply);
/* The runtime stops: every session goes (addresses, routes, interfaces). */
void ikev2_fv_reset(void);

#endif
