/*
 * IKEv2 message and payload codec (RFC 7296, RFC 7383 SKF).
 *
 * Parsing is done in two steps, in the style of OpenIKED:
 *
 *   1. validate: walk the header and the payload chain and check every
 *      length, count and nesting against the bytes actually present.
 *      Nothing is allocated and nothing is written but the error.
 *   2. parse: walk again and fill plain C structs.
 *
 * ikev2_msg_parse() runs both.  All parsed structs point into the input
 * buffer (no payload bytes are copied); lists (proposals, transforms,
 * transform attributes, traffic selectors, configuration attributes) live
 * in one arena allocated by the parse, sized from the counts found by the
 * validate step: each element takes at least 4 input bytes, so the arena
 * is a small multiple (< 16x) of the input size and never depends on a
 * length or count field.
 *
 * LIFETIMES: a parsed struct ikev2_msg / ikev2_chain is valid while
 *   (a) the input buffer is alive and unchanged, and
 *   (b) ikev2_msg_free()/ikev2_chain_free() has not been called.
 * Copy anything that must outlive the datagram (SPIs, nonces, KE data...).
 *
 * Nothing in this codec decrypts: for SK/SKF it reports where IV,
 * ciphertext and ICV are (ikev2_sk_layout()); after decryption the caller
 * strips the padding (ikev2_sk_strip_padding()) and parses the inner chain
 * with ikev2_chain_parse(), giving the SK payload's first_inner type.
 *
 * Unknown payload types (including IANA types the codec does not decode:
 * GSPM, IDg, GSA, KD, PS) are recorded with known == false when their
 * critical bit is clear; with the critical bit set the parse fails with
 * IKEV2_PARSE_UNSUPPORTED_CRITICAL and err->payload_type names the type,
 * so the caller can answer UNSUPPORTED_CRITICAL_PAYLOAD with it.
 *
 * Encoding appends to a struct buf (lib/buf.h): start with ikev2_enc_msg()
 * (IKE header) or ikev2_enc_chain() (bare chain, e.g. SK plaintext), add
 * payloads in order, then ikev2_enc_finish(), which fills in the lengths;
 * next-payload fields are chained automatically.  Errors are sticky and
 * reported by ikev2_enc_finish().
 *
 * The codec is reentrant: no globals, no static buffers.
 */
#ifndef IKESH_IKEV2_PAYLOAD_H
#define IKESH_IKEV2_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ikev2/ikev2_const.h"
#include "lib/buf.h"

#define IKEV2_HDR_LEN		28	/* IKE header */
#define IKEV2_GENHDR_LEN	4	/* generic payload header */
#define IKEV2_SKF_HDR_LEN	8	/* generic header + fragment number/total */
#define IKEV2_MAX_PAYLOADS	64	/* per chain (outer or inner) */
#define IKEV2_PAYLOAD_CRITICAL	0x80
#define IKEV2_NONCE_MIN		16
#define IKEV2_NONCE_MAX		256
#define IKEV2_TS_IPV4_LEN	16
#define IKEV2_TS_IPV6_LEN	40

/* ---------------------------------------------------------------- errors */

enum ikev2_parse_rc {
	IKEV2_PARSE_OK = 0,
	/* The input ends before the IKE header or its length field says. */
	IKEV2_PARSE_TRUNCATED,
	/* A length field is below its minimum, runs past its container, or
	 * does not account for all bytes.  Answer INVALID_SYNTAX. */
	IKEV2_PARSE_BAD_LENGTH,
	/* IKE major version is not 2.  Answer INVALID_MAJOR_VERSION. */
	IKEV2_PARSE_BAD_VERSION,
	/* A field has an impossible value (count mismatch, bad last-substruc,
	 * fragment number 0, ...).  Answer INVALID_SYNTAX. */
	IKEV2_PARSE_MALFORMED,
	/* Unknown payload type with the critical bit set; err->payload_type.
	 * Answer UNSUPPORTED_CRITICAL_PAYLOAD. */
	IKEV2_PARSE_UNSUPPORTED_CRITICAL,
	/* More than IKEV2_MAX_PAYLOADS payloads in one chain. */
	IKEV2_PARSE_TOO_MANY_PAYLOADS,
	/* SK/SKF is not the last payload, or appears inside SK plaintext. */
	IKEV2_PARSE_SK_NOT_LAST,
	/* Allocation failed. */
	IKEV2_PARSE_NOMEM,
	/* NULL buffer or an out-of-range argument from the caller. */
	IKEV2_PARSE_INVALID_ARG,
};

