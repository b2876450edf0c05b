/*
 * Exchanges: the task queue, message IDs, the request window (size 1,
 * kept as a slot), retransmissions, and the input path (parse, find the
 * SA, check message IDs, decrypt/reassemble, answer retransmitted
 * requests from the cache, dispatch requests to responder handlers and
 * responses to the waiting task).
 *
 * RFC 7296 2.1-2.3: we keep one request outstanding; a request is
 * retransmitted until answered or given up; the peer's requests are
 * answered in order, the last answer is kept and resent when the same
 * request comes again (for a fragmented request only when fragment 1
 * comes again, RFC 7383 2.6.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

static void fire_retransmit(void *arg);

static void task_free(struct ikev2_task *t)
{
	if (t && t->ops->free)
		t->ops->free(t);
	else
		free(t);
}

static void spi_bytes(uint64_t v, uint8_t out[8])
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

static void transmit(struct ike_sa *sa, const struct pkts *p)
{
	for (unsigned i = 0; i < p->n; i++)
		eng_send(sa->eng, &sa->local, &sa->remote, &p->p[i]);
}

/* Debug view of an encoded chain (parsed again only when debugging). */
static void debug_chain(struct ike_sa *sa, bool tx, uint8_t exchange, uint32_t msgid, bool resp,
			const struct buf *chain, uint8_t first)
{
	if (!ikev2_debug_packet.on && !ikev2_debug_default.on)
		return;
	struct ikev2_chain c;
	struct ikev2_hdr h = {0};
	uint8_t si[8], sr[8];
	memcpy(si, sa->spi_i, 8);
	memcpy(sr, sa->spi_r, 8);
	for (int i = 0; i < 8; i++) {
		h.ispi = h.ispi << 8 | si[i];
		h.rspi = h.rspi << 8 | sr[i];
	}
	h.exchange = exchange;
	h.msgid = msgid;
	h.flags = resp ? IKEV2_FLAG_RESPONSE : 0;
	memset(&c, 0, sizeof(c));
	if (ikev2_chain_parse(chain->p, chain->len, first, &c, NULL) == IKEV2_PARSE_OK)
		msg_debug_packet(sa, tx, &sa->local, &sa->remote, &h, &c);
	ikev2_chain_free(&c);
}

/* ------------------------------------------------------------ queue */

static bool can_start(struct ike_sa *sa, struct ikev2_task *t)
{
	if (t->ops->can_start)
		return t->ops->can_start(sa, t);
	return sa->state == IKEV2_IKE_ESTABLISHED;
}

static void start_task(struct ike_sa *sa, struct ikev2_task *t)
{
	struct ikev2_engine *e = sa->eng;
	struct buf chain;
	struct ikev2_enc enc;
	uint8_t first = 0;
	buf_init(&chain);
	ikev2_enc_chain(&enc, &chain);
	if (t->ops->build(sa, t, &enc) != 0) {
		task_free(t);
		buf_free(&chain);
		return;
	}
	if (ikev2_enc_finish(&enc, &first) != 0) {
		SA_DBG(sa, ikev2_debug_error, "%s: encoding failed: %s", t->ops->name, enc.errmsg);
		task_free(t);
		buf_free(&chain);
		if (sa->state < IKEV2_IKE_ESTABLISHED)
			ike_sa_destroy(sa, IKEV2_EV_FAILED, "cannot encode the request");
		return;
	}
	uint8_t exch = t->ops->exchange;
	uint32_t msgid = exch == IKEV2_EXCH_IKE_SA_INIT ? 0 : sa->msgid_tx;
	struct req_slot *r = &sa->req;
	pkts_free(&r->pkts);
	if (msg_encode(sa, exch, false, msgid, &chain, first, &r->pkts) != 0) {
		SA_DBG(sa, ikev2_debug_error, "%s: cannot protect the request", t->ops->name);
		pkts_free(&r->pkts);
		task_free(t);
		buf_free(&chain);
		if (sa->state < IKEV2_IKE_ESTABLISHED)
			ike_sa_destroy(sa, IKEV2_EV_FAILED, "cannot protect the request");
		return;
	}
	r->busy = true;
	r->msgid = msgid;
	r->exchange = exch;
	r->task = t;
	r->retries = 0;
	r->timeout_ms = e->set.retransmit_initial_ms;
	if (task_is_dpd(t) && sa->cfg.ike.dpd_retry_sec)
		r->timeout_ms = sa->cfg.ike.dpd_retry_sec * 1000;
	sa->msgid_tx = msgid + 1;
	if (exch == IKEV2_EXCH_IKE_SA_INIT) {
		buf_reset(&sa->init_req);
		buf_add(&sa->init_req, r->pkts.p[0].p, r->pkts.p[0].len);
	}
	debug_chain(sa, true, exch, msgid, false, &chain, first);
	buf_free(&chain);
	r->timer = eng_timer_add(e, r->timeout_ms, fire_retransmit, sa);
	transmit(sa, &r->pkts);
}

