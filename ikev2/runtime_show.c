/*
 * show crypto ikev2 sa / session / stats, in the IOS-XE formats (see the
 * samples in tests/unit/test_ikev2_runtime_show.c and
 * docs/ikev2-runtime.md).
 */
#include "ikev2/runtime_show.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/cmd.h"
#include "ikev2/config.h"
#include "ikev2/ikev2_const.h"
#include "ikev2/runtime.h"
#include "ikev2/runtime_authz.h"
#include "ikev2/runtime_glue.h"
#include "ikev2/runtime_socket.h"
#include "ipsec/config.h"

/* ------------------------------------------------------------ snapshot */

struct sa_row {
	struct ikev2_ike_info i;
	uint32_t session;
	struct ikev2_child_info *c;
	unsigned nc, cap;
};

struct rows {
	struct sa_row *v;
	unsigned n, cap;
};

static void rows_cb(void *arg, const struct ikev2_ike_info *info)
{
	struct rows *r = arg;
	if (r->n == r->cap) {
		unsigned cap = r->cap ? r->cap * 2 : 16;
		struct sa_row *v = realloc(r->v, cap * sizeof(*v));
		if (!v)
			return;
		r->v = v;
		r->cap = cap;
	}
	memset(&r->v[r->n], 0, sizeof(r->v[r->n]));
	r->v[r->n++].i = *info;
}

static void child_cb(void *arg, const struct ikev2_child_info *c)
{
	struct sa_row *row = arg;
	if (c->state == IKEV2_CHILD_DELETED)
		return;
	if (row->nc == row->cap) {
		unsigned cap = row->cap ? row->cap * 2 : 4;
		struct ikev2_child_info *v = realloc(row->c, cap * sizeof(*v));
		if (!v)
			return;
		row->c = v;
		row->cap = cap;
	}
	row->c[row->nc++] = *c;
}

static void rows_load(struct rows *r, bool children)
{
	memset(r, 0, sizeof(*r));
	struct ikev2_engine *e = ikev2_runtime_engine();
	if (!e)
		return;
	ikev2_engine_foreach_ike(e, rows_cb, r);
	for (unsigned i = 0; i < r->n; i++) {
		struct sa_row *row = &r->v[i];
		if (row->i.state == IKEV2_IKE_DEAD)
			continue;
		row->session = ikev2_runtime_session_id(&row->i.local, &row->i.remote);
		if (children)
			ikev2_engine_foreach_child(e, row->i.id, child_cb, row);
	}
}

static void rows_free(struct rows *r)
{
	for (unsigned i = 0; i < r->n; i++)
		free(r->v[i].c);
	free(r->v);
}

/* ------------------------------------------------------------ names */

static const char *encr_name(uint16_t id, char *buf, size_t len)
{
	switch (id) {
	case IKEV2_ENCR_AES_CBC: return "AES-CBC";
	case IKEV2_ENCR_AES_GCM_8:
	case IKEV2_ENCR_AES_GCM_12:
	case IKEV2_ENCR_AES_GCM_16: return "AES-GCM";
	case IKEV2_ENCR_3DES: return "3DES";
	case IKEV2_ENCR_DES: return "DES";
	case IKEV2_ENCR_NULL: return "NULL";
	case IKEV2_ENCR_AES_CTR: return "AES-CTR";
	case IKEV2_ENCR_CHACHA20_POLY1305: return "CHACHA20-POLY1305";
	default: snprintf(buf, len, "Unknown - %u", id); return buf;
	}
}

static const char *prf_name(uint16_t id, char *buf, size_t len)
{
	switch (id) {
	case IKEV2_PRF_HMAC_MD5: return "MD5";
	case IKEV2_PRF_HMAC_SHA1: return "SHA1";
	case IKEV2_PRF_HMAC_SHA2_256: return "SHA256";
	case IKEV2_PRF_HMAC_SHA2_384: return "SHA384";
	case IKEV2_PRF_HMAC_SHA2_512: return "SHA512";
	default: snprintf(buf, len, "Unknown - %u", id); return buf;
	}
}

