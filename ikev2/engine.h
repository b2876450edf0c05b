/*
 * IKEv2 protocol engine (RFC 7296), network-free.
 *
 * The engine owns IKE SAs and CHILD_SAs, runs the exchanges as tasks,
 * keeps message IDs, the request window and retransmissions, and hands
 * CHILD_SA keys to a data plane through ipsec/sa_install.h.  It never
 * touches a socket, a clock or the configuration objects directly:
 *
 *   - datagrams go out through ops->send() and come in through
 *     ikev2_engine_input() (for port 4500 the caller adds/strips the
 *     4-byte non-ESP marker; the engine sees plain IKE messages);
 *   - time comes from ops->now_ms/timer_add/timer_cancel (NULL: the
 *     lib/evloop timers), so tests drive a fake clock and never sleep;
 *   - configuration comes from ops->lookup_peer(), which fills the
 *     engine's own small policy structs below (the glue to ikev2/config.h
 *     objects is a separate, thin layer);
 *   - state changes are reported through ops->ike_event/child_event.
 *
 * Handles given to callers are numeric IDs (never pointers), so a stale
 * ID after an SA went away is harmless: calls return -ENOENT.
 *
 * Retransmission (IOS-like; see ikev2_engine_settings_default): a request
 * is sent, then retransmitted after 2 s, 4 s, 8 s, 16 s, 32 s (5
 * retransmissions, doubling) and the exchange fails 64 s after the last
 * retransmission.  A DPD exchange uses the profile's DPD retry interval
 * as its first timeout instead.
 *
 * Single-threaded: call everything from the control-plane thread.
 */
#ifndef IKESH_IKEV2_ENGINE_H
#define IKESH_IKEV2_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipsec/sa_install.h"
#include "lib/debug.h"

#define IKEV2_ENGINE_NAME_MAX 64
#define IKEV2_CFG_MAX_XFORMS 24		/* transforms in one configured proposal */
#define IKEV2_CFG_MAX_PROPOSALS 8
#define IKEV2_ID_MAX 256
#define IKEV2_PSK_MAX 128

/* ------------------------------------------------------------ config payload */

/* A configuration payload (RFC 7296 3.15) as the engine hands it to and
 * takes it from the runtime: the attributes in wire order, values raw
 * (network order, as on the wire).  Attribute types are in
 * ikev2/ikev2_const.h (IKEV2_CFG_INTERNAL_IP4_ADDRESS, ...; the Cisco
 * ones included). */
#define IKEV2_CP_MAX_ATTRS 48
#define IKEV2_CP_ATTR_MAX 256

struct ikev2_cp_attr {
	uint16_t type;
	uint16_t len;			/* 0: an empty attribute (a request) */
	uint8_t value[IKEV2_CP_ATTR_MAX];
};

struct ikev2_cp {
	uint8_t type;			/* 1 CFG_REQUEST, 2 CFG_REPLY, 3 CFG_SET, 4 CFG_ACK; 0: none */
	unsigned n;
	struct ikev2_cp_attr attrs[IKEV2_CP_MAX_ATTRS];
};

/* ------------------------------------------------------------ policy */

/* An identity (RFC 7296 3.5): type is an IANA ID type (1 IPv4, 2 FQDN,
 * 3 RFC822, 5 IPv6, 11 KEY_ID); type 0 in a remote identity = any. */
struct ikev2_id {
	uint8_t type;
	uint16_t len;
	uint8_t data[IKEV2_ID_MAX];
};

/* One transform: IANA type (1 ENCR, 2 PRF, 3 INTEG, 4 DH, 5 ESN) and ID;
 * keybits = Key Length attribute (AES), 0 for none. */
struct ikev2_xform {
	uint8_t type;
	uint16_t id;
	uint16_t keybits;
};

/* One proposal: any number of transforms of each type, in preference
 * order within a type (like an IOS "crypto ikev2 proposal" or the
 * transform sets of an IPsec profile, one proposal each). */
struct ikev2_proposal_cfg {
	unsigned n;
	struct ikev2_xform xf[IKEV2_CFG_MAX_XFORMS];
};

