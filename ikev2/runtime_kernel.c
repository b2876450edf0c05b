/*
 * The kernel XFRM data plane in the live runtime: xfrm interfaces per
 * sVTI, gre links per protected GRE tunnel, routes, expiry events to the
 * engine (see ikev2/runtime_kernel.h).
 */
#include "ikev2/runtime_kernel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/ipgre.h>
#include <netlink/route/link/xfrmi.h>
#include <netlink/route/route.h>
#include <stdarg.h>
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
#include "ipsec/backend_xfrm.h"
#include "ipsec/nft_mss.h"
#include "ipsec/tun.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "tunnel/tunnel.h"

#ifndef UDP_ENCAP
#define UDP_ENCAP 100
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

/* Worst-case ESP tunnel overhead for the automatic MTU: outer IPv4 20,
 * UDP 8, ESP header 8, IV 16, padding 15, trailer 2, ICV 32. */
#define ESP_OVERHEAD 101
/* GRE header 4 + delivery IPv4 header 20 (inside ESP in tunnel mode; in
 * transport mode it is the outer header: 20 too many, the worst case) */
#define GRE_OVERHEAD 24
#define RETRY_MS 10000
#define MAXROUTES 256
#define LOGGED_MAX 160

struct kroute {
	struct in_addr pfx;
	unsigned plen;
	uint32_t metric;
};

struct ktun {
	char ifname[48];
	char name[IFNAMSIZ];
	uint32_t if_id;			/* sVTI only */
	bool gre;			/* a gre link (else an xfrm interface) */
	int ifindex;			/* 0: not created */
	bool seen, up, have_addr, have_key;
	struct ipsec_addr gre_local, gre_remote;	/* the gre link's endpoints */
	struct in_addr addr;
	unsigned plen, mtu, path_mtu;
	uint16_t mss;			/* ip tcp adjust-mss, 0 none */
	struct ipsec_addr local, remote;
	uint64_t retry_at;
	char logged[LOGGED_MAX];	/* the last problem logged (log_changed) */
	struct kroute routes[MAXROUTES];
	unsigned n_routes;
	struct ktun *next;
};

static struct {
	struct xfrm_backend *x;
	struct nl_sock *rt;		/* NETLINK_ROUTE */
	bool attached;
	int ev_fd;
	struct ktun *tuns;
	/* the MSS clamping rules in nf_tables (ipsec/nft_mss.h) */
	struct nft_mss_rule *mss;
	unsigned n_mss;
	bool mss_applied;		/* the kernel holds k.mss */
	uint64_t mss_retry_at;
	char mss_logged[LOGGED_MAX];
} k = {.ev_fd = -1};

struct xfrm_backend *ikev2_rt_kernel(void) { return k.x; }

/* Logs "PREFIX: msg" (or msg) unless it is what *last holds (a problem
 * that persists is said once); last[LOGGED_MAX]. */
