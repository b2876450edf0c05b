/*
 * PSK authentication (RFC 7296 2.15) and identities.
 *
 *   AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
 *   InitiatorSignedOctets = RealMessage1 | NonceRData | prf(SK_pi, IDi')
 *   ResponderSignedOctets = RealMessage2 | NonceIData | prf(SK_pr, IDr')
 *
 * Our AUTH uses the local key, the peer's is checked with the remote key
 * (IOS keyrings allow different keys per direction).
 */
#include <stdio.h>
#include <string.h>

#include "ikev2/engine_int.h"
#include "ikev2/ikev2_const.h"

static int octets(struct ike_sa *sa, bool as_initiator, const uint8_t *id, size_t id_len,
		  struct buf *out)
{
	const struct buf *msg = as_initiator ? &sa->init_req : &sa->init_resp;
	const struct nonce *peer_nonce = as_initiator ? &sa->nr : &sa->ni;
	const struct crypto_key *skp = as_initiator ? &sa->keys.sk_pi : &sa->keys.sk_pr;
	return crypto_auth_octets(sa->suite.prf, msg->p, msg->len, peer_nonce->b, peer_nonce->len,
				  skp, id, id_len, out);
}

int auth_psk_make(struct ike_sa *sa, bool as_initiator, const uint8_t *id, size_t id_len,
		  uint8_t *out, size_t *out_len)
{
	struct buf o;
	buf_init(&o);
	int rc = octets(sa, as_initiator, id, id_len, &o);
	if (rc == CRYPTO_OK)
		rc = crypto_auth_psk(sa->suite.prf, sa->cfg.ike.psk_local, sa->cfg.ike.psk_local_len,
				     o.p, o.len, out, out_len);
	buf_free(&o);
	return rc == CRYPTO_OK ? 0 : -1;
}

int auth_psk_verify(struct ike_sa *sa, bool as_initiator, const uint8_t *id, size_t id_len,
		    const uint8_t *auth, size_t auth_len)
{
	struct buf o;
	buf_init(&o);
	int rc = octets(sa, as_initiator, id, id_len, &o);
	if (rc == CRYPTO_OK)
		rc = crypto_auth_psk_verify(sa->suite.prf, sa->cfg.ike.psk_remote,
					    sa->cfg.ike.psk_remote_len, o.p, o.len, auth, auth_len);
	buf_free(&o);
	return rc == CRYPTO_OK ? 0 : -1;
}

void id_body(const struct ikev2_id *id, struct buf *out)
{
	uint8_t hdr[4] = {id->type, 0, 0, 0};
	buf_add(out, hdr, 4);
	buf_add(out, id->data, id->len);
}

bool id_match(const struct ikev2_id *want, const struct ikev2_id *got)
{
	if (want->type == 0)
		return true;
	return want->type == got->type && want->len == got->len &&
	       memcmp(want->data, got->data, want->len) == 0;
}

const char *id_str(const struct ikev2_id *id, char *buf, size_t len)
{
	if (id->type == IKEV2_ID_IPV4_ADDR && id->len == 4) {
		struct ipsec_addr a = {4, {0}, 0};
		memcpy(a.ip, id->data, 4);
		return ikev2_addr_str(&a, buf, len);
	}
	if (id->type == IKEV2_ID_IPV6_ADDR && id->len == 16) {
		struct ipsec_addr a = {6, {0}, 0};
		memcpy(a.ip, id->data, 16);
		return ikev2_addr_str(&a, buf, len);
	}
	if (id->type == IKEV2_ID_FQDN || id->type == IKEV2_ID_RFC822_ADDR) {
		snprintf(buf, len, "%.*s", (int)id->len, (const char *)id->data);
		return buf;
	}
	size_t n = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < id->len && n + 3 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%02x", id->data[i]);
	return buf;
}
