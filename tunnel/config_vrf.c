/* vrf definition NAME / ip vrf NAME, their sub-modes, show vrf. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/config_registry.h"
#include "lib/array.h"
#include "tunnel/config_internal.h"

enum { VRF_NAME_MAX = 32 };

static struct tun_vrf **vrfs;
static int n_vrfs, cap_vrfs;

struct tun_vrf *tun_vrf_get(const char *name)
{
	if (!name)
		return NULL;
	for (int i = 0; i < n_vrfs; i++)
		if (strcmp(vrfs[i]->name, name) == 0)
			return vrfs[i];
	return NULL;
}

int tunnel_vrf_exists(const char *name) { return tun_vrf_get(name) != NULL; }

static bool vrf_alive(const struct tun_vrf *v)
{
	for (int i = 0; i < n_vrfs; i++)
		if (vrfs[i] == v)
			return true;
	return false;
}

int h_tunnel_vrf(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	bool legacy = cmd_has(c, "ip");
	const char *name = cmd_arg(c, c->cmd->nargs - 1)->text;
	struct tun_vrf *v = tun_vrf_get(name);
	if (no) {
		if (!v) {
			cmd_err(c, "%% VRF %s does not exist", name);
			return -1;
		}
		if (v->legacy != legacy) {
			cmd_err(c, "%% VRF %s is defined with '%s %s'", name,
				v->legacy ? "ip vrf" : "vrf definition", name);
			return -1;
		}
		int removed = tun_if_vrf_deleted(name);
		if (removed & 1)
			cmd_out(c, "%% IPv4 addresses from all interfaces in VRF %s have been removed\n", name);
		if (removed & 2)
			cmd_out(c, "%% IPv6 addresses from all interfaces in VRF %s have been removed\n", name);
		tun_route_vrf_deleted(name);
		for (int i = 0; i < n_vrfs; i++)
			if (vrfs[i] == v) {
				ARRAY_DEL(vrfs, n_vrfs, i);
				n_vrfs--;
				break;
			}
		free(v);
		tun_track_poll();
		return 0;
	}
	if (v) {
		if (v->legacy != legacy) {
			cmd_err(c, "%% VRF %s is already defined with '%s %s'", name,
				v->legacy ? "ip vrf" : "vrf definition", name);
			return -1;
		}
		cmd_enter(c, MODE_VRF, v);
		return 0;
	}
	if (strlen(name) > VRF_NAME_MAX) {
		cmd_err(c, "%% VRF name %s is longer than %d characters", name, VRF_NAME_MAX);
		return -1;
	}
	v = calloc(1, sizeof *v);
	if (!v)
		abort();
	snprintf(v->name, sizeof v->name, "%s", name);
	v->legacy = legacy;
	v->line = c->src_line;
	if (n_vrfs == cap_vrfs) {
		cap_vrfs = cap_vrfs ? cap_vrfs * 2 : 8;
		vrfs = realloc(vrfs, (size_t)cap_vrfs * sizeof *vrfs);
		if (!vrfs)
			abort();
	}
	vrfs[n_vrfs++] = v;
	cmd_enter(c, MODE_VRF, v);
	return 0;
}

/* ASN:nn (2-byte ASN with a 4-byte number, or 4-byte ASN with a 2-byte
 * number) or A.B.C.D:nn. */
