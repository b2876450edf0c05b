/*
 * The userspace data plane in the live runtime: TUN devices per sVTI, GRE
 * over IPsec tunnel and Virtual-Access, packets between them and the ESP
 * sockets, lifetime events to the engine (see ikev2/runtime_dataplane.h and
 * docs/dataplane.md).
 */
#include "ikev2/runtime_dataplane.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ikev2/runtime.h"
#include "ikev2/runtime_glue.h"
#include "ikev2/runtime_link.h"
#include "ikev2/runtime_socket.h"
#include "ipsec/tun.h"
#include "ipsec/userspace_io.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "tunnel/dynroute.h"
#include "tunnel/tunnel.h"
#include "tunnel/virtual_access.h"

#define PKT_MAX 65536
#define BATCH 64
#define SOCKBUF (4 * 1024 * 1024)
#define RETRY_MS 10000

struct dp_route {
	struct in_addr pfx;
	unsigned plen;
	uint32_t metric;
};

/* What a TUN device stands for; decides which interfaces get one
 * (wanted), which SAs bind to it (sa_fits) and what the data plane puts
 * around its packets (userspace_tunnel_config.kind). */
enum dp_kind {
	DP_SVTI,	/* interface Tunnel N, tunnel mode ipsec ipv4 */
	DP_GRE,		/* interface Tunnel N, tunnel mode gre ip, protected */
	DP_VA,		/* Virtual-Access N of a FlexVPN server session (dVTI) */
};

struct dp_tun {
	char ifname[48];
	enum dp_kind kind;
	struct tun_dev dev;		/* fd -1: could not be created (retry later) */
	uint32_t id;			/* data-plane tunnel id = ifindex */
	bool seen;
	uint64_t retry_at;
	char logged[160];		/* last error logged for it */
	bool up;
	bool have_addr;
	struct in_addr addr;
	unsigned plen;
	unsigned mtu;
	struct userspace_tunnel_config cfg;
	bool have_key;
	struct ipsec_addr local, remote;
	uint64_t ike_id;		/* the IKE SA carrying it now, 0 none */
	unsigned path_mtu;
	char path_dev[48];
	struct dp_route *routes;
	unsigned n_routes, cap_routes;
	uint64_t tx_sock_errors, rx_tun_errors;
	struct dp_tun *next;
};

static struct {
	struct userspace_dp *dp;
	bool attached;
	int raw_fd;
	struct ev_timer *timer;
	struct dp_tun *tuns;
	struct ikev2_rt_dp_stats st;
} d = {.raw_fd = -1};

struct userspace_dp *ikev2_rt_dp(void) { return d.dp; }

void ikev2_rt_dp_get_stats(struct ikev2_rt_dp_stats *out) { *out = d.st; }

/* ------------------------------------------------------------ helpers */

static struct dp_tun *last;	/* tun_by_id cache; reset by tun_remove */

static struct dp_tun *tun_by_id(uint32_t id)
{
	if (last && last->id == id && last->dev.fd >= 0)
		return last;
	for (struct dp_tun *t = d.tuns; t; t = t->next)
		if (t->id == id && t->dev.fd >= 0)
			return last = t;
	return NULL;
}

static struct dp_tun *tun_by_name(const char *ifname)
{
	for (struct dp_tun *t = d.tuns; t; t = t->next)
		if (strcasecmp(t->ifname, ifname) == 0)
			return t;
	return NULL;
}

