/*
 * The live IKEv2 speaker: one IKEv2 engine (ikev2/engine.h) fed by the UDP
 * sockets of ikev2/runtime_socket.c, configured from the configuration
 * objects by ikev2/runtime_glue.c, initiating for protected Tunnel
 * interfaces (ikev2/runtime_tunnel.c).  CHILD_SAs go to the data plane
 * chosen with --dataplane: the userspace one (ikev2/runtime_dataplane.h,
 * TUN + ESP in ikesh), the kernel XFRM one (ikev2/runtime_kernel.h, the
 * kernel's ESP with xfrm interfaces and gre links), or, when neither is in
 * use (tests with their own transport, a data plane that failed to start),
 * the recording one (ipsec/backend_record.h: CHILD_SAs are negotiated and
 * kept, no traffic is forwarded).  See docs/ikev2-runtime.md.
 *
 * Start-up: ikev2_runtime_autostart() is queued on the event loop from a
 * constructor, so the runtime starts by itself once ev_run() runs (after
 * the startup-config was applied), unless the data plane is
 * DATAPLANE_NONE (--offline, --check, ikesh -c).  ikev2_runtime_start()
 * may also be called directly; starting twice is harmless.
 *
 * Everything belongs to the control-plane thread.
 */
#ifndef IKESH_IKEV2_RUNTIME_H
#define IKESH_IKEV2_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ikev2/engine.h"
#include "ipsec/backend_record.h"

/* Overrides for tests (all optional; NULL members: the live defaults). */
struct ikev2_runtime_env {
	/* Transport (default: the UDP sockets, which are then opened). */
	int (*send)(void *ctx, const struct ipsec_addr *local, const struct ipsec_addr *remote,
		    const uint8_t *data, size_t len);
	void (*keepalive)(void *ctx, const struct ipsec_addr *local,
			  const struct ipsec_addr *remote);
	/* Clock and timers: all three or none (default lib/evloop). */
	uint64_t (*now_ms)(void *ctx);
	void *(*timer_add)(void *ctx, uint64_t ms, ikev2_timer_cb cb, void *arg);
	void (*timer_cancel)(void *ctx, void *timer);
	void *ctx;
	/* No periodic re-check of the tunnels: the caller runs
	 * ikev2_runtime_poll() (tests). */
	bool manual_poll;
	/* Engine settings (NULL: from the crypto ikev2 globals). */
	const struct ikev2_engine_settings *settings;
	/* Data plane (NULL: the registered one, else the --dataplane one, else
	 * the recording one). */
	const struct ipsec_backend *backend;
};

/* A data plane registered here before the runtime starts takes precedence
 * over the --dataplane one (userspace or kernel); with neither, CHILD_SAs
 * go to the recording data plane (ipsec/backend_record.h). */
void ikev2_runtime_register_backend(const struct ipsec_backend *be);

/* Start the runtime: engine, data plane (see above), sockets (unless
 * env->send), tunnel re-check timer.  0, or -1 (nothing started). */
int ikev2_runtime_start(const struct ikev2_runtime_env *env);
/* Tear every SA down locally, close the sockets, free the engine. */
void ikev2_runtime_stop(void);
/* On exit: send a Delete for every IKE SA, wait at most max_wait_ms on the
 * event loop for the answers (best effort), then ikev2_runtime_stop(). */
void ikev2_runtime_shutdown(unsigned max_wait_ms);
bool ikev2_runtime_running(void);
/* Why the runtime is not running ("offline: no sockets", ...), NULL when
 * it runs. */
const char *ikev2_runtime_not_running_why(void);
/* Called from the event loop right after start-up: starts the runtime
 * unless the data plane is DATAPLANE_NONE (offline). */
void ikev2_runtime_autostart(void);

/* The engine of the running runtime (NULL when stopped), and its
 * recording data plane (NULL when stopped or another one is used). */
struct ikev2_engine *ikev2_runtime_engine(void);
struct record_backend *ikev2_runtime_backend(void);
/* Name of the data plane in use ("record", ...), NULL when stopped. */
const char *ikev2_runtime_backend_name(void);
/* The runtime's clock (ms). */
uint64_t ikev2_runtime_now_ms(void);

/* A received IKE datagram (non-ESP marker already removed). */
void ikev2_runtime_input(const struct ipsec_addr *local, const struct ipsec_addr *remote,
			 const uint8_t *data, size_t len);

/* The configuration changed: re-evaluate the tunnels soon.  Cheap; the
 * runtime also re-checks every second by itself. */
void ikev2_runtime_config_changed(void);
/* Re-evaluate the tunnels now (start, stop, adopt IKE SAs, line
 * protocol).  Must not be called from an engine callback. */
void ikev2_runtime_poll(void);

/* Delete IKE SAs (with their CHILD_SAs; a Delete is sent for established
 * ones).  local/remote NULL: any.  Returns how many were deleted.  The
 * tunnels start again without waiting for a retry back-off. */
unsigned ikev2_runtime_clear(const struct ipsec_addr *local, const struct ipsec_addr *remote);

/* Counters for "show crypto ikev2 stats". */
struct ikev2_runtime_stats {
	uint64_t in_requests, in_accepted, in_rejected;		/* IKE_SA_INIT as responder */
	uint64_t out_requests, out_accepted, out_rejected;	/* our initiations */
	uint64_t auth_failed;
	uint64_t sa_up, sa_down;
};
void ikev2_runtime_get_stats(struct ikev2_runtime_stats *out);

/* IOS "Session-id": one per (local address, remote address) pair while
 * IKE SAs exist between them; allocated on first use. */
uint32_t ikev2_runtime_session_id(const struct ipsec_addr *local, const struct ipsec_addr *remote);

/* ---- tunnel interfaces (ikev2/runtime_tunnel.c) ---- */

enum ikev2_tunnel_state {
	IKEV2_TUN_NONE = 0,	/* not an IKEv2-protected tunnel (or unknown) */
	IKEV2_TUN_DOWN,		/* protected but cannot start: see why */
	IKEV2_TUN_CONNECTING,	/* an IKE SA is being negotiated */
	IKEV2_TUN_WAITING,	/* the last attempt failed; retry at next_try_ms */
	IKEV2_TUN_UP,		/* IKE SA established with a CHILD_SA installed */
};

struct ikev2_tunnel_status {
	enum ikev2_tunnel_state state;
	char why[160];			/* DOWN / WAITING: the reason */
	uint64_t ike_id;		/* the IKE SA carrying the tunnel, 0 none */
	unsigned failures;		/* consecutive failed attempts */
	uint64_t next_try_ms;		/* WAITING: runtime clock of the next try */
	struct ipsec_addr local, remote;
	char ipsec_profile[64];
};

/* Runtime state of a Tunnel interface (IOS name, e.g. "Tunnel0").  0, or
 * -1 when the runtime does not manage it (out->state = IKEV2_TUN_NONE). */
int ikev2_tunnel_status(const char *ifname, struct ikev2_tunnel_status *out);
/* Is the tunnel's CHILD_SA installed (its line protocol is up)? */
bool ikev2_tunnel_is_up(const char *ifname);
const char *ikev2_tunnel_state_name(enum ikev2_tunnel_state s);

/* Internal to the runtime*.c files. */
void ikev2_rt_tunnels_poll(uint64_t now, uint64_t *next_ms);
void ikev2_rt_tunnels_reset_backoff(void);
void ikev2_rt_tunnels_forget(void);
void ikev2_rt_count_initiation(void);
void ikev2_rt_tunnels_note_event(uint64_t ike_id, int ev);

#endif