static bool rd_valid(const char *rd)
{
	const char *colon = strrchr(rd, ':');
	if (!colon || colon == rd || !colon[1])
		return false;
	for (const char *p = colon + 1; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	if (strlen(colon + 1) > 10)
		return false;
	unsigned long long nn = strtoull(colon + 1, NULL, 10);
	char left[32];
	if ((size_t)(colon - rd) >= sizeof left)
		return false;
	memcpy(left, rd, (size_t)(colon - rd));
	left[colon - rd] = 0;
	struct in_addr a;
	if (strchr(left, '.'))
		return tun_ip4_parse(left, &a) && nn <= 65535;
	for (const char *p = left; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	if (strlen(left) > 10)
		return false;
	unsigned long long asn = strtoull(left, NULL, 10);
	if (asn <= 65535)
		return nn <= 4294967295ULL;
	return asn <= 4294967295ULL && nn <= 65535;
}

int h_tunnel_vrf_opt(struct cmdctx *c)
{
	struct tun_vrf *v = c->objs[MODE_VRF];
	if (!v || !vrf_alive(v)) {
		cmd_err(c, "%% The VRF being configured has been deleted");
		return -1;
	}
	bool no = cmd_negated(c);
	const char *what = cmd_arg(c, no ? 1 : 0)->name;
	if (strcmp(what, "exit-address-family") == 0) {
		cmd_enter(c, MODE_VRF, v);
		return 0;
	}
	if (strcmp(what, "rd") == 0) {
		const struct cmdarg *a = cmd_arg(c, no ? 2 : 1);
		if (no) {
			if (a && v->rd[0] && strcmp(a->text, v->rd) != 0) {
				cmd_err(c, "%% RD %s is not configured for VRF %s", a->text, v->name);
				return -1;
			}
			v->rd[0] = 0;
			return 0;
		}
		if (!rd_valid(a->text) || strlen(a->text) >= sizeof v->rd) {
			cmd_err(c, "%% Invalid route distinguisher %s: use ASN:nn or IP-address:nn", a->text);
			return -1;
		}
		if (v->rd[0] && strcmp(v->rd, a->text) != 0) {
			cmd_err(c, "%% Do \"no rd %s\" before changing the RD of VRF %s", v->rd, v->name);
			return -1;
		}
		snprintf(v->rd, sizeof v->rd, "%s", a->text);
		return 0;
	}
	if (strcmp(what, "description") == 0) {
		if (no) {
			v->description[0] = 0;
			return 0;
		}
		const char *d = cmd_arg(c, 1)->text;
		if (strlen(d) > TUNNEL_DESCR_MAX) {
			cmd_err(c, "%% Description is longer than %d characters", TUNNEL_DESCR_MAX);
			return -1;
		}
		snprintf(v->description, sizeof v->description, "%s", d);
		return 0;
	}
	/* address-family ipv4|ipv6 */
	if (v->legacy) {
		tun_invalid_at(c, no ? 1 : 0);
		return -1;
	}
	bool v6 = cmd_has(c, "ipv6");
	if (no) {
		if (v6)
			v->af_ipv6 = false;
		else
			v->af_ipv4 = false;
		return 0;
	}
	if (v6)
		v->af_ipv6 = true;
	else
		v->af_ipv4 = true;
	cmd_enter(c, MODE_VRF_AF, v);
	return 0;
}

static int vrf_cmp(const void *a, const void *b)
{
	return strcmp((*(struct tun_vrf *const *)a)->name, (*(struct tun_vrf *const *)b)->name);
}

static struct tun_vrf **sorted_vrfs(void)
{
	return tun_sorted_copy((void *const *)vrfs, n_vrfs, vrf_cmp);
}

static void write_vrfs(struct buf *b)
{
	struct tun_vrf **v = sorted_vrfs();
	for (int i = 0; i < n_vrfs; i++) {
		const struct tun_vrf *x = v[i];
		buf_printf(b, "%s %s\n", x->legacy ? "ip vrf" : "vrf definition", x->name);
		if (x->description[0])
			buf_printf(b, " description %s\n", x->description);
		if (x->rd[0])
			buf_printf(b, " rd %s\n", x->rd);
		if (x->af_ipv4)
			buf_adds(b, " !\n address-family ipv4\n exit-address-family\n");
		if (x->af_ipv6)
			buf_adds(b, " !\n address-family ipv6\n exit-address-family\n");
		buf_adds(b, "!\n");
	}
	free(v);
}

static void reset_vrfs(void)
{
	for (int i = 0; i < n_vrfs; i++)
		free(vrfs[i]);
	free(vrfs);
	vrfs = NULL;
	n_vrfs = cap_vrfs = 0;
}

static struct config_section sec_vrf = { "vrf", ORDER_VRF, write_vrfs, reset_vrfs, NULL, NULL };

__attribute__((constructor)) static void vrf_init(void)
{
	config_section_register(&sec_vrf);
}

/* ---- show vrf / show ip vrf ---- */

/* The interfaces of a VRF in IOS short form, one per element. */
static int vrf_interfaces(const char *vrf, char out[][TUNNEL_IFNAME_MAX], int max)
{
	int n = 0;
	for (int i = 0; i < tunnel_if_count() && n < max; i++) {
		const struct tunnel_ifconf *ic = tunnel_if_at(i);
		if (strcmp(ic->vrf, vrf) == 0)
			snprintf(out[n++], TUNNEL_IFNAME_MAX, "%s%s", tunnel_iftype_short(ic->type), ic->unit);
	}
	return n;
}

int h_tunnel_show_vrf(struct cmdctx *c)
{
	bool ip = cmd_has(c, "ip");
	struct tun_vrf **v = sorted_vrfs();
	static char ifn[64][TUNNEL_IFNAME_MAX];
	if (ip)
		cmd_out(c, "  %-32s %-19s %s\n", "Name", "Default RD", "Interfaces");
	else
		cmd_out(c, "  %-32s %-21s %-11s %s\n", "Name", "Default RD", "Protocols", "Interfaces");
	for (int i = 0; i < n_vrfs; i++) {
		const struct tun_vrf *x = v[i];
		if (ip && !x->legacy && !x->af_ipv4)
			continue;
		int n = vrf_interfaces(x->name, ifn, 64);
		const char *rd = x->rd[0] ? x->rd : "<not set>";
		if (ip) {
			cmd_out(c, "  %-32s %-19s %s\n", x->name, rd, n ? ifn[0] : "");
			for (int k = 1; k < n; k++)
				cmd_out(c, "  %-32s %-19s %s\n", "", "", ifn[k]);
		} else {
			char proto[16];
			snprintf(proto, sizeof proto, "%s%s%s", x->legacy || x->af_ipv4 ? "ipv4" : "",
				 (x->legacy || x->af_ipv4) && x->af_ipv6 ? "," : "", x->af_ipv6 ? "ipv6" : "");
			cmd_out(c, "  %-32s %-21s %-11s %s\n", x->name, rd, proto, n ? ifn[0] : "");
			for (int k = 1; k < n; k++)
				cmd_out(c, "  %-32s %-21s %-11s %s\n", "", "", "", ifn[k]);
		}
	}
	free(v);
	return 0;
}