static void log_changed(char *last, const char *prefix, const char *fmt, va_list ap)
{
	char msg[LOGGED_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (strcmp(msg, last) == 0)
		return;
	snprintf(last, LOGGED_MAX, "%s", msg);
	if (prefix)
		log_msg(LOG_SEV_ERR, "IPSEC", "DATAPLANE", "%s: %s", prefix, msg);
	else
		log_msg(LOG_SEV_ERR, "IPSEC", "DATAPLANE", "%s", msg);
}

static void tun_log(struct ktun *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tun_log(struct ktun *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_changed(t->logged, t->ifname, fmt, ap);
	va_end(ap);
}

uint32_t ikev2_rt_kernel_if_id(const char *ios_name)
{
	if (strncasecmp(ios_name, "Tunnel", 6) != 0)
		return 0;
	char *end;
	unsigned long n = strtoul(ios_name + 6, &end, 10);
	if (end == ios_name + 6 || *end || n > 0x7fffffffUL)
		return 0;
	return (uint32_t)n + 1;
}

/* ------------------------------------------------------------ engine glue */

static uint64_t kx_now(void *arg)
{
	(void)arg;
	return ikev2_runtime_now_ms();
}

static void kx_expire(void *arg, const struct xfrm_expire *ev)
{
	(void)arg;
	struct ikev2_engine *e = ikev2_runtime_engine();
	if (e && ev->spi_in)
		ikev2_engine_child_expired(e, ev->spi_in, ev->hard);
}

/* An sVTI's CHILD_SA runs between the tunnel's source and destination. */
static uint32_t kx_if_id_for_sa(void *arg, const struct ipsec_sa_params *p)
{
	(void)arg;
	if (p->mode != IPSEC_SA_TUNNEL)
		return 0;
	const struct ipsec_addr *local = p->inbound ? &p->key.dst : &p->key.src;
	const struct ipsec_addr *remote = p->inbound ? &p->key.src : &p->key.dst;
	for (struct ktun *t = k.tuns; t; t = t->next)
		if (!t->gre && t->have_key && ipsec_addr_eq(&t->local, local) &&
		    ipsec_addr_eq(&t->remote, remote))
			return t->if_id;
	return 0;
}

int ikev2_rt_kernel_start(struct ipsec_backend *be)
{
	if (k.x)
		ikev2_rt_kernel_stop();
	struct xfrm_backend_config c = {
		.now_ms = kx_now,
		.expire = kx_expire,
		.if_id_for_sa = kx_if_id_for_sa,
	};
	k.x = xfrm_backend_new(&c);
	if (!k.x) {
		log_msg(LOG_SEV_ERR, "IPSEC", "DATAPLANE", "Cannot open XFRM netlink: %s",
			strerror(errno));
		return -1;
	}
	k.rt = nl_socket_alloc();
	if (!k.rt || nl_connect(k.rt, NETLINK_ROUTE) < 0) {
		log_msg(LOG_SEV_ERR, "IPSEC", "DATAPLANE", "Cannot open route netlink");
		if (k.rt)
			nl_socket_free(k.rt);
		k.rt = NULL;
		xfrm_backend_free(k.x);
		k.x = NULL;
		return -1;
	}
	fcntl(nl_socket_get_fd(k.rt), F_SETFD, FD_CLOEXEC);
	if (!xfrm_kernel_esp_works())
		log_msg(LOG_SEV_ERR, "IPSEC", "DATAPLANE",
			"The kernel refuses ESP SAs (no esp4?): CHILD SAs cannot be installed; "
			"use --dataplane userspace");
	*be = xfrm_backend_ops(k.x);
	return 0;
}

static void on_events(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	xfrm_backend_read_events(k.x);
}

/* IKE must not be caught by our own policies (policy-based SAs with
 * selectors covering the peers): per-socket bypass, as strongSwan does. */
static void socket_bypass(int fd, int family)
{
	struct xfrm_userpolicy_info p;
	for (int dir = XFRM_POLICY_IN; dir <= XFRM_POLICY_OUT; dir++) {
		memset(&p, 0, sizeof(p));
		p.action = XFRM_POLICY_ALLOW;
		p.sel.family = (uint16_t)(family == 6 ? AF_INET6 : AF_INET);
		p.dir = (uint8_t)dir;
		p.lft.soft_byte_limit = p.lft.hard_byte_limit = XFRM_INF;
		p.lft.soft_packet_limit = p.lft.hard_packet_limit = XFRM_INF;
		if (family == 6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_XFRM_POLICY, &p, sizeof(p));
		else
			setsockopt(fd, IPPROTO_IP, IP_XFRM_POLICY, &p, sizeof(p));
	}
}

void ikev2_rt_kernel_attach(void)
{
	if (!k.x || k.attached)
		return;
	k.attached = true;
	int fd = xfrm_backend_event_fd(k.x);
	if (fd >= 0 && ev_add_fd(fd, EPOLLIN, on_events, NULL) == 0)
		k.ev_fd = fd;
	else
		log_msg(LOG_SEV_ERR, "IPSEC", "DATAPLANE",
			"Cannot watch XFRM expiry events: SA lifetimes rely on the IKE timers");
	for (int fam = 4; fam <= 6; fam += 2) {
		int s500 = ikev2_socket_fd(fam, IKEV2_PORT);
		int s4500 = ikev2_socket_fd(fam, IKEV2_NATT_PORT);
		if (s500 >= 0)
			socket_bypass(s500, fam);
		if (s4500 >= 0) {
			socket_bypass(s4500, fam);
			int encap = UDP_ENCAP_ESPINUDP;
			if (setsockopt(s4500, IPPROTO_UDP, UDP_ENCAP, &encap, sizeof(encap)) != 0)
				log_msg(LOG_SEV_ERR, "IPSEC", "DATAPLANE",
					"UDP_ENCAP on port 4500: %s; NAT-T SAs carry no traffic",
					strerror(errno));
		}
	}
	ikev2_rt_kernel_sync();
}

/* ------------------------------------------------------------ links */

static int nlerr(int rc)
{
	return rc == -NLE_EXIST ? -EEXIST : rc == -NLE_OBJ_NOTFOUND ? -ENOENT
	       : rc == -NLE_PERM ? -EPERM : rc == -NLE_OPNOTSUPP ? -EOPNOTSUPP : -EIO;
}

static int link_change(struct ktun *t, int mtu, int up)
{
	struct rtnl_link *orig = rtnl_link_alloc(), *ch = rtnl_link_alloc();
	int rc = -ENOMEM;
	if (orig && ch) {
		rtnl_link_set_ifindex(orig, t->ifindex);
		rtnl_link_set_name(orig, t->name);
		if (mtu > 0)
			rtnl_link_set_mtu(ch, (unsigned)mtu);
		if (up > 0)
			rtnl_link_set_flags(ch, IFF_UP);
		else if (up == 0)
			rtnl_link_unset_flags(ch, IFF_UP);
		rc = rtnl_link_change(k.rt, orig, ch, 0);
		rc = rc < 0 ? nlerr(rc) : 0;
	}
	rtnl_link_put(orig);
	rtnl_link_put(ch);
	return rc;
}

static int link_ifindex(const char *name)
{
	struct rtnl_link *l = NULL;
	if (rtnl_link_get_kernel(k.rt, 0, name, &l) < 0 || !l)
		return 0;
	int idx = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	return idx;
}

static void link_delete(const char *name)
{
	struct rtnl_link *l = rtnl_link_alloc();
	if (!l)
		return;
	rtnl_link_set_name(l, name);
	rtnl_link_delete(k.rt, l);
	rtnl_link_put(l);
}

/* "ip link add TuN type gre local SRC remote DST ttl 255": the GRE packets
 * (protocol 47 between the endpoints) are what the CHILD_SA's plain
 * policies protect. */
static struct rtnl_link *gre_alloc(struct ktun *t)
{
	if (!t->have_key || t->local.family != 4 || t->remote.family != 4)
		return NULL;
	struct rtnl_link *l = rtnl_link_ipgre_alloc();
	uint32_t src, dst;
	memcpy(&src, t->local.ip, 4);
	memcpy(&dst, t->remote.ip, 4);
	if (l && (rtnl_link_ipgre_set_local(l, src) < 0 || rtnl_link_ipgre_set_remote(l, dst) < 0 ||
		  rtnl_link_ipgre_set_ttl(l, 255) < 0)) {
		rtnl_link_put(l);
		return NULL;
	}
	t->gre_local = t->local;
	t->gre_remote = t->remote;
	return l;
}

static int link_create(struct ktun *t)
{
	struct rtnl_link *l;
	if (t->gre) {
		if (!(l = gre_alloc(t)))
			return t->have_key && t->local.family == 4 ? -ENOMEM : -EDESTADDRREQ;
	} else {
		if (!(l = rtnl_link_xfrmi_alloc()))
			return -ENOMEM;
		rtnl_link_xfrmi_set_if_id(l, t->if_id);
	}
	rtnl_link_set_name(l, t->name);
	int rc = rtnl_link_add(k.rt, l, NLM_F_CREATE | NLM_F_EXCL);
	if (rc == -NLE_EXIST) {
		/* left over from an earlier run (its state is unknown) */
		link_delete(t->name);
		rc = rtnl_link_add(k.rt, l, NLM_F_CREATE | NLM_F_EXCL);
	}
	rtnl_link_put(l);
	if (rc < 0)
		return nlerr(rc);
	t->ifindex = link_ifindex(t->name);
	if (!t->ifindex)
		return -ENODEV;
	rt_link_disable_ipv6(t->name);
	t->up = t->have_addr = false;
	t->mtu = 0;
	t->n_routes = 0;
	t->logged[0] = 0;
	return 0;
}

static int addr_op(struct ktun *t, struct in_addr a, unsigned plen, bool add)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *na = nl_addr_build(AF_INET, &a, 4);
	int rc = -ENOMEM;
	if (ra && na) {
		nl_addr_set_prefixlen(na, (int)plen);
		rtnl_addr_set_ifindex(ra, t->ifindex);
		rtnl_addr_set_family(ra, AF_INET);
		rtnl_addr_set_local(ra, na);
		rc = add ? rtnl_addr_add(k.rt, ra, 0) : rtnl_addr_delete(k.rt, ra, 0);
		rc = rc < 0 ? nlerr(rc) : 0;
	}
	nl_addr_put(na);
	rtnl_addr_put(ra);
	return rc;
}

static int route_op(struct ktun *t, const struct kroute *r, bool add)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_build(AF_INET, &r->pfx, 4);
	int rc = -ENOMEM;
	if (rt && nh && dst) {
		nl_addr_set_prefixlen(dst, (int)r->plen);
		rtnl_route_set_family(rt, AF_INET);
		rtnl_route_set_dst(rt, dst);
		rtnl_route_set_table(rt, RT_TABLE_MAIN);
		rtnl_route_set_protocol(rt, RTPROT_STATIC);
		rtnl_route_set_scope(rt, RT_SCOPE_LINK);
		rtnl_route_set_priority(rt, r->metric);
		rtnl_route_nh_set_ifindex(nh, t->ifindex);
		rtnl_route_add_nexthop(rt, nh);
		nh = NULL;	/* owned by the route */
		rc = add ? rtnl_route_add(k.rt, rt, NLM_F_EXCL) : rtnl_route_delete(k.rt, rt, 0);
		rc = rc < 0 ? nlerr(rc) : 0;
	}
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(dst);
	rtnl_route_put(rt);
	return rc;
}

