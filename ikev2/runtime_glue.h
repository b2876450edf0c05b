/*
 * Glue from the configuration objects (ikev2/config.h, ipsec/config.h,
 * tunnel/tunnel.h) to the engine's peer configuration (struct
 * ikev2_peer_config): what the runtime initiates for a Tunnel interface
 * and what it answers a peer with (the engine's lookup_peer).
 *
 *   IKE proposals   the IKEv2 policy selected for the local address
 *                   (ikev2_policy_select; the smart-default policy/proposal
 *                   when nothing else matches), its proposals in order
 *   profile         initiator: the IPsec profile's "set ikev2-profile",
 *                   else a profile called "default", else the profile whose
 *                   "match identity remote address" matches the peer;
 *                   responder: ikev2_profile_match() on the peer's IDi
 *   identities      local: "identity local ..." or our address (IOS
 *                   default); remote: any (the profile match checked it)
 *   pre-shared keys "authentication local/remote pre-share key" of the
 *                   profile, else its keyring: the peer by identity
 *                   (responder) or by address, "pre-shared-key local/remote"
 *                   before "pre-shared-key"
 *   SA parameters   profile lifetime, dpd (else crypto ikev2 dpd), nat
 *                   keepalive (else the global one), crypto ikev2
 *                   fragmentation [mtu]
 *   CHILD_SA        the IPsec profile (ipsec_profile_resolve: transform
 *                   sets, PFS, lifetimes, replay window); sVTI: any/any,
 *                   tunnel mode; GRE: protocol 47 between the tunnel
 *                   endpoints, transport mode.  The responder uses the
 *                   IPsec profile of the tunnel towards the peer (or of a
 *                   tunnel / IPsec profile naming the IKEv2 profile, or of
 *                   the profile's virtual-template, else "default") and
 *                   accepts any selectors within any/any.
 */
#ifndef IKESH_IKEV2_RUNTIME_GLUE_H
#define IKESH_IKEV2_RUNTIME_GLUE_H

#include <stdbool.h>
#include <stddef.h>

#include "ikev2/engine.h"

struct tunnel_ifconf;

enum ikev2_glue_child_kind {
	IKEV2_GLUE_CHILD_ANY,	/* sVTI: 0.0.0.0/0 <-> 0.0.0.0/0, tunnel mode */
	IKEV2_GLUE_CHILD_GRE,	/* GRE/IP: proto 47 host <-> host, transport mode */
};

/* What a protected Tunnel interface asks for. */
struct ikev2_glue_tunnel {
	char ifname[48];
	struct ipsec_addr local, remote;	/* tunnel source / destination, port 500 */
	char ipsec_profile[64];
	enum ikev2_glue_child_kind kind;
};

/* Is ifc a Tunnel interface the runtime should bring up?  0: yes, *out
 * filled; 1: not IKEv2-protected (no "tunnel protection", not a Tunnel);
 * -1: protected but not usable now (why says why, e.g. shut down, no
 * destination, source without an address). */
int ikev2_glue_tunnel_from_if(const struct tunnel_ifconf *ifc, struct ikev2_glue_tunnel *out,
			      char *why, size_t whylen);

/* The initiator configuration for a tunnel.  0; 1 when the IPsec profile
 * is responder-only (we wait for the peer; why says so); -1 with why. */
int ikev2_glue_initiator_config(const struct ikev2_glue_tunnel *t, struct ikev2_peer_config *out,
				char *why, size_t whylen);

/* The engine's lookup_peer (see engine.h): remote_id NULL for the
 * IKE_SA_INIT lookup (proposals of the policy for the local address),
 * else the full profile for the peer's identity.  0, or -1 with why. */
int ikev2_glue_lookup_peer(const struct ipsec_addr *local, const struct ipsec_addr *remote,
			   const struct ikev2_id *remote_id, struct ikev2_peer_config *out, char *why,
			   size_t whylen);

/* An identity as IOS shows it ("192.0.2.1", "r1.example.com"). */
const char *ikev2_glue_id_str(const struct ikev2_id *id, char *buf, size_t len);

#endif
