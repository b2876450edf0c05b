/*
 * Userspace data plane, control side: the ipsec_backend operations (SAD in
 * SPI hash tables, SPD), tunnels, lifetime events, information for show
 * commands.  The packet paths are in userspace_dp.c.  See ipsec/userspace.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ipsec/userspace_int.h"

/* IANA IKEv2 transform IDs (RFC 7296 3.3.2); kept here so that the data
 * plane does not depend on the IKEv2 headers. */
#define IANA_ENCR_AES_CBC 12
#define IANA_ENCR_AES_GCM_16 20
#define IANA_INTEG_HMAC_SHA1_96 2
#define IANA_INTEG_HMAC_SHA2_256_128 12
#define IANA_INTEG_HMAC_SHA2_384_192 13
#define IANA_INTEG_HMAC_SHA2_512_256 14

#define DEFAULT_LARVAL_MS 180000u
#define SCAN_INTERVAL_MS 1000u
#define EVENT_BATCH 32u

/* ------------------------------------------------------------ clock */

static uint64_t mono_ms(void *arg)
{
	(void)arg;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t us_now_ms(struct userspace_dp *dp)
{
	if (dp->batch_depth)
		return dp->batch_now_ms;
	return dp->cfg.now_ms(dp->cfg.clock_arg);
}

void userspace_dp_batch_begin(struct userspace_dp *dp)
{
	if (dp->batch_depth++ == 0)
		dp->batch_now_ms = dp->cfg.now_ms(dp->cfg.clock_arg);
}

void userspace_dp_batch_end(struct userspace_dp *dp)
{
	if (dp->batch_depth)
		dp->batch_depth--;
}

/* The ESP layer's lifetime clock, in seconds. */
static uint64_t esp_clock_s(void *arg)
{
	return us_now_ms(arg) / 1000u;
}

/* ------------------------------------------------------------ tables */

static inline unsigned sa_bucket(const struct userspace_dp *dp, uint32_t spi)
{
	return (spi * 2654435761u) & dp->sa_mask;
}

static inline unsigned small_bucket(uint32_t v, unsigned n)
{
	return (v * 2654435761u) >> 24 & (n - 1);
}

/* An SA named by (dst, spi, proto); key->dst.family 0 matches any dst. */
static struct us_sa *find_in_tab(struct us_sa **tab, unsigned b, const struct ipsec_sa_key *k)
{
	for (struct us_sa *s = tab[b]; s; s = s->hnext) {
		if (s->key.spi != k->spi)
			continue;
		if (k->proto && s->key.proto && k->proto != s->key.proto)
			continue;
		if (k->dst.family && s->key.dst.family && !ipsec_addr_eq(&s->key.dst, &k->dst))
			continue;
		return s;
	}
	return NULL;
}

static struct us_sa *find_key(struct userspace_dp *dp, const struct ipsec_sa_key *k)
{
	unsigned b = sa_bucket(dp, k->spi);
	struct us_sa *s = find_in_tab(dp->in_tab, b, k);
	return s ? s : find_in_tab(dp->out_tab, b, k);
}

static void tab_insert(struct userspace_dp *dp, struct us_sa *sa)
{
	struct us_sa **tab = sa->inbound ? dp->in_tab : dp->out_tab;
	unsigned b = sa_bucket(dp, sa->key.spi);
	sa->hnext = tab[b];
	tab[b] = sa;
	sa->all_prev = NULL;
	sa->all_next = dp->all;
	if (dp->all)
		dp->all->all_prev = sa;
	dp->all = sa;
}

static void tab_remove(struct userspace_dp *dp, struct us_sa *sa)
{
	struct us_sa **tab = sa->inbound ? dp->in_tab : dp->out_tab;
	for (struct us_sa **pp = &tab[sa_bucket(dp, sa->key.spi)]; *pp; pp = &(*pp)->hnext) {
		if (*pp == sa) {
			*pp = sa->hnext;
			break;
		}
	}
	if (sa->all_prev)
		sa->all_prev->all_next = sa->all_next;
	else
		dp->all = sa->all_next;
	if (sa->all_next)
		sa->all_next->all_prev = sa->all_prev;
}

struct us_tunnel *us_tunnel_find(struct userspace_dp *dp, uint32_t id)
{
	struct us_tunnel *t = dp->tun_tab[small_bucket(id, US_TUN_BUCKETS)];
	while (t && t->id != id)
		t = t->hnext;
	return t;
}

static struct us_reqid *rq_find(struct userspace_dp *dp, uint32_t reqid)
{
	struct us_reqid *r = dp->rq_tab[small_bucket(reqid, US_RQ_BUCKETS)];
	while (r && r->reqid != reqid)
		r = r->hnext;
	return r;
}

static struct us_reqid *rq_get(struct userspace_dp *dp, uint32_t reqid)
{
	struct us_reqid *r = rq_find(dp, reqid);
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return NULL;
		r->reqid = reqid;
		unsigned b = small_bucket(reqid, US_RQ_BUCKETS);
		r->hnext = dp->rq_tab[b];
		dp->rq_tab[b] = r;
	}
	r->refs++;
	return r;
}