/* ------------------------------------------------------------ sync */

/* An sVTI that gets an xfrm interface, or a protected GRE/IP tunnel that
 * gets a gre link (as for the userspace TUN). */
static bool wanted(const struct tunnel_ifconf *ifc, struct in_addr *addr, unsigned *plen, bool *gre)
{
	if (ifc->type != TUNNEL_IF_TUNNEL || ifc->shutdown)
		return false;
	*gre = ifc->mode == TUNNEL_MODE_GRE_IP && ifc->protection[0];
	if (ifc->mode != TUNNEL_MODE_IPSEC_IPV4 && !*gre)
		return false;
	struct in_addr mask;
	if (!tunnel_if_ipv4(ifc, addr, &mask) || !ikev2_rt_kernel_if_id(ifc->name))
		return false;
	*plen = ifc->ipv4_method == TUNNEL_IPV4_UNNUMBERED ? 32 : (unsigned)tunnel_mask_plen(mask);
	return true;
}

static unsigned wanted_routes(const struct ktun *t, struct kroute *out, unsigned max)
{
	unsigned n = 0;
	int cnt = tunnel_route_count();
	for (int i = 0; i < cnt && n < max; i++) {
		const struct tunnel_route *r = tunnel_route_at(i);
		char norm[TUNNEL_IFNAME_MAX];
		if (!r || r->vrf[0] || !r->ifname[0] ||
		    tunnel_ifname_normalize(r->ifname, norm, sizeof(norm)) != 0 ||
		    strcasecmp(norm, t->ifname) != 0)
			continue;
		if (r->track && tunnel_track_state(r->track) == 0)
			continue;
		struct kroute x = {.plen = (unsigned)tunnel_mask_plen(r->mask)};
		x.pfx.s_addr = r->prefix.s_addr & r->mask.s_addr;
		x.metric = r->distance > 0 ? (uint32_t)r->distance : 1;
		bool dup = false;
		for (unsigned j = 0; j < n; j++)
			dup |= out[j].pfx.s_addr == x.pfx.s_addr && out[j].plen == x.plen;
		if (!dup)
			out[n++] = x;
	}
	return n;
}

