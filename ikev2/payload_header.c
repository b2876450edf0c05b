/*
 * IKEv2 codec: IKE header, payload chain walk (validate and parse passes),
 * arena, error reporting and lookups.  See ikev2/payload.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2/payload.h"
#include "ikev2/payload_internal.h"

const char *ikev2_parse_strerror(enum ikev2_parse_rc rc)
{
	switch (rc) {
	case IKEV2_PARSE_OK: return "success";
	case IKEV2_PARSE_TRUNCATED: return "message truncated";
	case IKEV2_PARSE_BAD_LENGTH: return "invalid length field";
	case IKEV2_PARSE_BAD_VERSION: return "unsupported IKE major version";
	case IKEV2_PARSE_MALFORMED: return "malformed payload";
	case IKEV2_PARSE_UNSUPPORTED_CRITICAL: return "unsupported critical payload";
	case IKEV2_PARSE_TOO_MANY_PAYLOADS: return "too many payloads";
	case IKEV2_PARSE_SK_NOT_LAST: return "encrypted payload misplaced";
	case IKEV2_PARSE_NOMEM: return "out of memory";
	case IKEV2_PARSE_INVALID_ARG: return "invalid argument";
	}
	return "unknown error";
}

static void err_vset(struct ikev2_parse_err *err, enum ikev2_parse_rc rc, uint8_t type,
		     unsigned index, size_t offset, const char *prefix, const char *fmt,
		     va_list ap)
{
	err->rc = rc;
	err->payload_type = type;
	err->payload_index = index;
	err->offset = offset;
	size_t n = 0;
	if (prefix) {
		int k = snprintf(err->msg, sizeof(err->msg), "%s", prefix);
		n = k < 0 ? 0 : (size_t)k;
		if (n >= sizeof(err->msg))
			n = sizeof(err->msg) - 1;
	}
	vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
}

void pl_err_raw(struct ikev2_parse_err *err, enum ikev2_parse_rc rc, uint8_t type,
		unsigned index, size_t offset, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(err, rc, type, index, offset, NULL, fmt, ap);
	va_end(ap);
}

int pl_err(struct pl_ctx *c, enum ikev2_parse_rc rc, const uint8_t *at, const char *fmt, ...)
{
	char prefix[48];
	const char *name = ikev2_payload_name(c->pl_type);
	if (strcmp(name, "UNKNOWN") == 0)
		snprintf(prefix, sizeof(prefix), "payload type %u: ", c->pl_type);
	else
		snprintf(prefix, sizeof(prefix), "%s payload: ", name);
	va_list ap;
	va_start(ap, fmt);
	err_vset(c->err, rc, c->pl_type, c->pl_index, at ? (size_t)(at - c->base) : 0, prefix,
		 fmt, ap);
	va_end(ap);
	return -1;
}

static void err_clear(struct ikev2_parse_err *err)
{
	err->rc = IKEV2_PARSE_OK;
	err->payload_type = 0;
	err->payload_index = 0;
	err->offset = 0;
	err->msg[0] = 0;
}

bool pl_type_known(uint8_t type)
{
	return (type >= IKEV2_PL_SA && type <= IKEV2_PL_EAP) || type == IKEV2_PL_SKF;
}

/* ---------------------------------------------------------------- header */

