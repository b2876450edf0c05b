/*
 * IKEv2 engine internals shared by engine.c, exchange.c, msg_*.c and
 * task_*.c: the engine object, timers, the task interface, message
 * encoding/decoding helpers.
 */
#ifndef IKESH_IKEV2_ENGINE_INT_H
#define IKESH_IKEV2_ENGINE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "ikev2/engine.h"
#include "ikev2/ike_sa.h"
#include "ikev2/payload.h"
#include "lib/log.h"

#define IKEV2_COOKIE_SECRET_LEN 32
#define IKEV2_NONCE_LEN 32		/* our nonces */
#define IKEV2_MAX_MSG 65535		/* largest datagram accepted */

struct ikev2_engine {
	struct ikev2_engine_ops ops;
	void *ctx;
	struct ipsec_backend be;
	struct ikev2_engine_settings set;
	struct ike_sa *sas;		/* creation order */
	uint64_t next_ike_id, next_child_id;
	uint32_t next_reqid;
	struct ikev2_engine_stats stats;
	/* COOKIE secrets: current and previous generation. */
	uint8_t cookie_secret[2][IKEV2_COOKIE_SECRET_LEN];
	uint32_t cookie_ver;		/* generation of cookie_secret[0] */
	uint64_t cookie_secret_ms;	/* when cookie_secret[0] was made */
	bool cookie_have_prev;
	unsigned depth;			/* entry-point nesting, for reaping */
};

/* ---- engine.c: time, timers, SA table */

uint64_t eng_now(struct ikev2_engine *e);
void *eng_timer_add(struct ikev2_engine *e, uint64_t ms, ikev2_timer_cb cb, void *arg);
/* Cancels *t (if set) and clears it. */
void eng_timer_cancel(struct ikev2_engine *e, void **t);
struct ike_sa *eng_sa_by_id(struct ikev2_engine *e, uint64_t id);
/* Lookup by our SPI; we_initiator: the role we have in the SA. */
struct ike_sa *eng_sa_by_spi(struct ikev2_engine *e, const uint8_t spi[8], bool we_initiator);
/* Half-open responder SA for an IKE_SA_INIT retransmission. */
struct ike_sa *eng_sa_half_open(struct ikev2_engine *e, const uint8_t spi_i[8],
				const struct ipsec_addr *remote);
unsigned eng_half_open_count(struct ikev2_engine *e);
struct child_sa *eng_child_by_id(struct ikev2_engine *e, uint64_t id);
/* Enter / leave an entry point; leaving the outermost frees DEAD SAs. */
void eng_enter(struct ikev2_engine *e);
void eng_leave(struct ikev2_engine *e);
int eng_send(struct ikev2_engine *e, const struct ipsec_addr *local,
	     const struct ipsec_addr *remote, const struct buf *pkt);
bool addr_equal(const struct ipsec_addr *a, const struct ipsec_addr *b, bool port);

/* ---- tasks (exchange.c runs them) */

/* A received message, after decryption and reassembly. */
struct msg_in {
	struct ikev2_hdr hdr;
	const struct ikev2_chain *pl;	/* outer (IKE_SA_INIT) or decrypted inner */
	const uint8_t *raw;		/* the datagram (first one of fragments) */
	size_t raw_len;
	struct ipsec_addr local, remote;
};

enum task_rc {
	TASK_DONE = 0,	/* exchange finished (successfully or not: the task decided) */
	TASK_RETRY,	/* run this task again as a new request (cookie, INVALID_KE) */
};

struct ikev2_task;

struct task_ops {
	const char *name;
	uint8_t exchange;
	/* May the task start in this IKE SA state? */
	bool (*can_start)(struct ike_sa *sa, struct ikev2_task *t);
	/* Append the request payloads to the chain e (plaintext; the SK
	 * protection is added by the exchange layer).  0, or -1 to drop the
	 * task (it has reported why). */
	int (*build)(struct ike_sa *sa, struct ikev2_task *t, struct ikev2_enc *e);
	/* Handle the response. */
	enum task_rc (*process)(struct ike_sa *sa, struct ikev2_task *t,
				const struct msg_in *m);
	/* The request got no answer (timeout true) or the SA is going away
	 * (timeout false, must not touch the SA state). */
	void (*abort)(struct ike_sa *sa, struct ikev2_task *t, bool timeout);
	void (*free)(struct ikev2_task *t);
};

struct ikev2_task {
	const struct task_ops *ops;
	struct ikev2_task *next;
};