/* Log a problem of a tunnel once (until it changes). */
static void tun_log(struct dp_tun *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tun_log(struct dp_tun *t, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (strcmp(msg, t->logged) == 0)
		return;
	snprintf(t->logged, sizeof(t->logged), "%s", msg);
	log_msg(LOG_SEV_ERR, "IPSEC", "DATAPLANE", "%s: %s", t->ifname, msg);
}

/* ------------------------------------------------------------ engine glue */

static uint64_t dp_now(void *arg)
{
	(void)arg;
	return ikev2_runtime_now_ms();
}

static void dp_expire(void *arg, const struct userspace_expire *ev)
{
	(void)arg;
	struct ikev2_engine *e = ikev2_runtime_engine();
	if (e && ev->spi_in)
		ikev2_engine_child_expired(e, ev->spi_in, ev->hard);
}

/* GRE over IPsec CHILD_SAs protect protocol 47 (host to host); sVTI and
 * Virtual-Access (dVTI) ones all traffic (or a remote-access client's
 * narrowed address), in tunnel mode. */
static bool child_fits(enum dp_kind kind, enum ipsec_sa_mode mode, const struct ipsec_ts *ts,
		       unsigned n_ts)
{
	bool gre = n_ts > 0 && ts[0].proto == 47;
	if (kind == DP_GRE)
		return gre;
	return mode == IPSEC_SA_TUNNEL && !gre;
}

/* add_sa: a Virtual-Access carries the CHILD_SAs of its session's IKE SA
 * (several spokes may share an address pair behind one NAT); a Tunnel's
 * CHILD_SA runs between the tunnel's source and destination (one
 * protected tunnel per address pair and kind), so the outer addresses name
 * the tunnel, whoever initiated.  The hub's first CHILD_SA is added before
 * its Virtual-Access exists: bind_current() binds it at the next sync. */
static uint32_t dp_tunnel_for_sa(void *arg, const struct ipsec_sa_params *p)
{
	(void)arg;
	const struct ipsec_addr *local = p->inbound ? &p->key.dst : &p->key.src;
	const struct ipsec_addr *remote = p->inbound ? &p->key.src : &p->key.dst;
	for (struct dp_tun *t = d.tuns; t; t = t->next) {
		if (t->dev.fd < 0 || !child_fits(t->kind, p->mode, p->src_ts, p->n_src_ts))
			continue;
		if (t->kind == DP_VA ? t->ike_id && t->ike_id == p->ike_sa_id
				     : t->have_key && ipsec_addr_eq(&t->local, local) &&
					       ipsec_addr_eq(&t->remote, remote))
			return t->id;
	}
	return 0;
}

int ikev2_rt_dp_start(struct ipsec_backend *be)
{
	if (d.dp)
		ikev2_rt_dp_stop();
	struct userspace_dp_config c = {
		.now_ms = dp_now,
		.expire = dp_expire,
		.tunnel_for_sa = dp_tunnel_for_sa,
		.tx_headers = USERSPACE_TX_RAW_L3,
		.cbc_iv = ESP_IV_RANDOM,
	};
	d.dp = userspace_dp_new(&c);
	if (!d.dp)
		return -1;
	memset(&d.st, 0, sizeof(d.st));
	*be = userspace_dp_backend(d.dp);
	return 0;
}

/* ------------------------------------------------------------ sending */

/* One ESP packet that ipsec/userspace_io.c does not batch (UDP-
 * encapsulated, or no raw socket). */
static void send_tx(void *arg, const struct userspace_tx *tx, const uint8_t *pkt)
{
	struct dp_tun *t = arg;
	int rc;
	if (tx->l3) {
		if (d.raw_fd < 0 || tx->dst.family != 4) {
			rc = -ENOTCONN;
		} else {
			struct sockaddr_in to = {.sin_family = AF_INET};
			memcpy(&to.sin_addr, tx->dst.ip, 4);
			rc = sendto(d.raw_fd, pkt, tx->len, 0, (struct sockaddr *)&to,
				    sizeof(to)) < 0 ? -errno : 0;
		}
	} else if (tx->proto == 17) {
		rc = ikev2_socket_send_raw(&tx->src, &tx->dst, pkt, tx->len);
	} else {
		rc = -EPROTONOSUPPORT;	/* bare ESP without a header: not configured */
	}
	if (rc == 0) {
		d.st.esp_tx++;
	} else {
		d.st.esp_tx_errors++;
		if (t)
			t->tx_sock_errors++;
	}
}

/* TUN readable: a batch of packets (TCP super-packets cut into segments)
 * out through the tunnel's SA, raw ESP with one sendmmsg() per batch. */
static void on_tun(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	struct dp_tun *t = arg;
	struct userspace_io_tx_counts c = {0};
	/* sVTI and GRE alike: the data plane adds GRE for a GRE tunnel */
	userspace_io_tun_output(d.dp, t->id, &t->dev, BATCH, d.raw_fd, send_tx, t, &c);
	d.st.tun_rx += c.tun_reads;
	d.st.esp_tx += c.esp_tx;
	d.st.esp_tx_errors += c.esp_tx_errors;
	t->tx_sock_errors += c.esp_tx_errors;
	d.st.icmp_sent += c.icmp_sent;
	userspace_dp_poll(d.dp);
}

/* ------------------------------------------------------------ receiving */

/* Queued for the tunnel's TUN: written, TCP segments of one flow coalesced,
 * by userspace_io_rx_flush() at the end of the receive batch. */
static void deliver(void *arg, const struct userspace_rx *rx, uint8_t *pkt)
{
	(void)arg;
	struct dp_tun *t = rx->tunnel_id ? tun_by_id(rx->tunnel_id) : NULL;
	if (!t) {
		d.st.rx_no_tunnel++;
		return;
	}
	userspace_io_rx_add(&t->dev, pkt + rx->off, rx->len, &d.st.tun_tx, &t->rx_tun_errors);
}

/* ESP in UDP from the port 4500 socket (non-ESP marker and keepalives were
 * taken out by the socket layer). */
static bool esp_udp_input(void *ctx, const struct ipsec_addr *local,
			  const struct ipsec_addr *remote, uint8_t *data, size_t len)
{
	(void)ctx;
	if (!d.dp)
		return false;
	d.st.esp_rx_udp++;
	struct userspace_rx rx;
	int rc = userspace_input_inplace(d.dp, remote, local, data, len, &rx);
	if (rc != USERSPACE_OK)
		return false;
	deliver(NULL, &rx, data);	/* data stays valid until esp_batch_end */
	return true;
}

static void esp_batch_end(void *ctx)
{
	(void)ctx;
	userspace_io_rx_flush();
	if (d.dp)
		userspace_dp_poll(d.dp);
}

/* Raw ESP (IP protocol 50): the whole IPv4 packet. */
static void on_raw(int fd, uint32_t events, void *arg)
{
	(void)events;
	(void)arg;
	/* recvmmsg batches, decrypted in place, delivered through deliver() */
	d.st.esp_rx_raw += userspace_io_raw_input(d.dp, fd, BATCH, deliver, NULL);
	userspace_dp_poll(d.dp);
}

static void set_bufs(int fd)
{
	int sz = SOCKBUF;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
}

static void open_raw(void)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP);
	if (fd < 0) {
		log_msg(LOG_SEV_ERR, "IPSEC", "DATAPLANE",
			"Cannot open the raw ESP socket: %s; only UDP-encapsulated SAs will "
			"carry traffic", strerror(errno));
		return;
	}
	int one = 1;
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) != 0 ||
	    ev_add_fd(fd, EPOLLIN, on_raw, NULL) != 0) {
		log_msg(LOG_SEV_ERR, "IPSEC", "DATAPLANE", "Cannot set up the raw ESP socket: %s",
			strerror(errno));
		close(fd);
		return;
	}
	set_bufs(fd);
	d.raw_fd = fd;
}

