/*
 * IPsec SAs of the live data plane, the IOS way:
 *
 *   show crypto ipsec sa [peer A.B.C.D | interface TunnelN] [detail]
 *   show crypto session [local A.B.C.D | remote A.B.C.D | interface TunnelN] [detail]
 *   clear crypto sa [peer A.B.C.D | counters]
 *
 * One block per protected Tunnel interface (tunnel protection ipsec
 * profile) and per Virtual-Access of a FlexVPN server session, as IOS
 * prints one per interface with crypto: the counters are
 * the tunnel's (kept across rekeys by the userspace data plane, see
 * docs/dataplane.md "Counters"), the SAs are those bound to its TUN.  The
 * detail form is what ntc-templates' cisco_ios_show_crypto_ipsec_sa_detail
 * parses.  With the kernel XFRM data plane the SAs and counters are the
 * kernel's (ipsec/show_ipsec_sa_kernel.c): the sums over the tunnel's SAs
 * still installed, so they restart with each rekey, and "#pkts invalid sa"
 * is the namespace's XfrmInNoStates.  Where IOS shows values that do not
 * exist here the output says what is true: flow_id "SW:n" (software crypto), conn id derived from the
 * CHILD_SA, "#pkts invalid sa (rcv)" data-plane wide (a packet with an
 * unknown SPI belongs to no tunnel).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grammar/cmd.h"
#include "ikev2/runtime.h"
#include "ikev2/runtime_dataplane.h"
#include "ikev2/runtime_glue.h"
#include "ikev2/runtime_kernel.h"
#include "ipsec/backend_xfrm.h"
#include "ipsec/config.h"
#include "ipsec/show_ipsec_sa_kernel.h"
#include "ipsec/userspace.h"
#include "lib/buf.h"
#include "tunnel/tunnel.h"
#include "tunnel/virtual_access.h"

/* ------------------------------------------------------------ helpers */

#define U(x) ((unsigned long long)(x))

static const char *ip4(const uint8_t *ip, char *buf, size_t len)
{
	return inet_ntop(AF_INET, ip, buf, (socklen_t)len) ? buf : "0.0.0.0";
}

static const char *addr_str(const struct ipsec_addr *a, char *buf, size_t len)
{
	if (a->family == 6)
		return inet_ntop(AF_INET6, a->ip, buf, (socklen_t)len) ? buf : "::";
	return ip4(a->ip, buf, len);
}

static void hms(char *out, size_t len, uint64_t secs)
{
	snprintf(out, len, "%02llu:%02llu:%02llu", (unsigned long long)(secs / 3600),
		 (unsigned long long)(secs / 60 % 60), (unsigned long long)(secs % 60));
}

/* The CHILD_SAs of an IKE SA (snapshot). */
struct children {
	struct ikev2_child_info v[16];
	unsigned n;
};

static void children_cb(void *arg, const struct ikev2_child_info *c)
{
	struct children *ch = arg;
	if (c->state == IKEV2_CHILD_DELETED || ch->n >= sizeof(ch->v) / sizeof(ch->v[0]))
		return;
	ch->v[ch->n++] = *c;
}

/* Everything one block needs about a protected tunnel. */
struct tview {
	const struct tunnel_ifconf *ifc;
	bool have_key;
	struct ikev2_glue_tunnel key;	/* source / destination */
	struct ikev2_tunnel_status st;
	bool have_ike;
	struct ikev2_ike_info ike;
	struct children ch;
	const struct ikev2_child_info *child;	/* the newest installed one */
	bool have_dp;
	struct ikev2_rt_dp_tunnel dt;
	struct userspace_tunnel_info ti;
	bool have_kernel;		/* kernel XFRM data plane (no have_dp) */
	struct kernel_sa_view kv;
	bool have_kt;
	struct ikev2_rt_kernel_tunnel kt;
};

/* A Virtual-Access carries its session's IKE SA (the hub is responder:
 * no runtime tunnel state). */
static void tview_fill_va(struct tview *v, const struct tunnel_va *va)
{
	v->st.state = IKEV2_TUN_UP;
	v->st.ike_id = va->ike_id;
	v->have_key = true;
	v->key.local.family = v->key.remote.family = 4;
	memcpy(v->key.local.ip, &va->src, 4);
	memcpy(v->key.remote.ip, &va->dst, 4);
}

