/*
 * IKEv2 engine internals: the IKE SA and CHILD_SA objects.
 *
 * An IKE SA owns its CHILD_SAs, its queue of initiator tasks, the one
 * outstanding request (window 1, kept as a window structure), the cached
 * last response, RFC 7383 reassembly state and its timers.  Every state
 * change goes through ike_sa_set_state() / child_sa_set_state(), which
 * check the transition against a table and log "old -> new".
 *
 * Private to ikev2/engine.c, exchange.c, ike_sa.c, child_sa.c, msg_*.c
 * and task_*.c.
 */
#ifndef IKESH_IKEV2_IKE_SA_H
#define IKESH_IKEV2_IKE_SA_H

#include <stdbool.h>
#include <stdint.h>

#include "ikev2/crypto.h"
#include "ikev2/engine.h"
#include "ikev2/payload.h"
#include "lib/buf.h"

struct ikev2_engine;
struct ikev2_task;
struct ike_sa;

struct nonce {
	size_t len;
	uint8_t b[IKEV2_NONCE_MAX];
};

/* Negotiated IKE SA transforms. */
struct ike_suite {
	uint16_t encr, keybits, prf, integ, dh;
};

/* Negotiated ESP transforms (dh: PFS group, 0 = none). */
struct esp_suite {
	uint16_t encr, keybits, integ, dh;
	bool esn;
};

/* The datagrams of one message (one, or the RFC 7383 fragments). */
struct pkts {
	unsigned n;
	struct buf *p;
};

void pkts_free(struct pkts *p);
struct buf *pkts_add(struct pkts *p);

/* Our outstanding request (window slot). */
struct req_slot {
	bool busy;
	uint32_t msgid;
	uint8_t exchange;
	struct ikev2_task *task;
	struct pkts pkts;
	unsigned retries;
	uint32_t timeout_ms;	/* current retransmission timeout */
	void *timer;
};

/* The cached response to the peer's last request. */
struct resp_slot {
	bool valid;
	uint32_t msgid;
	uint8_t exchange;
	struct pkts pkts;
};

/* RFC 7383 reassembly of one message. */
struct reasm {
	bool active;
	uint32_t msgid;
	uint8_t exchange;
	uint16_t total;
	uint16_t got;
	uint8_t first_inner;
	size_t bytes;
	struct buf *frag;	/* total entries: decrypted plaintexts */
	bool *have;
	void *timer;
	struct ike_sa *sa;	/* for the timer */
};

struct child_sa {
	struct child_sa *next;
	struct ike_sa *ike;
	uint64_t id;
	enum ikev2_child_state state;
	uint32_t spi_in, spi_out;
	uint32_t reqid;
	bool owns_policy;	/* installed the policies of reqid */
	struct esp_suite suite;
	enum ipsec_sa_mode mode;
	struct ipsec_ts ts_local[IPSEC_MAX_TS], ts_remote[IPSEC_MAX_TS];
	unsigned n_ts_local, n_ts_remote;
	bool installed_in, installed_out;
	bool encap;
	struct ipsec_addr inst_local, inst_remote;	/* addresses used to install */
	struct ikev2_child_policy policy;
	uint64_t created_ms;
	uint64_t rekeyed_from;
	void *t_rekey, *t_expire;
	/* Nonces of the exchange that created it and whether we initiated
	 * that exchange (RFC 7296 2.8 collision resolution). */
	struct nonce ni, nr;
	bool by_us;
	/* While we rekey this child: the child the peer's colliding rekey
	 * created (id), 0 when none. */
	uint64_t collision_child;
};

struct ike_sa {
	struct ike_sa *next;
	struct ikev2_engine *eng;
	uint64_t id;
	bool initiator;		/* original initiator of this IKE SA */
	enum ikev2_ike_state state;
	bool was_up;		/* reached ESTABLISHED (for the DOWN event) */
	bool replaced;		/* rekeyed away (or redundant): no DOWN event */
	uint8_t spi_i[8], spi_r[8];
	struct ipsec_addr local, remote;

	struct ikev2_peer_config cfg;
	bool have_cfg;		/* cfg filled (initiator: always) */
	struct ike_suite suite;
	struct crypto_ike_keys keys;
	bool have_keys;
	struct crypto_sk sk_out, sk_in;
	struct crypto_dh *dh;	/* IKE_SA_INIT / rekey key pair */
	struct nonce ni, nr;
	struct buf init_req, init_resp;	/* the IKE_SA_INIT messages, for AUTH */
	struct buf cookie;	/* initiator: COOKIE to echo */
	struct ikev2_id peer_id;

	bool nat_local, nat_remote;
	bool frag_peer;		/* peer sent IKEV2_FRAGMENTATION_SUPPORTED */
	bool peer_cisco, peer_flexvpn, peer_delete_reason;
	/* RFC 7427 hashes the peer accepts: bit (1 << IKEV2_HASH_*); 0: none sent */
	uint8_t peer_sig_hashes;
	bool initial_contact_rx;