static void tick(void *arg)
{
	(void)arg;
	d.timer = NULL;
	if (!d.dp)
		return;
	userspace_dp_poll(d.dp);
	d.timer = ev_timer_add(1000, tick, NULL);
}

void ikev2_rt_dp_attach(void)
{
	if (!d.dp || d.attached)
		return;
	d.attached = true;
	open_raw();
	ikev2_socket_set_esp_input(esp_udp_input, esp_batch_end, NULL);
	int fd = ikev2_socket_fd(4, IKEV2_NATT_PORT);
	if (fd >= 0)
		set_bufs(fd);
	d.timer = ev_timer_add(1000, tick, NULL);
	ikev2_rt_dp_sync();
}

/* ------------------------------------------------------------ tunnels */

static void tun_remove(struct dp_tun *t)
{
	if (last == t)
		last = NULL;
	if (t->dev.fd >= 0) {
		ev_del_fd(t->dev.fd);
		if (d.dp)
			userspace_tunnel_del(d.dp, t->id);
		tun_close(&t->dev);	/* the device, its addresses and routes go */
	}
	free(t->routes);
	free(t);
}

void ikev2_rt_dp_stop(void)
{
	if (d.attached)
		ikev2_socket_set_esp_input(NULL, NULL, NULL);
	d.attached = false;
	while (d.tuns) {
		struct dp_tun *t = d.tuns;
		d.tuns = t->next;
		tun_remove(t);
	}
	if (d.timer)
		ev_timer_cancel(d.timer);
	d.timer = NULL;
	if (d.raw_fd >= 0) {
		ev_del_fd(d.raw_fd);
		close(d.raw_fd);
		d.raw_fd = -1;
	}
	if (d.dp)
		userspace_dp_free(d.dp);
	d.dp = NULL;
}