struct ikev2_parse_err {
	enum ikev2_parse_rc rc;
	uint8_t payload_type;	/* payload at fault; 0 for the IKE header */
	unsigned payload_index;	/* its index in the chain */
	size_t offset;		/* byte offset in the input of the bad field */
	/* e.g. "SA payload: proposal 1 transform 2: length 3 below minimum 8" */
	char msg[192];
};

/* Generic description of a result code (a string literal). */
const char *ikev2_parse_strerror(enum ikev2_parse_rc rc);

/* ---------------------------------------------------------------- header */

struct ikev2_hdr {
	uint64_t ispi;		/* host order (first byte most significant) */
	uint64_t rspi;
	uint8_t next_payload;
	uint8_t major;		/* parse only; the encoder always sends 2.0 */
	uint8_t minor;
	uint8_t exchange;	/* enum ikev2_exchange */
	uint8_t flags;		/* IKEV2_FLAG_* */
	uint32_t msgid;
	uint32_t length;	/* parse only; the encoder computes it */
};

/* ---------------------------------------------------------------- payloads */

/* Transform attribute other than KEY_LENGTH. */
struct ikev2_sa_attr {
	uint16_t type;		/* without the AF bit */
	bool tv;		/* TV format (AF=1): value is in .value */
	uint16_t value;		/* TV only */
	const uint8_t *data;	/* TLV only */
	uint16_t len;		/* TLV only */
};

struct ikev2_sa_transform {
	uint8_t type;		/* enum ikev2_transform_type */
	uint16_t id;
	bool has_key_length;	/* KEY_LENGTH attribute (TV) present */
	uint16_t key_length;	/* in bits */
	unsigned n_attrs;	/* other attributes, in order */
	const struct ikev2_sa_attr *attrs;
};

struct ikev2_sa_proposal {
	uint8_t num;		/* proposal number, as sent */
	uint8_t protocol;	/* enum ikev2_protocol */
	uint8_t spi_size;
	const uint8_t *spi;	/* spi_size bytes */
	unsigned n_transforms;	/* <= 255 */
	const struct ikev2_sa_transform *transforms;
};

struct ikev2_pl_sa {
	unsigned n_proposals;	/* >= 1 when parsed */
	const struct ikev2_sa_proposal *proposals;
};

struct ikev2_pl_ke {
	uint16_t group;		/* enum ikev2_dh */
	const uint8_t *data;
	size_t data_len;
};

/* IDi / IDr.  For AUTH computation use the payload's body/body_len. */
struct ikev2_pl_id {
	uint8_t id_type;	/* enum ikev2_id_type */
	const uint8_t *data;
	size_t data_len;
};

/* CERT / CERTREQ (for CERTREQ data is a list of 20-byte SHA-1 hashes). */
struct ikev2_pl_cert {
	uint8_t encoding;	/* enum ikev2_cert_encoding */
	const uint8_t *data;
	size_t data_len;
};

struct ikev2_pl_auth {
	uint8_t method;		/* enum ikev2_auth_method_type */
	const uint8_t *data;
	size_t data_len;
};

/* Nonce (16..256 bytes) and Vendor ID. */
struct ikev2_pl_data {
	const uint8_t *data;
	size_t data_len;
};

