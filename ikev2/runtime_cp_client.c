/* FlexVPN client: the CFG_REQUEST we send and the CFG_REPLY we apply (see
 * ikev2/runtime_cp_client.h and ikev2/runtime_session.h). */
#include "ikev2/runtime_cp_client.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flexvpn/config.h"
#include "ikev2/config.h"
#include "ikev2/ikev2_const.h"
#include "ikev2/runtime.h"
#include "ikev2/runtime_session.h"
#include "lib/log.h"
#include "tunnel/dynroute.h"
#include "tunnel/tunnel.h"

#define APP_VERSION "ikesh FlexVPN client"

/* ------------------------------------------------------------ the request */

bool ikev2_rt_cp_client_wanted(const struct tunnel_ifconf *ifc)
{
	if (ifc->ipv4_method == TUNNEL_IPV4_NEGOTIATED)
		return true;
	for (const struct flexvpn_client *c = flexvpn_client_first(); c; c = c->next) {
		char name[48];
		snprintf(name, sizeof(name), "Tunnel%d", c->tunnel);
		if (c->tunnel >= 0 && strcmp(name, ifc->name) == 0)
			return true;
	}
	return false;
}

static void attr(struct ikev2_cp *cp, uint16_t type, const void *val, uint16_t len)
{
	if (cp->n >= IKEV2_CP_MAX_ATTRS || len > IKEV2_CP_ATTR_MAX)
		return;
	struct ikev2_cp_attr *a = &cp->attrs[cp->n++];
	a->type = type;
	a->len = len;
	if (len)
		memcpy(a->value, val, len);
}

static void subnet_attr(struct ikev2_cp *cp, struct in_addr addr, struct in_addr mask)
{
	uint8_t v[8];
	addr.s_addr &= mask.s_addr;
	memcpy(v, &addr, 4);
	memcpy(v + 4, &mask, 4);
	/* the same subnet once */
	for (unsigned i = 0; i < cp->n; i++)
		if (cp->attrs[i].type == IKEV2_CFG_INTERNAL_IP4_SUBNET && cp->attrs[i].len == 8 &&
		    memcmp(cp->attrs[i].value, v, 8) == 0)
			return;
	attr(cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, v, 8);
}

static struct in_addr plen_mask(unsigned plen)
{
	struct in_addr m;
	m.s_addr = plen ? htonl(0xffffffffu << (32 - plen)) : 0;
	return m;
}

/* The local authorization policy of the profile ("aaa authorization group
 * psk list LIST NAME"): what the client advertises of itself. */
static const struct flexvpn_author *local_policy(const struct ikev2_profile *prof)
{
	if (!prof)
		return NULL;
	const struct ikev2_aaa_author *a = &prof->author_group[IKEV2_AAA_PSK];
	if (!a->set)
		return NULL;
	return flexvpn_author_find(a->username[0] ? a->username : "default");
}

/* Our own subnets, as IOS takes them from the policy: "route set
 * interface [IF]" -> that interface's address /32, "route set access-list"
 * -> the source of every permit entry, "route set remote ipv4" as given. */
static void own_subnets(const struct tunnel_ifconf *ifc, const struct flexvpn_author *pol,
			struct ikev2_cp *cp)
{
	if (pol->route_set_interface) {
		const struct tunnel_ifconf *src =
			pol->route_set_ifname[0] ? tunnel_if_find(pol->route_set_ifname) : ifc;
		struct in_addr a, m;
		if (src && tunnel_if_ipv4(src, &a, &m))
			subnet_attr(cp, a, plen_mask(32));
	}
	const struct tunnel_acl *acl = pol->route_acl[0] ? tunnel_acl_find(pol->route_acl) : NULL;
	for (int i = 0; acl && i < acl->n_aces; i++) {
		const struct tunnel_ace *e = &acl->aces[i];
		int plen = tunnel_wildcard_plen(e->src_wild);
		if (e->is_remark || !e->permit || plen < 0)
			continue;
		subnet_attr(cp, e->src, plen_mask((unsigned)plen));
	}
	for (int i = 0; i < pol->n_remote4; i++)
		subnet_attr(cp, pol->remote4[i].addr, pol->remote4[i].mask);
}

