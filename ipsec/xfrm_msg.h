/*
 * XFRM netlink messages for the kernel data plane (ipsec/backend_xfrm.c):
 * pure builders from the ipsec/sa_install.h structures, no socket, so that
 * tests/unit/test_xfrm_msg.c checks them without a kernel.
 *
 * Built with libnl-core (nlmsg + nla): libnl-xfrm-3 3.7 (Debian 12) has no
 * setter for XFRMA_IF_ID and no XFRM_MSG_ALLOCSPI, both needed here.
 *
 * Algorithms (IANA IKEv2 ID -> kernel crypto API name):
 *   AES-GCM-16 (20)        -> XFRMA_ALG_AEAD "rfc4106(gcm(aes))", ICV 128,
 *                             key = AES key + 4-byte salt
 *   AES-CBC (12), NULL (11) -> XFRMA_ALG_CRYPT "cbc(aes)" / "ecb(cipher_null)"
 *   HMAC-SHA1-96 (2), SHA2-256-128 (12), -384-192 (13), -512-256 (14)
 *                          -> XFRMA_ALG_AUTH_TRUNC "hmac(shaN)" with that truncation
 */
#ifndef IKESH_IPSEC_XFRM_MSG_H
#define IKESH_IPSEC_XFRM_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include "ipsec/sa_install.h"

struct nl_msg;

struct xfrm_alg_names {
	const char *aead;	/* NULL unless AEAD */
	const char *crypt;	/* NULL with AEAD */
	const char *auth;	/* NULL: no integrity algorithm */
	unsigned icv_bits;	/* AEAD ICV */
	unsigned trunc_bits;	/* auth truncation */
};

/* Kernel names of an SA's algorithms.  0, or -ENOTSUP. */
int xfrm_alg_names(uint16_t encr, uint16_t integ, struct xfrm_alg_names *out);

/* Replay windows above this need XFRMA_REPLAY_ESN_VAL (the legacy field is
 * a 32-bit bitmap). */
#define XFRM_LEGACY_REPLAY_MAX 32

/* XFRM_MSG_NEWSA (update: XFRM_MSG_UPDSA, which also replaces the larval
 * state of an SPI from ALLOCSPI) for p; if_id 0: no XFRMA_IF_ID.
 * 0 or a negative errno. */
int xfrm_msg_sa(const struct ipsec_sa_params *p, uint32_t if_id, bool update,
		struct nl_msg **out);
/* XFRM_MSG_ALLOCSPI for an inbound SA from src (the peer) to dst (us), SPI
 * in [min, max].  The kernel hands out the SPI of an existing larval state
 * with the same addresses and reqid again: a reqid unique per call gives a
 * new SPI each time (add_sa's UPDSA replaces the state, reqid included). */
int xfrm_msg_allocspi(const struct ipsec_addr *src, const struct ipsec_addr *dst, uint8_t proto,
		      uint32_t reqid, uint32_t min, uint32_t max, struct nl_msg **out);
/* XFRM_MSG_DELSA or XFRM_MSG_GETSA (type) for the SA named by k. */
int xfrm_msg_sa_id(int type, const struct ipsec_sa_key *k, struct nl_msg **out);
/* XFRM_MSG_NEWPOLICY (add) / XFRM_MSG_DELPOLICY for p. */
int xfrm_msg_policy(const struct ipsec_policy_params *p, uint32_t if_id, bool add,
		    struct nl_msg **out);

/* Helpers shared with the backend and the tests. */
int xfrm_family(uint8_t family);	/* 4/6 -> AF_INET/AF_INET6, else 0 */
/* The largest prefix of ts (its start, the bits start and end share). */
unsigned xfrm_ts_prefix(const struct ipsec_ts *ts, uint8_t addr[16]);

#endif
