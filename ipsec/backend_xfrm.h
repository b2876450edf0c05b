/*
 * The kernel data plane: implements ipsec/sa_install.h over XFRM netlink
 * (the kernel's ESP does the packet work; see docs/dataplane.md "Kernel
 * XFRM backend").
 *
 *   get_spi     XFRM_MSG_ALLOCSPI (a larval state, SPI 0xc0000000-0xcfffffff)
 *   add_sa      XFRM_MSG_NEWSA, or XFRM_MSG_UPDSA for an SPI from get_spi
 *               (replaces the larval state), with XFRMA_IF_ID when the
 *               if_id_for_sa hook names an xfrm interface
 *   update_sa   delete + add with the new addresses / encapsulation
 *   query_sa    XFRM_MSG_GETSA: bytes, packets, last use
 *   del_sa      XFRM_MSG_DELSA (an SA the kernel already removed is fine)
 *   add/del_policy  XFRM_MSG_UPDPOLICY / DELPOLICY with one template
 *               (reqid, mode, outer addresses) and the if_id of the reqid's SAs
 *   expiry      XFRM_MSG_EXPIRE (multicast group XFRMNLGRP_EXPIRE) on a
 *               second socket: xfrm_backend_read_events() delivers one soft
 *               and one hard event per SA, like the userspace data plane.
 *
 * The backend keeps what it installed (parameters, if_id, expiry state) to
 * pair expiry events with the CHILD_SA's inbound SPI, for the show commands,
 * and to remove leftovers in xfrm_backend_free().  Control-plane thread only.
 */
#ifndef IKESH_IPSEC_BACKEND_XFRM_H
#define IKESH_IPSEC_BACKEND_XFRM_H

#include <stdbool.h>
#include <stdint.h>

#include "ipsec/sa_install.h"

struct xfrm_backend;

struct xfrm_expire {
	struct ipsec_sa_key key;	/* the SA that reached its limit */
	bool inbound, hard;
	uint32_t spi_in;		/* inbound SPI of the same CHILD_SA (for
					 * ikev2_engine_child_expired), 0 if none */
	uint32_t reqid;
	uint64_t ike_sa_id, child_sa_id;
};

struct xfrm_backend_config {
	uint64_t (*now_ms)(void *arg);	/* monotonic ms (NULL: CLOCK_MONOTONIC) */
	void (*expire)(void *arg, const struct xfrm_expire *ev);
	/* xfrm interface id for an SA being added (0: none); its reqid's
	 * policies get the same id.  May be NULL. */
	uint32_t (*if_id_for_sa)(void *arg, const struct ipsec_sa_params *p);
	void *arg;
};

/* Opens the two XFRM netlink sockets.  NULL (errno set) when XFRM netlink
 * is not available. */
struct xfrm_backend *xfrm_backend_new(const struct xfrm_backend_config *c);
/* Removes the SAs and policies still installed, closes the sockets. */
void xfrm_backend_free(struct xfrm_backend *x);
struct ipsec_backend xfrm_backend_ops(struct xfrm_backend *x);

/* The expiry socket (non-blocking, for the event loop), and reading it:
 * delivers the pending events through the config's expire callback. */
int xfrm_backend_event_fd(const struct xfrm_backend *x);
void xfrm_backend_read_events(struct xfrm_backend *x);

/* One installed SA with the kernel's counters (show commands). */
struct xfrm_sa_info {
	struct ipsec_sa_key key;
	bool inbound;
	uint32_t reqid, if_id;
	enum ipsec_sa_mode mode;
	uint16_t encr, encr_keybits, integ;
	bool esn, encap;
	uint16_t encap_sport, encap_dport;
	uint32_t replay_window;
	uint64_t ike_sa_id, child_sa_id;
	struct ipsec_sa_lifetime lifetime;
	uint64_t add_ms;
	bool soft_expired, hard_expired;
	bool in_kernel;			/* GETSA found it */
	uint64_t bytes, packets;	/* XFRM curlft (since clear_counters) */
	uint64_t use_ms;		/* monotonic ms of the last packet, 0 = never */
	uint32_t replay_drops, integrity_failed;	/* XFRM stats */
	uint64_t seq;			/* outbound: last sent; inbound: highest seen */
};
/* Every SA installed through this backend, newest first; queries the kernel
 * for each.  The callback must not change the backend. */
void xfrm_backend_foreach_sa(struct xfrm_backend *x,
			     void (*cb)(void *arg, const struct xfrm_sa_info *sa), void *arg);

/* The counters of the SAs that left the kernel (deleted by a rekey, a
 * clear or an expiry), summed per tunnel (if_id, or local/remote without
 * one) and direction: added to the live SAs' in the show commands, so the
 * counters run on across rekeys as on IOS. */
struct xfrm_retired_info {
	uint32_t if_id;
	struct ipsec_addr local, remote;	/* ports 0 */
	bool inbound;
	uint64_t bytes, packets, replay_drops, integrity_failed;
};
void xfrm_backend_foreach_retired(const struct xfrm_backend *x,
				  void (*cb)(void *arg, const struct xfrm_retired_info *r), void *arg);
/* "clear crypto sa counters": forget the retired totals; the live SAs'
 * counters count from now (xfrm_backend_foreach_sa reports the difference). */
void xfrm_backend_clear_counters(struct xfrm_backend *x);

struct xfrm_backend_stats {
	unsigned sas, policies;			/* installed now */
	uint64_t n_get_spi, n_add_sa, n_update_sa, n_del_sa, n_add_policy, n_del_policy;
	uint64_t errors;			/* operations the kernel refused */
	int last_error;				/* negative errno */
	uint64_t expire_soft, expire_hard;	/* events delivered */
};
void xfrm_backend_get_stats(const struct xfrm_backend *x, struct xfrm_backend_stats *out);

/* Can the running kernel install an ESP SA?  Tries a NEWSA (AES-GCM, then
 * deleted) in a throw-away network namespace (forked child), so nothing
 * is left behind and a missing esp4 module is found even though XFRM
 * netlink itself exists.  1 yes, 0 no. */
int xfrm_kernel_esp_works(void);

#endif
