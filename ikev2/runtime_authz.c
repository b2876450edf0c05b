/* FlexVPN server: authorization, configuration reply and the per-session
 * state above the engine (see ikev2/runtime_authz.h and
 * ikev2/runtime_session.h). */
#include "ikev2/runtime_authz.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flexvpn/server_authz.h"
#include "ikev2/config.h"
#include "ikev2/runtime_cp_client.h"
#include "ikev2/runtime_glue.h"
#include "ikev2/runtime_kernel.h"
#include "ikev2/runtime_session.h"
#include "lib/array.h"
#include "lib/log.h"
#include "tunnel/dynroute.h"
#include "tunnel/virtual_access.h"

enum { FV_MAX = 4096 };

static struct ikev2_fv_session *sess[FV_MAX];
static unsigned n_sess, next_num;

static void dbg(const char *what, const char *a, const char *b)
{
	if (ikev2_debug_error.on || ikev2_debug_default.on)
		log_debug("IKEv2-FLEXVPN:%s %s: %s", what, a, b);
}

static int find(uint64_t ike_id)
{
	for (unsigned i = 0; i < n_sess; i++)
		if (sess[i]->ike_id == ike_id)
			return (int)i;
	return -1;
}

const struct ikev2_fv_session *ikev2_fv_session_by_ike(uint64_t ike_id)
{
	int i = find(ike_id);
	return i < 0 ? NULL : sess[i];
}

unsigned ikev2_fv_session_count(void) { return n_sess; }
const struct ikev2_fv_session *ikev2_fv_session_at(unsigned i) { return i < n_sess ? sess[i] : NULL; }

static struct ikev2_fv_session *session_new(const struct ikev2_ike_info *info)
{
	if (n_sess >= FV_MAX)
		return NULL;
	struct ikev2_fv_session *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->num = ++next_num;
	s->ike_id = info->id;
	char id[IKEV2_ID_MAX * 2 + 8];
	ikev2_glue_id_str(&info->remote_id, id, sizeof(id));
	snprintf(s->owner, sizeof(s->owner), "%.48s#%u", id, s->num);
	snprintf(s->profile, sizeof(s->profile), "%s", info->profile);
	s->distance = 1;
	sess[n_sess++] = s;
	return s;
}

static void session_free(unsigned i)
{
	struct ikev2_fv_session *s = sess[i];
	if (s->have_addr)
		flexvpn_pool_release_owner(s->owner);
	tunnel_dynroute_del_owner(s->owner);
	if (s->va[0])
		tunnel_va_delete(s->va);
	ARRAY_DEL(sess, n_sess, i);
	n_sess--;
	free(s);
}

void ikev2_fv_reset(void)
{
	while (n_sess)
		session_free(n_sess - 1);
}

/* Routes to the peer's address and subnets through its Virtual-Access. */
static void install_routes(struct ikev2_fv_session *s)
{
	if (!s->va[0])
		return;
	struct in_addr none = {0};
	tunnel_dynroute_del_owner(s->owner);
	if (s->have_addr)
		tunnel_dynroute_add(s->owner, s->addr, 32, s->va, none, s->distance);
	for (int i = 0; i < s->n_subnets; i++) {
		int plen = 0;
		for (uint32_t m = ntohl(s->subnets[i].mask.s_addr); m & 0x80000000u; m <<= 1)
			plen++;
		tunnel_dynroute_add(s->owner, s->subnets[i].addr, (unsigned)plen, s->va, none,
				    s->distance);
	}
}

/* The address of the session's interface before it exists: its
 * template's (ip unnumbered resolved). */
static bool template_addr(const struct ikev2_profile *prof, struct in_addr *out)
{
	if (!prof->virtual_template)
		return false;
	char vt[48];
	snprintf(vt, sizeof(vt), "Virtual-Template%d", prof->virtual_template);
	const struct tunnel_ifconf *ifc = tunnel_if_find(vt);
	struct in_addr m;
	return ifc && tunnel_if_ipv4(ifc, out, &m);
}

/* A pool address for the session: the one the peer asked for when it is
 * free, else the lowest free one.  0, or -1 with why. */
