/*
 * A tunnel's SAs from the kernel XFRM data plane for the IOS show commands
 * (see ipsec/show_ipsec_sa_kernel.h).
 */
#include "ipsec/show_ipsec_sa_kernel.h"

#include <stdlib.h>
#include <string.h>

#include "ikev2/runtime.h"
#include "ikev2/runtime_kernel.h"
#include "ipsec/backend_xfrm.h"
#include "ipsec/config.h"

struct filter {
	uint32_t if_id;
	const struct ipsec_addr *local, *remote;
	struct kernel_sa_view *out;
	uint64_t now_ms;
};

static bool mine(const struct filter *f, const struct xfrm_sa_info *s)
{
	if (f->if_id)
		return s->if_id == f->if_id;
	if (s->if_id || !f->local || !f->remote)
		return false;
	const struct ipsec_addr *l = s->inbound ? &s->key.dst : &s->key.src;
	const struct ipsec_addr *r = s->inbound ? &s->key.src : &s->key.dst;
	return ipsec_addr_eq(l, f->local) && ipsec_addr_eq(r, f->remote);
}

static uint8_t iv_len(uint16_t encr)
{
	return encr == IPSEC_IANA_ENCR_AES_GCM_16 ? 8 : encr == IPSEC_IANA_ENCR_AES_CBC ? 16 : 0;
}

/* What is left before the hard limits, as sa_lifetime_remaining_*(). */
static void remaining(const struct xfrm_sa_info *s, uint64_t now, struct userspace_sa_info *o)
{
	o->remaining_kbytes = o->remaining_seconds = UINT64_MAX;
	if (s->lifetime.hard_bytes) {
		uint64_t kb = s->lifetime.hard_bytes / 1024, used = s->bytes / 1024;
		o->remaining_kbytes = used >= kb ? 0 : kb - used;
	}
	if (s->lifetime.hard_seconds) {
		uint64_t age = now > s->add_ms ? (now - s->add_ms) / 1000 : 0;
		o->remaining_seconds = age >= s->lifetime.hard_seconds ? 0
					: s->lifetime.hard_seconds - age;
	}
}

static void sa_cb(void *arg, const struct xfrm_sa_info *s)
{
	struct filter *f = arg;
	struct kernel_sa_view *v = f->out;
	if (!mine(f, s))
		return;
	if (v->n == v->cap) {
		unsigned cap = v->cap ? v->cap * 2 : 8;
		struct userspace_sa_info *nv = realloc(v->v, cap * sizeof(*nv));
		if (!nv)
			return;
		v->v = nv;
		v->cap = cap;
	}
	struct userspace_sa_info *o = &v->v[v->n++];
	memset(o, 0, sizeof(*o));
	o->key = s->key;
	o->key.src.port = s->encap ? s->encap_sport : 0;
	o->key.dst.port = s->encap ? s->encap_dport : 0;
	o->inbound = s->inbound;
	o->reqid = s->reqid;
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
	o->seq = s->seq;
	o->iv_len = iv_len(s->encr);
	o->soft_expired = s->soft_expired;
	/* the kernel removes a hard-expired SA itself: GETSA fails */
	o->hard_expired = s->hard_expired || !s->in_kernel;
	remaining(s, f->now_ms, o);
	if (s->inbound) {
		o->c.pkts_decaps = s->packets;
		o->c.bytes_decaps = s->bytes;
		o->c.replay_failed = s->replay_drops;
		o->c.verify_failed = s->integrity_failed;
		o->c.recv_errors = o->c.replay_failed + o->c.verify_failed;
	} else {
		o->c.pkts_encaps = s->packets;
		o->c.bytes_encaps = s->bytes;
		if (!v->spi_out && s->in_kernel && !s->hard_expired) {
			v->spi_out = s->key.spi;	/* listed newest first */
			o->current = true;
		}
	}
	v->c.pkts_encaps += o->c.pkts_encaps;
	v->c.bytes_encaps += o->c.bytes_encaps;
	v->c.pkts_decaps += o->c.pkts_decaps;
	v->c.bytes_decaps += o->c.bytes_decaps;
	v->c.replay_failed += o->c.replay_failed;
	v->c.verify_failed += o->c.verify_failed;
	v->c.recv_errors += o->c.recv_errors;
}

/* The SAs gone from the kernel (rekeyed, cleared) still count. */
static void retired_cb(void *arg, const struct xfrm_retired_info *r)
{
	struct filter *f = arg;
	struct xfrm_sa_info s = {.if_id = r->if_id, .inbound = r->inbound};
	s.key.dst = r->inbound ? r->local : r->remote;
	s.key.src = r->inbound ? r->remote : r->local;
	if (!mine(f, &s))
		return;
	struct userspace_counters *c = &f->out->c;
	if (r->inbound) {
		c->pkts_decaps += r->packets;
		c->bytes_decaps += r->bytes;
		c->replay_failed += r->replay_drops;
		c->verify_failed += r->integrity_failed;
		c->recv_errors += r->replay_drops + r->integrity_failed;
	} else {
		c->pkts_encaps += r->packets;
		c->bytes_encaps += r->bytes;
	}
}

bool kernel_sa_view_get(uint32_t if_id, const struct ipsec_addr *local,
			const struct ipsec_addr *remote, struct kernel_sa_view *out)
{
	memset(out, 0, sizeof(*out));
	struct xfrm_backend *x = ikev2_rt_kernel();
	if (!x)
		return false;
	struct filter f = {if_id, local, remote, out, ikev2_runtime_now_ms()};
	xfrm_backend_foreach_sa(x, sa_cb, &f);
	xfrm_backend_foreach_retired(x, retired_cb, &f);
	return true;
}

void kernel_sa_view_free(struct kernel_sa_view *v)
{
	free(v->v);
	memset(v, 0, sizeof(*v));
}
