/*
 * Show output of the IKEv2 runtime, as IOS-XE prints it:
 * show crypto ikev2 sa [local|remote A.B.C.D] [detailed],
 * show crypto ikev2 session [detailed], show crypto ikev2 stats.
 * The builders write into a buf so that tests can call them directly.
 */
#ifndef IKESH_IKEV2_RUNTIME_SHOW_H
#define IKESH_IKEV2_RUNTIME_SHOW_H

#include <stdbool.h>
#include <stdint.h>

#include "ipsec/sa_install.h"
#include "lib/buf.h"

/* local/remote: only SAs with that address (NULL: any). */
void ikev2_rt_show_sa(struct buf *b, const struct ipsec_addr *local,
		      const struct ipsec_addr *remote, bool detailed);
void ikev2_rt_show_session(struct buf *b, bool detailed);
void ikev2_rt_show_stats(struct buf *b);

/* The IOS block of "show crypto ikev2 stats" from numbers. */
struct ikev2_stats_view {
	uint32_t resource_limit, max_sa, max_nego_in, max_nego_out;
	uint32_t in_total, in_active, in_nego;
	uint32_t out_total, out_active, out_nego;
	uint64_t in_req, in_acc, in_rej;
	uint64_t out_req, out_acc, out_rej;
	uint64_t rej_req, rej_rsrc, rej_limit;
	uint64_t dropped_dispatch, dropped_lowq;
	uint64_t cookie_req, cookie_acc, cookie_rej, cookie_rej_nocookie;
	uint64_t cert_revoked, queue_limit;
};
void ikev2_rt_format_stats(struct buf *b, const struct ikev2_stats_view *v);

#endif