/* Queue a task on an IKE SA and start it if the window is free. */
void exch_queue(struct ike_sa *sa, struct ikev2_task *t);
/* Queue at the head (runs next). */
void exch_queue_first(struct ike_sa *sa, struct ikev2_task *t);
/* Start the next task if possible. */
void exch_kick(struct ike_sa *sa);
/* Is a task with these ops queued or running? */
bool exch_has_task(struct ike_sa *sa, const struct task_ops *ops);
struct ikev2_task *exch_active(struct ike_sa *sa);
/* Drop every task (queued and outstanding) without touching the SA. */
void exch_flush(struct ike_sa *sa);
/* Move queued (not outstanding) tasks to another SA (IKE rekey). */
void exch_move_queued(struct ike_sa *from, struct ike_sa *to);
void exch_input(struct ikev2_engine *e, const struct ipsec_addr *local,
		const struct ipsec_addr *remote, const uint8_t *data, size_t len);
void exch_free_state(struct ike_sa *sa);

/* Responder handlers.  Fill the response chain; return RESP_* flags. */
enum {
	RESP_SEND = 0,
	RESP_DESTROY = 1,	/* destroy the IKE SA after sending (sa->destroy_ev/why) */
	RESP_NONE = 2,		/* send nothing */
};
int ike_auth_respond(struct ike_sa *sa, const struct msg_in *m, struct ikev2_enc *r);
int create_child_respond(struct ike_sa *sa, const struct msg_in *m, struct ikev2_enc *r);
int child_rekey_respond(struct ike_sa *sa, const struct msg_in *m, struct ikev2_enc *r);
int ike_rekey_respond(struct ike_sa *sa, const struct msg_in *m, struct ikev2_enc *r);
int informational_respond(struct ike_sa *sa, const struct msg_in *m, struct ikev2_enc *r);
/* IKE_SA_INIT request (no IKE SA yet, or a retransmission). */
void ike_init_respond(struct ikev2_engine *e, const struct ikev2_msg *m,
		      const struct ipsec_addr *local, const struct ipsec_addr *remote);

/* Task constructors (task_*.c). */
struct ikev2_task *task_ike_init_new(void);
struct ikev2_task *task_ike_auth_new(void);
struct ikev2_task *task_child_create_new(const struct ikev2_child_policy *cp);
struct ikev2_task *task_child_rekey_new(uint64_t child_id);
struct ikev2_task *task_ike_rekey_new(void);
struct ikev2_task *task_delete_child_new(uint64_t child_id);
struct ikev2_task *task_delete_ike_new(void);
struct ikev2_task *task_dpd_new(void);
struct ikev2_task *task_auth_failed_new(void);
struct ikev2_task *task_cp_set_new(const struct ikev2_cp *cp);
extern const struct task_ops task_dpd_ops, task_delete_ike_ops, task_ike_rekey_ops,
	task_child_rekey_ops;
/* DPD: a DPD request uses the profile's retry interval (exchange.c). */
bool task_is_dpd(const struct ikev2_task *t);

/* ---- configuration payload (task_ike_auth.c: engine form <-> codec) */

/* The CP of a message (the first one; RFC 7296 allows one), type 0 if none. */
void cp_of(const struct ikev2_chain *c, struct ikev2_cp *out);
void cp_add(struct ikev2_enc *e, const struct ikev2_cp *cp);
/* INFORMATIONAL responder (task_cp_set.c): a CP in the request goes to
 * ops.cp_informational and its reply is added to the response r. */
void cp_info_respond(struct ike_sa *sa, const struct ikev2_chain *c, struct ikev2_enc *r);

/* ---- msg_protect.c: headers, SK protection, sending */

/* Encode a message: header + plain chain (IKE_SA_INIT) or header + SK
 * (fragmented into SKF when allowed and too big) into out. */
int msg_encode(struct ike_sa *sa, uint8_t exchange, bool response, uint32_t msgid,
	       const struct buf *chain, uint8_t first, struct pkts *out);
/* Plain message without an SA (IKE_SA_INIT answers without state). */
void msg_encode_plain(struct buf *out, const uint8_t spi_i[8], const uint8_t spi_r[8],
		      uint8_t exchange, uint8_t flags, uint32_t msgid, const struct buf *chain,
		      uint8_t first);
/* One SK (or SKF fnum/ftotal) message around inner bytes, into out. */
int msg_sk_wrap(struct ike_sa *sa, struct buf *out, uint8_t exchange, uint8_t flags,
		uint32_t msgid, bool skf, uint16_t fnum, uint16_t ftotal, uint8_t first,
		const uint8_t *inner, size_t inner_len);
