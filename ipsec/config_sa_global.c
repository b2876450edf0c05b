/* crypto ipsec security-association lifetime / replay / idle-time, df-bit,
 * fragmentation and nat-transparency.
 *
 * IOS prints the security-association lines before the transform sets (their
 * own block, closed by '!') and df-bit / fragmentation / nat-transparency right
 * after the transform sets, in the same block (config_transform.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/cmd.h"
#include "ipsec/config.h"
#include "lib/config_registry.h"

static struct ipsec_globals g;

static void globals_reset(void)
{
	memset(&g, 0, sizeof g);
	g.life_sec = IPSEC_DEFAULT_LIFETIME_SEC;
	g.life_kb = IPSEC_DEFAULT_LIFETIME_KB;
	g.replay_window = IPSEC_DEFAULT_REPLAY_WINDOW;
	g.dfbit = IPSEC_DF_COPY;
	g.frag = IPSEC_FRAG_BEFORE;
	g.natt = true;
}

const struct ipsec_globals *ipsec_globals_get(void) { return &g; }
struct ipsec_globals *ipsec_globals_mut(void) { return &g; }

/* crypto ipsec security-association ...; no/default forms back to the factory value. */
int h_ipsec_sa_global(struct cmdctx *c)
{
	bool undo = cmd_negated(c) || cmd_defaulted(c);
	int i = undo ? 4 : 3; /* first word after "security-association" */
	const char *what = cmd_arg(c, i)->name;
	const struct cmdarg *a1 = cmd_arg(c, i + 1);
	const struct cmdarg *a2 = cmd_arg(c, i + 2);
	if (strcmp(what, "lifetime") == 0) {
		if (strcmp(a1->name, "seconds") == 0) {
			g.life_sec = undo ? IPSEC_DEFAULT_LIFETIME_SEC : (uint32_t)a2->num;
		} else if (undo) {
			/* no ... kilobytes [N|disable]: back to the default volume */
			g.life_kb = IPSEC_DEFAULT_LIFETIME_KB;
			g.life_kb_disable = false;
		} else if (strcmp(a2->name, "disable") == 0) {
			g.life_kb_disable = true;
		} else {
			g.life_kb = (uint64_t)a2->num;
			g.life_kb_disable = false;
		}
	} else if (strcmp(what, "replay") == 0) {
		if (strcmp(a1->name, "disable") == 0) {
			/* disable and window-size replace each other */
			g.replay_disable = !undo;
			if (!undo)
				g.replay_window = IPSEC_DEFAULT_REPLAY_WINDOW;
		} else {
			/* window-size [N]: N is a keyword (64, 128, ...) */
			g.replay_window = undo || !a2 ? IPSEC_DEFAULT_REPLAY_WINDOW
						      : (uint32_t)strtoul(a2->name, NULL, 10);
			if (!undo)
				g.replay_disable = false;
		}
	} else if (strcmp(what, "idle-time") == 0) {
		g.idle_time = undo ? 0 : (uint32_t)a1->num;
	}
	return 0;
}

/* crypto ipsec df-bit / fragmentation / nat-transparency */
int h_ipsec_global_misc(struct cmdctx *c)
{
	bool no = cmd_negated(c), dflt = cmd_defaulted(c);
	int i = (no || dflt) ? 3 : 2;
	const char *what = cmd_arg(c, i)->name;
	const char *val = cmd_arg(c, i + 1)->name;
	if (strcmp(what, "df-bit") == 0) {
		if (no)
			g.dfbit = IPSEC_DF_COPY;
		else
			g.dfbit = strcmp(val, "clear") == 0 ? IPSEC_DF_CLEAR
				: strcmp(val, "set") == 0   ? IPSEC_DF_SET
							    : IPSEC_DF_COPY;
	} else if (strcmp(what, "fragmentation") == 0) {
		if (no)
			g.frag = IPSEC_FRAG_BEFORE;
		else
			g.frag = strcmp(val, "after-encryption") == 0 ? IPSEC_FRAG_AFTER : IPSEC_FRAG_BEFORE;
	} else if (strcmp(what, "nat-transparency") == 0) {
		g.natt = !no;
	}
	return 0;
}

void ipsec_write_globals_sa(struct buf *b)
{
	if (g.life_kb_disable)
		buf_adds(b, "crypto ipsec security-association lifetime kilobytes disable\n");
	else if (g.life_kb != IPSEC_DEFAULT_LIFETIME_KB)
		buf_printf(b, "crypto ipsec security-association lifetime kilobytes %llu\n",
			   (unsigned long long)g.life_kb);
	if (g.life_sec != IPSEC_DEFAULT_LIFETIME_SEC)
		buf_printf(b, "crypto ipsec security-association lifetime seconds %u\n", g.life_sec);
	if (g.replay_disable)
		buf_adds(b, "crypto ipsec security-association replay disable\n");
	if (g.replay_window != IPSEC_DEFAULT_REPLAY_WINDOW)
		buf_printf(b, "crypto ipsec security-association replay window-size %u\n", g.replay_window);
	if (g.idle_time)
		buf_printf(b, "crypto ipsec security-association idle-time %u\n", g.idle_time);
}

void ipsec_write_globals_other(struct buf *b)
{
	if (g.dfbit == IPSEC_DF_CLEAR)
		buf_adds(b, "crypto ipsec df-bit clear\n");
	else if (g.dfbit == IPSEC_DF_SET)
		buf_adds(b, "crypto ipsec df-bit set\n");
	if (g.frag == IPSEC_FRAG_AFTER)
		buf_adds(b, "crypto ipsec fragmentation after-encryption\n");
	if (!g.natt)
		buf_adds(b, "no crypto ipsec nat-transparency udp-encapsulation\n");
}

static void sa_global_write(struct buf *b)
{
	size_t start = b->len;
	ipsec_write_globals_sa(b);
	if (b->len != start)
		buf_adds(b, "!\n");
}

/* Just before the transform sets, where IOS prints these lines. */
static struct config_section sec_sa_global = {
	"ipsec-sa-global", ORDER_IPSEC_TRANSFORM - 10, sa_global_write, globals_reset, NULL, NULL,
};

__attribute__((constructor)) static void sa_global_init(void)
{
	globals_reset();
	config_section_register(&sec_sa_global);
}
