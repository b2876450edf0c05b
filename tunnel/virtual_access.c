/* Virtual-Access interfaces (see tunnel/virtual_access.h) and
 * "show derived-config interface IF". */
#include "tunnel/virtual_access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/log.h"
#include "tunnel/config_internal.h"
#include "tunnel/dynroute.h"

enum { VA_MAX = 4096 };

static struct tunnel_va vas[VA_MAX];
static unsigned n_vas;
static uint64_t generation;

static int va_index(const char *name)
{
	for (unsigned i = 0; i < n_vas; i++)
		if (strcmp(vas[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void log_state(const char *name, bool up)
{
	log_msg(LOG_SEV_ERR, "LINK", "UPDOWN", "Interface %s, changed state to %s", name,
		up ? "up" : "down");
	log_msg(LOG_SEV_NOTICE, "LINEPROTO", "UPDOWN",
		"Line protocol on Interface %s, changed state to %s", name, up ? "up" : "down");
}

static void set_ep(struct tunnel_endpoint *ep, struct in_addr a)
{
	memset(ep, 0, sizeof(*ep));
	ep->kind = TUNNEL_EP_IPV4;
	ep->v4 = a;
}

int tunnel_va_create(int vt, struct in_addr src, struct in_addr dst, uint64_t ike_id,
		     char *out, size_t outlen)
{
	char tname[TUNNEL_IFNAME_MAX], name[TUNNEL_IFNAME_MAX];
	snprintf(tname, sizeof(tname), "Virtual-Template%d", vt);
	const struct tunnel_ifconf *tmpl = tunnel_if_find(tname);
	if (n_vas >= VA_MAX || !tmpl || !tmpl->vt_type_tunnel ||
	    tunnel_vaccess_create(vt, name, sizeof(name)) != 0)
		return -1;
	struct tun_if *t = tun_if_get(name);
	if (!t)
		return -1;
	/* a session interface: its endpoints are the IKE SA's */
	set_ep(&t->c.src, src);
	set_ep(&t->c.dst, dst);
	struct tunnel_va *v = &vas[n_vas++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->vt = vt;
	v->ike_id = ike_id;
	v->src = src;
	v->dst = dst;
	generation++;
	log_state(name, true);
	if (out)
		snprintf(out, outlen, "%s", name);
	return 0;
}

int tunnel_va_delete(const char *name)
{
	int i = va_index(name);
	if (i < 0)
		return -1;
	tunnel_dynroute_del_ifname(name);
	tunnel_if_set_line_protocol(name, false);
	log_state(name, false);
	tunnel_vaccess_delete(name);
	ARRAY_DEL(vas, n_vas, (unsigned)i);
	n_vas--;
	generation++;
	return 0;
}

int tunnel_va_rebind(const char *name, uint64_t ike_id)
{
	int i = va_index(name);
	if (i < 0)
		return -1;
	vas[i].ike_id = ike_id;
	generation++;
	return 0;
}

int tunnel_va_set_dst(const char *name, struct in_addr dst)
{
	int i = va_index(name);
	struct tun_if *t = i < 0 ? NULL : tun_if_get(name);
	if (!t)
		return -1;
	if (vas[i].dst.s_addr != dst.s_addr) {
		vas[i].dst = dst;
		set_ep(&t->c.dst, dst);
		generation++;
	}
	return 0;
}

const struct tunnel_va *tunnel_va_find(const char *name)
{
	int i = va_index(name);
	return i < 0 ? NULL : &vas[i];
}

const struct tunnel_va *tunnel_va_by_ike(uint64_t ike_id)
{
	for (unsigned i = 0; i < n_vas; i++)
		if (vas[i].ike_id == ike_id)
			return &vas[i];
	return NULL;
}

unsigned tunnel_va_count(void) { return n_vas; }
const struct tunnel_va *tunnel_va_at(unsigned i) { return i < n_vas ? &vas[i] : NULL; }
uint64_t tunnel_va_generation(void) { return generation; }

/* show derived-config interface IF: the configuration the interface runs
 * with (for a Virtual-Access, what it was cloned into). */
int h_tunnel_show_derived_if(struct cmdctx *c) { return tun_show_if_config(c, "Derived"); }
