/*
 * IKE message fragmentation (RFC 7383).
 *
 * Sending: the plaintext inner payload chain is cut into pieces so that
 * every SKF message fits the limit; each fragment is encrypted and
 * authenticated on its own, fragment 1 carries the first inner payload
 * type, the others 0 (RFC 7383 2.5).
 *
 * Receiving: each fragment is verified and decrypted before it is kept
 * (so forged fragments cannot fill the buffer), then kept until all
 * Total Fragments arrived.  A fragment announcing a larger Total
 * Fragments than the ones held starts over (the sender re-fragmented,
 * RFC 7383 2.6.2); a smaller one is dropped.  Limits on the number of
 * fragments and bytes are generous; an incomplete message is dropped
 * after a timeout.
 */
#include <stdlib.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

int msg_frag_encode(struct ike_sa *sa, uint8_t exchange, uint8_t flags, uint32_t msgid,
		    const struct buf *chain, uint8_t first, uint32_t limit, struct pkts *out)
{
	size_t iv = crypto_sk_iv_len(&sa->sk_out), icv = crypto_sk_icv_len(&sa->sk_out);
	/* header, SKF header, IV, ICV, worst-case padding and pad length */
	size_t overhead = IKEV2_HDR_LEN + IKEV2_SKF_HDR_LEN + iv + icv + 16 + 1;
	if (limit <= overhead + 16)
		return -1;
	size_t chunk = limit - overhead;
	size_t total = (chain->len + chunk - 1) / chunk;
	if (total == 0)
		total = 1;
	if (total > 0xffff)
		return -1;
	for (size_t i = 0; i < total; i++) {
		size_t off = i * chunk;
		size_t n = chain->len - off < chunk ? chain->len - off : chunk;
		if (msg_sk_wrap(sa, pkts_add(out), exchange, flags, msgid, true, (uint16_t)(i + 1),
				(uint16_t)total, i == 0 ? first : 0, chain->p + off, n) != 0)
			return -1;
	}
	sa->eng->stats.fragments_tx += total;
	SA_DBG(sa, ikev2_debug_internal, "Fragmented message %u into %zu fragments (limit %u)",
	       msgid, total, limit);
	return 0;
}

void reasm_reset(struct ike_sa *sa, struct reasm *r)
{
	eng_timer_cancel(sa->eng, &r->timer);
	if (r->frag) {
		for (unsigned i = 0; i < r->total; i++)
			buf_free(&r->frag[i]);
	}
	free(r->frag);
	free(r->have);
	memset(r, 0, sizeof(*r));
}

static void reasm_timeout(void *arg)
{
	struct reasm *r = arg;
	r->timer = NULL;
	SA_DBG(r->sa, ikev2_debug_error, "Reassembly of message %u timed out (%u of %u)",
	       r->msgid, r->got, r->total);
	reasm_reset(r->sa, r);
}

static int reasm_start(struct ike_sa *sa, struct reasm *r, const struct ikev2_hdr *h,
		       uint16_t total)
{
	reasm_reset(sa, r);
	if (total == 0 || total > sa->eng->set.reassembly_max_frags)
		return -1;
	r->frag = calloc(total, sizeof(*r->frag));
	r->have = calloc(total, sizeof(*r->have));
	if (!r->frag || !r->have)
		abort();
	for (unsigned i = 0; i < total; i++)
		buf_init(&r->frag[i]);
	r->active = true;
	r->msgid = h->msgid;
	r->exchange = h->exchange;
	r->total = total;
	r->sa = sa;
	r->timer = eng_timer_add(sa->eng, sa->eng->set.reassembly_timeout_ms, reasm_timeout, r);
	return 0;
}

int reasm_add(struct ike_sa *sa, struct reasm *r, const struct ikev2_hdr *h,
	      const struct ikev2_pl_sk *skf, const uint8_t *pt, size_t pt_len, struct buf *out,
	      uint8_t *first)
{
	struct ikev2_engine *e = sa->eng;
	e->stats.fragments_rx++;
	if (r->active && h->msgid != r->msgid) {
		if (h->msgid < r->msgid)
			return -1; /* fragment of an older message */
		reasm_reset(sa, r);
	}
	if (!r->active || skf->total_frags > r->total) {
		if (reasm_start(sa, r, h, skf->total_frags) != 0)
			return -1;
	} else if (skf->total_frags < r->total) {
		return -1;
	}
	unsigned idx = skf->frag_num - 1u;
	if (skf->frag_num == 0 || idx >= r->total)
		return -1;
	if (r->have[idx])
		return 0; /* duplicate */
	if (r->bytes + pt_len > e->set.reassembly_max_bytes) {
		SA_DBG(sa, ikev2_debug_error, "Reassembly of message %u over %u bytes: dropped",
		       r->msgid, e->set.reassembly_max_bytes);
		reasm_reset(sa, r);
		return -1;
	}
	buf_add(&r->frag[idx], pt, pt_len);
	r->have[idx] = true;
	r->bytes += pt_len;
	r->got++;
	if (idx == 0)
		r->first_inner = skf->first_inner;
	if (r->got < r->total)
		return 0;
	for (unsigned i = 0; i < r->total; i++)
		buf_add(out, r->frag[i].p, r->frag[i].len);
	*first = r->first_inner;
	SA_DBG(sa, ikev2_debug_internal, "Reassembled message %u from %u fragments", r->msgid,
	       r->total);
	reasm_reset(sa, r);
	e->stats.reassembled++;
	return 1;
}