int ikev2_rt_cp_client_build(const struct tunnel_ifconf *ifc, const char *ike_profile,
			     struct ikev2_cp *cp)
{
	memset(cp, 0, sizeof(*cp));
	if (!ikev2_rt_cp_client_wanted(ifc))
		return 1;
	const struct ikev2_profile *prof = ike_profile && *ike_profile
						   ? ikev2_profile_find(ike_profile) : NULL;
	/* our own subnets are not part of it: they follow in a CFG_SET after
	 * IKE_AUTH (ikev2_rt_cp_client_set), as IOS sends them */
	if (prof && !prof->config_request)
		return 0;
	cp->type = IKEV2_CP_REQUEST;
	if (ifc->ipv4_method == TUNNEL_IPV4_NEGOTIATED) {
		attr(cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, NULL, 0);
		attr(cp, IKEV2_CFG_INTERNAL_IP4_NETMASK, NULL, 0);
	}
	attr(cp, IKEV2_CFG_INTERNAL_IP4_DNS, NULL, 0);
	attr(cp, IKEV2_CFG_INTERNAL_IP4_NBNS, NULL, 0);
	attr(cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, NULL, 0);
	attr(cp, IKEV2_CFG_INTERNAL_DNS_DOMAIN, NULL, 0);
	attr(cp, IKEV2_CFG_CISCO_DEF_DOMAIN, NULL, 0);
	attr(cp, IKEV2_CFG_CISCO_SPLIT_DNS, NULL, 0);
	attr(cp, IKEV2_CFG_CISCO_BACKUP_SERVERS, NULL, 0);
	attr(cp, IKEV2_CFG_APPLICATION_VERSION, APP_VERSION, (uint16_t)strlen(APP_VERSION));
	return 0;
}

int ikev2_rt_cp_client_set(const struct tunnel_ifconf *ifc, const char *ike_profile,
			   struct ikev2_cp *cp)
{
	memset(cp, 0, sizeof(*cp));
	if (!ikev2_rt_cp_client_wanted(ifc))
		return 1;
	const struct ikev2_profile *prof = ike_profile && *ike_profile
						   ? ikev2_profile_find(ike_profile) : NULL;
	const struct flexvpn_author *pol =
		!prof || prof->config_set_send ? local_policy(prof) : NULL;
	if (!pol)
		return 1;
	cp->type = IKEV2_CP_SET;
	own_subnets(ifc, pol, cp);
	if (cp->n == 0)
		cp->type = 0;
	return cp->type ? 0 : 1;
}

/* ------------------------------------------------------------ the reply */

static void add_name(char list[][FLEXVPN_DOMAIN_MAX], int *n, int max, const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == ',')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == ',' || s[len - 1] == 0))
		len--;
	if (!len || len >= FLEXVPN_DOMAIN_MAX || *n >= max)
		return;
	for (int i = 0; i < *n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return;
	memcpy(list[*n], s, len);
	list[*n][len] = 0;
	(*n)++;
}

/* A comma (or space) separated list of names. */
static void add_names(char list[][FLEXVPN_DOMAIN_MAX], int *n, int max, const uint8_t *v,
		      size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++)
		if (i == len || v[i] == ',' || v[i] == ' ') {
			add_name(list, n, max, (const char *)v + start, i - start);
			start = i + 1;
		}
}