/* Settings of one IKE SA (IOS: ikev2 profile + policy + keyring). */
struct ikev2_ike_policy {
	char name[IKEV2_ENGINE_NAME_MAX];	/* profile name, for show/log */
	struct ikev2_proposal_cfg proposals[IKEV2_CFG_MAX_PROPOSALS];
	unsigned n_proposals;
	struct ikev2_id local_id;
	struct ikev2_id remote_id;		/* type 0: accept any */
	/* PSK AUTH (RFC 7296 2.15): our AUTH is made with psk_local, the
	 * peer's is checked with psk_remote; they may differ (IOS keyring
	 * "pre-shared-key local/remote"). */
	uint8_t psk_local[IKEV2_PSK_MAX];
	size_t psk_local_len;
	uint8_t psk_remote[IKEV2_PSK_MAX];
	size_t psk_remote_len;
	uint32_t lifetime_sec;			/* IKE SA lifetime; rekeyed before */
	uint32_t dpd_interval_sec;		/* 0: no DPD */
	uint32_t dpd_retry_sec;			/* first retransmission of a DPD */
	bool dpd_on_demand;			/* else periodic */
	uint32_t nat_keepalive_sec;		/* 0: none (reported in info) */
	bool fragmentation;			/* RFC 7383 */
	uint16_t fragment_mtu;			/* IP packet size limit for IKE */
	bool send_initial_contact;
	bool send_cisco_vids;			/* copyright, FLEXVPN-SUPPORTED, DELETE-REASON */
};

/* Settings of the CHILD_SAs (IOS: ipsec profile + transform sets + the
 * selectors of the tunnel or crypto map). */
struct ikev2_child_policy {
	char name[IKEV2_ENGINE_NAME_MAX];
	/* ESP proposals: ENCR, INTEG (none with AEAD), ESN transforms.
	 * DH is added from pfs_group for CREATE_CHILD_SA. */
	struct ikev2_proposal_cfg proposals[IKEV2_CFG_MAX_PROPOSALS];
	unsigned n_proposals;
	enum ipsec_sa_mode mode;
	uint16_t pfs_group;		/* 0: no PFS */
	uint32_t lifetime_sec;		/* hard; rekeyed before (soft) */
	uint64_t lifetime_kb;		/* 0: none */
	uint32_t replay_window;
	struct ipsec_ts ts_local[IPSEC_MAX_TS];
	unsigned n_ts_local;
	struct ipsec_ts ts_remote[IPSEC_MAX_TS];
	unsigned n_ts_remote;
};

struct ikev2_peer_config {
	struct ikev2_ike_policy ike;
	struct ikev2_child_policy child;
	bool has_child;			/* false: childless (no CHILD_SA in IKE_AUTH) */
	/* Initiator: the CP sent in IKE_AUTH (CFG_REQUEST for address, DNS,
	 * routes; or CFG_SET); type 0: no CP.  RFC 7296 allows one CP per
	 * message; how a FlexVPN client sends its own subnets is described in
	 * docs/flexvpn.md. */
	struct ikev2_cp cp_out;
};

/* IOS-like defaults (lifetime 86400 s, fragmentation off, Cisco VIDs and
 * INITIAL_CONTACT on, DPD off, child lifetime 3600 s / 4608000 KB, tunnel
 * mode, replay window 64). Proposals and selectors are left empty. */
void ikev2_ike_policy_default(struct ikev2_ike_policy *p);
void ikev2_child_policy_default(struct ikev2_child_policy *p);

/* ------------------------------------------------------------ info */

enum ikev2_ike_state {
	IKEV2_IKE_NEW = 0,	/* created, nothing sent */
	IKEV2_IKE_INIT_SENT,	/* initiator: IKE_SA_INIT sent */
	IKEV2_IKE_INIT_DONE,	/* keys derived, IKE_AUTH pending (half-open on responder) */
	IKEV2_IKE_AUTH_SENT,	/* initiator: IKE_AUTH sent */
	IKEV2_IKE_ESTABLISHED,
	IKEV2_IKE_REKEYING,	/* an IKE rekey of this SA is running */
	IKEV2_IKE_REKEYED,	/* replaced by a new IKE SA, waiting for its delete */
	IKEV2_IKE_DELETING,	/* Delete sent / being torn down */
	IKEV2_IKE_DEAD,		/* gone; freed at the next safe point */
	IKEV2_IKE_STATE_COUNT
};