/* The kind of device an interface needs, false for none: an sVTI (tunnel
 * mode ipsec ipv4), a protected GRE/IP tunnel, or the Virtual-Access of a
 * FlexVPN session cloned from an "ipsec ipv4" template. */
static bool kind_of(const struct tunnel_ifconf *ifc, enum dp_kind *kind)
{
	switch (ifc->type) {
	case TUNNEL_IF_TUNNEL:
		if (ifc->mode == TUNNEL_MODE_IPSEC_IPV4)
			*kind = DP_SVTI;
		else if (ifc->mode == TUNNEL_MODE_GRE_IP && ifc->protection[0])
			*kind = DP_GRE;	/* plain GRE would need a GRE socket: not done */
		else
			return false;
		return true;
	case TUNNEL_IF_VIRTUAL_ACCESS:
		/* a GRE template (dVTI with GRE) is not done */
		*kind = DP_VA;
		return ifc->mode == TUNNEL_MODE_IPSEC_IPV4 && tunnel_va_find(ifc->name);
	default:
		return false;
	}
}

/* An interface that needs a TUN device, not shut down, with an IPv4
 * address (static, negotiated, unnumbered: /32). */
static bool wanted(const struct tunnel_ifconf *ifc, enum dp_kind *kind, struct in_addr *addr,
		   unsigned *plen)
{
	if (ifc->shutdown || !kind_of(ifc, kind))
		return false;
	struct in_addr mask;
	if (!tunnel_if_ipv4(ifc, addr, &mask))
		return false;
	*plen = ifc->ipv4_method == TUNNEL_IPV4_UNNUMBERED ? 32 : (unsigned)tunnel_mask_plen(mask);
	return true;
}

static struct dp_tun *tun_create(const struct tunnel_ifconf *ifc, enum dp_kind kind)
{
	struct dp_tun *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifc->name);
	t->kind = kind;
	t->dev.fd = -1;
	t->next = d.tuns;
	d.tuns = t;
	return t;
}