static void rq_put(struct userspace_dp *dp, struct us_reqid *r)
{
	if (!r || --r->refs > 0)
		return;
	for (struct us_reqid **pp = &dp->rq_tab[small_bucket(r->reqid, US_RQ_BUCKETS)]; *pp;
	     pp = &(*pp)->hnext) {
		if (*pp == r) {
			*pp = r->hnext;
			break;
		}
	}
	free(r);
}

/* The current outbound SA: the newest one not hard-expired. */
static void rq_select(struct us_reqid *r)
{
	r->out = NULL;
	for (struct us_sa *s = r->outs; s; s = s->rq_next) {
		if (!s->dead) {
			r->out = s;
			return;
		}
	}
}

/* ------------------------------------------------------------ events */

void us_sa_event(struct userspace_dp *dp, struct us_sa *sa, bool hard)
{
	if (hard) {
		if (sa->hard_done)
			return;
		sa->hard_done = sa->soft_done = true;
		sa->ev = US_EV_HARD;	/* a pending soft event is moot */
		dp->events_pending++;
		if (!sa->dead) {
			sa->dead = true;
			if (!sa->inbound && sa->rq)
				rq_select(sa->rq);
		}
	} else {
		if (sa->soft_done)
			return;
		sa->soft_done = true;
		sa->ev |= US_EV_SOFT;
		dp->events_pending++;
	}
}

void us_sa_check_after(struct userspace_dp *dp, struct us_sa *sa, bool rekey_needed)
{
	if (rekey_needed && !sa->soft_done)
		us_sa_event(dp, sa, false);
	if (sa->has_hard && !sa->hard_done &&
	    sa_lifetime_hard_expired(&sa->esp.lifetime, esp_sa_now(&sa->esp)))
		us_sa_event(dp, sa, true);
}

/* The inbound SPI of the CHILD_SA an SA belongs to. */
static uint32_t pair_spi_in(struct userspace_dp *dp, const struct us_sa *sa)
{
	if (sa->inbound)
		return sa->key.spi;
	const struct us_sa *best = NULL;
	for (const struct us_sa *s = dp->all; s; s = s->all_next) {
		if (!s->inbound || s->larval || s->reqid != sa->reqid)
			continue;
		if (sa->child_sa_id && s->child_sa_id == sa->child_sa_id)
			return s->key.spi;
		if (!best && !sa->child_sa_id)
			best = s;	/* newest inbound SA of the reqid */
	}
	return best ? best->key.spi : 0;
}

