/* show crypto ikev2 proposal / policy / profile, in IOS layout. */
#include "ikev2/config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "grammar/cmd.h"
#include "lib/buf.h"

/* ---- proposals ---- */

static void show_proposal(struct buf *b, const struct ikev2_proposal *p)
{
	buf_printf(b, " IKEv2 proposal: %s \n", p->name);
	buf_adds(b, "     Encryption : ");
	for (int i = 0; i < p->n_encr; i++)
		buf_printf(b, "%s%s", i ? " " : "", ikev2_encr_show_name(&p->encr[i]));
	buf_addc(b, '\n');
	bool aead = p->n_encr > 0 && ikev2_encr_is_aead(p->encr[0].id);
	if (p->n_integ || !aead) {
		buf_adds(b, "     Integrity  : ");
		for (int i = 0; i < p->n_integ; i++)
			buf_printf(b, "%s%s", i ? " " : "", ikev2_integ_show_name(p->integ[i]));
		buf_addc(b, '\n');
	}
	uint16_t prf[IKEV2_MAX_PRF];
	int n = ikev2_proposal_prfs(p, prf, IKEV2_MAX_PRF);
	buf_adds(b, "     PRF        : ");
	for (int i = 0; i < n; i++)
		buf_printf(b, "%s%s", i ? " " : "", ikev2_prf_show_name(prf[i]));
	buf_addc(b, '\n');
	buf_adds(b, "     DH Group   : ");
	for (int i = 0; i < p->n_dh; i++)
		buf_printf(b, "%s%s/Group %d", i ? " " : "", ikev2_dh_show_name(p->dh[i]), p->dh[i]);
	buf_addc(b, '\n');
}

void ikev2_show_proposals(struct buf *b, const char *name)
{
	for (const struct ikev2_proposal *p = ikev2_proposal_first(); p; p = ikev2_proposal_next(p))
		if (!name || strcmp(name, p->name) == 0)
			show_proposal(b, p);
}

int h_ikev2_show_proposal(struct cmdctx *c)
{
	const struct cmdarg *n = cmd_after(c, "proposal");
	ikev2_show_proposals(c->out, n && n->kind == ARG_WORD ? n->text : NULL);
	return 0;
}

/* ---- policies ---- */

static void show_policy(struct buf *b, const struct ikev2_policy *p)
{
	buf_printf(b, " IKEv2 policy : %s\n", p->name);
	/* IOS aligns "Match fvrf" differently for the default policy. */
	const char *label = p->is_default ? "      Match fvrf : " : "      Match fvrf  : ";
	switch (p->fvrf_kind) {
	case IKEV2_FVRF_ANY: buf_printf(b, "%sany\n", label); break;
	case IKEV2_FVRF_GLOBAL: buf_printf(b, "%sglobal\n", label); break;
	default: buf_printf(b, "%s%s\n", label, p->fvrf); break;
	}
	if (p->n_local == 0)
		buf_adds(b, "      Match address local : any\n");
	for (int i = 0; i < p->n_local; i++) {
		char txt[INET6_ADDRSTRLEN];
		inet_ntop(p->local[i].family, p->local[i].addr, txt, sizeof txt);
		buf_printf(b, "      Match address local : %s\n", txt);
	}
	for (int i = 0; i < p->n_proposals; i++)
		buf_printf(b, "      Proposal    : %s\n", p->proposals[i]);
	buf_addc(b, '\n');
}

void ikev2_show_policies(struct buf *b, const char *name)
{
	const struct ikev2_policy *d = ikev2_cfg_default_policy();
	if (d && (!name || strcmp(name, "default") == 0))
		show_policy(b, d);
	for (const struct ikev2_policy *p = ikev2_cfg_policies(); p; p = p->next)
		if (!name || strcmp(name, p->name) == 0)
			show_policy(b, p);
}

int h_ikev2_show_policy(struct cmdctx *c)
{
	const struct cmdarg *n = cmd_after(c, "policy");
	ikev2_show_policies(c->out, n && n->kind == ARG_WORD ? n->text : NULL);
	return 0;
}

