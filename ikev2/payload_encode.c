/*
 * IKEv2 codec: encoder core (IKE header, generic payload headers with
 * next-payload chaining and lengths) and the flat payload encoders.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ikev2/payload.h"
#include "ikev2/payload_internal.h"

#define NO_OFFSET ((size_t)-1)

void add_zero(struct buf *b, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memset(b->p + b->len, 0, n);
	b->len += n;
	b->p[b->len] = 0;
}

void enc_fail(struct ikev2_enc *e, const char *fmt, ...)
{
	if (e->error)
		return; /* keep the first error */
	e->error = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->errmsg, sizeof(e->errmsg), fmt, ap);
	va_end(ap);
}

static void enc_init(struct ikev2_enc *e, struct buf *b)
{
	memset(e, 0, sizeof(*e));
	e->b = b;
	e->start = b ? b->len : 0;
	e->np_off = NO_OFFSET;
	e->cur = NO_OFFSET;
}

void ikev2_enc_msg(struct ikev2_enc *e, struct buf *b, const struct ikev2_hdr *h)
{
	enc_init(e, b);
	if (!b || !h) {
		enc_fail(e, "IKE header: no buffer or header");
		return;
	}
	e->has_hdr = true;
	add64(b, h->ispi);
	add64(b, h->rspi);
	e->np_off = b->len;
	add8(b, IKEV2_PL_NONE);
	add8(b, IKEV2_VERSION);
	add8(b, h->exchange);
	add8(b, h->flags);
	add32(b, h->msgid);
	add32(b, 0); /* length, set by ikev2_enc_finish() */
}

void ikev2_enc_chain(struct ikev2_enc *e, struct buf *b)
{
	enc_init(e, b);
	if (!b)
		enc_fail(e, "chain: no buffer");
}

bool enc_begin(struct ikev2_enc *e, uint8_t type, bool critical)
{
	if (e->error)
		return false;
	if (e->closed) {
		enc_fail(e, "%s payload: added after the encrypted payload",
			 ikev2_payload_name(type));
		return false;
	}
	if (type == IKEV2_PL_NONE) {
		enc_fail(e, "payload type 0");
		return false;
	}
	if (e->n >= IKEV2_MAX_PAYLOADS) {
		enc_fail(e, "more than %u payloads", IKEV2_MAX_PAYLOADS);
		return false;
	}
	struct buf *b = e->b;
	if (e->np_off != NO_OFFSET)
		b->p[e->np_off] = type;
	if (e->n == 0)
		e->first = type;
	e->cur = b->len;
	e->cur_type = type;
	e->np_off = b->len;
	add8(b, IKEV2_PL_NONE);
	add8(b, critical ? IKEV2_PAYLOAD_CRITICAL : 0);
	add16(b, 0);
	return true;
}

void enc_end(struct ikev2_enc *e)
{
	if (e->error)
		return;
	size_t len = e->b->len - e->cur;
	if (len > 0xffff) {
		enc_fail(e, "%s payload: %zu bytes, at most 65535",
			 ikev2_payload_name(e->cur_type), len);
		return;
	}
	put16(e->b->p + e->cur + 2, (uint16_t)len);
	e->n++;
}

int ikev2_enc_finish(struct ikev2_enc *e, uint8_t *first_type)
{
	if (first_type)
		*first_type = e->error ? IKEV2_PL_NONE : e->first;
	if (e->error)
		return -1;
	if (e->has_hdr) {
		size_t len = e->b->len - e->start;
		if (len > 0xffffffffu) {
			enc_fail(e, "IKE message of %zu bytes", len);
			return -1;
		}
		put32(e->b->p + e->start + 24, (uint32_t)len);
	}
	return 0;
}

/* ---------------------------------------------------------------- payloads */

static void enc_data(struct ikev2_enc *e, const char *what, const uint8_t *p, size_t len)
{
	if (e->error)
		return;
	if (len && !p) {
		enc_fail(e, "%s: no data", what);
		return;
	}
	if (len > 0xffff) {
		enc_fail(e, "%s: %zu bytes, at most 65535", what, len);
		return;
	}
	buf_add(e->b, p, len);
}

