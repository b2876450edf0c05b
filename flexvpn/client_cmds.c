/* FlexVPN client exec commands: "crypto ikev2 client flexvpn connect NAME",
 * "clear crypto ikev2 client flexvpn [connect] NAME" and "show crypto ikev2
 * client flexvpn [NAME]" (the IOS lines first, then what ikesh adds: the
 * pushed routes, DNS, domains and the gateway list). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "flexvpn/client_runtime.h"
#include "grammar/cmd.h"
#include "ikev2/runtime.h"
#include "tunnel/tunnel.h"

static uint64_t now_ms(void)
{
	return ikev2_runtime_now_ms();
}

static struct fvc *client_arg(struct cmdctx *c, int i)
{
	flexvpn_client_rt_sync(now_ms());
	const char *name = cmd_arg(c, i)->text;
	struct fvc *f = flexvpn_client_rt_find(name);
	if (!f)
		cmd_err(c, "%% FlexVPN client %s does not exist", name);
	return f;
}

/* crypto ikev2 client flexvpn connect NAME */
int h_fvc_connect(struct cmdctx *c)
{
	struct fvc *f = client_arg(c, 5);
	if (!f)
		return -1;
	fvc_connect(f, now_ms());
	ikev2_runtime_config_changed();
	return 0;
}

/* clear crypto ikev2 client flexvpn [connect] NAME */
int h_fvc_clear(struct cmdctx *c)
{
	struct fvc *f = client_arg(c, cmd_has(c, "connect") ? 6 : 5);
	if (!f)
		return -1;
	fvc_disconnect(f);
	ikev2_runtime_config_changed();
	return 0;
}

static const char *ip4(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static void source_of(const struct tunnel_ifconf *ifc, char *out, size_t n)
{
	char b[INET_ADDRSTRLEN];
	if (!ifc || ifc->src.kind == TUNNEL_EP_NONE)
		snprintf(out, n, "None");
	else if (ifc->src.kind == TUNNEL_EP_IPV4)
		snprintf(out, n, "%s", ip4(ifc->src.v4, b));
	else if (ifc->src.kind == TUNNEL_EP_DYNAMIC)
		snprintf(out, n, "dynamic");
	else
		snprintf(out, n, "%s", ifc->src.name);
}

static void show_reply(struct cmdctx *c, const struct fvc *f)
{
	const struct fvc_reply *r = &f->reply;
	char b[INET_ADDRSTRLEN];
	if (r->netmask.s_addr)
		cmd_out(c, "Assigned netmask: %s\n", ip4(r->netmask, b));
	if (r->n_dns) {
		cmd_out(c, "DNS servers:");
		for (int i = 0; i < r->n_dns; i++)
			cmd_out(c, " %s", ip4(r->dns[i], b));
		cmd_out(c, "\n");
	}
	if (r->n_nbns) {
		cmd_out(c, "NBNS servers:");
		for (int i = 0; i < r->n_nbns; i++)
			cmd_out(c, " %s", ip4(r->nbns[i], b));
		cmd_out(c, "\n");
	}
	if (r->def_domain[0])
		cmd_out(c, "Default domain: %s\n", r->def_domain);
	if (r->n_split_dns) {
		cmd_out(c, "Split DNS:");
		for (int i = 0; i < r->n_split_dns; i++)
			cmd_out(c, " %s", r->split_dns[i]);
		cmd_out(c, "\n");
	}
	if (r->n_subnets) {
		cmd_out(c, "Routes via %s:\n", f->tunnel);
		for (int i = 0; i < r->n_subnets; i++)
			cmd_out(c, "  %s/%u\n", ip4(r->subnets[i].prefix, b), r->subnets[i].plen);
	}
}

static void show_one(struct cmdctx *c, const struct fvc *f)
{
	const struct tunnel_ifconf *ifc = f->tunnel[0] ? tunnel_if_find(f->tunnel) : NULL;
	const struct flexvpn_client *cfg = flexvpn_client_find(f->name);
	char b[INET_ADDRSTRLEN], src[TUNNEL_HOSTNAME_MAX];
	cmd_out(c, "Profile : %s\n", f->name);
	cmd_out(c, "Current state: %s\n", fvc_state_name(f->state));
	cmd_out(c, "Peer : %s\n", f->have_addr ? ip4(f->addr, b) : "None");
	source_of(ifc, src, sizeof(src));
	cmd_out(c, "Source : %s\n", src);
	cmd_out(c, "ivrf : %s\n", ifc && ifc->vrf[0] ? ifc->vrf : "none");
	cmd_out(c, "fvrf : %s\n", ifc && ifc->tunnel_vrf[0] ? ifc->tunnel_vrf : "none");
	if (!cfg || cfg->backup_group < 0)
		cmd_out(c, "Backup group: None\n");
	else if (cfg->backup_group == 0)
		cmd_out(c, "Backup group: default\n");
	else
		cmd_out(c, "Backup group: %d\n", cfg->backup_group);
	cmd_out(c, "Tunnel interface: %s\n", f->tunnel[0] ? f->tunnel : "None");
	struct in_addr a, m;
	if (ifc && ifc->ipv4_method == TUNNEL_IPV4_NEGOTIATED && tunnel_if_ipv4(ifc, &a, &m))
		cmd_out(c, "Assigned ip address: %s\n", ip4(a, b));
	else if (f->have_reply && f->reply.have_addr)
		cmd_out(c, "Assigned ip address: %s\n", ip4(f->reply.addr, b));
	else
		cmd_out(c, "Assigned ip address: None\n");
	if (f->have_reply)
		show_reply(c, f);
	cmd_out(c, "Peer list:\n");
	for (int i = 0; i < f->n_peers; i++) {
		const struct fvc_peer *p = &f->peers[i];
		char seq[16];
		if (p->downloaded)
			snprintf(seq, sizeof(seq), "-");
		else
			snprintf(seq, sizeof(seq), "%d", p->seq);
		cmd_out(c, "  %-4s %s%s%s\n", seq, p->name, p->downloaded ? " (downloaded)" : "",
			i == f->cur ? " *" : "");
	}
	if (f->state != FVC_ACTIVE && f->why[0])
		cmd_out(c, "Last event: %s\n", f->why);
}

/* show crypto ikev2 client flexvpn [NAME] */
int h_fvc_show(struct cmdctx *c)
{
	flexvpn_client_rt_sync(now_ms());
	const struct cmdarg *name = cmd_arg(c, 5);	/* not the "|" of a filter */
	if (name && name->kind != ARG_KEYWORD) {
		const struct fvc *f = flexvpn_client_rt_find(name->text);
		if (!f) {
			cmd_err(c, "%% FlexVPN client %s does not exist", name->text);
			return -1;
		}
		show_one(c, f);
		return 0;
	}
	bool first = true;
	for (const struct fvc *f = flexvpn_client_rt_first(); f; f = f->next) {
		if (!first)
			cmd_out(c, "\n");
		first = false;
		show_one(c, f);
	}
	return 0;
}