/* ---- profiles ---- */

static const char *method_name(int m)
{
	switch (m) {
	case IKEV2_AUTHM_PSK: return "pre-share";
	case IKEV2_AUTHM_RSA: return "rsa-sig";
	case IKEV2_AUTHM_ECDSA: return "ecdsa-sig";
	case IKEV2_AUTHM_EAP: return "eap";
	default: return "none";
	}
}

static const char *const kind_kw[IKEV2_AAA_KINDS] = { "psk", "cert", "eap" };

static void show_author(struct buf *b, const char *label, const struct ikev2_aaa_author *a,
			const bool *override)
{
	bool any = false;
	buf_printf(b, " %s:", label);
	for (int k = 0; k < IKEV2_AAA_KINDS; k++) {
		if (!a[k].set)
			continue;
		buf_printf(b, "%s%s%s", any ? "," : "", override && override[k] ? " override " : " ", kind_kw[k]);
		if (a[k].cached)
			buf_adds(b, " cached");
		else
			buf_printf(b, " list %s", a[k].list);
		if (a[k].username[0])
			buf_printf(b, " %s", a[k].username);
		if (a[k].mangler[0])
			buf_printf(b, " name-mangler %s", a[k].mangler);
		any = true;
	}
	buf_adds(b, any ? "\n" : " none\n");
}