/* Open the device of t (again); false while it cannot be. */
static bool tun_open_dev(struct dp_tun *t, uint64_t now)
{
	if (t->dev.fd >= 0)
		return true;
	if (now < t->retry_at)
		return false;
	t->retry_at = now + RETRY_MS;
	char name[IFNAMSIZ];
	int rc = tun_linux_name(t->ifname, name, sizeof(name));
	if (rc == 0) {
		/* offloads (TCP super-packets, ipsec/userspace_io.h) where the
		 * kernel has them */
		rc = tun_open(&t->dev, name, TUN_F_NONBLOCK | TUN_F_OFFLOAD);
		if (rc == -EINVAL || rc == -EOPNOTSUPP)
			rc = tun_open(&t->dev, name, TUN_F_NONBLOCK);
	}
	if (rc != 0) {
		tun_log(t, "cannot create the TUN device: %s", strerror(-rc));
		t->dev.fd = -1;
		return false;
	}
	t->id = (uint32_t)t->dev.ifindex;
	memset(&t->cfg, 0, sizeof(t->cfg));
	t->cfg.kind = t->kind == DP_GRE ? USERSPACE_TUNNEL_GRE : USERSPACE_TUNNEL_SVTI;
	if (userspace_tunnel_add(d.dp, t->id, &t->cfg) != 0 ||
	    ev_add_fd(t->dev.fd, EPOLLIN, on_tun, t) != 0) {
		userspace_tunnel_del(d.dp, t->id);
		tun_close(&t->dev);
		tun_log(t, "cannot register the TUN device");
		return false;
	}
	rt_link_disable_ipv6(t->dev.name);
	t->up = false;
	t->have_addr = false;
	t->mtu = 0;
	t->n_routes = 0;
	t->logged[0] = 0;
	return true;
}

/* "ip mtu idb": the interface of the tunnel source, by IOS name when it
 * is configured, else the Linux interface holding the address. */
static void path_dev_of(const struct tunnel_ifconf *ifc, const struct ipsec_addr *local,
			char *out, size_t outlen)
{
	snprintf(out, outlen, "unknown");
	if (ifc->src.kind == TUNNEL_EP_INTERFACE) {
		snprintf(out, outlen, "%.47s", ifc->src.name);
		return;
	}
	if (local->family != 4)
		return;
	int n = tunnel_if_count();
	for (int i = 0; i < n; i++) {
		const struct tunnel_ifconf *o = tunnel_if_at(i);
		struct in_addr a, m;
		if (o && o->type != TUNNEL_IF_TUNNEL && tunnel_if_ipv4(o, &a, &m) &&
		    memcmp(&a, local->ip, 4) == 0) {
			snprintf(out, outlen, "%s", o->name);
			return;
		}
	}
	struct ifaddrs *ifa = NULL;
	if (getifaddrs(&ifa) != 0)
		return;
	for (struct ifaddrs *p = ifa; p; p = p->ifa_next) {
		if (p->ifa_addr && p->ifa_addr->sa_family == AF_INET &&
		    memcmp(&((struct sockaddr_in *)p->ifa_addr)->sin_addr, local->ip, 4) == 0) {
			snprintf(out, outlen, "%s", p->ifa_name);
			break;
		}
	}
	freeifaddrs(ifa);
}

struct child_pick {
	enum dp_kind kind;
	uint32_t reqid;
	uint64_t created;
};

static void child_pick_cb(void *arg, const struct ikev2_child_info *c)
{
	struct child_pick *p = arg;
	if ((c->state == IKEV2_CHILD_INSTALLED || c->state == IKEV2_CHILD_REKEYING) &&
	    child_fits(p->kind, c->mode, c->ts_local, c->n_ts_local) &&
	    (!p->reqid || c->created_ms >= p->created)) {
		p->reqid = c->reqid;
		p->created = c->created_ms;
	}
}

/* The tunnel's output uses the newest installed CHILD_SA of the IKE SA
 * that carries it.  tunnel_for_sa binds at add_sa; this binds what it
 * could not (a hub's CHILD_SA is added before its Virtual-Access exists, a
 * spoke's before its negotiated address gives it a device) and repairs the
 * binding when two IKE SAs existed and the one bound last went away.  true
 * when the IKE SA has an installed CHILD_SA. */
static bool bind_current(struct dp_tun *t)
{
	struct ikev2_engine *e = ikev2_runtime_engine();
	if (!e || !t->ike_id)
		return false;
	struct child_pick p = {t->kind, 0, 0};
	ikev2_engine_foreach_child(e, t->ike_id, child_pick_cb, &p);
	if (!p.reqid)
		return false;
	struct userspace_tunnel_info ti;
	if (userspace_tunnel_info(d.dp, t->id, &ti) == 0 && (ti.reqid != p.reqid || !ti.spi_out))
		userspace_tunnel_bind(d.dp, t->id, p.reqid);
	return true;
}

