/*
 * IKEv2 codec: the flat payloads (KE, IDi/IDr, CERT, CERTREQ, AUTH, Nonce,
 * Notify, Delete, Vendor ID, EAP) and the encrypted ones (SK, SKF), plus
 * the SK layout and padding helpers.
 */
#include <string.h>

#include "ikev2/payload.h"
#include "ikev2/payload_internal.h"

static int need(struct pl_ctx *c, const uint8_t *p, size_t len, size_t min)
{
	if (len < min)
		return pl_err(c, IKEV2_PARSE_BAD_LENGTH, p, "body of %zu bytes, minimum %zu", len,
			      min);
	return 0;
}

static int parse_eap(struct pl_ctx *c, const uint8_t *p, size_t len, struct ikev2_pl_eap *e)
{
	if (need(c, p, len, 4) < 0)
		return -1;
	uint16_t elen = get16(p + 2);
	if (elen != len)
		return pl_err(c, IKEV2_PARSE_BAD_LENGTH, p + 2,
			      "EAP length %u does not match the %zu bytes of the payload", elen,
			      len);
	e->code = p[0];
	e->id = p[1];
	e->msg = p;
	e->msg_len = len;
	switch (e->code) {
	case IKEV2_EAP_REQUEST:
	case IKEV2_EAP_RESPONSE:
		if (len < 5)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, p + 2,
				      "EAP %s of %zu bytes has no type",
				      ikev2_eap_code_name(e->code), len);
		e->type = p[4];
		e->data = p + 5;
		e->data_len = len - 5;
		break;
	case IKEV2_EAP_SUCCESS:
	case IKEV2_EAP_FAILURE:
		if (len != 4)
			return pl_err(c, IKEV2_PARSE_MALFORMED, p + 2,
				      "EAP %s of %zu bytes, expected 4",
				      ikev2_eap_code_name(e->code), len);
		e->data = p + 4;
		e->data_len = 0;
		break;
	default:
		e->data = p + 4;
		e->data_len = len - 4;
		break;
	}
	return 0;
}

int pl_parse_misc(struct pl_ctx *c, uint8_t type, const uint8_t *p, size_t len,
		  struct ikev2_payload *out)
{
	switch (type) {
	case IKEV2_PL_KE:
		if (need(c, p, len, 4) < 0)
			return -1;
		out->u.ke.group = get16(p);
		out->u.ke.data = p + 4;
		out->u.ke.data_len = len - 4;
		return 0;

	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
		if (need(c, p, len, 4) < 0)
			return -1;
		out->u.id.id_type = p[0];
		out->u.id.data = p + 4;
		out->u.id.data_len = len - 4;
		return 0;

	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ:
		if (need(c, p, len, 1) < 0)
			return -1;
		out->u.cert.encoding = p[0];
		out->u.cert.data = p + 1;
		out->u.cert.data_len = len - 1;
		return 0;

	case IKEV2_PL_AUTH:
		if (need(c, p, len, 4) < 0)
			return -1;
		out->u.auth.method = p[0];
		out->u.auth.data = p + 4;
		out->u.auth.data_len = len - 4;
		return 0;

	case IKEV2_PL_NONCE:
		if (len < IKEV2_NONCE_MIN || len > IKEV2_NONCE_MAX)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, p,
				      "nonce of %zu bytes, must be %u..%u", len, IKEV2_NONCE_MIN,
				      IKEV2_NONCE_MAX);
		out->u.nonce.data = p;
		out->u.nonce.data_len = len;
		return 0;