/* The attributes of a CFG_REPLY or CFG_SET into r (type not checked). */
static void parse_attrs(const struct ikev2_cp *cp, struct fvc_reply *r)
{
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < cp->n && i < IKEV2_CP_MAX_ATTRS; i++) {
		const struct ikev2_cp_attr *a = &cp->attrs[i];
		struct in_addr v4 = {0};
		if (a->len >= 4)
			memcpy(&v4, a->value, 4);
		switch (a->type) {
		case IKEV2_CFG_INTERNAL_IP4_ADDRESS:
			if (a->len == 4 && !r->have_addr && v4.s_addr) {
				r->addr = v4;
				r->have_addr = true;
			}
			break;
		case IKEV2_CFG_INTERNAL_IP4_NETMASK:
			if (a->len == 4)
				r->netmask = v4;
			break;
		case IKEV2_CFG_INTERNAL_IP4_DNS:
			if (a->len == 4 && r->n_dns < 2)
				r->dns[r->n_dns++] = v4;
			break;
		case IKEV2_CFG_INTERNAL_IP4_NBNS:
			if (a->len == 4 && r->n_nbns < 2)
				r->nbns[r->n_nbns++] = v4;
			break;
		case IKEV2_CFG_INTERNAL_IP4_SUBNET: {
			if (a->len != 8 || r->n_subnets >= FVC_MAX_SUBNETS)
				break;
			struct in_addr m;
			memcpy(&m, a->value + 4, 4);
			uint32_t hm = ntohl(m.s_addr);
			unsigned plen = 0;
			while (plen < 32 && (hm & (0x80000000u >> plen)))
				plen++;
			if (plen < 32 && (hm << plen) != 0)
				break; /* not a contiguous mask */
			v4.s_addr &= m.s_addr;
			bool dup = false;
			for (int k = 0; k < r->n_subnets; k++)
				dup |= r->subnets[k].prefix.s_addr == v4.s_addr &&
				       r->subnets[k].plen == plen;
			if (!dup) {
				r->subnets[r->n_subnets].prefix = v4;
				r->subnets[r->n_subnets++].plen = plen;
			}
			break;
		}
		case IKEV2_CFG_INTERNAL_DNS_DOMAIN:	/* RFC 8598: a split-DNS domain */
		case IKEV2_CFG_CISCO_SPLIT_DNS:
			add_names(r->split_dns, &r->n_split_dns, FLEXVPN_MAX_SPLIT_DNS, a->value,
				  a->len);
			break;
		case IKEV2_CFG_CISCO_DEF_DOMAIN:
			if (a->len && a->len < FLEXVPN_DOMAIN_MAX && !r->def_domain[0]) {
				memcpy(r->def_domain, a->value, a->len);
				r->def_domain[a->len] = 0;
			}
			break;
		case IKEV2_CFG_CISCO_BACKUP_SERVERS:
			add_names(r->backup_gw, &r->n_backup_gw, FLEXVPN_MAX_BACKUP_GW, a->value,
				  a->len);
			break;
		default:
			break;
		}
	}
	/* servers send the default domain both as CISCO_DEF_DOMAIN and as
	 * RFC 8598 INTERNAL_DNS_DOMAIN: it is not a split-DNS domain then */
	for (int i = 0; r->def_domain[0] && i < r->n_split_dns; i++)
		if (strcmp(r->split_dns[i], r->def_domain) == 0) {
			memmove(r->split_dns[i], r->split_dns[i + 1],
				sizeof(r->split_dns[0]) * (size_t)(r->n_split_dns - i - 1));
			r->n_split_dns--;
			break;
		}
}

int ikev2_rt_cp_client_parse(const struct ikev2_cp *cp, struct fvc_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (cp->type != IKEV2_CP_REPLY)
		return -1;
	parse_attrs(cp, r);
	return 0;
}

/* ------------------------------------------------------------ sessions */

struct cp_sess {
	uint64_t ike_id;
	char ifname[48];
	bool applied;
	struct fvc_reply reply;		/* CFG_REPLY, plus subnets of a server's CFG_SET */
	unsigned set_sent;		/* subnets in our CFG_SET (0: none sent) */
	bool set_acked;			/* the server answered it with CFG_ACK */
	struct cp_sess *next;
};

static struct cp_sess *sessions;

static struct cp_sess *sess_by_id(uint64_t id)
{
	for (struct cp_sess *s = sessions; s; s = s->next)
		if (s->ike_id == id)
			return s;
	return NULL;
}

static void owner_of(const char *ifname, char *out, size_t n)
{
	snprintf(out, n, "flexvpn-client %s", ifname);
}

