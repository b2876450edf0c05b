/*
 * The live IKEv2 runtime: engine + sockets + configuration glue +
 * recording data plane (see ikev2/runtime.h, docs/ikev2-runtime.md).
 */
#include "ikev2/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2/config.h"
#include "ikev2/runtime_authz.h"
#include "ikev2/runtime_dataplane.h"
#include "ikev2/runtime_glue.h"
#include "ikev2/runtime_kernel.h"
#include "ikev2/runtime_session.h"
#include "ikev2/runtime_socket.h"
#include "ipsec/dataplane.h"
#include "lib/evloop.h"
#include "lib/log.h"

struct session_ent {
	struct ipsec_addr local, remote;	/* ports ignored */
	uint32_t id;
	struct session_ent *next;
};

static struct {
	bool running;
	struct ikev2_engine *e;
	struct record_backend rb;
	struct ipsec_backend be;	/* in use: &rb.be or a registered one */
	bool recording;
	bool userspace;		/* ikev2/runtime_dataplane.c carries the traffic */
	bool kernel;		/* ikev2/runtime_kernel.c: the kernel XFRM does */
	struct ikev2_runtime_env env;
	bool sockets;
	void *poll_timer;
	uint64_t poll_due;
	bool in_poll;
	bool stopping;		/* ikev2_runtime_shutdown(): no new SAs */
	struct ikev2_runtime_stats stats;
	struct session_ent *sessions;
	uint32_t next_session;
} rt;

static struct ipsec_backend registered;
static bool start_failed;	/* autostart could not open the sockets */

const char *ikev2_runtime_not_running_why(void)
{
	if (rt.running)
		return NULL;
	if (dataplane_kind() == DATAPLANE_NONE)
		return "offline: no sockets";
	return start_failed ? "UDP port 500 could not be opened" : "not started yet";
}

void ikev2_runtime_register_backend(const struct ipsec_backend *be)
{
	if (be)
		registered = *be;
	else
		memset(&registered, 0, sizeof(registered));
}

/* ------------------------------------------------------------ clock */

uint64_t ikev2_runtime_now_ms(void)
{
	return rt.env.now_ms ? rt.env.now_ms(rt.env.ctx) : ev_now_ms();
}

static uint64_t rb_now(void *ctx)
{
	(void)ctx;
	return ikev2_runtime_now_ms();
}

static void *rt_timer_add(uint64_t ms, ikev2_timer_cb cb, void *arg)
{
	if (rt.env.timer_add)
		return rt.env.timer_add(rt.env.ctx, ms, cb, arg);
	return ev_timer_add(ms, cb, arg);
}

static void rt_timer_cancel(void *t)
{
	if (!t)
		return;
	if (rt.env.timer_cancel)
		rt.env.timer_cancel(rt.env.ctx, t);
	else
		ev_timer_cancel(t);
}

/* ------------------------------------------------------------ polling */

static void poll_fire(void *arg)
{
	(void)arg;
	rt.poll_timer = NULL;
	ikev2_runtime_poll();
}

/* Run the tunnel re-check in ms (sooner wins). */
static void schedule_poll(uint64_t ms)
{
	if (!rt.running || rt.env.manual_poll || rt.stopping)
		return;
	uint64_t due = ikev2_runtime_now_ms() + ms;
	if (rt.poll_timer) {
		if (rt.poll_due <= due)
			return;
		rt_timer_cancel(rt.poll_timer);
		rt.poll_timer = NULL;
	}
	rt.poll_due = due;
	rt.poll_timer = rt_timer_add(ms, poll_fire, NULL);
}

void ikev2_runtime_config_changed(void)
{
	schedule_poll(0);
}

static void sessions_gc(void);

void ikev2_runtime_poll(void)
{
	if (!rt.running || rt.in_poll || rt.stopping)
		return;
	rt.in_poll = true;
	uint64_t next = 1000;
	ikev2_rt_tunnels_poll(ikev2_runtime_now_ms(), &next);
	if (rt.userspace)
		ikev2_rt_dp_sync();
	if (rt.kernel)
		ikev2_rt_kernel_sync();
	sessions_gc();
	rt.in_poll = false;
	if (next < 10)
		next = 10;
	if (next > 1000)
		next = 1000;
	schedule_poll(next);
}

/* ------------------------------------------------------------ engine ops */

