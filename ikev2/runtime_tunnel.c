/*
 * Tunnel interfaces at runtime: every "interface Tunnel N" that is not
 * shut down, runs "tunnel mode ipsec ipv4" (sVTI) or GRE/IP, has a tunnel
 * source and an IPv4 destination and "tunnel protection ipsec profile P"
 * gets an IKE SA with a CHILD_SA to its destination.
 *
 * ikev2_rt_tunnels_poll() runs about once a second and right after every
 * engine event (from the event loop, never inside the engine):
 *   - an IKE SA between the tunnel's source and destination (initiated by
 *     us or by the peer) that is established with a CHILD_SA installed
 *     makes the tunnel UP and its line protocol up;
 *   - without one (and none being negotiated) we initiate, after a random
 *     delay of up to 0.4 s for a new tunnel (so that two routers starting
 *     together rarely collide) and with back-off after failures (1 s,
 *     doubling, at most 60 s);
 *   - when both sides initiated and two IKE SAs came up, the one started
 *     by the peer with the lower address stays: the router with the
 *     higher address deletes the one it initiated;
 *   - a configuration change of the tunnel (source, destination, IPsec
 *     profile, mode) or "shutdown" deletes the IKE SA we started for it;
 *     an IKE SA that is up without a CHILD_SA for 10 s is deleted and the
 *     tunnel tries again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flexvpn/client_runtime.h"
#include "ikev2/crypto.h"
#include "ikev2/runtime.h"
#include "ikev2/runtime_cp_client.h"
#include "ikev2/runtime_glue.h"
#include "lib/log.h"
#include "tunnel/tunnel.h"

#define BACKOFF_MAX_MS 60000
#define FIRST_JITTER_MS 400
#define NO_CHILD_GRACE_MS 10000

struct rt_tun {
	char ifname[48];
	bool seen;
	enum ikev2_tunnel_state state;
	bool have_key;
	struct ikev2_glue_tunnel key;
	char why[160];
	char logged_why[160];
	uint64_t ike_id;	/* the IKE SA carrying (or negotiating for) the tunnel */
	bool ours;		/* we initiated ike_id */
	bool ike_was_up;
	int last_ev;		/* last failure event of ike_id, -1 none */
	unsigned failures;
	uint64_t next_try;
	bool line_set, line_up;
	bool dynamic;		/* tunnel destination dynamic: a FlexVPN client's peer */
	unsigned client_gen;	/* the client's connect/clear generation we follow */
	struct rt_tun *next;
};

static struct rt_tun *tuns;

/* Failure events of IKE SAs, reported by runtime.c, for the "why". */
struct ev_note {
	uint64_t id;
	int ev;
};
static struct ev_note notes[16];
static unsigned note_pos;

void ikev2_rt_tunnels_note_event(uint64_t ike_id, int ev)
{
	notes[note_pos % 16] = (struct ev_note){ike_id, ev};
	note_pos++;
}

static int note_for(uint64_t id)
{
	for (unsigned i = 0; i < 16; i++)
		if (notes[i].id == id)
			return notes[i].ev;
	return -1;
}

const char *ikev2_tunnel_state_name(enum ikev2_tunnel_state s)
{
	switch (s) {
	case IKEV2_TUN_NONE: return "none";
	case IKEV2_TUN_DOWN: return "down";
	case IKEV2_TUN_CONNECTING: return "connecting";
	case IKEV2_TUN_WAITING: return "waiting";
	case IKEV2_TUN_UP: return "up";
	}
	return "?";
}

static struct rt_tun *find(const char *name)
{
	for (struct rt_tun *t = tuns; t; t = t->next)
		if (strcmp(t->ifname, name) == 0)
			return t;
	return NULL;
}

static bool key_eq(const struct ikev2_glue_tunnel *a, const struct ikev2_glue_tunnel *b)
{
	return ipsec_addr_eq(&a->local, &b->local) && ipsec_addr_eq(&a->remote, &b->remote) &&
	       strcmp(a->ipsec_profile, b->ipsec_profile) == 0 && a->kind == b->kind;
}

static uint64_t jitter_ms(void)
{
	uint16_t r = 0;
	crypto_random(&r, sizeof(r));
	return r % FIRST_JITTER_MS;
}

/* 1 s, doubling, at most 60 s, plus up to 0.4 s so that two routers that
 * lost their SA together do not start again at the same moment. */
static uint64_t backoff_ms(unsigned failures)
{
	if (failures == 0)
		return 0;
	unsigned sh = failures - 1 > 6 ? 6 : failures - 1;
	uint64_t ms = 1000ull << sh;
	return (ms > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : ms) + jitter_ms();
}