enum ikev2_child_state {
	IKEV2_CHILD_CREATING = 0,
	IKEV2_CHILD_INSTALLED,
	IKEV2_CHILD_REKEYING,
	IKEV2_CHILD_REKEYED,	/* replaced, waiting for its delete */
	IKEV2_CHILD_DELETING,
	IKEV2_CHILD_DELETED,
	IKEV2_CHILD_STATE_COUNT
};

const char *ikev2_ike_state_name(enum ikev2_ike_state s);	/* "ESTABLISHED" */
const char *ikev2_ike_state_ios(enum ikev2_ike_state s);	/* "READY", "IN-NEG", "DELETE" */
const char *ikev2_child_state_name(enum ikev2_child_state s);

struct ikev2_ike_info {
	uint64_t id;
	char profile[IKEV2_ENGINE_NAME_MAX];
	bool initiator;			/* original initiator of this IKE SA */
	enum ikev2_ike_state state;
	struct ipsec_addr local, remote;
	uint8_t spi_i[8], spi_r[8];
	uint16_t encr, encr_keybits, prf, integ, dh;
	struct ikev2_id local_id, remote_id;
	bool nat_local;			/* we are behind a NAT */
	bool nat_remote;		/* the peer is behind a NAT */
	bool frag;			/* both support RFC 7383 */
	bool peer_cisco, peer_flexvpn, peer_delete_reason;	/* vendor IDs seen */
	uint64_t created_ms, established_ms;
	uint32_t lifetime_sec;
	uint32_t dpd_interval_sec;
	unsigned n_children;
	uint32_t msgid_tx, msgid_rx;	/* next request ID to send / expected */
	uint64_t rekeyed_from;		/* old IKE SA id if this one replaced it */
};

struct ikev2_child_info {
	uint64_t id, ike_id;
	enum ikev2_child_state state;
	uint32_t spi_in, spi_out;
	uint16_t encr, encr_keybits, integ, dh;
	bool esn;
	enum ipsec_sa_mode mode;
	bool encap;			/* UDP encapsulated (NAT-T) */
	struct ipsec_ts ts_local[IPSEC_MAX_TS], ts_remote[IPSEC_MAX_TS];
	unsigned n_ts_local, n_ts_remote;
	uint64_t created_ms;
	uint32_t lifetime_sec;
	uint32_t reqid;
	uint64_t rekeyed_from;		/* old CHILD_SA id if this one replaced it */
};

/* ------------------------------------------------------------ engine */

enum ikev2_event {
	IKEV2_EV_UP,		/* IKE SA established / CHILD_SA installed */
	IKEV2_EV_DOWN,		/* deleted (by either side or expired) */
	IKEV2_EV_REKEYED,	/* replaced by a new SA (info: the new one) */
	IKEV2_EV_FAILED,	/* negotiation failed (no proposal, TS, ...) */
	IKEV2_EV_AUTH_FAILED,	/* AUTHENTICATION_FAILED sent or received */
	IKEV2_EV_PEER_DEAD,	/* no answer after all retransmissions */
	IKEV2_EV_NAT,		/* NAT detected (see info nat_local/nat_remote) */
};

const char *ikev2_event_name(enum ikev2_event ev);

typedef void (*ikev2_timer_cb)(void *arg);

