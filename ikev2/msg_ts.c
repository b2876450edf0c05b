/*
 * Traffic selectors (RFC 7296 2.9, 3.13): wire conversion, intersection
 * and the responder's narrowing.
 */
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

static size_t alen(uint8_t family)
{
	return family == 6 ? 16 : 4;
}

void ts_to_wire(const struct ipsec_ts *in, struct ikev2_ts *out)
{
	memset(out, 0, sizeof(*out));
	out->type = in->family == 6 ? IKEV2_TS_IPV6_ADDR_RANGE : IKEV2_TS_IPV4_ADDR_RANGE;
	out->proto = in->proto;
	out->start_port = in->start_port;
	out->end_port = in->end_port;
	out->addr_len = (uint8_t)alen(in->family);
	memcpy(out->start, in->start, out->addr_len);
	memcpy(out->end, in->end, out->addr_len);
}

int ts_from_wire(const struct ikev2_ts *in, struct ipsec_ts *out)
{
	memset(out, 0, sizeof(*out));
	if (in->type == IKEV2_TS_IPV4_ADDR_RANGE)
		out->family = 4;
	else if (in->type == IKEV2_TS_IPV6_ADDR_RANGE)
		out->family = 6;
	else
		return -1;
	out->proto = in->proto;
	out->start_port = in->start_port;
	out->end_port = in->end_port;
	memcpy(out->start, in->start, alen(out->family));
	memcpy(out->end, in->end, alen(out->family));
	return 0;
}

void ts_pl_add(struct ikev2_enc *e, uint8_t type, const struct ipsec_ts *ts, unsigned n)
{
	struct ikev2_ts w[IPSEC_MAX_TS];
	if (n > IPSEC_MAX_TS)
		n = IPSEC_MAX_TS;
	for (unsigned i = 0; i < n; i++)
		ts_to_wire(&ts[i], &w[i]);
	struct ikev2_pl_ts pl = {n, w};
	ikev2_enc_ts(e, type, &pl);
}

bool ts_intersect(const struct ipsec_ts *a, const struct ipsec_ts *b, struct ipsec_ts *out)
{
	if (a->family != b->family)
		return false;
	if (a->proto && b->proto && a->proto != b->proto)
		return false;
	size_t n = alen(a->family);
	struct ipsec_ts r;
	memset(&r, 0, sizeof(r));
	r.family = a->family;
	r.proto = a->proto ? a->proto : b->proto;
	r.start_port = a->start_port > b->start_port ? a->start_port : b->start_port;
	r.end_port = a->end_port < b->end_port ? a->end_port : b->end_port;
	if (r.start_port > r.end_port)
		return false;
	memcpy(r.start, memcmp(a->start, b->start, n) > 0 ? a->start : b->start, n);
	memcpy(r.end, memcmp(a->end, b->end, n) < 0 ? a->end : b->end, n);
	if (memcmp(r.start, r.end, n) > 0)
		return false;
	*out = r;
	return true;
}

unsigned ts_narrow(const struct ikev2_pl_ts *peer, const struct ipsec_ts *cfg, unsigned n_cfg,
		   struct ipsec_ts *out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < peer->n_ts; i++) {
		struct ipsec_ts p;
		if (ts_from_wire(&peer->ts[i], &p) != 0)
			continue;
		for (unsigned j = 0; j < n_cfg && n < max; j++) {
			struct ipsec_ts r;
			if (!ts_intersect(&p, &cfg[j], &r))
				continue;
			bool dup = false;
			for (unsigned k = 0; k < n && !dup; k++)
				dup = memcmp(&out[k], &r, sizeof(r)) == 0;
			if (!dup)
				out[n++] = r;
		}
	}
	return n;
}

bool ts_subset(const struct ikev2_pl_ts *got, const struct ipsec_ts *want, unsigned n_want)
{
	for (unsigned i = 0; i < got->n_ts; i++) {
		struct ipsec_ts g, r;
		bool ok = false;
		if (ts_from_wire(&got->ts[i], &g) != 0)
			return false;
		for (unsigned j = 0; j < n_want && !ok; j++)
			ok = ts_intersect(&g, &want[j], &r) && memcmp(&r, &g, sizeof(g)) == 0;
		if (!ok)
			return false;
	}
	return got->n_ts > 0;
}