enum ikev2_parse_rc ikev2_hdr_parse(const uint8_t *data, size_t len, struct ikev2_hdr *h,
				    struct ikev2_parse_err *err)
{
	struct ikev2_parse_err dummy;
	if (!err)
		err = &dummy;
	err_clear(err);
	if (!data || !h) {
		pl_err_raw(err, IKEV2_PARSE_INVALID_ARG, 0, 0, 0, "IKE header: no input");
		return err->rc;
	}
	if (len < IKEV2_HDR_LEN) {
		pl_err_raw(err, IKEV2_PARSE_TRUNCATED, 0, 0, 0,
			   "IKE header: %zu bytes received, header needs %u", len, IKEV2_HDR_LEN);
		return err->rc;
	}
	h->ispi = get64(data);
	h->rspi = get64(data + 8);
	h->next_payload = data[16];
	h->major = data[17] >> 4;
	h->minor = data[17] & 0x0f;
	h->exchange = data[18];
	h->flags = data[19];
	h->msgid = get32(data + 20);
	h->length = get32(data + 24);
	if (h->major != 2) {
		pl_err_raw(err, IKEV2_PARSE_BAD_VERSION, 0, 0, 17,
			   "IKE header: major version %u, expected 2", h->major);
		return err->rc;
	}
	if (h->length < IKEV2_HDR_LEN) {
		pl_err_raw(err, IKEV2_PARSE_BAD_LENGTH, 0, 0, 24,
			   "IKE header: length %u below minimum %u", h->length, IKEV2_HDR_LEN);
		return err->rc;
	}
	if (h->length > len) {
		pl_err_raw(err, IKEV2_PARSE_TRUNCATED, 0, 0, 24,
			   "IKE header: length %u but only %zu bytes received", h->length, len);
		return err->rc;
	}
	if (h->length < len) {
		pl_err_raw(err, IKEV2_PARSE_BAD_LENGTH, 0, 0, 24,
			   "IKE header: length %u but %zu bytes received", h->length, len);
		return err->rc;
	}
	return IKEV2_PARSE_OK;
}

/* ---------------------------------------------------------------- chain walk */

/*
 * Walk the payload chain in data[start, end) beginning with type np.
 * inner: the chain is SK plaintext (no SK/SKF allowed).
 * out: NULL in the validate pass.
 */
static int walk_chain(struct pl_ctx *c, const uint8_t *data, size_t start, size_t end,
		      uint8_t np, bool inner, struct ikev2_chain *out)
{
	size_t off = start;
	unsigned n = 0;
	struct ikev2_payload tmp;

	while (np != IKEV2_PL_NONE) {
		c->pl_type = np;
		c->pl_index = n;
		if (n >= IKEV2_MAX_PAYLOADS)
			return pl_err(c, IKEV2_PARSE_TOO_MANY_PAYLOADS, data + off,
				      "more than %u payloads", IKEV2_MAX_PAYLOADS);
		if (end - off < IKEV2_GENHDR_LEN) {
			if (end == off)
				return pl_err(c, IKEV2_PARSE_BAD_LENGTH, data + off,
					      "announced by the previous next-payload field, but "
					      "the message ends at offset %zu", off);
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, data + off,
				      "%zu bytes left, generic header needs %u", end - off,
				      IKEV2_GENHDR_LEN);
		}
		const uint8_t *ph = data + off;
		uint16_t plen = get16(ph + 2);
		if (plen < IKEV2_GENHDR_LEN)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, ph + 2,
				      "length %u below minimum %u", plen, IKEV2_GENHDR_LEN);
		if (plen > end - off)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, ph + 2,
				      "length %u exceeds the %zu bytes left", plen, end - off);

		struct ikev2_payload *p = out ? &out->pl[n] : &tmp;
		memset(p, 0, sizeof(*p));
		p->type = np;
		p->next = ph[0];
		p->critical = (ph[1] & IKEV2_PAYLOAD_CRITICAL) != 0;
		p->len = plen;
		p->off = off;
		p->body = ph + IKEV2_GENHDR_LEN;
		p->body_len = plen - IKEV2_GENHDR_LEN;
		p->known = pl_type_known(np);

		if (!p->known) {
			if (p->critical)
				return pl_err(c, IKEV2_PARSE_UNSUPPORTED_CRITICAL, ph,
					      "critical bit set but type %u is not supported", np);
		} else if (np == IKEV2_PL_SK || np == IKEV2_PL_SKF) {
			if (inner)
				return pl_err(c, IKEV2_PARSE_SK_NOT_LAST, ph,
					      "not allowed inside an encrypted payload");
			if (off + plen != end)
				return pl_err(c, IKEV2_PARSE_SK_NOT_LAST, ph,
					      "must be the last payload, %zu bytes follow",
					      end - off - plen);
		}

		if (p->known) {
			int rc;
			switch (np) {
			case IKEV2_PL_SA:
				rc = pl_parse_sa(c, p->body, p->body_len, &p->u.sa);
				break;
			case IKEV2_PL_TSI:
			case IKEV2_PL_TSR:
				rc = pl_parse_ts(c, p->body, p->body_len, &p->u.ts);
				break;
			case IKEV2_PL_CP:
				rc = pl_parse_cp(c, p->body, p->body_len, &p->u.cp);
				break;
			default:
				rc = pl_parse_misc(c, np, p->body, p->body_len, p);
				break;
			}
			if (rc < 0)
				return -1;
		}
		n++;
		off += plen;
		if (np == IKEV2_PL_SK || np == IKEV2_PL_SKF)
			break; /* its next-payload field is the first inner payload */
		np = ph[0];
	}
	if (out)
		out->n = n;
	if (off != end) {
		c->pl_type = 0;
		c->pl_index = n;
		pl_err_raw(c->err, IKEV2_PARSE_BAD_LENGTH, 0, n, off,
			   "%zu bytes after the last payload", end - off);
		return -1;
	}
	return 0;
}

