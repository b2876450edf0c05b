/*
 * IKEv2 codec: Security Association payload (RFC 7296 3.3): proposals,
 * transforms and transform attributes.
 */
#include <string.h>

#include "ikev2/payload.h"
#include "ikev2/payload_internal.h"

#define PROP_HDR_LEN	8
#define XFORM_HDR_LEN	8
#define ATTR_HDR_LEN	4
#define PROP_MORE	2	/* last-substruc: more proposals follow */
#define XFORM_MORE	3	/* last-substruc: more transforms follow */

/* Attributes of transform (pi, ti) in p[0, len). */
static int parse_attrs(struct pl_ctx *c, unsigned pi, unsigned ti, const uint8_t *p, size_t len,
		       struct ikev2_sa_transform *t)
{
	size_t off = 0;
	unsigned ai = 0;

	t->n_attrs = 0;
	t->attrs = c->fill && c->attr ? c->attr + c->n_attr : NULL;
	while (off < len) {
		ai++;
		const uint8_t *a = p + off;
		if (len - off < ATTR_HDR_LEN)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, a,
				      "proposal %u transform %u attribute %u: %zu bytes left, "
				      "header needs %u", pi, ti, ai, len - off, ATTR_HDR_LEN);
		uint16_t raw = get16(a);
		uint16_t type = raw & (uint16_t)~IKEV2_ATTR_AF;
		bool tv = (raw & IKEV2_ATTR_AF) != 0;
		size_t alen = ATTR_HDR_LEN;
		if (!tv) {
			uint16_t vlen = get16(a + 2);
			if (vlen > len - off - ATTR_HDR_LEN)
				return pl_err(c, IKEV2_PARSE_BAD_LENGTH, a + 2,
					      "proposal %u transform %u attribute %u: length %u "
					      "exceeds the %zu bytes left", pi, ti, ai, vlen,
					      len - off - ATTR_HDR_LEN);
			alen += vlen;
		}
		if (type == IKEV2_XATTR_KEY_LENGTH) {
			if (!tv)
				return pl_err(c, IKEV2_PARSE_MALFORMED, a,
					      "proposal %u transform %u: KEY_LENGTH attribute "
					      "not in TV format", pi, ti);
			if (t->has_key_length)
				return pl_err(c, IKEV2_PARSE_MALFORMED, a,
					      "proposal %u transform %u: duplicate KEY_LENGTH "
					      "attribute", pi, ti);
			t->has_key_length = true;
			t->key_length = get16(a + 2);
		} else {
			if (c->fill) {
				if (c->n_attr >= c->cap_attr)
					return pl_err(c, IKEV2_PARSE_NOMEM, a,
						      "internal: attribute count changed");
				struct ikev2_sa_attr *at = &c->attr[c->n_attr];
				at->type = type;
				at->tv = tv;
				at->value = tv ? get16(a + 2) : 0;
				at->data = tv ? NULL : a + ATTR_HDR_LEN;
				at->len = tv ? 0 : (uint16_t)(alen - ATTR_HDR_LEN);
			}
			c->n_attr++;
			t->n_attrs++;
		}
		off += alen;
	}
	return 0;
}

