/*
 * The "recording" data plane: implements ipsec/sa_install.h by keeping
 * every SA (with its keys) and every policy in memory, and forwards no
 * traffic.  The live IKEv2 runtime (ikev2/runtime.c) uses it until the
 * userspace and kernel data planes exist, so that CHILD_SAs can be
 * negotiated with real peers and inspected (show commands, tests).
 *
 * Unlike ipsec/backend_mock.c (fixed tables for tests) it has no size
 * limits, hands out random SPIs and keeps reserved SPIs until they are
 * installed or deleted.
 */
#ifndef IKESH_IPSEC_BACKEND_RECORD_H
#define IKESH_IPSEC_BACKEND_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "ipsec/sa_install.h"

struct record_sa {
	bool reserved;			/* SPI from get_spi, not installed yet */
	struct ipsec_sa_params p;	/* with reserved: key only */
	struct ipsec_sa_stats stats;
	unsigned updates;
	struct record_sa *next;
};

struct record_policy {
	struct ipsec_policy_params p;
	struct record_policy *next;
};

struct record_backend {
	struct ipsec_backend be;	/* pass &rb->be to the engine */
	struct record_sa *sas;		/* oldest first */
	struct record_policy *pols;
	/* Clock for stats.add_ms (NULL: lib/evloop's ev_now_ms). */
	uint64_t (*now_ms)(void *ctx);
	void *now_ctx;
	/* call counters */
	unsigned n_get_spi, n_add_sa, n_update_sa, n_query_sa, n_del_sa, n_add_policy,
		n_del_policy;
};

void record_backend_init(struct record_backend *rb);
/* Forgets everything (keys are wiped). */
void record_backend_free(struct record_backend *rb);
/* Installed SAs (reserved SPIs not counted) and policies. */
unsigned record_backend_sa_count(const struct record_backend *rb);
unsigned record_backend_policy_count(const struct record_backend *rb);
/* An installed SA by SPI and direction, or NULL. */
const struct record_sa *record_backend_find(const struct record_backend *rb, uint32_t spi,
					    bool inbound);
/* Iterate installed SAs (oldest first); the callback must not change the
 * backend. */
void record_backend_foreach(const struct record_backend *rb,
			    void (*cb)(void *arg, const struct record_sa *sa), void *arg);

#endif