struct ikev2_pl_notify {
	uint8_t protocol;	/* enum ikev2_protocol, 0 if none */
	uint8_t spi_size;
	uint16_t type;		/* enum ikev2_notify_type */
	const uint8_t *spi;	/* spi_size bytes */
	const uint8_t *data;
	size_t data_len;
};

struct ikev2_pl_delete {
	uint8_t protocol;
	uint8_t spi_size;
	uint16_t num_spi;
	const uint8_t *spis;	/* num_spi * spi_size bytes, see ikev2_delete_spi() */
};

struct ikev2_ts {
	uint8_t type;		/* enum ikev2_ts_type */
	uint8_t proto;		/* IP protocol, 0 = any */
	uint16_t start_port;
	uint16_t end_port;
	uint8_t addr_len;	/* 4 (IPv4), 16 (IPv6), 0 (other types) */
	uint8_t start[16];	/* network order, addr_len bytes used */
	uint8_t end[16];
	/* Other types: the selector bytes after its 4-byte type/byte/length
	 * header (proto holds that second byte).  Unused for IPv4/IPv6. */
	const uint8_t *data;
	uint16_t data_len;
};

/* TSi / TSr */
struct ikev2_pl_ts {
	unsigned n_ts;		/* 1..255 */
	const struct ikev2_ts *ts;
};

struct ikev2_cfg_attr {
	uint16_t type;		/* enum ikev2_cfg_attr (reserved bit dropped) */
	uint16_t len;
	const uint8_t *value;
};

struct ikev2_pl_cp {
	uint8_t cfg_type;	/* enum ikev2_cp_type */
	unsigned n_attrs;
	const struct ikev2_cfg_attr *attrs;
};

struct ikev2_pl_eap {
	uint8_t code;		/* enum ikev2_eap_code */
	uint8_t id;
	uint8_t type;		/* Request/Response only, else 0 */
	const uint8_t *data;	/* type-data (Request/Response) or the bytes
				 * after the 4-byte header (other codes) */
	size_t data_len;
	const uint8_t *msg;	/* parse only: the whole EAP message */
	size_t msg_len;
};

/* SK and SKF: encrypted data, opaque to the codec. */
struct ikev2_pl_sk {
	uint8_t first_inner;	/* next-payload field: first inner payload */
	uint16_t frag_num;	/* SKF only (>= 1), 0 for SK */
	uint16_t total_frags;	/* SKF only (>= frag_num), 0 for SK */
	const uint8_t *data;	/* IV || ciphertext || ICV */
	size_t data_len;
	size_t data_off;	/* offset of data in the parsed buffer */
};

struct ikev2_payload {
	uint8_t type;		/* payload type as announced by the chain */
	uint8_t next;		/* its next-payload field, as received */
	bool critical;
	bool known;		/* false: not decoded, skipped (only body is set) */
	uint16_t len;		/* whole payload, generic header included */
	size_t off;		/* offset of the generic header in the input */
	const uint8_t *body;	/* bytes after the generic header */
	size_t body_len;
	union {
		struct ikev2_pl_sa sa;		/* SA */
		struct ikev2_pl_ke ke;		/* KE */
		struct ikev2_pl_id id;		/* IDi, IDr */
		struct ikev2_pl_cert cert;	/* CERT, CERTREQ */
		struct ikev2_pl_auth auth;	/* AUTH */
		struct ikev2_pl_data nonce;	/* Nonce */
		struct ikev2_pl_notify notify;	/* Notify */
		struct ikev2_pl_delete del;	/* Delete */
		struct ikev2_pl_data vendor;	/* Vendor ID */
		struct ikev2_pl_ts ts;		/* TSi, TSr */
		struct ikev2_pl_sk sk;		/* SK, SKF */
		struct ikev2_pl_cp cp;		/* CP */
		struct ikev2_pl_eap eap;	/* EAP */
	} u;
};

