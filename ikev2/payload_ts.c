/*
 * IKEv2 codec: Traffic Selector payloads TSi/TSr (RFC 7296 3.13).
 */
#include <string.h>

#include "ikev2/payload.h"
#include "ikev2/payload_internal.h"

#define TS_PL_HDR_LEN	4	/* number of TSs + reserved */
#define TS_HDR_LEN	4	/* type, protocol, selector length */

int pl_parse_ts(struct pl_ctx *c, const uint8_t *p, size_t len, struct ikev2_pl_ts *out)
{
	out->n_ts = 0;
	out->ts = c->fill && c->ts ? c->ts + c->n_ts : NULL;
	if (len < TS_PL_HDR_LEN)
		return pl_err(c, IKEV2_PARSE_BAD_LENGTH, p, "body of %zu bytes, minimum %u", len,
			      TS_PL_HDR_LEN);
	unsigned num = p[0];
	if (num == 0)
		return pl_err(c, IKEV2_PARSE_MALFORMED, p, "no traffic selectors");

	size_t off = TS_PL_HDR_LEN;
	for (unsigned i = 1; i <= num; i++) {
		const uint8_t *s = p + off;
		if (len - off < TS_HDR_LEN)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, s,
				      "selector %u of %u: %zu bytes left, header needs %u", i, num,
				      len - off, TS_HDR_LEN);
		uint8_t type = s[0];
		uint16_t slen = get16(s + 2);
		uint16_t want = 0;
		if (type == IKEV2_TS_IPV4_ADDR_RANGE)
			want = IKEV2_TS_IPV4_LEN;
		else if (type == IKEV2_TS_IPV6_ADDR_RANGE)
			want = IKEV2_TS_IPV6_LEN;
		if (want && slen != want)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, s + 2,
				      "selector %u: %s length %u, expected %u", i,
				      ikev2_ts_type_name(type), slen, want);
		if (slen < TS_HDR_LEN)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, s + 2,
				      "selector %u: length %u below minimum %u", i, slen,
				      TS_HDR_LEN);
		if (slen > len - off)
			return pl_err(c, IKEV2_PARSE_BAD_LENGTH, s + 2,
				      "selector %u: length %u exceeds the %zu bytes left", i, slen,
				      len - off);
		if (c->fill) {
			if (c->n_ts >= c->cap_ts)
				return pl_err(c, IKEV2_PARSE_NOMEM, s,
					      "internal: selector count changed");
			struct ikev2_ts *t = &c->ts[c->n_ts];
			memset(t, 0, sizeof(*t));
			t->type = type;
			t->proto = s[1];
			if (want) {
				uint8_t alen = want == IKEV2_TS_IPV4_LEN ? 4 : 16;
				t->addr_len = alen;
				t->start_port = get16(s + 4);
				t->end_port = get16(s + 6);
				memcpy(t->start, s + 8, alen);
				memcpy(t->end, s + 8 + alen, alen);
			} else {
				t->data = s + TS_HDR_LEN;
				t->data_len = (uint16_t)(slen - TS_HDR_LEN);
			}
		}
		c->n_ts++;
		off += slen;
	}
	if (off != len)
		return pl_err(c, IKEV2_PARSE_BAD_LENGTH, p + off,
			      "%zu bytes after the %u announced selectors", len - off, num);
	out->n_ts = num;
	return 0;
}

void enc_ts_body(struct ikev2_enc *e, const struct ikev2_pl_ts *ts)
{
	struct buf *b = e->b;

	if (!ts || ts->n_ts == 0 || ts->n_ts > 255 || !ts->ts) {
		enc_fail(e, "TS payload: %u selectors, must be 1..255", ts ? ts->n_ts : 0);
		return;
	}
	add8(b, (uint8_t)ts->n_ts);
	add_zero(b, 3);
	for (unsigned i = 0; i < ts->n_ts; i++) {
		const struct ikev2_ts *t = &ts->ts[i];
		if (t->type == IKEV2_TS_IPV4_ADDR_RANGE || t->type == IKEV2_TS_IPV6_ADDR_RANGE) {
			uint8_t alen = t->type == IKEV2_TS_IPV4_ADDR_RANGE ? 4 : 16;
			add8(b, t->type);
			add8(b, t->proto);
			add16(b, (uint16_t)(TS_HDR_LEN + 4 + 2 * alen));
			add16(b, t->start_port);
			add16(b, t->end_port);
			buf_add(b, t->start, alen);
			buf_add(b, t->end, alen);
		} else {
			if ((size_t)t->data_len + TS_HDR_LEN > 0xffff || (t->data_len && !t->data)) {
				enc_fail(e, "TS payload: selector %u: bad data", i + 1);
				return;
			}
			add8(b, t->type);
			add8(b, t->proto);
			add16(b, (uint16_t)(TS_HDR_LEN + t->data_len));
			buf_add(b, t->data, t->data_len);
		}
	}
}