static void ke_body(struct ikev2_enc *e, const struct ikev2_pl_ke *ke)
{
	add16(e->b, ke->group);
	add16(e->b, 0);
	enc_data(e, "KE payload", ke->data, ke->data_len);
}

static void id_body(struct ikev2_enc *e, const struct ikev2_pl_id *id)
{
	add8(e->b, id->id_type);
	add_zero(e->b, 3);
	enc_data(e, "ID payload", id->data, id->data_len);
}

static void cert_body(struct ikev2_enc *e, const struct ikev2_pl_cert *c)
{
	add8(e->b, c->encoding);
	enc_data(e, "CERT payload", c->data, c->data_len);
}

static void auth_body(struct ikev2_enc *e, const struct ikev2_pl_auth *a)
{
	add8(e->b, a->method);
	add_zero(e->b, 3);
	enc_data(e, "AUTH payload", a->data, a->data_len);
}

static void nonce_body(struct ikev2_enc *e, const uint8_t *p, size_t len)
{
	if (len < IKEV2_NONCE_MIN || len > IKEV2_NONCE_MAX) {
		enc_fail(e, "Nonce payload: %zu bytes, must be %u..%u", len, IKEV2_NONCE_MIN,
			 IKEV2_NONCE_MAX);
		return;
	}
	enc_data(e, "Nonce payload", p, len);
}

static void notify_body(struct ikev2_enc *e, const struct ikev2_pl_notify *n)
{
	if (n->spi_size && !n->spi) {
		enc_fail(e, "Notify payload: SPI size %u without SPI", n->spi_size);
		return;
	}
	add8(e->b, n->protocol);
	add8(e->b, n->spi_size);
	add16(e->b, n->type);
	buf_add(e->b, n->spi, n->spi_size);
	enc_data(e, "Notify payload", n->data, n->data_len);
}

static void delete_body(struct ikev2_enc *e, const struct ikev2_pl_delete *d)
{
	size_t n = (size_t)d->spi_size * d->num_spi;
	if (n && !d->spis) {
		enc_fail(e, "Delete payload: %u SPIs without data", d->num_spi);
		return;
	}
	add8(e->b, d->protocol);
	add8(e->b, d->spi_size);
	add16(e->b, d->num_spi);
	enc_data(e, "Delete payload", d->spis, n);
}

static void eap_body(struct ikev2_enc *e, const struct ikev2_pl_eap *eap)
{
	bool typed = eap->code == IKEV2_EAP_REQUEST || eap->code == IKEV2_EAP_RESPONSE;
	size_t len = 4 + (typed ? 1 : 0) + eap->data_len;
	if (len > 0xffff - IKEV2_GENHDR_LEN || (eap->data_len && !eap->data)) {
		enc_fail(e, "EAP payload: bad data (%zu bytes)", eap->data_len);
		return;
	}
	add8(e->b, eap->code);
	add8(e->b, eap->id);
	add16(e->b, (uint16_t)len);
	if (typed)
		add8(e->b, eap->type);
	buf_add(e->b, eap->data, eap->data_len);
}

static void sk_body(struct ikev2_enc *e, uint8_t type, uint8_t first_inner, uint16_t frag_num,
		    uint16_t total_frags, size_t iv_len, size_t ct_len, size_t icv_len,
		    const uint8_t *data, struct ikev2_sk_layout *out)
{
	struct buf *b = e->b;
	size_t dlen = iv_len + ct_len + icv_len;
	if (iv_len > 0xffff || ct_len > 0xffff || icv_len > 0xffff || dlen > 0xffff) {
		enc_fail(e, "%s payload: %zu bytes of data, at most 65535",
			 ikev2_payload_name(type), dlen);
		return;
	}
	if (type == IKEV2_PL_SKF) {
		if (frag_num == 0 || total_frags == 0 || frag_num > total_frags) {
			enc_fail(e, "SKF payload: fragment %u of %u", frag_num, total_frags);
			return;
		}
		add16(b, frag_num);
		add16(b, total_frags);
	}
	b->p[e->cur] = first_inner; /* the next-payload field names the inner chain */
	e->np_off = NO_OFFSET;
	e->closed = true;
	size_t data_off = b->len - e->start;
	if (data)
		buf_add(b, data, dlen);
	else
		add_zero(b, dlen);
	if (out) {
		out->iv_off = data_off;
		out->iv_len = iv_len;
		out->ct_off = data_off + iv_len;
		out->ct_len = ct_len;
		out->icv_off = data_off + iv_len + ct_len;
		out->icv_len = icv_len;
	}
}

