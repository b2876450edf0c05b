/*
 * Hooks of the IKEv2 runtime for per-session work above the engine: the
 * FlexVPN server's authorization and configuration reply
 * (ikev2/runtime_authz.c) and the FlexVPN client's handling of the reply
 * it got (ikev2/runtime_cp_client.c).  ikev2/runtime.c passes the engine's
 * ops.authorize / ops.cp_received and every IKE SA event to them.
 */
#ifndef IKESH_IKEV2_RUNTIME_SESSION_H
#define IKESH_IKEV2_RUNTIME_SESSION_H

#include "ikev2/engine.h"

/* ---- server side (responder) ---- */
/* ops.authorize: authorize the peer and build the CP reply. */
int ikev2_rt_authorize(const struct ikev2_ike_info *info, const struct ikev2_cp *req,
		       struct ikev2_cp *reply);
/* Every IKE SA event (UP, DOWN, REKEYED, ...): session bookkeeping
 * (pool addresses, Virtual-Access interfaces, routes). */
void ikev2_rt_authz_ike_event(const struct ikev2_ike_info *info, enum ikev2_event ev);

/* ---- client side (initiator) ---- */
/* ops.cp_received: apply what the server pushed. */
int ikev2_rt_cp_received(const struct ikev2_ike_info *info, const struct ikev2_cp *cp);
/* Every IKE SA event: client bookkeeping (address, routes, peer state). */
void ikev2_rt_client_ike_event(const struct ikev2_ike_info *info, enum ikev2_event ev);

#endif