struct ikev2_engine_ops {
	/* Send one datagram from local to remote (addresses with ports). */
	int (*send)(void *ctx, const struct ipsec_addr *local, const struct ipsec_addr *remote,
		    const uint8_t *data, size_t len);
	/* Find the configuration for a peer.  remote_id is NULL for the
	 * first lookup (IKE_SA_INIT: proposals only) and the peer's IDi in
	 * IKE_AUTH.  Returns 0 and fills out, or -1 when no profile matches. */
	int (*lookup_peer)(void *ctx, const struct ipsec_addr *local,
			   const struct ipsec_addr *remote, const struct ikev2_id *remote_id,
			   struct ikev2_peer_config *out);
	/* Optional clock and timers; all three or none (lib/evloop). */
	uint64_t (*now_ms)(void *ctx);
	void *(*timer_add)(void *ctx, uint64_t ms, ikev2_timer_cb cb, void *arg);
	void (*timer_cancel)(void *ctx, void *timer);
	/* Optional: send a NAT-T keepalive (RFC 3948: one 0xFF byte on the
	 * port 4500 socket, no non-ESP marker) while we are behind a NAT. */
	void (*keepalive)(void *ctx, const struct ipsec_addr *local,
			  const struct ipsec_addr *remote);
	/* Optional, responder: the initiator's CP from IKE_AUTH (type 0 when
	 * it sent none), after its AUTH was verified and before the response
	 * is built.  Fill *reply (CFG_REPLY to a CFG_REQUEST, CFG_ACK to a
	 * CFG_SET; type 0: send no CP) and return 0, or return -1 to refuse
	 * the IKE SA (AUTHENTICATION_FAILED is sent, as IOS does when
	 * authorization fails).  info describes the IKE SA being authorized
	 * (its id is the one later events carry). */
	int (*authorize)(void *ctx, const struct ikev2_ike_info *info, const struct ikev2_cp *req,
			 struct ikev2_cp *reply);
	/* Optional, initiator: the CP in the IKE_AUTH response (type 0 when
	 * the responder sent none), before the IKE SA is reported UP.
	 * Return -1 to refuse it (the IKE SA is then deleted). */
	int (*cp_received)(void *ctx, const struct ikev2_ike_info *info, const struct ikev2_cp *cp);
	/* Optional: a CP in an INFORMATIONAL exchange on an established IKE
	 * SA (IOS "config-exchange set": CFG_SET -> CFG_ACK after IKE_AUTH).
	 * Either role of the IKE SA may send one (ikev2_engine_send_cp).
	 *   - reply != NULL: the peer's request carried the CP req; fill
	 *     *reply (CFG_ACK listing the accepted attribute types; type 0:
	 *     answer without CP) and return 0.  -1 also answers without CP;
	 *     the IKE SA stays either way.
	 *   - reply == NULL: req is the peer's answer to our
	 *     ikev2_engine_send_cp (its CFG_ACK; type 0 when the answer had
	 *     no CP); the return value is ignored. */
	int (*cp_informational)(void *ctx, const struct ikev2_ike_info *info,
				const struct ikev2_cp *req, struct ikev2_cp *reply);
	/* Optional notifications. */
	void (*ike_event)(void *ctx, const struct ikev2_ike_info *info, enum ikev2_event ev);
	void (*child_event)(void *ctx, const struct ikev2_child_info *info, enum ikev2_event ev);
};

struct ikev2_engine_settings {
	uint32_t retransmit_initial_ms;	/* 2000 */
	uint32_t retransmit_max;	/* 5 retransmissions */
	uint32_t retransmit_cap_ms;	/* largest single timeout: 64000 */
	uint32_t half_open_timeout_ms;	/* responder waits this long for IKE_AUTH: 30000 */
	/* COOKIE (RFC 7296 2.6): required when this many half-open SAs
	 * exist (0: always; UINT32_MAX: never, the default). */
	uint32_t cookie_threshold;
	uint32_t cookie_secret_lifetime_ms;	/* secret rotation: 300000 */
	/* IOS "crypto ikev2 limit": IKE_SA_INIT requests are ignored while
	 * this many SAs are half-open / exist (0: no limit). */
	uint32_t max_half_open;
	uint32_t max_sa;
	uint32_t window_size;		/* SET_WINDOW_SIZE; only 1 is used */
	uint32_t reassembly_timeout_ms;	/* RFC 7383 reassembly: 30000 */
	uint32_t reassembly_max_frags;	/* 256 */
	uint32_t reassembly_max_bytes;	/* 262144 */
	uint16_t natt_port;		/* 4500 */
	uint32_t delete_timeout_ms;	/* an old rekeyed SA is dropped after: 30000 */
};

void ikev2_engine_settings_default(struct ikev2_engine_settings *s);

struct ikev2_engine_stats {
	uint64_t rx, tx, retransmits, rx_dropped, rx_invalid;
	uint64_t cookies_sent, invalid_ke_sent;
	uint64_t half_open;
	uint64_t fragments_tx, fragments_rx, reassembled;
};