static void set_line(struct rt_tun *t, bool up)
{
	/* the interface may have been re-created since: compare with it */
	const struct tunnel_ifconf *ifc = tunnel_if_find(t->ifname);
	bool was = t->line_set && t->line_up;
	t->line_set = true;
	t->line_up = up;
	if (ifc && ifc->line_up != up)
		tunnel_if_set_line_protocol(t->ifname, up);
	if (was != up)
		log_msg(LOG_SEV_NOTICE, "LINEPROTO", "UPDOWN",
			"Line protocol on Interface %s, changed state to %s", t->ifname,
			up ? "up" : "down");
}

/* Log a reason once (until it changes). */
static void note_why(struct rt_tun *t)
{
	if (!t->why[0] || strcmp(t->why, t->logged_why) == 0)
		return;
	snprintf(t->logged_why, sizeof(t->logged_why), "%s", t->why);
	log_msg(LOG_SEV_WARNING, "IKEV2", "TUNNEL", "%s: cannot bring the IKEv2 SA up: %s",
		t->ifname, t->why);
}

/* ------------------------------------------------------------ SA snapshot */

struct snap_sa {
	struct ikev2_ike_info info;
	unsigned children_up;
};

struct snap {
	struct snap_sa *v;
	unsigned n, cap;
};

static void snap_cb(void *arg, const struct ikev2_ike_info *info)
{
	struct snap *s = arg;
	if (s->n == s->cap) {
		unsigned cap = s->cap ? s->cap * 2 : 16;
		struct snap_sa *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return;
		s->v = v;
		s->cap = cap;
	}
	memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
	s->v[s->n++].info = *info;
}

static void child_cb(void *arg, const struct ikev2_child_info *c)
{
	unsigned *n = arg;
	if (c->state == IKEV2_CHILD_INSTALLED || c->state == IKEV2_CHILD_REKEYING)
		(*n)++;
}

static bool sa_live(const struct ikev2_ike_info *i)
{
	return i->state != IKEV2_IKE_REKEYED && i->state != IKEV2_IKE_DELETING &&
	       i->state != IKEV2_IKE_DEAD;
}

static bool sa_established(const struct ikev2_ike_info *i)
{
	return i->state == IKEV2_IKE_ESTABLISHED || i->state == IKEV2_IKE_REKEYING;
}

/* ------------------------------------------------------------ one tunnel */

/* The tunnel no longer wants its IKE SA (shut down, changed, removed):
 * delete it, whoever started it, as IOS tears the crypto session down. */
static void drop_sa(struct ikev2_engine *e, struct rt_tun *t)
{
	if (t->ike_id && e)
		ikev2_engine_delete_ike(e, t->ike_id);
	t->ike_id = 0;
	t->ours = false;
	t->ike_was_up = false;
}

/* ------------------------------------------------------------ FlexVPN client */

/* A dynamic tunnel's SA failed or went down: its client moves on to the
 * next peer (a peer that stopped answering DPD included). */
static void client_failed(struct rt_tun *t, uint64_t now, bool was_up, int ev)
{
	struct fvc *c = flexvpn_client_rt_for_tunnel(t->ifname);
	if (!c)
		return;
	char why[160];
	char peer[48];
	ikev2_addr_str(&t->key.remote, peer, sizeof(peer));
	if (ev == IKEV2_EV_PEER_DEAD)
		snprintf(why, sizeof(why), "peer %s stopped answering (DPD)", peer);
	else if (was_up)
		snprintf(why, sizeof(why), "the IKE SA with %s went down", peer);
	else
		snprintf(why, sizeof(why), "negotiation with %s failed%s%s", peer,
			 ev >= 0 ? ": " : "", ev >= 0 ? ikev2_event_name((enum ikev2_event)ev) : "");
	fvc_failed(c, now, was_up, why);
}

/* The key of a tunnel with "tunnel destination dynamic": the current peer
 * of the FlexVPN client that connects it.  0 with *k; 2 the client waits
 * (manual and not connected, or retry back-off; why says so); -1 not
 * usable (why). */
