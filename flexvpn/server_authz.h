/*
 * FlexVPN server: authorization of an IKEv2 peer and the configuration
 * reply built from it.
 *
 * flexvpn_authorize() is the one place that turns (peer identity, IKEv2
 * profile) into a set of authorization attributes.  It follows the
 * profile's "aaa authorization group|user psk|cert|eap list LIST
 * [NAME | name-mangler M]" statements, runs the methods of "aaa
 * authorization network LIST" in order and merges what they return.
 * Today the only source is local: the "crypto ikev2 authorization policy"
 * of the looked-up name (the "default" policy when there is none); RADIUS
 * groups are skipped as unreachable, so a later RADIUS source plugs in as
 * another method here.
 *
 * Precedence (as IOS documents it): user authorization attributes win over
 * group ones, unless the group statement has "override".  An attribute
 * that the winning source leaves unset comes from the other one.
 *
 * flexvpn_cp_reply() builds the CFG_REPLY to a CFG_REQUEST from those
 * attributes; flexvpn_cp_subnets() reads the subnets a client announces
 * in a CFG_SET.  Both are pure (no pool, no interfaces touched beyond
 * reading the configuration), so they are unit-tested directly.
 */
#ifndef IKESH_FLEXVPN_SERVER_AUTHZ_H
#define IKESH_FLEXVPN_SERVER_AUTHZ_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "flexvpn/config.h"
#include "ikev2/config.h"
#include "ikev2/engine.h"

enum { FLEXVPN_AUTHZ_MAX_ROUTES = 64 };

struct flexvpn_authz {
	bool done;			/* some aaa authorization statement applied */
	/* where the attributes came from, for show and debug */
	char group_name[FLEXVPN_NAME_MAX], group_policy[FLEXVPN_NAME_MAX];
	char user_name[FLEXVPN_NAME_MAX], user_policy[FLEXVPN_NAME_MAX];
	/* the merged attributes */
	char pool[FLEXVPN_NAME_MAX];
	struct in_addr dns[2];
	int n_dns;
	struct in_addr wins[2];
	int n_wins;
	bool netmask_set;
	struct in_addr netmask;
	char def_domain[FLEXVPN_DOMAIN_MAX];
	char split_dns[FLEXVPN_MAX_SPLIT_DNS][FLEXVPN_DOMAIN_MAX];
	int n_split_dns;
	char backup_gw[FLEXVPN_MAX_BACKUP_GW][FLEXVPN_DOMAIN_MAX];
	int n_backup_gw;
	bool route_set_interface;
	char route_set_ifname[FLEXVPN_IFNAME_MAX];	/* "": the session's own interface */
	char route_acl[FLEXVPN_NAME_MAX];
	struct flexvpn_route4 remote4[FLEXVPN_MAX_ROUTES];
	int n_remote4;
	bool route_accept_any;
	int accept_distance;		/* 0: not set */
	long session_lifetime;		/* 0: not set */
};

/* The user name an aaa authorization statement looks up for a peer
 * identity: its fixed NAME, else what its name mangler derives, else the
 * identity itself as text.  0, or -1 with why. */
int flexvpn_authz_username(const struct ikev2_aaa_author *a, const struct ikev2_id *id,
			   char *out, size_t outlen, char *why, size_t whylen);

/* Authorize a peer that authenticated with kind (IKEV2_AAA_PSK ...) on
 * profile prof.  0: authorized (out->done false when the profile has no
 * aaa authorization for that kind: no attributes); -1: refused, why says
 * why. */
int flexvpn_authorize(const struct ikev2_profile *prof, enum ikev2_aaa_kind kind,
		      const struct ikev2_id *id, struct flexvpn_authz *out, char *why,
		      size_t whylen);

/* ---- the configuration payload ---- */

struct flexvpn_cp_in {
	const struct flexvpn_authz *az;
	const struct ikev2_cp *req;	/* the peer's CFG_REQUEST */
	bool peer_flexvpn;		/* it sent the FLEXVPN-SUPPORTED vendor ID */
	bool have_addr;			/* an address was taken from the pool */
	struct in_addr addr;
	/* the address "route set interface" pushes when no interface is
	 * named: the session interface's (its template's) address */
	bool have_if_addr;
	struct in_addr if_addr;
};

/* Did the peer ask for this attribute (an attribute of that type in req)? */
bool flexvpn_cp_asked(const struct ikev2_cp *req, uint16_t type);
/* The address the peer asked for in INTERNAL_IP4_ADDRESS (a 4-byte
 * value that is not 0.0.0.0); false when none. */
bool flexvpn_cp_requested_addr(const struct ikev2_cp *req, struct in_addr *out);
/* Build the CFG_REPLY into reply (type IKEV2_CP_REPLY; attributes that do
 * not fit are left out). */
void flexvpn_cp_reply(const struct flexvpn_cp_in *in, struct ikev2_cp *reply);
/* The routes pushed as INTERNAL_IP4_SUBNET (route set interface,
 * access-list, remote), in reply order; returns how many (at most max). */
int flexvpn_authz_routes(const struct flexvpn_cp_in *in, struct flexvpn_route4 *out, int max);
/* INTERNAL_IP4_SUBNET values (address + mask) of a CP; returns how many. */
int flexvpn_cp_subnets(const struct ikev2_cp *cp, struct flexvpn_route4 *out, int max);

#endif