/* A payload chain in wire order.  arena owns the lists the payloads use. */
struct ikev2_chain {
	unsigned n;
	struct ikev2_payload pl[IKEV2_MAX_PAYLOADS];
	void *arena;
};

struct ikev2_msg {
	struct ikev2_hdr hdr;
	bool hdr_valid;		/* hdr was read (also set on most failures,
				 * so the caller can answer the peer) */
	const uint8_t *raw;	/* the input */
	size_t raw_len;
	struct ikev2_chain chain;
};

/* ---------------------------------------------------------------- parsing */

/* Header only: reads the 28 bytes and checks version and length against
 * len (which must equal the length field).  For dispatching by SPI. */
enum ikev2_parse_rc ikev2_hdr_parse(const uint8_t *data, size_t len,
				    struct ikev2_hdr *h, struct ikev2_parse_err *err);

/* Validate a whole message without allocating (step 1). */
enum ikev2_parse_rc ikev2_msg_validate(const uint8_t *data, size_t len,
				       struct ikev2_parse_err *err);

/* Validate and parse a whole message (steps 1 and 2).  m need not be
 * initialised; call ikev2_msg_free() afterwards whatever the result.
 * err may be NULL. */
enum ikev2_parse_rc ikev2_msg_parse(const uint8_t *data, size_t len,
				    struct ikev2_msg *m, struct ikev2_parse_err *err);
void ikev2_msg_free(struct ikev2_msg *m);

/* A bare payload chain, e.g. decrypted SK plaintext with the padding and
 * pad length already removed; first_type is the SK payload's first_inner.
 * SK/SKF inside is an error.  Offsets are relative to data.  As with
 * messages, c need not be initialised and must be released with
 * ikev2_chain_free() whatever the result. */
enum ikev2_parse_rc ikev2_chain_validate(const uint8_t *data, size_t len, uint8_t first_type,
					 struct ikev2_parse_err *err);
enum ikev2_parse_rc ikev2_chain_parse(const uint8_t *data, size_t len, uint8_t first_type,
				      struct ikev2_chain *c, struct ikev2_parse_err *err);
void ikev2_chain_free(struct ikev2_chain *c);

/* Iterate over payloads of one type: prev NULL gives the first. */
const struct ikev2_payload *ikev2_chain_next(const struct ikev2_chain *c, uint8_t type,
					     const struct ikev2_payload *prev);
/* First Notify payload of a notify type, or NULL. */
const struct ikev2_payload *ikev2_chain_notify(const struct ikev2_chain *c, uint16_t ntype);

/* SPI i of a Delete payload (spi_size bytes), NULL when out of range. */
const uint8_t *ikev2_delete_spi(const struct ikev2_pl_delete *d, unsigned i);

/* Where the parts of an SK/SKF payload are, once the negotiated IV and ICV
 * lengths are known.  Offsets are from the start of the parsed buffer (the
 * IKE header); bytes [0, iv_off) are the AEAD associated data, bytes
 * [0, icv_off) are what a non-AEAD ICV covers. */
struct ikev2_sk_layout {
	size_t iv_off, iv_len;
	size_t ct_off, ct_len;	/* ciphertext, padding and pad length included */
	size_t icv_off, icv_len;
};

/* Fails (BAD_LENGTH) if the data cannot hold the IV, at least one byte of
 * ciphertext and the ICV. */
enum ikev2_parse_rc ikev2_sk_layout(const struct ikev2_pl_sk *sk, size_t iv_len, size_t icv_len,
				    struct ikev2_sk_layout *out, struct ikev2_parse_err *err);

/* Decrypted SK plaintext: drop the padding and the pad length byte. */
enum ikev2_parse_rc ikev2_sk_strip_padding(const uint8_t *pt, size_t len, size_t *inner_len,
					   struct ikev2_parse_err *err);

/* ---------------------------------------------------------------- encoding */

