/*
 * SA payloads: our configured proposals on the wire, the selection of a
 * peer's proposal (RFC 7296 2.7 / 3.3) and the one-proposal answer.
 *
 * Selection walks the peer's proposals in the peer's order and, for each,
 * our proposals in our order; per transform type it takes the first of
 * the peer's transforms that our proposal also lists.  AEAD ciphers take
 * no integrity transform.  For ESP, a missing DH or ESN transform means
 * NONE.
 */
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

static bool has_type(const struct ikev2_proposal_cfg *p, uint8_t type)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->xf[i].type == type)
			return true;
	return false;
}

void sa_pl_add(struct ikev2_enc *e, const struct ikev2_proposal_cfg *props, unsigned n,
	       uint8_t protocol, const uint8_t *spi, uint8_t spi_size, uint16_t pfs_group)
{
	struct ikev2_sa_proposal pr[IKEV2_CFG_MAX_PROPOSALS];
	struct ikev2_sa_transform xf[IKEV2_CFG_MAX_PROPOSALS][IKEV2_CFG_MAX_XFORMS + 2];
	bool esp = protocol == IKEV2_PROTO_ESP;
	if (n > IKEV2_CFG_MAX_PROPOSALS)
		n = IKEV2_CFG_MAX_PROPOSALS;
	memset(pr, 0, sizeof(pr));
	memset(xf, 0, sizeof(xf));
	for (unsigned i = 0; i < n; i++) {
		unsigned k = 0;
		for (unsigned j = 0; j < props[i].n && j < IKEV2_CFG_MAX_XFORMS; j++) {
			const struct ikev2_xform *x = &props[i].xf[j];
			if (esp && (x->type == IKEV2_XFORM_DH || x->type == IKEV2_XFORM_PRF))
				continue;
			xf[i][k].type = x->type;
			xf[i][k].id = x->id;
			xf[i][k].has_key_length = x->keybits != 0;
			xf[i][k].key_length = x->keybits;
			k++;
		}
		if (esp && pfs_group && pfs_group != SEL_DH_IGNORE) {
			xf[i][k].type = IKEV2_XFORM_DH;
			xf[i][k].id = pfs_group;
			k++;
		}
		if (esp && !has_type(&props[i], IKEV2_XFORM_ESN)) {
			xf[i][k].type = IKEV2_XFORM_ESN;
			xf[i][k].id = IKEV2_ESN_NONE;
			k++;
		}
		pr[i].num = (uint8_t)(i + 1);
		pr[i].protocol = protocol;
		pr[i].spi_size = spi_size;
		pr[i].spi = spi;
		pr[i].n_transforms = k;
		pr[i].transforms = xf[i];
	}
	struct ikev2_pl_sa sa = {n, pr};
	ikev2_enc_sa(e, &sa);
}

void sa_pl_add_sel(struct ikev2_enc *e, const struct sel *s, const uint8_t *spi, uint8_t spi_size)
{
	struct ikev2_sa_transform xf[5];
	unsigned k = 0;
	bool esp = s->protocol == IKEV2_PROTO_ESP;
	memset(xf, 0, sizeof(xf));
	xf[k].type = IKEV2_XFORM_ENCR;
	xf[k].id = s->encr;
	xf[k].has_key_length = s->keybits != 0;
	xf[k].key_length = s->keybits;
	k++;
	if (!esp) {
		xf[k].type = IKEV2_XFORM_PRF;
		xf[k].id = s->prf;
		k++;
	}
	if (s->integ) {
		xf[k].type = IKEV2_XFORM_INTEG;
		xf[k].id = s->integ;
		k++;
	}
	if (!esp || s->dh) {
		xf[k].type = IKEV2_XFORM_DH;
		xf[k].id = s->dh;
		k++;
	}
	if (esp) {
		xf[k].type = IKEV2_XFORM_ESN;
		xf[k].id = s->esn ? IKEV2_ESN_ENABLED : IKEV2_ESN_NONE;
		k++;
	}
	struct ikev2_sa_proposal pr = {0};
	pr.num = s->num;
	pr.protocol = s->protocol;
	pr.spi_size = spi_size;
	pr.spi = spi;
	pr.n_transforms = k;
	pr.transforms = xf;
	struct ikev2_pl_sa sa = {1, &pr};
	ikev2_enc_sa(e, &sa);
}

static bool ours_has(const struct ikev2_proposal_cfg *o, uint8_t type, uint16_t id,
		     uint16_t keybits)
{
	for (unsigned i = 0; i < o->n; i++)
		if (o->xf[i].type == type && o->xf[i].id == id && o->xf[i].keybits == keybits)
			return true;
	return false;
}

static unsigned peer_count(const struct ikev2_sa_proposal *p, uint8_t type)
{
	unsigned n = 0;
	for (unsigned i = 0; i < p->n_transforms; i++)
		n += p->transforms[i].type == type;
	return n;
}

static bool peer_has(const struct ikev2_sa_proposal *p, uint8_t type, uint16_t id)
{
	for (unsigned i = 0; i < p->n_transforms; i++)
		if (p->transforms[i].type == type && p->transforms[i].id == id)
			return true;
	return false;
}

