/*
 * NAT detection (RFC 7296 2.23), Cisco vendor IDs, SIGNATURE_HASH_ALGORITHMS
 * (RFC 7427), notify and nonce helpers.
 *
 * NAT_DETECTION_*_IP data = SHA-1(SPIi | SPIr | IP address | port), the
 * SPIs as in the IKE header (SPIr zero in the IKE_SA_INIT request).  A
 * SOURCE hash that does not match the address/port we received from
 * means the peer is behind a NAT; a DESTINATION hash that does not match
 * our own address/port means we are.
 */
#include <string.h>

#include <openssl/evp.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

/* Vendor IDs sent and recognised as Cisco IOS does (plain strings). */
static const char VID_COPYRIGHT[] = "CISCO(COPYRIGHT)&Copyright (c) 2009 Cisco Systems, Inc.";
static const char VID_DELETE_REASON[] = "CISCO-DELETE-REASON";
static const char VID_FLEXVPN[] = "FLEXVPN-SUPPORTED";

void nat_hash(const uint8_t spi_i[8], const uint8_t spi_r[8], const struct ipsec_addr *a,
	      uint8_t out[20])
{
	uint8_t port[2] = {(uint8_t)(a->port >> 8), (uint8_t)a->port};
	unsigned len = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c || EVP_DigestInit_ex(c, EVP_sha1(), NULL) != 1 || EVP_DigestUpdate(c, spi_i, 8) != 1 ||
	    EVP_DigestUpdate(c, spi_r, 8) != 1 ||
	    EVP_DigestUpdate(c, a->ip, a->family == 6 ? 16 : 4) != 1 ||
	    EVP_DigestUpdate(c, port, 2) != 1 || EVP_DigestFinal_ex(c, out, &len) != 1)
		memset(out, 0, 20);
	EVP_MD_CTX_free(c);
}

void notify_add(struct ikev2_enc *e, uint16_t type, uint8_t proto, const uint8_t *spi,
		uint8_t spi_size, const uint8_t *data, size_t len)
{
	struct ikev2_pl_notify n = {0};
	n.protocol = proto;
	n.spi_size = spi_size;
	n.type = type;
	n.spi = spi;
	n.data = data;
	n.data_len = len;
	ikev2_enc_notify(e, &n);
}

void nat_pl_add(struct ikev2_enc *e, const uint8_t spi_i[8], const uint8_t spi_r[8],
		const struct ipsec_addr *local, const struct ipsec_addr *remote)
{
	uint8_t h[20];
	nat_hash(spi_i, spi_r, local, h);
	notify_add(e, IKEV2_N_NAT_DETECTION_SOURCE_IP, 0, NULL, 0, h, 20);
	nat_hash(spi_i, spi_r, remote, h);
	notify_add(e, IKEV2_N_NAT_DETECTION_DESTINATION_IP, 0, NULL, 0, h, 20);
}

bool nat_check(struct ike_sa *sa, const struct ikev2_chain *c, const uint8_t spi_i[8],
	       const uint8_t spi_r[8])
{
	uint8_t want_src[20], want_dst[20];
	bool seen_src = false, seen_dst = false, src_ok = false, dst_ok = false;
	nat_hash(spi_i, spi_r, &sa->remote, want_src);
	nat_hash(spi_i, spi_r, &sa->local, want_dst);
	for (unsigned i = 0; i < c->n; i++) {
		const struct ikev2_payload *p = &c->pl[i];
		if (p->type != IKEV2_PL_NOTIFY || !p->known)
			continue;
		const struct ikev2_pl_notify *n = &p->u.notify;
		if (n->type == IKEV2_N_NAT_DETECTION_SOURCE_IP) {
			seen_src = true;
			if (n->data_len == 20 && memcmp(n->data, want_src, 20) == 0)
				src_ok = true;
		} else if (n->type == IKEV2_N_NAT_DETECTION_DESTINATION_IP) {
			seen_dst = true;
			if (n->data_len == 20 && memcmp(n->data, want_dst, 20) == 0)
				dst_ok = true;
		}
	}
	if (!seen_src || !seen_dst)
		return false;
	sa->nat_remote = !src_ok;
	sa->nat_local = !dst_ok;
	if (sa->nat_local || sa->nat_remote) {
		SA_DBG(sa, ikev2_debug_internal, "NAT detected: %s%s",
		       sa->nat_local ? "local host behind NAT " : "",
		       sa->nat_remote ? "remote host behind NAT" : "");
		ike_sa_event(sa, IKEV2_EV_NAT);
	}
	return true;
}

