/*
 * Configuration objects -> engine peer configuration (see
 * ikev2/runtime_glue.h for the rules).
 */
#include "ikev2/runtime_glue.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ikev2/config.h"
#include "ikev2/ikev2_const.h"
#include "ipsec/config.h"
#include "tunnel/tunnel.h"

static void why_set(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void why_set(char *why, size_t len, const char *fmt, ...)
{
	if (!why || !len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

static void copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* ------------------------------------------------------------ addresses */

static void to_ikev2_ip(const struct ipsec_addr *a, struct ikev2_ip *out)
{
	memset(out, 0, sizeof(*out));
	if (a->family == 4) {
		out->family = AF_INET;
		memcpy(out->addr, a->ip, 4);
	} else if (a->family == 6) {
		out->family = AF_INET6;
		memcpy(out->addr, a->ip, 16);
	}
}

static void addr_v4(struct ipsec_addr *a, struct in_addr in, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->ip, &in.s_addr, 4);
	a->port = port;
}

static const char *addr_text(const struct ipsec_addr *a, char *buf, size_t len)
{
	return ikev2_addr_str(a, buf, len);
}

const char *ikev2_glue_id_str(const struct ikev2_id *id, char *buf, size_t len)
{
	if (!id || id->type == 0) {
		snprintf(buf, len, "any");
		return buf;
	}
	if ((id->type == IKEV2_ID_IPV4_ADDR && id->len == 4) ||
	    (id->type == IKEV2_ID_IPV6_ADDR && id->len == 16)) {
		struct ipsec_addr a;
		memset(&a, 0, sizeof(a));
		a.family = id->type == IKEV2_ID_IPV4_ADDR ? 4 : 6;
		memcpy(a.ip, id->data, id->len);
		return ikev2_addr_str(&a, buf, len);
	}
	if (id->type == IKEV2_ID_FQDN || id->type == IKEV2_ID_RFC822_ADDR ||
	    id->type == IKEV2_ID_KEY_ID) {
		size_t n = 0;
		for (unsigned i = 0; i < id->len && n + 1 < len; i++) {
			uint8_t ch = id->data[i];
			buf[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '.';
		}
		buf[n] = 0;
		return buf;
	}
	size_t n = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < id->len && n + 3 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%02x", id->data[i]);
	return buf;
}

/* ------------------------------------------------------------ tunnels */

static const char *mode_text(enum tunnel_mode m)
{
	switch (m) {
	case TUNNEL_MODE_GRE_IP: return "gre ip";
	case TUNNEL_MODE_GRE_IPV6: return "gre ipv6";
	case TUNNEL_MODE_GRE_MULTIPOINT: return "gre multipoint";
	case TUNNEL_MODE_IPSEC_IPV4: return "ipsec ipv4";
	case TUNNEL_MODE_IPSEC_IPV6: return "ipsec ipv6";
	}
	return "?";
}

int ikev2_glue_tunnel_from_if(const struct tunnel_ifconf *ifc, struct ikev2_glue_tunnel *out,
			      char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	if (why && whylen)
		why[0] = 0;
	if (ifc->type != TUNNEL_IF_TUNNEL || !ifc->protection[0])
		return 1;
	copy_str(out->ifname, sizeof(out->ifname), ifc->name);
	copy_str(out->ipsec_profile, sizeof(out->ipsec_profile), ifc->protection);
	if (!tunnel_if_admin_up(ifc)) {
		why_set(why, whylen, "administratively down");
		return -1;
	}
	switch (ifc->mode) {
	case TUNNEL_MODE_IPSEC_IPV4: out->kind = IKEV2_GLUE_CHILD_ANY; break;
	case TUNNEL_MODE_GRE_IP: out->kind = IKEV2_GLUE_CHILD_GRE; break;
	default:
		why_set(why, whylen, "tunnel mode %s is not supported by the IKEv2 runtime",
			mode_text(ifc->mode));
		return -1;
	}
	switch (ifc->dst.kind) {
	case TUNNEL_EP_IPV4:
		if (!ifc->dst.v4.s_addr) {
			why_set(why, whylen, "tunnel destination 0.0.0.0");
			return -1;
		}
		addr_v4(&out->remote, ifc->dst.v4, 500);
		break;
	case TUNNEL_EP_NONE:
		why_set(why, whylen, "no tunnel destination");
		return -1;
	default:
		why_set(why, whylen, "tunnel destination must be an IPv4 address");
		return -1;
	}
	switch (ifc->src.kind) {
	case TUNNEL_EP_IPV4:
		addr_v4(&out->local, ifc->src.v4, 500);
		break;
	case TUNNEL_EP_INTERFACE: {
		const struct tunnel_ifconf *s = tunnel_if_find(ifc->src.name);
		struct in_addr a, m;
		if (!s) {
			why_set(why, whylen, "tunnel source %s does not exist", ifc->src.name);
			return -1;
		}
		if (!tunnel_if_admin_up(s)) {
			why_set(why, whylen, "tunnel source %s is down", s->name);
			return -1;
		}
		if (!tunnel_if_ipv4(s, &a, &m)) {
			why_set(why, whylen, "tunnel source %s has no IPv4 address", s->name);
			return -1;
		}
		addr_v4(&out->local, a, 500);
		break;
	}
	case TUNNEL_EP_NONE:
		why_set(why, whylen, "no tunnel source");
		return -1;
	default:
		why_set(why, whylen, "tunnel source must be an IPv4 address or an interface");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ proposals */

static void xf_add(struct ikev2_proposal_cfg *p, uint8_t type, uint16_t id, uint16_t keybits)
{
	if (p->n >= IKEV2_CFG_MAX_XFORMS)
		return;
	p->xf[p->n].type = type;
	p->xf[p->n].id = id;
	p->xf[p->n].keybits = keybits;
	p->n++;
}

static void proposal_to_cfg(const struct ikev2_proposal *p, struct ikev2_proposal_cfg *out)
{
	memset(out, 0, sizeof(*out));
	bool aead = false;
	for (int i = 0; i < p->n_encr; i++) {
		xf_add(out, IKEV2_XFORM_ENCR, p->encr[i].id, p->encr[i].keybits);
		aead = aead || ikev2_encr_is_aead(p->encr[i].id);
	}
	uint16_t prfs[IKEV2_MAX_PRF + IKEV2_MAX_INTEG];
	int n = ikev2_proposal_prfs(p, prfs, (int)(sizeof(prfs) / sizeof(prfs[0])));
	for (int i = 0; i < n; i++)
		xf_add(out, IKEV2_XFORM_PRF, prfs[i], 0);
	if (!aead)
		for (int i = 0; i < p->n_integ; i++)
			xf_add(out, IKEV2_XFORM_INTEG, p->integ[i], 0);
	for (int i = 0; i < p->n_dh; i++)
		xf_add(out, IKEV2_XFORM_DH, p->dh[i], 0);
}

/* The IKE proposals of the policy for local. */
static int ike_proposals(const struct ipsec_addr *local, struct ikev2_ike_policy *ike, char *why,
			 size_t whylen)
{
	struct ikev2_ip lip;
	to_ikev2_ip(local, &lip);
	const struct ikev2_policy *pol = ikev2_policy_select(&lip, NULL);
	char a[64];
	if (!pol) {
		why_set(why, whylen, "no IKEv2 policy with a complete proposal matches local address %s",
			addr_text(local, a, sizeof(a)));
		return -1;
	}
	ike->n_proposals = 0;
	for (int i = 0; i < pol->n_proposals && ike->n_proposals < IKEV2_CFG_MAX_PROPOSALS; i++) {
		const struct ikev2_proposal *p = ikev2_proposal_find(pol->proposals[i]);
		if (!p || !ikev2_proposal_complete(p, NULL, 0))
			continue;
		proposal_to_cfg(p, &ike->proposals[ike->n_proposals++]);
	}
	if (!ike->n_proposals) {
		why_set(why, whylen, "IKEv2 policy %s has no complete proposal", pol->name);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ identities */

static void id_addr(struct ikev2_id *id, const struct ipsec_addr *a)
{
	memset(id, 0, sizeof(*id));
	id->type = a->family == 6 ? IKEV2_ID_IPV6_ADDR : IKEV2_ID_IPV4_ADDR;
	id->len = a->family == 6 ? 16 : 4;
	memcpy(id->data, a->ip, id->len);
}

static void id_text(struct ikev2_id *id, uint8_t type, const char *s)
{
	memset(id, 0, sizeof(*id));
	size_t n = strlen(s);
	if (n > IKEV2_ID_MAX)
		n = IKEV2_ID_MAX;
	id->type = type;
	id->len = (uint16_t)n;
	memcpy(id->data, s, n);
}

/* identity local ...; our address when not configured (IOS default). */
static void local_identity(const struct ikev2_profile *prof, const struct ipsec_addr *local,
			   struct ikev2_id *id)
{
	const struct ikev2_idspec *s = &prof->local_id;
	switch (s->kind) {
	case IKEV2_IDK_ADDRESS:
		if (s->pfx.ip.family == AF_INET6) {
			memset(id, 0, sizeof(*id));
			id->type = IKEV2_ID_IPV6_ADDR;
			id->len = 16;
			memcpy(id->data, s->pfx.ip.addr, 16);
		} else if (s->pfx.ip.family == AF_INET) {
			memset(id, 0, sizeof(*id));
			id->type = IKEV2_ID_IPV4_ADDR;
			id->len = 4;
			memcpy(id->data, s->pfx.ip.addr, 4);
		} else {
			id_addr(id, local);
		}
		return;
	case IKEV2_IDK_FQDN: id_text(id, IKEV2_ID_FQDN, s->value); return;
	case IKEV2_IDK_EMAIL: id_text(id, IKEV2_ID_RFC822_ADDR, s->value); return;
	case IKEV2_IDK_KEY_ID: id_text(id, IKEV2_ID_KEY_ID, s->value); return;
	default: id_addr(id, local); return; /* none, dn (no certificates yet) */
	}
}

/* ------------------------------------------------------------ keys */

static int psk_put(const struct ikev2_psk *k, uint8_t *out, size_t *outlen, const char *what,
		   char *why, size_t whylen)
{
	if (k->enc == 6) {
		why_set(why, whylen, "%s is a type 6 (encrypted) key, which is not supported", what);
		return -1;
	}
	size_t n = strlen(k->key);
	if (n == 0 || n > IKEV2_PSK_MAX) {
		why_set(why, whylen, "%s has an unusable length", what);
		return -1;
	}
	memcpy(out, k->key, n);
	*outlen = n;
	return 0;
}

/* The keyring key for one direction: direction-specific, else common. */
static const struct ikev2_psk *peer_key(const struct ikev2_keyring_peer *kp, bool local)
{
	const struct ikev2_psk *k = local ? &kp->psk_local : &kp->psk_remote;
	if (k->set)
		return k;
	return kp->psk.set ? &kp->psk : NULL;
}

static int psk_keys(const struct ikev2_profile *prof, const struct ipsec_addr *remote,
		    const struct ikev2_id *peer_id, struct ikev2_ike_policy *ike, char *why,
		    size_t whylen)
{
	char a[64];
	if (prof->auth_local != IKEV2_AUTHM_PSK) {
		why_set(why, whylen, "IKEv2 profile %s: only pre-share local authentication is supported",
			prof->name);
		return -1;
	}
	if (!(prof->auth_remote & IKEV2_AUTHM_PSK)) {
		why_set(why, whylen, "IKEv2 profile %s: only pre-share remote authentication is supported",
			prof->name);
		return -1;
	}
	const struct ikev2_keyring_peer *kp = NULL;
	bool need_kr = !prof->auth_local_key.set || !prof->auth_remote_key.set;
	if (need_kr) {
		const struct ikev2_keyring *kr =
			prof->keyring_local[0] ? ikev2_keyring_find(prof->keyring_local) : NULL;
		if (!kr) {
			why_set(why, whylen, prof->keyring_local[0]
						     ? "IKEv2 profile %s: keyring %s does not exist"
						     : "IKEv2 profile %s: no keyring and no pre-share key%s",
				prof->name, prof->keyring_local);
			return -1;
		}
		if (peer_id && peer_id->type)
			kp = ikev2_keyring_peer_by_identity(kr, peer_id->type, peer_id->data,
							    peer_id->len);
		if (!kp) {
			struct ikev2_ip rip;
			to_ikev2_ip(remote, &rip);
			kp = ikev2_keyring_peer_by_addr(kr, &rip);
		}
		if (!kp) {
			why_set(why, whylen, "keyring %s has no peer for %s", kr->name,
				addr_text(remote, a, sizeof(a)));
			return -1;
		}
	}
	const struct ikev2_psk *kl = prof->auth_local_key.set ? &prof->auth_local_key
							      : peer_key(kp, true);
	const struct ikev2_psk *kr = prof->auth_remote_key.set ? &prof->auth_remote_key
							       : peer_key(kp, false);
	if (!kl || !kr) {
		why_set(why, whylen, "keyring peer %s has no %s pre-shared key", kp ? kp->name : "?",
			!kl ? "local" : "remote");
		return -1;
	}
	if (psk_put(kl, ike->psk_local, &ike->psk_local_len, "the local pre-shared key", why,
		    whylen) != 0 ||
	    psk_put(kr, ike->psk_remote, &ike->psk_remote_len, "the remote pre-shared key", why,
		    whylen) != 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ IKE policy */

static void ike_globals(struct ikev2_ike_policy *ike)
{
	const struct ikev2_global *g = ikev2_global();
	ike->fragmentation = g->fragmentation;
	if (g->fragmentation_mtu > 0)
		ike->fragment_mtu = (uint16_t)g->fragmentation_mtu;
	if (g->dpd_mode != IKEV2_CFG_DPD_OFF && g->dpd_interval > 0) {
		ike->dpd_interval_sec = (uint32_t)g->dpd_interval;
		ike->dpd_retry_sec = (uint32_t)(g->dpd_retry > 0 ? g->dpd_retry : 2);
		ike->dpd_on_demand = g->dpd_mode == IKEV2_CFG_DPD_ON_DEMAND;
	}
	ike->nat_keepalive_sec = (uint32_t)(g->nat_keepalive > 0 ? g->nat_keepalive : 0);
}

static int ike_from_profile(const struct ikev2_profile *prof, const struct ipsec_addr *local,
			    const struct ipsec_addr *remote, const struct ikev2_id *peer_id,
			    struct ikev2_ike_policy *ike, char *why, size_t whylen)
{
	ikev2_ike_policy_default(ike);
	ike_globals(ike);
	copy_str(ike->name, sizeof(ike->name), prof->name);
	if (ike_proposals(local, ike, why, whylen) != 0)
		return -1;
	local_identity(prof, local, &ike->local_id);
	memset(&ike->remote_id, 0, sizeof(ike->remote_id)); /* the profile match checked it */
	if (psk_keys(prof, remote, peer_id, ike, why, whylen) != 0)
		return -1;
	if (prof->lifetime > 0)
		ike->lifetime_sec = (uint32_t)prof->lifetime;
	if (prof->dpd_mode != IKEV2_CFG_DPD_OFF && prof->dpd_interval > 0) {
		ike->dpd_interval_sec = (uint32_t)prof->dpd_interval;
		ike->dpd_retry_sec = (uint32_t)(prof->dpd_retry > 0 ? prof->dpd_retry : 2);
		ike->dpd_on_demand = prof->dpd_mode == IKEV2_CFG_DPD_ON_DEMAND;
	}
	if (prof->nat_keepalive > 0)
		ike->nat_keepalive_sec = (uint32_t)prof->nat_keepalive;
	return 0;
}

/* ------------------------------------------------------------ CHILD_SA */

static void ts_any(struct ipsec_ts *ts, uint8_t family)
{
	memset(ts, 0, sizeof(*ts));
	ts->family = family;
	ts->end_port = 65535;
	memset(ts->end, 0xff, family == 6 ? 16 : 4);
}

static void ts_host(struct ipsec_ts *ts, const struct ipsec_addr *a, uint8_t proto)
{
	memset(ts, 0, sizeof(*ts));
	ts->family = a->family;
	ts->proto = proto;
	ts->end_port = 65535;
	size_t n = a->family == 6 ? 16 : 4;
	memcpy(ts->start, a->ip, n);
	memcpy(ts->end, a->ip, n);
}

static int child_from_ipsec_profile(const char *name, struct ikev2_child_policy *cp, char *why,
				    size_t whylen)
{
	struct ipsec_child_policy ip;
	ikev2_child_policy_default(cp);
	if (ipsec_profile_resolve(name, &ip) != 0) {
		why_set(why, whylen, "IPsec profile %s does not exist", name);
		return -1;
	}
	copy_str(cp->name, sizeof(cp->name), ip.profile);
	cp->n_proposals = 0;
	for (int i = 0; i < ip.n_proposals && cp->n_proposals < IKEV2_CFG_MAX_PROPOSALS; i++) {
		const struct ipsec_esp_proposal *e = &ip.proposals[i];
		struct ikev2_proposal_cfg *pc = &cp->proposals[cp->n_proposals++];
		memset(pc, 0, sizeof(*pc));
		xf_add(pc, IKEV2_XFORM_ENCR, e->encr_id, e->encr_key_bits);
		if (e->integ_id != IPSEC_IANA_AUTH_NONE)
			xf_add(pc, IKEV2_XFORM_INTEG, e->integ_id, 0);
	}
	if (!cp->n_proposals) {
		why_set(why, whylen, "IPsec profile %s has no usable transform set", name);
		return -1;
	}
	cp->pfs_group = ip.pfs_group;
	cp->lifetime_sec = ip.lifetime_sec ? ip.lifetime_sec : IPSEC_DEFAULT_LIFETIME_SEC;
	cp->lifetime_kb = ip.lifetime_kb;
	cp->replay_window = ip.replay_window;
	return 0;
}

/* The selectors and mode of a tunnel's CHILD_SA (initiator side). */
/* sVTI: any/any in tunnel mode.  GRE over IPsec: protocol 47 between the
 * tunnel endpoints, in transport mode (USE_TRANSPORT_MODE) when the IPsec
 * profile's first transform set says "mode transport", else tunnel mode, as
 * IOS does. */
static void child_selectors(struct ikev2_child_policy *cp, enum ikev2_glue_child_kind kind,
			    const struct ipsec_child_policy *ip, const struct ipsec_addr *local,
			    const struct ipsec_addr *remote)
{
	if (kind == IKEV2_GLUE_CHILD_GRE) {
		cp->mode = ip->n_proposals > 0 && ip->proposals[0].mode == IPSEC_MODE_TRANSPORT
				   ? IPSEC_SA_TRANSPORT
				   : IPSEC_SA_TUNNEL;
		ts_host(&cp->ts_local[0], local, 47);
		ts_host(&cp->ts_remote[0], remote, 47);
	} else {
		cp->mode = IPSEC_SA_TUNNEL;
		ts_any(&cp->ts_local[0], local->family);
		ts_any(&cp->ts_remote[0], remote->family);
	}
	cp->n_ts_local = cp->n_ts_remote = 1;
}

/* ------------------------------------------------------------ initiator */

static const struct ikev2_profile *initiator_profile(const char *name,
						     const struct ipsec_addr *local,
						     const struct ipsec_addr *remote, char *why,
						     size_t whylen)
{
	const struct ikev2_profile *p;
	if (name && name[0]) {
		p = ikev2_profile_find(name);
		if (!p)
			why_set(why, whylen, "IKEv2 profile %s does not exist", name);
		return p;
	}
	p = ikev2_profile_find("default");
	if (p)
		return p;
	struct ikev2_ip lip;
	to_ikev2_ip(local, &lip);
	struct ikev2_id rid;
	id_addr(&rid, remote);
	p = ikev2_profile_match(rid.type, rid.data, rid.len, &lip, NULL);
	char a[64];
	if (!p)
		why_set(why, whylen, "no IKEv2 profile: set ikev2-profile in the IPsec profile, or "
				     "match identity remote address %s",
			addr_text(remote, a, sizeof(a)));
	return p;
}

int ikev2_glue_initiator_config(const struct ikev2_glue_tunnel *t, struct ikev2_peer_config *out,
				char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	if (why && whylen)
		why[0] = 0;
	struct ipsec_child_policy ip;
	if (ipsec_profile_resolve(t->ipsec_profile, &ip) != 0) {
		why_set(why, whylen, "IPsec profile %s does not exist", t->ipsec_profile);
		return -1;
	}
	if (ip.responder_only) {
		why_set(why, whylen, "IPsec profile %s is responder-only: waiting for the peer",
			t->ipsec_profile);
		return 1;
	}
	const struct ikev2_profile *prof =
		initiator_profile(ip.ikev2_profile, &t->local, &t->remote, why, whylen);
	if (!prof)
		return -1;
	if (prof->shutdown) {
		why_set(why, whylen, "IKEv2 profile %s is shut down", prof->name);
		return -1;
	}
	if (ike_from_profile(prof, &t->local, &t->remote, NULL, &out->ike, why, whylen) != 0)
		return -1;
	if (child_from_ipsec_profile(t->ipsec_profile, &out->child, why, whylen) != 0)
		return -1;
	child_selectors(&out->child, t->kind, &ip, &t->local, &t->remote);
	out->has_child = true;
	return 0;
}

/* ------------------------------------------------------------ responder */

/* A protected tunnel towards remote that is shut down: the crypto
 * session for that peer is administratively down. */
static const struct tunnel_ifconf *tunnel_to_peer_down(const struct ipsec_addr *remote)
{
	int n = tunnel_if_count();
	for (int i = 0; i < n; i++) {
		const struct tunnel_ifconf *ifc = tunnel_if_at(i);
		if (!ifc || ifc->type != TUNNEL_IF_TUNNEL || !ifc->protection[0] ||
		    ifc->dst.kind != TUNNEL_EP_IPV4 || remote->family != 4 ||
		    memcmp(&ifc->dst.v4.s_addr, remote->ip, 4) != 0)
			continue;
		if (!tunnel_if_admin_up(ifc))
			return ifc;
	}
	return NULL;
}

/* Which IPsec profile (and kind) answers a peer matched by prof. */
static bool responder_ipsec_profile(const struct ikev2_profile *prof,
				    const struct ipsec_addr *local, const struct ipsec_addr *remote,
				    char *name, size_t namelen, enum ikev2_glue_child_kind *kind)
{
	int n = tunnel_if_count();
	/* 1. a tunnel towards this peer (its source may be an interface) */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			const struct tunnel_ifconf *ifc = tunnel_if_at(i);
			struct ikev2_glue_tunnel t;
			if (ikev2_glue_tunnel_from_if(ifc, &t, NULL, 0) != 0)
				continue;
			const struct ipsec_profile *ip = ipsec_profile_find(t.ipsec_profile);
			if (!ip)
				continue;
			bool uses = strcmp(ip->ikev2_profile, prof->name) == 0;
			bool hit = pass == 0 ? ipsec_addr_eq(&t.remote, remote) &&
						       ipsec_addr_eq(&t.local, local) &&
						       (uses || !ip->ikev2_profile[0])
					     : uses;
			if (hit) {
				copy_str(name, namelen, t.ipsec_profile);
				*kind = t.kind;
				return true;
			}
		}
	}
	*kind = IKEV2_GLUE_CHILD_ANY;
	/* 2. the virtual-template's protection (FlexVPN server, dVTI) */
	if (prof->virtual_template > 0) {
		char vt[48];
		snprintf(vt, sizeof(vt), "Virtual-Template%d", prof->virtual_template);
		const struct tunnel_ifconf *ifc = tunnel_if_find(vt);
		if (ifc && ifc->protection[0] && ipsec_profile_find(ifc->protection)) {
			copy_str(name, namelen, ifc->protection);
			return true;
		}
	}
	/* 3. any IPsec profile naming the IKEv2 profile */
	for (int i = 0; i < ipsec_profile_count(); i++) {
		const struct ipsec_profile *ip = ipsec_profile_at(i);
		if (ip && strcmp(ip->ikev2_profile, prof->name) == 0 && ipsec_profile_find(ip->name)) {
			copy_str(name, namelen, ip->name);
			return true;
		}
	}
	/* 4. the smart default */
	if (ipsec_profile_find("default")) {
		copy_str(name, namelen, "default");
		return true;
	}
	return false;
}

int ikev2_glue_lookup_peer(const struct ipsec_addr *local, const struct ipsec_addr *remote,
			   const struct ikev2_id *remote_id, struct ikev2_peer_config *out, char *why,
			   size_t whylen)
{
	memset(out, 0, sizeof(*out));
	if (why && whylen)
		why[0] = 0;
	if (!remote_id) {
		/* IKE_SA_INIT: only the proposals (and fragmentation) count */
		ikev2_ike_policy_default(&out->ike);
		ike_globals(&out->ike);
		return ike_proposals(local, &out->ike, why, whylen);
	}
	struct ikev2_ip lip;
	to_ikev2_ip(local, &lip);
	const struct ikev2_profile *prof =
		ikev2_profile_match(remote_id->type, remote_id->data, remote_id->len, &lip, NULL);
	char idb[IKEV2_ID_MAX * 2 + 8];
	if (!prof) {
		why_set(why, whylen, "no IKEv2 profile matches the peer identity %s",
			ikev2_glue_id_str(remote_id, idb, sizeof(idb)));
		return -1;
	}
	const struct tunnel_ifconf *down = tunnel_to_peer_down(remote);
	if (down) {
		why_set(why, whylen, "%s towards the peer is shut down", down->name);
		return -1;
	}
	if (ike_from_profile(prof, local, remote, remote_id, &out->ike, why, whylen) != 0)
		return -1;
	char ipname[IPSEC_NAME_MAX + 1];
	enum ikev2_glue_child_kind kind;
	if (responder_ipsec_profile(prof, local, remote, ipname, sizeof(ipname), &kind) &&
	    child_from_ipsec_profile(ipname, &out->child, NULL, 0) == 0) {
		struct ikev2_child_policy *cp = &out->child;
		/* accept what the initiator proposes within any/any */
		ts_any(&cp->ts_local[0], 4);
		ts_any(&cp->ts_local[1], 6);
		ts_any(&cp->ts_remote[0], 4);
		ts_any(&cp->ts_remote[1], 6);
		cp->n_ts_local = cp->n_ts_remote = 2;
		cp->mode = kind == IKEV2_GLUE_CHILD_GRE ? IPSEC_SA_TRANSPORT : IPSEC_SA_TUNNEL;
		out->has_child = true;
	}
	return 0;
}