	/* exchanges */
	uint32_t msgid_tx;	/* next request message ID */
	uint32_t msgid_rx;	/* next request message ID expected */
	struct req_slot req;
	struct resp_slot resp;
	struct reasm reasm_req, reasm_resp;
	struct ikev2_task *tasks;	/* queue, head first */

	struct child_sa *children;
	/* set by a responder handler returning RESP_DESTROY */
	enum ikev2_event destroy_ev;
	const char *destroy_why;

	void *t_halfopen, *t_rekey, *t_expire, *t_dpd, *t_delete, *t_keepalive;
	uint64_t created_ms, established_ms, last_rx_ms;
	uint64_t rekeyed_from;
	/* IKE rekey collision: the new IKE SA we created as responder while
	 * our own IKE rekey request was outstanding (id), 0 when none. */
	uint64_t collision_sa;
};

/* ---- IKE SA (ike_sa.c) */

struct ike_sa *ike_sa_new(struct ikev2_engine *e, bool initiator, const struct ipsec_addr *local,
			  const struct ipsec_addr *remote);
/* The one place an IKE SA changes state: checks the transition, logs
 * "old -> new" (debug internal), runs the entry actions (events, logs,
 * timers).  Returns 0, or -1 for an invalid transition (not applied). */
int ike_sa_set_state(struct ike_sa *sa, enum ikev2_ike_state st);
/* Tear down locally: CHILD_SAs removed from the data plane, tasks
 * dropped, timers cancelled, state DEAD (freed by the engine later).
 * ev: the event to report (IKEV2_EV_DOWN, _FAILED, _PEER_DEAD ...). */
void ike_sa_destroy(struct ike_sa *sa, enum ikev2_event ev, const char *why);
void ike_sa_free(struct ike_sa *sa);
void ike_sa_info(const struct ike_sa *sa, struct ikev2_ike_info *out);
void ike_sa_event(struct ike_sa *sa, enum ikev2_event ev);
/* Our / the peer's SPI. */
const uint8_t *ike_sa_spi_local(const struct ike_sa *sa);
/* After keys are known: crypto_sk in/out from sa->keys. */
int ike_sa_setup_sk(struct ike_sa *sa);
/* Timers of an established SA (rekey, hard expiry, DPD, keepalive). */
void ike_sa_arm_timers(struct ike_sa *sa);
void ike_sa_cancel_timers(struct ike_sa *sa);
/* (Re)schedule the IKE SA rekey in ms. */
void ike_sa_rekey_in(struct ike_sa *sa, uint64_t ms);
/* Move all CHILD_SAs to another IKE SA (IKE rekey). */
void ike_sa_move_children(struct ike_sa *from, struct ike_sa *to);
unsigned ike_sa_child_count(const struct ike_sa *sa);
uint32_t ike_sa_frag_limit(const struct ike_sa *sa);
/* "IKEv2:(SA ID = n):" prefix for debug lines. */
#define SA_DBG(sa, flag, fmt, ...)                                                              \
	do {                                                                                    \
		if ((flag).on || ikev2_debug_default.on)                                        \
			log_debug("IKEv2:(SA ID = %llu):" fmt, (unsigned long long)(sa)->id,     \
				  ##__VA_ARGS__);                                               \
	} while (0)

/* ---- CHILD SA (child_sa.c) */

struct child_sa *child_sa_new(struct ike_sa *sa, const struct ikev2_child_policy *pol);
int child_sa_set_state(struct child_sa *c, enum ikev2_child_state st);
struct child_sa *child_sa_by_id(struct ike_sa *sa, uint64_t id);
struct child_sa *child_sa_by_spi_in(struct ike_sa *sa, uint32_t spi);
struct child_sa *child_sa_by_spi_out(struct ike_sa *sa, uint32_t spi);
/* Derive the keys and install inbound + outbound SA (and policies when
 * the reqid has none yet).  exch_initiator: we initiated the exchange
 * that created it.  gir: PFS shared secret or NULL. */
int child_sa_install(struct child_sa *c, bool exch_initiator, const uint8_t *gir, size_t gir_len,
		     const struct nonce *ni, const struct nonce *nr);
/* Remove from the data plane and unlink; emits DOWN when it was up. */
void child_sa_remove(struct child_sa *c, bool event);
void child_sa_info(const struct child_sa *c, struct ikev2_child_info *out);
/* The new child takes over the reqid's policies from the old one. */
void child_sa_take_policy(struct child_sa *new_c, struct child_sa *old_c);
void child_sa_arm_timers(struct child_sa *c);
void child_sa_cancel_timers(struct child_sa *c);
/* Inbound SPI from the data plane; 0 on failure. */
uint32_t child_sa_alloc_spi(struct ike_sa *sa);

#endif
