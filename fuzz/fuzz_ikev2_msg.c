/*
 * libFuzzer target for the IKEv2 message codec (ikev2/payload.h).
 *
 * The first input byte picks a mode:
 *   0: the rest is a whole IKE message (as received from the network);
 *   1: the rest is a payload chain behind a synthesised IKE header whose
 *      length is always right and whose next payload is the second byte,
 *      so the fuzzer reaches the payload parsers without having to learn
 *      the header length field;
 *   2: the rest is a bare chain (decrypted SK plaintext) whose first
 *      payload type is the second byte.
 *
 * Whatever parses is re-encoded payload by payload; the result must have
 * the same length and parse again to the same payload types, otherwise the
 * target aborts.  Every pointer the parser hands out is read in full so
 * that ASan checks it lies inside the input.
 *
 * Build and run: see fuzz/README.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2/ikev2_const.h"
#include "ikev2/payload.h"
#include "lib/buf.h"

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                       \
		}                                                                      \
	} while (0)

static volatile unsigned sink;

/* Read every byte of a region the parser pointed to. */
static void touch(const uint8_t *p, size_t n)
{
	unsigned s = 0;
	if (n)
		CHECK(p != NULL);
	for (size_t i = 0; i < n; i++)
		s += p[i];
	sink += s;
}

static void touch_name(const char *s)
{
	CHECK(s != NULL);
	sink += (unsigned)strlen(s);
}

static void touch_payload(const struct ikev2_payload *p)
{
	touch(p->body, p->body_len);
	CHECK(p->len == p->body_len + IKEV2_GENHDR_LEN);
	touch_name(ikev2_payload_name(p->type));
	if (!p->known)
		return;
	switch (p->type) {
	case IKEV2_PL_SA:
		CHECK(p->u.sa.n_proposals >= 1);
		for (unsigned i = 0; i < p->u.sa.n_proposals; i++) {
			const struct ikev2_sa_proposal *pr = &p->u.sa.proposals[i];
			touch(pr->spi, pr->spi_size);
			touch_name(ikev2_protocol_name(pr->protocol));
			for (unsigned j = 0; j < pr->n_transforms; j++) {
				const struct ikev2_sa_transform *t = &pr->transforms[j];
				touch_name(ikev2_transform_type_name(t->type));
				touch_name(ikev2_transform_name(t->type, t->id));
				for (unsigned k = 0; k < t->n_attrs; k++)
					if (!t->attrs[k].tv)
						touch(t->attrs[k].data, t->attrs[k].len);
			}
		}
		break;
	case IKEV2_PL_KE:
		touch(p->u.ke.data, p->u.ke.data_len);
		break;
	case IKEV2_PL_IDI:
	case IKEV2_PL_IDR:
		touch(p->u.id.data, p->u.id.data_len);
		touch_name(ikev2_id_type_name(p->u.id.id_type));
		break;
	case IKEV2_PL_CERT:
	case IKEV2_PL_CERTREQ:
		touch(p->u.cert.data, p->u.cert.data_len);
		touch_name(ikev2_cert_encoding_name(p->u.cert.encoding));
		break;
	case IKEV2_PL_AUTH:
		touch(p->u.auth.data, p->u.auth.data_len);
		touch_name(ikev2_auth_method_name(p->u.auth.method));
		break;
	case IKEV2_PL_NONCE:
		CHECK(p->u.nonce.data_len >= IKEV2_NONCE_MIN && p->u.nonce.data_len <= IKEV2_NONCE_MAX);
		touch(p->u.nonce.data, p->u.nonce.data_len);
		break;
	case IKEV2_PL_NOTIFY:
		touch(p->u.notify.spi, p->u.notify.spi_size);
		touch(p->u.notify.data, p->u.notify.data_len);
		touch_name(ikev2_notify_name(p->u.notify.type));
		break;
	case IKEV2_PL_DELETE:
		for (unsigned i = 0; i < p->u.del.num_spi; i++) {
			const uint8_t *spi = ikev2_delete_spi(&p->u.del, i);
			if (p->u.del.spi_size)
				touch(spi, p->u.del.spi_size);
		}
		break;
	case IKEV2_PL_VENDOR:
		touch(p->u.vendor.data, p->u.vendor.data_len);
		break;
	case IKEV2_PL_TSI:
	case IKEV2_PL_TSR:
		CHECK(p->u.ts.n_ts >= 1 && p->u.ts.n_ts <= 255);
		for (unsigned i = 0; i < p->u.ts.n_ts; i++) {
			const struct ikev2_ts *t = &p->u.ts.ts[i];
			touch(t->start, t->addr_len);
			touch(t->end, t->addr_len);
			touch(t->data, t->data_len);
			touch_name(ikev2_ts_type_name(t->type));
		}
		break;
	case IKEV2_PL_CP:
		touch_name(ikev2_cp_type_name(p->u.cp.cfg_type));
		for (unsigned i = 0; i < p->u.cp.n_attrs; i++) {
			touch(p->u.cp.attrs[i].value, p->u.cp.attrs[i].len);
			touch_name(ikev2_cfg_attr_name(p->u.cp.attrs[i].type));
		}
		break;
	case IKEV2_PL_EAP:
		touch(p->u.eap.msg, p->u.eap.msg_len);
		touch(p->u.eap.data, p->u.eap.data_len);
		touch_name(ikev2_eap_code_name(p->u.eap.code));
		touch_name(ikev2_eap_type_name(p->u.eap.type));
		break;
	case IKEV2_PL_SK:
	case IKEV2_PL_SKF:
		touch(p->u.sk.data, p->u.sk.data_len);
		if (p->type == IKEV2_PL_SKF)
			CHECK(p->u.sk.frag_num >= 1 && p->u.sk.frag_num <= p->u.sk.total_frags);
		break;
	}
}

