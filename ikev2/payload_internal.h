/* Internals shared by ikev2/payload_*.c; not part of the codec API. */
#ifndef IKESH_IKEV2_PAYLOAD_INTERNAL_H
#define IKESH_IKEV2_PAYLOAD_INTERNAL_H

#include "ikev2/payload.h"

/*
 * Parse context.  The same walk runs twice: with fill == false it only
 * validates and counts list elements (n_*); the caller then allocates the
 * arrays with exactly those counts and walks again with fill == true,
 * where n_* are cursors into the arrays.  Pass 2 cannot find anything
 * pass 1 did not, so the cursors never pass the capacities (checked all
 * the same).
 */
struct pl_ctx {
	bool fill;
	const uint8_t *base;		/* start of the input, for offsets */
	struct ikev2_parse_err *err;	/* never NULL inside the codec */
	uint8_t pl_type;		/* payload being parsed (for messages) */
	unsigned pl_index;

	size_t n_prop, n_xform, n_attr, n_ts, n_cfg;
	size_t cap_prop, cap_xform, cap_attr, cap_ts, cap_cfg;
	struct ikev2_sa_proposal *prop;
	struct ikev2_sa_transform *xform;
	struct ikev2_sa_attr *attr;
	struct ikev2_ts *ts;
	struct ikev2_cfg_attr *cfg;
};

/* Record an error about the current payload; returns -1.  The message is
 * prefixed with "<payload> payload: ". */
int pl_err(struct pl_ctx *c, enum ikev2_parse_rc rc, const uint8_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Record an error with no payload prefix. */
void pl_err_raw(struct ikev2_parse_err *err, enum ikev2_parse_rc rc, uint8_t type,
		unsigned index, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Body parsers: p/len is the payload body (after the generic header).
 * Return 0 or -1 (error recorded).  Scalars are always written to out;
 * list arrays only when c->fill. */
int pl_parse_sa(struct pl_ctx *c, const uint8_t *p, size_t len, struct ikev2_pl_sa *out);
int pl_parse_ts(struct pl_ctx *c, const uint8_t *p, size_t len, struct ikev2_pl_ts *out);
int pl_parse_cp(struct pl_ctx *c, const uint8_t *p, size_t len, struct ikev2_pl_cp *out);
/* Everything else (KE, ID, CERT, CERTREQ, AUTH, Nonce, Notify, Delete,
 * Vendor ID, EAP, SK, SKF). */
int pl_parse_misc(struct pl_ctx *c, uint8_t type, const uint8_t *p, size_t len,
		  struct ikev2_payload *out);

/* Is the type decoded by the codec? */
bool pl_type_known(uint8_t type);

/* Encoder internals */
bool enc_begin(struct ikev2_enc *e, uint8_t type, bool critical);
void enc_end(struct ikev2_enc *e);
void enc_fail(struct ikev2_enc *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void enc_sa_body(struct ikev2_enc *e, const struct ikev2_pl_sa *sa);
void enc_ts_body(struct ikev2_enc *e, const struct ikev2_pl_ts *ts);
void enc_cp_body(struct ikev2_enc *e, const struct ikev2_pl_cp *cp);

/* Big-endian helpers */
static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint64_t get64(const uint8_t *p)
{
	return ((uint64_t)get32(p) << 32) | get32(p + 4);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void add8(struct buf *b, uint8_t v)
{
	buf_add(b, &v, 1);
}

static inline void add16(struct buf *b, uint16_t v)
{
	uint8_t t[2];
	put16(t, v);
	buf_add(b, t, 2);
}

static inline void add32(struct buf *b, uint32_t v)
{
	uint8_t t[4];
	put32(t, v);
	buf_add(b, t, 4);
}

static inline void add64(struct buf *b, uint64_t v)
{
	add32(b, (uint32_t)(v >> 32));
	add32(b, (uint32_t)v);
}

/* Append n zero bytes. */
void add_zero(struct buf *b, size_t n);

#endif
