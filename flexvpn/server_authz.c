/* FlexVPN server: authorization attributes for a peer (see
 * flexvpn/server_authz.h). */
#include "flexvpn/server_authz.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aaa/aaa.h"

static void why_set(char *why, size_t n, const char *fmt, const char *a, const char *b)
{
	if (why && n)
		snprintf(why, n, fmt, a, b);
}

/* An identity as text: addresses dotted, names as they are. */
static void id_text(const struct ikev2_id *id, char *out, size_t n)
{
	if (id->type == IKEV2_ID_IPV4_ADDR && id->len == 4) {
		inet_ntop(AF_INET, id->data, out, (socklen_t)n);
		return;
	}
	if (id->type == IKEV2_ID_IPV6_ADDR && id->len == 16) {
		inet_ntop(AF_INET6, id->data, out, (socklen_t)n);
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < id->len && k + 1 < n; i++)
		out[k++] = id->data[i] >= 0x20 && id->data[i] < 0x7f ? (char)id->data[i] : '?';
	out[k] = 0;
}

int flexvpn_authz_username(const struct ikev2_aaa_author *a, const struct ikev2_id *id,
			   char *out, size_t outlen, char *why, size_t whylen)
{
	if (a->username[0]) {
		snprintf(out, outlen, "%s", a->username);
		return 0;
	}
	if (a->mangler[0]) {
		const struct ikev2_name_mangler *m = ikev2_name_mangler_find(a->mangler);
		if (!m) {
			why_set(why, whylen, "name-mangler %s does not exist%s", a->mangler, "");
			return -1;
		}
		if (ikev2_name_mangle(m, id->type, id->data, id->len, out, outlen) < 0) {
			char t[128];
			id_text(id, t, sizeof(t));
			why_set(why, whylen, "name-mangler %s derives no name from identity %s",
				a->mangler, t);
			return -1;
		}
		return 0;
	}
	id_text(id, out, outlen);
	return 0;
}

/* The local authorization policy of a user name: exact name, any case
 * unless the method is "local case"; the default policy when none. */
static const struct flexvpn_author *local_policy(const char *name, bool case_sensitive)
{
	const struct flexvpn_author *p = flexvpn_author_find(name);
	if (p)
		return p;
	if (!case_sensitive)
		for (p = flexvpn_author_first(); p; p = p->next)
			if (strcasecmp(p->name, name) == 0)
				return p;
	return flexvpn_author_find("default");
}

/* Run the methods of "aaa authorization network LIST".  1: a policy in
 * *out; 0: authorized without attributes (none, if-authenticated); -1:
 * refused. */
static int run_list(const char *list, const char *name, const struct flexvpn_author **out,
		    char *why, size_t whylen)
{
	*out = NULL;
	const struct aaa_method_list *ml =
		aaa_method_list_find(AAA_AUTHORIZATION, "network", list);
	if (!ml) {
		why_set(why, whylen, "aaa authorization network %s is not configured%s", list, "");
		return -1;
	}
	for (int i = 0; i < ml->n_methods; i++) {
		switch (ml->methods[i].kind) {
		case AAA_METHOD_LOCAL:
		case AAA_METHOD_LOCAL_CASE:
			*out = local_policy(name, ml->methods[i].kind == AAA_METHOD_LOCAL_CASE);
			return 1;
		case AAA_METHOD_NONE:
		case AAA_METHOD_IF_AUTHENTICATED:
			return 0;
		default:
			/* RADIUS/TACACS+ groups: no client yet, treated as a
			 * server that does not answer (the next method runs) */
			break;
		}
	}
	why_set(why, whylen, "no method of aaa authorization network %s answered%s", list, "");
	return -1;
}

/* Copy the attributes p sets into az where az has none yet. */
static void fill_from(struct flexvpn_authz *az, const struct flexvpn_author *p)
{
	if (!az->pool[0])
		snprintf(az->pool, sizeof(az->pool), "%s", p->pool);
	if (!az->n_dns) {
		az->n_dns = p->n_dns;
		memcpy(az->dns, p->dns, sizeof(az->dns));
	}
	if (!az->n_wins) {
		az->n_wins = p->n_wins;
		memcpy(az->wins, p->wins, sizeof(az->wins));
	}
	if (!az->netmask_set && p->netmask_set) {
		az->netmask_set = true;
		az->netmask = p->netmask;
	}
	if (!az->def_domain[0])
		snprintf(az->def_domain, sizeof(az->def_domain), "%s", p->def_domain);
	if (!az->n_split_dns) {
		az->n_split_dns = p->n_split_dns;
		memcpy(az->split_dns, p->split_dns, sizeof(az->split_dns));
	}
	if (!az->n_backup_gw) {
		az->n_backup_gw = p->n_backup_gw;
		memcpy(az->backup_gw, p->backup_gw, sizeof(az->backup_gw));
	}
	if (!az->route_set_interface && p->route_set_interface) {
		az->route_set_interface = true;
		snprintf(az->route_set_ifname, sizeof(az->route_set_ifname), "%s",
			 p->route_set_ifname);
	}
	if (!az->route_acl[0])
		snprintf(az->route_acl, sizeof(az->route_acl), "%s", p->route_acl);
	if (!az->n_remote4) {
		az->n_remote4 = p->n_remote4;
		memcpy(az->remote4, p->remote4, sizeof(az->remote4));
	}
	if (!az->route_accept_any && p->route_accept_any) {
		az->route_accept_any = true;
		az->accept_distance = p->accept_distance;
	}
	if (!az->session_lifetime)
		az->session_lifetime = p->session_lifetime;
}

/* One statement (group or user): the policy it yields, or NULL. */
static int one_source(const struct ikev2_aaa_author *a, const struct ikev2_id *id, char *uname,
		      char *pname, const struct flexvpn_author **pol, char *why, size_t whylen)
{
	*pol = NULL;
	if (!a->set)
		return 0;
	if (a->cached)
		return 0; /* attributes cached from AAA pre-shared keys: none here */
	if (flexvpn_authz_username(a, id, uname, FLEXVPN_NAME_MAX, why, whylen) != 0)
		return -1;
	int rc = run_list(a->list, uname, pol, why, whylen);
	if (rc < 0)
		return -1;
	if (*pol)
		snprintf(pname, FLEXVPN_NAME_MAX, "%s", (*pol)->name);
	return 0;
}

int flexvpn_authorize(const struct ikev2_profile *prof, enum ikev2_aaa_kind kind,
		      const struct ikev2_id *id, struct flexvpn_authz *out, char *why,
		      size_t whylen)
{
	memset(out, 0, sizeof(*out));
	if (why && whylen)
		why[0] = 0;
	if ((unsigned)kind >= IKEV2_AAA_KINDS)
		return 0;
	const struct ikev2_aaa_author *g = &prof->author_group[kind], *u = &prof->author_user[kind];
	if (!g->set && !u->set)
		return 0;
	if (!aaa_new_model()) {
		why_set(why, whylen, "aaa authorization in profile %s needs aaa new-model%s",
			prof->name, "");
		return -1;
	}
	const struct flexvpn_author *gp, *up;
	if (one_source(g, id, out->group_name, out->group_policy, &gp, why, whylen) != 0 ||
	    one_source(u, id, out->user_name, out->user_policy, &up, why, whylen) != 0)
		return -1;
	out->done = true;
	/* the winner first, the other fills the gaps */
	const struct flexvpn_author *first = up, *second = gp;
	if (prof->author_group_override[kind]) {
		first = gp;
		second = up;
	}
	if (first)
		fill_from(out, first);
	if (second)
		fill_from(out, second);
	return 0;
}
