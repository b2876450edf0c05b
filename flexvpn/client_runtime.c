/* FlexVPN client at run time: the gateway list and peer selection (see
 * flexvpn/client_runtime.h). */
#include "flexvpn/client_runtime.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/array.h"
#include "tunnel/tunnel.h"

const char *fvc_state_name(enum fvc_state s)
{
	switch (s) {
	case FVC_INACTIVE: return "INACTIVE";
	case FVC_DISCONNECTED: return "DISCONNECTED";
	case FVC_CONNECTING: return "CONNECTING";
	case FVC_WAITING: return "WAITING";
	case FVC_ACTIVE: return "ACTIVE";
	}
	return "?";
}

static uint64_t backoff_ms(unsigned cycles)
{
	unsigned sh = cycles > 7 ? 6 : cycles - 1;
	uint64_t ms = 1000ull << sh;
	return ms > FVC_BACKOFF_MAX_MS ? FVC_BACKOFF_MAX_MS : ms;
}

/* The static peers of the configuration (IPv6 peers are not supported by
 * the runtime yet and left out). */
static int static_peers(const struct flexvpn_client *cfg, struct fvc_peer *out)
{
	int n = 0;
	for (int i = 0; i < cfg->n_peers; i++) {
		const struct flexvpn_peer *p = &cfg->peers[i];
		if (p->kind == FLEXVPN_PEER_IPV6 || (p->kind == FLEXVPN_PEER_FQDN && p->fqdn_ipv6))
			continue;
		struct fvc_peer *q = &out[n++];
		memset(q, 0, sizeof(*q));
		q->seq = p->seq;
		q->track = p->track;
		q->track_down = p->track_down;
		if (p->kind == FLEXVPN_PEER_IPV4) {
			q->addr = p->addr4;
			inet_ntop(AF_INET, &p->addr4, q->name, sizeof(q->name));
		} else {
			q->is_name = true;
			snprintf(q->name, sizeof(q->name), "%s", p->fqdn);
		}
	}
	return n;
}

static void take_config(struct fvc *c, const struct flexvpn_client *cfg)
{
	if (cfg->tunnel >= 0)
		snprintf(c->tunnel, sizeof(c->tunnel), "Tunnel%d", cfg->tunnel);
	else
		c->tunnel[0] = 0;
	if (cfg->connect != c->connect && cfg->connect == FLEXVPN_CONNECT_AUTO)
		c->want = true;
	c->connect = cfg->connect;
}

void fvc_init(struct fvc *c, const struct flexvpn_client *cfg)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", cfg->name);
	c->connect = cfg->connect;
	c->want = cfg->connect == FLEXVPN_CONNECT_AUTO;
	take_config(c, cfg);
	c->n_peers = static_peers(cfg, c->peers);
	c->cur = -1;
	c->state = !c->tunnel[0] || !c->n_peers ? FVC_INACTIVE
		   : c->want ? FVC_CONNECTING : FVC_DISCONNECTED;
}

static bool same_peer(const struct fvc_peer *a, const struct fvc_peer *b)
{
	return a->downloaded == b->downloaded && a->seq == b->seq && strcmp(a->name, b->name) == 0;
}

void fvc_update(struct fvc *c, const struct flexvpn_client *cfg)
{
	take_config(c, cfg);
	struct fvc_peer st[FLEXVPN_MAX_PEERS];
	int ns = static_peers(cfg, st);
	struct fvc_peer nw[FVC_MAX_PEERS];
	int n = 0;
	for (int i = 0; i < ns; i++) {
		nw[n++] = st[i];
		/* the downloaded gateways that followed this peer stay after it */
		for (int j = 0; j < c->n_peers; j++) {
			if (!same_peer(&c->peers[j], &st[i]))
				continue;
			for (int k = j + 1; k < c->n_peers && c->peers[k].downloaded; k++)
				if (n < FVC_MAX_PEERS)
					nw[n++] = c->peers[k];
			break;
		}
	}
	int cur = -1;
	if (c->cur >= 0 && c->cur < c->n_peers)
		for (int i = 0; i < n && cur < 0; i++)
			if (same_peer(&nw[i], &c->peers[c->cur]))
				cur = i;
	if (c->cur >= 0 && cur < 0)
		c->have_addr = false; /* the current peer was removed */
	memcpy(c->peers, nw, sizeof(nw[0]) * (size_t)n);
	c->n_peers = n;
	c->cur = cur;
	if (!c->tunnel[0] || !c->n_peers)
		c->state = FVC_INACTIVE;
	else if (c->state == FVC_INACTIVE)
		c->state = c->want ? FVC_CONNECTING : FVC_DISCONNECTED;
}

bool fvc_possible(const struct fvc *c, int i)
{
	const struct fvc_peer *p = &c->peers[i];
	if (!p->track)
		return true;	/* downloaded gateways have no track: always possible */
	int st = tunnel_track_state(p->track);
	if (st < 0)
		return false;
	return p->track_down ? st == 0 : st == 1;
}