static void tview_fill(struct tview *v, const struct tunnel_ifconf *ifc)
{
	memset(v, 0, sizeof(*v));
	v->ifc = ifc;
	char why[160];
	const struct tunnel_va *va = tunnel_va_find(ifc->name);
	if (va) {
		tview_fill_va(v, va);
	} else {
		ikev2_tunnel_status(ifc->name, &v->st);	/* state NONE when not managed */
		v->have_key = ikev2_glue_tunnel_from_if(ifc, &v->key, why, sizeof(why)) == 0;
	}
	struct ikev2_engine *e = ikev2_runtime_engine();
	if (v->st.ike_id && e && ikev2_engine_ike_info(e, v->st.ike_id, &v->ike) == 0) {
		v->have_ike = true;
		ikev2_engine_foreach_child(e, v->ike.id, children_cb, &v->ch);
		for (unsigned i = 0; i < v->ch.n; i++) {
			const struct ikev2_child_info *c = &v->ch.v[i];
			if ((c->state == IKEV2_CHILD_INSTALLED || c->state == IKEV2_CHILD_REKEYING) &&
			    (!v->child || c->created_ms >= v->child->created_ms))
				v->child = c;
		}
	}
	struct userspace_dp *dp = ikev2_rt_dp();
	if (dp && ikev2_rt_dp_tunnel(ifc->name, &v->dt) == 0 &&
	    userspace_tunnel_info(dp, v->dt.id, &v->ti) == 0)
		v->have_dp = true;
	if (!v->have_dp && ikev2_rt_kernel() && ifc->type == TUNNEL_IF_TUNNEL) {
		/* sVTI: the xfrm interface's if_id; GRE: the endpoints' SAs */
		uint32_t if_id = ifc->mode == TUNNEL_MODE_IPSEC_IPV4 ? ikev2_rt_kernel_if_id(ifc->name) : 0;
		if (if_id || (ifc->mode == TUNNEL_MODE_GRE_IP && v->have_key))
			v->have_kernel = kernel_sa_view_get(if_id, &v->key.local, &v->key.remote, &v->kv);
		v->have_kt = ikev2_rt_kernel_tunnel(ifc->name, &v->kt) == 0;
	}
}

/* Local / remote address of the tunnel: the IKE SA's, else the config's. */
static void tview_addrs(const struct tview *v, struct ipsec_addr *local, struct ipsec_addr *remote)
{
	memset(local, 0, sizeof(*local));
	memset(remote, 0, sizeof(*remote));
	local->family = remote->family = 4;
	remote->port = 500;
	if (v->have_ike) {
		*local = v->ike.local;
		*remote = v->ike.remote;
	} else if (v->have_key) {
		*local = v->key.local;
		*remote = v->key.remote;
	} else if (v->ifc->dst.kind == TUNNEL_EP_IPV4) {
		memcpy(remote->ip, &v->ifc->dst.v4, 4);
	}
}

static bool is_protected_tunnel(const struct tunnel_ifconf *ifc)
{
	return ifc && ifc->type == TUNNEL_IF_TUNNEL && ifc->protection[0];
}

/* What the shows list: protected Tunnels and the hub's Virtual-Accesses. */
static bool is_crypto_if(const struct tunnel_ifconf *ifc)
{
	return is_protected_tunnel(ifc) ||
	       (ifc && ifc->type == TUNNEL_IF_VIRTUAL_ACCESS && tunnel_va_find(ifc->name));
}

/* Filters of the show / clear commands. */
struct filter {
	bool peer, local, iface;
	struct ipsec_addr peer_addr, local_addr;
	char ifname[TUNNEL_IFNAME_MAX];
};

static bool ip_after(struct cmdctx *c, const char *kw, struct ipsec_addr *out)
{
	const char *t = cmd_text_after(c, kw);
	memset(out, 0, sizeof(*out));
	out->family = 4;
	return t && inet_pton(AF_INET, t, out->ip) == 1;
}

/* The interface named after "interface" (its words joined). */
static bool iface_after(struct cmdctx *c, char *out, size_t len)
{
	int i = cmd_find(c, "interface");
	if (i < 0)
		return false;
	char raw[64] = "";
	for (int k = i + 1; k < c->cmd->nargs; k++) {
		const struct cmdarg *a = cmd_arg(c, k);
		if (!a || (a->kind == ARG_KEYWORD && strcmp(a->name, "detail") == 0))
			break;
		strncat(raw, a->text, sizeof(raw) - strlen(raw) - 1);
	}
	return tunnel_ifname_normalize(raw, out, len) == 0;
}

