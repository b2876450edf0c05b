/* Interfaces, static routes, access lists, track objects and VRFs: the
 * configuration model behind "interface ...", "ip route ...", "access-list",
 * "ip access-list ...", "track ..." and "vrf definition ...", as IOS keeps it.
 *
 * The CLI handlers (tunnel/config_*.c) own these objects; other modules read
 * them through this API.  Everything belongs to the control-plane thread:
 * returned pointers stay valid until the next configuration change.
 *
 * Interface names are IOS names: "Tunnel0", "Loopback0", "Virtual-Template1",
 * "Virtual-Access3", "GigabitEthernet0/0", "GigabitEthernet0/0.100",
 * "FastEthernet0/1", "Ethernet0/0".  tunnel_ifname_normalize() turns the
 * abbreviations people type ("tu0", "gi0/0", "Lo 0") into them. */
#ifndef IKESH_TUNNEL_TUNNEL_H
#define IKESH_TUNNEL_TUNNEL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	TUNNEL_IFNAME_MAX = 48,     /* "GigabitEthernet0/0/0.4094" and more */
	TUNNEL_NAME_MAX = 64,       /* profile, VRF, ACL names (63 characters) */
	TUNNEL_DESCR_MAX = 240,     /* interface description */
	TUNNEL_HOSTNAME_MAX = 256,  /* tunnel destination by name */
	TUNNEL_MAX_SECONDARY = 16,  /* ip address ... secondary */
	TUNNEL_MAX_IPV6 = 8,        /* ipv6 address ... */
};

/* ---------------------------------------------------------------- names */

/* Interface types in IOS running-config order. */
enum tunnel_iftype {
	TUNNEL_IF_LOOPBACK,
	TUNNEL_IF_TUNNEL,
	TUNNEL_IF_ETHERNET,
	TUNNEL_IF_FASTETHERNET,
	TUNNEL_IF_GIGABITETHERNET,
	TUNNEL_IF_VIRTUAL_TEMPLATE,
	TUNNEL_IF_VIRTUAL_ACCESS,
	TUNNEL_IF_TYPE_COUNT
};

/* "Tunnel", "GigabitEthernet", ... */
const char *tunnel_iftype_name(enum tunnel_iftype t);
/* IOS short form used in some show outputs: "Tu", "Gi", "Lo", "Vt", "Vi". */
const char *tunnel_iftype_short(enum tunnel_iftype t);
/* Normalise an interface name as typed ("tu0", "Tunnel 0", "gi0/1.10",
 * "virtual-template1") to the IOS name ("Tunnel0", "GigabitEthernet0/1.10",
 * "Virtual-Template1").  0 on success, -1 when in is not an interface name
 * (unknown type, bad or out-of-range number, abbreviation matching several
 * types).  out is always NUL-terminated. */
int tunnel_ifname_normalize(const char *in, char *out, size_t outlen);
/* Split an IOS name into its type and unit ("0", "0/1.10"); -1 if invalid. */
int tunnel_ifname_parse(const char *name, enum tunnel_iftype *type, char *unit, size_t unitlen);
/* Prefix length of a contiguous netmask (255.255.255.0 -> 24). */
int tunnel_mask_plen(struct in_addr m);

/* ----------------------------------------------------------- interfaces */

enum tunnel_ipv4_method {
	TUNNEL_IPV4_NONE,        /* no ip address */
	TUNNEL_IPV4_STATIC,      /* ip address A.B.C.D M.M.M.M [secondary ...] */
	TUNNEL_IPV4_NEGOTIATED,  /* ip address negotiated (IKEv2 config mode) */
	TUNNEL_IPV4_DHCP,        /* ip address dhcp */
	TUNNEL_IPV4_UNNUMBERED,  /* ip unnumbered IF */
};

enum tunnel_mode {
	TUNNEL_MODE_GRE_IP,          /* the default: not printed */
	TUNNEL_MODE_GRE_IPV6,
	TUNNEL_MODE_GRE_MULTIPOINT,
	TUNNEL_MODE_IPSEC_IPV4,
	TUNNEL_MODE_IPSEC_IPV6,
};

