/* The recording data plane (see ipsec/backend_record.h). */
#include "ipsec/backend_record.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "lib/evloop.h"

static uint64_t now_ms(const struct record_backend *rb)
{
	return rb->now_ms ? rb->now_ms(rb->now_ctx) : ev_now_ms();
}

/* Any record (reserved or installed) with this SPI towards dst. */
static struct record_sa *find_key(struct record_backend *rb, const struct ipsec_sa_key *k)
{
	for (struct record_sa *s = rb->sas; s; s = s->next)
		if (s->p.key.spi == k->spi && s->p.key.proto == k->proto &&
		    ipsec_addr_eq(&s->p.key.dst, &k->dst))
			return s;
	return NULL;
}

static bool spi_used(const struct record_backend *rb, uint32_t spi)
{
	for (const struct record_sa *s = rb->sas; s; s = s->next)
		if (s->p.inbound || s->reserved)
			if (s->p.key.spi == spi)
				return true;
	return false;
}

static void append(struct record_backend *rb, struct record_sa *n)
{
	struct record_sa **pp = &rb->sas;
	while (*pp)
		pp = &(*pp)->next;
	*pp = n;
}

static void unlink_free(struct record_backend *rb, struct record_sa *s)
{
	for (struct record_sa **pp = &rb->sas; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			OPENSSL_cleanse(s, sizeof(*s));
			free(s);
			return;
		}
}

static int r_get_spi(void *ctx, const struct ipsec_addr *src, const struct ipsec_addr *dst,
		     uint8_t proto, uint32_t *spi)
{
	struct record_backend *rb = ctx;
	rb->n_get_spi++;
	uint32_t v = 0;
	for (int tries = 0; tries < 64; tries++) {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return -EIO;
		/* SPIs 1..255 are reserved by IANA (RFC 4303 2.1) */
		if (v >= 0x100 && !spi_used(rb, v))
			break;
		v = 0;
	}
	if (!v)
		return -EAGAIN;
	struct record_sa *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->reserved = true;
	s->p.inbound = true;
	s->p.key.src = *src;
	s->p.key.dst = *dst;
	s->p.key.spi = v;
	s->p.key.proto = proto;
	append(rb, s);
	*spi = v;
	return 0;
}

static int r_add_sa(void *ctx, const struct ipsec_sa_params *p)
{
	struct record_backend *rb = ctx;
	rb->n_add_sa++;
	struct record_sa *s = find_key(rb, &p->key);
	if (s && !s->reserved)
		return -EEXIST;
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		append(rb, s);
	}
	s->reserved = false;
	s->p = *p;
	memset(&s->stats, 0, sizeof(s->stats));
	s->stats.add_ms = now_ms(rb);
	return 0;
}

static int r_update_sa(void *ctx, const struct ipsec_sa_key *k, const struct ipsec_sa_update *u)
{
	struct record_backend *rb = ctx;
	rb->n_update_sa++;
	struct record_sa *s = find_key(rb, k);
	if (!s || s->reserved)
		return -ENOENT;
	s->p.key.src = u->new_src;
	s->p.key.dst = u->new_dst;
	s->p.encap = u->encap;
	s->p.encap_sport = u->encap_sport;
	s->p.encap_dport = u->encap_dport;
	s->updates++;
	return 0;
}

static int r_query_sa(void *ctx, const struct ipsec_sa_key *k, struct ipsec_sa_stats *out)
{
	struct record_backend *rb = ctx;
	rb->n_query_sa++;
	struct record_sa *s = find_key(rb, k);
	if (!s || s->reserved)
		return -ENOENT;
	*out = s->stats;
	return 0;
}

static int r_del_sa(void *ctx, const struct ipsec_sa_key *k)
{
	struct record_backend *rb = ctx;
	rb->n_del_sa++;
	struct record_sa *s = find_key(rb, k);
	if (!s)
		return -ENOENT;
	unlink_free(rb, s);
	return 0;
}

static bool pol_eq(const struct ipsec_policy_params *a, const struct ipsec_policy_params *b)
{
	return a->dir == b->dir && a->reqid == b->reqid &&
	       memcmp(&a->src_ts, &b->src_ts, sizeof(a->src_ts)) == 0 &&
	       memcmp(&a->dst_ts, &b->dst_ts, sizeof(a->dst_ts)) == 0;
}

static int r_add_policy(void *ctx, const struct ipsec_policy_params *p)
{
	struct record_backend *rb = ctx;
	rb->n_add_policy++;
	struct record_policy **pp = &rb->pols;
	for (; *pp; pp = &(*pp)->next)
		if (pol_eq(&(*pp)->p, p))
			return -EEXIST;
	struct record_policy *n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->p = *p;
	*pp = n;
	return 0;
}

static int r_del_policy(void *ctx, const struct ipsec_policy_params *p)
{
	struct record_backend *rb = ctx;
	rb->n_del_policy++;
	for (struct record_policy **pp = &rb->pols; *pp; pp = &(*pp)->next)
		if (pol_eq(&(*pp)->p, p)) {
			struct record_policy *x = *pp;
			*pp = x->next;
			free(x);
			return 0;
		}
	return -ENOENT;
}

static const struct ipsec_sa_ops record_ops = {
	.name = "record",
	.get_spi = r_get_spi,
	.add_sa = r_add_sa,
	.update_sa = r_update_sa,
	.query_sa = r_query_sa,
	.del_sa = r_del_sa,
	.add_policy = r_add_policy,
	.del_policy = r_del_policy,
};

void record_backend_init(struct record_backend *rb)
{
	memset(rb, 0, sizeof(*rb));
	rb->be.ops = &record_ops;
	rb->be.ctx = rb;
}

void record_backend_free(struct record_backend *rb)
{
	while (rb->sas)
		unlink_free(rb, rb->sas);
	while (rb->pols) {
		struct record_policy *p = rb->pols;
		rb->pols = p->next;
		free(p);
	}
}

unsigned record_backend_sa_count(const struct record_backend *rb)
{
	unsigned n = 0;
	for (const struct record_sa *s = rb->sas; s; s = s->next)
		n += !s->reserved;
	return n;
}

unsigned record_backend_policy_count(const struct record_backend *rb)
{
	unsigned n = 0;
	for (const struct record_policy *p = rb->pols; p; p = p->next)
		n++;
	return n;
}

const struct record_sa *record_backend_find(const struct record_backend *rb, uint32_t spi,
					    bool inbound)
{
	for (const struct record_sa *s = rb->sas; s; s = s->next)
		if (!s->reserved && s->p.key.spi == spi && s->p.inbound == inbound)
			return s;
	return NULL;
}

void record_backend_foreach(const struct record_backend *rb,
			    void (*cb)(void *arg, const struct record_sa *sa), void *arg)
{
	for (const struct record_sa *s = rb->sas; s; s = s->next)
		if (!s->reserved)
			cb(arg, s);
}