static void show_profile(struct buf *b, const struct ikev2_profile *p)
{
	char txt[INET6_ADDRSTRLEN];
	buf_printf(b, "IKEv2 profile: %s\n", p->name);
	buf_printf(b, " Shutdown : %s\n", p->shutdown ? "Yes" : "No");
	buf_printf(b, " Ref Count: %d\n", p->ref_count);
	buf_adds(b, " Match criteria: \n");
	buf_printf(b, "  Fvrf: %s\n", p->fvrf_kind == IKEV2_FVRF_ANY ? "any" :
				      p->fvrf_kind == IKEV2_FVRF_GLOBAL ? "global" : p->fvrf);
	buf_adds(b, "  Local address/interface:");
	if (p->n_local_addr + p->n_local_if == 0)
		buf_adds(b, " none");
	for (int i = 0; i < p->n_local_addr; i++) {
		inet_ntop(p->local_addr[i].family, p->local_addr[i].addr, txt, sizeof txt);
		buf_printf(b, " %s", txt);
	}
	for (int i = 0; i < p->n_local_if; i++)
		buf_printf(b, " %s", p->local_if[i]);
	buf_addc(b, '\n');
	if (p->n_remote_ids == 0)
		buf_adds(b, "  Identities: none\n");
	else
		buf_adds(b, "  Identities: \n");
	for (int i = 0; i < p->n_remote_ids; i++) {
		const struct ikev2_idspec *id = &p->remote_ids[i];
		buf_adds(b, "   ");
		if (id->kind == IKEV2_IDK_ADDRESS && id->pfx.ip.family == AF_INET && !id->any_v4 &&
		    !strchr(id->value, ' '))
			buf_printf(b, "address %s 255.255.255.255", id->value);
		else
			ikev2_idspec_format(id, b);
		buf_addc(b, '\n');
	}
	buf_adds(b, "  Certificate maps:");
	if (p->n_certmaps == 0)
		buf_adds(b, " none");
	for (int i = 0; i < p->n_certmaps; i++)
		buf_printf(b, " %s", p->certmaps[i]);
	buf_addc(b, '\n');
	buf_adds(b, " Local identity: ");
	if (p->local_id.kind == IKEV2_IDK_NONE)
		buf_adds(b, "none");
	else
		ikev2_idspec_format(&p->local_id, b);
	buf_addc(b, '\n');
	buf_adds(b, " Remote identity: none\n");
	buf_printf(b, " Local authentication method: %s\n", method_name(p->auth_local));
	buf_adds(b, " Remote authentication method(s):");
	if (p->n_auth_remote == 0)
		buf_adds(b, " none");
	for (int i = 0; i < p->n_auth_remote; i++)
		buf_printf(b, "%s %s", i ? "," : "", method_name(p->auth_remote_order[i]));
	buf_addc(b, '\n');
	buf_adds(b, " EAP options:");
	bool eap_opt = false;
	if (p->auth_local == IKEV2_AUTHM_EAP) {
		static const char *const em[] = { "", "gtc", "md5", "mschapv2" };
		if (p->auth_local_eap != IKEV2_CFG_EAP_ANY) {
			buf_printf(b, " %s", em[p->auth_local_eap]);
			eap_opt = true;
		}
		if (p->eap_username[0]) {
			buf_printf(b, " username %s", p->eap_username);
			eap_opt = true;
		}
	}
	if (p->eap_query_identity) {
		buf_adds(b, " query-identity");
		eap_opt = true;
	}
	if (p->eap_timeout) {
		buf_printf(b, " timeout %d", p->eap_timeout);
		eap_opt = true;
	}
	buf_adds(b, eap_opt ? "\n" : " none\n");
	if (p->keyring_local[0])
		buf_printf(b, " Keyring: %s\n", p->keyring_local);
	else if (p->keyring_aaa[0])
		buf_printf(b, " Keyring: aaa %s\n", p->keyring_aaa);
	else
		buf_adds(b, " Keyring: none\n");
	buf_adds(b, " Trustpoint(s):");
	if (p->n_trustpoints == 0)
		buf_adds(b, " none");
	for (int i = 0; i < p->n_trustpoints; i++)
		buf_printf(b, " %s", p->trustpoints[i]);
	buf_addc(b, '\n');
	buf_printf(b, " Lifetime: %d seconds\n", p->lifetime);
	if (p->dpd_mode == IKEV2_CFG_DPD_OFF)
		buf_adds(b, " DPD: disabled\n");
	else
		buf_printf(b, " DPD: interval %d, retry-interval %d, %s\n", p->dpd_interval, p->dpd_retry,
			   p->dpd_mode == IKEV2_CFG_DPD_PERIODIC ? "periodic" : "on-demand");
	if (p->nat_keepalive)
		buf_printf(b, " NAT-keepalive: %d seconds\n", p->nat_keepalive);
	else
		buf_adds(b, " NAT-keepalive: disabled\n");
	buf_printf(b, " Ivrf: %s\n", p->ivrf[0] ? p->ivrf : "none");
	if (p->virtual_template)
		buf_printf(b, " Virtual-template: %d\n", p->virtual_template);
	else
		buf_adds(b, " Virtual-template: none\n");
	buf_adds(b, " mode auto: none\n");
	buf_adds(b, " AAA AnyConnect EAP authentication mlist: none\n");
	buf_printf(b, " AAA EAP authentication mlist: %s\n", p->aaa_authen_eap[0] ? p->aaa_authen_eap : "none");
	buf_adds(b, " AAA authentication mlist: none\n");
	bool acct = false;
	buf_adds(b, " AAA Accounting:");
	for (int k = 0; k < IKEV2_AAA_KINDS; k++)
		if (p->accounting[k][0]) {
			buf_printf(b, "%s %s %s", acct ? "," : "", kind_kw[k], p->accounting[k]);
			acct = true;
		}
	buf_adds(b, acct ? "\n" : " none\n");
	show_author(b, "AAA group authorization", p->author_group, p->author_group_override);
	show_author(b, "AAA user authorization", p->author_user, NULL);
}

void ikev2_show_profiles(struct buf *b, const char *name)
{
	for (const struct ikev2_profile *p = ikev2_profile_first(); p; p = ikev2_profile_next(p))
		if (!name || strcmp(name, p->name) == 0)
			show_profile(b, p);
}

int h_ikev2_show_profile(struct cmdctx *c)
{
	const struct cmdarg *n = cmd_after(c, "profile");
	ikev2_show_profiles(c->out, n && n->kind == ARG_WORD ? n->text : NULL);
	return 0;
}