static const char *hash_name(uint16_t id, char *buf, size_t len)
{
	switch (id) {
	case IKEV2_INTEG_NONE: return "None";
	case IKEV2_INTEG_HMAC_MD5_96: return "MD596";
	case IKEV2_INTEG_HMAC_SHA1_96: return "SHA96";
	case IKEV2_INTEG_HMAC_SHA2_256_128: return "SHA256";
	case IKEV2_INTEG_HMAC_SHA2_384_192: return "SHA384";
	case IKEV2_INTEG_HMAC_SHA2_512_256: return "SHA512";
	default: snprintf(buf, len, "Unknown - %u", id); return buf;
	}
}

static void hex16(const uint8_t spi[8], char out[17])
{
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02X", spi[i]);
}

static void addr_port(const struct ipsec_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	ikev2_addr_str(a, ip, sizeof(ip));
	if (a->family == 6) {
		/* IOS prints IPv6 addresses in upper case */
		for (char *p = ip; *p; p++)
			if (*p >= 'a' && *p <= 'f')
				*p = (char)(*p - 'a' + 'A');
	}
	snprintf(buf, len, "%s/%u", ip, a->port);
}

/* ------------------------------------------------------------ IKE SA */

static const char hdr_fmt[] = "%-9s %-21s %-21s %-20s %-6s \n";

static void sa_header(struct buf *b)
{
	buf_printf(b, hdr_fmt, "Tunnel-id", "Local", "Remote", "fvrf/ivrf", "Status");
}

static const char *ivrf_of(const struct ikev2_ike_info *i)
{
	const struct ikev2_profile *p = i->profile[0] ? ikev2_profile_find(i->profile) : NULL;
	return p && p->ivrf[0] ? p->ivrf : "none";
}

static void dpd_of(const struct ikev2_ike_info *i, unsigned *interval, unsigned *retry)
{
	*interval = i->dpd_interval_sec;
	*retry = 0;
	if (!*interval)
		return;
	const struct ikev2_profile *p = i->profile[0] ? ikev2_profile_find(i->profile) : NULL;
	if (p && p->dpd_mode != IKEV2_CFG_DPD_OFF)
		*retry = (unsigned)p->dpd_retry;
	else
		*retry = (unsigned)ikev2_global()->dpd_retry;
}

static const char *status_description(enum ikev2_ike_state s)
{
	switch (s) {
	case IKEV2_IKE_ESTABLISHED:
	case IKEV2_IKE_REKEYING: return "Negotiation done";
	case IKEV2_IKE_REKEYED:
	case IKEV2_IKE_DELETING:
	case IKEV2_IKE_DEAD: return "Deleting IKE SA";
	case IKEV2_IKE_AUTH_SENT: return "Initiator waiting for AUTH response";
	case IKEV2_IKE_INIT_SENT: return "Initiator waiting for INIT response";
	case IKEV2_IKE_INIT_DONE: return "Waiting for AUTH exchange";
	default: return "Negotiation in progress";
	}
}

