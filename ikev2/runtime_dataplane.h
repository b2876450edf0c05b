/*
 * The userspace data plane wired into the live IKEv2 runtime
 * (ikev2/runtime_dataplane.c; see docs/dataplane.md "Wiring it up").
 *
 * When the data plane is userspace (ipsec/dataplane.h) the runtime hands
 * its CHILD_SAs to a struct userspace_dp instead of the recording backend,
 * and this module moves the packets:
 *
 *   Tunnel N, Virtual-Access N
 *     --- TUN "TuN", "ViN" --read--> userspace_output() --> raw ESP
 *                                                              or UDP 4500
 *   raw ESP socket (proto 50) --> userspace_input_ipv4() --write--> TUN
 *   UDP 4500 (ESP in UDP)     --> userspace_input_inplace() --write--> TUN
 *
 * ESP transport: both.  SAs negotiated without NAT use plain ESP (IP
 * protocol 50) through one raw socket (IPPROTO_ESP with IP_HDRINCL: the data
 * plane builds the outer IPv4 header with DF/TOS/ID); UDP-encapsulated SAs
 * (NAT detected, or a peer that forces encapsulation such as strongSwan's
 * kernel-libipsec) use the IKE socket on port 4500.
 *
 * Tunnels: every "interface Tunnel N" in "tunnel mode ipsec ipv4" (sVTI),
 * or in "tunnel mode gre ip" with "tunnel protection" (GRE over IPsec),
 * that is not shut down and has an IPv4 address (static, negotiated or
 * unnumbered) gets a TUN device (tun_linux_name: Tunnel0 -> Tu0) with that
 * address and its MTU ("ip mtu", else path MTU minus the ESP overhead of
 * the current SA, GRE: minus GRE and delivery header as well).  For a GRE
 * tunnel the data plane adds and removes GRE (ipsec/gre.h) around the
 * packets; its CHILD_SA (protocol 47 between the tunnel endpoints,
 * transport or tunnel mode) binds to it like an sVTI's.  A FlexVPN client
 * tunnel ("tunnel destination dynamic") takes its endpoints from the
 * runtime's current peer (ikev2_tunnel_status()).
 *
 * Virtual-Access: every Virtual-AccessN of a FlexVPN server session
 * (tunnel/virtual_access.h, cloned from an "ipsec ipv4" Virtual-Template)
 * gets a TUN device too (Virtual-Access1 -> Vi1) with the template's
 * address (ip unnumbered: /32), ip mtu and adjust-mss; it carries the
 * CHILD_SAs of its session's IKE SA (bound by IKE SA id, not by address:
 * spokes behind one NAT share an address pair) and is up while that IKE SA
 * has one installed.
 *
 * The device is up while the tunnel's line protocol is up (CHILD_SA
 * installed) and down otherwise; while it is up its routes are installed:
 * "ip route ... TunnelN" of the global table and the session routes of
 * tunnel/dynroute.h through it (a hub's routes to each spoke's address
 * and LANs via Virtual-AccessN, a spoke's routes for the pushed subnets
 * via TunnelN), the administrative distance as metric.  "ip tcp
 * adjust-mss" clamps TCP SYNs.  The device goes away when the interface is
 * shut down or removed (a Virtual-Access when its session ends) and when
 * ikesh exits.  Everything is reconciled from the configuration by
 * ikev2_rt_dp_sync(), which the runtime calls from its tunnel re-check
 * (every second and right after every engine event).
 *
 * Control-plane thread only.
 */
#ifndef IKESH_IKEV2_RUNTIME_DATAPLANE_H
#define IKESH_IKEV2_RUNTIME_DATAPLANE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipsec/sa_install.h"
#include "ipsec/userspace.h"

/* ---- called by ikev2/runtime.c ---- */

/* Create the data plane and fill *be with its backend.  0 or -1. */
int ikev2_rt_dp_start(struct ipsec_backend *be);
/* The sockets are open: ESP hooks, raw ESP socket, timers. */
void ikev2_rt_dp_attach(void);
/* Remove every TUN device, close the sockets, free the data plane (after
 * the engine, which deletes its SAs from it, was freed). */
void ikev2_rt_dp_stop(void);
/* Reconcile TUN devices, addresses, MTU, up/down, routes and reqid
 * bindings with the configuration and the tunnels' state. */
void ikev2_rt_dp_sync(void);

/* ---- queries (show commands) ---- */

/* The running userspace data plane, or NULL. */
struct userspace_dp *ikev2_rt_dp(void);

struct ikev2_rt_dp_tunnel {
	char ifname[48];		/* IOS name */
	char linux_name[IFNAMSIZ];	/* "Tu0" */
	uint32_t id;			/* data-plane tunnel id (TUN ifindex) */
	bool up;			/* TUN administratively up */
	unsigned mtu;			/* TUN MTU ("plaintext mtu") */
	unsigned path_mtu;		/* towards the tunnel destination */
	char path_dev[48];		/* "ip mtu idb": the tunnel source interface */
	unsigned n_routes;		/* routes installed through it */
	uint64_t tx_sock_errors;	/* ESP that could not be sent */
	uint64_t rx_tun_errors;		/* decrypted packets the TUN refused */
};
/* The data-plane tunnel of an interface (IOS name).  0 or -1. */
int ikev2_rt_dp_tunnel(const char *ifname, struct ikev2_rt_dp_tunnel *out);

/* Counters of the packet plumbing (not per tunnel). */
struct ikev2_rt_dp_stats {
	uint64_t tun_rx, tun_tx;		/* packets read from / written to TUNs */
	uint64_t esp_tx, esp_tx_errors;		/* ESP sent (raw or UDP) / failed */
	uint64_t esp_rx_raw, esp_rx_udp;	/* ESP received */
	uint64_t rx_no_tunnel;			/* decrypted, but no TUN to deliver to */
	uint64_t icmp_sent;			/* ICMP too-big written back */
};
void ikev2_rt_dp_get_stats(struct ikev2_rt_dp_stats *out);

/* ---- ESP in UDP from the port 4500 socket (ikev2/runtime_socket.c) ---- */

/* ESP in UDP received on port 4500, in a buffer the callee may change
 * (decrypt in place).  Returns true when an SA took it, false when it was
 * dropped (counted as "dropped" in show crypto ikev2 stats).  batch_end
 * runs after each batch of datagrams.  Takes precedence over the hook of
 * ikev2_socket_set_esp_hook(). */
typedef bool (*ikev2_esp_input_fn)(void *ctx, const struct ipsec_addr *local,
				   const struct ipsec_addr *remote, uint8_t *data, size_t len);
void ikev2_socket_set_esp_input(ikev2_esp_input_fn fn, void (*batch_end)(void *ctx), void *ctx);

#endif
