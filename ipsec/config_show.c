/* show crypto ipsec transform-set / profile / security-association, in the
 * formats of IOS-XE 16. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/cmd.h"
#include "ipsec/config.h"

static void show_one_ts(struct buf *b, const struct ipsec_transform_set *t)
{
	buf_printf(b, "Transform set %s: { ", t->name);
	ipsec_transform_set_text(t, true, b);
	buf_adds(b, "  } \n");
	buf_printf(b, "   will negotiate = { %s,  }, \n   \n",
		   t->mode == IPSEC_MODE_TRANSPORT ? "Transport" : "Tunnel");
}

/* show crypto ipsec transform-set [[tag] NAME] */
int h_show_ipsec_ts(struct cmdctx *c)
{
	/* the name follows "transform-set" or "tag" (a pipe may come after it) */
	const struct cmdarg *a = cmd_after(c, "tag");
	if (!a)
		a = cmd_after(c, "transform-set");
	const char *name = a && a->kind == ARG_WORD ? a->text : NULL;
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < ipsec_transform_set_count(); i++) {
		const struct ipsec_transform_set *t = ipsec_transform_set_at(i);
		if (!ipsec_transform_set_find(t->name))
			continue; /* the disabled default */
		if (name && strcmp(name, t->name) != 0)
			continue;
		show_one_ts(&b, t);
	}
	cmd_out(c, "%s", buf_cstr(&b));
	buf_free(&b);
	return 0;
}

static void show_lifetime(struct buf *b, const char *indent, uint64_t kb, uint32_t sec)
{
	if (kb == 0)
		buf_printf(b, "%sKilobyte Volume Rekey has been disabled.\n"
			      "%sSecurity association lifetime:%u seconds\n", indent, indent, sec);
	else
		buf_printf(b, "%sSecurity association lifetime: %llu kilobytes/%u seconds\n", indent,
			   (unsigned long long)kb, sec);
}

static void show_one_profile(struct buf *b, const struct ipsec_profile *p)
{
	struct ipsec_child_policy pol;
	if (ipsec_profile_resolve(p->name, &pol) != 0)
		return;
	const char *in = "        ";
	buf_printf(b, "IPSEC profile %s\n", p->name);
	if (p->ikev2_profile[0])
		buf_printf(b, "%sIKEv2 Profile: %s\n", in, p->ikev2_profile);
	show_lifetime(b, in, pol.lifetime_kb, pol.lifetime_sec);
	buf_printf(b, "%sResponder-Only (Y/N): %s\n", in, p->responder_only ? "Y" : "N");
	if (p->pfs_group)
		buf_printf(b, "%sPFS (Y/N): Y\n%sDH group:  %s\n", in, in, ipsec_pfs_group_name(p->pfs_group));
	else
		buf_printf(b, "%sPFS (Y/N): N\n", in);
	buf_printf(b, "%sMixed-mode : Disabled\n", in);
	buf_printf(b, "%sTransform sets={ \n", in);
	for (int k = 0; k < pol.n_proposals; k++) {
		const struct ipsec_transform_set *t = ipsec_transform_set_find(pol.proposals[k].ts_name);
		buf_printf(b, "%s%s%s:  { ", in, in, t->name);
		ipsec_transform_set_text(t, true, b);
		buf_adds(b, "  } , \n");
	}
	buf_printf(b, "%s}\n\n", in);
}

static int prof_cmp(const void *a, const void *b)
{
	const struct ipsec_profile *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

/* show crypto ipsec profile [NAME]: profiles sorted by name, as IOS does */
int h_show_ipsec_profile(struct cmdctx *c)
{
	const struct cmdarg *a = cmd_after(c, "profile");
	const char *name = a && a->kind == ARG_WORD ? a->text : NULL;
	int n = ipsec_profile_count();
	const struct ipsec_profile **list = calloc((size_t)n + 1, sizeof *list);
	if (!list)
		abort();
	int m = 0;
	for (int i = 0; i < n; i++) {
		const struct ipsec_profile *p = ipsec_profile_at(i);
		if (ipsec_profile_find(p->name) && (!name || strcmp(name, p->name) == 0))
			list[m++] = p;
	}
	qsort(list, (size_t)m, sizeof *list, prof_cmp);
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < m; i++)
		show_one_profile(&b, list[i]);
	cmd_out(c, "%s", buf_cstr(&b));
	buf_free(&b);
	free(list);
	return 0;
}

/* show crypto ipsec security-association [lifetime] */
int h_show_ipsec_sa_global(struct cmdctx *c)
{
	const struct ipsec_globals *g = ipsec_globals_get();
	if (g->life_kb_disable)
		cmd_out(c, "Security association lifetime: %u seconds\n", g->life_sec);
	else
		cmd_out(c, "Security association lifetime: %llu kilobytes/%u seconds\n",
			(unsigned long long)g->life_kb, g->life_sec);
	return 0;
}