static void check_chain(const struct ikev2_chain *c)
{
	CHECK(c->n <= IKEV2_MAX_PAYLOADS);
	for (unsigned i = 0; i < c->n; i++)
		touch_payload(&c->pl[i]);
	/* lookups */
	for (const struct ikev2_payload *p = NULL; (p = ikev2_chain_next(c, IKEV2_PL_NOTIFY, p));)
		CHECK(ikev2_chain_notify(c, p->u.notify.type) != NULL);
}

/* Treat the ciphertext of SK/SKF as if it were plaintext: exercises the
 * padding helper and the inner chain parser on attacker-shaped data. */
static void try_sk(const uint8_t *msg, const struct ikev2_payload *p)
{
	static const size_t algs[][2] = { { 16, 16 }, { 8, 16 }, { 0, 12 }, { 16, 32 } };
	for (unsigned a = 0; a < sizeof(algs) / sizeof(algs[0]); a++) {
		struct ikev2_sk_layout lay;
		if (ikev2_sk_layout(&p->u.sk, algs[a][0], algs[a][1], &lay, NULL) != IKEV2_PARSE_OK)
			continue;
		CHECK(lay.icv_off + lay.icv_len == p->u.sk.data_off + p->u.sk.data_len);
		touch(msg + lay.iv_off, lay.iv_len);
		touch(msg + lay.ct_off, lay.ct_len);
		touch(msg + lay.icv_off, lay.icv_len);
		size_t inner;
		if (ikev2_sk_strip_padding(msg + lay.ct_off, lay.ct_len, &inner, NULL) != IKEV2_PARSE_OK)
			continue;
		struct ikev2_chain c;
		if (ikev2_chain_parse(msg + lay.ct_off, inner, p->u.sk.first_inner, &c, NULL) ==
		    IKEV2_PARSE_OK)
			check_chain(&c);
		ikev2_chain_free(&c);
	}
}

static void reencode_msg(const uint8_t *data, size_t size, const struct ikev2_msg *m)
{
	struct buf b;
	struct ikev2_enc e;
	buf_init(&b);
	ikev2_enc_msg(&e, &b, &m->hdr);
	for (unsigned i = 0; i < m->chain.n; i++)
		ikev2_enc_payload(&e, &m->chain.pl[i]);
	CHECK(ikev2_enc_finish(&e, NULL) == 0);
	CHECK(b.len == size);
	/* only reserved bits, the minor version and the position of the
	 * KEY_LENGTH attribute may differ */
	CHECK(memcmp(b.p, data, 17) == 0);

	struct ikev2_msg m2;
	struct ikev2_parse_err err;
	CHECK(ikev2_msg_parse(b.p, b.len, &m2, &err) == IKEV2_PARSE_OK);
	CHECK(m2.chain.n == m->chain.n);
	for (unsigned i = 0; i < m->chain.n; i++) {
		CHECK(m2.chain.pl[i].type == m->chain.pl[i].type);
		CHECK(m2.chain.pl[i].len == m->chain.pl[i].len);
		CHECK(m2.chain.pl[i].critical == m->chain.pl[i].critical);
	}
	ikev2_msg_free(&m2);
	buf_free(&b);
}

