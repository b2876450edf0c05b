/*
 * Liveness check / DPD (RFC 7296 1.4, 2.4): an empty INFORMATIONAL
 * request.  Any authentic answer proves the peer alive; no answer after
 * all retransmissions (the first after the DPD retry interval) declares
 * the peer dead and the IKE SA is torn down locally.
 */
#include <stdlib.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

static int dpd_build(struct ike_sa *sa, struct ikev2_task *t, struct ikev2_enc *e)
{
	(void)t;
	(void)e;
	SA_DBG(sa, ikev2_debug_internal, "Sending DPD/liveness query");
	return 0;
}

static enum task_rc dpd_process(struct ike_sa *sa, struct ikev2_task *t, const struct msg_in *m)
{
	(void)t;
	(void)m;
	SA_DBG(sa, ikev2_debug_internal, "DPD: peer is alive");
	return TASK_DONE;
}

static void dpd_abort(struct ike_sa *sa, struct ikev2_task *t, bool timeout)
{
	(void)t;
	if (timeout)
		ike_sa_destroy(sa, IKEV2_EV_PEER_DEAD, "DPD: peer not responding");
}

const struct task_ops task_dpd_ops = {
	.name = "DPD",
	.exchange = IKEV2_EXCH_INFORMATIONAL,
	.build = dpd_build,
	.process = dpd_process,
	.abort = dpd_abort,
};

struct ikev2_task *task_dpd_new(void)
{
	struct ikev2_task *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->ops = &task_dpd_ops;
	return t;
}

bool task_is_dpd(const struct ikev2_task *t)
{
	return t && t->ops == &task_dpd_ops;
}