static void filter_from(struct cmdctx *c, struct filter *f)
{
	memset(f, 0, sizeof(*f));
	f->peer = ip_after(c, "peer", &f->peer_addr) || ip_after(c, "remote", &f->peer_addr);
	f->local = ip_after(c, "local", &f->local_addr);
	f->iface = iface_after(c, f->ifname, sizeof(f->ifname));
}

static bool filter_ok(const struct filter *f, const struct tview *v)
{
	struct ipsec_addr l, r;
	tview_addrs(v, &l, &r);
	if (f->peer && !ipsec_addr_eq(&f->peer_addr, &r))
		return false;
	if (f->local && !ipsec_addr_eq(&f->local_addr, &l))
		return false;
	if (f->iface && strcasecmp(f->ifname, v->ifc->name) != 0)
		return false;
	return true;
}

/* ------------------------------------------------------------ show crypto ipsec sa */

static void transform_name(const struct userspace_sa_info *s, char *out, size_t len)
{
	const char *integ = "";
	switch (s->integ) {
	case IPSEC_IANA_AUTH_HMAC_SHA1_96: integ = " esp-sha-hmac"; break;
	case IPSEC_IANA_AUTH_HMAC_SHA2_256_128: integ = " esp-sha256-hmac"; break;
	case IPSEC_IANA_AUTH_HMAC_SHA2_384_192: integ = " esp-sha384-hmac"; break;
	case IPSEC_IANA_AUTH_HMAC_SHA2_512_256: integ = " esp-sha512-hmac"; break;
	default: break;
	}
	if (s->encr == IPSEC_IANA_ENCR_AES_GCM_16) {
		if (s->encr_keybits && s->encr_keybits != 128)
			snprintf(out, len, "esp-gcm %u", s->encr_keybits);
		else
			snprintf(out, len, "esp-gcm");
	} else if (s->encr == IPSEC_IANA_ENCR_AES_CBC) {
		if (s->encr_keybits && s->encr_keybits != 128)
			snprintf(out, len, "esp-%u-aes%s", s->encr_keybits, integ);
		else
			snprintf(out, len, "esp-aes%s", integ);
	} else {
		snprintf(out, len, "esp-null%s", integ);
	}
}

struct sa_list {
	struct userspace_sa_info *v;
	unsigned n, cap;
	uint32_t tunnel_id;
};

