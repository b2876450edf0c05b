/*
 * The kernel XFRM data plane's SAs of one tunnel interface, in the
 * userspace data plane's SA view, for show crypto ipsec sa / show crypto
 * session (ipsec/show_ipsec_sa.c).  An sVTI's SAs carry the if_id of its
 * xfrm interface; a GRE tunnel's SAs have none and run between the tunnel
 * source and destination.  Control-plane thread only.
 */
#ifndef IKESH_IPSEC_SHOW_IPSEC_SA_KERNEL_H
#define IKESH_IPSEC_SHOW_IPSEC_SA_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "ipsec/sa_install.h"
#include "ipsec/userspace.h"

struct kernel_sa_view {
	struct userspace_sa_info *v;	/* newest first (malloc'd) */
	unsigned n, cap;
	/* sums over the tunnel's SAs, those still in the kernel and those
	 * gone (xfrm_backend_foreach_retired): pkts/bytes_encaps over the
	 * outbound SAs, _decaps, replay_failed, verify_failed over the inbound */
	struct userspace_counters c;
	uint32_t spi_out;		/* the newest outbound SA's SPI, 0 if none */
};

/* Fill *out (zeroed first) for tunnel if_id (sVTI, != 0), or for if_id 0
 * with the SAs between local and remote (GRE).  false when the kernel data
 * plane is not running. */
bool kernel_sa_view_get(uint32_t if_id, const struct ipsec_addr *local,
			const struct ipsec_addr *remote, struct kernel_sa_view *out);
void kernel_sa_view_free(struct kernel_sa_view *v);

#endif