static void ctx_init(struct pl_ctx *c, const uint8_t *base, struct ikev2_parse_err *err)
{
	memset(c, 0, sizeof(*c));
	c->base = base;
	c->err = err;
}

/* Allocate the arrays counted by the validate pass and rewind the cursors. */
static int ctx_alloc(struct pl_ctx *c, void **arena)
{
	size_t sz_prop = c->n_prop * sizeof(struct ikev2_sa_proposal);
	size_t sz_xform = c->n_xform * sizeof(struct ikev2_sa_transform);
	size_t sz_attr = c->n_attr * sizeof(struct ikev2_sa_attr);
	size_t sz_ts = c->n_ts * sizeof(struct ikev2_ts);
	size_t sz_cfg = c->n_cfg * sizeof(struct ikev2_cfg_attr);
	size_t total = sz_prop + sz_xform + sz_attr + sz_ts + sz_cfg;

	*arena = NULL;
	c->cap_prop = c->n_prop;
	c->cap_xform = c->n_xform;
	c->cap_attr = c->n_attr;
	c->cap_ts = c->n_ts;
	c->cap_cfg = c->n_cfg;
	c->n_prop = c->n_xform = c->n_attr = c->n_ts = c->n_cfg = 0;
	c->fill = true;
	if (total == 0)
		return 0;
	/* All element types only hold pointers and integers: each block
	 * starts at a multiple of a size that is itself pointer-aligned. */
	char *a = calloc(1, total);
	if (!a)
		return -1;
	*arena = a;
	/* an empty block gets NULL, not a pointer into its neighbour */
	c->prop = sz_prop ? (struct ikev2_sa_proposal *)(void *)a : NULL;
	a += sz_prop;
	c->xform = sz_xform ? (struct ikev2_sa_transform *)(void *)a : NULL;
	a += sz_xform;
	c->attr = sz_attr ? (struct ikev2_sa_attr *)(void *)a : NULL;
	a += sz_attr;
	c->ts = sz_ts ? (struct ikev2_ts *)(void *)a : NULL;
	a += sz_ts;
	c->cfg = sz_cfg ? (struct ikev2_cfg_attr *)(void *)a : NULL;
	return 0;
}

static enum ikev2_parse_rc chain_run(const uint8_t *base, size_t start, size_t end, uint8_t np,
				     bool inner, struct ikev2_chain *out,
				     struct ikev2_parse_err *err)
{
	struct pl_ctx c;

	ctx_init(&c, base, err);
	if (walk_chain(&c, base, start, end, np, inner, NULL) < 0)
		return err->rc;
	if (!out)
		return IKEV2_PARSE_OK;
	if (ctx_alloc(&c, &out->arena) < 0) {
		pl_err_raw(err, IKEV2_PARSE_NOMEM, 0, 0, 0, "out of memory");
		return err->rc;
	}
	if (walk_chain(&c, base, start, end, np, inner, out) < 0) {
		free(out->arena);
		out->arena = NULL;
		out->n = 0;
		return err->rc;
	}
	return IKEV2_PARSE_OK;
}

/* ---------------------------------------------------------------- messages */

static enum ikev2_parse_rc msg_run(const uint8_t *data, size_t len, struct ikev2_msg *m,
				   struct ikev2_parse_err *err)
{
	struct ikev2_hdr h;
	memset(&h, 0, sizeof(h));
	enum ikev2_parse_rc rc = ikev2_hdr_parse(data, len, &h, err);