static int take_address(struct ikev2_fv_session *s, const char *pool, const struct ikev2_cp *req,
			char *why, size_t whylen)
{
	struct in_addr want, got;
	int rc = -1;
	if (flexvpn_cp_requested_addr(req, &want) &&
	    flexvpn_pool_alloc_addr(pool, s->owner, want) == FLEXVPN_POOL_OK) {
		got = want;
		rc = 0;
	}
	if (rc != 0)
		rc = flexvpn_pool_alloc(pool, s->owner, &got);
	if (rc != FLEXVPN_POOL_OK) {
		snprintf(why, whylen, "ip local pool %s: %s", pool,
			 rc == FLEXVPN_POOL_NO_POOL ? "not configured" : "no free address");
		return -1;
	}
	snprintf(s->pool, sizeof(s->pool), "%s", pool);
	s->have_addr = true;
	s->addr = got;
	return 0;
}

static void ack_of(const struct ikev2_cp *req, struct ikev2_cp *reply)
{
	memset(reply, 0, sizeof(*reply));
	reply->type = IKEV2_CP_ACK;
	/* the accepted attribute types, empty (RFC 7296 3.15) */
	if (flexvpn_cp_asked(req, IKEV2_CFG_INTERNAL_IP4_SUBNET))
		reply->attrs[reply->n++].type = IKEV2_CFG_INTERNAL_IP4_SUBNET;
}

int ikev2_rt_authorize(const struct ikev2_ike_info *info, const struct ikev2_cp *req,
		       struct ikev2_cp *reply)
{
	reply->type = 0;
	reply->n = 0;
	const struct ikev2_profile *prof = ikev2_profile_find(info->profile);
	if (!prof)
		return 0;
	char why[256], idt[IKEV2_ID_MAX * 2 + 8];
	ikev2_glue_id_str(&info->remote_id, idt, sizeof(idt));
	struct flexvpn_authz *az = calloc(1, sizeof(*az));
	if (!az)
		abort();
	int rc = -1;
	/* pre-shared keys are the only authentication here so far */
	if (flexvpn_authorize(prof, IKEV2_AAA_PSK, &info->remote_id, az, why, sizeof(why)) != 0) {
		dbg("authorization failed for", idt, why);
		goto out;
	}
	struct ikev2_fv_session *s = NULL;
	int at = find(info->id);
	if (at >= 0)
		s = sess[at];	/* a CFG_SET on an established session */
	else if (az->done || prof->virtual_template > 0)
		s = session_new(info);
	if (!s) {
		rc = 0;
		goto out;
	}
	snprintf(s->policy, sizeof(s->policy), "%s",
		 az->user_policy[0] ? az->user_policy : az->group_policy);
	if (az->accept_distance > 0)
		s->distance = (unsigned)az->accept_distance;
	if (req->type == IKEV2_CP_REQUEST && az->done) {
		if (flexvpn_cp_asked(req, IKEV2_CFG_INTERNAL_IP4_ADDRESS) && az->pool[0] &&
		    !s->have_addr && take_address(s, az->pool, req, why, sizeof(why)) != 0) {
			dbg("no address for", idt, why);
			if (at < 0)
				session_free((unsigned)find(info->id));
			goto out;
		}
		struct flexvpn_cp_in in = {
			.az = az, .req = req, .peer_flexvpn = info->peer_flexvpn,
			.have_addr = s->have_addr, .addr = s->addr,
		};
		in.have_if_addr = template_addr(prof, &in.if_addr);
		flexvpn_cp_reply(&in, reply);
		/* a peer that puts its own subnets (valued INTERNAL_IP4_SUBNET)
		 * into the request: taken as if it had sent them in a CFG_SET */
		struct flexvpn_route4 own[IKEV2_FV_MAX_SUBNETS];
		int n_own = flexvpn_cp_subnets(req, own, IKEV2_FV_MAX_SUBNETS);
		if (n_own > 0 && prof->config_set_accept) {
			memcpy(s->subnets, own, sizeof(own[0]) * (size_t)n_own);
			s->n_subnets = n_own;
		}
	} else if (req->type == IKEV2_CP_SET && prof->config_set_accept) {
		s->n_subnets = flexvpn_cp_subnets(req, s->subnets, IKEV2_FV_MAX_SUBNETS);
		ack_of(req, reply);
		if (s->up)
			install_routes(s);
	}
	rc = 0;
out:
	free(az);
	return rc;
}

/* A CFG_SET in an INFORMATIONAL exchange on the session's IKE SA (IOS
 * spokes send their routes this way right after IKE_AUTH): with "config-
 * exchange set accept" its subnets replace the announced ones and are
 * routed via the Virtual-Access, answered with CFG_ACK. */