static bool route_in(const struct kroute *v, unsigned n, const struct kroute *r)
{
	for (unsigned i = 0; i < n; i++)
		if (v[i].pfx.s_addr == r->pfx.s_addr && v[i].plen == r->plen &&
		    v[i].metric == r->metric)
			return true;
	return false;
}

static void sync_routes(struct ktun *t)
{
	static struct kroute want[MAXROUTES];
	unsigned nw = t->up ? wanted_routes(t, want, MAXROUTES) : 0;
	for (unsigned i = 0; i < t->n_routes;) {
		if (route_in(want, nw, &t->routes[i])) {
			i++;
			continue;
		}
		route_op(t, &t->routes[i], false);
		t->routes[i] = t->routes[--t->n_routes];
	}
	for (unsigned j = 0; j < nw && t->n_routes < MAXROUTES; j++) {
		if (route_in(t->routes, t->n_routes, &want[j]))
			continue;
		int rc = route_op(t, &want[j], true);
		if (rc != 0 && rc != -EEXIST) {
			char a[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &want[j].pfx, a, sizeof(a));
			tun_log(t, "cannot install the route %s/%u: %s", a, want[j].plen,
				strerror(-rc));
			continue;
		}
		t->routes[t->n_routes++] = want[j];
	}
}

static void sync_one(struct ktun *t, const struct tunnel_ifconf *ifc, struct in_addr addr,
		     unsigned plen, uint64_t now)
{
	struct ikev2_glue_tunnel g;
	char why[160];
	t->have_key = ikev2_glue_tunnel_from_if(ifc, &g, why, sizeof(why)) == 0;
	if (t->have_key) {
		t->local = g.local;
		t->remote = g.remote;
	}
	if (t->ifindex && t->gre &&
	    (!t->have_key || !ipsec_addr_eq(&t->local, &t->gre_local) ||
	     !ipsec_addr_eq(&t->remote, &t->gre_remote))) {
		/* new tunnel source / destination: a new gre link */
		link_delete(t->name);
		t->ifindex = 0;
		t->retry_at = 0;
	}
	if (!t->ifindex) {
		if (now < t->retry_at)
			return;
		t->retry_at = now + RETRY_MS;
		int rc = link_create(t);
		if (rc != 0) {
			tun_log(t, "cannot create the %s %s: %s", t->gre ? "gre link" : "xfrm interface",
				t->name, strerror(-rc));
			t->ifindex = 0;
			return;
		}
	}
	if (!t->have_addr || t->addr.s_addr != addr.s_addr || t->plen != plen) {
		if (t->have_addr)
			addr_op(t, t->addr, t->plen, false);
		int rc = addr_op(t, addr, plen, true);
		t->have_addr = rc == 0 || rc == -EEXIST;
		if (t->have_addr) {
			t->addr = addr;
			t->plen = plen;
		} else {
			tun_log(t, "cannot set the address: %s", strerror(-rc));
		}
	}
	t->mss = ifc->tcp_mss > 0 && ifc->tcp_mss < 65536 ? (uint16_t)ifc->tcp_mss : 0;
	t->path_mtu = t->have_key ? rt_link_path_mtu(&t->remote) : 1500;
	unsigned mtu = ifc->ip_mtu > 0 ? (unsigned)ifc->ip_mtu
		       : t->path_mtu - ESP_OVERHEAD - (t->gre ? GRE_OVERHEAD : 0);
	if (mtu < 68)
		mtu = 68;
	if (mtu != t->mtu) {
		int rc = link_change(t, (int)mtu, -1);
		if (rc == 0)
			t->mtu = mtu;
		else
			tun_log(t, "cannot set the MTU %u: %s", mtu, strerror(-rc));
	}
	bool line = ikev2_tunnel_is_up(t->ifname);
	if (line != t->up) {
		int rc = link_change(t, -1, line ? 1 : 0);
		if (rc == 0) {
			t->up = line;
			if (!line)
				t->n_routes = 0;	/* the kernel dropped them */
		} else {
			tun_log(t, "cannot set the interface %s: %s", line ? "up" : "down",
				strerror(-rc));
		}
	}
	sync_routes(t);
}