	case IKEV2_PL_NOTIFY: {
		if (need(c, p, len, 4) < 0)
			return -1;
		struct ikev2_pl_notify *n = &out->u.notify;
		n->protocol = p[0];
		n->spi_size = p[1];
		n->type = get16(p + 2);
		if (n->spi_size > len - 4)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, p + 1,
				      "%s: SPI size %u exceeds the %zu bytes left",
				      ikev2_notify_name(n->type), n->spi_size, len - 4);
		n->spi = n->spi_size ? p + 4 : NULL;
		n->data = p + 4 + n->spi_size;
		n->data_len = len - 4 - n->spi_size;
		return 0;
	}

	case IKEV2_PL_DELETE: {
		if (need(c, p, len, 4) < 0)
			return -1;
		struct ikev2_pl_delete *d = &out->u.del;
		d->protocol = p[0];
		d->spi_size = p[1];
		d->num_spi = get16(p + 2);
		size_t want = (size_t)d->spi_size * d->num_spi;
		if (want != len - 4)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, p + 2,
				      "%u SPIs of %u bytes need %zu bytes, %zu present",
				      d->num_spi, d->spi_size, want, len - 4);
		d->spis = want ? p + 4 : NULL;
		return 0;
	}

	case IKEV2_PL_VENDOR:
		out->u.vendor.data = p;
		out->u.vendor.data_len = len;
		return 0;

	case IKEV2_PL_EAP:
		return parse_eap(c, p, len, &out->u.eap);

	case IKEV2_PL_SK: {
		struct ikev2_pl_sk *sk = &out->u.sk;
		sk->first_inner = out->next;
		sk->data = p;
		sk->data_len = len;
		sk->data_off = (size_t)(p - c->base);
		return 0;
	}

	case IKEV2_PL_SKF: {
		if (need(c, p, len, 4) < 0)
			return -1;
		struct ikev2_pl_sk *sk = &out->u.sk;
		sk->first_inner = out->next;
		sk->frag_num = get16(p);
		sk->total_frags = get16(p + 2);
		if (sk->frag_num == 0)
			return pl_err(c, IKEV2_PARSE_MALFORMED, p, "fragment number 0");
		if (sk->total_frags == 0)
			return pl_err(c, IKEV2_PARSE_MALFORMED, p + 2, "total fragments 0");
		if (sk->frag_num > sk->total_frags)
			return pl_err(c, IKEV2_PARSE_MALFORMED, p,
				      "fragment number %u above total fragments %u", sk->frag_num,
				      sk->total_frags);
		sk->data = p + 4;
		sk->data_len = len - 4;
		sk->data_off = (size_t)(p + 4 - c->base);
		return 0;
	}
	}
	return pl_err(c, IKEV2_PARSE_INVALID_ARG, p, "internal: no parser for type %u", type);
}

enum ikev2_parse_rc ikev2_sk_layout(const struct ikev2_pl_sk *sk, size_t iv_len, size_t icv_len,
				    struct ikev2_sk_layout *out, struct ikev2_parse_err *err)
{
	struct ikev2_parse_err dummy;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	if (!sk || !out) {
		pl_err_raw(err, IKEV2_PARSE_INVALID_ARG, IKEV2_PL_SK, 0, 0,
			   "SK payload: no payload");
		return err->rc;
	}
	uint8_t type = sk->frag_num ? IKEV2_PL_SKF : IKEV2_PL_SK;
	/* iv_len and icv_len come from the local algorithm tables, so they
	 * are small, but do not let a sum wrap */
	if (iv_len > sk->data_len || icv_len > sk->data_len - iv_len ||
	    sk->data_len - iv_len - icv_len < 1) {
		pl_err_raw(err, IKEV2_PARSE_BAD_LENGTH, type, 0, sk->data_off,
			   "%s payload: %zu bytes of data cannot hold a %zu-byte IV, ciphertext "
			   "and a %zu-byte ICV", ikev2_payload_name(type), sk->data_len, iv_len,
			   icv_len);
		return err->rc;
	}
	out->iv_off = sk->data_off;
	out->iv_len = iv_len;
	out->ct_off = sk->data_off + iv_len;
	out->ct_len = sk->data_len - iv_len - icv_len;
	out->icv_off = out->ct_off + out->ct_len;
	out->icv_len = icv_len;
	return IKEV2_PARSE_OK;
}

enum ikev2_parse_rc ikev2_sk_strip_padding(const uint8_t *pt, size_t len, size_t *inner_len,
					   struct ikev2_parse_err *err)
{
	struct ikev2_parse_err dummy;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	if (!pt || !inner_len || len == 0) {
		pl_err_raw(err, IKEV2_PARSE_BAD_LENGTH, IKEV2_PL_SK, 0, 0,
			   "SK payload: empty plaintext, no pad length");
		return err->rc;
	}
	size_t pad = pt[len - 1];
	if (pad + 1 > len) {
		pl_err_raw(err, IKEV2_PARSE_BAD_LENGTH, IKEV2_PL_SK, 0, len - 1,
			   "SK payload: pad length %zu exceeds the %zu bytes of plaintext", pad,
			   len - 1);
		return err->rc;
	}
	*inner_len = len - 1 - pad;
	return IKEV2_PARSE_OK;
}