static void free_sa(struct userspace_dp *dp, struct us_sa *sa)
{
	tab_remove(dp, sa);
	if (sa->larval) {
		dp->n_larval--;
	} else {
		dp->n_sa--;
		if (!sa->inbound && sa->rq) {
			for (struct us_sa **pp = &sa->rq->outs; *pp; pp = &(*pp)->rq_next) {
				if (*pp == sa) {
					*pp = sa->rq_next;
					break;
				}
			}
			rq_select(sa->rq);
		}
		rq_put(dp, sa->rq);
		esp_sa_destroy(&sa->esp);
	}
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

unsigned userspace_dp_poll(struct userspace_dp *dp)
{
	uint64_t now = us_now_ms(dp);
	if (now >= dp->next_scan_ms) {
		dp->next_scan_ms = now + SCAN_INTERVAL_MS;
		for (struct us_sa *s = dp->all, *nx; s; s = nx) {
			nx = s->all_next;
			if (s->larval) {
				if (now >= s->larval_until) {
					dp->st.larval_expired++;
					free_sa(dp, s);
				}
				continue;
			}
			if (!s->esp.time_limited || s->hard_done)
				continue;
			uint64_t t = esp_sa_now(&s->esp);
			if (sa_lifetime_hard_expired(&s->esp.lifetime, t))
				us_sa_event(dp, s, true);
			else if (!s->soft_done && sa_lifetime_soft_expired(&s->esp.lifetime, t))
				us_sa_event(dp, s, false);
		}
	}

	unsigned delivered = 0;
	while (dp->events_pending) {
		struct userspace_expire ev[EVENT_BATCH];
		unsigned n = 0;
		dp->events_pending = 0;
		bool more = false;
		for (struct us_sa *s = dp->all; s; s = s->all_next) {
			if (!s->ev)
				continue;
			if (n == EVENT_BATCH) {
				more = true;
				break;
			}
			struct userspace_expire *e = &ev[n++];
			memset(e, 0, sizeof(*e));
			e->spi = s->key.spi;
			e->inbound = s->inbound;
			e->hard = (s->ev & US_EV_HARD) != 0;
			e->spi_in = pair_spi_in(dp, s);
			e->reqid = s->reqid;
			e->ike_sa_id = s->ike_sa_id;
			e->child_sa_id = s->child_sa_id;
			s->ev = 0;
		}
		if (more)
			dp->events_pending++;
		/* the callback may delete or add SAs: nothing is held across it */
		for (unsigned i = 0; i < n; i++) {
			dp->st.expire_events++;
			delivered++;
			if (dp->cfg.expire)
				dp->cfg.expire(dp->cfg.expire_arg, &ev[i]);
		}
	}
	return delivered;
}

/* ------------------------------------------------------------ SA ops */

static int random_u32(uint32_t *v)
{
	return RAND_bytes((unsigned char *)v, sizeof(*v)) == 1 ? 0 : -EIO;
}

static int op_get_spi(void *ctx, const struct ipsec_addr *src, const struct ipsec_addr *dst,
		      uint8_t proto, uint32_t *spi)
{
	struct userspace_dp *dp = ctx;
	if (!spi)
		return -EINVAL;
	if (proto && proto != IPSEC_PROTO_ESP)
		return -EPROTONOSUPPORT;
	uint32_t v = 0;
	for (int tries = 0;; tries++) {
		if (tries == 1000)
			return -EAGAIN;
		if (random_u32(&v) != 0)
			return -EIO;
		if (v >= 256 && !us_sa_in(dp, v))
			break;
	}
	struct us_sa *sa = calloc(1, sizeof(*sa));
	if (!sa)
		return -ENOMEM;
	sa->larval = true;
	sa->inbound = true;
	if (src)
		sa->key.src = *src;
	if (dst)
		sa->key.dst = *dst;
	sa->key.spi = v;
	sa->key.proto = IPSEC_PROTO_ESP;
	sa->add_ms = us_now_ms(dp);
	sa->larval_until = sa->add_ms + dp->cfg.larval_ms;
	tab_insert(dp, sa);
	dp->n_larval++;
	*spi = v;
	return 0;
}

static uint64_t kb_floor(uint64_t bytes)
{
	return bytes == 0 ? 0 : (bytes / 1024 ? bytes / 1024 : 1);
}

static uint64_t kb_ceil(uint64_t bytes)
{
	return bytes == 0 ? 0 : bytes / 1024 + (bytes % 1024 != 0);
}

static bool ts_is_any(const struct ipsec_ts *t)
{
	static const uint8_t ones[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t zeros[16];
	size_t n = t->family == 6 ? 16 : 4;
	return t->proto == 0 && t->start_port == 0 && t->end_port == 0xffff &&
	       memcmp(t->start, zeros, n) == 0 && memcmp(t->end, ones, n) == 0;
}

static bool ts_list_any(const struct ipsec_ts *ts, unsigned n, uint8_t family)
{
	if (n == 0)
		return true;
	for (unsigned i = 0; i < n; i++)
		if (ts[i].family == family && ts_is_any(&ts[i]))
			return true;
	return false;
}

/* Outbound transmit shape: where the ESP header goes in out, and whether
 * the ESP layer writes the UDP header. */
static void tx_shape(const struct userspace_dp *dp, struct us_sa *sa)
{
	bool v6 = sa->key.dst.family == 6;
	enum userspace_tx_headers h = dp->cfg.tx_headers;
	sa->esp.udp_encap = false;
	sa->tx_l3 = false;
	sa->tx_headroom = 0;
	if (sa->encap) {
		if (h == USERSPACE_TX_ALL_L3 && !v6) {
			sa->esp.udp_encap = true;
			sa->tx_l3 = true;
			sa->tx_headroom = ESP_IPV4_HDR_LEN + ESP_UDP_HDR_LEN;
		}
	} else if (h != USERSPACE_TX_NO_L3) {
		sa->tx_l3 = true;
		sa->tx_headroom = v6 ? 40 : ESP_IPV4_HDR_LEN;
	}
	sa->esp.udp_sport = sa->encap_sport ? sa->encap_sport : ESP_NATT_PORT;
	sa->esp.udp_dport = sa->encap_dport ? sa->encap_dport : ESP_NATT_PORT;
}

/* ipsec_sa_params -> esp_sa_config (keys point into p). */
static int map_params(const struct userspace_dp *dp, const struct ipsec_sa_params *p,
		      struct esp_sa_config *c)
{
	memset(c, 0, sizeof(*c));
	c->spi = p->key.spi;
	c->dir = p->inbound ? ESP_DIR_IN : ESP_DIR_OUT;
	if (p->mode == IPSEC_SA_TUNNEL)
		c->mode = ESP_MODE_TUNNEL;
	else if (p->mode == IPSEC_SA_TRANSPORT)
		c->mode = ESP_MODE_TRANSPORT;
	else
		return -EINVAL;
	if (p->encr_key_len > IPSEC_MAX_KEY || p->integ_key_len > IPSEC_MAX_KEY)
		return -EINVAL;
	size_t kb = p->encr_keybits / 8u;
	switch (p->encr) {
	case IANA_ENCR_AES_GCM_16:
		/* key || 4-octet salt, as IKEv2 derives it (RFC 4106 8.1) */
		if (p->integ != 0 || (kb && p->encr_key_len != kb + 4))
			return -EINVAL;
		c->cipher = ESP_CIPHER_AES_GCM_16;
		c->integ = ESP_INTEG_NONE;
		break;
	case IANA_ENCR_AES_CBC:
		if (kb && p->encr_key_len != kb)
			return -EINVAL;
		c->cipher = ESP_CIPHER_AES_CBC;
		switch (p->integ) {
		case IANA_INTEG_HMAC_SHA1_96: c->integ = ESP_INTEG_HMAC_SHA1_96; break;
		case IANA_INTEG_HMAC_SHA2_256_128: c->integ = ESP_INTEG_HMAC_SHA256_128; break;
		case IANA_INTEG_HMAC_SHA2_384_192: c->integ = ESP_INTEG_HMAC_SHA384_192; break;
		case IANA_INTEG_HMAC_SHA2_512_256: c->integ = ESP_INTEG_HMAC_SHA512_256; break;
		default: return -EOPNOTSUPP;
		}
		c->integ_key = p->integ_key;
		c->integ_key_len = p->integ_key_len;
		break;
	default:
		return -EOPNOTSUPP;
	}
	c->enc_key = p->encr_key;
	c->enc_key_len = p->encr_key_len;
	c->esn = p->esn;
	if (p->replay_window == 0) {
		c->replay_disable = true;
	} else {
		uint32_t w = p->replay_window;
		c->replay_window = w < REPLAY_WINDOW_MIN ? REPLAY_WINDOW_MIN
				   : w > REPLAY_WINDOW_MAX ? REPLAY_WINDOW_MAX : w;
	}
	c->iv_mode = dp->cfg.cbc_iv;
	c->lifetime.soft_seconds = p->lifetime.soft_seconds;
	c->lifetime.hard_seconds = p->lifetime.hard_seconds;
	c->lifetime.soft_kbytes = kb_floor(p->lifetime.soft_bytes);
	c->lifetime.hard_kbytes = kb_ceil(p->lifetime.hard_bytes);
	c->lifetime.soft_packets = p->lifetime.soft_packets;
	c->lifetime.hard_packets = p->lifetime.hard_packets;
	c->clock = esp_clock_s;
	c->clock_arg = (void *)dp;
	return 0;
}

static void bind_rq(struct userspace_dp *dp, struct us_tunnel *t, struct us_reqid *r)
{
	struct us_tunnel *prev = r->tun;
	if (prev && prev != t && prev->rq == r) {
		/* the reqid moves: its old tunnel no longer sends with it */
		prev->rq = NULL;
		rq_put(dp, r);	/* r stays referenced by the caller */
	}
	r->tun = t;
	if (t->rq == r)
		return;
	r->refs++;
	rq_put(dp, t->rq);
	t->rq = r;
}

static int op_add_sa(void *ctx, const struct ipsec_sa_params *p)
{
	struct userspace_dp *dp = ctx;
	if (!p || (p->key.proto && p->key.proto != IPSEC_PROTO_ESP) || p->key.spi == 0)
		return -EINVAL;
	struct esp_sa_config c;
	int rc = map_params(dp, p, &c);
	if (rc != 0)
		return rc;

	struct us_sa *sa = NULL;
	if (p->inbound) {
		sa = us_sa_in(dp, p->key.spi);
		if (sa && !sa->larval)
			return -EEXIST;
	} else if (find_in_tab(dp->out_tab, sa_bucket(dp, p->key.spi), &p->key)) {
		return -EEXIST;
	}
	struct us_reqid *r = rq_get(dp, p->reqid);
	if (!r)
		return -ENOMEM;
	bool reuse = sa != NULL;
	if (!reuse) {
		sa = calloc(1, sizeof(*sa));
		if (!sa) {
			rq_put(dp, r);
			return -ENOMEM;
		}
	}
	rc = esp_sa_init(&sa->esp, &c);
	if (rc != ESP_OK) {
		rq_put(dp, r);
		if (!reuse)
			free(sa);
		/* a reservation stays reserved until del_sa or its timeout */
		return rc == ESP_E_INVAL ? -EINVAL : -EIO;
	}
	if (reuse) {
		sa->larval = false;
		dp->n_larval--;
	}
	sa->inbound = p->inbound;
	sa->key = p->key;
	sa->key.proto = IPSEC_PROTO_ESP;
	sa->reqid = p->reqid;
	sa->mode = p->mode;
	sa->encr = p->encr;
	sa->encr_keybits = p->encr_keybits;
	sa->integ = p->integ;
	sa->esn = p->esn;
	sa->replay_window = p->replay_window;
	sa->encap = p->encap;
	sa->encap_sport = p->encap_sport;
	sa->encap_dport = p->encap_dport;
	sa->n_src_ts = p->n_src_ts > IPSEC_MAX_TS ? IPSEC_MAX_TS : p->n_src_ts;
	sa->n_dst_ts = p->n_dst_ts > IPSEC_MAX_TS ? IPSEC_MAX_TS : p->n_dst_ts;
	memcpy(sa->src_ts, p->src_ts, sa->n_src_ts * sizeof(sa->src_ts[0]));
	memcpy(sa->dst_ts, p->dst_ts, sa->n_dst_ts * sizeof(sa->dst_ts[0]));
	sa->any4 = ts_list_any(sa->src_ts, sa->n_src_ts, 4) && ts_list_any(sa->dst_ts, sa->n_dst_ts, 4);
	sa->any6 = ts_list_any(sa->src_ts, sa->n_src_ts, 6) && ts_list_any(sa->dst_ts, sa->n_dst_ts, 6);
	sa->ike_sa_id = p->ike_sa_id;
	sa->child_sa_id = p->child_sa_id;
	sa->add_ms = us_now_ms(dp);
	sa->has_hard = c.lifetime.hard_seconds || c.lifetime.hard_kbytes || c.lifetime.hard_packets;
	sa->rq = r;
	tx_shape(dp, sa);
	if (!reuse)
		tab_insert(dp, sa);
	dp->n_sa++;
	if (!sa->inbound) {
		sa->rq_next = r->outs;
		r->outs = sa;
		rq_select(r);
	}
	if (dp->cfg.tunnel_for_sa) {
		uint32_t tid = dp->cfg.tunnel_for_sa(dp->cfg.tunnel_arg, p);
		struct us_tunnel *t = tid ? us_tunnel_find(dp, tid) : NULL;
		if (t)
			bind_rq(dp, t, r);
	}
	return 0;
}

static int op_update_sa(void *ctx, const struct ipsec_sa_key *k, const struct ipsec_sa_update *u)
{
	struct userspace_dp *dp = ctx;
	if (!k || !u)
		return -EINVAL;
	struct us_sa *sa = find_key(dp, k);
	if (!sa || sa->larval)
		return -ENOENT;
	sa->key.src = u->new_src;
	sa->key.dst = u->new_dst;
	sa->encap = u->encap;
	sa->encap_sport = u->encap ? u->encap_sport : 0;
	sa->encap_dport = u->encap ? u->encap_dport : 0;
	tx_shape(dp, sa);
	return 0;
}

static int op_query_sa(void *ctx, const struct ipsec_sa_key *k, struct ipsec_sa_stats *out)
{
	struct userspace_dp *dp = ctx;
	if (!k || !out)
		return -EINVAL;
	struct us_sa *sa = find_key(dp, k);
	if (!sa || sa->larval)
		return -ENOENT;
	out->bytes = sa->esp.stats.bytes;
	out->packets = sa->esp.stats.packets;
	out->use_ms = sa->use_ms;
	out->add_ms = sa->add_ms;
	return 0;
}

static int op_del_sa(void *ctx, const struct ipsec_sa_key *k)
{
	struct userspace_dp *dp = ctx;
	if (!k)
		return -EINVAL;
	struct us_sa *sa = find_key(dp, k);
	if (!sa)
		return -ENOENT;
	free_sa(dp, sa);
	return 0;
}

/* ------------------------------------------------------------ SPD */

/* Host bits of a selector's address range (0 = one address). */
static unsigned ts_host_bits(const struct ipsec_ts *t)
{
	size_t n = t->family == 6 ? 16 : 4;
	for (size_t i = 0; i < n; i++) {
		uint8_t d = t->start[i] ^ t->end[i];
		if (d) {
			unsigned b = 0;
			while (d) {
				b++;
				d >>= 1;
			}
			return (unsigned)(n - 1 - i) * 8 + b;
		}
	}
	return 0;
}

static unsigned policy_prio(const struct ipsec_policy_params *p)
{
	unsigned prio = (ts_host_bits(&p->src_ts) + ts_host_bits(&p->dst_ts)) * 4;
	if (p->src_ts.proto == 0)
		prio += 2;
	if (p->src_ts.start_port == 0 && p->src_ts.end_port == 0xffff &&
	    p->dst_ts.start_port == 0 && p->dst_ts.end_port == 0xffff)
		prio += 1;
	return prio;
}

static bool pol_same(const struct ipsec_policy_params *a, const struct ipsec_policy_params *b)
{
	return a->dir == b->dir && a->reqid == b->reqid &&
	       memcmp(&a->src_ts, &b->src_ts, sizeof(a->src_ts)) == 0 &&
	       memcmp(&a->dst_ts, &b->dst_ts, sizeof(a->dst_ts)) == 0;
}

static int op_add_policy(void *ctx, const struct ipsec_policy_params *p)
{
	struct userspace_dp *dp = ctx;
	if (!p)
		return -EINVAL;
	struct us_policy **head = p->dir == IPSEC_POLICY_OUT ? &dp->out_pols : &dp->other_pols;
	for (struct us_policy *x = *head; x; x = x->next)
		if (pol_same(&x->p, p))
			return -EEXIST;
	struct us_policy *np = calloc(1, sizeof(*np));
	if (!np)
		return -ENOMEM;
	np->rq = rq_get(dp, p->reqid);
	if (!np->rq) {
		free(np);
		return -ENOMEM;
	}
	np->p = *p;
	np->prio = policy_prio(p);
	struct us_policy **pp = head;
	while (*pp && (*pp)->prio <= np->prio)
		pp = &(*pp)->next;
	np->next = *pp;
	*pp = np;
	dp->n_pol++;
	return 0;
}

static int op_del_policy(void *ctx, const struct ipsec_policy_params *p)
{
	struct userspace_dp *dp = ctx;
	if (!p)
		return -EINVAL;
	struct us_policy **head = p->dir == IPSEC_POLICY_OUT ? &dp->out_pols : &dp->other_pols;
	for (struct us_policy **pp = head; *pp; pp = &(*pp)->next) {
		if (pol_same(&(*pp)->p, p)) {
			struct us_policy *x = *pp;
			*pp = x->next;
			rq_put(dp, x->rq);
			free(x);
			dp->n_pol--;
			return 0;
		}
	}
	return -ENOENT;
}

static const struct ipsec_sa_ops userspace_ops = {
	.name = "userspace",
	.get_spi = op_get_spi,
	.add_sa = op_add_sa,
	.update_sa = op_update_sa,
	.query_sa = op_query_sa,
	.del_sa = op_del_sa,
	.add_policy = op_add_policy,
	.del_policy = op_del_policy,
};

/* ------------------------------------------------------------ object */

struct userspace_dp *userspace_dp_new(const struct userspace_dp_config *cfg)
{
	struct userspace_dp *dp = calloc(1, sizeof(*dp));
	if (!dp)
		return NULL;
	if (cfg)
		dp->cfg = *cfg;
	if (!dp->cfg.now_ms)
		dp->cfg.now_ms = mono_ms;
	if (!dp->cfg.larval_ms)
		dp->cfg.larval_ms = DEFAULT_LARVAL_MS;
	if (!dp->cfg.icmp_per_sec)
		dp->cfg.icmp_per_sec = 100;
	if (dp->cfg.cbc_iv != ESP_IV_COUNTER)
		dp->cfg.cbc_iv = ESP_IV_RANDOM;
	unsigned n = dp->cfg.sa_buckets ? dp->cfg.sa_buckets : 1024;
	unsigned sz = 16;
	while (sz < n && sz < (1u << 24))
		sz <<= 1;
	dp->sa_mask = sz - 1;
	dp->in_tab = calloc(sz, sizeof(*dp->in_tab));
	dp->out_tab = calloc(sz, sizeof(*dp->out_tab));
	if (!dp->in_tab || !dp->out_tab) {
		free(dp->in_tab);
		free(dp->out_tab);
		free(dp);
		return NULL;
	}
	uint32_t r = 0;
	(void)random_u32(&r);
	dp->ip_id = (uint16_t)r;
	return dp;
}

static void free_policies(struct userspace_dp *dp, struct us_policy **head)
{
	while (*head) {
		struct us_policy *x = *head;
		*head = x->next;
		rq_put(dp, x->rq);
		free(x);
	}
}

void userspace_dp_free(struct userspace_dp *dp)
{
	if (!dp)
		return;
	while (dp->all)
		free_sa(dp, dp->all);
	free_policies(dp, &dp->out_pols);
	free_policies(dp, &dp->other_pols);
	for (unsigned b = 0; b < US_TUN_BUCKETS; b++) {
		while (dp->tun_tab[b]) {
			struct us_tunnel *t = dp->tun_tab[b];
			dp->tun_tab[b] = t->hnext;
			rq_put(dp, t->rq);
			free(t);
		}
	}
	free(dp->in_tab);
	free(dp->out_tab);
	free(dp);
}

struct ipsec_backend userspace_dp_backend(struct userspace_dp *dp)
{
	struct ipsec_backend be = {&userspace_ops, dp};
	return be;
}

/* ------------------------------------------------------------ tunnels */

int userspace_tunnel_add(struct userspace_dp *dp, uint32_t id,
			 const struct userspace_tunnel_config *cfg)
{
	if (!dp || id == 0 || (cfg && cfg->kind > USERSPACE_TUNNEL_GRE))
		return -EINVAL;
	if (us_tunnel_find(dp, id))
		return -EEXIST;
	struct us_tunnel *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->id = id;
	if (cfg)
		t->cfg = *cfg;
	unsigned b = small_bucket(id, US_TUN_BUCKETS);
	t->hnext = dp->tun_tab[b];
	dp->tun_tab[b] = t;
	return 0;
}

int userspace_tunnel_set(struct userspace_dp *dp, uint32_t id,
			 const struct userspace_tunnel_config *cfg)
{
	struct us_tunnel *t = us_tunnel_find(dp, id);
	if (!t)
		return -ENOENT;
	if (cfg)
		t->cfg = *cfg;
	return 0;
}

static void unbind_all(struct userspace_dp *dp, struct us_tunnel *t)
{
	for (unsigned b = 0; b < US_RQ_BUCKETS; b++)
		for (struct us_reqid *r = dp->rq_tab[b]; r; r = r->hnext)
			if (r->tun == t)
				r->tun = NULL;
	struct us_reqid *r = t->rq;
	t->rq = NULL;
	rq_put(dp, r);
}

int userspace_tunnel_del(struct userspace_dp *dp, uint32_t id)
{
	struct us_tunnel *t = us_tunnel_find(dp, id);
	if (!t)
		return -ENOENT;
	unbind_all(dp, t);
	for (struct us_tunnel **pp = &dp->tun_tab[small_bucket(id, US_TUN_BUCKETS)]; *pp;
	     pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			break;
		}
	}
	free(t);
	return 0;
}

int userspace_tunnel_bind(struct userspace_dp *dp, uint32_t id, uint32_t reqid)
{
	struct us_tunnel *t = us_tunnel_find(dp, id);
	if (!t)
		return -ENOENT;
	if (reqid == 0) {
		unbind_all(dp, t);
		return 0;
	}
	struct us_reqid *r = rq_get(dp, reqid);
	if (!r)
		return -ENOMEM;
	bind_rq(dp, t, r);
	rq_put(dp, r);	/* bind_rq took the tunnel's own reference */
	return 0;
}

int userspace_tunnel_info(struct userspace_dp *dp, uint32_t id, struct userspace_tunnel_info *out)
{
	struct us_tunnel *t = us_tunnel_find(dp, id);
	if (!t || !out)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->id = t->id;
	out->cfg = t->cfg;
	out->c = t->c;
	if (t->rq) {
		out->reqid = t->rq->reqid;
		const struct us_sa *s = t->rq->out;
		if (s) {
			out->spi_out = s->key.spi;
			out->local = s->key.src;
			out->remote = s->key.dst;
			out->encap = s->encap;
			if (s->encap) {
				out->local.port = s->encap_sport;
				out->remote.port = s->encap_dport;
			}
		}
	}
	return 0;
}

int userspace_tunnel_clear_counters(struct userspace_dp *dp, uint32_t id)
{
	struct us_tunnel *t = us_tunnel_find(dp, id);
	if (!t)
		return -ENOENT;
	memset(&t->c, 0, sizeof(t->c));
	return 0;
}

unsigned userspace_tunnel_overhead(struct userspace_dp *dp, uint32_t id)
{
	struct us_tunnel *t = us_tunnel_find(dp, id);
	const struct us_sa *s = t && t->rq ? t->rq->out : NULL;
	bool gre = t && t->cfg.kind == USERSPACE_TUNNEL_GRE;
	/* GRE: the GRE header, and the delivery IPv4 header in tunnel mode
	 * (in transport mode it is the outer header) */
	unsigned g = !gre ? 0 : s && s->mode == IPSEC_SA_TRANSPORT ? 4u : 24u;
	if (!s)
		return ESP_IPV4_HDR_LEN + ESP_UDP_HDR_LEN + ESP_HDR_LEN + 16 + 15 + 2 + 32 + g;
	unsigned ip = s->key.dst.family == 6 ? 40 : ESP_IPV4_HDR_LEN;
	unsigned udp = s->encap ? ESP_UDP_HDR_LEN : 0;
	/* padding: up to align-1 octets beyond the 2-octet trailer */
	return ip + udp + ESP_HDR_LEN + s->esp.iv_len + (s->esp.align - 1u) + 2u + s->esp.icv_len + g;
}

/* ------------------------------------------------------------ info */

static void sa_info(const struct us_sa *s, struct userspace_sa_info *o)
{
	memset(o, 0, sizeof(*o));
	o->key = s->key;
	if (s->encap) {
		o->key.src.port = s->encap_sport;
		o->key.dst.port = s->encap_dport;
	}
	o->inbound = s->inbound;
	o->reqid = s->reqid;
	o->tunnel_id = s->rq && s->rq->tun ? s->rq->tun->id : 0;
	o->mode = s->mode;
	o->encr = s->encr;
	o->encr_keybits = s->encr_keybits;
	o->integ = s->integ;
	o->esn = s->esn;
	o->encap = s->encap;
	o->replay_window = s->replay_window;
	o->ike_sa_id = s->ike_sa_id;
	o->child_sa_id = s->child_sa_id;
	o->add_ms = s->add_ms;
	o->use_ms = s->use_ms;
	o->seq = s->inbound ? replay_top(&s->esp.replay) : s->esp.seq;
	o->remaining_kbytes = sa_lifetime_remaining_kbytes(&s->esp.lifetime);
	o->remaining_seconds = sa_lifetime_remaining_seconds(&s->esp.lifetime, esp_sa_now(&s->esp));
	o->iv_len = s->esp.iv_len;
	o->current = !s->inbound && s->rq && s->rq->out == s;
	o->soft_expired = s->soft_done;
	o->hard_expired = s->dead;
	o->c = s->c;
	o->esp = s->esp.stats;
}

int userspace_sa_info(struct userspace_dp *dp, uint32_t spi, bool inbound,
		      struct userspace_sa_info *out)
{
	for (struct us_sa *s = (inbound ? dp->in_tab : dp->out_tab)[sa_bucket(dp, spi)]; s;
	     s = s->hnext) {
		if (s->key.spi == spi && !s->larval) {
			sa_info(s, out);
			return 0;
		}
	}
	return -ENOENT;
}

void userspace_foreach_sa(struct userspace_dp *dp,
			  void (*cb)(void *arg, const struct userspace_sa_info *info), void *arg)
{
	struct userspace_sa_info info;
	for (struct us_sa *s = dp->all; s; s = s->all_next) {
		if (s->larval)
			continue;
		sa_info(s, &info);
		cb(arg, &info);
	}
}

unsigned userspace_sa_count(const struct userspace_dp *dp)
{
	return dp->n_sa;
}

unsigned userspace_policy_count(const struct userspace_dp *dp)
{
	return dp->n_pol;
}

void userspace_dp_get_stats(const struct userspace_dp *dp, struct userspace_dp_stats *out)
{
	*out = dp->st;
}