static void sa_list_cb(void *arg, const struct userspace_sa_info *s)
{
	struct sa_list *l = arg;
	if (s->tunnel_id != l->tunnel_id)
		return;
	if (l->n == l->cap) {
		unsigned cap = l->cap ? l->cap * 2 : 8;
		struct userspace_sa_info *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *s;
}

/* The tunnel's SAs (newest first) into l; free l->v. */
static void tview_sas(const struct tview *v, struct sa_list *l)
{
	if (v->have_dp) {
		l->tunnel_id = v->dt.id;
		userspace_foreach_sa(ikev2_rt_dp(), sa_list_cb, l);
	} else if (v->have_kernel && v->kv.n) {
		l->v = malloc(v->kv.n * sizeof(*l->v));
		if (l->v) {
			memcpy(l->v, v->kv.v, v->kv.n * sizeof(*l->v));
			l->n = l->cap = v->kv.n;
		}
	}
}

/* The tunnel's counters, with the errors of its device. */
static void tview_counters(const struct tview *v, struct userspace_counters *c,
			   uint64_t *send_err, uint64_t *recv_err)
{
	memset(c, 0, sizeof(*c));
	*send_err = *recv_err = 0;
	if (v->have_dp) {
		*c = v->ti.c;
		*send_err = c->send_errors + v->dt.tx_sock_errors;
		*recv_err = c->recv_errors + v->dt.rx_tun_errors;
	} else if (v->have_kernel) {
		*c = v->kv.c;
		*send_err = c->send_errors;
		*recv_err = c->recv_errors;
	}
}

static void print_sa(struct buf *b, const struct userspace_sa_info *s, const char *map)
{
	char tr[64];
	transform_name(s, tr, sizeof(tr));
	unsigned conn = (unsigned)(2000 + s->child_sa_id * 2 + (s->inbound ? 0 : 1));
	buf_printf(b, "      spi: 0x%X(%u)\n", s->key.spi, s->key.spi);
	buf_printf(b, "        transform: %s ,\n", tr);
	buf_printf(b, "        in use settings ={%s%s, %s}\n",
		   s->mode == IPSEC_SA_TRANSPORT ? "Transport" : "Tunnel",
		   s->encap ? " UDP-Encaps" : "", s->esn ? "esn" : "");
	buf_printf(b, "        conn id: %u, flow_id: SW:%u, sibling_flags 80000048, crypto map: %s\n",
		   conn, conn - 2000, map);
	unsigned long long secs = s->remaining_seconds == UINT64_MAX ? 0 : s->remaining_seconds;
	if (s->remaining_kbytes == UINT64_MAX) {
		buf_printf(b, "        sa timing: remaining key lifetime (sec): %llu\n", secs);
		buf_adds(b, "        Kilobyte Volume Rekey has been disabled\n");
	} else {
		buf_printf(b, "        sa timing: remaining key lifetime (k/sec): (%llu/%llu)\n",
			   (unsigned long long)s->remaining_kbytes, secs);
	}
	buf_printf(b, "        IV size: %u bytes\n", s->iv_len);
	if (s->replay_window)
		buf_printf(b, "        replay detection support: Y  replay window size: %u\n",
			   s->replay_window);
	else
		buf_adds(b, "        replay detection support: N\n");
	buf_printf(b, "        Status: %s\n", s->hard_expired ? "EXPIRED(EXPIRED)" : "ACTIVE(ACTIVE)");
}

static void print_sas(struct buf *b, const struct sa_list *l, bool inbound, const char *map)
{
	buf_printf(b, "     %s esp sas:\n", inbound ? "inbound" : "outbound");
	/* the data plane lists newest first: IOS shows the older ones first */
	for (unsigned i = l->n; i-- > 0;)
		if (l->v[i].inbound == inbound)
			print_sa(b, &l->v[i], map);
	buf_printf(b, "\n     %s ah sas:\n\n     %s pcp sas:\n", inbound ? "inbound" : "outbound",
		   inbound ? "inbound" : "outbound");
	if (inbound)
		buf_adds(b, "\n");
}

/* "(0.0.0.0/0.0.0.0/0/0)" for a selector (a range that is not a prefix:
 * its start with the largest mask that covers it). */
static void ident(char *out, size_t len, const struct ipsec_ts *ts, unsigned n)
{
	if (!n || ts[0].family != 4) {
		snprintf(out, len, "(0.0.0.0/0.0.0.0/0/0)");
		return;
	}
	uint32_t s, e;
	memcpy(&s, ts[0].start, 4);
	memcpy(&e, ts[0].end, 4);
	s = ntohl(s);
	e = ntohl(e);
	/* the leading bits start and end share */
	unsigned plen = 0;
	while (plen < 32 && !((s ^ e) & (0x80000000u >> plen)))
		plen++;
	uint32_t mask = plen ? 0xffffffffu << (32 - plen) : 0;
	uint32_t na = htonl(s & mask), nm = htonl(mask);
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];
	unsigned port = ts[0].start_port == ts[0].end_port ? ts[0].start_port : 0;
	snprintf(out, len, "(%s/%s/%u/%u)", ip4((uint8_t *)&na, a, sizeof(a)),
		 ip4((uint8_t *)&nm, m, sizeof(m)), ts[0].proto, port);
}

static const char *dh_name(uint16_t dh, char *buf, size_t len)
{
	if (!dh)
		return "none";
	snprintf(buf, len, "group%u", dh);
	return buf;
}

/* Show each protected tunnel that passes the filter, blank-line separated. */
static void foreach_tview(struct buf *b, const struct filter *f, bool detail,
			  void (*show)(struct buf *, const struct tview *, bool, uint64_t), uint64_t arg)
{
	bool first = true;
	int n = tunnel_if_count();
	for (int i = 0; i < n; i++) {
		const struct tunnel_ifconf *ifc = tunnel_if_at(i);
		if (!is_crypto_if(ifc))
			continue;
		struct tview *v = malloc(sizeof(*v));
		if (!v)
			return;
		tview_fill(v, ifc);
		if (filter_ok(f, v)) {
			if (!first)
				buf_adds(b, "\n");
			first = false;
			show(b, v, detail, arg);
		}
		kernel_sa_view_free(&v->kv);
		free(v);
	}
}

