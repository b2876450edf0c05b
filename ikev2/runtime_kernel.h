/*
 * The kernel XFRM data plane wired into the live IKEv2 runtime
 * (ikev2/runtime_kernel.c; the counterpart of ikev2/runtime_dataplane.h for
 * "--dataplane kernel", see docs/dataplane.md "Kernel XFRM backend").
 *
 * The runtime hands its CHILD_SAs to ipsec/backend_xfrm.h: the kernel's ESP
 * moves the packets, ikesh only installs state.  Per "interface Tunnel N" in
 * "tunnel mode ipsec ipv4" (sVTI) that is not shut down and has an IPv4
 * address:
 *
 *   xfrm interface "TuN" (ip link add TuN type xfrm if_id N+1), the tunnel's
 *   address, MTU ("ip mtu", else path MTU minus a worst-case ESP overhead),
 *   up while the line protocol is up (CHILD_SA installed), "ip route ...
 *   TunnelN" routes of the global table through it while up.  The tunnel's
 *   SAs (matched by their outer addresses = tunnel source/destination) and
 *   the reqid's any/any policies carry if_id N+1.
 *
 * Per protected "tunnel mode gre ip" tunnel (tunnel protection ipsec
 * profile), likewise with a gre link "TuN" (ip link add TuN type gre local
 * SRC remote DST ttl 255; MTU default path MTU minus ESP and GRE overhead),
 * recreated when the endpoints change.  Its CHILD_SA (protocol 47, source to
 * destination, transport or tunnel mode) gets no if_id: plain policies
 * select the GRE packets the link sends, and the inbound policy makes the
 * kernel drop GRE from the peer that did not come through ESP.
 *
 * Kernel XFRM_MSG_EXPIRE events go to ikev2_engine_child_expired() as the
 * userspace data plane's lifetime events do.  The IKE sockets get per-socket
 * bypass policies and the port 4500 socket UDP_ENCAP_ESPINUDP (the kernel
 * decapsulates ESP in UDP; IKE with the non-ESP marker still reaches ikesh).
 *
 * Control-plane thread only.
 */
#ifndef IKESH_IKEV2_RUNTIME_KERNEL_H
#define IKESH_IKEV2_RUNTIME_KERNEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipsec/sa_install.h"

struct xfrm_backend;

/* ---- called by ikev2/runtime.c (same shape as ikev2_rt_dp_*) ---- */

/* Create the XFRM backend and fill *be.  0 or -1 (logged). */
int ikev2_rt_kernel_start(struct ipsec_backend *be);
/* The sockets are open: expiry events, socket policies, first sync. */
void ikev2_rt_kernel_attach(void);
/* Remove the xfrm interfaces (and with them addresses and routes), then
 * the backend's leftover SAs/policies (after the engine was freed). */
void ikev2_rt_kernel_stop(void);
/* Reconcile interfaces, addresses, MTU, up/down and routes. */
void ikev2_rt_kernel_sync(void);

/* ---- queries (show commands) ---- */

/* The running backend, or NULL. */
struct xfrm_backend *ikev2_rt_kernel(void);

struct ikev2_rt_kernel_tunnel {
	char ifname[48];		/* IOS name */
	char linux_name[IFNAMSIZ];	/* "Tu0" */
	int ifindex;			/* 0: not created (yet) */
	bool gre;			/* a gre link, else an xfrm interface */
	uint32_t if_id;			/* xfrm interface only */
	bool up;
	unsigned mtu, path_mtu;
	unsigned n_routes;
};
/* The xfrm interface or gre link of an IOS tunnel interface.  0 or -1. */
int ikev2_rt_kernel_tunnel(const char *ifname, struct ikev2_rt_kernel_tunnel *out);

/* The if_id used for "Tunnel N" (N + 1; 0 for other names). */
uint32_t ikev2_rt_kernel_if_id(const char *ios_name);

#endif