static void del_downloaded(struct fvc *c)
{
	for (int i = 0; i < c->n_peers;) {
		if (!c->peers[i].downloaded) {
			i++;
			continue;
		}
		ARRAY_DEL(c->peers, c->n_peers, i);
		c->n_peers--;
		if (c->cur > i)
			c->cur--;
		else if (c->cur == i)
			c->cur = -1;
	}
}

/* Move to the next peer (after the last: the first again); when every
 * peer failed once in a row, wait before the next pass. */
static void advance(struct fvc *c, uint64_t now)
{
	c->have_addr = false;
	int i = c->cur < 0 ? 0 : c->cur;
	int next = i + 1;
	if (i < c->n_peers && c->peers[i].downloaded &&
	    (next >= c->n_peers || !c->peers[next].downloaded)) {
		/* every downloaded gateway failed: the list is deleted and the
		 * next static peer follows */
		int before = 0, n = c->n_peers;
		for (int k = 0; k < next && k < c->n_peers; k++)
			before += c->peers[k].downloaded;
		del_downloaded(c);
		next -= before;
		/* a pass counts the peers that are left */
		c->pass_failures -= n - c->n_peers;
		if (c->pass_failures < 0)
			c->pass_failures = 0;
	}
	if (next >= c->n_peers || next < 0)
		next = 0;
	c->cur = next;
	c->pass_failures++;
	if (c->pass_failures >= c->n_peers) {
		c->pass_failures = 0;
		c->cycles++;
		c->next_try_ms = now + backoff_ms(c->cycles);
		if (c->connect == FLEXVPN_CONNECT_MANUAL) {
			c->want = false;	/* IOS: a manual client needs "connect" again */
			c->state = FVC_DISCONNECTED;
		} else {
			c->state = FVC_WAITING;
		}
		return;
	}
	c->next_try_ms = now;
	c->state = FVC_CONNECTING;
}

static bool want_now(const struct fvc *c)
{
	if (c->connect != FLEXVPN_CONNECT_TRACK)
		return c->want;
	/* connect track (next issue): the config fields exist, the rule is simple */
	const struct flexvpn_client *cfg = flexvpn_client_find(c->name);
	if (!cfg)
		return false;
	int st = tunnel_track_state(cfg->connect_track);
	return st >= 0 && (cfg->connect_track_down ? st == 0 : st == 1);
}

int fvc_select(struct fvc *c, uint64_t now, fvc_resolve_fn resolve, void *arg,
	       struct in_addr *out)
{
	if (!c->tunnel[0]) {
		c->state = FVC_INACTIVE;
		snprintf(c->why, sizeof(c->why), "no \"client connect Tunnel\"");
		return -1;
	}
	if (c->n_peers == 0) {
		c->state = FVC_INACTIVE;
		snprintf(c->why, sizeof(c->why), "no IPv4 peer configured");
		return -1;
	}
	if (!want_now(c)) {
		c->state = FVC_DISCONNECTED;
		c->have_addr = false;
		return 1;
	}
	if (c->have_addr && c->cur >= 0) {
		*out = c->addr;
		return 0;
	}
	for (int tries = 0; tries <= c->n_peers; tries++) {
		if (now < c->next_try_ms) {
			c->state = FVC_WAITING;
			return 1;
		}
		if (!want_now(c))
			return 1;
		if (c->cur < 0 || c->cur >= c->n_peers)
			c->cur = 0;
		struct fvc_peer *p = &c->peers[c->cur];
		if (!fvc_possible(c, c->cur)) {
			snprintf(c->why, sizeof(c->why), "peer %.100s is not a possible peer (track %d)",
				 p->name, p->track);
			advance(c, now);
			continue;
		}
		if (p->is_name) {
			struct in_addr a;
			if (!resolve || resolve(arg, p->name, &a) != 0) {
				snprintf(c->why, sizeof(c->why), "cannot resolve %.140s", p->name);
				advance(c, now);
				continue;
			}
			p->addr = a;
		}
		c->addr = p->addr;
		c->have_addr = true;
		if (c->state != FVC_ACTIVE)
			c->state = FVC_CONNECTING;
		*out = c->addr;
		return 0;
	}
	c->state = FVC_WAITING;
	return 1;
}

void fvc_failed(struct fvc *c, uint64_t now, bool was_up, const char *why)
{
	if (why)
		snprintf(c->why, sizeof(c->why), "%s", why);
	c->ike_id = 0;
	if (was_up) {
		c->cycles = 0;
		c->pass_failures = 0;
	}
	advance(c, now);
}

void fvc_up(struct fvc *c, uint64_t now, uint64_t ike_id)
{
	if (c->state != FVC_ACTIVE)
		c->up_since_ms = now;
	c->state = FVC_ACTIVE;
	c->ike_id = ike_id;
	c->cycles = 0;
	c->pass_failures = 0;
	c->why[0] = 0;
}