/* First transform of type in the peer's order that ours lists; a value
 * of skip_zero excludes ID 0. */
static int pick(const struct ikev2_sa_proposal *p, const struct ikev2_proposal_cfg *o, uint8_t type,
		bool skip_zero, uint16_t *id, uint16_t *keybits)
{
	for (unsigned i = 0; i < p->n_transforms; i++) {
		const struct ikev2_sa_transform *t = &p->transforms[i];
		if (t->type != type || (skip_zero && t->id == 0) || t->n_attrs)
			continue;
		uint16_t kb = t->has_key_length ? t->key_length : 0;
		if (ours_has(o, type, t->id, kb)) {
			*id = t->id;
			if (keybits)
				*keybits = kb;
			return 0;
		}
	}
	return -1;
}

static int match(const struct ikev2_sa_proposal *p, const struct ikev2_proposal_cfg *o,
		 uint8_t protocol, uint16_t pfs, struct sel *s)
{
	bool esp = protocol == IKEV2_PROTO_ESP;
	memset(s, 0, sizeof(*s));
	if (pick(p, o, IKEV2_XFORM_ENCR, false, &s->encr, &s->keybits) != 0)
		return -1;
	if (crypto_encr_is_aead(s->encr)) {
		/* no integrity with AEAD: the peer may list none or NONE */
		if (peer_count(p, IKEV2_XFORM_INTEG) && !peer_has(p, IKEV2_XFORM_INTEG, 0))
			return -1;
		s->integ = 0;
	} else if (pick(p, o, IKEV2_XFORM_INTEG, true, &s->integ, NULL) != 0) {
		return -1;
	}
	if (!esp) {
		if (pick(p, o, IKEV2_XFORM_PRF, false, &s->prf, NULL) != 0)
			return -1;
		if (pick(p, o, IKEV2_XFORM_DH, true, &s->dh, NULL) != 0)
			return -1;
		struct crypto_suite cs = {s->encr, s->keybits, s->integ, s->prf};
		if (!crypto_ike_suite_supported(&cs))
			return -1;
	} else {
		if (pfs == SEL_DH_IGNORE) {
			s->dh = 0;
		} else if (pfs == 0) {
			if (peer_count(p, IKEV2_XFORM_DH) && !peer_has(p, IKEV2_XFORM_DH, 0))
				return -1;
			s->dh = 0;
		} else {
			if (!peer_has(p, IKEV2_XFORM_DH, pfs))
				return -1;
			s->dh = pfs;
		}
		int ok = 0;
		crypto_encr_keymat_len(s->encr, s->keybits, &ok);
		if (!ok)
			return -1;
		/* ESN: what the peer allows (none listed = no ESN) and we too */
		bool peer_esn = peer_has(p, IKEV2_XFORM_ESN, IKEV2_ESN_ENABLED);
		bool peer_no = !peer_count(p, IKEV2_XFORM_ESN) ||
			       peer_has(p, IKEV2_XFORM_ESN, IKEV2_ESN_NONE);
		bool our_esn = ours_has(o, IKEV2_XFORM_ESN, IKEV2_ESN_ENABLED, 0);
		bool our_no = !has_type(o, IKEV2_XFORM_ESN) ||
			      ours_has(o, IKEV2_XFORM_ESN, IKEV2_ESN_NONE, 0);
		if (peer_no && our_no)
			s->esn = false;
		else if (peer_esn && our_esn)
			s->esn = true;
		else
			return -1;
	}
	s->num = p->num;
	s->protocol = protocol;
	s->spi_size = p->spi_size <= sizeof(s->spi) ? p->spi_size : 0;
	if (s->spi_size)
		memcpy(s->spi, p->spi, s->spi_size);
	return 0;
}

int sa_pl_select(const struct ikev2_pl_sa *peer, const struct ikev2_proposal_cfg *props,
		 unsigned n, uint8_t protocol, uint16_t pfs_group, struct sel *out)
{
	for (unsigned i = 0; i < peer->n_proposals; i++) {
		const struct ikev2_sa_proposal *p = &peer->proposals[i];
		if (p->protocol != protocol)
			continue;
		if (protocol == IKEV2_PROTO_ESP && p->spi_size != 4)
			continue;
		for (unsigned j = 0; j < n; j++)
			if (match(p, &props[j], protocol, pfs_group, out) == 0)
				return 0;
	}
	return -1;
}

uint16_t sa_first_dh(const struct ikev2_proposal_cfg *props, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < props[i].n; j++)
			if (props[i].xf[j].type == IKEV2_XFORM_DH && props[i].xf[j].id)
				return props[i].xf[j].id;
	return 0;
}

bool sa_has_dh(const struct ikev2_proposal_cfg *props, unsigned n, uint16_t group)
{
	for (unsigned i = 0; i < n; i++)
		if (ours_has(&props[i], IKEV2_XFORM_DH, group, 0))
			return true;
	return false;
}