static int dynamic_key(struct ikev2_engine *e, struct rt_tun *t, const struct tunnel_ifconf *ifc,
		       uint64_t now, struct ikev2_glue_tunnel *k, char *why, size_t whylen)
{
	struct fvc *c = flexvpn_client_rt_for_tunnel(ifc->name);
	if (!c) {
		snprintf(why, whylen, "tunnel destination dynamic without a FlexVPN client "
			 "(\"client connect %s\")", ifc->name);
		return -1;
	}
	if (t->client_gen != c->gen) {
		/* connect / clear: whatever SA we had goes */
		t->client_gen = c->gen;
		drop_sa(e, t);
		t->failures = 0;
		t->next_try = now;
	}
	struct in_addr a;
	int rc = flexvpn_client_rt_select(c, now, &a);
	if (rc < 0) {
		snprintf(why, whylen, "FlexVPN client %.40s: %.90s", c->name, c->why);
		return -1;
	}
	if (rc > 0) {
		if (c->state == FVC_DISCONNECTED)
			snprintf(why, whylen, "FlexVPN client %.40s is not connected%s%.80s",
				 c->name, c->why[0] ? ": " : "", c->why);
		else
			snprintf(why, whylen, "FlexVPN client %.40s: %.90s", c->name,
				 c->why[0] ? c->why : "waiting");
		t->next_try = c->next_try_ms;
		return 2;
	}
	struct tunnel_ifconf *copy = malloc(sizeof(*copy));
	if (!copy)
		return -1;
	*copy = *ifc;
	copy->dst.kind = TUNNEL_EP_IPV4;
	copy->dst.v4 = a;
	rc = ikev2_glue_tunnel_from_if(copy, k, why, whylen);
	free(copy);
	return rc;
}

/* Tell the client when its tunnel is up. */
static void client_note_up(struct rt_tun *t, uint64_t now)
{
	struct fvc *c = flexvpn_client_rt_for_tunnel(t->ifname);
	if (c && t->state == IKEV2_TUN_UP && (c->state != FVC_ACTIVE || c->ike_id != t->ike_id))
		fvc_up(c, now, t->ike_id);
}

/* The CP of our IKE_AUTH for this tunnel (FlexVPN client or "ip address
 * negotiated"); true when its IKE SA is remembered so that the reply (and
 * the CFG_SET sent after IKE_AUTH) find the tunnel. */
static bool add_cp(struct rt_tun *t, struct ikev2_peer_config *cfg)
{
	const struct tunnel_ifconf *ifc = tunnel_if_find(t->ifname);
	return ifc && ikev2_rt_cp_client_build(ifc, cfg->ike.name, &cfg->cp_out) == 0;
}

static void lost_sa(struct rt_tun *t, uint64_t now)
{
	/* the IKE SA we followed is gone */
	int ev = t->last_ev >= 0 ? t->last_ev : note_for(t->ike_id);
	if (t->ike_was_up) {
		t->failures = 1;
		snprintf(t->why, sizeof(t->why), "IKE SA went down");
	} else {
		t->failures++;
		snprintf(t->why, sizeof(t->why), "IKE SA negotiation failed%s%s",
			 ev >= 0 ? ": " : "", ev >= 0 ? ikev2_event_name((enum ikev2_event)ev) : "");
	}
	if (t->dynamic)
		client_failed(t, now, t->ike_was_up, ev);
	t->ike_id = 0;
	t->ours = false;
	t->ike_was_up = false;
	t->last_ev = -1;
	t->next_try = now + backoff_ms(t->failures);
}

static void try_initiate(struct ikev2_engine *e, struct rt_tun *t, uint64_t now)
{
	struct ikev2_peer_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return;
	char why[160];
	int rc = ikev2_glue_initiator_config(&t->key, cfg, why, sizeof(why));
	if (rc == 1) { /* responder-only */
		t->state = IKEV2_TUN_WAITING;
		snprintf(t->why, sizeof(t->why), "%s", why);
		free(cfg);
		return;
	}
	if (rc != 0) {
		t->state = IKEV2_TUN_DOWN;
		snprintf(t->why, sizeof(t->why), "%s", why);
		note_why(t);
		free(cfg);
		return;
	}
	bool with_cp = add_cp(t, cfg);
	uint64_t id = ikev2_engine_initiate(e, cfg, &t->key.local, &t->key.remote);
	crypto_wipe(cfg, sizeof(*cfg));
	free(cfg);
	if (id && with_cp)
		ikev2_rt_cp_client_expect(id, t->ifname);
	if (!id) {
		t->state = IKEV2_TUN_DOWN;
		snprintf(t->why, sizeof(t->why), "the IKEv2 engine refused the configuration");
		note_why(t);
		return;
	}
	ikev2_rt_count_initiation();
	t->ike_id = id;
	t->ours = true;
	t->ike_was_up = false;
	t->last_ev = -1;
	t->state = IKEV2_TUN_CONNECTING;
	t->logged_why[0] = 0;
	(void)now;
}