static void set_v4(struct ipsec_addr *a, struct in_addr v)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->ip, &v, 4);
}

/* Where the tunnel runs (tunnel_for_sa, path MTU) and which IKE SA carries
 * it now, by kind: a Virtual-Access from its session; a Tunnel with
 * "tunnel destination dynamic" (FlexVPN client) from the runtime's current
 * peer (the glue refuses dynamic destinations); other Tunnels from their
 * configuration. */
static void sync_endpoints(struct dp_tun *t, const struct tunnel_ifconf *ifc)
{
	t->have_key = false;
	t->ike_id = 0;
	if (t->kind == DP_VA) {
		const struct tunnel_va *va = tunnel_va_find(t->ifname);
		if (va) {
			t->ike_id = va->ike_id;
			set_v4(&t->local, va->src);
			set_v4(&t->remote, va->dst);
			t->have_key = true;
		}
	} else {
		struct ikev2_tunnel_status st;
		struct ikev2_glue_tunnel k;
		char why[160];
		bool rt = ikev2_tunnel_status(t->ifname, &st) == 0;
		t->ike_id = rt ? st.ike_id : 0;
		if (ifc->dst.kind == TUNNEL_EP_DYNAMIC) {
			if (rt && st.remote.family) {
				t->local = st.local;
				t->remote = st.remote;
				t->have_key = true;
			}
		} else if (ikev2_glue_tunnel_from_if(ifc, &k, why, sizeof(why)) == 0) {
			t->local = k.local;
			t->remote = k.remote;
			t->have_key = true;
		}
	}
	if (t->have_key) {
		t->path_mtu = rt_link_path_mtu(&t->remote);
		path_dev_of(ifc, &t->local, t->path_dev, sizeof(t->path_dev));
	} else {
		t->path_mtu = 1500;
		snprintf(t->path_dev, sizeof(t->path_dev), "unknown");
	}
}

/* Line protocol: a Virtual-Access is up while its session has a CHILD_SA,
 * a Tunnel while the runtime says so (ikev2/runtime_tunnel.c). */
static bool sync_line(struct dp_tun *t)
{
	if (t->kind == DP_VA)
		return bind_current(t);
	bool line = ikev2_tunnel_is_up(t->ifname);
	if (line)
		bind_current(t);
	return line;
}

static bool route_has(const struct dp_tun *t, const struct dp_route *r)
{
	for (unsigned i = 0; i < t->n_routes; i++)
		if (t->routes[i].pfx.s_addr == r->pfx.s_addr && t->routes[i].plen == r->plen &&
		    t->routes[i].metric == r->metric)
			return true;
	return false;
}

/* Add a route to out unless the prefix is there already. */
static void route_put(struct dp_route *out, unsigned *n, struct in_addr pfx, unsigned plen,
		      unsigned distance)
{
	for (unsigned k = 0; k < *n; k++)
		if (out[k].pfx.s_addr == pfx.s_addr && out[k].plen == plen)
			return;
	out[*n].pfx = pfx;
	out[*n].plen = plen;
	out[*n].metric = distance > 0 ? distance : 1;
	(*n)++;
}

/* The routes through the device that apply now: "ip route ... TunnelN" of
 * the global table, and the session routes (tunnel/dynroute.h: a hub's
 * routes to a spoke's address and subnets via its Virtual-Access, a
 * spoke's routes for the subnets the hub pushed via its Tunnel). */