static void show_one_sa(struct buf *b, const struct tview *v, bool detail, uint64_t invalid_sa)
{
	const struct tunnel_ifconf *ifc = v->ifc;
	struct ipsec_addr l, r;
	tview_addrs(v, &l, &r);
	char la[64], ra[64], map[TUNNEL_IFNAME_MAX + 16];
	snprintf(map, sizeof(map), "%s-head-0", ifc->name);
	addr_str(&l, la, sizeof(la));
	addr_str(&r, ra, sizeof(ra));
	buf_printf(b, "interface: %s\n", ifc->name);
	buf_printf(b, "    Crypto map tag: %s, local addr %s\n\n", map, la);
	buf_printf(b, "   protected vrf: %s\n", ifc->vrf[0] ? ifc->vrf : "(none)");
	char li[96], ri[96];
	ident(li, sizeof(li), v->child ? v->child->ts_local : NULL, v->child ? v->child->n_ts_local : 0);
	ident(ri, sizeof(ri), v->child ? v->child->ts_remote : NULL,
	      v->child ? v->child->n_ts_remote : 0);
	buf_printf(b, "   local  ident (addr/mask/prot/port): %s\n", li);
	buf_printf(b, "   remote ident (addr/mask/prot/port): %s\n", ri);
	buf_printf(b, "   current_peer %s port %u\n", ra, r.port ? r.port : 500);
	buf_adds(b, "     PERMIT, flags={origin_is_acl,}\n");
	struct userspace_counters c;
	uint64_t send_err, recv_err;
	tview_counters(v, &c, &send_err, &recv_err);
	buf_printf(b, "    #pkts encaps: %llu, #pkts encrypt: %llu, #pkts digest: %llu\n",
		   U(c.pkts_encaps), U(c.pkts_encaps), U(c.pkts_encaps));
	buf_printf(b, "    #pkts decaps: %llu, #pkts decrypt: %llu, #pkts verify: %llu\n",
		   U(c.pkts_decaps), U(c.pkts_decaps), U(c.pkts_decaps));
	buf_adds(b, "    #pkts compressed: 0, #pkts decompressed: 0\n"
		    "    #pkts not compressed: 0, #pkts compr. failed: 0\n"
		    "    #pkts not decompressed: 0, #pkts decompress failed: 0\n");
	if (detail) {
		buf_printf(b, "    #pkts no sa (send) %llu, #pkts invalid sa (rcv) %llu\n",
			   U(c.no_sa_send), U(invalid_sa));
		buf_printf(b, "    #pkts encaps failed (send) %llu, #pkts decaps failed (rcv) %llu\n",
			   U(c.encaps_failed), U(c.decaps_failed));
		buf_printf(b, "    #pkts invalid prot (recv) %llu, #pkts verify failed: %llu\n",
			   U(c.invalid_prot), U(c.verify_failed));
		buf_printf(b, "    #pkts invalid identity (recv) %llu, #pkts invalid len (rcv) %llu\n",
			   U(c.invalid_identity), U(c.invalid_len));
		buf_printf(b, "    #pkts replay rollover (send): %llu, #pkts replay rollover (rcv) 0\n",
			   U(c.replay_rollover_send));
		buf_printf(b, "    ##pkts replay failed (rcv): %llu\n", U(c.replay_failed));
		buf_adds(b, "    #pkts tagged (send): 0, #pkts untagged (rcv): 0\n"
			    "    #pkts not tagged (send): 0, #pkts not untagged (rcv): 0\n");
		buf_printf(b, "    #pkts internal err (send): %llu, #pkts internal err (recv) %llu\n",
			   U(c.internal_err_send + (v->have_dp ? v->dt.tx_sock_errors : 0)),
			   U(c.internal_err_recv + (v->have_dp ? v->dt.rx_tun_errors : 0)));
	} else {
		buf_printf(b, "    #send errors %llu, #recv errors %llu\n", U(send_err), U(recv_err));
	}
	buf_printf(b, "\n     local crypto endpt.: %s, remote crypto endpt.: %s\n", la, ra);
	unsigned path = v->have_dp && v->dt.path_mtu ? v->dt.path_mtu
			: v->have_kt && v->kt.path_mtu ? v->kt.path_mtu : 1500;
	unsigned plain = v->have_dp && v->dt.mtu ? v->dt.mtu
			 : v->have_kt && v->kt.mtu ? v->kt.mtu
			 : ifc->ip_mtu > 0 ? (unsigned)ifc->ip_mtu : path;
	const char *idb = v->have_dp && v->dt.path_dev[0] ? v->dt.path_dev
			  : ifc->src.kind == TUNNEL_EP_INTERFACE ? ifc->src.name : "unknown";
	buf_printf(b, "     plaintext mtu %u, path mtu %u, ip mtu %u, ip mtu idb %s\n", plain, path,
		   path, idb);
	uint32_t spi = v->have_dp ? v->ti.spi_out : v->have_kernel ? v->kv.spi_out : 0;
	buf_printf(b, "     current outbound spi: 0x%X(%u)\n", spi, spi);
	char g[16];
	uint16_t dh = v->child ? v->child->dh : 0;
	buf_printf(b, "     PFS (Y/N): %s, DH group: %s\n\n", dh ? "Y" : "N", dh_name(dh, g, sizeof(g)));
	struct sa_list sl = {NULL, 0, 0, 0};
	tview_sas(v, &sl);
	print_sas(b, &sl, true, map);
	print_sas(b, &sl, false, map);
	free(sl.v);
}