void exch_kick(struct ike_sa *sa)
{
	while (!sa->req.busy && sa->tasks && sa->state != IKEV2_IKE_DEAD) {
		struct ikev2_task *t = sa->tasks;
		if (!can_start(sa, t))
			break;
		sa->tasks = t->next;
		t->next = NULL;
		start_task(sa, t);
	}
}

void exch_queue(struct ike_sa *sa, struct ikev2_task *t)
{
	if (!t)
		return;
	struct ikev2_task **pp = &sa->tasks;
	while (*pp)
		pp = &(*pp)->next;
	t->next = NULL;
	*pp = t;
	exch_kick(sa);
}

void exch_queue_first(struct ike_sa *sa, struct ikev2_task *t)
{
	if (!t)
		return;
	t->next = sa->tasks;
	sa->tasks = t;
	exch_kick(sa);
}

bool exch_has_task(struct ike_sa *sa, const struct task_ops *ops)
{
	if (sa->req.busy && sa->req.task && sa->req.task->ops == ops)
		return true;
	for (struct ikev2_task *t = sa->tasks; t; t = t->next)
		if (t->ops == ops)
			return true;
	return false;
}

struct ikev2_task *exch_active(struct ike_sa *sa)
{
	return sa->req.busy ? sa->req.task : NULL;
}

void exch_flush(struct ike_sa *sa)
{
	struct req_slot *r = &sa->req;
	eng_timer_cancel(sa->eng, &r->timer);
	if (r->task) {
		task_free(r->task);
		r->task = NULL;
	}
	r->busy = false;
	pkts_free(&r->pkts);
	while (sa->tasks) {
		struct ikev2_task *t = sa->tasks;
		sa->tasks = t->next;
		task_free(t);
	}
}

void exch_move_queued(struct ike_sa *from, struct ike_sa *to)
{
	struct ikev2_task **pp = &to->tasks;
	while (*pp)
		pp = &(*pp)->next;
	*pp = from->tasks;
	from->tasks = NULL;
}

void exch_free_state(struct ike_sa *sa)
{
	pkts_free(&sa->req.pkts);
	pkts_free(&sa->resp.pkts);
	sa->resp.valid = false;
}

static void fire_retransmit(void *arg)
{
	struct ike_sa *sa = arg;
	struct ikev2_engine *e = sa->eng;
	struct req_slot *r = &sa->req;
	r->timer = NULL;
	if (!r->busy)
		return;
	if (r->retries >= e->set.retransmit_max) {
		struct ikev2_task *t = r->task;
		r->task = NULL;
		r->busy = false;
		pkts_free(&r->pkts);
		SA_DBG(sa, ikev2_debug_error, "Maximum number of retransmissions reached (%s)",
		       t->ops->name);
		if (t->ops->abort)
			t->ops->abort(sa, t, true);
		else
			ike_sa_destroy(sa, IKEV2_EV_PEER_DEAD, "no response from peer");
		task_free(t);
		if (sa->state != IKEV2_IKE_DEAD)
			exch_kick(sa);
		return;
	}
	r->retries++;
	e->stats.retransmits++;
	SA_DBG(sa, ikev2_debug_internal, "Retransmitting packet (%u of %u), message id %u",
	       r->retries, e->set.retransmit_max, r->msgid);
	/* DPD probes are retried at the configured retry interval, as IOS does
	 * ("dpd 10 2": dead about 5 x 2 s after the first unanswered probe);
	 * every other request backs off exponentially. */
	if (!(r->task && task_is_dpd(r->task) && sa->cfg.ike.dpd_retry_sec)) {
		uint64_t next = (uint64_t)r->timeout_ms * 2;
		r->timeout_ms = next > e->set.retransmit_cap_ms ? e->set.retransmit_cap_ms : (uint32_t)next;
	}
	r->timer = eng_timer_add(e, r->timeout_ms, fire_retransmit, sa);
	transmit(sa, &r->pkts);
}