void vid_pl_add(struct ike_sa *sa, struct ikev2_enc *e)
{
	if (!sa->cfg.ike.send_cisco_vids)
		return;
	ikev2_enc_vendor(e, (const uint8_t *)VID_DELETE_REASON, strlen(VID_DELETE_REASON));
	ikev2_enc_vendor(e, (const uint8_t *)VID_COPYRIGHT, strlen(VID_COPYRIGHT));
	ikev2_enc_vendor(e, (const uint8_t *)VID_FLEXVPN, strlen(VID_FLEXVPN));
}

static bool vid_is(const struct ikev2_pl_data *v, const char *s)
{
	size_t n = strlen(s);
	return v->data_len == n && memcmp(v->data, s, n) == 0;
}

void vid_parse(struct ike_sa *sa, const struct ikev2_chain *c)
{
	for (const struct ikev2_payload *p = ikev2_chain_next(c, IKEV2_PL_VENDOR, NULL); p;
	     p = ikev2_chain_next(c, IKEV2_PL_VENDOR, p)) {
		if (!p->known)
			continue;
		if (vid_is(&p->u.vendor, VID_COPYRIGHT))
			sa->peer_cisco = true;
		else if (vid_is(&p->u.vendor, VID_DELETE_REASON))
			sa->peer_delete_reason = true;
		else if (vid_is(&p->u.vendor, VID_FLEXVPN))
			sa->peer_flexvpn = true;
	}
}

/* RFC 7427 section 4: the hashes we can sign/verify with, as IOS lists
 * them (SHA1, SHA2-256, SHA2-384, SHA2-512), two bytes each. */
void sig_hash_pl_add(struct ikev2_enc *e)
{
	static const uint8_t algs[] = {0, IKEV2_HASH_SHA1, 0, IKEV2_HASH_SHA2_256,
				       0, IKEV2_HASH_SHA2_384, 0, IKEV2_HASH_SHA2_512};
	notify_add(e, IKEV2_N_SIGNATURE_HASH_ALGORITHMS, 0, NULL, 0, algs, sizeof(algs));
}

void sig_hash_parse(struct ike_sa *sa, const struct ikev2_chain *c)
{
	const struct ikev2_payload *p = ikev2_chain_notify(c, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
	sa->peer_sig_hashes = 0;
	if (!p)
		return;
	const uint8_t *d = p->u.notify.data;
	for (size_t i = 0; i + 1 < p->u.notify.data_len; i += 2) {
		unsigned alg = (unsigned)d[i] << 8 | d[i + 1];
		if (alg >= 1 && alg <= 7)	/* unknown ones are ignored */
			sa->peer_sig_hashes |= (uint8_t)(1u << alg);
	}
	SA_DBG(sa, ikev2_debug_internal, "peer signature hashes (RFC 7427): 0x%02x",
	       sa->peer_sig_hashes);
}

uint16_t notify_error(const struct ikev2_chain *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		const struct ikev2_payload *p = &c->pl[i];
		if (p->type == IKEV2_PL_NOTIFY && p->known && ikev2_notify_is_error(p->u.notify.type))
			return p->u.notify.type;
	}
	return 0;
}

void nonce_make(struct nonce *n)
{
	n->len = IKEV2_NONCE_LEN;
	crypto_random_nonce(n->b, n->len);
}

void nonce_from(struct nonce *n, const struct ikev2_payload *p)
{
	n->len = 0;
	if (!p || !p->known || p->u.nonce.data_len > sizeof(n->b))
		return;
	n->len = p->u.nonce.data_len;
	memcpy(n->b, p->u.nonce.data, n->len);
}

static int nonce_cmp(const struct nonce *a, const struct nonce *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int r = memcmp(a->b, b->b, n);
	if (r)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

bool nonce_lowest_in_first(const struct nonce *a, const struct nonce *b, const struct nonce *c,
			   const struct nonce *d)
{
	const struct nonce *lo1 = nonce_cmp(a, b) <= 0 ? a : b;
	const struct nonce *lo2 = nonce_cmp(c, d) <= 0 ? c : d;
	return nonce_cmp(lo1, lo2) < 0;
}
