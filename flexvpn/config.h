/* FlexVPN configuration: IKEv2 authorization policies, FlexVPN client
 * profiles and IP local pools.
 *
 * The objects are owned by this module and changed only by the CLI handlers
 * (config_*.c); everything here is a read-only view for the runtime (the
 * FlexVPN server and client, the IKEv2 configuration exchange), except the
 * pool allocator, which hands out and takes back addresses at run time. */
#ifndef IKESH_FLEXVPN_CONFIG_H
#define IKESH_FLEXVPN_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

enum {
	FLEXVPN_NAME_MAX = 64,      /* object and list names (63 characters) */
	FLEXVPN_IFNAME_MAX = 48,    /* "GigabitEthernet0/0/1", "Tunnel10" */
	FLEXVPN_DOMAIN_MAX = 256,   /* def-domain, split-dns, backup-gateway */
	FLEXVPN_MAX_SPLIT_DNS = 10,
	FLEXVPN_MAX_BACKUP_GW = 10,
	FLEXVPN_MAX_ROUTES = 64,    /* route set remote ipv4 / ipv6 */
	FLEXVPN_MAX_PEERS = 16,     /* peers of one FlexVPN client */
	FLEXVPN_MAX_SOURCES = 8,    /* source N IF track T */
	FLEXVPN_MAX_INSIDE = 8,     /* client inside IF */
};

/* ---- crypto ikev2 authorization policy ---- */

struct flexvpn_route4 {
	struct in_addr addr;
	struct in_addr mask;
};

struct flexvpn_route6 {
	struct in6_addr addr;
	int plen;
};

struct flexvpn_author {
	char name[FLEXVPN_NAME_MAX];
	bool is_default;                  /* the policy named "default" */
	char pool[FLEXVPN_NAME_MAX];      /* "" when not set */
	struct in_addr dns[2];
	int n_dns;
	struct in_addr wins[2];
	int n_wins;
	bool netmask_set;
	struct in_addr netmask;
	char def_domain[FLEXVPN_DOMAIN_MAX];
	char split_dns[FLEXVPN_MAX_SPLIT_DNS][FLEXVPN_DOMAIN_MAX];
	int n_split_dns;
	char backup_gw[FLEXVPN_MAX_BACKUP_GW][FLEXVPN_DOMAIN_MAX]; /* address or name */
	int n_backup_gw;
	char subnet_acl[FLEXVPN_NAME_MAX];
	bool pfs;
	bool include_local_lan;
	bool smartcard_removal_disconnect;
	long session_lifetime;            /* seconds; 0 when not set */
	long flow_limit;                  /* ipsec flow-limit; -1 when not set */
	char aaa_attr_list[FLEXVPN_NAME_MAX];
	/* dhcp */
	char dhcp_server[FLEXVPN_DOMAIN_MAX];
	bool dhcp_giaddr_set;
	struct in_addr dhcp_giaddr;
	int dhcp_timeout;                 /* 0 when not set */
	/* ipv6 */
	char ipv6_pool[FLEXVPN_NAME_MAX];
	struct in6_addr dns6[2];
	int n_dns6;
	int ipv6_prefix;                  /* 0 when not set */
	/* route set / route accept */
	bool route_set_interface;         /* push the tunnel interface address */
	char route_set_ifname[FLEXVPN_IFNAME_MAX]; /* "" = the session's own tunnel */
	char route_acl[FLEXVPN_NAME_MAX];          /* route set access-list */
	char route_acl6[FLEXVPN_NAME_MAX];         /* route set access-list ipv6 */
	struct flexvpn_route4 remote4[FLEXVPN_MAX_ROUTES];
	int n_remote4;
	struct flexvpn_route6 remote6[FLEXVPN_MAX_ROUTES];
	int n_remote6;
	bool route_accept_any;
	long accept_tag;                  /* 0 when not set */
	int accept_distance;              /* 0 when not set */
	/* where the references came from, for --check */
	int src_line;                     /* the "crypto ikev2 authorization policy" line */
	int pool_line, route_acl_line, route_acl6_line, subnet_acl_line, route_if_line;
	struct flexvpn_author *next;
};

/* The policy of that name, or NULL.  "default" always exists: the built-in
 * (empty) default policy when it was never configured, as in IOS. */
const struct flexvpn_author *flexvpn_author_find(const char *name);
/* Configured policies in running-config order (the default policy only when
 * it was configured). */
const struct flexvpn_author *flexvpn_author_first(void);

/* ---- crypto ikev2 client flexvpn ---- */

enum flexvpn_peer_kind { FLEXVPN_PEER_IPV4, FLEXVPN_PEER_IPV6, FLEXVPN_PEER_FQDN };