/* ------------------------------------------------------------ input */

/* Decrypt (and reassemble) an SK/SKF message.  1: inner chain parsed into
 * c (plaintext in pt), 0: waiting for more fragments, -1: drop, -2: the
 * authenticated plaintext did not parse (*prc, err). */
static int open_msg(struct ike_sa *sa, const struct ikev2_msg *m, uint8_t *buf, size_t len,
		    struct reasm *r, struct buf *pt, struct ikev2_chain *c,
		    struct ikev2_parse_err *err)
{
	if (m->chain.n == 0)
		return -1;
	const struct ikev2_payload *p = &m->chain.pl[m->chain.n - 1];
	if (p->type != IKEV2_PL_SK && p->type != IKEV2_PL_SKF)
		return -1;
	if (p->type == IKEV2_PL_SKF && !(sa->cfg.ike.fragmentation && sa->frag_peer))
		return -1;
	size_t off, plen;
	if (msg_decrypt_sk(sa, buf, len, &p->u.sk, &off, &plen) != 0) {
		sa->eng->stats.rx_invalid++;
		return -1;
	}
	uint8_t first = p->u.sk.first_inner;
	if (p->type == IKEV2_PL_SKF) {
		int rc = reasm_add(sa, r, &m->hdr, &p->u.sk, buf + off, plen, pt, &first);
		if (rc <= 0)
			return rc;
	} else {
		buf_add(pt, buf + off, plen);
	}
	if (ikev2_chain_parse(pt->p, pt->len, first, c, err) != IKEV2_PARSE_OK)
		return -2;
	return 1;
}

/* RFC 7296 2.23: with a NAT in the path, follow the peer to the address
 * and port of its latest authenticated request. */
static void maybe_float(struct ike_sa *sa, const struct ipsec_addr *local,
			const struct ipsec_addr *remote)
{
	if (!(sa->nat_local || sa->nat_remote))
		return;
	if (addr_equal(local, &sa->local, true) && addr_equal(remote, &sa->remote, true))
		return;
	char a[64];
	SA_DBG(sa, ikev2_debug_internal, "Peer moved to %s:%u, updating",
	       ikev2_addr_str(remote, a, sizeof(a)), remote->port);
	sa->local = *local;
	sa->remote = *remote;
	struct ikev2_engine *e = sa->eng;
	for (struct child_sa *c = sa->children; c; c = c->next) {
		if (!e->be.ops || !e->be.ops->update_sa)
			break;
		struct ipsec_sa_update u = {*remote, *local, true, remote->port, local->port};
		struct ipsec_sa_key kin = {c->inst_remote, c->inst_local, c->spi_in, IPSEC_PROTO_ESP};
		if (c->installed_in)
			e->be.ops->update_sa(e->be.ctx, &kin, &u);
		struct ipsec_sa_update uo = {*local, *remote, true, local->port, remote->port};
		struct ipsec_sa_key kout = {c->inst_local, c->inst_remote, c->spi_out,
					    IPSEC_PROTO_ESP};
		if (c->installed_out)
			e->be.ops->update_sa(e->be.ctx, &kout, &uo);
		c->inst_local = *local;
		c->inst_remote = *remote;
		c->encap = true;
	}
}

static int dispatch(struct ike_sa *sa, const struct msg_in *in, struct ikev2_enc *r)
{
	switch (in->hdr.exchange) {
	case IKEV2_EXCH_IKE_AUTH:
		if (sa->initiator || sa->state != IKEV2_IKE_INIT_DONE)
			return RESP_NONE;
		return ike_auth_respond(sa, in, r);
	case IKEV2_EXCH_CREATE_CHILD_SA:
		if (sa->state < IKEV2_IKE_ESTABLISHED)
			return RESP_NONE;
		return create_child_respond(sa, in, r);
	case IKEV2_EXCH_INFORMATIONAL:
		if (sa->state < IKEV2_IKE_ESTABLISHED)
			return RESP_NONE;
		return informational_respond(sa, in, r);
	default:
		SA_DBG(sa, ikev2_debug_error, "Unsupported exchange %s in request: ignored",
		       ikev2_exchange_name(in->hdr.exchange));
		return RESP_NONE;
	}
}

