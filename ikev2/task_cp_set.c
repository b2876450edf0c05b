/*
 * A configuration payload in an INFORMATIONAL exchange on an established
 * IKE SA (RFC 7296 1.4, 3.15), as IOS FlexVPN peers use it right after
 * IKE_AUTH ("config-exchange set send|accept"):
 *
 *   request:  CP(CFG_SET) [INTERNAL_IP4_SUBNET addr+mask ...]
 *   response: CP(CFG_ACK) [INTERNAL_IP4_SUBNET (empty) ...]
 *
 * Either role of the IKE SA may send one.  The responder hands the CP to
 * ops.cp_informational (reply != NULL) and adds the reply it fills; the
 * initiator of the exchange gets the answer through the same op with
 * reply NULL.  The responder side runs inside informational_respond()
 * (task_delete.c), so a request that also carries Delete payloads is
 * answered with both.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

struct t_cp {
	struct ikev2_task base;
	struct ikev2_cp cp;
};

static int cp_build(struct ike_sa *sa, struct ikev2_task *tt, struct ikev2_enc *e)
{
	struct t_cp *t = (struct t_cp *)tt;
	SA_DBG(sa, ikev2_debug_internal, "Sending configuration payload (type %u, %u attributes)",
	       t->cp.type, t->cp.n);
	cp_add(e, &t->cp);
	return 0;
}

static enum task_rc cp_process(struct ike_sa *sa, struct ikev2_task *tt, const struct msg_in *m)
{
	(void)tt;
	struct ikev2_engine *e = sa->eng;
	if (!e->ops.cp_informational)
		return TASK_DONE;
	struct ikev2_cp *ack = malloc(sizeof(*ack));
	if (!ack)
		abort();
	cp_of(m->pl, ack);
	struct ikev2_ike_info info;
	ike_sa_info(sa, &info);
	e->ops.cp_informational(e->ctx, &info, ack, NULL);
	free(ack);
	return TASK_DONE;
}

static void cp_abort(struct ike_sa *sa, struct ikev2_task *t, bool timeout)
{
	(void)t;
	if (timeout)
		ike_sa_destroy(sa, IKEV2_EV_PEER_DEAD, "configuration set: no response from peer");
}

static const struct task_ops cp_set_ops = {
	.name = "INFORMATIONAL CP",
	.exchange = IKEV2_EXCH_INFORMATIONAL,
	.build = cp_build,
	.process = cp_process,
	.abort = cp_abort,
};

struct ikev2_task *task_cp_set_new(const struct ikev2_cp *cp)
{
	struct t_cp *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->base.ops = &cp_set_ops;
	t->cp = *cp;
	return &t->base;
}

int ikev2_engine_send_cp(struct ikev2_engine *e, uint64_t ike_id, const struct ikev2_cp *cp)
{
	if (!cp || cp->type == 0)
		return -EINVAL;
	eng_enter(e);
	struct ike_sa *sa = eng_sa_by_id(e, ike_id);
	int rc = -ENOENT;
	if (sa && sa->state < IKEV2_IKE_REKEYED && !exch_has_task(sa, &task_delete_ike_ops)) {
		exch_queue(sa, task_cp_set_new(cp));
		rc = 0;
	}
	eng_leave(e);
	return rc;
}

/* ------------------------------------------------------------ responder */

void cp_info_respond(struct ike_sa *sa, const struct ikev2_chain *c, struct ikev2_enc *r)
{
	struct ikev2_engine *e = sa->eng;
	if (!ikev2_chain_next(c, IKEV2_PL_CP, NULL))
		return;
	if (!e->ops.cp_informational) {
		SA_DBG(sa, ikev2_debug_internal, "Configuration payload in INFORMATIONAL: ignored");
		return;
	}
	struct ikev2_cp *req = malloc(sizeof(*req));
	struct ikev2_cp *reply = calloc(1, sizeof(*reply));
	if (!req || !reply)
		abort();
	cp_of(c, req);
	struct ikev2_ike_info info;
	ike_sa_info(sa, &info);
	SA_DBG(sa, ikev2_debug_internal, "Received configuration payload (type %u, %u attributes)",
	       req->type, req->n);
	if (e->ops.cp_informational(e->ctx, &info, req, reply) == 0 && reply->type)
		cp_add(r, reply);
	free(req);
	free(reply);
}
