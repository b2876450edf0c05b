/*
 * debug crypto ikev2 [packet|internal|error], and its no / undebug forms:
 * switch the engine's debug flags (listed by "show debugging").
 */
#include <string.h>

#include "grammar/cmd.h"
#include "ikev2/engine.h"

int h_ikev2_rt_debug(struct cmdctx *c)
{
	const struct cmdarg *first = cmd_arg(c, 0);
	bool off = cmd_negated(c) || (first && strcmp(first->name, "undebug") == 0);
	struct debug_flag *f = &ikev2_debug_default;
	const char *what = "default";
	if (cmd_has(c, "packet")) {
		f = &ikev2_debug_packet;
		what = "packet";
	} else if (cmd_has(c, "internal")) {
		f = &ikev2_debug_internal;
		what = "internal";
	} else if (cmd_has(c, "error")) {
		f = &ikev2_debug_error;
		what = "error";
	}
	f->on = !off;
	cmd_out(c, "IKEv2 %s debugging is %s\n", what, off ? "off" : "on");
	return 0;
}