enum tunnel_endpoint_kind {
	TUNNEL_EP_NONE,
	TUNNEL_EP_IPV4,          /* tunnel source/destination A.B.C.D */
	TUNNEL_EP_IPV6,          /* tunnel source/destination X:X::X */
	TUNNEL_EP_INTERFACE,     /* tunnel source IF */
	TUNNEL_EP_DYNAMIC,       /* tunnel source/destination dynamic */
	TUNNEL_EP_HOSTNAME,      /* tunnel destination NAME */
};

struct tunnel_endpoint {
	enum tunnel_endpoint_kind kind;
	struct in_addr v4;
	struct in6_addr v6;
	char name[TUNNEL_HOSTNAME_MAX]; /* interface name or host name */
};

struct tunnel_ipv4_addr {
	struct in_addr addr;
	struct in_addr mask;
};

struct tunnel_ipv6_addr {
	struct in6_addr addr;
	int plen;
};

enum tunnel_nat { TUNNEL_NAT_NONE, TUNNEL_NAT_INSIDE, TUNNEL_NAT_OUTSIDE };

struct tunnel_ifconf {
	char name[TUNNEL_IFNAME_MAX];   /* IOS name */
	enum tunnel_iftype type;
	char unit[32];                  /* "0", "0/0.100" */
	bool vt_type_tunnel;            /* interface Virtual-TemplateN type tunnel */
	char description[TUNNEL_DESCR_MAX + 1];
	bool shutdown;
	long bandwidth;                 /* kbit/s; 0: the type's default */
	bool keepalive;                 /* keepalives enabled */
	int keepalive_period, keepalive_retries;
	/* VRF: vrf forwarding NAME (or ip vrf forwarding NAME when vrf_legacy) */
	char vrf[TUNNEL_NAME_MAX];
	bool vrf_legacy;
	/* IPv4 */
	enum tunnel_ipv4_method ipv4_method;
	struct tunnel_ipv4_addr ipv4;   /* primary, with TUNNEL_IPV4_STATIC */
	struct tunnel_ipv4_addr secondary[TUNNEL_MAX_SECONDARY];
	int n_secondary;
	char unnumbered[TUNNEL_IFNAME_MAX]; /* with TUNNEL_IPV4_UNNUMBERED */
	/* IPv6 */
	struct tunnel_ipv6_addr ipv6[TUNNEL_MAX_IPV6];
	int n_ipv6;
	bool ipv6_enable;
	int ip_mtu;                     /* ip mtu; 0: not set */
	int tcp_mss;                    /* ip tcp adjust-mss; 0: not set */
	enum tunnel_nat nat;
	/* tunnel ... (Tunnel and Virtual-Template interfaces) */
	struct tunnel_endpoint src, dst;
	enum tunnel_mode mode;
	char protection[TUNNEL_NAME_MAX]; /* tunnel protection ipsec profile NAME; "" none */
	bool protection_shared;
	bool key_set;
	uint32_t key;
	char tunnel_vrf[TUNNEL_NAME_MAX];
	bool pmtud;                     /* tunnel path-mtu-discovery */
	/* Virtual-Access: the template it was cloned from (0: none) */
	int va_template;
	/* runtime state, set by the data plane / IKEv2 engine */
	bool line_up;                   /* Tunnel, Virtual-Access: line protocol */
	struct in_addr negotiated;      /* address got by ip address negotiated */
};

/* 1 when the interface exists (accepts abbreviations, see above), else 0. */
int tunnel_interface_exists(const char *ios_name);
/* The interface, or NULL. */
const struct tunnel_ifconf *tunnel_if_find(const char *ios_name);
/* All interfaces in IOS "show interfaces" order (physical first, then
 * Loopback, Tunnel, Virtual-Access, Virtual-Template): i from 0. */
int tunnel_if_count(void);
const struct tunnel_ifconf *tunnel_if_at(int i);
/* IOS states of an interface: administratively up ("up"), line protocol. */
bool tunnel_if_admin_up(const struct tunnel_ifconf *ifc);
bool tunnel_if_line_up(const struct tunnel_ifconf *ifc);
/* The IPv4 address an interface uses: its primary, the negotiated one, or
 * for ip unnumbered the one of the interface it borrows from.  false when
 * it has none. */
bool tunnel_if_ipv4(const struct tunnel_ifconf *ifc, struct in_addr *addr, struct in_addr *mask);

/* ---- runtime hooks (data plane, IKEv2 engine, FlexVPN) ---- */

