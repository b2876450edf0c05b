/* Global "crypto ikev2 ..." settings: cookie-challenge, limit, window, dpd,
 * nat keepalive, fragmentation, redirect, diagnose, http-url,
 * certificate-cache. */
#include "ikev2/config.h"

#include <string.h>

#include "grammar/cmd.h"
#include "lib/buf.h"
#include "lib/config_registry.h"

static struct ikev2_global g;

struct ikev2_global *ikev2_cfg_global(void) { return &g; }
const struct ikev2_global *ikev2_global(void) { return &g; }

static void global_reset(void)
{
	memset(&g, 0, sizeof g);
}

static long num_at(struct cmdctx *c, int i)
{
	const struct cmdarg *a = cmd_arg(c, i);
	return a && a->kind == ARG_NUMBER ? a->num : 0;
}

/* crypto ikev2 <setting> ... / no crypto ikev2 <setting> ... */
int h_ikev2_global(struct cmdctx *c)
{
	bool no = cmd_negated(c);
	int base = no ? 3 : 2; /* index of the setting keyword */
	const char *what = cmd_arg(c, base)->name;

	if (strcmp(what, "cookie-challenge") == 0) {
		g.cookie_challenge = no ? 0 : (int)num_at(c, base + 1);
	} else if (strcmp(what, "limit") == 0) {
		const char *which = cmd_arg(c, base + 1)->name;
		if (strcmp(which, "max-sa") == 0) {
			g.limit_max_sa = no ? 0 : (int)num_at(c, base + 2);
		} else {
			const struct cmdarg *dir = cmd_arg(c, base + 3);
			int v = no ? 0 : (int)num_at(c, base + 2);
			if (!dir) {
				g.limit_max_neg = v;
				if (no)
					g.limit_max_neg_in = g.limit_max_neg_out = 0;
			} else if (strcmp(dir->name, "incoming") == 0) {
				g.limit_max_neg_in = v;
			} else {
				g.limit_max_neg_out = v;
			}
		}
	} else if (strcmp(what, "window") == 0) {
		g.window = no ? 0 : (int)num_at(c, base + 1);
	} else if (strcmp(what, "dpd") == 0) {
		if (no) {
			g.dpd_mode = IKEV2_CFG_DPD_OFF;
			g.dpd_interval = g.dpd_retry = 0;
		} else {
			g.dpd_interval = (int)num_at(c, base + 1);
			g.dpd_retry = (int)num_at(c, base + 2);
			g.dpd_mode = strcmp(cmd_arg(c, base + 3)->name, "periodic") == 0 ? IKEV2_CFG_DPD_PERIODIC
											   : IKEV2_CFG_DPD_ON_DEMAND;
		}
	} else if (strcmp(what, "nat") == 0) {
		g.nat_keepalive = no ? 0 : (int)num_at(c, base + 2);
	} else if (strcmp(what, "fragmentation") == 0) {
		bool mtu = cmd_has(c, "mtu");
		if (no && mtu) {
			g.fragmentation_mtu = 0;
		} else if (no) {
			g.fragmentation = false;
			g.fragmentation_mtu = 0;
		} else {
			g.fragmentation = true;
			g.fragmentation_mtu = mtu ? (int)num_at(c, base + 2) : 0;
		}
	} else if (strcmp(what, "redirect") == 0) {
		const char *who = cmd_arg(c, base + 1)->name;
		if (strcmp(who, "client") == 0) {
			bool max = cmd_has(c, "max-redirects");
			if (no && max) {
				g.redirect_client_max = 0;
			} else if (no) {
				g.redirect_client = false;
				g.redirect_client_max = 0;
			} else {
				g.redirect_client = true;
				g.redirect_client_max = max ? (int)num_at(c, base + 3) : 0;
			}
		} else if (strcmp(cmd_arg(c, base + 2)->name, "init") == 0) {
			g.redirect_gateway_init = !no;
		} else {
			g.redirect_gateway_auth = !no;
		}
	} else if (strcmp(what, "diagnose") == 0) {
		g.diagnose_error = no ? 0 : (int)num_at(c, base + 2);
	} else if (strcmp(what, "http-url") == 0) {
		g.http_url_cert = !no;
	} else if (strcmp(what, "certificate-cache") == 0) {
		g.certificate_cache = no ? 0 : (int)num_at(c, base + 1);
	}
	return 0;
}

static void global_write(struct buf *b)
{
	size_t start = b->len;
	if (g.http_url_cert)
		buf_adds(b, "crypto ikev2 http-url cert\n");
	if (g.certificate_cache)
		buf_printf(b, "crypto ikev2 certificate-cache %d\n", g.certificate_cache);
	if (g.cookie_challenge)
		buf_printf(b, "crypto ikev2 cookie-challenge %d\n", g.cookie_challenge);
	if (g.limit_max_sa)
		buf_printf(b, "crypto ikev2 limit max-sa %d\n", g.limit_max_sa);
	if (g.limit_max_neg)
		buf_printf(b, "crypto ikev2 limit max-in-negotiation-sa %d\n", g.limit_max_neg);
	if (g.limit_max_neg_in)
		buf_printf(b, "crypto ikev2 limit max-in-negotiation-sa %d incoming\n", g.limit_max_neg_in);
	if (g.limit_max_neg_out)
		buf_printf(b, "crypto ikev2 limit max-in-negotiation-sa %d outgoing\n", g.limit_max_neg_out);
	if (g.window)
		buf_printf(b, "crypto ikev2 window %d\n", g.window);
	if (g.dpd_mode != IKEV2_CFG_DPD_OFF)
		buf_printf(b, "crypto ikev2 dpd %d %d %s\n", g.dpd_interval, g.dpd_retry,
			   g.dpd_mode == IKEV2_CFG_DPD_PERIODIC ? "periodic" : "on-demand");
	if (g.nat_keepalive)
		buf_printf(b, "crypto ikev2 nat keepalive %d\n", g.nat_keepalive);
	if (g.fragmentation) {
		if (g.fragmentation_mtu)
			buf_printf(b, "crypto ikev2 fragmentation mtu %d\n", g.fragmentation_mtu);
		else
			buf_adds(b, "crypto ikev2 fragmentation\n");
	}
	if (g.redirect_client) {
		if (g.redirect_client_max)
			buf_printf(b, "crypto ikev2 redirect client max-redirects %d\n", g.redirect_client_max);
		else
			buf_adds(b, "crypto ikev2 redirect client\n");
	}
	if (g.redirect_gateway_init)
		buf_adds(b, "crypto ikev2 redirect gateway init\n");
	if (g.redirect_gateway_auth)
		buf_adds(b, "crypto ikev2 redirect gateway auth\n");
	if (g.diagnose_error)
		buf_printf(b, "crypto ikev2 diagnose error %d\n", g.diagnose_error);
	if (b->len != start)
		buf_adds(b, "!\n");
}

static struct config_section sec_global = {
	"crypto ikev2 (global)", ORDER_IKEV2_GLOBAL, global_write, global_reset, NULL, NULL,
};

__attribute__((constructor)) static void ikev2_global_init(void)
{
	config_section_register(&sec_global);
}