struct flexvpn_peer {
	int seq;                          /* peer sequence number, 1-255 */
	enum flexvpn_peer_kind kind;
	struct in_addr addr4;
	struct in6_addr addr6;
	char fqdn[FLEXVPN_DOMAIN_MAX];
	bool fqdn_dynamic;                /* resolve at every connection */
	bool fqdn_ipv6;                   /* resolve to an IPv6 address */
	int track;                        /* 0: no track object */
	bool track_down;                  /* possible peer while the object is down */
	int line;
};

enum flexvpn_connect { FLEXVPN_CONNECT_AUTO, FLEXVPN_CONNECT_MANUAL, FLEXVPN_CONNECT_TRACK };

struct flexvpn_source {
	int seq;
	char ifname[FLEXVPN_IFNAME_MAX];
	int track;                        /* 0: none */
	int line;
};

struct flexvpn_client {
	char name[FLEXVPN_NAME_MAX];
	struct flexvpn_peer peers[FLEXVPN_MAX_PEERS];   /* sorted by seq */
	int n_peers;
	bool peer_reactivate;
	enum flexvpn_connect connect;
	int connect_track;
	bool connect_track_down;
	int connect_line;
	struct flexvpn_source sources[FLEXVPN_MAX_SOURCES]; /* sorted by seq */
	int n_sources;
	char inside[FLEXVPN_MAX_INSIDE][FLEXVPN_IFNAME_MAX];
	int inside_line[FLEXVPN_MAX_INSIDE];
	int n_inside;
	int tunnel;                       /* client connect TunnelN; -1 when not set */
	int tunnel_line;
	int backup_group;                 /* -1 not set, 0 "default", 1-255 */
	int src_line;
	struct flexvpn_client *next;
};

const struct flexvpn_client *flexvpn_client_find(const char *name);
const struct flexvpn_client *flexvpn_client_first(void);

/* ---- ip local pool: configuration and the address allocator ---- */

enum { FLEXVPN_POOL_MAX_RANGE = 1 << 20 }; /* addresses in one range */

/* True if a pool of that name is configured. */
bool flexvpn_pool_exists(const char *name);
/* Addresses of the pool: total and in use.  -1 if there is no such pool. */
int flexvpn_pool_counts(const char *name, uint32_t *total, uint32_t *in_use);

enum flexvpn_pool_rc {
	FLEXVPN_POOL_OK = 0,
	FLEXVPN_POOL_NO_POOL = -1,    /* no pool of that name */
	FLEXVPN_POOL_EXHAUSTED = -2,  /* every address is in use */
	FLEXVPN_POOL_IN_USE = -3,     /* the requested address belongs to someone else */
	FLEXVPN_POOL_NOT_IN_POOL = -4,/* the address is not in that pool */
	FLEXVPN_POOL_NOT_IN_USE = -5, /* release of an address that is free */
};

/* Take an address of the pool for owner (a peer identity or user name, up to
 * 63 characters).  An owner that already holds an address of this pool gets
 * the same one back; otherwise the lowest free address of the first range
 * with room.  Returns enum flexvpn_pool_rc. */
int flexvpn_pool_alloc(const char *pool, const char *owner, struct in_addr *out);
/* Take a given address (requested by the peer in its CFG_REQUEST).  Fails
 * with FLEXVPN_POOL_IN_USE when another owner holds it. */
int flexvpn_pool_alloc_addr(const char *pool, const char *owner, struct in_addr addr);
/* Give an address back. */
int flexvpn_pool_release(const char *pool, struct in_addr addr);
/* Which pool contains addr (in use or not): its name, or NULL.  *owner gets
 * the holder when the address is in use, NULL when it is free. */
const char *flexvpn_pool_lookup(struct in_addr addr, const char **owner);
/* Release every address held by owner, in every pool; returns how many. */
int flexvpn_pool_release_owner(const char *owner);

/* ---- internal to the module: shared by its CLI handlers ---- */

#include <stddef.h>
struct cmdctx;
struct problem_list;
/* The interface named by argument i (its type keyword) and i+1 (its number):
 * "GigabitEthernet0/1", "Tunnel0". */
void flexvpn_ifname_at(const struct cmdctx *c, int i, char *out, size_t n);
/* References into other modules, for the check callbacks: 1 the object
 * exists, 0 it does not, -1 unknown (the other module does not answer). */
int flexvpn_ref_interface(const char *ifname);
int flexvpn_ref_acl(const char *name);
int flexvpn_ref_track(int num);
/* Copy a name; false (and a "% ..." message) if it is longer than n-1. */
bool flexvpn_copy_name(struct cmdctx *c, const char *what, char *dst, size_t n, const char *src);

#endif
