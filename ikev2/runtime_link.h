/*
 * Helpers for the Linux devices that carry tunnel interfaces, shared by the
 * userspace data plane (TUN devices, ikev2/runtime_dataplane.c) and the
 * kernel one (xfrm/gre links, ikev2/runtime_kernel.c).
 */
#ifndef IKESH_IKEV2_RUNTIME_LINK_H
#define IKESH_IKEV2_RUNTIME_LINK_H

#include "ipsec/sa_install.h"

/* Path MTU towards the peer (the route's / device's MTU); 1500 when it
 * cannot be found (IPv6, no route) or is below 576. */
unsigned rt_link_path_mtu(const struct ipsec_addr *remote);
/* The CHILD_SA is IPv4 any/any: keep IPv6 (link-local addresses, router
 * solicitations) off the device.  Harmless without IPv6. */
void rt_link_disable_ipv6(const char *linux_name);

#endif