static bool has_peer_named(const struct fvc *c, const char *name)
{
	for (int i = 0; i < c->n_peers; i++)
		if (strcmp(c->peers[i].name, name) == 0)
			return true;
	return false;
}

void fvc_set_reply(struct fvc *c, const struct fvc_reply *r)
{
	c->reply = *r;
	c->have_reply = true;
	if (c->cur < 0 || c->cur >= c->n_peers || r->n_backup_gw == 0)
		return;
	/* a list from a static peer replaces the downloaded one; from a
	 * downloaded gateway the current list stays */
	if (c->peers[c->cur].downloaded)
		return;
	del_downloaded(c);
	int at = c->cur + 1;
	for (int k = 0; k < r->n_backup_gw && c->n_peers < FVC_MAX_PEERS; k++) {
		if (!r->backup_gw[k][0] || has_peer_named(c, r->backup_gw[k]))
			continue;
		struct fvc_peer p;
		memset(&p, 0, sizeof(p));
		snprintf(p.name, sizeof(p.name), "%s", r->backup_gw[k]);
		p.downloaded = true;
		p.is_name = inet_pton(AF_INET, p.name, &p.addr) != 1;
		memmove(&c->peers[at + 1], &c->peers[at],
			sizeof(c->peers[0]) * (size_t)(c->n_peers - at));
		c->peers[at++] = p;
		c->n_peers++;
	}
}

void fvc_clear_reply(struct fvc *c)
{
	c->have_reply = false;
	memset(&c->reply, 0, sizeof(c->reply));
}

void fvc_connect(struct fvc *c, uint64_t now)
{
	c->want = true;
	c->cur = 0;
	c->have_addr = false;
	c->cycles = 0;
	c->pass_failures = 0;
	c->next_try_ms = now;
	c->state = FVC_CONNECTING;
	c->why[0] = 0;
	c->gen++;
}

void fvc_disconnect(struct fvc *c)
{
	/* auto: start again from the first peer; manual: wait for "connect" */
	if (c->connect == FLEXVPN_CONNECT_MANUAL)
		c->want = false;
	c->cur = 0;
	c->have_addr = false;
	c->cycles = 0;
	c->pass_failures = 0;
	c->next_try_ms = 0;
	c->ike_id = 0;
	c->state = c->want ? FVC_CONNECTING : FVC_DISCONNECTED;
	snprintf(c->why, sizeof(c->why), "cleared");
	c->gen++;
}

/* ------------------------------------------------------------ the clients */

static struct fvc *clients;
static fvc_resolve_fn resolver;
static void *resolver_arg;

static int getaddrinfo_v4(void *arg, const char *name, struct in_addr *out)
{
	(void)arg;
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM};
	struct addrinfo *res = NULL;
	if (getaddrinfo(name, NULL, &hints, &res) != 0 || !res)
		return -1;
	*out = ((const struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

void flexvpn_client_rt_set_resolver(fvc_resolve_fn fn, void *arg)
{
	resolver = fn;
	resolver_arg = arg;
}

int flexvpn_client_rt_resolve(const char *name, struct in_addr *out)
{
	return resolver ? resolver(resolver_arg, name, out) : getaddrinfo_v4(NULL, name, out);
}

static int resolve_cb(void *arg, const char *name, struct in_addr *out)
{
	(void)arg;
	return flexvpn_client_rt_resolve(name, out);
}

void flexvpn_client_rt_sync(uint64_t now)
{
	(void)now;
	struct fvc *keep = NULL, **tail = &keep;
	for (const struct flexvpn_client *cfg = flexvpn_client_first(); cfg; cfg = cfg->next) {
		struct fvc *c = NULL;
		for (struct fvc **pp = &clients; *pp; pp = &(*pp)->next)
			if (strcmp((*pp)->name, cfg->name) == 0) {
				c = *pp;
				*pp = c->next;
				break;
			}
		if (c) {
			fvc_update(c, cfg);
		} else {
			c = calloc(1, sizeof(*c));
			if (!c)
				continue;
			fvc_init(c, cfg);
		}
		c->next = NULL;
		*tail = c;
		tail = &c->next;
	}
	flexvpn_client_rt_reset();
	clients = keep;
}

struct fvc *flexvpn_client_rt_find(const char *name)
{
	for (struct fvc *c = clients; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

struct fvc *flexvpn_client_rt_for_tunnel(const char *ifname)
{
	for (struct fvc *c = clients; c; c = c->next)
		if (c->tunnel[0] && strcmp(c->tunnel, ifname) == 0)
			return c;
	return NULL;
}

struct fvc *flexvpn_client_rt_first(void)
{
	return clients;
}

void flexvpn_client_rt_reset(void)
{
	while (clients) {
		struct fvc *c = clients;
		clients = c->next;
		free(c);
	}
}

int flexvpn_client_rt_select(struct fvc *c, uint64_t now, struct in_addr *out)
{
	return fvc_select(c, now, resolve_cb, NULL, out);
}