static void tun_remove(struct ktun *t)
{
	if (t->ifindex && k.rt)
		link_delete(t->name);	/* its addresses and routes go with it */
	free(t);
}

static void mss_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mss_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_changed(k.mss_logged, NULL, fmt, ap);
	va_end(ap);
}

/* "ip tcp adjust-mss" of the tunnels that have a link: the kernel forwards
 * their packets, so netfilter clamps the SYNs (rewritten only on change). */
static void sync_mss(uint64_t now)
{
	unsigned n = 0;
	for (struct ktun *t = k.tuns; t; t = t->next)
		n += t->ifindex && t->mss;
	struct nft_mss_rule *want = n ? calloc(n, sizeof(*want)) : NULL;
	if (n && !want)
		return;
	unsigned i = 0;
	for (struct ktun *t = k.tuns; t; t = t->next) {
		if (!t->ifindex || !t->mss)
			continue;
		snprintf(want[i].ifname, sizeof(want[i].ifname), "%s", t->name);
		want[i++].mss = t->mss;
	}
	bool same = k.mss_applied && n == k.n_mss &&
		    (!n || memcmp(want, k.mss, n * sizeof(*want)) == 0);
	bool nothing = !n && !k.mss_applied && !k.n_mss;
	if (same || nothing || now < k.mss_retry_at) {
		free(want);
		return;
	}
	int rc = nft_mss_apply(want, n);
	free(k.mss);
	k.mss = want;
	k.n_mss = n;
	k.mss_applied = rc == 0;
	if (rc == 0) {
		k.mss_retry_at = 0;
		k.mss_logged[0] = 0;
		return;
	}
	k.mss_retry_at = now + RETRY_MS;
	mss_log("ip tcp adjust-mss: cannot install the nf_tables rules (table ip %s): %s%s",
		NFT_MSS_TABLE, strerror(-rc),
		rc == -EPROTONOSUPPORT ? " (no nf_tables in this kernel): SYNs are not clamped" : "");
}