/* Decrypt an SK payload of m (in the mutable buffer buf): the inner
 * payload bytes are buf[*off .. *off + *len). 0 or -1. */
int msg_decrypt_sk(struct ike_sa *sa, uint8_t *buf, size_t len, const struct ikev2_pl_sk *sk,
		   size_t *off, size_t *plen);
void msg_debug_packet(struct ike_sa *sa, bool tx, const struct ipsec_addr *local,
		      const struct ipsec_addr *remote, const struct ikev2_hdr *h,
		      const struct ikev2_chain *c);

/* ---- msg_frag.c: RFC 7383 */

/* Split chain into SKF fragments so each datagram fits limit bytes. */
int msg_frag_encode(struct ike_sa *sa, uint8_t exchange, uint8_t flags, uint32_t msgid,
		    const struct buf *chain, uint8_t first, uint32_t limit, struct pkts *out);
/* Add one verified, decrypted fragment.  Returns 1 when the message is
 * complete (plaintext in *out, first inner type in *first), 0 when more
 * are needed, -1 when the fragment was dropped. */
int reasm_add(struct ike_sa *sa, struct reasm *r, const struct ikev2_hdr *h,
	      const struct ikev2_pl_sk *skf, const uint8_t *pt, size_t pt_len, struct buf *out,
	      uint8_t *first);
void reasm_reset(struct ike_sa *sa, struct reasm *r);

/* ---- msg_sa.c: SA payloads, proposal selection */

struct sel {
	uint8_t num;			/* proposal number */
	uint8_t protocol;
	uint8_t spi[8];
	uint8_t spi_size;
	uint16_t encr, keybits, prf, integ, dh;
	bool esn;
};

/* pfs_group value for ESP proposals in IKE_AUTH: DH transforms ignored. */
#define SEL_DH_IGNORE 0xffff

/* Request SA payload from configured proposals.  For ESP, pfs_group (0 =
 * none) is added as the DH transform of every proposal. */
void sa_pl_add(struct ikev2_enc *e, const struct ikev2_proposal_cfg *props, unsigned n,
	       uint8_t protocol, const uint8_t *spi, uint8_t spi_size, uint16_t pfs_group);
/* Response SA payload: the one selected proposal, with our SPI. */
void sa_pl_add_sel(struct ikev2_enc *e, const struct sel *s, const uint8_t *spi, uint8_t spi_size);
/* Choose from a peer's SA payload what our proposals accept; for ESP
 * pfs_group is what we require (0: no DH or DH NONE).  0 or -1. */
int sa_pl_select(const struct ikev2_pl_sa *peer, const struct ikev2_proposal_cfg *props,
		 unsigned n, uint8_t protocol, uint16_t pfs_group, struct sel *out);
/* First DH group of our IKE proposals (the KE we send first). */
uint16_t sa_first_dh(const struct ikev2_proposal_cfg *props, unsigned n);
/* Is group among the DH transforms of our IKE proposals? */
bool sa_has_dh(const struct ikev2_proposal_cfg *props, unsigned n, uint16_t group);

/* ---- msg_ts.c: traffic selectors */

void ts_to_wire(const struct ipsec_ts *in, struct ikev2_ts *out);
int ts_from_wire(const struct ikev2_ts *in, struct ipsec_ts *out);
void ts_pl_add(struct ikev2_enc *e, uint8_t type, const struct ipsec_ts *ts, unsigned n);
/* Narrow the peer's selectors (peer, from a TS payload) to what our
 * configured ones (cfg) allow: intersections into out.  Returns the
 * number (0: TS_UNACCEPTABLE). */
unsigned ts_narrow(const struct ikev2_pl_ts *peer, const struct ipsec_ts *cfg, unsigned n_cfg,
		   struct ipsec_ts *out, unsigned max);
/* Is every selector of got within one of want? */
bool ts_subset(const struct ikev2_pl_ts *got, const struct ipsec_ts *want, unsigned n_want);
bool ts_intersect(const struct ipsec_ts *a, const struct ipsec_ts *b, struct ipsec_ts *out);

/* ---- msg_nat.c: NAT detection, vendor IDs, notify helpers */

void nat_hash(const uint8_t spi_i[8], const uint8_t spi_r[8], const struct ipsec_addr *a,
	      uint8_t out[20]);
/* Add NAT_DETECTION_SOURCE_IP / _DESTINATION_IP for local -> remote. */
void nat_pl_add(struct ikev2_enc *e, const uint8_t spi_i[8], const uint8_t spi_r[8],
		const struct ipsec_addr *local, const struct ipsec_addr *remote);