static void ike_block(struct buf *b, const struct sa_row *row, bool detailed, uint64_t now)
{
	const struct ikev2_ike_info *i = &row->i;
	char id[24], l[80], r[80], vrf[IKEV2_NAME_MAX + 8], t1[24], t2[24], t3[24];
	snprintf(id, sizeof(id), "%llu", (unsigned long long)i->id);
	addr_port(&i->local, l, sizeof(l));
	addr_port(&i->remote, r, sizeof(r));
	snprintf(vrf, sizeof(vrf), "none/%s", ivrf_of(i));
	buf_printf(b, hdr_fmt, id, l, r, vrf, ikev2_ike_state_ios(i->state));
	if (i->encr == 0)
		buf_adds(b, "      Encr: Unknown - 0, PRF: Unknown - 0, Hash: None, DH Grp:0, "
			    "Auth sign: Unknown - 0, Auth verify: Unknown - 0\n");
	else
		buf_printf(b,
			   "      Encr: %s, keysize: %u, PRF: %s, Hash: %s, DH Grp:%u, Auth sign: PSK, "
			   "Auth verify: PSK\n",
			   encr_name(i->encr, t1, sizeof(t1)), i->encr_keybits,
			   prf_name(i->prf, t2, sizeof(t2)), hash_name(i->integ, t3, sizeof(t3)),
			   i->dh);
	uint64_t since = i->established_ms ? i->established_ms : 0;
	unsigned long long active = since && now > since ? (now - since) / 1000 : 0;
	buf_printf(b, "      Life/Active Time: %u/%llu sec\n", i->lifetime_sec, active);
	if (!detailed)
		return;
	char sl[17], sr[17];
	hex16(i->initiator ? i->spi_i : i->spi_r, sl);
	hex16(i->initiator ? i->spi_r : i->spi_i, sr);
	char lid[IKEV2_ID_MAX * 2 + 8], rid[IKEV2_ID_MAX * 2 + 8];
	buf_printf(b, "      CE id: 0, Session-id: %u\n", row->session);
	buf_printf(b, "      Local spi: %s       Remote spi: %s\n", sl, sr);
	buf_printf(b, "      Status Description: %s\n", status_description(i->state));
	if (i->local_id.type)
		ikev2_glue_id_str(&i->local_id, lid, sizeof(lid));
	else
		ikev2_addr_str(&i->local, lid, sizeof(lid));
	buf_printf(b, "      Local id: %s\n", lid);
	buf_printf(b, "      Remote id: %s\n",
		   i->remote_id.type ? ikev2_glue_id_str(&i->remote_id, rid, sizeof(rid)) : "");
	buf_printf(b, "      Local req msg id:  %-15uRemote req msg id:  %-10u\n", i->msgid_tx,
		   i->msgid_rx);
	buf_printf(b, "      Local next msg id: %-15uRemote next msg id: %-10u\n", i->msgid_tx,
		   i->msgid_rx);
	buf_printf(b, "      Local req queued:  %-15uRemote req queued:  %-10u\n", i->msgid_tx,
		   i->msgid_rx);
	buf_printf(b, "      Local window:      %-15uRemote window:      %-10u\n", 1u, 1u);
	unsigned dpd, retry;
	dpd_of(i, &dpd, &retry);
	buf_printf(b, "      DPD configured for %u seconds, retry %u\n", dpd, retry);
	buf_adds(b, i->frag ? "      Fragmentation configured.\n"
			    : "      Fragmentation not  configured.\n");
	buf_adds(b, "      Dynamic Route Update: disabled\n");
	buf_adds(b, "      Extended Authentication not configured.\n");
	if (i->nat_local)
		buf_adds(b, "      NAT-T is detected inside \n");
	else if (i->nat_remote)
		buf_adds(b, "      NAT-T is detected  outside\n");
	else
		buf_adds(b, "      NAT-T is not detected  \n");
	buf_adds(b, "      Cisco Trust Security SGT is disabled\n");
	buf_printf(b, "      Initiator of SA : %s\n", i->initiator ? "Yes" : "No");
	ikev2_fv_show_lines(b, i->id);
	buf_printf(b, "      PEER TYPE: %s\n", i->peer_cisco ? "IOS-XE" : "Other");
}

/* ------------------------------------------------------------ CHILD SA */

static void ts_text(const struct ipsec_ts *ts, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], z[INET6_ADDRSTRLEN];
	int af = ts->family == 6 ? AF_INET6 : AF_INET;
	inet_ntop(af, ts->start, a, sizeof(a));
	inet_ntop(af, ts->end, z, sizeof(z));
	if (af == AF_INET6) {
		for (char *p = a; *p; p++)
			if (*p >= 'a' && *p <= 'f')
				*p = (char)(*p - 'a' + 'A');
		for (char *p = z; *p; p++)
			if (*p >= 'a' && *p <= 'f')
				*p = (char)(*p - 'a' + 'A');
	}
	snprintf(buf, len, "%s/%u - %s/%u", a, ts->start_port, z, ts->end_port);
}

static const char *esp_hmac_name(uint16_t integ)
{
	switch (integ) {
	case IKEV2_INTEG_NONE: return "None";
	case IKEV2_INTEG_HMAC_SHA1_96: return "SHA96";
	case IKEV2_INTEG_HMAC_SHA2_256_128: return "SHA256";
	case IKEV2_INTEG_HMAC_SHA2_384_192: return "SHA384";
	case IKEV2_INTEG_HMAC_SHA2_512_256: return "SHA512";
	default: return "Unknown";
	}
}