void ikev2_rt_kernel_sync(void)
{
	if (!k.x || !k.attached)
		return;
	uint64_t now = ikev2_runtime_now_ms();
	for (struct ktun *t = k.tuns; t; t = t->next)
		t->seen = false;
	int n = tunnel_if_count();
	for (int i = 0; i < n; i++) {
		const struct tunnel_ifconf *ifc = tunnel_if_at(i);
		struct in_addr addr;
		unsigned plen;
		bool gre;
		if (!ifc || !wanted(ifc, &addr, &plen, &gre))
			continue;
		struct ktun *t = k.tuns;
		while (t && strcasecmp(t->ifname, ifc->name) != 0)
			t = t->next;
		if (!t) {
			t = calloc(1, sizeof(*t));
			if (!t)
				continue;
			snprintf(t->ifname, sizeof(t->ifname), "%s", ifc->name);
			if (tun_linux_name(ifc->name, t->name, sizeof(t->name)) != 0) {
				free(t);
				continue;
			}
			t->if_id = ikev2_rt_kernel_if_id(ifc->name);
			t->next = k.tuns;
			k.tuns = t;
		}
		t->seen = true;
		if (t->gre != gre) {
			/* tunnel mode changed: the other kind of link */
			if (t->ifindex)
				link_delete(t->name);
			t->ifindex = 0;
			t->retry_at = 0;
			t->gre = gre;
		}
		sync_one(t, ifc, addr, plen, now);
	}
	for (struct ktun **pp = &k.tuns; *pp;) {
		struct ktun *t = *pp;
		if (t->seen) {
			pp = &t->next;
			continue;
		}
		*pp = t->next;
		tun_remove(t);
	}
	sync_mss(now);
}

void ikev2_rt_kernel_stop(void)
{
	if (k.ev_fd >= 0)
		ev_del_fd(k.ev_fd);
	k.ev_fd = -1;
	k.attached = false;
	while (k.tuns) {
		struct ktun *t = k.tuns;
		k.tuns = t->next;
		tun_remove(t);
	}
	if (k.mss_applied && k.n_mss)
		nft_mss_apply(NULL, 0);
	free(k.mss);
	k.mss = NULL;
	k.n_mss = 0;
	k.mss_applied = false;
	k.mss_retry_at = 0;
	xfrm_backend_free(k.x);
	k.x = NULL;
	if (k.rt)
		nl_socket_free(k.rt);
	k.rt = NULL;
}

int ikev2_rt_kernel_tunnel(const char *ifname, struct ikev2_rt_kernel_tunnel *out)
{
	memset(out, 0, sizeof(*out));
	struct ktun *t = k.x ? k.tuns : NULL;
	while (t && strcasecmp(t->ifname, ifname) != 0)
		t = t->next;
	if (!t)
		return -1;
	snprintf(out->ifname, sizeof(out->ifname), "%s", t->ifname);
	snprintf(out->linux_name, sizeof(out->linux_name), "%s", t->name);
	out->ifindex = t->ifindex;
	out->if_id = t->gre ? 0 : t->if_id;
	out->gre = t->gre;
	out->up = t->up;
	out->mtu = t->mtu;
	out->path_mtu = t->path_mtu;
	out->n_routes = t->n_routes;
	return 0;
}
