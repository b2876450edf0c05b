/*
 * Message encoding: IKE header + plain payloads (IKE_SA_INIT) or header +
 * SK payload (RFC 7296 3.14) with the crypto layer's encrypt contract,
 * fragmented by msg_frag.c when negotiated and too big; SK decryption;
 * IOS-like packet debug lines.
 */
#include <stdio.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

static uint64_t be64(const uint8_t s[8])
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | s[i];
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void msg_encode_plain(struct buf *out, const uint8_t spi_i[8], const uint8_t spi_r[8],
		      uint8_t exchange, uint8_t flags, uint32_t msgid, const struct buf *chain,
		      uint8_t first)
{
	struct ikev2_hdr h = {0};
	struct ikev2_enc e;
	size_t start = out->len;
	h.ispi = be64(spi_i);
	h.rspi = be64(spi_r);
	h.exchange = exchange;
	h.flags = flags;
	h.msgid = msgid;
	ikev2_enc_msg(&e, out, &h);
	ikev2_enc_finish(&e, NULL);
	/* the chain was encoded on its own: link it behind the header */
	out->p[start + 16] = first;
	buf_add(out, chain->p, chain->len);
	put32(out->p + start + 24, (uint32_t)(out->len - start));
}

/* One SK or SKF message carrying inner[0..inner_len) into out (empty). */
int msg_sk_wrap(struct ike_sa *sa, struct buf *out, uint8_t exchange, uint8_t flags,
		uint32_t msgid, bool skf, uint16_t fnum, uint16_t ftotal, uint8_t first,
		const uint8_t *inner, size_t inner_len)
{
	struct ikev2_hdr h = {0};
	struct ikev2_enc e;
	struct ikev2_sk_layout lay;
	h.ispi = be64(sa->spi_i);
	h.rspi = be64(sa->spi_r);
	h.exchange = exchange;
	h.flags = flags;
	h.msgid = msgid;
	size_t body = crypto_sk_body_len(&sa->sk_out, inner_len);
	size_t iv = crypto_sk_iv_len(&sa->sk_out), icv = crypto_sk_icv_len(&sa->sk_out);
	if (body < iv + icv)
		return -1;
	ikev2_enc_msg(&e, out, &h);
	if (skf)
		ikev2_enc_skf(&e, first, fnum, ftotal, iv, body - iv - icv, icv, &lay);
	else
		ikev2_enc_sk(&e, first, iv, body - iv - icv, icv, &lay);
	if (ikev2_enc_finish(&e, NULL) != 0) {
		SA_DBG(sa, ikev2_debug_error, "encode: %s", e.errmsg);
		return -1;
	}
	/* the encoder reserved the body; the crypto layer appends it */
	out->len = lay.iv_off;
	size_t sk_off = lay.iv_off - (skf ? IKEV2_SKF_HDR_LEN : IKEV2_GENHDR_LEN);
	int rc = crypto_sk_encrypt(&sa->sk_out, out, sk_off, inner, inner_len);
	if (rc != CRYPTO_OK) {
		SA_DBG(sa, ikev2_debug_error, "SK encrypt: %s", crypto_strerror(rc));
		return -1;
	}
	return 0;
}

int msg_encode(struct ike_sa *sa, uint8_t exchange, bool response, uint32_t msgid,
	       const struct buf *chain, uint8_t first, struct pkts *out)
{
	uint8_t flags = (sa->initiator ? IKEV2_FLAG_INITIATOR : 0) |
			(response ? IKEV2_FLAG_RESPONSE : 0);
	if (exchange == IKEV2_EXCH_IKE_SA_INIT) {
		msg_encode_plain(pkts_add(out), sa->spi_i, sa->spi_r, exchange, flags, msgid, chain,
				 first);
		return 0;
	}
	if (!sa->have_keys)
		return -1;
	size_t whole = IKEV2_HDR_LEN + IKEV2_GENHDR_LEN + crypto_sk_body_len(&sa->sk_out, chain->len);
	uint32_t limit = ike_sa_frag_limit(sa);
	if (sa->frag_peer && sa->cfg.ike.fragmentation && whole > limit)
		return msg_frag_encode(sa, exchange, flags, msgid, chain, first, limit, out);
	return msg_sk_wrap(sa, pkts_add(out), exchange, flags, msgid, false, 0, 0, first,
			   chain->p, chain->len);
}