static unsigned wanted_routes(const struct dp_tun *t, struct dp_route *out, unsigned max)
{
	unsigned n = 0;
	int cnt = tunnel_route_count();
	for (int i = 0; i < cnt && n < max; i++) {
		const struct tunnel_route *r = tunnel_route_at(i);
		if (!r || r->vrf[0] || !r->ifname[0])
			continue;
		char norm[TUNNEL_IFNAME_MAX];
		if (tunnel_ifname_normalize(r->ifname, norm, sizeof(norm)) != 0 ||
		    strcasecmp(norm, t->ifname) != 0)
			continue;
		if (r->track && tunnel_track_state(r->track) == 0)
			continue;
		struct in_addr pfx = {r->prefix.s_addr & r->mask.s_addr};
		route_put(out, &n, pfx, (unsigned)tunnel_mask_plen(r->mask),
			  r->distance > 0 ? (unsigned)r->distance : 1);
	}
	unsigned nd = tunnel_dynroute_count();
	for (unsigned i = 0; i < nd && n < max; i++) {
		const struct tunnel_dynroute *r = tunnel_dynroute_at(i);
		/* a next hop on a point-to-point device changes nothing */
		if (r && strcasecmp(r->ifname, t->ifname) == 0)
			route_put(out, &n, r->prefix, r->plen, r->distance);
	}
	return n;
}

static void sync_routes(struct dp_tun *t)
{
	enum { MAXR = 256 };
	static struct dp_route want[MAXR];
	unsigned nw = t->up ? wanted_routes(t, want, MAXR) : 0;
	/* remove what is no longer wanted */
	for (unsigned i = 0; i < t->n_routes;) {
		bool keep = false;
		for (unsigned k = 0; k < nw; k++)
			if (want[k].pfx.s_addr == t->routes[i].pfx.s_addr &&
			    want[k].plen == t->routes[i].plen && want[k].metric == t->routes[i].metric)
				keep = true;
		if (keep) {
			i++;
			continue;
		}
		if (t->up)
			tun_route_del(&t->dev, AF_INET, &t->routes[i].pfx, t->routes[i].plen, 0,
				      t->routes[i].metric);
		t->routes[i] = t->routes[--t->n_routes];
	}
	for (unsigned k = 0; k < nw; k++) {
		if (route_has(t, &want[k]))
			continue;
		int rc = tun_route_add(&t->dev, AF_INET, &want[k].pfx, want[k].plen, 0,
				       want[k].metric);
		if (rc != 0 && rc != -EEXIST) {
			char a[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &want[k].pfx, a, sizeof(a));
			tun_log(t, "cannot install the route %s/%u: %s", a, want[k].plen,
				strerror(-rc));
			continue;
		}
		if (t->n_routes == t->cap_routes) {
			unsigned cap = t->cap_routes ? t->cap_routes * 2 : 4;
			struct dp_route *v = realloc(t->routes, cap * sizeof(*v));
			if (!v)
				return;
			t->routes = v;
			t->cap_routes = cap;
		}
		t->routes[t->n_routes++] = want[k];
	}
}