static void child_block(struct buf *b, const struct ikev2_child_info *c, bool detailed)
{
	char t[128], e[24];
	for (unsigned k = 0; k < c->n_ts_local; k++) {
		ts_text(&c->ts_local[k], t, sizeof(t));
		buf_printf(b, "%slocal selector  %s\n", k ? "          " : "Child sa: ", t);
	}
	if (!c->n_ts_local)
		buf_adds(b, "Child sa: ");
	for (unsigned k = 0; k < c->n_ts_remote; k++) {
		ts_text(&c->ts_remote[k], t, sizeof(t));
		buf_printf(b, "          remote selector %s\n", t);
	}
	buf_printf(b, "          ESP spi in/out: 0x%X/0x%X  \n", c->spi_in, c->spi_out);
	if (!detailed)
		return;
	buf_adds(b, "          AH spi in/out: 0x0/0x0  \n");
	buf_adds(b, "          CPI in/out: 0x0/0x0  \n");
	buf_printf(b, "          Encr: %s, keysize: %u, esp_hmac: %s\n",
		   encr_name(c->encr, e, sizeof(e)), c->encr_keybits, esp_hmac_name(c->integ));
	buf_printf(b, "          ah_hmac: None, comp: IPCOMP_NONE, mode %s\n",
		   c->mode == IPSEC_SA_TRANSPORT ? "transport" : "tunnel");
}

/* ------------------------------------------------------------ show sa */

void ikev2_rt_show_sa(struct buf *b, const struct ipsec_addr *local,
		      const struct ipsec_addr *remote, bool detailed)
{
	struct rows r;
	rows_load(&r, false);
	uint64_t now = ikev2_runtime_now_ms();
	for (int fam = 4; fam <= 6; fam += 2) {
		buf_printf(b, " IPv%d Crypto IKEv2  SA \n\n", fam);
		for (unsigned i = 0; i < r.n; i++) {
			const struct sa_row *row = &r.v[i];
			if (row->i.state == IKEV2_IKE_DEAD || row->i.local.family != fam)
				continue;
			if ((local && !ipsec_addr_eq(local, &row->i.local)) ||
			    (remote && !ipsec_addr_eq(remote, &row->i.remote)))
				continue;
			sa_header(b);
			ike_block(b, row, detailed, now);
			buf_adds(b, "\n");
		}
	}
	rows_free(&r);
}

/* ------------------------------------------------------------ show session */

static const char *session_status(const struct rows *r, uint32_t session)
{
	bool ike_up = false, child = false, nego = false;
	for (unsigned i = 0; i < r->n; i++) {
		const struct sa_row *row = &r->v[i];
		if (row->session != session || row->i.state == IKEV2_IKE_DEAD)
			continue;
		if (row->i.state == IKEV2_IKE_ESTABLISHED || row->i.state == IKEV2_IKE_REKEYING)
			ike_up = true;
		else if (row->i.state < IKEV2_IKE_ESTABLISHED)
			nego = true;
		for (unsigned k = 0; k < row->nc; k++)
			if (row->c[k].state == IKEV2_CHILD_INSTALLED ||
			    row->c[k].state == IKEV2_CHILD_REKEYING)
				child = true;
	}
	if (ike_up)
		return child ? "UP-ACTIVE" : "UP-IDLE";
	if (child)
		return "UP-NO-IKE";
	return nego ? "DOWN-NEGOTIATING" : "DOWN";
}

