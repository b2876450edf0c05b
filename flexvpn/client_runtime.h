/*
 * FlexVPN client at run time: which peer a "crypto ikev2 client flexvpn
 * NAME" connects to, and what the server pushed.
 *
 * The gateway list is the configured peers in sequence order with the
 * backup gateways the server downloaded inserted right after the peer they
 * came from (Cisco "Configuring the FlexVPN Client": backup gateways).  The
 * client tries the current peer; a failed negotiation, a name that does not
 * resolve or a peer that stopped answering DPD moves it to the next one.
 * Leaving the downloaded part of the list for a static peer deletes the
 * downloaded list.  After a whole pass over the list failed it waits
 * (1 s, doubling, at most 60 s) and starts again at the top, for ever
 * ("connect auto"); "connect manual" stops after one failed pass until
 * "crypto ikev2 client flexvpn connect NAME" is given again.
 *
 * Peer selection is kept in one function (fvc_possible()) so that "peer N
 * ... track T" and "peer reactivate" (next FlexVPN issue) plug in there.
 *
 * No sockets, no clock: every call gets the time (ms) and name resolution
 * is a callback (tests pass their own).  The Tunnel interface runtime
 * (ikev2/runtime_tunnel.c) asks for the peer address and reports results;
 * ikev2/runtime_cp_client.c reports the configuration reply.
 *
 * Control-plane thread only.
 */
#ifndef IKESH_FLEXVPN_CLIENT_RUNTIME_H
#define IKESH_FLEXVPN_CLIENT_RUNTIME_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "flexvpn/config.h"

enum {
	FVC_MAX_PEERS = FLEXVPN_MAX_PEERS + FLEXVPN_MAX_BACKUP_GW,
	FVC_MAX_SUBNETS = 64,
	FVC_BACKOFF_MAX_MS = 60000,
};

/* What a configuration reply carried (ikev2/runtime_cp_client.c fills it). */
struct fvc_reply {
	bool have_addr;
	struct in_addr addr, netmask;	/* netmask 0.0.0.0: none sent */
	struct in_addr dns[2];
	int n_dns;
	struct in_addr nbns[2];
	int n_nbns;
	struct { struct in_addr prefix; unsigned plen; } subnets[FVC_MAX_SUBNETS];
	int n_subnets;
	char def_domain[FLEXVPN_DOMAIN_MAX];
	char split_dns[FLEXVPN_MAX_SPLIT_DNS][FLEXVPN_DOMAIN_MAX];
	int n_split_dns;
	char backup_gw[FLEXVPN_MAX_BACKUP_GW][FLEXVPN_DOMAIN_MAX];
	int n_backup_gw;
};

enum fvc_state {
	FVC_INACTIVE,		/* no usable tunnel / no peer configured */
	FVC_DISCONNECTED,	/* connect manual: waiting for "connect", or cleared */
	FVC_CONNECTING,		/* negotiating with the current peer */
	FVC_WAITING,		/* every peer failed: retry at next_try_ms */
	FVC_ACTIVE,		/* IKE SA and CHILD SA up */
};

struct fvc_peer {
	char name[FLEXVPN_DOMAIN_MAX];	/* "192.0.2.1" or a host name */
	bool is_name;
	struct in_addr addr;		/* configured, or last resolved */
	int seq;			/* "peer N"; 0 for a downloaded gateway */
	bool downloaded;
	int track;			/* 0: none (see fvc_possible) */
	bool track_down;
};

struct fvc {
	char name[FLEXVPN_NAME_MAX];
	char tunnel[FLEXVPN_IFNAME_MAX];	/* "Tunnel0"; "" when not set */
	enum flexvpn_connect connect;
	bool want;			/* auto, or manual after "connect" */
	struct fvc_peer peers[FVC_MAX_PEERS];
	int n_peers;
	int cur;			/* index of the current peer, -1 none */
	bool have_addr;			/* cur resolved: addr is the one to use */
	struct in_addr addr;
	int pass_failures;		/* peers that failed in this pass */
	unsigned cycles;		/* whole passes that failed in a row */
	uint64_t next_try_ms;
	enum fvc_state state;
	char why[160];
	uint64_t ike_id;		/* while ACTIVE */
	bool have_reply;
	struct fvc_reply reply;
	uint64_t up_since_ms;
	unsigned gen;			/* bumped by connect/disconnect: drop the SA */
	struct fvc *next;
};

/* Resolve a host name to one IPv4 address: 0, or -1. */
typedef int (*fvc_resolve_fn)(void *arg, const char *name, struct in_addr *out);

/* ---- one client (pure state machine) ---- */

void fvc_init(struct fvc *c, const struct flexvpn_client *cfg);
/* Take a changed configuration: the static peers are rebuilt, the
 * downloaded ones kept after their peer while it still exists.  The
 * current peer stays current if it is still in the list. */
void fvc_update(struct fvc *c, const struct flexvpn_client *cfg);
/* Is peer i a possible peer now (the track rule of "peer N ... track T")? */
bool fvc_possible(const struct fvc *c, int i);
/* The address to connect to now: 0 and *out; 1 wait (until next_try_ms,
 * or for "connect" with manual); -1 no peer at all (why says so).  Names
 * are resolved here; one that does not resolve moves on to the next peer. */
int fvc_select(struct fvc *c, uint64_t now, fvc_resolve_fn resolve, void *arg,
	       struct in_addr *out);
/* The negotiation with the current peer failed, or its SA went down (dead:
 * it stopped answering DPD).  Moves on to the next peer. */
void fvc_failed(struct fvc *c, uint64_t now, bool was_up, const char *why);
/* The tunnel came up on the current peer. */
void fvc_up(struct fvc *c, uint64_t now, uint64_t ike_id);
/* The server's reply: recorded, its backup gateways inserted after the
 * current peer (replacing an older downloaded list unless the current
 * peer is itself a downloaded one). */
void fvc_set_reply(struct fvc *c, const struct fvc_reply *r);
void fvc_clear_reply(struct fvc *c);
/* "crypto ikev2 client flexvpn connect NAME" / "clear ... NAME". */
void fvc_connect(struct fvc *c, uint64_t now);
void fvc_disconnect(struct fvc *c);
const char *fvc_state_name(enum fvc_state s);	/* IOS words: "ACTIVE", ... */

/* ---- the clients of the configuration ---- */

/* Create, update and forget clients to match "crypto ikev2 client flexvpn"
 * (cheap; call before every use). */
void flexvpn_client_rt_sync(uint64_t now);
struct fvc *flexvpn_client_rt_find(const char *name);
/* The client whose "client connect" names this interface ("Tunnel0"). */
struct fvc *flexvpn_client_rt_for_tunnel(const char *ifname);
struct fvc *flexvpn_client_rt_first(void);
/* Name resolution for fvc_select (default: getaddrinfo, IPv4). */
void flexvpn_client_rt_set_resolver(fvc_resolve_fn fn, void *arg);
int flexvpn_client_rt_resolve(const char *name, struct in_addr *out);
/* fvc_select() with that resolver (the tunnel runtime uses this). */
int flexvpn_client_rt_select(struct fvc *c, uint64_t now, struct in_addr *out);
/* Forget every client (tests, runtime stop). */
void flexvpn_client_rt_reset(void);

#endif
