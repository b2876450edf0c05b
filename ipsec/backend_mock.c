/* Recording data plane for tests (see ipsec/backend_mock.h). */
#include "ipsec/backend_mock.h"

#include <errno.h>
#include <string.h>

static struct mock_sa *find_key(struct mock_backend *mb, const struct ipsec_sa_key *k)
{
	for (unsigned i = 0; i < MOCK_MAX_SA; i++) {
		struct mock_sa *s = &mb->sa[i];
		if (s->used && s->p.key.spi == k->spi && s->p.key.proto == k->proto &&
		    ipsec_addr_eq(&s->p.key.dst, &k->dst))
			return s;
	}
	return NULL;
}

static int m_get_spi(void *ctx, const struct ipsec_addr *src, const struct ipsec_addr *dst,
		     uint8_t proto, uint32_t *spi)
{
	struct mock_backend *mb = ctx;
	(void)src;
	(void)dst;
	(void)proto;
	mb->n_get_spi++;
	*spi = mb->next_spi++;
	return 0;
}

static int m_add_sa(void *ctx, const struct ipsec_sa_params *p)
{
	struct mock_backend *mb = ctx;
	mb->n_add_sa++;
	if (mb->fail_add_sa > 0) {
		mb->fail_add_sa--;
		return -EIO;
	}
	if (find_key(mb, &p->key))
		return -EEXIST;
	for (unsigned i = 0; i < MOCK_MAX_SA; i++) {
		if (!mb->sa[i].used) {
			memset(&mb->sa[i], 0, sizeof(mb->sa[i]));
			mb->sa[i].used = true;
			mb->sa[i].p = *p;
			return 0;
		}
	}
	return -ENOSPC;
}

static int m_update_sa(void *ctx, const struct ipsec_sa_key *k, const struct ipsec_sa_update *u)
{
	struct mock_backend *mb = ctx;
	mb->n_update_sa++;
	struct mock_sa *s = find_key(mb, k);
	if (!s)
		return -ENOENT;
	s->p.key.src = u->new_src;
	s->p.key.dst = u->new_dst;
	s->p.encap = u->encap;
	s->p.encap_sport = u->encap_sport;
	s->p.encap_dport = u->encap_dport;
	s->updates++;
	return 0;
}

static int m_query_sa(void *ctx, const struct ipsec_sa_key *k, struct ipsec_sa_stats *out)
{
	struct mock_backend *mb = ctx;
	mb->n_query_sa++;
	struct mock_sa *s = find_key(mb, k);
	if (!s)
		return -ENOENT;
	*out = s->stats;
	return 0;
}

static int m_del_sa(void *ctx, const struct ipsec_sa_key *k)
{
	struct mock_backend *mb = ctx;
	mb->n_del_sa++;
	struct mock_sa *s = find_key(mb, k);
	if (!s)
		return -ENOENT;
	memset(s, 0, sizeof(*s));
	return 0;
}

static bool ts_eq(const struct ipsec_ts *a, const struct ipsec_ts *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static bool pol_eq(const struct ipsec_policy_params *a, const struct ipsec_policy_params *b)
{
	return a->dir == b->dir && a->reqid == b->reqid && ts_eq(&a->src_ts, &b->src_ts) &&
	       ts_eq(&a->dst_ts, &b->dst_ts);
}

static int m_add_policy(void *ctx, const struct ipsec_policy_params *p)
{
	struct mock_backend *mb = ctx;
	mb->n_add_policy++;
	for (unsigned i = 0; i < MOCK_MAX_POLICY; i++)
		if (mb->pol[i].used && pol_eq(&mb->pol[i].p, p))
			return -EEXIST;
	for (unsigned i = 0; i < MOCK_MAX_POLICY; i++) {
		if (!mb->pol[i].used) {
			mb->pol[i].used = true;
			mb->pol[i].p = *p;
			return 0;
		}
	}
	return -ENOSPC;
}

static int m_del_policy(void *ctx, const struct ipsec_policy_params *p)
{
	struct mock_backend *mb = ctx;
	mb->n_del_policy++;
	for (unsigned i = 0; i < MOCK_MAX_POLICY; i++) {
		if (mb->pol[i].used && pol_eq(&mb->pol[i].p, p)) {
			memset(&mb->pol[i], 0, sizeof(mb->pol[i]));
			return 0;
		}
	}
	return -ENOENT;
}

static const struct ipsec_sa_ops mock_ops = {
	.name = "mock",
	.get_spi = m_get_spi,
	.add_sa = m_add_sa,
	.update_sa = m_update_sa,
	.query_sa = m_query_sa,
	.del_sa = m_del_sa,
	.add_policy = m_add_policy,
	.del_policy = m_del_policy,
};

void mock_backend_init(struct mock_backend *mb, uint32_t spi_base)
{
	memset(mb, 0, sizeof(*mb));
	mb->be.ops = &mock_ops;
	mb->be.ctx = mb;
	mb->next_spi = spi_base;
}

unsigned mock_backend_sa_count(const struct mock_backend *mb)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MOCK_MAX_SA; i++)
		n += mb->sa[i].used;
	return n;
}

struct mock_sa *mock_backend_find(struct mock_backend *mb, uint32_t spi, bool inbound)
{
	for (unsigned i = 0; i < MOCK_MAX_SA; i++)
		if (mb->sa[i].used && mb->sa[i].p.key.spi == spi && mb->sa[i].p.inbound == inbound)
			return &mb->sa[i];
	return NULL;
}

unsigned mock_backend_policy_count(const struct mock_backend *mb)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MOCK_MAX_POLICY; i++)
		n += mb->pol[i].used;
	return n;
}