struct ikev2_engine;

/* be: the data plane (copied); set: NULL for the defaults (copied). */
struct ikev2_engine *ikev2_engine_new(const struct ikev2_engine_ops *ops, void *ctx,
				      const struct ipsec_backend *be,
				      const struct ikev2_engine_settings *set);
/* Tears every SA down locally (no messages), removing CHILD_SAs from the
 * data plane, then frees the engine. */
void ikev2_engine_free(struct ikev2_engine *e);

/* One received IKE datagram (non-ESP marker removed).  local/remote are
 * the addresses and ports it was received on / from. */
void ikev2_engine_input(struct ikev2_engine *e, const struct ipsec_addr *local,
			const struct ipsec_addr *remote, const uint8_t *data, size_t len);

/* Start an IKE SA (with its first CHILD_SA when cfg->has_child).
 * Returns the IKE SA id (> 0) or 0 (e.g. no proposals). */
uint64_t ikev2_engine_initiate(struct ikev2_engine *e, const struct ikev2_peer_config *cfg,
			       const struct ipsec_addr *local, const struct ipsec_addr *remote);

/* Exchanges on an established IKE SA.  They are queued and run in order,
 * one at a time (window 1).  0 or -ENOENT / -EINVAL / -EBUSY. */
int ikev2_engine_create_child(struct ikev2_engine *e, uint64_t ike_id,
			      const struct ikev2_child_policy *cp);
int ikev2_engine_rekey_child(struct ikev2_engine *e, uint64_t child_id);
int ikev2_engine_rekey_ike(struct ikev2_engine *e, uint64_t ike_id);
int ikev2_engine_delete_child(struct ikev2_engine *e, uint64_t child_id);
int ikev2_engine_delete_ike(struct ikev2_engine *e, uint64_t ike_id);
/* Send cp (usually a CFG_SET) in an INFORMATIONAL request on the IKE SA;
 * the answer goes to ops.cp_informational with reply NULL.  Queued like
 * the other exchanges (runs once the SA is established); may be called
 * from an ike_event callback (e.g. on UP).  No answer after all
 * retransmissions: the peer is dead (IKEV2_EV_PEER_DEAD).  0, -EINVAL
 * (cp NULL or type 0), -ENOENT (no such SA, or it is being deleted). */
int ikev2_engine_send_cp(struct ikev2_engine *e, uint64_t ike_id, const struct ikev2_cp *cp);
/* On-demand liveness check: an empty INFORMATIONAL request. */
int ikev2_engine_dpd(struct ikev2_engine *e, uint64_t ike_id);
/* Data-plane lifetime events for an inbound SPI: soft -> rekey, hard ->
 * delete. */
int ikev2_engine_child_expired(struct ikev2_engine *e, uint32_t spi_in, bool hard);

int ikev2_engine_ike_info(struct ikev2_engine *e, uint64_t ike_id, struct ikev2_ike_info *out);
int ikev2_engine_child_info(struct ikev2_engine *e, uint64_t child_id,
			    struct ikev2_child_info *out);
/* Iterate (in creation order).  ike_id 0: CHILD_SAs of every IKE SA.
 * The callbacks must not call back into the engine. */
void ikev2_engine_foreach_ike(struct ikev2_engine *e,
			      void (*cb)(void *arg, const struct ikev2_ike_info *info), void *arg);
void ikev2_engine_foreach_child(struct ikev2_engine *e, uint64_t ike_id,
				void (*cb)(void *arg, const struct ikev2_child_info *info),
				void *arg);
unsigned ikev2_engine_ike_count(const struct ikev2_engine *e);
void ikev2_engine_get_stats(const struct ikev2_engine *e, struct ikev2_engine_stats *out);

/* "192.0.2.1" / "2001:db8::1" (no port). */
const char *ikev2_addr_str(const struct ipsec_addr *a, char *buf, size_t len);

/* Debug flags (debug crypto ikev2 [packet|internal|error]); registered
 * under group "IKEv2" at start-up. */
extern struct debug_flag ikev2_debug_default, ikev2_debug_packet, ikev2_debug_internal,
	ikev2_debug_error;

#endif