static int op_send(void *ctx, const struct ipsec_addr *local, const struct ipsec_addr *remote,
		   const uint8_t *data, size_t len)
{
	(void)ctx;
	if (rt.env.send)
		return rt.env.send(rt.env.ctx, local, remote, data, len);
	int rc = ikev2_socket_send(local, remote, data, len);
	if (rc != 0 && (ikev2_debug_error.on || ikev2_debug_default.on)) {
		char l[64], r[64];
		log_debug("IKEv2-ERROR:Sending from %s:%u to %s:%u failed: %s",
			  ikev2_addr_str(local, l, sizeof(l)), local->port,
			  ikev2_addr_str(remote, r, sizeof(r)), remote->port, strerror(-rc));
	}
	return rc;
}

static void op_keepalive(void *ctx, const struct ipsec_addr *local,
			 const struct ipsec_addr *remote)
{
	(void)ctx;
	if (rt.env.keepalive)
		rt.env.keepalive(rt.env.ctx, local, remote);
	else if (!rt.env.send)
		ikev2_socket_keepalive(local, remote);
}

static int op_lookup(void *ctx, const struct ipsec_addr *local, const struct ipsec_addr *remote,
		     const struct ikev2_id *remote_id, struct ikev2_peer_config *out)
{
	(void)ctx;
	char why[256];
	int rc = ikev2_glue_lookup_peer(local, remote, remote_id, out, why, sizeof(why));
	if (!remote_id) {
		rt.stats.in_requests++;
		if (rc == 0)
			rt.stats.in_accepted++;
		else
			rt.stats.in_rejected++;
	}
	if (rc != 0 && (ikev2_debug_error.on || ikev2_debug_default.on)) {
		char a[64];
		log_debug("IKEv2-ERROR:%s: %s", ikev2_addr_str(remote, a, sizeof(a)), why);
	}
	return rc;
}

static uint64_t op_now(void *ctx)
{
	(void)ctx;
	return rt.env.now_ms(rt.env.ctx);
}

static void *op_timer_add(void *ctx, uint64_t ms, ikev2_timer_cb cb, void *arg)
{
	(void)ctx;
	return rt.env.timer_add(rt.env.ctx, ms, cb, arg);
}

static void op_timer_cancel(void *ctx, void *t)
{
	(void)ctx;
	rt.env.timer_cancel(rt.env.ctx, t);
}

/* %CRYPTO-5-IKEV2_SESSION_STATUS, as IOS logs a crypto session going up
 * or down. */
static void session_log(const struct ikev2_ike_info *info, bool up)
{
	char a[64], id[IKEV2_ID_MAX * 2 + 8];
	log_msg(LOG_SEV_NOTICE, "CRYPTO", "IKEV2_SESSION_STATUS",
		"Crypto tunnel v2 is %s.  Peer %s:%u       Id: %s", up ? "UP" : "DOWN",
		ikev2_addr_str(&info->remote, a, sizeof(a)), info->remote.port,
		info->remote_id.type ? ikev2_glue_id_str(&info->remote_id, id, sizeof(id)) : a);
}

static void op_ike_event(void *ctx, const struct ikev2_ike_info *info, enum ikev2_event ev)
{
	(void)ctx;
	switch (ev) {
	case IKEV2_EV_UP:
		rt.stats.sa_up++;
		if (info->initiator)
			rt.stats.out_accepted++;
		session_log(info, true);
		break;
	case IKEV2_EV_DOWN:
	case IKEV2_EV_PEER_DEAD:
		rt.stats.sa_down++;
		if (info->established_ms)
			session_log(info, false);
		break;
	case IKEV2_EV_AUTH_FAILED:
		rt.stats.auth_failed++;
		if (info->initiator && info->established_ms == 0)
			rt.stats.out_rejected++;
		break;
	case IKEV2_EV_FAILED:
		if (info->initiator)
			rt.stats.out_rejected++;
		break;
	default:
		break;
	}
	if (ev == IKEV2_EV_FAILED || ev == IKEV2_EV_AUTH_FAILED || ev == IKEV2_EV_PEER_DEAD)
		ikev2_rt_tunnels_note_event(info->id, (int)ev);
	ikev2_rt_authz_ike_event(info, ev);
	ikev2_rt_client_ike_event(info, ev);
	/* the tunnels look at the change from the event loop, not from
	 * inside the engine */
	schedule_poll(0);
}