/* Line protocol of a Tunnel or Virtual-Access interface came up / went down. */
int tunnel_if_set_line_protocol(const char *ios_name, bool up);
/* Address learnt by "ip address negotiated" (0.0.0.0 clears it). */
int tunnel_if_set_negotiated(const char *ios_name, struct in_addr addr);
/* Create Virtual-AccessN cloned from Virtual-Template vt_number (its
 * configuration is copied); returns the new interface name in out, 0 or -1
 * (no such template). */
int tunnel_vaccess_create(int vt_number, char *out, size_t outlen);
int tunnel_vaccess_delete(const char *ios_name);

/* --------------------------------------------------------- access lists */

enum tunnel_port_op { TUNNEL_PORT_ANY, TUNNEL_PORT_EQ, TUNNEL_PORT_NEQ, TUNNEL_PORT_LT,
		      TUNNEL_PORT_GT, TUNNEL_PORT_RANGE };

struct tunnel_port_match {
	enum tunnel_port_op op;
	uint16_t lo, hi;                /* hi only with RANGE */
};

/* IP protocol numbers of the keywords (ip is 0 = any). */
enum { TUNNEL_PROTO_IP = 0, TUNNEL_PROTO_ICMP = 1, TUNNEL_PROTO_TCP = 6, TUNNEL_PROTO_UDP = 17,
       TUNNEL_PROTO_GRE = 47, TUNNEL_PROTO_ESP = 50, TUNNEL_PROTO_AHP = 51 };

struct tunnel_ace {
	int seq;                        /* sequence number (10, 20, ...) */
	bool is_remark;
	char remark[101];               /* with is_remark */
	bool permit;
	int proto;                      /* extended: TUNNEL_PROTO_* or any 0-255; standard: -1 */
	struct in_addr src, src_wild;   /* address and wildcard bits (any: 0.0.0.0 255.255.255.255) */
	struct in_addr dst, dst_wild;   /* extended only */
	struct tunnel_port_match sport, dport;
	int icmp_type, icmp_code;       /* -1 when not given */
	bool established;
	int log;                        /* 0, 1 log, 2 log-input */
};

struct tunnel_acl {
	char name[TUNNEL_NAME_MAX];     /* "SPLIT" or "100" for numbered lists */
	int number;                     /* 0 for named lists */
	bool extended;
	struct tunnel_ace *aces;        /* in sequence order */
	int n_aces;
};

/* Find by name or number ("SPLIT", "100"); NULL if it does not exist. */
const struct tunnel_acl *tunnel_acl_find(const char *name);
int tunnel_acl_exists(const char *name);
int tunnel_acl_count(void);
const struct tunnel_acl *tunnel_acl_at(int i);
/* Prefix length of a contiguous wildcard (0.0.0.255 -> 24), or -1. */
int tunnel_wildcard_plen(struct in_addr wild);

/* ------------------------------------------------------- track objects */

enum tunnel_track_kind {
	TUNNEL_TRACK_LINE_PROTOCOL,     /* track N interface IF line-protocol */
	TUNNEL_TRACK_IP_ROUTING,        /* track N interface IF ip routing */
	TUNNEL_TRACK_SLA_STATE,         /* track N ip sla M [state] */
	TUNNEL_TRACK_SLA_REACH,         /* track N ip sla M reachability */
	TUNNEL_TRACK_LIST_AND,          /* track N list boolean and */
	TUNNEL_TRACK_LIST_OR,           /* track N list boolean or */
};

int tunnel_track_exists(int n);
/* 1 up, 0 down, -1 no such object. */
int tunnel_track_state(int n);

/* ----------------------------------------------------------------- VRFs */

/* 1 when "vrf definition NAME" or "ip vrf NAME" exists. */
int tunnel_vrf_exists(const char *name);

/* -------------------------------------------------------- static routes */

struct tunnel_route {
	char vrf[TUNNEL_NAME_MAX];      /* "" global table */
	struct in_addr prefix, mask;
	char ifname[TUNNEL_IFNAME_MAX]; /* "" when only a next hop is given */
	bool has_nexthop;
	struct in_addr nexthop;
	int distance;                   /* 1 by default */
	long tag;                       /* 0: none */
	bool permanent;
	int track;                      /* 0: none */
	char name[TUNNEL_NAME_MAX];
};

int tunnel_route_count(void);
const struct tunnel_route *tunnel_route_at(int i);

#endif
