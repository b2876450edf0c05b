/*
 * clear crypto ikev2 sa [A.B.C.D | local A.B.C.D | remote A.B.C.D]
 * clear crypto session [local A.B.C.D | remote A.B.C.D]
 *
 * Both delete the IKE SAs (a Delete is sent for established ones) with
 * their CHILD_SAs; protected tunnels start again right away, as on IOS.
 */
#include <arpa/inet.h>
#include <string.h>

#include "grammar/cmd.h"
#include "ikev2/runtime.h"

static bool ip_after(struct cmdctx *c, const char *kw, struct ipsec_addr *out)
{
	const char *t = cmd_text_after(c, kw);
	memset(out, 0, sizeof(*out));
	out->family = 4;
	return t && inet_pton(AF_INET, t, out->ip) == 1;
}

static int do_clear(struct cmdctx *c)
{
	struct ipsec_addr l, r;
	bool hl = ip_after(c, "local", &l);
	bool hr = ip_after(c, "remote", &r);
	if (!hl && !hr) {
		/* clear crypto ikev2 sa A.B.C.D: the peer's address */
		const struct cmdarg *a = cmd_first_kind(c, ARG_IPV4, 0);
		memset(&r, 0, sizeof(r));
		r.family = 4;
		hr = a && inet_pton(AF_INET, a->text, r.ip) == 1;
	}
	ikev2_runtime_clear(hl ? &l : NULL, hr ? &r : NULL);
	return 0;
}

int h_ikev2_rt_clear_sa(struct cmdctx *c)
{
	return do_clear(c);
}

int h_ikev2_rt_clear_session(struct cmdctx *c)
{
	return do_clear(c);
}