/* Check the peer's NAT_DETECTION notifies (if any) against our view of
 * the addresses; sets nat_local / nat_remote.  Returns true when the
 * peer sent them. */
bool nat_check(struct ike_sa *sa, const struct ikev2_chain *c, const uint8_t spi_i[8],
	       const uint8_t spi_r[8]);
void vid_pl_add(struct ike_sa *sa, struct ikev2_enc *e);
void vid_parse(struct ike_sa *sa, const struct ikev2_chain *c);
/* RFC 7427 SIGNATURE_HASH_ALGORITHMS: ours into IKE_SA_INIT; the peer's
 * into sa->peer_sig_hashes. */
void sig_hash_pl_add(struct ikev2_enc *e);
void sig_hash_parse(struct ike_sa *sa, const struct ikev2_chain *c);
void notify_add(struct ikev2_enc *e, uint16_t type, uint8_t proto, const uint8_t *spi,
		uint8_t spi_size, const uint8_t *data, size_t len);
/* First error notify (type < 16384) in the chain, 0 if none. */
uint16_t notify_error(const struct ikev2_chain *c);
void nonce_make(struct nonce *n);
void nonce_from(struct nonce *n, const struct ikev2_payload *p);
/* The lowest of the four nonces (RFC 7296 2.8): is it in a/b (true) or
 * in c/d (false)? */
bool nonce_lowest_in_first(const struct nonce *a, const struct nonce *b, const struct nonce *c,
			   const struct nonce *d);

/* ---- msg_cookie.c: RFC 7296 2.6 cookies */

/* Fill out with the cookie for (Ni, remote, SPIi) under the current secret. */
size_t cookie_make(struct ikev2_engine *e, const uint8_t *ni, size_t ni_len,
		   const struct ipsec_addr *remote, const uint8_t spi_i[8], uint8_t *out);
bool cookie_verify(struct ikev2_engine *e, const uint8_t *cookie, size_t len, const uint8_t *ni,
		   size_t ni_len, const struct ipsec_addr *remote, const uint8_t spi_i[8]);

/* ---- msg_auth.c: PSK AUTH and IDs */

/* Our AUTH / the check of the peer's (RFC 7296 2.15).  id_body is the ID
 * payload body (type, 3 reserved, data). */
int auth_psk_make(struct ike_sa *sa, bool as_initiator, const uint8_t *id_body, size_t id_len,
		  uint8_t *out, size_t *out_len);
int auth_psk_verify(struct ike_sa *sa, bool as_initiator, const uint8_t *id_body, size_t id_len,
		    const uint8_t *auth, size_t auth_len);
/* ID payload body bytes for our identity. */
void id_body(const struct ikev2_id *id, struct buf *out);
bool id_match(const struct ikev2_id *want, const struct ikev2_id *got);
const char *id_str(const struct ikev2_id *id, char *buf, size_t len);

/* ---- child SA negotiation helpers (task_child_create.c) */

/* Responder side of a CHILD_SA in IKE_AUTH or CREATE_CHILD_SA: select,
 * narrow, allocate, install; adds SA/TS (and KE) to the response or an
 * error notify.  Returns the new child or NULL (notify added). */
struct child_sa *child_respond(struct ike_sa *sa, const struct ikev2_chain *req,
			       const struct ikev2_child_policy *pol, const struct nonce *ni,
			       const struct nonce *nr, bool in_auth, struct ikev2_enc *r,
			       uint64_t rekey_of);
/* Initiator side: the request payloads (SA, [KE], TSi, TSr, mode). */
struct child_req {
	struct ikev2_child_policy pol;
	uint32_t spi_in;
	struct crypto_dh *dh;	/* PFS */
	uint16_t dh_group;
	struct nonce ni;
};
int child_req_build(struct ike_sa *sa, struct child_req *cr, struct ikev2_enc *e, bool in_auth,
		    const struct ipsec_ts *tsl, unsigned n_tsl, const struct ipsec_ts *tsr,
		    unsigned n_tsr);
/* Initiator side: handle the response; returns the installed child or
 * NULL (*err set to the notify, 0 for a malformed answer).  rekey_of: id
 * of the child being rekeyed (its policies are taken over), or 0. */
struct child_sa *child_req_done(struct ike_sa *sa, struct child_req *cr,
				const struct ikev2_chain *resp, const struct nonce *ni,
				const struct nonce *nr, bool in_auth, uint64_t rekey_of,
				uint16_t *err);
void child_req_clear(struct child_req *cr);
/* Fallback: delete a replaced child after ms if the peer does not. */
void child_sa_delete_in(struct child_sa *c, uint64_t ms);

#endif