static void sync_one(struct dp_tun *t, const struct tunnel_ifconf *ifc, struct in_addr addr,
		     unsigned plen, uint64_t now)
{
	if (!tun_open_dev(t, now))
		return;
	/* address */
	if (!t->have_addr || t->addr.s_addr != addr.s_addr || t->plen != plen) {
		if (t->have_addr)
			tun_addr_del(&t->dev, AF_INET, &t->addr, t->plen);
		int rc = tun_addr_add(&t->dev, AF_INET, &addr, plen, NULL);
		if (rc == 0 || rc == -EEXIST) {
			t->have_addr = true;
			t->addr = addr;
			t->plen = plen;
		} else {
			t->have_addr = false;
			tun_log(t, "cannot set the address: %s", strerror(-rc));
		}
	}
	sync_endpoints(t, ifc);
	bool line = sync_line(t);
	/* MTU: ip mtu, else what fits the path after the ESP overhead */
	unsigned mtu = ifc->ip_mtu > 0 ? (unsigned)ifc->ip_mtu : 0;
	if (!mtu) {
		unsigned ovh = userspace_tunnel_overhead(d.dp, t->id);
		mtu = t->path_mtu > ovh + 576 ? t->path_mtu - ovh : 576;
	}
	if (mtu < 68)
		mtu = 68;
	if (mtu != t->mtu) {
		int rc = tun_set_mtu(&t->dev, mtu);
		if (rc == 0)
			t->mtu = mtu;
		else
			tun_log(t, "cannot set the MTU %u: %s", mtu, strerror(-rc));
	}
	struct userspace_tunnel_config c = t->cfg;
	c.mtu = (uint16_t)(t->mtu > 65535 ? 65535 : t->mtu);
	c.mss4 = ifc->tcp_mss > 0 && ifc->tcp_mss < 65536 ? (uint16_t)ifc->tcp_mss : 0;
	c.addr4 = t->have_addr ? t->addr.s_addr : 0;
	c.gre_src = c.gre_dst = 0;	/* GRE delivery header: source / destination */
	if (t->kind == DP_GRE && t->have_key && t->local.family == 4) {
		memcpy(&c.gre_src, t->local.ip, 4);
		memcpy(&c.gre_dst, t->remote.ip, 4);
	}
	if (memcmp(&c, &t->cfg, sizeof(c)) != 0 && userspace_tunnel_set(d.dp, t->id, &c) == 0)
		t->cfg = c;
	/* up with the line protocol */
	if (line != t->up) {
		int rc = tun_set_up(&t->dev, line);
		if (rc == 0) {
			t->up = line;
			if (!line)
				t->n_routes = 0;	/* the kernel dropped them */
		} else {
			tun_log(t, "cannot set the device %s: %s", line ? "up" : "down",
				strerror(-rc));
		}
	}
	sync_routes(t);
}

void ikev2_rt_dp_sync(void)
{
	if (!d.dp || !d.attached)
		return;
	uint64_t now = ikev2_runtime_now_ms();
	for (struct dp_tun *t = d.tuns; t; t = t->next)
		t->seen = false;
	int n = tunnel_if_count();
	for (int i = 0; i < n; i++) {
		const struct tunnel_ifconf *ifc = tunnel_if_at(i);
		struct in_addr addr;
		unsigned plen;
		enum dp_kind kind;
		if (!ifc || !wanted(ifc, &kind, &addr, &plen))
			continue;
		struct dp_tun *t = tun_by_name(ifc->name);
		if (t && t->kind != kind) {
			/* tunnel mode changed: a new device of the new kind */
			for (struct dp_tun **pp = &d.tuns; *pp; pp = &(*pp)->next)
				if (*pp == t) {
					*pp = t->next;
					break;
				}
			tun_remove(t);
			t = NULL;
		}
		if (!t && !(t = tun_create(ifc, kind)))
			continue;
		t->seen = true;
		sync_one(t, ifc, addr, plen, now);
	}
	for (struct dp_tun **pp = &d.tuns; *pp;) {
		struct dp_tun *t = *pp;
		if (t->seen) {
			pp = &t->next;
			continue;
		}
		*pp = t->next;
		tun_remove(t);
	}
}

int ikev2_rt_dp_tunnel(const char *ifname, struct ikev2_rt_dp_tunnel *out)
{
	memset(out, 0, sizeof(*out));
	struct dp_tun *t = d.dp ? tun_by_name(ifname) : NULL;
	if (!t || t->dev.fd < 0)
		return -1;
	snprintf(out->ifname, sizeof(out->ifname), "%s", t->ifname);
	snprintf(out->linux_name, sizeof(out->linux_name), "%s", t->dev.name);
	out->id = t->id;
	out->up = t->up;
	out->mtu = t->mtu;
	out->path_mtu = t->path_mtu;
	snprintf(out->path_dev, sizeof(out->path_dev), "%s", t->path_dev);
	out->n_routes = t->n_routes;
	out->tx_sock_errors = t->tx_sock_errors;
	out->rx_tun_errors = t->rx_tun_errors;
	return 0;
}