/* The kernel's count of ESP packets with an unknown SPI (this namespace). */
static uint64_t xfrm_in_no_states(void)
{
	FILE *f = fopen("/proc/net/xfrm_stat", "re");
	unsigned long long n = 0;
	char line[128];
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "XfrmInNoStates %llu", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

static void show_ipsec_sa(struct buf *b, const struct filter *f, bool detail)
{
	uint64_t invalid_sa = 0;
	if (ikev2_rt_dp()) {
		struct userspace_dp_stats st;
		userspace_dp_get_stats(ikev2_rt_dp(), &st);
		invalid_sa = st.invalid_sa_recv;
	} else if (ikev2_rt_kernel()) {
		invalid_sa = xfrm_in_no_states();
	}
	foreach_tview(b, f, detail, show_one_sa, invalid_sa);
}

int h_ipsec_rt_show_sa(struct cmdctx *c)
{
	struct filter f;
	filter_from(c, &f);
	show_ipsec_sa(c->out, &f, cmd_has(c, "detail"));
	return 0;
}

/* ------------------------------------------------------------ show crypto session */

struct sess_sa {
	bool in_any, out_any;
	uint64_t in_pkts, out_pkts, in_drop, out_drop;
	uint64_t in_kb, out_kb, in_sec, out_sec;
	unsigned active;
};

static void session_sas(const struct tview *v, struct sess_sa *s)
{
	memset(s, 0, sizeof(*s));
	if (!v->have_dp && !v->have_kernel)
		return;
	struct sa_list sl = {NULL, 0, 0, 0};
	tview_sas(v, &sl);
	struct userspace_counters c;
	tview_counters(v, &c, &s->out_drop, &s->in_drop);
	s->in_pkts = c.pkts_decaps;
	s->out_pkts = c.pkts_encaps;
	/* life of the newest SA of each direction (listed first) */
	for (unsigned i = 0; i < sl.n; i++) {
		const struct userspace_sa_info *x = &sl.v[i];
		if (x->hard_expired)
			continue;
		s->active++;
		uint64_t kb = x->remaining_kbytes == UINT64_MAX ? 0 : x->remaining_kbytes;
		uint64_t sec = x->remaining_seconds == UINT64_MAX ? 0 : x->remaining_seconds;
		if (x->inbound && !s->in_any) {
			s->in_any = true;
			s->in_kb = kb;
			s->in_sec = sec;
		} else if (!x->inbound && !s->out_any) {
			s->out_any = true;
			s->out_kb = kb;
			s->out_sec = sec;
		}
	}
	free(sl.v);
}

static const char *session_status(const struct tview *v)
{
	if (v->have_ike && v->child)
		return "UP-ACTIVE";
	if (v->have_ike && (v->ike.state == IKEV2_IKE_ESTABLISHED ||
			    v->ike.state == IKEV2_IKE_REKEYING))
		return "UP-IDLE";
	if (v->have_ike || v->st.state == IKEV2_TUN_CONNECTING)
		return "DOWN-NEGOTIATING";
	return "DOWN";
}

static void show_one_session(struct buf *b, const struct tview *v, bool detail, uint64_t now)
{
	struct ipsec_addr l, r;
	tview_addrs(v, &l, &r);
	char la[64], ra[64];
	addr_str(&l, la, sizeof(la));
	addr_str(&r, ra, sizeof(ra));
	buf_printf(b, "Interface: %s\n", v->ifc->name);
	if (v->have_ike && v->ike.profile[0])
		buf_printf(b, "Profile: %s\n", v->ike.profile);
	uint64_t up = v->have_ike && v->ike.established_ms && now > v->ike.established_ms
			      ? (now - v->ike.established_ms) / 1000
			      : 0;
	char t[32];
	if (detail && v->have_ike && v->ike.established_ms) {
		hms(t, sizeof(t), up);
		buf_printf(b, "Uptime: %s\n", t);
	}
	buf_printf(b, "Session status: %s\n", session_status(v));
	unsigned port = r.port ? r.port : 500;
	if (detail) {
		const char *ivrf = v->ifc->vrf[0] ? v->ifc->vrf : "(none)";
		const char *fvrf = v->ifc->tunnel_vrf[0] ? v->ifc->tunnel_vrf : "(none)";
		buf_printf(b, "Peer: %s port %u fvrf: %s ivrf: %s\n", ra, port, fvrf, ivrf);
		char id[IKEV2_ID_MAX * 2 + 8];
		buf_printf(b, "      Phase1_id: %s\n",
			   v->have_ike && v->ike.remote_id.type
				   ? ikev2_glue_id_str(&v->ike.remote_id, id, sizeof(id))
				   : v->have_ike ? ra : "(none)");
		buf_printf(b, "      Desc: %s\n", v->ifc->description[0] ? v->ifc->description : "(none)");
	} else {
		buf_printf(b, "Peer: %s port %u\n", ra, port);
	}
	if (v->have_ike) {
		buf_printf(b, "  Session ID: %u\n", ikev2_runtime_session_id(&v->ike.local, &v->ike.remote));
		bool active = v->ike.state == IKEV2_IKE_ESTABLISHED || v->ike.state == IKEV2_IKE_REKEYING;
		buf_printf(b, "  IKEv2 SA: local %s/%u remote %s/%u %s\n", la, l.port, ra, port,
			   active ? "Active" : "Inactive");
		if (detail) {
			char caps[8];
			unsigned k = 0;
			if (v->ike.dpd_interval_sec)
				caps[k++] = 'D';
			if (v->ike.nat_local || v->ike.nat_remote)
				caps[k++] = 'N';
			if (v->ike.frag)
				caps[k++] = 'F';
			caps[k] = 0;
			uint64_t left = v->ike.lifetime_sec > up ? v->ike.lifetime_sec - up : 0;
			hms(t, sizeof(t), active ? left : 0);
			buf_printf(b, "          Capabilities:%s connid:%llu lifetime:%s\n",
				   k ? caps : "(none)", (unsigned long long)v->ike.id, t);
		}
	}
	char li[96], ri[96];
	ident(li, sizeof(li), v->child ? v->child->ts_local : NULL, v->child ? v->child->n_ts_local : 0);
	ident(ri, sizeof(ri), v->child ? v->child->ts_remote : NULL,
	      v->child ? v->child->n_ts_remote : 0);
	/* "(A/M/P/port)" -> "ip A/M" as IOS prints a flow */
	char lf[160] = "0.0.0.0/0.0.0.0", rf[160] = "0.0.0.0/0.0.0.0";
	unsigned proto = 0;
	if (v->child && v->child->n_ts_local && v->child->ts_local[0].family == 4) {
		char a[64], m[64];
		if (sscanf(li, "(%63[^/]/%63[^/]/%u/", a, m, &proto) == 3)
			snprintf(lf, sizeof(lf), "%s/%s", a, m);
		if (sscanf(ri, "(%63[^/]/%63[^/]/", a, m) == 2)
			snprintf(rf, sizeof(rf), "%s/%s", a, m);
	}
	char pr[8];
	snprintf(pr, sizeof(pr), "%u", proto);
	buf_printf(b, "  IPSEC FLOW: permit %s %s %s\n", proto ? pr : "ip", lf, rf);
	struct sess_sa s;
	session_sas(v, &s);
	buf_printf(b, "        Active SAs: %u, origin: crypto map\n", s.active);
	if (detail) {
		buf_printf(b, "        Inbound:  #pkts dec'ed %llu drop %llu life (KB/Sec) %llu/%llu\n",
			   U(s.in_pkts), U(s.in_drop), U(s.in_kb), U(s.in_sec));
		buf_printf(b, "        Outbound: #pkts enc'ed %llu drop %llu life (KB/Sec) %llu/%llu\n",
			   U(s.out_pkts), U(s.out_drop), U(s.out_kb), U(s.out_sec));
	}
}

static void show_session(struct buf *b, const struct filter *f, bool detail)
{
	buf_adds(b, "Crypto session current status\n\n");
	if (detail)
		buf_adds(b, "Code: C - IKE Configuration mode, D - Dead Peer Detection     \n"
			    "K - Keepalives, N - NAT-traversal, T - cTCP encapsulation     \n"
			    "X - IKE Extended Authentication, F - IKE Fragmentation\n"
			    "R - IKE Auto Reconnect, U - IKE Dynamic Route Update\n"
			    "S - SIP VPN\n\n");
	uint64_t now = ikev2_runtime_now_ms();
	foreach_tview(b, f, detail, show_one_session, now);
}

int h_ipsec_rt_show_session(struct cmdctx *c)
{
	struct filter f;
	filter_from(c, &f);
	show_session(c->out, &f, cmd_has(c, "detail"));
	return 0;
}

/* ------------------------------------------------------------ clear crypto sa */

struct clear_ike {
	uint64_t ids[256];
	unsigned n;
	const struct ipsec_addr *peer;
};

static void clear_ike_cb(void *arg, const struct ikev2_ike_info *info)
{
	struct clear_ike *c = arg;
	if (c->peer && !ipsec_addr_eq(c->peer, &info->remote))
		return;
	if (info->state != IKEV2_IKE_ESTABLISHED && info->state != IKEV2_IKE_REKEYING)
		return;
	if (c->n < sizeof(c->ids) / sizeof(c->ids[0]))
		c->ids[c->n++] = info->id;
}

/* The IPsec SAs go (a Delete is sent); protected tunnels negotiate new
 * ones on the same IKE SA right away, as IOS does for a VTI. */
static unsigned clear_sas(const struct ipsec_addr *peer)
{
	struct ikev2_engine *e = ikev2_runtime_engine();
	if (!e)
		return 0;
	struct clear_ike ci;
	memset(&ci, 0, sizeof(ci));
	ci.peer = peer;
	ikev2_engine_foreach_ike(e, clear_ike_cb, &ci);
	unsigned n = 0;
	for (unsigned i = 0; i < ci.n; i++) {
		struct children ch;
		memset(&ch, 0, sizeof(ch));
		ikev2_engine_foreach_child(e, ci.ids[i], children_cb, &ch);
		bool had = false;
		for (unsigned k = 0; k < ch.n; k++) {
			if (ch.v[k].state == IKEV2_CHILD_DELETING)
				continue;
			if (ikev2_engine_delete_child(e, ch.v[k].id) == 0) {
				n++;
				had = true;
			}
		}
		if (!had)
			continue;
		/* the tunnel carried by this IKE SA asks for a new CHILD_SA */
		int cnt = tunnel_if_count();
		for (int t = 0; t < cnt; t++) {
			const struct tunnel_ifconf *ifc = tunnel_if_at(t);
			struct ikev2_tunnel_status st;
			if (!is_protected_tunnel(ifc) || ikev2_tunnel_status(ifc->name, &st) != 0 ||
			    st.ike_id != ci.ids[i])
				continue;
			struct ikev2_glue_tunnel k;
			char why[160];
			struct ikev2_peer_config *cfg = calloc(1, sizeof(*cfg));
			if (cfg && ikev2_glue_tunnel_from_if(ifc, &k, why, sizeof(why)) == 0 &&
			    ikev2_glue_initiator_config(&k, cfg, why, sizeof(why)) == 0 && cfg->has_child)
				ikev2_engine_create_child(e, ci.ids[i], &cfg->child);
			if (cfg) {
				memset(cfg, 0, sizeof(*cfg));
				free(cfg);
			}
		}
	}
	ikev2_runtime_config_changed();
	return n;
}

int h_ipsec_rt_clear_sa(struct cmdctx *c)
{
	if (cmd_has(c, "counters")) {
		xfrm_backend_clear_counters(ikev2_rt_kernel());
		struct userspace_dp *dp = ikev2_rt_dp();
		int n = tunnel_if_count();
		for (int i = 0; dp && i < n; i++) {
			const struct tunnel_ifconf *ifc = tunnel_if_at(i);
			struct ikev2_rt_dp_tunnel dt;
			if (ifc && ikev2_rt_dp_tunnel(ifc->name, &dt) == 0)
				userspace_tunnel_clear_counters(dp, dt.id);
		}
		return 0;
	}
	struct ipsec_addr peer;
	bool hp = ip_after(c, "peer", &peer);
	clear_sas(hp ? &peer : NULL);
	return 0;
}