void ikev2_rt_show_session(struct buf *b, bool detailed)
{
	struct rows r;
	rows_load(&r, true);
	uint64_t now = ikev2_runtime_now_ms();
	for (int fam = 4; fam <= 6; fam += 2) {
		buf_printf(b, " IPv%d Crypto IKEv2 Session \n\n", fam);
		for (unsigned i = 0; i < r.n; i++) {
			const struct sa_row *first = &r.v[i];
			if (first->i.state == IKEV2_IKE_DEAD || first->i.local.family != fam)
				continue;
			/* one block per session, at its first IKE SA */
			bool seen = false;
			for (unsigned j = 0; j < i; j++)
				if (r.v[j].session == first->session && r.v[j].i.state != IKEV2_IKE_DEAD)
					seen = true;
			if (seen)
				continue;
			unsigned n_ike = 0, n_child = 0;
			for (unsigned j = i; j < r.n; j++)
				if (r.v[j].session == first->session &&
				    r.v[j].i.state != IKEV2_IKE_DEAD) {
					n_ike++;
					n_child += r.v[j].nc;
				}
			buf_printf(b, "Session-id:%u, Status:%s, IKE count:%u, CHILD count:%u\n\n",
				   first->session, session_status(&r, first->session), n_ike,
				   n_child);
			for (unsigned j = i; j < r.n; j++) {
				const struct sa_row *row = &r.v[j];
				if (row->session != first->session || row->i.state == IKEV2_IKE_DEAD)
					continue;
				sa_header(b);
				ike_block(b, row, detailed, now);
				for (unsigned k = 0; k < row->nc; k++)
					child_block(b, &row->c[k], detailed);
				buf_adds(b, "\n");
			}
		}
	}
	rows_free(&r);
}

/* ------------------------------------------------------------ show stats */

void ikev2_rt_format_stats(struct buf *b, const struct ikev2_stats_view *v)
{
	static const char rule[] =
		"--------------------------------------------------------------------------------\n";
	buf_adds(b, rule);
	buf_adds(b, "                          Crypto IKEv2 SA Statistics\n");
	buf_adds(b, rule);
	buf_printf(b, "System Resource Limit:   %-9uMax IKEv2 SAs: %-9uMax in nego(in/out): %u/%u\n",
		   v->resource_limit, v->max_sa, v->max_nego_in, v->max_nego_out);
	buf_printf(b, "Total incoming IKEv2 SA Count:    %-9uactive:        %-9unegotiating: %-6u\n",
		   v->in_total, v->in_active, v->in_nego);
	buf_printf(b, "Total outgoing IKEv2 SA Count:    %-9uactive:        %-9unegotiating: %-6u\n",
		   v->out_total, v->out_active, v->out_nego);
	buf_printf(b, "Incoming IKEv2 Requests: %-9lluaccepted:      %-9llurejected:    %-8llu\n",
		   (unsigned long long)v->in_req, (unsigned long long)v->in_acc,
		   (unsigned long long)v->in_rej);
	buf_printf(b, "Outgoing IKEv2 Requests: %-9lluaccepted:      %-9llurejected:    %-8llu\n",
		   (unsigned long long)v->out_req, (unsigned long long)v->out_acc,
		   (unsigned long long)v->out_rej);
	buf_printf(b, "Rejected IKEv2 Requests: %-9llursrc low:      %-9lluSA limit:    %-8llu\n",
		   (unsigned long long)v->rej_req, (unsigned long long)v->rej_rsrc,
		   (unsigned long long)v->rej_limit);
	buf_printf(b, "IKEv2 packets dropped at dispatch: %-8llu\n",
		   (unsigned long long)v->dropped_dispatch);
	buf_printf(b, "Incoming Requests dropped as LOW Q limit reached : %-8llu\n",
		   (unsigned long long)v->dropped_lowq);
	buf_printf(b, "Incoming IKEV2 Cookie Challenged Requests: %-8llu\n",
		   (unsigned long long)v->cookie_req);
	buf_printf(b, "    accepted: %-9llurejected: %-9llurejected no cookie: %-8llu\n",
		   (unsigned long long)v->cookie_acc, (unsigned long long)v->cookie_rej,
		   (unsigned long long)v->cookie_rej_nocookie);
	buf_printf(b, "Total Deleted sessions of Cert Revoked Peers: %-8llu\n",
		   (unsigned long long)v->cert_revoked);
	buf_printf(b, "Total init sa request rejected due to queue limit : %-8llu\n",
		   (unsigned long long)v->queue_limit);
}