static void poll_one(struct ikev2_engine *e, struct rt_tun *t, struct snap *s, uint64_t now,
		     uint64_t *next_ms)
{
	const struct ikev2_glue_tunnel *k = &t->key;
	struct snap_sa *up = NULL, *live = NULL, *tracked = NULL;
	unsigned n_up = 0;
	bool peer_up = false;
	for (unsigned i = 0; i < s->n; i++) {
		struct snap_sa *x = &s->v[i];
		if (!ipsec_addr_eq(&x->info.local, &k->local) ||
		    !ipsec_addr_eq(&x->info.remote, &k->remote))
			continue;
		if (x->info.id == t->ike_id)
			tracked = x;
		if (!sa_live(&x->info))
			continue;
		if (sa_established(&x->info)) {
			x->children_up = 0;
			ikev2_engine_foreach_child(e, x->info.id, child_cb, &x->children_up);
		}
		if (sa_established(&x->info) && x->children_up) {
			n_up++;
			if (!x->info.initiator)
				peer_up = true;
			if (!up || x->info.id == t->ike_id)
				up = x;
		} else if (!live || x->info.id == t->ike_id) {
			live = x;
		}
	}
	if (t->ike_id && (!tracked || !sa_live(&tracked->info))) {
		if (!up && !live)
			lost_sa(t, now);
		else
			t->ike_id = 0; /* another SA carries the tunnel now */
	}
	if (up) {
		t->state = IKEV2_TUN_UP;
		t->ike_id = up->info.id;
		t->ours = up->info.initiator;
		t->ike_was_up = true;
		t->failures = 0;
		t->why[0] = 0;
		t->logged_why[0] = 0;
		/* duplicate IKE SAs (both sides initiated): the higher address
		 * deletes the ones it initiated, the peer's stays */
		bool higher = memcmp(k->local.ip, k->remote.ip, k->local.family == 6 ? 16 : 4) > 0;
		if (n_up > 1 && higher && peer_up) {
			for (unsigned i = 0; i < s->n; i++) {
				struct snap_sa *x = &s->v[i];
				if (ipsec_addr_eq(&x->info.local, &k->local) &&
				    ipsec_addr_eq(&x->info.remote, &k->remote) &&
				    sa_live(&x->info) &&
				    sa_established(&x->info) && x->children_up && x->info.initiator) {
					ikev2_engine_delete_ike(e, x->info.id);
					x->info.state = IKEV2_IKE_DELETING;
					if (t->ike_id == x->info.id)
						t->ike_id = 0;
				}
			}
			for (unsigned i = 0; i < s->n && !t->ike_id; i++) {
				struct snap_sa *x = &s->v[i];
				if (ipsec_addr_eq(&x->info.local, &k->local) &&
				    ipsec_addr_eq(&x->info.remote, &k->remote) &&
				    sa_live(&x->info) &&
				    x->children_up && !x->info.initiator) {
					t->ike_id = x->info.id;
					t->ours = false;
				}
			}
		}
		set_line(t, true);
		return;
	}
	set_line(t, false);
	if (live) {
		t->state = IKEV2_TUN_CONNECTING;
		t->ike_id = live->info.id;
		t->ours = live->info.initiator;
		if (sa_established(&live->info)) {
			t->ike_was_up = false; /* no CHILD_SA: not really up */
			uint64_t since = live->info.established_ms;
			if (since && now >= since + NO_CHILD_GRACE_MS) {
				ikev2_engine_delete_ike(e, live->info.id);
				if (t->dynamic)
					client_failed(t, now, false, IKEV2_EV_FAILED);
				t->ike_id = 0;
				t->failures++;
				t->next_try = now + backoff_ms(t->failures);
				t->state = IKEV2_TUN_WAITING;
				snprintf(t->why, sizeof(t->why),
					 "IKE SA up but no CHILD SA (proposals or selectors rejected)");
				note_why(t);
			} else if (since) {
				uint64_t left = since + NO_CHILD_GRACE_MS - now;
				if (left < *next_ms)
					*next_ms = left;
			}
		}
		return;
	}
	if (now < t->next_try) {
		t->state = t->failures ? IKEV2_TUN_WAITING : IKEV2_TUN_CONNECTING;
		if (t->failures)
			note_why(t);
		uint64_t left = t->next_try - now;
		if (left < *next_ms)
			*next_ms = left;
		return;
	}
	try_initiate(e, t, now);
}

/* ------------------------------------------------------------ the poll */

static void release(struct ikev2_engine *e, struct rt_tun *t)
{
	drop_sa(e, t);
	if (t->line_set && t->line_up)
		set_line(t, false);
}