static void unapply(struct cp_sess *s)
{
	if (!s->applied)
		return;
	s->applied = false;
	char owner[64];
	owner_of(s->ifname, owner, sizeof(owner));
	tunnel_dynroute_del_owner(owner);
	const struct tunnel_ifconf *ifc = tunnel_if_find(s->ifname);
	if (ifc && s->reply.have_addr && ifc->negotiated.s_addr == s->reply.addr.s_addr) {
		struct in_addr none = {0};
		tunnel_if_set_negotiated(s->ifname, none);
	}
	struct fvc *c = flexvpn_client_rt_for_tunnel(s->ifname);
	if (c)
		fvc_clear_reply(c);
}

static void sess_free(struct cp_sess *s)
{
	unapply(s);
	for (struct cp_sess **pp = &sessions; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	free(s);
}

void ikev2_rt_cp_client_expect(uint64_t ike_id, const char *ifname)
{
	/* one IKE SA per tunnel carries its configuration: an older session
	 * of the same tunnel (a new negotiation) is dropped when the new one
	 * applies its reply */
	struct cp_sess *s = sess_by_id(ike_id);
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return;
		s->ike_id = ike_id;
		s->next = sessions;
		sessions = s;
	}
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
}

static void apply(struct cp_sess *s)
{
	for (struct cp_sess *o = sessions; o; o = o->next)
		if (o != s && o->applied && strcmp(o->ifname, s->ifname) == 0)
			unapply(o);
	const struct tunnel_ifconf *ifc = tunnel_if_find(s->ifname);
	if (!ifc)
		return;
	s->applied = true;
	if (s->reply.have_addr && ifc->ipv4_method == TUNNEL_IPV4_NEGOTIATED)
		tunnel_if_set_negotiated(s->ifname, s->reply.addr);
	char owner[64];
	owner_of(s->ifname, owner, sizeof(owner));
	tunnel_dynroute_del_owner(owner);
	struct in_addr direct = {0};
	for (int i = 0; i < s->reply.n_subnets; i++)
		tunnel_dynroute_add(owner, s->reply.subnets[i].prefix, s->reply.subnets[i].plen,
				    s->ifname, direct, 1);
	struct fvc *c = flexvpn_client_rt_for_tunnel(s->ifname);
	if (c)
		fvc_set_reply(c, &s->reply);
}

static void dbg(const char *ifname, const char *what, unsigned n)
{
	if (ikev2_debug_default.on || ikev2_debug_internal.on)
		log_debug("IKEv2-FLEXVPN:%s: %s (%u subnets)", ifname, what, n);
}

int ikev2_rt_cp_received(const struct ikev2_ike_info *info, const struct ikev2_cp *cp)
{
	struct cp_sess *s = sess_by_id(info->id);
	if (!s)
		return 0; /* not a tunnel that asked for configuration */
	if (!cp || cp->type == 0) {
		const struct ikev2_profile *prof = ikev2_profile_find(info->profile);
		if (!prof || prof->config_request)
			log_msg(LOG_SEV_WARNING, "IKEV2", "CONFIG",
				"%s: the peer sent no configuration reply", s->ifname);
		memset(&s->reply, 0, sizeof(s->reply));
		apply(s);
		return 0;
	}
	struct fvc_reply r;
	if (ikev2_rt_cp_client_parse(cp, &r) != 0) {
		log_msg(LOG_SEV_WARNING, "IKEV2", "CONFIG",
			"%s: ignoring a configuration payload of type %u", s->ifname, cp->type);
		memset(&r, 0, sizeof(r));
	}
	s->reply = r;
	apply(s);
	return 0;
}

/* Our own subnets in a CFG_SET, once the IKE SA is up (IOS "config-exchange
 * set send"). */
static void send_set(struct cp_sess *s, const struct ikev2_ike_info *info)
{
	const struct tunnel_ifconf *ifc = tunnel_if_find(s->ifname);
	struct ikev2_engine *e = ikev2_runtime_engine();
	struct ikev2_cp *cp = malloc(sizeof(*cp));
	if (!cp)
		abort();
	if (ifc && e && ikev2_rt_cp_client_set(ifc, info->profile, cp) == 0) {
		dbg(s->ifname, "sending CFG_SET", cp->n);
		if (ikev2_engine_send_cp(e, info->id, cp) == 0) {
			s->set_sent = cp->n;
			s->set_acked = false;
		}
	}
	free(cp);
}