/* Transforms of proposal pi in p[0, len); announced: the proposal's count. */
static int parse_transforms(struct pl_ctx *c, unsigned pi, const uint8_t *p, size_t len,
			    unsigned announced, struct ikev2_sa_proposal *pr)
{
	size_t off = 0;
	unsigned ti = 0;

	pr->transforms = c->fill && c->xform ? c->xform + c->n_xform : NULL;
	while (off < len) {
		ti++;
		const uint8_t *x = p + off;
		if (len - off < XFORM_HDR_LEN)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, x,
				      "proposal %u transform %u: %zu bytes left, header needs %u",
				      pi, ti, len - off, XFORM_HDR_LEN);
		uint8_t last = x[0];
		uint16_t tlen = get16(x + 2);
		if (last != 0 && last != XFORM_MORE)
			return pl_err(c, IKEV2_PARSE_MALFORMED, x,
				      "proposal %u transform %u: last-substructure value %u, "
				      "expected 0 or 3", pi, ti, last);
		if (tlen < XFORM_HDR_LEN)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, x + 2,
				      "proposal %u transform %u: length %u below minimum %u", pi,
				      ti, tlen, XFORM_HDR_LEN);
		if (tlen > len - off)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, x + 2,
				      "proposal %u transform %u: length %u exceeds the %zu bytes "
				      "left in the proposal", pi, ti, tlen, len - off);
		bool more = off + tlen < len;
		if (last == 0 && more)
			return pl_err(c, IKEV2_PARSE_MALFORMED, x,
				      "proposal %u transform %u: marked last but %zu bytes follow",
				      pi, ti, len - off - tlen);
		if (last == XFORM_MORE && !more)
			return pl_err(c, IKEV2_PARSE_MALFORMED, x,
				      "proposal %u transform %u: announces more transforms but "
				      "none follow", pi, ti);
		if (ti > announced)
			return pl_err(c, IKEV2_PARSE_MALFORMED, x,
				      "proposal %u: more transforms than the %u announced", pi,
				      announced);

		struct ikev2_sa_transform tmp, *t = &tmp;
		if (c->fill) {
			if (c->n_xform >= c->cap_xform)
				return pl_err(c, IKEV2_PARSE_NOMEM, x,
					      "internal: transform count changed");
			t = &c->xform[c->n_xform];
		}
		memset(t, 0, sizeof(*t));
		t->type = x[4];
		t->id = get16(x + 6);
		c->n_xform++;
		if (parse_attrs(c, pi, ti, x + XFORM_HDR_LEN, tlen - XFORM_HDR_LEN, t) < 0)
			return -1;
		off += tlen;
	}
	if (ti != announced)
		return pl_err(c, IKEV2_PARSE_MALFORMED, p,
			      "proposal %u: %u transforms announced, %u present", pi, announced,
			      ti);
	pr->n_transforms = ti;
	return 0;
}

int pl_parse_sa(struct pl_ctx *c, const uint8_t *p, size_t len, struct ikev2_pl_sa *out)
{
	size_t off = 0;
	unsigned pi = 0;

	out->n_proposals = 0;
	out->proposals = c->fill && c->prop ? c->prop + c->n_prop : NULL;
	if (len == 0)
		return pl_err(c, IKEV2_PARSE_MALFORMED, p, "no proposals");
	while (off < len) {
		pi++;
		const uint8_t *h = p + off;
		if (len - off < PROP_HDR_LEN)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, h,
				      "proposal %u: %zu bytes left, header needs %u", pi,
				      len - off, PROP_HDR_LEN);
		uint8_t last = h[0];
		uint16_t plen = get16(h + 2);
		uint8_t spi_size = h[6];
		uint8_t ntrans = h[7];
		if (last != 0 && last != PROP_MORE)
			return pl_err(c, IKEV2_PARSE_MALFORMED, h,
				      "proposal %u: last-substructure value %u, expected 0 or 2",
				      pi, last);
		if (plen < PROP_HDR_LEN)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, h + 2,
				      "proposal %u: length %u below minimum %u", pi, plen,
				      PROP_HDR_LEN);
		if (plen > len - off)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, h + 2,
				      "proposal %u: length %u exceeds the %zu bytes left", pi,
				      plen, len - off);
		if (spi_size > plen - PROP_HDR_LEN)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, h + 6,
				      "proposal %u: SPI size %u does not fit in length %u", pi,
				      spi_size, plen);
		bool more = off + plen < len;
		if (last == 0 && more)
			return pl_err(c, IKEV2_PARSE_MALFORMED, h,
				      "proposal %u: marked last but %zu bytes follow", pi,
				      len - off - plen);
		if (last == PROP_MORE && !more)
			return pl_err(c, IKEV2_PARSE_MALFORMED, h,
				      "proposal %u: announces more proposals but none follow", pi);

		struct ikev2_sa_proposal tmp, *pr = &tmp;
		if (c->fill) {
			if (c->n_prop >= c->cap_prop)
				return pl_err(c, IKEV2_PARSE_NOMEM, h,
					      "internal: proposal count changed");
			pr = &c->prop[c->n_prop];
		}
		memset(pr, 0, sizeof(*pr));
		pr->num = h[4];
		pr->protocol = h[5];
		pr->spi_size = spi_size;
		pr->spi = spi_size ? h + PROP_HDR_LEN : NULL;
		c->n_prop++;
		size_t xoff = PROP_HDR_LEN + (size_t)spi_size;
		if (parse_transforms(c, pi, h + xoff, plen - xoff, ntrans, pr) < 0)
			return -1;
		off += plen;
	}
	out->n_proposals = pi;
	return 0;
}

