/*
 * IKEv2 codec: Configuration payload (RFC 7296 3.15).
 */
#include "ikev2/payload.h"
#include "ikev2/payload_internal.h"

#define CP_HDR_LEN	4	/* CFG type + reserved */
#define CFG_ATTR_HDR	4	/* R bit + type, length */
#define CFG_TYPE_MASK	0x7fff

int pl_parse_cp(struct pl_ctx *c, const uint8_t *p, size_t len, struct ikev2_pl_cp *out)
{
	out->n_attrs = 0;
	out->attrs = c->fill && c->cfg ? c->cfg + c->n_cfg : NULL;
	if (len < CP_HDR_LEN)
		return pl_err(c, IKEV2_PARSE_BAD_LENGTH, p, "body of %zu bytes, minimum %u", len,
			      CP_HDR_LEN);
	out->cfg_type = p[0];

	size_t off = CP_HDR_LEN;
	unsigned i = 0;
	while (off < len) {
		i++;
		const uint8_t *a = p + off;
		if (len - off < CFG_ATTR_HDR)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, a,
				      "attribute %u: %zu bytes left, header needs %u", i, len - off,
				      CFG_ATTR_HDR);
		uint16_t type = get16(a) & CFG_TYPE_MASK;
		uint16_t alen = get16(a + 2);
		if (alen > len - off - CFG_ATTR_HDR)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, a + 2,
				      "attribute %u (%s): length %u exceeds the %zu bytes left", i,
				      ikev2_cfg_attr_name(type), alen, len - off - CFG_ATTR_HDR);
		if (c->fill) {
			if (c->n_cfg >= c->cap_cfg)
				return pl_err(c, IKEV2_PARSE_NOMEM, a,
					      "internal: attribute count changed");
			struct ikev2_cfg_attr *ca = &c->cfg[c->n_cfg];
			ca->type = type;
			ca->len = alen;
			ca->value = alen ? a + CFG_ATTR_HDR : NULL;
		}
		c->n_cfg++;
		off += CFG_ATTR_HDR + (size_t)alen;
	}
	out->n_attrs = i;
	return 0;
}

void enc_cp_body(struct ikev2_enc *e, const struct ikev2_pl_cp *cp)
{
	struct buf *b = e->b;

	if (!cp || (cp->n_attrs && !cp->attrs)) {
		enc_fail(e, "CP payload: missing attributes");
		return;
	}
	add8(b, cp->cfg_type);
	add_zero(b, 3);
	for (unsigned i = 0; i < cp->n_attrs; i++) {
		const struct ikev2_cfg_attr *a = &cp->attrs[i];
		if (a->len && !a->value) {
			enc_fail(e, "CP payload: attribute %u without value", i + 1);
			return;
		}
		add16(b, a->type & CFG_TYPE_MASK);
		add16(b, a->len);
		buf_add(b, a->value, a->len);
	}
}