static void send_response(struct ike_sa *sa, const struct msg_in *in, struct buf *chain,
			  uint8_t first)
{
	pkts_free(&sa->resp.pkts);
	sa->resp.valid = false;
	if (msg_encode(sa, in->hdr.exchange, true, in->hdr.msgid, chain, first, &sa->resp.pkts) !=
	    0) {
		SA_DBG(sa, ikev2_debug_error, "cannot protect the response");
		return;
	}
	sa->resp.valid = true;
	sa->resp.msgid = in->hdr.msgid;
	sa->resp.exchange = in->hdr.exchange;
	debug_chain(sa, true, in->hdr.exchange, in->hdr.msgid, true, chain, first);
	transmit(sa, &sa->resp.pkts);
}

static void handle_request(struct ike_sa *sa, const struct ikev2_msg *m, uint8_t *buf,
			   size_t len, const struct ipsec_addr *local,
			   const struct ipsec_addr *remote)
{
	struct ikev2_engine *e = sa->eng;
	uint32_t id = m->hdr.msgid;
	if (sa->resp.valid && id == sa->resp.msgid && m->hdr.exchange == sa->resp.exchange) {
		const struct ikev2_payload *last = m->chain.n ? &m->chain.pl[m->chain.n - 1] : NULL;
		if (!last || (last->type != IKEV2_PL_SK && last->type != IKEV2_PL_SKF))
			return;
		if (last->type == IKEV2_PL_SKF && last->u.sk.frag_num != 1)
			return;
		/* only an authentic copy makes us send again */
		size_t off, plen;
		if (msg_decrypt_sk(sa, buf, len, &last->u.sk, &off, &plen) != 0) {
			e->stats.rx_invalid++;
			return;
		}
		SA_DBG(sa, ikev2_debug_internal, "Retransmitted request %u: resending response", id);
		transmit(sa, &sa->resp.pkts);
		return;
	}
	if (id != sa->msgid_rx) {
		SA_DBG(sa, ikev2_debug_error, "Request with message id %u, expected %u: dropped", id,
		       sa->msgid_rx);
		e->stats.rx_dropped++;
		return;
	}
	struct buf pt, rchain;
	struct ikev2_chain c;
	struct ikev2_parse_err err;
	struct ikev2_enc renc;
	buf_init(&pt);
	buf_init(&rchain);
	memset(&c, 0, sizeof(c));
	memset(&err, 0, sizeof(err));
	int rc = open_msg(sa, m, buf, len, &sa->reasm_req, &pt, &c, &err);
	if (rc == 0 || rc == -1) {
		if (rc == -1)
			e->stats.rx_dropped++;
		goto out;
	}
	sa->last_rx_ms = eng_now(e);
	maybe_float(sa, local, remote);
	struct msg_in in = {m->hdr, &c, m->raw, m->raw_len, *local, *remote};
	ikev2_enc_chain(&renc, &rchain);
	int flags;
	if (rc == -2) {
		/* authentic but malformed: tell the peer (RFC 7296 2.21) */
		if (err.rc == IKEV2_PARSE_UNSUPPORTED_CRITICAL) {
			uint8_t t = err.payload_type;
			notify_add(&renc, IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD, 0, NULL, 0, &t, 1);
		} else {
			notify_add(&renc, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
		}
		flags = RESP_SEND;
	} else {
		msg_debug_packet(sa, false, local, remote, &m->hdr, &c);
		flags = dispatch(sa, &in, &renc);
	}
	if (flags & RESP_NONE)
		goto out;
	uint8_t first = 0;
	if (ikev2_enc_finish(&renc, &first) != 0) {
		SA_DBG(sa, ikev2_debug_error, "response encoding failed: %s", renc.errmsg);
		goto out;
	}
	sa->msgid_rx = id + 1;
	send_response(sa, &in, &rchain, first);
	if (flags & RESP_DESTROY)
		ike_sa_destroy(sa, sa->destroy_ev, sa->destroy_why);
	else
		exch_kick(sa);
out:
	ikev2_chain_free(&c);
	crypto_wipe(pt.p, pt.len);
	buf_free(&pt);
	buf_free(&rchain);
}

static void handle_response(struct ike_sa *sa, const struct ikev2_msg *m, uint8_t *buf,
			    size_t len, const struct ipsec_addr *local,
			    const struct ipsec_addr *remote)
{
	struct ikev2_engine *e = sa->eng;
	struct req_slot *r = &sa->req;
	if (!r->busy || m->hdr.msgid != r->msgid || m->hdr.exchange != r->exchange) {
		SA_DBG(sa, ikev2_debug_error, "Unexpected response, message id %u: dropped",
		       m->hdr.msgid);
		e->stats.rx_dropped++;
		return;
	}
	struct buf pt;
	struct ikev2_chain c;
	struct ikev2_parse_err err;
	buf_init(&pt);
	memset(&c, 0, sizeof(c));
	const struct ikev2_chain *pl = &m->chain;
	if (m->hdr.exchange != IKEV2_EXCH_IKE_SA_INIT) {
		int rc = open_msg(sa, m, buf, len, &sa->reasm_resp, &pt, &c, &err);
		if (rc <= 0) {
			if (rc < 0)
				e->stats.rx_dropped++;
			goto out;
		}
		pl = &c;
	}
	sa->last_rx_ms = eng_now(e);
	msg_debug_packet(sa, false, local, remote, &m->hdr, pl);
	struct msg_in in = {m->hdr, pl, m->raw, m->raw_len, *local, *remote};
	struct ikev2_task *t = r->task;
	eng_timer_cancel(e, &r->timer);
	r->task = NULL;
	r->busy = false;
	pkts_free(&r->pkts);
	enum task_rc rc = t->ops->process(sa, t, &in);
	if (rc == TASK_RETRY && sa->state != IKEV2_IKE_DEAD) {
		t->next = sa->tasks;
		sa->tasks = t;
	} else {
		task_free(t);
	}
	if (sa->state != IKEV2_IKE_DEAD)
		exch_kick(sa);
out:
	ikev2_chain_free(&c);
	crypto_wipe(pt.p, pt.len);
	buf_free(&pt);
}

void exch_input(struct ikev2_engine *e, const struct ipsec_addr *local,
		const struct ipsec_addr *remote, const uint8_t *data, size_t len)
{
	struct ikev2_hdr h;
	e->stats.rx++;
	if (!data || len < IKEV2_HDR_LEN || len > IKEV2_MAX_MSG ||
	    ikev2_hdr_parse(data, len, &h, NULL) != IKEV2_PARSE_OK) {
		e->stats.rx_invalid++;
		return;
	}
	uint8_t spi_i[8], spi_r[8];
	spi_bytes(h.ispi, spi_i);
	spi_bytes(h.rspi, spi_r);
	bool resp = h.flags & IKEV2_FLAG_RESPONSE;
	bool from_initiator = h.flags & IKEV2_FLAG_INITIATOR;

	/* a mutable copy: decryption works in place */
	uint8_t *buf = malloc(len);
	if (!buf)
		abort();
	memcpy(buf, data, len);
	struct ikev2_msg m;
	struct ikev2_parse_err err;
	enum ikev2_parse_rc prc = ikev2_msg_parse(buf, len, &m, &err);
	if (prc != IKEV2_PARSE_OK) {
		if (ikev2_debug_error.on || ikev2_debug_default.on)
			log_debug("IKEv2:Dropping malformed packet: %s", err.msg);
		e->stats.rx_invalid++;
		goto out;
	}
	if (h.exchange == IKEV2_EXCH_IKE_SA_INIT && !resp) {
		if (from_initiator)
			ike_init_respond(e, &m, local, remote);
		goto out;
	}
	/* our SPI: the responder's if the sender is the original initiator */
	struct ike_sa *sa = eng_sa_by_spi(e, from_initiator ? spi_r : spi_i, !from_initiator);
	if (sa && !(h.exchange == IKEV2_EXCH_IKE_SA_INIT && resp)) {
		const uint8_t *peer_spi = from_initiator ? sa->spi_i : sa->spi_r;
		if (memcmp(peer_spi, from_initiator ? spi_i : spi_r, 8) != 0)
			sa = NULL;
	}
	if (!sa) {
		if (ikev2_debug_error.on || ikev2_debug_default.on)
			log_debug("IKEv2:Couldn't find matching SA: SPI %016llX %016llX, %s",
				  (unsigned long long)h.ispi, (unsigned long long)h.rspi,
				  ikev2_exchange_name(h.exchange));
		e->stats.rx_dropped++;
		goto out;
	}
	if (resp)
		handle_response(sa, &m, buf, len, local, remote);
	else
		handle_request(sa, &m, buf, len, local, remote);
out:
	ikev2_msg_free(&m);
	free(buf);
}