/* ---------------------------------------------------------------- encoding */

void enc_sa_body(struct ikev2_enc *e, const struct ikev2_pl_sa *sa)
{
	struct buf *b = e->b;

	if (!sa || sa->n_proposals == 0 || !sa->proposals) {
		enc_fail(e, "SA payload: no proposals");
		return;
	}
	for (unsigned i = 0; i < sa->n_proposals; i++) {
		const struct ikev2_sa_proposal *pr = &sa->proposals[i];
		if (pr->n_transforms > 255) {
			enc_fail(e, "SA payload: proposal %u: %u transforms, at most 255", i + 1,
				 pr->n_transforms);
			return;
		}
		if ((pr->spi_size && !pr->spi) || (pr->n_transforms && !pr->transforms)) {
			enc_fail(e, "SA payload: proposal %u: missing SPI or transforms", i + 1);
			return;
		}
		size_t pstart = b->len;
		add8(b, i + 1 < sa->n_proposals ? PROP_MORE : 0);
		add8(b, 0);
		add16(b, 0);
		add8(b, pr->num);
		add8(b, pr->protocol);
		add8(b, pr->spi_size);
		add8(b, (uint8_t)pr->n_transforms);
		buf_add(b, pr->spi, pr->spi_size);
		for (unsigned j = 0; j < pr->n_transforms; j++) {
			const struct ikev2_sa_transform *t = &pr->transforms[j];
			if (t->n_attrs && !t->attrs) {
				enc_fail(e, "SA payload: proposal %u transform %u: missing "
					 "attributes", i + 1, j + 1);
				return;
			}
			size_t tstart = b->len;
			add8(b, j + 1 < pr->n_transforms ? XFORM_MORE : 0);
			add8(b, 0);
			add16(b, 0);
			add8(b, t->type);
			add8(b, 0);
			add16(b, t->id);
			if (t->has_key_length) {
				add16(b, IKEV2_ATTR_AF | IKEV2_XATTR_KEY_LENGTH);
				add16(b, t->key_length);
			}
			for (unsigned k = 0; k < t->n_attrs; k++) {
				const struct ikev2_sa_attr *a = &t->attrs[k];
				uint16_t type = a->type & (uint16_t)~IKEV2_ATTR_AF;
				if (a->tv) {
					add16(b, IKEV2_ATTR_AF | type);
					add16(b, a->value);
				} else {
					if (a->len && !a->data) {
						enc_fail(e, "SA payload: attribute %u without data",
							 type);
						return;
					}
					add16(b, type);
					add16(b, a->len);
					buf_add(b, a->data, a->len);
				}
			}
			size_t tlen = b->len - tstart;
			if (tlen > 0xffff) {
				enc_fail(e, "SA payload: proposal %u transform %u: %zu bytes, at "
					 "most 65535", i + 1, j + 1, tlen);
				return;
			}
			put16(b->p + tstart + 2, (uint16_t)tlen);
		}
		size_t plen = b->len - pstart;
		if (plen > 0xffff) {
			enc_fail(e, "SA payload: proposal %u: %zu bytes, at most 65535", i + 1,
				 plen);
			return;
		}
		put16(b->p + pstart + 2, (uint16_t)plen);
	}
}