static void session_cp_set(struct ikev2_fv_session *s, const struct ikev2_cp *req,
			   struct ikev2_cp *reply)
{
	const struct ikev2_profile *prof = ikev2_profile_find(s->profile);
	if (req->type != IKEV2_CP_SET)
		return;
	if (!prof || !prof->config_set_accept) {
		dbg("CFG_SET ignored for", s->owner, "no config-exchange set accept");
		return;
	}
	s->n_subnets = flexvpn_cp_subnets(req, s->subnets, IKEV2_FV_MAX_SUBNETS);
	ack_of(req, reply);
	char n[16];
	snprintf(n, sizeof(n), "%d subnets", s->n_subnets);
	dbg("CFG_SET accepted from", s->owner, n);
	if (s->up)
		install_routes(s);
}

int ikev2_rt_cp_informational(const struct ikev2_ike_info *info, const struct ikev2_cp *req,
			      struct ikev2_cp *reply)
{
	if (reply)
		memset(reply, 0, sizeof(*reply));
	int i = info->initiator ? -1 : find(info->id);
	if (i < 0)
		return ikev2_rt_cp_client_informational(info, req, reply);
	if (reply)
		session_cp_set(sess[i], req, reply);
	return 0;
}

static void session_up(struct ikev2_fv_session *s, const struct ikev2_ike_info *info)
{
	s->up = true;
	const struct ikev2_profile *prof = ikev2_profile_find(s->profile);
	if (!s->va[0] && prof && prof->virtual_template > 0 && info->local.family == 4 &&
	    info->remote.family == 4) {
		struct in_addr src, dst;
		memcpy(&src.s_addr, info->local.ip, 4);
		memcpy(&dst.s_addr, info->remote.ip, 4);
		if (tunnel_va_create(prof->virtual_template, src, dst, info->id, s->va,
				     sizeof(s->va)) != 0) {
			char vt[32];
			snprintf(vt, sizeof(vt), "Virtual-Template%d", prof->virtual_template);
			dbg("cannot clone", vt, "no such \"type tunnel\" template");
			s->va[0] = 0;
		} else if (ikev2_rt_kernel()) {
			/* ikev2/runtime_kernel.c makes devices for Tunnel interfaces only */
			log_msg(LOG_SEV_ERR, "IPSEC", "DATAPLANE",
				"%s: the kernel data plane has no device for Virtual-Access "
				"interfaces: the session's SAs are installed, its traffic is not "
				"routed through them (use --dataplane userspace)", s->va);
		}
	}
	install_routes(s);
}

void ikev2_rt_authz_ike_event(const struct ikev2_ike_info *info, enum ikev2_event ev)
{
	int i;
	switch (ev) {
	case IKEV2_EV_UP:
		if (!info->initiator && (i = find(info->id)) >= 0)
			session_up(sess[i], info);
		break;
	case IKEV2_EV_REKEYED:
		/* the session carries on on the new IKE SA */
		if (info->rekeyed_from && (i = find(info->rekeyed_from)) >= 0) {
			sess[i]->ike_id = info->id;
			if (sess[i]->va[0])
				tunnel_va_rebind(sess[i]->va, info->id);
		}
		break;
	case IKEV2_EV_NAT:
		if ((i = find(info->id)) >= 0 && sess[i]->va[0] && info->remote.family == 4) {
			struct in_addr dst;
			memcpy(&dst.s_addr, info->remote.ip, 4);
			tunnel_va_set_dst(sess[i]->va, dst);
		}
		break;
	case IKEV2_EV_DOWN:
	case IKEV2_EV_FAILED:
	case IKEV2_EV_AUTH_FAILED:
	case IKEV2_EV_PEER_DEAD:
		if ((i = find(info->id)) >= 0)
			session_free((unsigned)i);
		break;
	}
}

void ikev2_fv_show_lines(struct buf *b, uint64_t ike_id)
{
	const struct ikev2_fv_session *s = ikev2_fv_session_by_ike(ike_id);
	if (!s || (!s->have_addr && !s->n_subnets))
		return;
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];
	if (s->have_addr)
		buf_printf(b, "      Assigned host addr: %s\n",
			   inet_ntop(AF_INET, &s->addr, a, sizeof(a)));
	buf_adds(b, "      Remote subnets:\n");
	if (s->have_addr)
		buf_printf(b, "      %s 255.255.255.255\n", inet_ntop(AF_INET, &s->addr, a, sizeof(a)));
	for (int k = 0; k < s->n_subnets; k++)
		buf_printf(b, "      %s %s\n", inet_ntop(AF_INET, &s->subnets[k].addr, a, sizeof(a)),
			   inet_ntop(AF_INET, &s->subnets[k].mask, m, sizeof(m)));
}
