/* Internal to the tunnel module's config_*.c and show_*.c files. */
#ifndef IKESH_TUNNEL_CONFIG_INTERNAL_H
#define IKESH_TUNNEL_CONFIG_INTERNAL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "grammar/cmd.h"
#include "lib/buf.h"
#include "tunnel/tunnel.h"

/* ---- config_util.c ---- */

/* The interface named by argument i (type keyword) and i+1 (its number) of a
 * command, as the IOS name.  Returns 0, or -1 (and a "% ..." message) when
 * the number is out of range for the type. */
int tun_ifname_at(struct cmdctx *c, int i, char *out, size_t n);
/* Compare two interface names: IOS running-config order (running) or the
 * order of show commands (physical interfaces first). */
int tun_ifname_cmp(const char *a, const char *b, bool running);
/* The same order for names already split into type and unit (sorting many
 * interfaces: no re-parsing of the names). */
int tun_ifunit_cmp(enum tunnel_iftype ta, const char *ua, enum tunnel_iftype tb, const char *ub,
		   bool running);
/* Dotted quad of a (one of several rotating static buffers). */
const char *tun_ip4(struct in_addr a);
/* IPv6 address in IOS form (upper case), rotating static buffers. */
const char *tun_ip6(const struct in6_addr *a);
bool tun_ip4_parse(const char *s, struct in_addr *a);
bool tun_mask_contiguous(struct in_addr m);
struct in_addr tun_plen_mask(int plen);
/* The "% Invalid input detected at '^' marker." of IOS, with the caret under
 * argument i of the command (as the parser does for a word it rejects). */
void tun_invalid_at(struct cmdctx *c, int i);
/* Copy a name; false (and a "% ..." message) when longer than n-1. */
bool tun_copy_name(struct cmdctx *c, const char *what, char *dst, size_t n, const char *src);
/* Uptime-style duration: "00:01:02", "1d02h", "2w3d". */
void tun_fmt_duration(char *out, size_t n, long secs);

/* ---- config_interface.c ---- */

struct tun_if {
	struct tunnel_ifconf c;
	bool nvram;                /* address set while loading a file ("NVRAM") */
	int line;                  /* config line of the interface command */
	int unnum_line, prot_line, src_line, vrf_line, tvrf_line;
};

struct tun_if *tun_if_get(const char *name);
int tun_if_total(void);
struct tun_if *tun_if_nth(int i);                 /* creation order */
/* A sorted copy of an array of n pointers (never NULL; the caller frees). */
void *tun_sorted_copy(void *const *items, int n, int (*cmp)(const void *, const void *));

/* Interfaces sorted in running-config (running) or show order; the caller
 * frees the array. */
struct tun_if **tun_if_sorted(bool running, int *n);
/* The block of the interface named after "interface" in the command, with
 * IOS's "Building configuration..." header ("Current"/"Derived" label). */
struct cmdctx;
int tun_show_if_config(struct cmdctx *c, const char *label);
/* Write one interface's running-config block (ending with "!"). */
void tun_if_write(struct buf *b, const struct tun_if *t);
/* A VRF was deleted: interfaces leave it and lose their addresses (IOS).
 * Returns 1 when IPv4 addresses were removed, | 2 for IPv6 ones. */
int tun_if_vrf_deleted(const char *vrf);

/* ---- config_vrf.c ---- */

struct tun_vrf {
	char name[TUNNEL_NAME_MAX];
	bool legacy;               /* ip vrf NAME */
	char description[TUNNEL_DESCR_MAX + 1];
	char rd[32];
	bool af_ipv4, af_ipv6;     /* address-family ipv4 / ipv6 */
	int line;
};
struct tun_vrf *tun_vrf_get(const char *name);

/* ---- config_track.c ---- */

/* Re-evaluate every track object after a change (records state changes). */
void tun_track_poll(void);

/* ---- config_route.c ---- */

/* "ip route ..." as running-config prints it (no newline). */
void tun_route_text(const struct tunnel_route *r, struct buf *b);
/* A VRF was deleted: its static routes go with it. */
void tun_route_vrf_deleted(const char *vrf);

#endif