void ikev2_rt_tunnels_poll(uint64_t now, uint64_t *next_ms)
{
	struct ikev2_engine *e = ikev2_runtime_engine();
	if (!e)
		return;
	struct snap s = {NULL, 0, 0};
	ikev2_engine_foreach_ike(e, snap_cb, &s);
	flexvpn_client_rt_sync(now);
	for (struct rt_tun *t = tuns; t; t = t->next)
		t->seen = false;
	int n = tunnel_if_count();
	for (int i = 0; i < n; i++) {
		const struct tunnel_ifconf *ifc = tunnel_if_at(i);
		if (!ifc || ifc->type != TUNNEL_IF_TUNNEL)
			continue;
		struct ikev2_glue_tunnel k;
		char why[160];
		bool dynamic = ifc->dst.kind == TUNNEL_EP_DYNAMIC && ifc->protection[0];
		int rc = dynamic ? 0 : ikev2_glue_tunnel_from_if(ifc, &k, why, sizeof(why));
		struct rt_tun *t = find(ifc->name);
		if (rc == 1)
			continue; /* not ours: swept below if we knew it */
		if (!t) {
			t = calloc(1, sizeof(*t));
			if (!t)
				continue;
			snprintf(t->ifname, sizeof(t->ifname), "%s", ifc->name);
			t->last_ev = -1;
			t->next_try = now + jitter_ms();
			t->next = tuns;
			tuns = t;
		}
		t->seen = true;
		t->dynamic = dynamic;
		if (dynamic) {
			rc = dynamic_key(e, t, ifc, now, &k, why, sizeof(why));
			if (rc == 2) {
				drop_sa(e, t);
				t->have_key = false;
				t->state = IKEV2_TUN_WAITING;
				snprintf(t->why, sizeof(t->why), "%s", why);
				set_line(t, false);
				uint64_t left = t->next_try > now ? t->next_try - now : 1000;
				if (left < *next_ms)
					*next_ms = left;
				continue;
			}
		}
		if (rc < 0) {
			drop_sa(e, t);
			t->have_key = false;
			t->state = IKEV2_TUN_DOWN;
			snprintf(t->why, sizeof(t->why), "%s", why);
			t->logged_why[0] = 0; /* a configuration state, not worth a log */
			set_line(t, false);
			continue;
		}
		if (t->have_key && !key_eq(&t->key, &k)) {
			drop_sa(e, t);
			t->failures = 0;
			t->next_try = now;
		}
		if (!t->have_key && (t->state == IKEV2_TUN_DOWN || t->dynamic))
			t->next_try = now; /* just became usable */
		t->key = k;
		t->have_key = true;
		poll_one(e, t, &s, now, next_ms);
		if (t->dynamic)
			client_note_up(t, now);
	}
	/* tunnels that are gone or no longer protected */
	for (struct rt_tun **pp = &tuns; *pp;) {
		struct rt_tun *t = *pp;
		if (t->seen) {
			pp = &t->next;
			continue;
		}
		release(e, t);
		*pp = t->next;
		free(t);
	}
	free(s.v);
}

void ikev2_rt_tunnels_reset_backoff(void)
{
	for (struct rt_tun *t = tuns; t; t = t->next) {
		t->failures = 0;
		t->next_try = 0;
	}
}

void ikev2_rt_tunnels_forget(void)
{
	ikev2_rt_cp_client_forget();
	while (tuns) {
		struct rt_tun *t = tuns;
		tuns = t->next;
		if (t->line_set && t->line_up)
			set_line(t, false);
		free(t);
	}
	memset(notes, 0, sizeof(notes));
}

/* ------------------------------------------------------------ queries */

int ikev2_tunnel_status(const char *ifname, struct ikev2_tunnel_status *out)
{
	memset(out, 0, sizeof(*out));
	char name[48];
	if (tunnel_ifname_normalize(ifname, name, sizeof(name)) != 0)
		snprintf(name, sizeof(name), "%s", ifname);
	const struct rt_tun *t = find(name);
	if (!t || !ikev2_runtime_running())
		return -1;
	out->state = t->state;
	snprintf(out->why, sizeof(out->why), "%s", t->why);
	out->ike_id = t->ike_id;
	out->failures = t->failures;
	out->next_try_ms = t->next_try;
	out->local = t->key.local;
	out->remote = t->key.remote;
	snprintf(out->ipsec_profile, sizeof(out->ipsec_profile), "%s", t->key.ipsec_profile);
	return 0;
}

bool ikev2_tunnel_is_up(const char *ifname)
{
	struct ikev2_tunnel_status st;
	return ikev2_tunnel_status(ifname, &st) == 0 && st.state == IKEV2_TUN_UP;
}