/* ---------------------------------------------------------------- public */

void ikev2_enc_sa(struct ikev2_enc *e, const struct ikev2_pl_sa *sa)
{
	if (!enc_begin(e, IKEV2_PL_SA, false))
		return;
	enc_sa_body(e, sa);
	enc_end(e);
}

void ikev2_enc_ke(struct ikev2_enc *e, const struct ikev2_pl_ke *ke)
{
	if (!enc_begin(e, IKEV2_PL_KE, false))
		return;
	ke_body(e, ke);
	enc_end(e);
}

void ikev2_enc_id(struct ikev2_enc *e, uint8_t type, const struct ikev2_pl_id *id)
{
	if (type != IKEV2_PL_IDI && type != IKEV2_PL_IDR) {
		enc_fail(e, "ID payload: type %u is neither IDi nor IDr", type);
		return;
	}
	if (!enc_begin(e, type, false))
		return;
	id_body(e, id);
	enc_end(e);
}

void ikev2_enc_cert(struct ikev2_enc *e, uint8_t type, const struct ikev2_pl_cert *c)
{
	if (type != IKEV2_PL_CERT && type != IKEV2_PL_CERTREQ) {
		enc_fail(e, "CERT payload: type %u is neither CERT nor CERTREQ", type);
		return;
	}
	if (!enc_begin(e, type, false))
		return;
	cert_body(e, c);
	enc_end(e);
}

void ikev2_enc_auth(struct ikev2_enc *e, const struct ikev2_pl_auth *a)
{
	if (!enc_begin(e, IKEV2_PL_AUTH, false))
		return;
	auth_body(e, a);
	enc_end(e);
}

void ikev2_enc_nonce(struct ikev2_enc *e, const uint8_t *nonce, size_t len)
{
	if (!enc_begin(e, IKEV2_PL_NONCE, false))
		return;
	nonce_body(e, nonce, len);
	enc_end(e);
}

void ikev2_enc_notify(struct ikev2_enc *e, const struct ikev2_pl_notify *n)
{
	if (!enc_begin(e, IKEV2_PL_NOTIFY, false))
		return;
	notify_body(e, n);
	enc_end(e);
}

void ikev2_enc_delete(struct ikev2_enc *e, const struct ikev2_pl_delete *d)
{
	if (!enc_begin(e, IKEV2_PL_DELETE, false))
		return;
	delete_body(e, d);
	enc_end(e);
}

void ikev2_enc_vendor(struct ikev2_enc *e, const uint8_t *vid, size_t len)
{
	if (!enc_begin(e, IKEV2_PL_VENDOR, false))
		return;
	enc_data(e, "Vendor ID payload", vid, len);
	enc_end(e);
}

void ikev2_enc_ts(struct ikev2_enc *e, uint8_t type, const struct ikev2_pl_ts *ts)
{
	if (type != IKEV2_PL_TSI && type != IKEV2_PL_TSR) {
		enc_fail(e, "TS payload: type %u is neither TSi nor TSr", type);
		return;
	}
	if (!enc_begin(e, type, false))
		return;
	enc_ts_body(e, ts);
	enc_end(e);
}

void ikev2_enc_cp(struct ikev2_enc *e, const struct ikev2_pl_cp *cp)
{
	if (!enc_begin(e, IKEV2_PL_CP, false))
		return;
	enc_cp_body(e, cp);
	enc_end(e);
}

