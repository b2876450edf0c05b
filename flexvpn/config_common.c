/* Helpers shared by the FlexVPN configuration handlers: interface names from
 * command arguments, bounded name copies, and the questions asked to other
 * modules when checking references. */
#include "flexvpn/config.h"

#include <stdio.h>
#include <string.h>

#include "grammar/cmd.h"
#include "tunnel/tunnel.h"

void flexvpn_ifname_at(const struct cmdctx *c, int i, char *out, size_t n)
{
	const struct cmdarg *type = cmd_arg(c, i), *num = cmd_arg(c, i + 1);
	snprintf(out, n, "%s%s", type ? type->text : "", num ? num->text : "");
}

bool flexvpn_copy_name(struct cmdctx *c, const char *what, char *dst, size_t n, const char *src)
{
	if (strlen(src) >= n) {
		cmd_err(c, "%% %s \"%s\" is too long (at most %zu characters)", what, src, n - 1);
		return false;
	}
	snprintf(dst, n, "%s", src);
	return true;
}

/* The tunnel module (interfaces, access lists, track objects) answers these.
 * They are weak so that this module links even without that one: when a
 * function is missing the reference cannot be checked (-1). */
#pragma weak tunnel_interface_exists
#pragma weak tunnel_acl_exists
#pragma weak tunnel_track_exists

int flexvpn_ref_interface(const char *ifname)
{
	if (!tunnel_interface_exists)
		return -1;
	return tunnel_interface_exists(ifname) ? 1 : 0;
}

int flexvpn_ref_acl(const char *name)
{
	if (!tunnel_acl_exists)
		return -1;
	return tunnel_acl_exists(name) ? 1 : 0;
}

int flexvpn_ref_track(int num)
{
	if (!tunnel_track_exists)
		return -1;
	return tunnel_track_exists(num) ? 1 : 0;
}