static void run_msg(const uint8_t *data, size_t size)
{
	struct ikev2_msg m;
	struct ikev2_parse_err err;
	enum ikev2_parse_rc rc = ikev2_msg_parse(data, size, &m, &err);

	CHECK(ikev2_msg_validate(data, size, NULL) == rc);
	touch_name(ikev2_parse_strerror(rc));
	if (rc != IKEV2_PARSE_OK) {
		CHECK(err.rc == rc);
		CHECK(err.msg[0] != 0);
		CHECK(strlen(err.msg) < sizeof(err.msg));
		CHECK(m.chain.n == 0 && m.chain.arena == NULL);
		if (m.hdr_valid)
			touch_name(ikev2_exchange_name(m.hdr.exchange));
		ikev2_msg_free(&m);
		return;
	}
	CHECK(m.hdr.length == size);
	check_chain(&m.chain);
	for (unsigned i = 0; i < m.chain.n; i++)
		if (m.chain.pl[i].type == IKEV2_PL_SK || m.chain.pl[i].type == IKEV2_PL_SKF)
			try_sk(data, &m.chain.pl[i]);
	reencode_msg(data, size, &m);
	ikev2_msg_free(&m);
}

static void run_chain(const uint8_t *data, size_t size, uint8_t first)
{
	struct ikev2_chain c;
	struct ikev2_parse_err err;
	enum ikev2_parse_rc rc = ikev2_chain_parse(data, size, first, &c, &err);

	CHECK(ikev2_chain_validate(data, size, first, NULL) == rc);
	if (rc != IKEV2_PARSE_OK) {
		CHECK(err.msg[0] != 0);
		ikev2_chain_free(&c);
		return;
	}
	check_chain(&c);

	struct buf b;
	struct ikev2_enc e;
	uint8_t first2 = 0;
	buf_init(&b);
	ikev2_enc_chain(&e, &b);
	for (unsigned i = 0; i < c.n; i++)
		ikev2_enc_payload(&e, &c.pl[i]);
	CHECK(ikev2_enc_finish(&e, &first2) == 0);
	CHECK(b.len == size);
	CHECK(first2 == (c.n ? first : 0));
	struct ikev2_chain c2;
	CHECK(ikev2_chain_parse(b.p, b.len, first2, &c2, NULL) == IKEV2_PARSE_OK);
	CHECK(c2.n == c.n);
	ikev2_chain_free(&c2);
	buf_free(&b);
	ikev2_chain_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0] % 3;
	data++;
	size--;

	if (mode == 0) {
		/* exact-size copy: the input buffer itself may be larger */
		uint8_t *copy = malloc(size ? size : 1);
		if (!copy)
			return 0;
		if (size)
			memcpy(copy, data, size);
		run_msg(copy, size);
		free(copy);
	} else if (size >= 1) {
		uint8_t first = data[0];
		data++;
		size--;
		if (mode == 1) {
			size_t n = IKEV2_HDR_LEN + size;
			uint8_t *msg = malloc(n);
			if (!msg)
				return 0;
			static const uint8_t hdr[IKEV2_HDR_LEN] = {
				1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0,
				0, IKEV2_VERSION, IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_INITIATOR,
				0, 0, 0, 1, 0, 0, 0, 0,
			};
			memcpy(msg, hdr, IKEV2_HDR_LEN);
			msg[16] = first;
			msg[24] = (uint8_t)(n >> 24);
			msg[25] = (uint8_t)(n >> 16);
			msg[26] = (uint8_t)(n >> 8);
			msg[27] = (uint8_t)n;
			if (size)
				memcpy(msg + IKEV2_HDR_LEN, data, size);
			run_msg(msg, n);
			free(msg);
		} else {
			uint8_t *copy = malloc(size ? size : 1);
			if (!copy)
				return 0;
			if (size)
				memcpy(copy, data, size);
			run_chain(copy, size, first);
			free(copy);
		}
	}
	return 0;
}