static int op_authorize(void *ctx, const struct ikev2_ike_info *info, const struct ikev2_cp *req,
			struct ikev2_cp *reply)
{
	(void)ctx;
	return ikev2_rt_authorize(info, req, reply);
}

static int op_cp_received(void *ctx, const struct ikev2_ike_info *info, const struct ikev2_cp *cp)
{
	(void)ctx;
	return ikev2_rt_cp_received(info, cp);
}

static int op_cp_informational(void *ctx, const struct ikev2_ike_info *info,
			       const struct ikev2_cp *req, struct ikev2_cp *reply)
{
	(void)ctx;
	return ikev2_rt_cp_informational(info, req, reply);
}

static void op_child_event(void *ctx, const struct ikev2_child_info *info, enum ikev2_event ev)
{
	(void)ctx;
	(void)info;
	(void)ev;
	schedule_poll(0);
}

void ikev2_rt_count_initiation(void)
{
	rt.stats.out_requests++;
}

/* ------------------------------------------------------------ lifecycle */

static void settings_from_config(struct ikev2_engine_settings *s)
{
	ikev2_engine_settings_default(s);
	const struct ikev2_global *g = ikev2_global();
	if (g->cookie_challenge > 0)
		s->cookie_threshold = (uint32_t)g->cookie_challenge;
	if (g->limit_max_sa > 0)
		s->max_sa = (uint32_t)g->limit_max_sa;
	if (g->limit_max_neg_in > 0)
		s->max_half_open = (uint32_t)g->limit_max_neg_in;
	else if (g->limit_max_neg > 0)
		s->max_half_open = (uint32_t)g->limit_max_neg;
}

int ikev2_runtime_start(const struct ikev2_runtime_env *env)
{
	if (rt.running)
		return 0;
	memset(&rt.env, 0, sizeof(rt.env));
	if (env)
		rt.env = *env;
	bool clock = rt.env.now_ms && rt.env.timer_add && rt.env.timer_cancel;
	if (!clock)
		rt.env.now_ms = NULL, rt.env.timer_add = NULL, rt.env.timer_cancel = NULL;
	struct ikev2_engine_ops ops = {
		.send = op_send,
		.lookup_peer = op_lookup,
		.now_ms = clock ? op_now : NULL,
		.timer_add = clock ? op_timer_add : NULL,
		.timer_cancel = clock ? op_timer_cancel : NULL,
		.keepalive = op_keepalive,
		.ike_event = op_ike_event,
		.child_event = op_child_event,
		.authorize = op_authorize,
		.cp_received = op_cp_received,
		.cp_informational = op_cp_informational,
	};
	struct ikev2_engine_settings set;
	if (rt.env.settings)
		set = *rt.env.settings;
	else
		settings_from_config(&set);
	record_backend_init(&rt.rb);
	rt.rb.now_ms = rb_now;
	if (rt.env.backend && rt.env.backend->ops)
		rt.be = *rt.env.backend;
	else if (registered.ops)
		rt.be = registered;
	else if (!rt.env.send && dataplane_kind() == DATAPLANE_USERSPACE &&
		 ikev2_rt_dp_start(&rt.be) == 0)
		rt.userspace = true;	/* the live userspace data plane */
	else if (!rt.env.send && dataplane_kind() == DATAPLANE_KERNEL &&
		 ikev2_rt_kernel_start(&rt.be) == 0)
		rt.kernel = true;	/* the kernel XFRM data plane */
	else
		rt.be = rt.rb.be;
	rt.recording = rt.be.ops == rt.rb.be.ops && rt.be.ctx == rt.rb.be.ctx;
	rt.e = ikev2_engine_new(&ops, NULL, &rt.be, &set);
	if (!rt.e) {
		if (rt.userspace)
			ikev2_rt_dp_stop();
		if (rt.kernel)
			ikev2_rt_kernel_stop();
		rt.userspace = rt.kernel = false;
		return -1;
	}
	rt.sockets = false;
	if (!rt.env.send) {
		if (ikev2_socket_open() == 0) {
			ikev2_engine_free(rt.e);
			rt.e = NULL;
			record_backend_free(&rt.rb);
			if (rt.userspace)
				ikev2_rt_dp_stop();
			if (rt.kernel)
				ikev2_rt_kernel_stop();
			rt.userspace = rt.kernel = false;
			return -1;
		}
		rt.sockets = true;
	}
	memset(&rt.stats, 0, sizeof(rt.stats));
	rt.running = true;
	rt.poll_timer = NULL;
	if (rt.userspace)
		ikev2_rt_dp_attach();
	if (rt.kernel)
		ikev2_rt_kernel_attach();
	schedule_poll(0);
	return 0;
}