struct ikev2_enc {
	struct buf *b;
	size_t start;		/* offset in b of the IKE header / chain */
	size_t np_off;		/* next-payload byte to patch */
	size_t cur;		/* generic header of the payload being built */
	uint8_t cur_type;	/* its type */
	uint8_t first;		/* type of the first payload */
	bool has_hdr;
	bool closed;		/* SK/SKF added: nothing may follow */
	unsigned n;		/* payloads added */
	bool error;
	char errmsg[160];
};

/* Start a message at the end of b (which may already hold e.g. a
 * non-ESP marker).  Takes SPIs, exchange, flags and message ID from h. */
void ikev2_enc_msg(struct ikev2_enc *e, struct buf *b, const struct ikev2_hdr *h);
/* Start a bare chain (SK plaintext). */
void ikev2_enc_chain(struct ikev2_enc *e, struct buf *b);

void ikev2_enc_sa(struct ikev2_enc *e, const struct ikev2_pl_sa *sa);
void ikev2_enc_ke(struct ikev2_enc *e, const struct ikev2_pl_ke *ke);
/* type: IKEV2_PL_IDI or IKEV2_PL_IDR */
void ikev2_enc_id(struct ikev2_enc *e, uint8_t type, const struct ikev2_pl_id *id);
/* type: IKEV2_PL_CERT or IKEV2_PL_CERTREQ */
void ikev2_enc_cert(struct ikev2_enc *e, uint8_t type, const struct ikev2_pl_cert *c);
void ikev2_enc_auth(struct ikev2_enc *e, const struct ikev2_pl_auth *a);
void ikev2_enc_nonce(struct ikev2_enc *e, const uint8_t *nonce, size_t len);
void ikev2_enc_notify(struct ikev2_enc *e, const struct ikev2_pl_notify *n);
void ikev2_enc_delete(struct ikev2_enc *e, const struct ikev2_pl_delete *d);
void ikev2_enc_vendor(struct ikev2_enc *e, const uint8_t *vid, size_t len);
/* type: IKEV2_PL_TSI or IKEV2_PL_TSR */
void ikev2_enc_ts(struct ikev2_enc *e, uint8_t type, const struct ikev2_pl_ts *ts);
void ikev2_enc_cp(struct ikev2_enc *e, const struct ikev2_pl_cp *cp);
void ikev2_enc_eap(struct ikev2_enc *e, const struct ikev2_pl_eap *eap);
/* Any payload from a body given verbatim (also unknown types). */
void ikev2_enc_raw(struct ikev2_enc *e, uint8_t type, bool critical, const uint8_t *body, size_t len);
/* SK / SKF: reserve zeroed IV, ciphertext and ICV space and say where it
 * is (offsets from e->start, i.e. the IKE header).  Must be last.  Call
 * ikev2_enc_finish() before computing AAD/ICV so that lengths are final. */
void ikev2_enc_sk(struct ikev2_enc *e, uint8_t first_inner, size_t iv_len, size_t ct_len,
		  size_t icv_len, struct ikev2_sk_layout *out);
void ikev2_enc_skf(struct ikev2_enc *e, uint8_t first_inner, uint16_t frag_num,
		   uint16_t total_frags, size_t iv_len, size_t ct_len, size_t icv_len,
		   struct ikev2_sk_layout *out);
/* Re-encode a parsed (or hand-filled) payload according to p->type,
 * p->critical and p->u; unknown payloads and SK/SKF data are copied. */
void ikev2_enc_payload(struct ikev2_enc *e, const struct ikev2_payload *p);

/* Fill in the header length (and the first type of a bare chain, if
 * first_type is not NULL).  Returns 0, or -1 with e->errmsg set (e.g. a
 * payload over 65535 bytes); b then holds garbage past e->start. */
int ikev2_enc_finish(struct ikev2_enc *e, uint8_t *first_type);

#endif