void ikev2_rt_show_stats(struct buf *b)
{
	struct ikev2_stats_view v;
	memset(&v, 0, sizeof(v));
	const struct ikev2_global *g = ikev2_global();
	v.max_sa = (uint32_t)(g->limit_max_sa > 0 ? g->limit_max_sa : 0);
	/* IOS defaults: 40 incoming / 400 outgoing SAs in negotiation */
	v.max_nego_in = (uint32_t)(g->limit_max_neg_in > 0  ? g->limit_max_neg_in
				   : g->limit_max_neg > 0 ? g->limit_max_neg
							  : 40);
	v.max_nego_out = (uint32_t)(g->limit_max_neg_out > 0 ? g->limit_max_neg_out
				    : g->limit_max_neg > 0  ? g->limit_max_neg
							    : 400);
	struct rows r;
	rows_load(&r, false);
	for (unsigned i = 0; i < r.n; i++) {
		const struct ikev2_ike_info *in = &r.v[i].i;
		if (in->state == IKEV2_IKE_DEAD)
			continue;
		bool active = in->state >= IKEV2_IKE_ESTABLISHED;
		if (in->initiator) {
			v.out_total++;
			v.out_active += active;
			v.out_nego += !active;
		} else {
			v.in_total++;
			v.in_active += active;
			v.in_nego += !active;
		}
	}
	rows_free(&r);
	struct ikev2_runtime_stats rs;
	struct ikev2_engine_stats es;
	struct ikev2_socket_stats ss;
	memset(&es, 0, sizeof(es));
	ikev2_runtime_get_stats(&rs);
	ikev2_socket_get_stats(&ss);
	if (ikev2_runtime_engine())
		ikev2_engine_get_stats(ikev2_runtime_engine(), &es);
	v.in_req = rs.in_requests;
	v.in_acc = rs.in_accepted;
	v.in_rej = rs.in_rejected;
	v.out_req = rs.out_requests;
	v.out_acc = rs.out_accepted;
	v.out_rej = rs.out_rejected;
	v.rej_req = rs.in_rejected;
	v.dropped_dispatch = es.rx_dropped + es.rx_invalid;
	v.cookie_req = es.cookies_sent;
	ikev2_rt_format_stats(b, &v);
	/* not IOS: what this implementation adds */
	buf_printf(b, "\nIKEv2 messages in/out: %llu/%llu, retransmissions: %llu, "
		      "NAT-T keepalives in/out: %llu/%llu\n",
		   (unsigned long long)es.rx, (unsigned long long)es.tx,
		   (unsigned long long)es.retransmits, (unsigned long long)ss.rx_keepalive,
		   (unsigned long long)ss.tx_keepalive);
	buf_printf(b, "ESP in UDP received: %llu, dropped (no matching SA): %llu\n",
		   (unsigned long long)ss.rx_esp, (unsigned long long)ss.rx_esp_dropped);
	if (!ikev2_runtime_running())
		buf_printf(b, "IKEv2 is not running (%s).\n", ikev2_runtime_not_running_why());
	else if (ikev2_runtime_backend())
		buf_adds(b, "Data plane: CHILD SAs are negotiated and recorded; traffic is not "
			    "forwarded yet.\n");
	else
		buf_printf(b, "Data plane: %s\n", ikev2_runtime_backend_name());
}

/* ------------------------------------------------------------ handlers */

static bool arg_ip(struct cmdctx *c, const char *kw, struct ipsec_addr *out)
{
	const char *t = cmd_text_after(c, kw);
	if (!t)
		return false;
	memset(out, 0, sizeof(*out));
	out->family = 4;
	return inet_pton(AF_INET, t, out->ip) == 1;
}

int h_ikev2_rt_show_sa(struct cmdctx *c)
{
	struct ipsec_addr l, r;
	bool hl = arg_ip(c, "local", &l), hr = arg_ip(c, "remote", &r);
	ikev2_rt_show_sa(c->out, hl ? &l : NULL, hr ? &r : NULL, cmd_has(c, "detailed"));
	return 0;
}

int h_ikev2_rt_show_session(struct cmdctx *c)
{
	ikev2_rt_show_session(c->out, cmd_has(c, "detailed"));
	return 0;
}

int h_ikev2_rt_show_stats(struct cmdctx *c)
{
	ikev2_rt_show_stats(c->out);
	return 0;
}
