/*
 * The initiator side of the IKEv2 configuration exchange, for FlexVPN
 * client tunnels and tunnels with "ip address negotiated"
 * (ikev2/runtime_cp_client.c; docs/flexvpn-client.md):
 *
 *   - the CP of our IKE_AUTH request: a CFG_REQUEST for address, netmask,
 *     DNS, NBNS, subnets, the domain attributes and backup gateways;
 *   - once the IKE SA is up, our own subnets (the local authorization
 *     policy's "route set interface" / "route set access-list") in a
 *     CFG_SET in an INFORMATIONAL exchange, as IOS does; a server's
 *     CFG_SET is accepted the same way (routes via the tunnel);
 *   - the CFG_REPLY (ikev2_rt_cp_received, runtime_session.h): the address
 *     becomes the tunnel's negotiated address, every pushed subnet a route
 *     via the tunnel (tunnel/dynroute.h), DNS/NBNS/domains are recorded;
 *   - when the IKE SA goes away (ikev2_rt_client_ike_event) all of it is
 *     removed again; an IKE rekey moves it to the new IKE SA.
 */
#ifndef IKESH_IKEV2_RUNTIME_CP_CLIENT_H
#define IKESH_IKEV2_RUNTIME_CP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "flexvpn/client_runtime.h"
#include "ikev2/engine.h"

struct tunnel_ifconf;

/* Does this tunnel ask for configuration (FlexVPN client tunnel or "ip
 * address negotiated")? */
bool ikev2_rt_cp_client_wanted(const struct tunnel_ifconf *ifc);
/* The CP for the IKE_AUTH of tunnel ifc initiated with IKEv2 profile
 * ike_profile ("" none): 0 when the tunnel is a configuration client (its
 * IKE SA gets a session: ikev2_rt_cp_client_expect), with the CFG_REQUEST
 * in *cp, or cp->type 0 with "no config-exchange request"; 1 when it is
 * not (cp->type 0). */
int ikev2_rt_cp_client_build(const struct tunnel_ifconf *ifc, const char *ike_profile,
			     struct ikev2_cp *cp);
/* The CFG_SET with our own subnets (the local authorization policy's
 * "route set interface|access-list|remote"), sent in an INFORMATIONAL
 * exchange once the IKE SA is up, when the profile has "config-exchange
 * set send" (the default): 0 built; 1 nothing to send. */
int ikev2_rt_cp_client_set(const struct tunnel_ifconf *ifc, const char *ike_profile,
			   struct ikev2_cp *cp);
/* ops.cp_informational for our client IKE SAs (called by
 * ikev2_rt_cp_informational): the server's CFG_ACK to our CFG_SET (reply
 * NULL), or a server's CFG_SET, accepted with "config-exchange set
 * accept": its subnets become routes via the tunnel, answered CFG_ACK. */
int ikev2_rt_cp_client_informational(const struct ikev2_ike_info *info,
				     const struct ikev2_cp *req, struct ikev2_cp *reply);
/* The tunnel's CFG_SET: how many subnets it sent, whether it was acked. */
bool ikev2_rt_cp_client_set_state(const char *ifname, unsigned *sent, bool *acked);
/* The IKE SA ike_id was initiated for tunnel ifname with a CP: its reply
 * belongs to that tunnel. */
void ikev2_rt_cp_client_expect(uint64_t ike_id, const char *ifname);
/* Decode a CFG_REPLY.  0, or -1 when it is not a reply. */
int ikev2_rt_cp_client_parse(const struct ikev2_cp *cp, struct fvc_reply *out);
/* What the tunnel got from its current IKE SA: true and *out. */
bool ikev2_rt_cp_client_reply(const char *ifname, struct fvc_reply *out, uint64_t *ike_id);
/* Forget every session, removing addresses and routes (runtime stop, tests). */
void ikev2_rt_cp_client_forget(void);

#endif