void ikev2_enc_eap(struct ikev2_enc *e, const struct ikev2_pl_eap *eap)
{
	if (!enc_begin(e, IKEV2_PL_EAP, false))
		return;
	eap_body(e, eap);
	enc_end(e);
}

void ikev2_enc_raw(struct ikev2_enc *e, uint8_t type, bool critical, const uint8_t *body,
		   size_t len)
{
	if (type == IKEV2_PL_SK || type == IKEV2_PL_SKF) {
		enc_fail(e, "%s payload: use ikev2_enc_sk()/ikev2_enc_skf()",
			 ikev2_payload_name(type));
		return;
	}
	if (!enc_begin(e, type, critical))
		return;
	enc_data(e, "payload body", body, len);
	enc_end(e);
}

void ikev2_enc_sk(struct ikev2_enc *e, uint8_t first_inner, size_t iv_len, size_t ct_len,
		  size_t icv_len, struct ikev2_sk_layout *out)
{
	if (out)
		memset(out, 0, sizeof(*out));
	if (!enc_begin(e, IKEV2_PL_SK, false))
		return;
	sk_body(e, IKEV2_PL_SK, first_inner, 0, 0, iv_len, ct_len, icv_len, NULL, out);
	enc_end(e);
}

void ikev2_enc_skf(struct ikev2_enc *e, uint8_t first_inner, uint16_t frag_num,
		   uint16_t total_frags, size_t iv_len, size_t ct_len, size_t icv_len,
		   struct ikev2_sk_layout *out)
{
	if (out)
		memset(out, 0, sizeof(*out));
	if (!enc_begin(e, IKEV2_PL_SKF, false))
		return;
	sk_body(e, IKEV2_PL_SKF, first_inner, frag_num, total_frags, iv_len, ct_len, icv_len,
		NULL, out);
	enc_end(e);
}

void ikev2_enc_payload(struct ikev2_enc *e, const struct ikev2_payload *p)
{
	if (!p) {
		enc_fail(e, "no payload");
		return;
	}
	if (!p->known) {
		if (!enc_begin(e, p->type, p->critical))
			return;
		enc_data(e, "payload body", p->body, p->body_len);
		enc_end(e);
		return;
	}
	if (!enc_begin(e, p->type, p->critical))
		return;
	switch (p->type) {
	case IKEV2_PL_SA: enc_sa_body(e, &p->u.sa); break;
	case IKEV2_PL_KE: ke_body(e, &p->u.ke); break;
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR: id_body(e, &p->u.id); break;
	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ: cert_body(e, &p->u.cert); break;
	case IKEV2_PL_AUTH: auth_body(e, &p->u.auth); break;
	case IKEV2_PL_NONCE: nonce_body(e, p->u.nonce.data, p->u.nonce.data_len); break;
	case IKEV2_PL_NOTIFY: notify_body(e, &p->u.notify); break;
	case IKEV2_PL_DELETE: delete_body(e, &p->u.del); break;
	case IKEV2_PL_VENDOR:
		enc_data(e, "Vendor ID payload", p->u.vendor.data, p->u.vendor.data_len);
		break;
	case IKEV2_PL_TSI:
	case IKEV2_PL_TSR: enc_ts_body(e, &p->u.ts); break;
	case IKEV2_PL_CP: enc_cp_body(e, &p->u.cp); break;
	case IKEV2_PL_EAP: eap_body(e, &p->u.eap); break;
	case IKEV2_PL_SK:
	case IKEV2_PL_SKF: {
		const struct ikev2_pl_sk *sk = &p->u.sk;
		if (sk->data_len && !sk->data) {
			enc_fail(e, "%s payload: no data", ikev2_payload_name(p->type));
			return;
		}
		sk_body(e, p->type, sk->first_inner, sk->frag_num, sk->total_frags, 0,
			sk->data_len, 0, sk->data, NULL);
		break;
	}
	default:
		enc_data(e, "payload body", p->body, p->body_len);
		break;
	}
	enc_end(e);
}
