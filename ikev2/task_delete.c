/*
 * Deletes (RFC 7296 1.4.1) and the INFORMATIONAL responder.
 *
 *   CHILD: Delete(ESP, our inbound SPI); the answer carries the peer's.
 *   IKE:   Delete(IKE); the answer is empty; both sides drop the IKE SA
 *          and all its CHILD_SAs.
 *
 * When both sides delete the same CHILD_SA at once, the answers leave it
 * out (the SA is already on its way out on both sides).  A CP in an
 * INFORMATIONAL request (CFG_SET) is answered by task_cp_set.c.
 */
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

struct t_del {
	struct ikev2_task base;
	bool ike;
	uint64_t child_id;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static bool del_can_start(struct ike_sa *sa, struct ikev2_task *t)
{
	(void)t;
	return sa->state >= IKEV2_IKE_ESTABLISHED && sa->state < IKEV2_IKE_DEAD;
}

static int del_build(struct ike_sa *sa, struct ikev2_task *tt, struct ikev2_enc *e)
{
	struct t_del *t = (struct t_del *)tt;
	struct ikev2_pl_delete d = {0};
	if (t->ike) {
		d.protocol = IKEV2_PROTO_IKE;
		ikev2_enc_delete(e, &d);
		ike_sa_set_state(sa, IKEV2_IKE_DELETING);
		return 0;
	}
	struct child_sa *c = child_sa_by_id(sa, t->child_id);
	if (!c || c->state == IKEV2_CHILD_DELETING)
		return -1;
	uint8_t spi[4];
	put32(spi, c->spi_in);
	d.protocol = IKEV2_PROTO_ESP;
	d.spi_size = 4;
	d.num_spi = 1;
	d.spis = spi;
	ikev2_enc_delete(e, &d);
	child_sa_set_state(c, IKEV2_CHILD_DELETING);
	return 0;
}

static enum task_rc del_process(struct ike_sa *sa, struct ikev2_task *tt, const struct msg_in *m)
{
	struct t_del *t = (struct t_del *)tt;
	(void)m;
	if (t->ike) {
		ike_sa_destroy(sa, IKEV2_EV_DOWN, "deleted by local request");
		return TASK_DONE;
	}
	struct child_sa *c = child_sa_by_id(sa, t->child_id);
	if (c)
		child_sa_remove(c, true);
	return TASK_DONE;
}

static void del_abort(struct ike_sa *sa, struct ikev2_task *t, bool timeout)
{
	(void)t;
	if (timeout)
		ike_sa_destroy(sa, IKEV2_EV_PEER_DEAD, "Delete: no response from peer");
}

static const struct task_ops del_child_ops = {
	.name = "Delete CHILD SA",
	.exchange = IKEV2_EXCH_INFORMATIONAL,
	.can_start = del_can_start,
	.build = del_build,
	.process = del_process,
	.abort = del_abort,
};

const struct task_ops task_delete_ike_ops = {
	.name = "Delete IKE SA",
	.exchange = IKEV2_EXCH_INFORMATIONAL,
	.can_start = del_can_start,
	.build = del_build,
	.process = del_process,
	.abort = del_abort,
};

struct ikev2_task *task_delete_child_new(uint64_t child_id)
{
	struct t_del *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->base.ops = &del_child_ops;
	t->child_id = child_id;
	return &t->base;
}

struct ikev2_task *task_delete_ike_new(void)
{
	struct t_del *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->base.ops = &task_delete_ike_ops;
	t->ike = true;
	return &t->base;
}

/* ---- AUTHENTICATION_FAILED after IKE_AUTH (RFC 7296 2.21.2): the
 * initiator rejected the responder's AUTH and says so before it goes. */

static bool af_can_start(struct ike_sa *sa, struct ikev2_task *t)
{
	(void)t;
	return sa->state == IKEV2_IKE_AUTH_SENT || sa->state == IKEV2_IKE_ESTABLISHED;
}

static int af_build(struct ike_sa *sa, struct ikev2_task *t, struct ikev2_enc *e)
{
	(void)sa;
	(void)t;
	notify_add(e, IKEV2_N_AUTHENTICATION_FAILED, 0, NULL, 0, NULL, 0);
	return 0;
}

static enum task_rc af_process(struct ike_sa *sa, struct ikev2_task *t, const struct msg_in *m)
{
	(void)t;
	(void)m;
	ike_sa_destroy(sa, IKEV2_EV_AUTH_FAILED, "IKE_AUTH: peer authentication failed");
	return TASK_DONE;
}

static void af_abort(struct ike_sa *sa, struct ikev2_task *t, bool timeout)
{
	(void)t;
	if (timeout)
		ike_sa_destroy(sa, IKEV2_EV_AUTH_FAILED, "IKE_AUTH: peer authentication failed");
}

static const struct task_ops auth_failed_ops = {
	.name = "AUTHENTICATION_FAILED",
	.exchange = IKEV2_EXCH_INFORMATIONAL,
	.can_start = af_can_start,
	.build = af_build,
	.process = af_process,
	.abort = af_abort,
};

struct ikev2_task *task_auth_failed_new(void)
{
	struct t_del *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->base.ops = &auth_failed_ops;
	return &t->base;
}

/* ------------------------------------------------------------ responder */

int informational_respond(struct ike_sa *sa, const struct msg_in *m, struct ikev2_enc *r)
{
	const struct ikev2_chain *c = m->pl;
	uint8_t spis[4 * 64];
	unsigned n_out = 0;
	bool ike = false;
	for (const struct ikev2_payload *p = ikev2_chain_next(c, IKEV2_PL_DELETE, NULL); p;
	     p = ikev2_chain_next(c, IKEV2_PL_DELETE, p)) {
		const struct ikev2_pl_delete *d = &p->u.del;
		if (d->protocol == IKEV2_PROTO_IKE) {
			ike = true;
			continue;
		}
		if (d->protocol != IKEV2_PROTO_ESP || d->spi_size != 4)
			continue;
		for (unsigned i = 0; i < d->num_spi; i++) {
			struct child_sa *ch = child_sa_by_spi_out(sa, get32(ikev2_delete_spi(d, i)));
			if (!ch)
				continue;
			SA_DBG(sa, ikev2_debug_internal, "Peer deletes CHILD SA %llu (SPI 0x%08X)",
			       (unsigned long long)ch->id, ch->spi_out);
			if (ch->state != IKEV2_CHILD_DELETING && n_out < 64)
				put32(spis + 4 * n_out++, ch->spi_in);
			child_sa_remove(ch, true);
		}
	}
	if (ikev2_chain_notify(c, IKEV2_N_AUTHENTICATION_FAILED)) {
		SA_DBG(sa, ikev2_debug_error, "Peer rejected our authentication");
		sa->destroy_ev = IKEV2_EV_AUTH_FAILED;
		sa->destroy_why = "peer rejected our AUTH";
		return RESP_DESTROY;
	}
	if (ike) {
		SA_DBG(sa, ikev2_debug_internal, "Peer deletes the IKE SA");
		sa->destroy_ev = IKEV2_EV_DOWN;
		sa->destroy_why = "deleted by peer";
		return RESP_DESTROY;
	}
	if (n_out) {
		struct ikev2_pl_delete d = {IKEV2_PROTO_ESP, 4, (uint16_t)n_out, spis};
		ikev2_enc_delete(r, &d);
	}
	/* a configuration payload (CFG_SET after IKE_AUTH): answered next to
	 * any Deletes (task_cp_set.c) */
	cp_info_respond(sa, c, r);
	/* anything else (an empty liveness check, status notifies): an
	 * empty answer */
	return RESP_SEND;
}