	if (m) {
		memset(m, 0, sizeof(*m));
		m->raw = data;
		m->raw_len = len;
		if (data && len >= IKEV2_HDR_LEN) {
			m->hdr = h;
			m->hdr_valid = true;
		}
	}
	if (rc != IKEV2_PARSE_OK)
		return rc;
	return chain_run(data, IKEV2_HDR_LEN, h.length, h.next_payload, false,
			 m ? &m->chain : NULL, err);
}

enum ikev2_parse_rc ikev2_msg_validate(const uint8_t *data, size_t len,
				       struct ikev2_parse_err *err)
{
	struct ikev2_parse_err dummy;
	return msg_run(data, len, NULL, err ? err : &dummy);
}

enum ikev2_parse_rc ikev2_msg_parse(const uint8_t *data, size_t len, struct ikev2_msg *m,
				    struct ikev2_parse_err *err)
{
	struct ikev2_parse_err dummy;
	if (!err)
		err = &dummy;
	if (!m) {
		err_clear(err);
		pl_err_raw(err, IKEV2_PARSE_INVALID_ARG, 0, 0, 0, "no message struct");
		return err->rc;
	}
	return msg_run(data, len, m, err);
}

void ikev2_msg_free(struct ikev2_msg *m)
{
	if (!m)
		return;
	ikev2_chain_free(&m->chain);
}

/* ---------------------------------------------------------------- bare chains */

static enum ikev2_parse_rc bare_chain(const uint8_t *data, size_t len, uint8_t first_type,
				      struct ikev2_chain *c, struct ikev2_parse_err *err)
{
	err_clear(err);
	if (c) {
		c->n = 0;
		c->arena = NULL;
	}
	if (!data && len) {
		pl_err_raw(err, IKEV2_PARSE_INVALID_ARG, 0, 0, 0, "no input");
		return err->rc;
	}
	static const uint8_t empty[1];
	return chain_run(data ? data : empty, 0, len, first_type, true, c, err);
}

enum ikev2_parse_rc ikev2_chain_validate(const uint8_t *data, size_t len, uint8_t first_type,
					 struct ikev2_parse_err *err)
{
	struct ikev2_parse_err dummy;
	return bare_chain(data, len, first_type, NULL, err ? err : &dummy);
}

enum ikev2_parse_rc ikev2_chain_parse(const uint8_t *data, size_t len, uint8_t first_type,
				      struct ikev2_chain *c, struct ikev2_parse_err *err)
{
	struct ikev2_parse_err dummy;
	if (!err)
		err = &dummy;
	if (!c) {
		err_clear(err);
		pl_err_raw(err, IKEV2_PARSE_INVALID_ARG, 0, 0, 0, "no chain struct");
		return err->rc;
	}
	return bare_chain(data, len, first_type, c, err);
}

void ikev2_chain_free(struct ikev2_chain *c)
{
	if (!c)
		return;
	free(c->arena);
	c->arena = NULL;
	c->n = 0;
}

/* ---------------------------------------------------------------- lookups */

const struct ikev2_payload *ikev2_chain_next(const struct ikev2_chain *c, uint8_t type,
					     const struct ikev2_payload *prev)
{
	if (!c)
		return NULL;
	unsigned i = 0;
	if (prev) {
		if (prev < c->pl || prev >= c->pl + c->n)
			return NULL;
		i = (unsigned)(prev - c->pl) + 1;
	}
	for (; i < c->n && i < IKEV2_MAX_PAYLOADS; i++)
		if (c->pl[i].type == type)
			return &c->pl[i];
	return NULL;
}

const struct ikev2_payload *ikev2_chain_notify(const struct ikev2_chain *c, uint16_t ntype)
{
	const struct ikev2_payload *p = NULL;
	while ((p = ikev2_chain_next(c, IKEV2_PL_NOTIFY, p)))
		if (p->known && p->u.notify.type == ntype)
			return p;
	return NULL;
}

const uint8_t *ikev2_delete_spi(const struct ikev2_pl_delete *d, unsigned i)
{
	if (!d || !d->spis || d->spi_size == 0 || i >= d->num_spi)
		return NULL;
	return d->spis + (size_t)i * d->spi_size;
}