int msg_decrypt_sk(struct ike_sa *sa, uint8_t *buf, size_t len, const struct ikev2_pl_sk *sk,
		   size_t *off, size_t *plen)
{
	if (!sa->have_keys)
		return -1;
	int rc = crypto_sk_decrypt(&sa->sk_in, buf, len, sk->data_off, sk->data_off + sk->data_len,
				   off, plen);
	if (rc != CRYPTO_OK) {
		SA_DBG(sa, ikev2_debug_error, "SK payload verification failed: %s",
		       crypto_strerror(rc));
		return -1;
	}
	return 0;
}

static void payload_list(const struct ikev2_chain *c, char *out, size_t len)
{
	static const struct {
		uint8_t t;
		const char *n;
	} short_names[] = {
		{IKEV2_PL_SA, "SA"}, {IKEV2_PL_KE, "KE"}, {IKEV2_PL_IDI, "IDi"},
		{IKEV2_PL_IDR, "IDr"}, {IKEV2_PL_CERT, "CERT"}, {IKEV2_PL_CERTREQ, "CERTREQ"},
		{IKEV2_PL_AUTH, "AUTH"}, {IKEV2_PL_NONCE, "N"}, {IKEV2_PL_DELETE, "DELETE"},
		{IKEV2_PL_VENDOR, "VID"}, {IKEV2_PL_TSI, "TSi"}, {IKEV2_PL_TSR, "TSr"},
		{IKEV2_PL_SK, "ENCR"}, {IKEV2_PL_SKF, "SKF"}, {IKEV2_PL_CP, "CFG"},
		{IKEV2_PL_EAP, "EAP"},
	};
	size_t n = 0;
	out[0] = 0;
	for (unsigned i = 0; c && i < c->n && n + 1 < len; i++) {
		const struct ikev2_payload *p = &c->pl[i];
		const char *name = NULL;
		char tmp[96];
		for (size_t k = 0; k < sizeof(short_names) / sizeof(short_names[0]); k++)
			if (short_names[k].t == p->type)
				name = short_names[k].n;
		if (p->type == IKEV2_PL_NOTIFY && p->known) {
			snprintf(tmp, sizeof(tmp), "NOTIFY(%s)", ikev2_notify_name(p->u.notify.type));
			name = tmp;
		} else if (!name) {
			snprintf(tmp, sizeof(tmp), "%s", ikev2_payload_name(p->type));
			name = tmp;
		}
		int w = snprintf(out + n, len - n, "%s%s", n ? " " : "", name);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

void msg_debug_packet(struct ike_sa *sa, bool tx, const struct ipsec_addr *local,
		      const struct ipsec_addr *remote, const struct ikev2_hdr *h,
		      const struct ikev2_chain *c)
{
	if (!ikev2_debug_packet.on && !ikev2_debug_default.on)
		return;
	char l[64], r[64], pl[512];
	payload_list(c, pl, sizeof(pl));
	log_debug("IKEv2:(SA ID = %llu):%s Packet [%s %s:%u/%s %s:%u/VRF i0:f0]\n"
		  "Initiator SPI : %016llX - Responder SPI : %016llX Message id: %u\n"
		  "IKEv2 %s Exchange %s\nPayload contents:\n %s",
		  (unsigned long long)(sa ? sa->id : 0), tx ? "Sending" : "Received",
		  tx ? "To" : "From", ikev2_addr_str(remote, r, sizeof(r)), remote->port,
		  tx ? "From" : "To", ikev2_addr_str(local, l, sizeof(l)), local->port,
		  (unsigned long long)h->ispi, (unsigned long long)h->rspi, h->msgid,
		  ikev2_exchange_name(h->exchange),
		  (h->flags & IKEV2_FLAG_RESPONSE) ? "RESPONSE" : "REQUEST", pl);
}