static void sessions_free(void)
{
	while (rt.sessions) {
		struct session_ent *s = rt.sessions;
		rt.sessions = s->next;
		free(s);
	}
}

void ikev2_runtime_stop(void)
{
	if (!rt.running)
		return;
	rt_timer_cancel(rt.poll_timer);
	rt.poll_timer = NULL;
	rt.running = false;
	ikev2_engine_free(rt.e);
	rt.e = NULL;
	ikev2_fv_reset();	/* FlexVPN sessions: addresses, routes, Virtual-Access */
	ikev2_rt_tunnels_forget();
	if (rt.userspace)
		ikev2_rt_dp_stop();	/* after the engine removed its SAs */
	if (rt.kernel)
		ikev2_rt_kernel_stop();
	rt.userspace = rt.kernel = false;
	record_backend_free(&rt.rb);
	if (rt.sockets)
		ikev2_socket_close();
	rt.sockets = false;
	sessions_free();
	memset(&rt.env, 0, sizeof(rt.env));
	rt.stopping = false;
}

/* ------------------------------------------------------------ shutdown */

struct ids {
	uint64_t *v;
	unsigned n, cap;
};

static void ids_cb(void *arg, const struct ikev2_ike_info *info)
{
	struct ids *ids = arg;
	if (ids->n == ids->cap) {
		unsigned cap = ids->cap ? ids->cap * 2 : 64;
		uint64_t *v = realloc(ids->v, cap * sizeof(*v));
		if (!v)
			return;
		ids->v = v;
		ids->cap = cap;
	}
	ids->v[ids->n++] = info->id;
}

static uint64_t drain_deadline;
static struct ev_timer *drain_timer;

/* While draining: stop the nested event loop once every IKE SA is gone
 * (answered Deletes) or the time is up. */
static void drain_check(void *arg)
{
	(void)arg;
	drain_timer = NULL;
	if (ikev2_engine_ike_count(rt.e) == 0 || ev_now_ms() >= drain_deadline)
		ev_stop();
	else
		drain_timer = ev_timer_add(10, drain_check, NULL);
}

void ikev2_runtime_shutdown(unsigned max_wait_ms)
{
	if (!rt.running)
		return;
	/* no tunnel re-initiates what we delete, no new IKE_SA_INIT is taken */
	rt.stopping = true;
	rt_timer_cancel(rt.poll_timer);
	rt.poll_timer = NULL;
	struct ids ids = {0};
	ikev2_engine_foreach_ike(rt.e, ids_cb, &ids);
	for (unsigned i = 0; i < ids.n; i++)
		ikev2_engine_delete_ike(rt.e, ids.v[i]);	/* sends a Delete when established */
	free(ids.v);
	/* best effort: wait (bounded) for the peers' answers on the live loop;
	 * tests with their own clock get no wait */
	if (!rt.env.timer_add && max_wait_ms && ikev2_engine_ike_count(rt.e)) {
		drain_deadline = ev_now_ms() + max_wait_ms;
		drain_timer = ev_timer_add(10, drain_check, NULL);
		ev_run();	/* until drain_check() or a signal stops it */
		if (drain_timer)
			ev_timer_cancel(drain_timer);
		drain_timer = NULL;
	}
	ikev2_runtime_stop();
}

bool ikev2_runtime_running(void) { return rt.running; }
struct ikev2_engine *ikev2_runtime_engine(void) { return rt.running ? rt.e : NULL; }
struct record_backend *ikev2_runtime_backend(void)
{
	return rt.running && rt.recording ? &rt.rb : NULL;
}

const char *ikev2_runtime_backend_name(void)
{
	if (!rt.running)
		return NULL;
	return rt.be.ops && rt.be.ops->name ? rt.be.ops->name : "?";
}

