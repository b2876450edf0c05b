/*
 * CHILD_SA rekey (RFC 7296 1.3.3, 2.8):
 *
 *   request:  N(REKEY_SA, ESP, our inbound SPI of the old SA), SA, Ni,
 *             [KEi], TSi, TSr
 *   response: SA, Nr, [KEr], TSi, TSr
 *
 * The new CHILD_SA takes over the old one's reqid and policies; the
 * rekey initiator then deletes the old SA.
 *
 * Collisions (RFC 7296 2.8.1): when the peer rekeys the same CHILD_SA
 * while our request is outstanding, both exchanges complete and two new
 * SAs exist.  The one created with the lowest of the four nonces is
 * redundant and is deleted by the side that initiated it; the other side
 * deletes the old SA.  A request for a CHILD_SA we have already replaced
 * gets TEMPORARY_FAILURE.
 */
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

struct t_crk {
	struct ikev2_task base;
	uint64_t child_id;
	struct child_req cr;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool crk_can_start(struct ike_sa *sa, struct ikev2_task *t)
{
	(void)t;
	return sa->state == IKEV2_IKE_ESTABLISHED;
}

static int crk_build(struct ike_sa *sa, struct ikev2_task *tt, struct ikev2_enc *e)
{
	struct t_crk *t = (struct t_crk *)tt;
	struct child_sa *old = child_sa_by_id(sa, t->child_id);
	if (!old || old->state != IKEV2_CHILD_INSTALLED)
		return -1; /* gone or already being replaced */
	t->cr.pol = old->policy;
	/* the mode the SA has: a responder's policy says "transport if asked" */
	t->cr.pol.mode = old->mode;
	uint8_t spi[4] = {(uint8_t)(old->spi_in >> 24), (uint8_t)(old->spi_in >> 16),
			  (uint8_t)(old->spi_in >> 8), (uint8_t)old->spi_in};
	notify_add(e, IKEV2_N_REKEY_SA, IKEV2_PROTO_ESP, spi, 4, NULL, 0);
	if (child_req_build(sa, &t->cr, e, false, old->ts_local, old->n_ts_local, old->ts_remote,
			    old->n_ts_remote) != 0)
		return -1;
	old->collision_child = 0;
	child_sa_set_state(old, IKEV2_CHILD_REKEYING);
	return 0;
}

static enum task_rc crk_process(struct ike_sa *sa, struct ikev2_task *tt, const struct msg_in *m)
{
	struct t_crk *t = (struct t_crk *)tt;
	struct child_sa *old = child_sa_by_id(sa, t->child_id);
	struct nonce nr;
	uint16_t err = 0;
	nonce_from(&nr, ikev2_chain_next(m->pl, IKEV2_PL_NONCE, NULL));
	struct child_sa *newc = NULL;
	if (notify_error(m->pl) || nr.len >= IKEV2_NONCE_MIN)
		newc = child_req_done(sa, &t->cr, m->pl, &t->cr.ni, &nr, false, t->child_id, &err);
	if (!newc) {
		SA_DBG(sa, ikev2_debug_error, "CHILD SA rekey failed: %s",
		       err ? ikev2_notify_name(err) : "bad response");
		if (old && old->state == IKEV2_CHILD_REKEYING) {
			old->collision_child = 0;
			child_sa_set_state(old, IKEV2_CHILD_INSTALLED);
			if (err == IKEV2_N_CHILD_SA_NOT_FOUND)
				child_sa_remove(old, true); /* the peer no longer has it */
		}
		return TASK_DONE;
	}
	if (!old) /* deleted meanwhile: the new SA simply stays */
		return TASK_DONE;
	struct child_sa *peer_new =
		old->collision_child ? child_sa_by_id(sa, old->collision_child) : NULL;
	old->collision_child = 0;
	if (peer_new &&
	    nonce_lowest_in_first(&newc->ni, &newc->nr, &peer_new->ni, &peer_new->nr)) {
		/* we lost: ours is redundant, the peer deletes the old one */
		SA_DBG(sa, ikev2_debug_internal,
		       "CHILD SA rekey collision: ours has the lowest nonce, deleting it");
		child_sa_set_state(old, IKEV2_CHILD_REKEYED);
		child_sa_delete_in(old, sa->eng->set.delete_timeout_ms);
		exch_queue_first(sa, task_delete_child_new(newc->id));
		return TASK_DONE;
	}
	if (peer_new)
		SA_DBG(sa, ikev2_debug_internal,
		       "CHILD SA rekey collision: the peer's has the lowest nonce");
	child_sa_set_state(old, IKEV2_CHILD_REKEYED);
	exch_queue_first(sa, task_delete_child_new(old->id));
	return TASK_DONE;
}

static void crk_abort(struct ike_sa *sa, struct ikev2_task *t, bool timeout)
{
	(void)t;
	if (timeout)
		ike_sa_destroy(sa, IKEV2_EV_PEER_DEAD, "CHILD SA rekey: no response from peer");
}

static void crk_free(struct ikev2_task *tt)
{
	struct t_crk *t = (struct t_crk *)tt;
	child_req_clear(&t->cr);
	free(t);
}

const struct task_ops task_child_rekey_ops = {
	.name = "CHILD_SA rekey",
	.exchange = IKEV2_EXCH_CREATE_CHILD_SA,
	.can_start = crk_can_start,
	.build = crk_build,
	.process = crk_process,
	.abort = crk_abort,
	.free = crk_free,
};

struct ikev2_task *task_child_rekey_new(uint64_t child_id)
{
	struct t_crk *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->base.ops = &task_child_rekey_ops;
	t->child_id = child_id;
	return &t->base;
}

/* ------------------------------------------------------------ responder */

int child_rekey_respond(struct ike_sa *sa, const struct msg_in *m, struct ikev2_enc *r)
{
	const struct ikev2_chain *c = m->pl;
	const struct ikev2_payload *n = ikev2_chain_notify(c, IKEV2_N_REKEY_SA);
	const struct ikev2_pl_notify *nt = &n->u.notify;
	if (nt->protocol != IKEV2_PROTO_ESP || nt->spi_size != 4) {
		notify_add(r, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
		return RESP_SEND;
	}
	struct child_sa *old = child_sa_by_spi_out(sa, get32(nt->spi));
	if (!old || old->state == IKEV2_CHILD_DELETING) {
		notify_add(r, IKEV2_N_CHILD_SA_NOT_FOUND, IKEV2_PROTO_ESP, nt->spi, 4, NULL, 0);
		return RESP_SEND;
	}
	if (old->state == IKEV2_CHILD_REKEYED) {
		/* we replaced it already; our Delete of it follows */
		notify_add(r, IKEV2_N_TEMPORARY_FAILURE, 0, NULL, 0, NULL, 0);
		return RESP_SEND;
	}
	struct nonce ni, nr;
	nonce_from(&ni, ikev2_chain_next(c, IKEV2_PL_NONCE, NULL));
	if (ni.len < IKEV2_NONCE_MIN) {
		notify_add(r, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
		return RESP_SEND;
	}
	nonce_make(&nr);
	/* the replacement keeps the old SA's mode (no switch on a rekey) */
	struct ikev2_child_policy pol = old->policy;
	pol.mode = old->mode;
	struct child_sa *newc = child_respond(sa, c, &pol, &ni, &nr, false, r, old->id);
	if (!newc)
		return RESP_SEND;
	if (old->state == IKEV2_CHILD_REKEYING) {
		/* our own rekey of it is outstanding: decide when it completes */
		old->collision_child = newc->id;
		SA_DBG(sa, ikev2_debug_internal, "CHILD SA rekey collision detected");
	} else {
		child_sa_set_state(old, IKEV2_CHILD_REKEYED);
		child_sa_delete_in(old, sa->eng->set.delete_timeout_ms);
	}
	return RESP_SEND;
}