/* A server's CFG_SET: its subnets become routes via the tunnel, with the
 * pushed ones (IOS "config-exchange set accept"). */
static void accept_set(struct cp_sess *s, const struct ikev2_ike_info *info,
		       const struct ikev2_cp *req, struct ikev2_cp *reply)
{
	const struct ikev2_profile *prof = ikev2_profile_find(info->profile);
	if (req->type != IKEV2_CP_SET || (prof && !prof->config_set_accept))
		return;
	struct fvc_reply *r = malloc(sizeof(*r));
	if (!r)
		abort();
	parse_attrs(req, r);
	for (int i = 0; i < r->n_subnets; i++) {
		bool dup = false;
		for (int k = 0; k < s->reply.n_subnets; k++)
			dup |= s->reply.subnets[k].prefix.s_addr == r->subnets[i].prefix.s_addr &&
			       s->reply.subnets[k].plen == r->subnets[i].plen;
		if (!dup && s->reply.n_subnets < FVC_MAX_SUBNETS)
			s->reply.subnets[s->reply.n_subnets++] = r->subnets[i];
	}
	dbg(s->ifname, "accepted the server's CFG_SET", (unsigned)r->n_subnets);
	free(r);
	reply->type = IKEV2_CP_ACK;
	for (unsigned i = 0; i < req->n; i++)
		if (req->attrs[i].type == IKEV2_CFG_INTERNAL_IP4_SUBNET) {
			attr(reply, IKEV2_CFG_INTERNAL_IP4_SUBNET, NULL, 0);
			break;
		}
	if (s->applied)
		apply(s);
}

int ikev2_rt_cp_client_informational(const struct ikev2_ike_info *info,
				     const struct ikev2_cp *req, struct ikev2_cp *reply)
{
	struct cp_sess *s = sess_by_id(info->id);
	if (!s)
		return 0;
	if (!reply) {
		s->set_acked = req->type == IKEV2_CP_ACK;
		dbg(s->ifname, s->set_acked ? "CFG_SET acknowledged" : "CFG_SET not acknowledged",
		    s->set_sent);
		return 0;
	}
	accept_set(s, info, req, reply);
	return 0;
}

bool ikev2_rt_cp_client_set_state(const char *ifname, unsigned *sent, bool *acked)
{
	for (struct cp_sess *s = sessions; s; s = s->next)
		if (s->applied && strcmp(s->ifname, ifname) == 0) {
			*sent = s->set_sent;
			*acked = s->set_acked;
			return true;
		}
	return false;
}

void ikev2_rt_client_ike_event(const struct ikev2_ike_info *info, enum ikev2_event ev)
{
	switch (ev) {
	case IKEV2_EV_UP: {
		struct cp_sess *s = info->initiator ? sess_by_id(info->id) : NULL;
		if (s)
			send_set(s, info);
		break;
	}
	case IKEV2_EV_REKEYED: {
		/* the new IKE SA carries the session on */
		struct cp_sess *s = info->rekeyed_from ? sess_by_id(info->rekeyed_from) : NULL;
		if (s)
			s->ike_id = info->id;
		struct fvc *c = s ? flexvpn_client_rt_for_tunnel(s->ifname) : NULL;
		if (c && c->ike_id == info->rekeyed_from)
			c->ike_id = info->id;
		break;
	}
	case IKEV2_EV_DOWN:
	case IKEV2_EV_PEER_DEAD:
	case IKEV2_EV_FAILED:
	case IKEV2_EV_AUTH_FAILED: {
		struct cp_sess *s = sess_by_id(info->id);
		if (s)
			sess_free(s);
		break;
	}
	default:
		break;
	}
}

bool ikev2_rt_cp_client_reply(const char *ifname, struct fvc_reply *out, uint64_t *ike_id)
{
	for (struct cp_sess *s = sessions; s; s = s->next)
		if (s->applied && strcmp(s->ifname, ifname) == 0) {
			if (out)
				*out = s->reply;
			if (ike_id)
				*ike_id = s->ike_id;
			return true;
		}
	return false;
}

void ikev2_rt_cp_client_forget(void)
{
	while (sessions)
		sess_free(sessions);
}