void ikev2_runtime_autostart(void)
{
	if (rt.running || dataplane_kind() == DATAPLANE_NONE)
		return;
	if (ikev2_runtime_start(NULL) != 0) {
		start_failed = true; /* the socket layer logged why */
		return;
	}
	start_failed = false;
	if (rt.recording)
		log_msg(LOG_SEV_NOTICE, "IKEV2", "DATAPLANE",
			"IKEv2 started; CHILD SAs are negotiated and recorded, but the %s data "
			"plane does not forward traffic yet",
			dataplane_kind() == DATAPLANE_KERNEL ? "kernel" : "userspace");
	else
		log_msg(LOG_SEV_NOTICE, "IKEV2", "DATAPLANE", "IKEv2 started; data plane %s",
			ikev2_runtime_backend_name());
}

static void autostart_fire(void *arg)
{
	(void)arg;
	ikev2_runtime_autostart();
}

/* Queued before main(): runs once ev_run() starts, i.e. after the
 * startup-config was applied.  Programs that never run the event loop
 * (ikesh -c, --check, unit tests) never start the runtime this way. */
__attribute__((constructor)) static void ikev2_runtime_queue_autostart(void)
{
	ev_timer_add(0, autostart_fire, NULL);
}

/* ------------------------------------------------------------ input */

void ikev2_runtime_input(const struct ipsec_addr *local, const struct ipsec_addr *remote,
			 const uint8_t *data, size_t len)
{
	if (!rt.running)
		return;
	static const uint8_t zero[8];
	/* shutting down: no new IKE SAs (a zero responder SPI is IKE_SA_INIT) */
	if (rt.stopping && len >= 16 && memcmp(data + 8, zero, 8) == 0)
		return;
	ikev2_engine_input(rt.e, local, remote, data, len);
}

/* ------------------------------------------------------------ clear */

struct clear_ctx {
	const struct ipsec_addr *local, *remote;
	uint64_t ids[512];
	unsigned n;
};

static void clear_cb(void *arg, const struct ikev2_ike_info *info)
{
	struct clear_ctx *c = arg;
	if (c->local && !ipsec_addr_eq(c->local, &info->local))
		return;
	if (c->remote && !ipsec_addr_eq(c->remote, &info->remote))
		return;
	if (c->n < sizeof(c->ids) / sizeof(c->ids[0]))
		c->ids[c->n++] = info->id;
}

unsigned ikev2_runtime_clear(const struct ipsec_addr *local, const struct ipsec_addr *remote)
{
	if (!rt.running)
		return 0;
	struct clear_ctx c;
	memset(&c, 0, sizeof(c));
	c.local = local;
	c.remote = remote;
	ikev2_engine_foreach_ike(rt.e, clear_cb, &c);
	unsigned n = 0;
	for (unsigned i = 0; i < c.n; i++)
		if (ikev2_engine_delete_ike(rt.e, c.ids[i]) == 0)
			n++;
	ikev2_rt_tunnels_reset_backoff();
	schedule_poll(0);
	return n;
}

/* ------------------------------------------------------------ stats */

void ikev2_runtime_get_stats(struct ikev2_runtime_stats *out)
{
	*out = rt.stats;
}

/* ------------------------------------------------------------ sessions */

uint32_t ikev2_runtime_session_id(const struct ipsec_addr *local, const struct ipsec_addr *remote)
{
	for (struct session_ent *s = rt.sessions; s; s = s->next)
		if (ipsec_addr_eq(&s->local, local) && ipsec_addr_eq(&s->remote, remote))
			return s->id;
	struct session_ent *s = calloc(1, sizeof(*s));
	if (!s)
		return 0;
	s->local = *local;
	s->remote = *remote;
	s->id = ++rt.next_session;
	s->next = rt.sessions;
	rt.sessions = s;
	return s->id;
}

struct gc_ctx {
	const struct session_ent *s;
	bool used;
};

static void gc_cb(void *arg, const struct ikev2_ike_info *info)
{
	struct gc_ctx *g = arg;
	if (ipsec_addr_eq(&g->s->local, &info->local) &&
	    ipsec_addr_eq(&g->s->remote, &info->remote))
		g->used = true;
}

static void sessions_gc(void)
{
	struct session_ent **pp = &rt.sessions;
	while (*pp) {
		struct gc_ctx g = {*pp, false};
		ikev2_engine_foreach_ike(rt.e, gc_cb, &g);
		if (g.used) {
			pp = &(*pp)->next;
		} else {
			struct session_ent *s = *pp;
			*pp = s->next;
			free(s);
		}
	}
}
