/*
 * Unit tests for the IKEv2 message/payload codec (ikev2/payload.h) and the
 * constant tables (ikev2/ikev2_const.h).
 *
 * The cap_* messages are a real exchange between two strongSwan 5.9.8
 * charon daemons (PSK, fragmentation = force, fragment_size = 300) run in
 * two throw-away network namespaces on 192.0.2.201 / 192.0.2.202 and
 * captured on the veth with an AF_PACKET socket; the 4-byte non-ESP marker
 * of the port 4500 packets is removed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikev2/ikev2_const.h"
#include "ikev2/payload.h"
#include "lib/buf.h"

/* ------------------------------------------------------------ captures */

static const char cap_sa_init_req[] =
	"3c939d0d9646089300000000000000002120220800000000000001f4220000540200002c"
	"010100040300000c0100000c800e0100030000080300000c030000080200000500000008"
	"0400000e00000024020100030300000c01000014800e0080030000080200000500000008"
	"0400001328000108000e00004a3d8ce6785a757907ec8b5a4755af084f8c841fd11b0c77"
	"987002ac0f51ce1e11d925210f48935a48794463f43f86ab4c9145fa4b183da2705cc78a"
	"6bf374d5cda05df59880d976129949770be1f6025223f5f01d2b4b48d72e0d23f1ff92c3"
	"1c9a6cdeccfc0f07ee0108b99c2d3168ce3cd5ef75a9750265baa8bf9a7fb01c4c749bb0"
	"00573ac7724f43b6f493c8ada5953c834f7d073b607cb2ff224a9578d7823bbef6a2c30c"
	"6794b5016dcc57a399be7d3c1edc57e80708c57b2677d2c75340d965b03e4fa669d6923a"
	"964dde314162da8f3e02416101ed634b7bb922d5f55086d6c72c9bae9ecb33402e899d91"
	"0f7ee344e27383b5dcd4a097ea7bf9d929000024c9eabf3c3213f406c53c0ed7acb94620"
	"efa62aa1d6180af9277cac951fa214a42900001c00004004953c7fb8c7c4c64165c3acae"
	"936ea42c917f78b12900001c00004005c99b439b501e0756d6dea89da23c64257bf6c0a1"
	"290000080000402e290000100000402f00020003000400050000000800004016";

static const char cap_sa_init_resp[] =
	"3c939d0d96460893642cbf58105a96762120222000000000000001d8220000300000002c"
	"010100040300000c0100000c800e0100030000080300000c030000080200000500000008"
	"0400000e28000108000e00008426cf5a844c482ea9823ac1284e1fa554e40ded51c1981b"
	"cc7bfbccdb66a4ce925366bba2d7e8cfa1dab330ef96c3c0c8f3342211b43631dadd8f5c"
	"d5ee436f53f553d1979db82995aaacd1e8b2138ac57cfe63b908db0bca50ee2dae497998"
	"74a487d9e0cfe46d9f47f562ecdab13de26e7bfc8566f11e5c89c188486044cd80add4bf"
	"95ef84330c33146368318b013d718fc3b8bacbd33db778d29929ac3973cacdbd3cef0a33"
	"79ad9a3f07ddf24478cf1172141cd3886f15082d37df25ebf2d558e9fdc1298f63207130"
	"2cb8337bf6e50d9835d62d5aeaf877031eddada991b1326d93e43abd720c3a7cc7918cf2"
	"fcdea2d450650fd4449db5573c4c60e32900002417b429ef05bb7146d07c7f8d0ea32ab8"
	"b70d4258e5b27366f28e39b8dd93524e2900001c00004004f3b0c21a0dd8d3dc1c85edfa"
	"058320b10e6042622900001c0000400564e724f1671658b69b1bae2227c07683e1f8af38"
	"290000080000402e290000100000402f0002000300040005290000080000402200000008"
	"00004014";

static const char cap_auth_req_frag1[] =
	"3c939d0d96460893642cbf58105a9676352023080000000100000104230000e800010002"
	"9a3ab9359fc72b310dafbb5a677d308702a02efbb1d686054510044e9acdde21ec05a414"
	"852926176ee4325c935541dc788e78900d8a893cd39b6ecfdd5249cecdeb6630c3d92ae9"
	"208cc7c01b0abad0810ad5793edcf6ec5d3c352bb4dd1102ea7876b6a1259cf5f6777e20"
	"a863e313ae9e00b040bbd6074c7b1d14496392d912df1252da720ee3493eb4c9a4314cf1"
	"4daa29c036f1ac577b3799323324219c58093a9d521393b83869a7231573616ccfdd33ce"
	"132811760a34b0aa5539317c4aed70525a36c459fd9ffdd08fac30d08214108156d711a7"
	"812bedd4696c7d23";

static const char cap_auth_req_frag2[] =
	"3c939d0d96460893642cbf58105a96763520230800000001000000740000005800020002"
	"18591d7d1b37d7e38786ca01fcac6024a0da30f82b3566b82583111c11410a5f1c12302c"
	"feb56f2beeeeb8deb80c437808111ab26d31f472562d40721b759ce7bf04e54ed6b269b3"
	"1b889ec0fe847375";

static const char cap_auth_resp[] =
	"3c939d0d96460893642cbf58105a96762e20232000000001000000a0240000842fe18e49"
	"8b00d0e77ce4966a9922b3e0d1234b8f5c7fa0fbf0068b914478f08e91c7994b14d46cbe"
	"6edabdf4ba1beebcdad46286d4f43260d22267740c6e48012b35d42b67fad7b4c23a7d92"
	"db6b8a957da7b0a93c1797186b44942a100024c0b13b2fa7466ddd6f3a063543a9d37661"
	"4785c834914fda9352bb0dcfd6de277f";

static const char cap_info_req[] =
	"3c939d0d96460893642cbf58105a96762e20250800000002000000502a000034028dfe90"
	"ed475e1a6fed55144100cff2355b11c3d1687a7173f5cf8edfb5133c009dc7880d1fbb64"
	"450933344f8afc2c";

static const char cap_info_resp[] =
	"3c939d0d96460893642cbf58105a96762e202520000000020000005000000034372eb659"
	"ca99b6ac1d9cad0fdbf8fdaa2cc3b8474f461c7f2f19fc1b68e84b06db654ef00e863e5a"
	"a6903291e1e79ff2";

/* ------------------------------------------------------------ helpers */

/* Decode hex into a malloc'd buffer of exactly the decoded size, so that
 * sanitizers catch any read past the end. */
static uint8_t *unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *p = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		p[i] = (uint8_t)v;
	}
	*len = n;
	return p;
}

static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(q);
	if (n)
		memcpy(q, p, n);
	return q;
}

static void put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Parse; expect a given failure whose message contains substr. */
static void expect_err(const uint8_t *msg, size_t n, enum ikev2_parse_rc rc, const char *substr)
{
	struct ikev2_msg m;
	struct ikev2_parse_err err;
	uint8_t *copy = dup_exact(msg, n);
	enum ikev2_parse_rc got = ikev2_msg_parse(copy, n, &m, &err);
	ck_assert_msg(got == rc, "expected rc %d (%s), got %d (%s): %s", rc,
		      ikev2_parse_strerror(rc), got, ikev2_parse_strerror(got), err.msg);
	ck_assert_int_eq(err.rc, rc);
	if (substr)
		ck_assert_msg(strstr(err.msg, substr) != NULL, "error \"%s\" lacks \"%s\"", err.msg,
			      substr);
	/* validate-only gives the same verdict */
	ck_assert_int_eq(ikev2_msg_validate(copy, n, NULL), rc);
	ikev2_msg_free(&m);
	free(copy);
}

/* Offset of the generic header of the first payload of a type. */
static size_t pl_off(const uint8_t *msg, size_t n, uint8_t type)
{
	struct ikev2_msg m;
	struct ikev2_parse_err err;
	ck_assert_msg(ikev2_msg_parse(msg, n, &m, &err) == IKEV2_PARSE_OK, "%s", err.msg);
	const struct ikev2_payload *p = ikev2_chain_next(&m.chain, type, NULL);
	ck_assert_ptr_nonnull(p);
	size_t off = p->off;
	ikev2_msg_free(&m);
	return off;
}

static struct ikev2_hdr test_hdr(uint8_t exchange, uint8_t flags, uint32_t msgid)
{
	struct ikev2_hdr h;
	memset(&h, 0, sizeof(h));
	h.ispi = 0x8877665544332211ULL;
	h.rspi = 0x0102030405060708ULL;
	h.exchange = exchange;
	h.flags = flags;
	h.msgid = msgid;
	return h;
}

/* ------------------------------------------------------------ a message with every payload */

static const uint8_t SPI8[8] = { 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8 };
static const uint8_t SPI4[4] = { 0xc0, 0xff, 0xee, 0x01 };
static const uint8_t TLVDATA[3] = { 9, 8, 7 };
static const uint8_t KEDATA[32] = { 0x11, 0x22, 0x33, [31] = 0x44 };
static const uint8_t NONCE[32] = { 0xde, 0xad, 0xbe, 0xef, [31] = 0x99 };
static const char IDI_FQDN[] = "initiator.example";
static const uint8_t IDR_ADDR[4] = { 192, 0, 2, 2 };
static const uint8_t CERTDATA[5] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
static const uint8_t CERTREQ_HASH[20] = { 0x5a, [19] = 0xa5 };
static const uint8_t AUTHDATA[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t COOKIE[12] = { 0xc0, 0x0c, 0x1e, [11] = 0x55 };
static const uint8_t DEL_SPIS[12] = { 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff };
static const uint8_t VID[16] = { 0x88, 0x2f, 0xe5, 0x6d, [15] = 0x01 };
static const uint8_t LABEL[5] = { 's', 'y', 's', '_', 'u' };
static const uint8_t DNS4[4] = { 192, 0, 2, 53 };
static const char DOMAIN[] = "example.com";
static const char BANNER[] = "hello";
static const uint8_t EAPID[4] = { 'u', 's', 'e', 'r' };
static const uint8_t UNKNOWN_BODY[6] = { 1, 2, 3, 4, 5, 6 };

static const struct ikev2_sa_attr X_ATTRS[] = {
	{ .type = 17, .tv = true, .value = 0x1234 },
	{ .type = 200, .tv = false, .data = TLVDATA, .len = sizeof(TLVDATA) },
};

static const struct ikev2_sa_transform IKE_X[] = {
	{ .type = IKEV2_XFORM_ENCR, .id = IKEV2_ENCR_AES_CBC, .has_key_length = true, .key_length = 256 },
	{ .type = IKEV2_XFORM_ENCR, .id = IKEV2_ENCR_AES_GCM_16, .has_key_length = true, .key_length = 128,
	  .n_attrs = 2, .attrs = X_ATTRS },
	{ .type = IKEV2_XFORM_PRF, .id = IKEV2_PRF_HMAC_SHA2_256 },
	{ .type = IKEV2_XFORM_INTEG, .id = IKEV2_INTEG_HMAC_SHA2_256_128 },
	{ .type = IKEV2_XFORM_DH, .id = IKEV2_DH_MODP_2048 },
	{ .type = IKEV2_XFORM_DH, .id = IKEV2_DH_CURVE25519 },
};

static const struct ikev2_sa_transform ESP_X[] = {
	{ .type = IKEV2_XFORM_ENCR, .id = IKEV2_ENCR_AES_CBC, .has_key_length = true, .key_length = 128 },
	{ .type = IKEV2_XFORM_INTEG, .id = IKEV2_INTEG_HMAC_SHA1_96 },
	{ .type = IKEV2_XFORM_ESN, .id = IKEV2_ESN_NONE },
	{ .type = IKEV2_XFORM_ESN, .id = IKEV2_ESN_ENABLED },
};

static const struct ikev2_sa_proposal PROPS[] = {
	{ .num = 1, .protocol = IKEV2_PROTO_IKE, .spi_size = 8, .spi = SPI8, .n_transforms = 6,
	  .transforms = IKE_X },
	{ .num = 2, .protocol = IKEV2_PROTO_ESP, .spi_size = 4, .spi = SPI4, .n_transforms = 4,
	  .transforms = ESP_X },
};

static const struct ikev2_ts TS_LIST[] = {
	{ .type = IKEV2_TS_IPV4_ADDR_RANGE, .proto = 6, .start_port = 0, .end_port = 65535,
	  .start = { 192, 0, 2, 0 }, .end = { 192, 0, 2, 255 } },
	{ .type = IKEV2_TS_IPV6_ADDR_RANGE, .proto = 17, .start_port = 500, .end_port = 4500,
	  .start = { 0x20, 0x01, 0x0d, 0xb8 }, .end = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xff } },
	{ .type = IKEV2_TS_SECLABEL, .proto = 0, .data = LABEL, .data_len = sizeof(LABEL) },
};

static const struct ikev2_cfg_attr CFG_ATTRS[] = {
	{ .type = IKEV2_CFG_INTERNAL_IP4_ADDRESS, .len = 0 },
	{ .type = IKEV2_CFG_INTERNAL_IP4_DNS, .len = 4, .value = DNS4 },
	{ .type = IKEV2_CFG_INTERNAL_DNS_DOMAIN, .len = 11, .value = (const uint8_t *)DOMAIN },
	{ .type = IKEV2_CFG_CISCO_BANNER, .len = 5, .value = (const uint8_t *)BANNER },
};

#define ALL_COUNT 19

static void build_all(struct buf *b)
{
	struct ikev2_enc e;
	struct ikev2_hdr h = test_hdr(IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1);
	ikev2_enc_msg(&e, b, &h);

	struct ikev2_pl_sa sa = { .n_proposals = 2, .proposals = PROPS };
	ikev2_enc_sa(&e, &sa);
	struct ikev2_pl_ke ke = { .group = IKEV2_DH_CURVE25519, .data = KEDATA, .data_len = sizeof(KEDATA) };
	ikev2_enc_ke(&e, &ke);
	struct ikev2_pl_id idi = { .id_type = IKEV2_ID_FQDN, .data = (const uint8_t *)IDI_FQDN,
				   .data_len = strlen(IDI_FQDN) };
	ikev2_enc_id(&e, IKEV2_PL_IDI, &idi);
	struct ikev2_pl_id idr = { .id_type = IKEV2_ID_IPV4_ADDR, .data = IDR_ADDR, .data_len = 4 };
	ikev2_enc_id(&e, IKEV2_PL_IDR, &idr);
	struct ikev2_pl_cert cert = { .encoding = IKEV2_CERT_X509_SIG, .data = CERTDATA,
				      .data_len = sizeof(CERTDATA) };
	ikev2_enc_cert(&e, IKEV2_PL_CERT, &cert);
	struct ikev2_pl_cert creq = { .encoding = IKEV2_CERT_X509_SIG, .data = CERTREQ_HASH,
				      .data_len = sizeof(CERTREQ_HASH) };
	ikev2_enc_cert(&e, IKEV2_PL_CERTREQ, &creq);
	struct ikev2_pl_auth auth = { .method = IKEV2_AUTH_SHARED_KEY_MIC, .data = AUTHDATA,
				      .data_len = sizeof(AUTHDATA) };
	ikev2_enc_auth(&e, &auth);
	ikev2_enc_nonce(&e, NONCE, sizeof(NONCE));
	struct ikev2_pl_notify n1 = { .protocol = IKEV2_PROTO_ESP, .spi_size = 4, .spi = SPI4,
				      .type = IKEV2_N_REKEY_SA };
	ikev2_enc_notify(&e, &n1);
	struct ikev2_pl_notify n2 = { .type = IKEV2_N_COOKIE, .data = COOKIE, .data_len = sizeof(COOKIE) };
	ikev2_enc_notify(&e, &n2);
	struct ikev2_pl_delete d1 = { .protocol = IKEV2_PROTO_ESP, .spi_size = 4, .num_spi = 3,
				      .spis = DEL_SPIS };
	ikev2_enc_delete(&e, &d1);
	struct ikev2_pl_delete d2 = { .protocol = IKEV2_PROTO_IKE };
	ikev2_enc_delete(&e, &d2);
	ikev2_enc_vendor(&e, VID, sizeof(VID));
	struct ikev2_pl_ts tsi = { .n_ts = 3, .ts = TS_LIST };
	ikev2_enc_ts(&e, IKEV2_PL_TSI, &tsi);
	struct ikev2_pl_ts tsr = { .n_ts = 1, .ts = TS_LIST + 1 };
	ikev2_enc_ts(&e, IKEV2_PL_TSR, &tsr);
	struct ikev2_pl_cp cp = { .cfg_type = IKEV2_CP_REPLY, .n_attrs = 4, .attrs = CFG_ATTRS };
	ikev2_enc_cp(&e, &cp);
	struct ikev2_pl_eap eap1 = { .code = IKEV2_EAP_REQUEST, .id = 7, .type = IKEV2_EAP_TYPE_IDENTITY,
				     .data = EAPID, .data_len = sizeof(EAPID) };
	ikev2_enc_eap(&e, &eap1);
	struct ikev2_pl_eap eap2 = { .code = IKEV2_EAP_SUCCESS, .id = 8 };
	ikev2_enc_eap(&e, &eap2);
	ikev2_enc_raw(&e, 99, false, UNKNOWN_BODY, sizeof(UNKNOWN_BODY));
	ck_assert_msg(ikev2_enc_finish(&e, NULL) == 0, "%s", e.errmsg);
	ck_assert_uint_eq(e.n, ALL_COUNT);
}

static void check_transform(const struct ikev2_sa_transform *got, const struct ikev2_sa_transform *want)
{
	ck_assert_uint_eq(got->type, want->type);
	ck_assert_uint_eq(got->id, want->id);
	ck_assert_int_eq(got->has_key_length, want->has_key_length);
	ck_assert_uint_eq(got->key_length, want->key_length);
	ck_assert_uint_eq(got->n_attrs, want->n_attrs);
	for (unsigned k = 0; k < want->n_attrs; k++) {
		ck_assert_uint_eq(got->attrs[k].type, want->attrs[k].type);
		ck_assert_int_eq(got->attrs[k].tv, want->attrs[k].tv);
		ck_assert_uint_eq(got->attrs[k].value, want->attrs[k].value);
		ck_assert_uint_eq(got->attrs[k].len, want->attrs[k].len);
		if (want->attrs[k].len)
			ck_assert_mem_eq(got->attrs[k].data, want->attrs[k].data, want->attrs[k].len);
	}
}

static void check_ts(const struct ikev2_ts *got, const struct ikev2_ts *want)
{
	ck_assert_uint_eq(got->type, want->type);
	ck_assert_uint_eq(got->proto, want->proto);
	if (want->type == IKEV2_TS_IPV4_ADDR_RANGE || want->type == IKEV2_TS_IPV6_ADDR_RANGE) {
		unsigned alen = want->type == IKEV2_TS_IPV4_ADDR_RANGE ? 4 : 16;
		ck_assert_uint_eq(got->addr_len, alen);
		ck_assert_uint_eq(got->start_port, want->start_port);
		ck_assert_uint_eq(got->end_port, want->end_port);
		ck_assert_mem_eq(got->start, want->start, alen);
		ck_assert_mem_eq(got->end, want->end, alen);
	} else {
		ck_assert_uint_eq(got->addr_len, 0);
		ck_assert_uint_eq(got->data_len, want->data_len);
		ck_assert_mem_eq(got->data, want->data, want->data_len);
	}
}

/* Re-encode every payload of a parsed message and compare the bytes. */
static void reencode_identical(const uint8_t *msg, size_t n)
{
	struct ikev2_msg m;
	struct ikev2_parse_err err;
	ck_assert_msg(ikev2_msg_parse(msg, n, &m, &err) == IKEV2_PARSE_OK, "%s", err.msg);
	struct buf b;
	buf_init(&b);
	struct ikev2_enc e;
	ikev2_enc_msg(&e, &b, &m.hdr);
	for (unsigned i = 0; i < m.chain.n; i++)
		ikev2_enc_payload(&e, &m.chain.pl[i]);
	ck_assert_msg(ikev2_enc_finish(&e, NULL) == 0, "%s", e.errmsg);
	ck_assert_uint_eq(b.len, n);
	ck_assert_mem_eq(b.p, msg, n);
	buf_free(&b);
	ikev2_msg_free(&m);
}

/* ------------------------------------------------------------ tests: constants */

START_TEST(test_const_values)
{
	ck_assert_int_eq(IKEV2_EXCH_IKE_SA_INIT, 34);
	ck_assert_int_eq(IKEV2_EXCH_INFORMATIONAL, 37);
	ck_assert_int_eq(IKEV2_EXCH_IKE_INTERMEDIATE, 43);
	ck_assert_int_eq(IKEV2_PL_SA, 33);
	ck_assert_int_eq(IKEV2_PL_EAP, 48);
	ck_assert_int_eq(IKEV2_PL_SKF, 53);
	ck_assert_int_eq(IKEV2_N_INVALID_KE_PAYLOAD, 17);
	ck_assert_int_eq(IKEV2_N_NO_PROPOSAL_CHOSEN, 14);
	ck_assert_int_eq(IKEV2_N_AUTHENTICATION_FAILED, 24);
	ck_assert_int_eq(IKEV2_N_TS_UNACCEPTABLE, 38);
	ck_assert_int_eq(IKEV2_N_TEMPORARY_FAILURE, 43);
	ck_assert_int_eq(IKEV2_N_CHILD_SA_NOT_FOUND, 44);
	ck_assert_int_eq(IKEV2_N_INITIAL_CONTACT, 16384);
	ck_assert_int_eq(IKEV2_N_NAT_DETECTION_DESTINATION_IP, 16389);
	ck_assert_int_eq(IKEV2_N_COOKIE, 16390);
	ck_assert_int_eq(IKEV2_N_REKEY_SA, 16393);
	ck_assert_int_eq(IKEV2_N_MOBIKE_SUPPORTED, 16396);
	ck_assert_int_eq(IKEV2_N_REDIRECTED_FROM, 16408);
	ck_assert_int_eq(IKEV2_N_CHILDLESS_IKEV2_SUPPORTED, 16418);
	ck_assert_int_eq(IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, 16430);
	ck_assert_int_eq(IKEV2_N_SIGNATURE_HASH_ALGORITHMS, 16431);
	ck_assert_int_eq(IKEV2_ENCR_AES_CBC, 12);
	ck_assert_int_eq(IKEV2_ENCR_AES_GCM_16, 20);
	ck_assert_int_eq(IKEV2_PRF_HMAC_SHA2_512, 7);
	ck_assert_int_eq(IKEV2_INTEG_HMAC_SHA2_384_192, 13);
	ck_assert_int_eq(IKEV2_DH_CURVE25519, 31);
	ck_assert_int_eq(IKEV2_DH_MODP_2048_256, 24);
	ck_assert_int_eq(IKEV2_XATTR_KEY_LENGTH, 14);
	ck_assert_int_eq(IKEV2_AUTH_ECDSA_SHA512_P521, 11);
	ck_assert_int_eq(IKEV2_AUTH_DIGITAL_SIGNATURE, 14);
	ck_assert_int_eq(IKEV2_TS_IPV6_ADDR_RANGE, 8);
	ck_assert_int_eq(IKEV2_CFG_INTERNAL_IP4_SUBNET, 13);
	ck_assert_int_eq(IKEV2_CFG_INTERNAL_DNS_DOMAIN, 25);
	ck_assert_int_eq(IKEV2_CFG_CISCO_DEF_DOMAIN, 28674);
	ck_assert_int_eq(IKEV2_CFG_CISCO_SPLIT_DNS, 28675);
	ck_assert_int_eq(IKEV2_HASH_SHA2_512, 4);
}
END_TEST

START_TEST(test_const_names)
{
	ck_assert_str_eq(ikev2_exchange_name(34), "IKE_SA_INIT");
	ck_assert_str_eq(ikev2_exchange_name(43), "IKE_INTERMEDIATE");
	ck_assert_str_eq(ikev2_exchange_name(99), "UNKNOWN");
	ck_assert_str_eq(ikev2_payload_name(IKEV2_PL_SKF), "SKF");
	ck_assert_str_eq(ikev2_payload_name(IKEV2_PL_IDI), "IDi");
	ck_assert_str_eq(ikev2_payload_name(1), "UNKNOWN");
	ck_assert_str_eq(ikev2_notify_name(IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD),
			 "UNSUPPORTED_CRITICAL_PAYLOAD");
	ck_assert_str_eq(ikev2_notify_name(16430), "IKEV2_FRAGMENTATION_SUPPORTED");
	ck_assert_str_eq(ikev2_notify_name(16383), "UNKNOWN");
	ck_assert_str_eq(ikev2_notify_name(-1), "UNKNOWN");
	ck_assert_str_eq(ikev2_transform_type_name(IKEV2_XFORM_DH), "DH");
	ck_assert_str_eq(ikev2_transform_name(IKEV2_XFORM_ENCR, 12), "ENCR_AES_CBC");
	ck_assert_str_eq(ikev2_transform_name(IKEV2_XFORM_PRF, 5), "PRF_HMAC_SHA2_256");
	ck_assert_str_eq(ikev2_transform_name(IKEV2_XFORM_INTEG, 14), "AUTH_HMAC_SHA2_512_256");
	ck_assert_str_eq(ikev2_transform_name(IKEV2_XFORM_DH, 19), "ECP_256");
	ck_assert_str_eq(ikev2_transform_name(IKEV2_XFORM_ESN, 1), "ESN");
	ck_assert_str_eq(ikev2_transform_name(IKEV2_XFORM_ESN, 0), "NO_ESN");
	ck_assert_str_eq(ikev2_transform_name(IKEV2_XFORM_ENCR, 10), "UNKNOWN");
	ck_assert_str_eq(ikev2_transform_name(77, 1), "UNKNOWN");
	ck_assert_str_eq(ikev2_id_type_name(IKEV2_ID_FQDN), "ID_FQDN");
	ck_assert_str_eq(ikev2_auth_method_name(14), "DIGITAL_SIGNATURE");
	ck_assert_str_eq(ikev2_auth_method_name(2), "SHARED_KEY_MIC");
	ck_assert_str_eq(ikev2_cfg_attr_name(1), "INTERNAL_IP4_ADDRESS");
	ck_assert_str_eq(ikev2_cfg_attr_name(25), "INTERNAL_DNS_DOMAIN");
	ck_assert_str_eq(ikev2_cfg_attr_name(28672), "CISCO_BANNER");
	ck_assert_str_eq(ikev2_cfg_attr_name(30000), "UNKNOWN");
	ck_assert_str_eq(ikev2_protocol_name(3), "ESP");
	ck_assert_str_eq(ikev2_cert_encoding_name(4), "X509_SIG");
	ck_assert_str_eq(ikev2_hash_alg_name(2), "SHA2_256");
	ck_assert_str_eq(ikev2_ts_type_name(7), "TS_IPV4_ADDR_RANGE");
	ck_assert_str_eq(ikev2_cp_type_name(2), "CFG_REPLY");
	ck_assert_str_eq(ikev2_eap_code_name(3), "SUCCESS");
	ck_assert_int_eq(ikev2_notify_is_error(IKEV2_N_INVALID_SYNTAX), 1);
	ck_assert_int_eq(ikev2_notify_is_error(IKEV2_N_COOKIE), 0);
	for (int rc = IKEV2_PARSE_OK; rc <= IKEV2_PARSE_INVALID_ARG; rc++)
		ck_assert_str_ne(ikev2_parse_strerror((enum ikev2_parse_rc)rc), "unknown error");
}
END_TEST

/* ------------------------------------------------------------ tests: round trips */

START_TEST(test_header_roundtrip)
{
	struct buf b;
	buf_init(&b);
	buf_add(&b, "\0\0\0\0", 4); /* e.g. a non-ESP marker before the header */
	struct ikev2_enc e;
	struct ikev2_hdr h = test_hdr(IKEV2_EXCH_INFORMATIONAL,
				      IKEV2_FLAG_RESPONSE | IKEV2_FLAG_INITIATOR, 0xfedcba98);
	h.ispi = 0xffeeddccbbaa9988ULL;
	ikev2_enc_msg(&e, &b, &h);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), 0);
	ck_assert_uint_eq(b.len, 4 + IKEV2_HDR_LEN);

	struct ikev2_msg m;
	struct ikev2_parse_err err;
	ck_assert_int_eq(ikev2_msg_parse(b.p + 4, b.len - 4, &m, &err), IKEV2_PARSE_OK);
	ck_assert(m.hdr_valid);
	ck_assert(m.hdr.ispi == h.ispi);
	ck_assert(m.hdr.rspi == h.rspi);
	ck_assert_uint_eq(m.hdr.next_payload, 0);
	ck_assert_uint_eq(m.hdr.major, 2);
	ck_assert_uint_eq(m.hdr.minor, 0);
	ck_assert_uint_eq(m.hdr.exchange, IKEV2_EXCH_INFORMATIONAL);
	ck_assert_uint_eq(m.hdr.flags, IKEV2_FLAG_RESPONSE | IKEV2_FLAG_INITIATOR);
	ck_assert_uint_eq(m.hdr.msgid, 0xfedcba98);
	ck_assert_uint_eq(m.hdr.length, IKEV2_HDR_LEN);
	ck_assert_uint_eq(m.chain.n, 0);
	ikev2_msg_free(&m);

	struct ikev2_hdr h2;
	ck_assert_int_eq(ikev2_hdr_parse(b.p + 4, b.len - 4, &h2, NULL), IKEV2_PARSE_OK);
	ck_assert(h2.ispi == h.ispi);
	buf_free(&b);
}
END_TEST

START_TEST(test_roundtrip_all_payloads)
{
	struct buf b;
	buf_init(&b);
	build_all(&b);

	struct ikev2_msg m;
	struct ikev2_parse_err err;
	ck_assert_msg(ikev2_msg_parse(b.p, b.len, &m, &err) == IKEV2_PARSE_OK, "%s", err.msg);
	ck_assert_uint_eq(m.hdr.length, b.len);
	ck_assert_uint_eq(m.hdr.next_payload, IKEV2_PL_SA);
	ck_assert_uint_eq(m.chain.n, ALL_COUNT);
	static const uint8_t types[ALL_COUNT] = {
		IKEV2_PL_SA, IKEV2_PL_KE, IKEV2_PL_IDI, IKEV2_PL_IDR, IKEV2_PL_CERT,
		IKEV2_PL_CERTREQ, IKEV2_PL_AUTH, IKEV2_PL_NONCE, IKEV2_PL_NOTIFY, IKEV2_PL_NOTIFY,
		IKEV2_PL_DELETE, IKEV2_PL_DELETE, IKEV2_PL_VENDOR, IKEV2_PL_TSI, IKEV2_PL_TSR,
		IKEV2_PL_CP, IKEV2_PL_EAP, IKEV2_PL_EAP, 99,
	};
	size_t off = IKEV2_HDR_LEN;
	for (unsigned i = 0; i < ALL_COUNT; i++) {
		const struct ikev2_payload *p = &m.chain.pl[i];
		ck_assert_uint_eq(p->type, types[i]);
		ck_assert_uint_eq(p->next, i + 1 < ALL_COUNT ? types[i + 1] : 0);
		ck_assert_uint_eq(p->off, off);
		ck_assert(!p->critical);
		ck_assert_int_eq(p->known, types[i] != 99);
		ck_assert_ptr_eq(p->body, b.p + off + 4);
		ck_assert_uint_eq(p->body_len + 4, p->len);
		off += p->len;
	}
	ck_assert_uint_eq(off, b.len);

	const struct ikev2_payload *p = m.chain.pl;
	/* SA */
	ck_assert_uint_eq(p[0].u.sa.n_proposals, 2);
	for (unsigned i = 0; i < 2; i++) {
		const struct ikev2_sa_proposal *got = &p[0].u.sa.proposals[i], *want = &PROPS[i];
		ck_assert_uint_eq(got->num, want->num);
		ck_assert_uint_eq(got->protocol, want->protocol);
		ck_assert_uint_eq(got->spi_size, want->spi_size);
		ck_assert_mem_eq(got->spi, want->spi, want->spi_size);
		ck_assert_uint_eq(got->n_transforms, want->n_transforms);
		for (unsigned j = 0; j < want->n_transforms; j++)
			check_transform(&got->transforms[j], &want->transforms[j]);
	}
	/* KE */
	ck_assert_uint_eq(p[1].u.ke.group, IKEV2_DH_CURVE25519);
	ck_assert_uint_eq(p[1].u.ke.data_len, sizeof(KEDATA));
	ck_assert_mem_eq(p[1].u.ke.data, KEDATA, sizeof(KEDATA));
	/* IDi, IDr */
	ck_assert_uint_eq(p[2].u.id.id_type, IKEV2_ID_FQDN);
	ck_assert_uint_eq(p[2].u.id.data_len, strlen(IDI_FQDN));
	ck_assert_mem_eq(p[2].u.id.data, IDI_FQDN, strlen(IDI_FQDN));
	ck_assert_uint_eq(p[3].u.id.id_type, IKEV2_ID_IPV4_ADDR);
	ck_assert_mem_eq(p[3].u.id.data, IDR_ADDR, 4);
	/* CERT, CERTREQ */
	ck_assert_uint_eq(p[4].u.cert.encoding, IKEV2_CERT_X509_SIG);
	ck_assert_uint_eq(p[4].u.cert.data_len, sizeof(CERTDATA));
	ck_assert_mem_eq(p[4].u.cert.data, CERTDATA, sizeof(CERTDATA));
	ck_assert_uint_eq(p[5].u.cert.data_len, 20);
	ck_assert_mem_eq(p[5].u.cert.data, CERTREQ_HASH, 20);
	/* AUTH */
	ck_assert_uint_eq(p[6].u.auth.method, IKEV2_AUTH_SHARED_KEY_MIC);
	ck_assert_uint_eq(p[6].u.auth.data_len, sizeof(AUTHDATA));
	ck_assert_mem_eq(p[6].u.auth.data, AUTHDATA, sizeof(AUTHDATA));
	/* Nonce */
	ck_assert_uint_eq(p[7].u.nonce.data_len, sizeof(NONCE));
	ck_assert_mem_eq(p[7].u.nonce.data, NONCE, sizeof(NONCE));
	/* Notify */
	ck_assert_uint_eq(p[8].u.notify.protocol, IKEV2_PROTO_ESP);
	ck_assert_uint_eq(p[8].u.notify.spi_size, 4);
	ck_assert_mem_eq(p[8].u.notify.spi, SPI4, 4);
	ck_assert_uint_eq(p[8].u.notify.type, IKEV2_N_REKEY_SA);
	ck_assert_uint_eq(p[8].u.notify.data_len, 0);
	ck_assert_uint_eq(p[9].u.notify.protocol, 0);
	ck_assert_uint_eq(p[9].u.notify.spi_size, 0);
	ck_assert_ptr_null(p[9].u.notify.spi);
	ck_assert_uint_eq(p[9].u.notify.type, IKEV2_N_COOKIE);
	ck_assert_uint_eq(p[9].u.notify.data_len, sizeof(COOKIE));
	ck_assert_mem_eq(p[9].u.notify.data, COOKIE, sizeof(COOKIE));
	/* Delete */
	ck_assert_uint_eq(p[10].u.del.protocol, IKEV2_PROTO_ESP);
	ck_assert_uint_eq(p[10].u.del.spi_size, 4);
	ck_assert_uint_eq(p[10].u.del.num_spi, 3);
	ck_assert_mem_eq(ikev2_delete_spi(&p[10].u.del, 2), DEL_SPIS + 8, 4);
	ck_assert_ptr_null(ikev2_delete_spi(&p[10].u.del, 3));
	ck_assert_uint_eq(p[11].u.del.protocol, IKEV2_PROTO_IKE);
	ck_assert_uint_eq(p[11].u.del.num_spi, 0);
	ck_assert_ptr_null(ikev2_delete_spi(&p[11].u.del, 0));
	/* Vendor ID */
	ck_assert_uint_eq(p[12].u.vendor.data_len, sizeof(VID));
	ck_assert_mem_eq(p[12].u.vendor.data, VID, sizeof(VID));
	/* TSi, TSr */
	ck_assert_uint_eq(p[13].u.ts.n_ts, 3);
	for (unsigned i = 0; i < 3; i++)
		check_ts(&p[13].u.ts.ts[i], &TS_LIST[i]);
	ck_assert_uint_eq(p[14].u.ts.n_ts, 1);
	check_ts(&p[14].u.ts.ts[0], &TS_LIST[1]);
	/* CP */
	ck_assert_uint_eq(p[15].u.cp.cfg_type, IKEV2_CP_REPLY);
	ck_assert_uint_eq(p[15].u.cp.n_attrs, 4);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(p[15].u.cp.attrs[i].type, CFG_ATTRS[i].type);
		ck_assert_uint_eq(p[15].u.cp.attrs[i].len, CFG_ATTRS[i].len);
		if (CFG_ATTRS[i].len)
			ck_assert_mem_eq(p[15].u.cp.attrs[i].value, CFG_ATTRS[i].value,
					 CFG_ATTRS[i].len);
	}
	/* EAP */
	ck_assert_uint_eq(p[16].u.eap.code, IKEV2_EAP_REQUEST);
	ck_assert_uint_eq(p[16].u.eap.id, 7);
	ck_assert_uint_eq(p[16].u.eap.type, IKEV2_EAP_TYPE_IDENTITY);
	ck_assert_uint_eq(p[16].u.eap.data_len, 4);
	ck_assert_mem_eq(p[16].u.eap.data, EAPID, 4);
	ck_assert_uint_eq(p[16].u.eap.msg_len, 9);
	ck_assert_ptr_eq(p[16].u.eap.msg, p[16].body);
	ck_assert_uint_eq(p[17].u.eap.code, IKEV2_EAP_SUCCESS);
	ck_assert_uint_eq(p[17].u.eap.id, 8);
	ck_assert_uint_eq(p[17].u.eap.type, 0);
	ck_assert_uint_eq(p[17].u.eap.data_len, 0);
	ck_assert_uint_eq(p[17].u.eap.msg_len, 4);
	/* unknown, non-critical: kept raw */
	ck_assert_uint_eq(p[18].body_len, sizeof(UNKNOWN_BODY));
	ck_assert_mem_eq(p[18].body, UNKNOWN_BODY, sizeof(UNKNOWN_BODY));

	/* lookups */
	ck_assert_ptr_eq(ikev2_chain_next(&m.chain, IKEV2_PL_DELETE, NULL), &p[10]);
	ck_assert_ptr_eq(ikev2_chain_next(&m.chain, IKEV2_PL_DELETE, &p[10]), &p[11]);
	ck_assert_ptr_null(ikev2_chain_next(&m.chain, IKEV2_PL_DELETE, &p[11]));
	ck_assert_ptr_null(ikev2_chain_next(&m.chain, IKEV2_PL_SK, NULL));
	ck_assert_ptr_eq(ikev2_chain_notify(&m.chain, IKEV2_N_COOKIE), &p[9]);
	ck_assert_ptr_null(ikev2_chain_notify(&m.chain, IKEV2_N_INITIAL_CONTACT));

	ikev2_msg_free(&m);
	ikev2_msg_free(&m); /* idempotent */

	reencode_identical(b.p, b.len);
	buf_free(&b);
}
END_TEST

START_TEST(test_sk_roundtrip)
{
	/* inner chain (what would be encrypted) */
	struct buf in;
	buf_init(&in);
	struct ikev2_enc e;
	ikev2_enc_chain(&e, &in);
	struct ikev2_pl_id idi = { .id_type = IKEV2_ID_FQDN, .data = (const uint8_t *)IDI_FQDN,
				   .data_len = strlen(IDI_FQDN) };
	ikev2_enc_id(&e, IKEV2_PL_IDI, &idi);
	struct ikev2_pl_auth auth = { .method = IKEV2_AUTH_SHARED_KEY_MIC, .data = AUTHDATA,
				      .data_len = sizeof(AUTHDATA) };
	ikev2_enc_auth(&e, &auth);
	struct ikev2_pl_sa sa = { .n_proposals = 1, .proposals = PROPS + 1 };
	ikev2_enc_sa(&e, &sa);
	struct ikev2_pl_ts ts = { .n_ts = 1, .ts = TS_LIST };
	ikev2_enc_ts(&e, IKEV2_PL_TSI, &ts);
	ikev2_enc_ts(&e, IKEV2_PL_TSR, &ts);
	uint8_t first = 0;
	ck_assert_int_eq(ikev2_enc_finish(&e, &first), 0);
	ck_assert_uint_eq(first, IKEV2_PL_IDI);
	size_t inner_len = in.len;
	/* padding: 3 bytes + pad length */
	buf_add(&in, "\x01\x02\x03\x03", 4);

	/* outer message with a clear payload before SK */
	struct buf b;
	buf_init(&b);
	struct ikev2_hdr h = test_hdr(IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1);
	ikev2_enc_msg(&e, &b, &h);
	ikev2_enc_vendor(&e, VID, sizeof(VID));
	struct ikev2_sk_layout lay;
	ikev2_enc_sk(&e, first, 16, in.len, 12, &lay);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), 0);
	ck_assert_uint_eq(lay.iv_off, IKEV2_HDR_LEN + 4 + sizeof(VID) + 4);
	ck_assert_uint_eq(lay.ct_off, lay.iv_off + 16);
	ck_assert_uint_eq(lay.ct_len, in.len);
	ck_assert_uint_eq(lay.icv_off, lay.ct_off + in.len);
	ck_assert_uint_eq(lay.icv_off + 12, b.len);
	memcpy(b.p + lay.ct_off, in.p, in.len); /* "encryption" */
	memset(b.p + lay.iv_off, 0x1f, 16);
	memset(b.p + lay.icv_off, 0x2f, 12);

	struct ikev2_msg m;
	struct ikev2_parse_err err;
	ck_assert_msg(ikev2_msg_parse(b.p, b.len, &m, &err) == IKEV2_PARSE_OK, "%s", err.msg);
	ck_assert_uint_eq(m.chain.n, 2);
	const struct ikev2_payload *sk = &m.chain.pl[1];
	ck_assert_uint_eq(sk->type, IKEV2_PL_SK);
	ck_assert_uint_eq(sk->u.sk.first_inner, IKEV2_PL_IDI);
	ck_assert_uint_eq(sk->u.sk.frag_num, 0);
	ck_assert_uint_eq(sk->u.sk.data_off, lay.iv_off);
	ck_assert_uint_eq(sk->u.sk.data_len, 16 + in.len + 12);

	struct ikev2_sk_layout pl;
	ck_assert_int_eq(ikev2_sk_layout(&sk->u.sk, 16, 12, &pl, &err), IKEV2_PARSE_OK);
	ck_assert_mem_eq(&pl, &lay, sizeof(pl));
	/* too short for the algorithms */
	ck_assert_int_eq(ikev2_sk_layout(&sk->u.sk, 16, sk->u.sk.data_len - 16, &pl, &err),
			 IKEV2_PARSE_BAD_LENGTH);
	ck_assert_int_eq(ikev2_sk_layout(&sk->u.sk, (size_t)-1, 1, &pl, &err),
			 IKEV2_PARSE_BAD_LENGTH);
	ck_assert_int_eq(ikev2_sk_layout(&sk->u.sk, 1, (size_t)-1, &pl, &err),
			 IKEV2_PARSE_BAD_LENGTH);

	/* "decrypt", strip padding, parse the inner chain */
	size_t n;
	ck_assert_int_eq(ikev2_sk_strip_padding(b.p + lay.ct_off, lay.ct_len, &n, &err),
			 IKEV2_PARSE_OK);
	ck_assert_uint_eq(n, inner_len);
	struct ikev2_chain c;
	ck_assert_msg(ikev2_chain_parse(b.p + lay.ct_off, n, sk->u.sk.first_inner, &c, &err) ==
		      IKEV2_PARSE_OK, "%s", err.msg);
	ck_assert_uint_eq(c.n, 5);
	ck_assert_uint_eq(c.pl[0].type, IKEV2_PL_IDI);
	ck_assert_uint_eq(c.pl[0].off, 0);
	ck_assert_uint_eq(c.pl[2].type, IKEV2_PL_SA);
	ck_assert_uint_eq(c.pl[2].u.sa.proposals[0].protocol, IKEV2_PROTO_ESP);
	check_transform(&c.pl[2].u.sa.proposals[0].transforms[0], &ESP_X[0]);
	ck_assert_uint_eq(c.pl[4].type, IKEV2_PL_TSR);
	check_ts(&c.pl[4].u.ts.ts[0], &TS_LIST[0]);
	ikev2_chain_free(&c);
	ck_assert_int_eq(ikev2_chain_validate(b.p + lay.ct_off, n, first, NULL), IKEV2_PARSE_OK);

	/* pad length larger than the plaintext */
	uint8_t bad[4] = { 0, 0, 0, 4 };
	ck_assert_int_eq(ikev2_sk_strip_padding(bad, 4, &n, &err), IKEV2_PARSE_BAD_LENGTH);
	ck_assert_int_eq(ikev2_sk_strip_padding(bad, 0, &n, &err), IKEV2_PARSE_BAD_LENGTH);
	bad[3] = 3;
	ck_assert_int_eq(ikev2_sk_strip_padding(bad, 4, &n, &err), IKEV2_PARSE_OK);
	ck_assert_uint_eq(n, 0);
	/* empty inner chain */
	ck_assert_int_eq(ikev2_chain_parse(bad, 0, IKEV2_PL_NONE, &c, &err), IKEV2_PARSE_OK);
	ck_assert_uint_eq(c.n, 0);
	ikev2_chain_free(&c);

	reencode_identical(b.p, b.len);
	ikev2_msg_free(&m);
	buf_free(&b);
	buf_free(&in);
}
END_TEST

START_TEST(test_skf_fields)
{
	struct buf b;
	buf_init(&b);
	struct ikev2_enc e;
	struct ikev2_hdr h = test_hdr(IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1);
	struct ikev2_sk_layout lay;

	/* fragment 1 of 3 names the first inner payload */
	ikev2_enc_msg(&e, &b, &h);
	ikev2_enc_skf(&e, IKEV2_PL_IDI, 1, 3, 16, 32, 16, &lay);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), 0);
	ck_assert_uint_eq(lay.iv_off, IKEV2_HDR_LEN + IKEV2_SKF_HDR_LEN);
	ck_assert_uint_eq(b.len, IKEV2_HDR_LEN + IKEV2_SKF_HDR_LEN + 64);

	struct ikev2_msg m;
	struct ikev2_parse_err err;
	ck_assert_msg(ikev2_msg_parse(b.p, b.len, &m, &err) == IKEV2_PARSE_OK, "%s", err.msg);
	ck_assert_uint_eq(m.hdr.next_payload, IKEV2_PL_SKF);
	ck_assert_uint_eq(m.chain.n, 1);
	const struct ikev2_pl_sk *sk = &m.chain.pl[0].u.sk;
	ck_assert_uint_eq(sk->first_inner, IKEV2_PL_IDI);
	ck_assert_uint_eq(sk->frag_num, 1);
	ck_assert_uint_eq(sk->total_frags, 3);
	ck_assert_uint_eq(sk->data_len, 64);
	ck_assert_uint_eq(sk->data_off, lay.iv_off);
	struct ikev2_sk_layout pl;
	ck_assert_int_eq(ikev2_sk_layout(sk, 16, 16, &pl, &err), IKEV2_PARSE_OK);
	ck_assert_mem_eq(&pl, &lay, sizeof(pl));
	ikev2_msg_free(&m);

	/* fragment 3 of 3: next payload 0 */
	buf_reset(&b);
	ikev2_enc_msg(&e, &b, &h);
	ikev2_enc_skf(&e, 0, 3, 3, 8, 8, 16, &lay);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), 0);
	ck_assert_int_eq(ikev2_msg_parse(b.p, b.len, &m, &err), IKEV2_PARSE_OK);
	ck_assert_uint_eq(m.chain.pl[0].u.sk.first_inner, 0);
	ck_assert_uint_eq(m.chain.pl[0].u.sk.frag_num, 3);
	ck_assert_uint_eq(m.chain.pl[0].u.sk.total_frags, 3);
	ikev2_msg_free(&m);

	/* invalid fragment numbers on the wire */
	size_t fo = IKEV2_HDR_LEN + IKEV2_GENHDR_LEN;
	uint8_t *x = dup_exact(b.p, b.len);
	put16be(x + fo, 0);
	expect_err(x, b.len, IKEV2_PARSE_MALFORMED, "SKF payload: fragment number 0");
	put16be(x + fo, 1);
	put16be(x + fo + 2, 0);
	expect_err(x, b.len, IKEV2_PARSE_MALFORMED, "total fragments 0");
	put16be(x + fo, 4);
	put16be(x + fo + 2, 3);
	expect_err(x, b.len, IKEV2_PARSE_MALFORMED, "fragment number 4 above total fragments 3");
	free(x);

	/* SKF too short for its own header */
	uint8_t shortskf[IKEV2_HDR_LEN + 6];
	memcpy(shortskf, b.p, IKEV2_HDR_LEN + 6);
	put32be(shortskf + 24, sizeof(shortskf));
	put16be(shortskf + IKEV2_HDR_LEN + 2, 6);
	expect_err(shortskf, sizeof(shortskf), IKEV2_PARSE_BAD_LENGTH, "SKF payload: body of 2");

	/* invalid fragment numbers from the encoder */
	buf_reset(&b);
	ikev2_enc_msg(&e, &b, &h);
	ikev2_enc_skf(&e, IKEV2_PL_IDI, 0, 3, 16, 16, 16, &lay);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), -1);
	buf_reset(&b);
	ikev2_enc_msg(&e, &b, &h);
	ikev2_enc_skf(&e, IKEV2_PL_IDI, 4, 3, 16, 16, 16, &lay);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), -1);
	ck_assert(strstr(e.errmsg, "fragment 4 of 3") != NULL);
	buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------ tests: real captures */

START_TEST(test_real_sa_init)
{
	size_t n;
	uint8_t *req = unhex(cap_sa_init_req, &n);
	struct ikev2_msg m;
	struct ikev2_parse_err err;

	ck_assert_msg(ikev2_msg_parse(req, n, &m, &err) == IKEV2_PARSE_OK, "%s", err.msg);
	ck_assert(m.hdr.ispi == 0x3c939d0d96460893ULL);
	ck_assert(m.hdr.rspi == 0);
	ck_assert_uint_eq(m.hdr.exchange, IKEV2_EXCH_IKE_SA_INIT);
	ck_assert_uint_eq(m.hdr.flags, IKEV2_FLAG_INITIATOR);
	ck_assert_uint_eq(m.hdr.msgid, 0);
	ck_assert_uint_eq(m.hdr.length, 500);
	ck_assert_uint_eq(n, 500);
	static const uint8_t types[] = { IKEV2_PL_SA, IKEV2_PL_KE, IKEV2_PL_NONCE, IKEV2_PL_NOTIFY,
					 IKEV2_PL_NOTIFY, IKEV2_PL_NOTIFY, IKEV2_PL_NOTIFY,
					 IKEV2_PL_NOTIFY };
	static const uint16_t notifies[] = { IKEV2_N_NAT_DETECTION_SOURCE_IP,
					     IKEV2_N_NAT_DETECTION_DESTINATION_IP,
					     IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED,
					     IKEV2_N_SIGNATURE_HASH_ALGORITHMS,
					     IKEV2_N_REDIRECT_SUPPORTED };
	ck_assert_uint_eq(m.chain.n, sizeof(types));
	for (unsigned i = 0; i < sizeof(types); i++) {
		ck_assert_uint_eq(m.chain.pl[i].type, types[i]);
		ck_assert(m.chain.pl[i].known);
		if (i >= 3)
			ck_assert_uint_eq(m.chain.pl[i].u.notify.type, notifies[i - 3]);
	}

	const struct ikev2_pl_sa *sa = &m.chain.pl[0].u.sa;
	ck_assert_uint_eq(sa->n_proposals, 2);
	/* aes256-sha256-modp2048 */
	const struct ikev2_sa_proposal *p1 = &sa->proposals[0];
	ck_assert_uint_eq(p1->num, 1);
	ck_assert_uint_eq(p1->protocol, IKEV2_PROTO_IKE);
	ck_assert_uint_eq(p1->spi_size, 0);
	ck_assert_uint_eq(p1->n_transforms, 4);
	ck_assert_uint_eq(p1->transforms[0].type, IKEV2_XFORM_ENCR);
	ck_assert_uint_eq(p1->transforms[0].id, IKEV2_ENCR_AES_CBC);
	ck_assert(p1->transforms[0].has_key_length);
	ck_assert_uint_eq(p1->transforms[0].key_length, 256);
	ck_assert_uint_eq(p1->transforms[1].type, IKEV2_XFORM_INTEG);
	ck_assert_uint_eq(p1->transforms[1].id, IKEV2_INTEG_HMAC_SHA2_256_128);
	ck_assert_uint_eq(p1->transforms[2].type, IKEV2_XFORM_PRF);
	ck_assert_uint_eq(p1->transforms[2].id, IKEV2_PRF_HMAC_SHA2_256);
	ck_assert_uint_eq(p1->transforms[3].type, IKEV2_XFORM_DH);
	ck_assert_uint_eq(p1->transforms[3].id, IKEV2_DH_MODP_2048);
	/* aes128gcm16-prfsha256-ecp256 */
	const struct ikev2_sa_proposal *p2 = &sa->proposals[1];
	ck_assert_uint_eq(p2->num, 2);
	ck_assert_uint_eq(p2->n_transforms, 3);
	ck_assert_uint_eq(p2->transforms[0].id, IKEV2_ENCR_AES_GCM_16);
	ck_assert_uint_eq(p2->transforms[0].key_length, 128);
	ck_assert_uint_eq(p2->transforms[2].id, IKEV2_DH_ECP_256);

	ck_assert_uint_eq(m.chain.pl[1].u.ke.group, IKEV2_DH_MODP_2048);
	ck_assert_uint_eq(m.chain.pl[1].u.ke.data_len, 256);
	ck_assert_uint_eq(m.chain.pl[2].u.nonce.data_len, 32);
	ck_assert_uint_eq(m.chain.pl[3].u.notify.data_len, 20); /* SHA-1 NAT hash */
	const struct ikev2_payload *sh = ikev2_chain_notify(&m.chain, IKEV2_N_SIGNATURE_HASH_ALGORITHMS);
	ck_assert_ptr_nonnull(sh);
	static const uint8_t hashes[] = { 0, IKEV2_HASH_SHA2_256, 0, IKEV2_HASH_SHA2_384,
					  0, IKEV2_HASH_SHA2_512, 0, IKEV2_HASH_IDENTITY };
	ck_assert_uint_eq(sh->u.notify.data_len, sizeof(hashes));
	ck_assert_mem_eq(sh->u.notify.data, hashes, sizeof(hashes));
	ikev2_msg_free(&m);
	reencode_identical(req, n);
	free(req);

	uint8_t *resp = unhex(cap_sa_init_resp, &n);
	ck_assert_msg(ikev2_msg_parse(resp, n, &m, &err) == IKEV2_PARSE_OK, "%s", err.msg);
	ck_assert(m.hdr.ispi == 0x3c939d0d96460893ULL);
	ck_assert(m.hdr.rspi == 0x642cbf58105a9676ULL);
	ck_assert_uint_eq(m.hdr.flags, IKEV2_FLAG_RESPONSE);
	ck_assert_uint_eq(m.chain.n, 9);
	ck_assert_uint_eq(m.chain.pl[0].u.sa.n_proposals, 1);
	ck_assert_uint_eq(m.chain.pl[0].u.sa.proposals[0].transforms[0].key_length, 256);
	ck_assert_ptr_nonnull(ikev2_chain_notify(&m.chain, IKEV2_N_CHILDLESS_IKEV2_SUPPORTED));
	ck_assert_ptr_nonnull(ikev2_chain_notify(&m.chain, IKEV2_N_MULTIPLE_AUTH_SUPPORTED));
	ck_assert_ptr_null(ikev2_chain_notify(&m.chain, IKEV2_N_REDIRECT_SUPPORTED));
	ikev2_msg_free(&m);
	reencode_identical(resp, n);
	free(resp);
}
END_TEST

START_TEST(test_real_encrypted)
{
	size_t n;
	struct ikev2_msg m;
	struct ikev2_parse_err err;
	struct ikev2_sk_layout lay;

	/* IKE_AUTH request, fragment 1/2 and 2/2 (AES-CBC-256, HMAC-SHA2-256-128) */
	uint8_t *f1 = unhex(cap_auth_req_frag1, &n);
	ck_assert_msg(ikev2_msg_parse(f1, n, &m, &err) == IKEV2_PARSE_OK, "%s", err.msg);
	ck_assert_uint_eq(m.hdr.exchange, IKEV2_EXCH_IKE_AUTH);
	ck_assert_uint_eq(m.hdr.msgid, 1);
	ck_assert_uint_eq(m.chain.n, 1);
	const struct ikev2_pl_sk *sk = &m.chain.pl[0].u.sk;
	ck_assert_uint_eq(m.chain.pl[0].type, IKEV2_PL_SKF);
	ck_assert_uint_eq(sk->first_inner, IKEV2_PL_IDI);
	ck_assert_uint_eq(sk->frag_num, 1);
	ck_assert_uint_eq(sk->total_frags, 2);
	ck_assert_int_eq(ikev2_sk_layout(sk, 16, 16, &lay, &err), IKEV2_PARSE_OK);
	ck_assert_uint_eq(lay.iv_off, IKEV2_HDR_LEN + IKEV2_SKF_HDR_LEN);
	ck_assert_uint_eq(lay.ct_len % 16, 0);
	ck_assert_uint_eq(lay.icv_off + 16, n);
	ikev2_msg_free(&m);
	reencode_identical(f1, n);
	free(f1);

	uint8_t *f2 = unhex(cap_auth_req_frag2, &n);
	ck_assert_msg(ikev2_msg_parse(f2, n, &m, &err) == IKEV2_PARSE_OK, "%s", err.msg);
	ck_assert_uint_eq(m.chain.pl[0].u.sk.first_inner, 0);
	ck_assert_uint_eq(m.chain.pl[0].u.sk.frag_num, 2);
	ck_assert_uint_eq(m.chain.pl[0].u.sk.total_frags, 2);
	ikev2_msg_free(&m);
	reencode_identical(f2, n);
	free(f2);

	uint8_t *r = unhex(cap_auth_resp, &n);
	ck_assert_msg(ikev2_msg_parse(r, n, &m, &err) == IKEV2_PARSE_OK, "%s", err.msg);
	ck_assert_uint_eq(m.hdr.flags, IKEV2_FLAG_RESPONSE);
	ck_assert_uint_eq(m.chain.pl[0].type, IKEV2_PL_SK);
	ck_assert_uint_eq(m.chain.pl[0].u.sk.first_inner, IKEV2_PL_IDR);
	ck_assert_int_eq(ikev2_sk_layout(&m.chain.pl[0].u.sk, 16, 16, &lay, &err), IKEV2_PARSE_OK);
	ck_assert_uint_eq(lay.iv_off, IKEV2_HDR_LEN + IKEV2_GENHDR_LEN);
	ikev2_msg_free(&m);
	reencode_identical(r, n);
	free(r);

	uint8_t *i = unhex(cap_info_req, &n);
	ck_assert_int_eq(ikev2_msg_parse(i, n, &m, &err), IKEV2_PARSE_OK);
	ck_assert_uint_eq(m.hdr.exchange, IKEV2_EXCH_INFORMATIONAL);
	ck_assert_uint_eq(m.chain.pl[0].u.sk.first_inner, IKEV2_PL_DELETE);
	ikev2_msg_free(&m);
	free(i);
	i = unhex(cap_info_resp, &n);
	ck_assert_int_eq(ikev2_msg_parse(i, n, &m, &err), IKEV2_PARSE_OK);
	ck_assert_uint_eq(m.chain.pl[0].u.sk.first_inner, IKEV2_PL_NONE);
	ikev2_msg_free(&m);
	free(i);
}
END_TEST

/* ------------------------------------------------------------ tests: hostile input */

static void truncations(const uint8_t *msg, size_t n)
{
	struct ikev2_msg m;
	struct ikev2_parse_err err;

	ck_assert_int_eq(ikev2_msg_parse(msg, n, &m, &err), IKEV2_PARSE_OK);
	ikev2_msg_free(&m);
	for (size_t len = 0; len < n; len++) {
		/* the datagram is cut short */
		uint8_t *cut = dup_exact(msg, len);
		enum ikev2_parse_rc rc = ikev2_msg_parse(cut, len, &m, &err);
		ck_assert_msg(rc != IKEV2_PARSE_OK, "truncation to %zu of %zu parsed", len, n);
		ck_assert_int_eq(rc, len < IKEV2_HDR_LEN ? IKEV2_PARSE_TRUNCATED : rc);
		ck_assert_int_eq(m.hdr_valid, len >= IKEV2_HDR_LEN);
		ikev2_msg_free(&m);
		/* ... and the header length is made to agree */
		if (len >= IKEV2_HDR_LEN) {
			put32be(cut + 24, (uint32_t)len);
			rc = ikev2_msg_parse(cut, len, &m, &err);
			ck_assert_msg(rc != IKEV2_PARSE_OK, "truncation to %zu of %zu parsed", len,
				      n);
			ck_assert(err.msg[0] != 0);
			ikev2_msg_free(&m);
		}
		free(cut);
	}
}

START_TEST(test_truncated_every_length)
{
	struct buf b;
	buf_init(&b);
	build_all(&b);
	truncations(b.p, b.len);
	buf_free(&b);

	const char *caps[] = { cap_sa_init_req, cap_sa_init_resp, cap_auth_req_frag1,
			       cap_auth_req_frag2, cap_auth_resp, cap_info_req };
	for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		size_t n;
		uint8_t *p = unhex(caps[i], &n);
		truncations(p, n);
		free(p);
	}

	/* bare chains cut short */
	struct ikev2_enc e;
	buf_init(&b);
	ikev2_enc_chain(&e, &b);
	struct ikev2_pl_sa sa = { .n_proposals = 2, .proposals = PROPS };
	ikev2_enc_sa(&e, &sa);
	struct ikev2_pl_ts ts = { .n_ts = 3, .ts = TS_LIST };
	ikev2_enc_ts(&e, IKEV2_PL_TSI, &ts);
	struct ikev2_pl_cp cp = { .cfg_type = IKEV2_CP_REQUEST, .n_attrs = 4, .attrs = CFG_ATTRS };
	ikev2_enc_cp(&e, &cp);
	uint8_t first;
	ck_assert_int_eq(ikev2_enc_finish(&e, &first), 0);
	struct ikev2_chain c;
	ck_assert_int_eq(ikev2_chain_parse(b.p, b.len, first, &c, NULL), IKEV2_PARSE_OK);
	ikev2_chain_free(&c);
	for (size_t len = 0; len < b.len; len++) {
		uint8_t *cut = dup_exact(b.p, len);
		ck_assert_int_ne(ikev2_chain_parse(cut, len, first, &c, NULL), IKEV2_PARSE_OK);
		ck_assert_uint_eq(c.n, 0);
		ck_assert_ptr_null(c.arena);
		ikev2_chain_free(&c);
		free(cut);
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_header_errors)
{
	struct buf b;
	buf_init(&b);
	build_all(&b);
	size_t n = b.len;
	uint8_t *x = dup_exact(b.p, n);

	put32be(x + 24, 27);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "IKE header: length 27 below minimum 28");
	put32be(x + 24, (uint32_t)n + 1);
	expect_err(x, n, IKEV2_PARSE_TRUNCATED, "but only");
	put32be(x + 24, 0xffffffffu);
	expect_err(x, n, IKEV2_PARSE_TRUNCATED, "length 4294967295");
	put32be(x + 24, (uint32_t)n - 1);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "bytes received");
	put32be(x + 24, (uint32_t)n);

	/* wrong major versions; the header is still available to answer */
	struct ikev2_msg m;
	struct ikev2_parse_err err;
	x[17] = 0x10;
	ck_assert_int_eq(ikev2_msg_parse(x, n, &m, &err), IKEV2_PARSE_BAD_VERSION);
	ck_assert(m.hdr_valid);
	ck_assert_uint_eq(m.hdr.major, 1);
	ck_assert_uint_eq(m.hdr.exchange, IKEV2_EXCH_IKE_AUTH);
	ck_assert(strstr(err.msg, "major version 1") != NULL);
	ikev2_msg_free(&m);
	x[17] = 0x30;
	expect_err(x, n, IKEV2_PARSE_BAD_VERSION, "major version 3");
	x[17] = 0x21; /* a higher minor version is accepted */
	ck_assert_int_eq(ikev2_msg_parse(x, n, &m, &err), IKEV2_PARSE_OK);
	ck_assert_uint_eq(m.hdr.minor, 1);
	ikev2_msg_free(&m);
	x[17] = 0x20;

	/* next payload announced by the header but no room */
	uint8_t hdr_only[IKEV2_HDR_LEN];
	memcpy(hdr_only, x, IKEV2_HDR_LEN);
	put32be(hdr_only + 24, IKEV2_HDR_LEN);
	expect_err(hdr_only, IKEV2_HDR_LEN, IKEV2_PARSE_BAD_LENGTH, "SA payload: announced");
	/* header says no payloads but bytes follow */
	x[16] = 0;
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "bytes after the last payload");
	x[16] = IKEV2_PL_SA;
	/* bytes after the last payload */
	uint8_t *y = malloc(n + 3);
	memcpy(y, x, n);
	memset(y + n, 0, 3);
	put32be(y + 24, (uint32_t)n + 3);
	expect_err(y, n + 3, IKEV2_PARSE_BAD_LENGTH, "3 bytes after the last payload");
	free(y);

	/* NULL arguments */
	ck_assert_int_eq(ikev2_msg_parse(NULL, 10, &m, &err), IKEV2_PARSE_INVALID_ARG);
	ikev2_msg_free(&m);
	ck_assert_int_eq(ikev2_msg_parse(x, n, NULL, &err), IKEV2_PARSE_INVALID_ARG);
	ck_assert_int_eq(ikev2_chain_parse(NULL, 4, IKEV2_PL_SA, NULL, &err),
			 IKEV2_PARSE_INVALID_ARG);
	ck_assert_int_eq(ikev2_hdr_parse(x, 10, &m.hdr, NULL), IKEV2_PARSE_TRUNCATED);

	free(x);
	buf_free(&b);
}
END_TEST

START_TEST(test_length_lies)
{
	struct buf b;
	buf_init(&b);
	build_all(&b);
	size_t n = b.len;
	uint8_t *x = dup_exact(b.p, n);
	uint8_t save[4];

	/* generic payload length */
	size_t sa = pl_off(x, n, IKEV2_PL_SA);
	memcpy(save, x + sa, 4);
	put16be(x + sa + 2, 3);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "SA payload: length 3 below minimum 4");
	put16be(x + sa + 2, 0xffff);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "SA payload: length 65535 exceeds");
	put16be(x + sa + 2, 4);
	expect_err(x, n, IKEV2_PARSE_MALFORMED, "SA payload: no proposals");
	memcpy(x + sa, save, 4);

	/* proposal 1 (IKE, SPI 8) and its first transform */
	size_t prop = sa + 4, xf = prop + 8 + 8;
	memcpy(save, x + prop, 4);
	put16be(x + prop + 2, 7);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "proposal 1: length 7 below minimum 8");
	put16be(x + prop + 2, 0x7fff);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "proposal 1: length 32767 exceeds");
	memcpy(x + prop, save, 4);
	x[prop] = 0;
	expect_err(x, n, IKEV2_PARSE_MALFORMED, "proposal 1: marked last but");
	x[prop] = 5;
	expect_err(x, n, IKEV2_PARSE_MALFORMED, "last-substructure value 5");
	x[prop] = 2;
	x[prop + 6] = 200;
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "proposal 1: SPI size 200 does not fit");
	x[prop + 6] = 8;
	x[prop + 7] = 5;
	expect_err(x, n, IKEV2_PARSE_MALFORMED, "more transforms than the 5 announced");
	x[prop + 7] = 7;
	expect_err(x, n, IKEV2_PARSE_MALFORMED, "proposal 1: 7 transforms announced, 6 present");
	x[prop + 7] = 6;

	memcpy(save, x + xf, 4);
	put16be(x + xf + 2, 3);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH,
		   "SA payload: proposal 1 transform 1: length 3 below minimum 8");
	put16be(x + xf + 2, 0x1000);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "transform 1: length 4096 exceeds");
	put16be(x + xf + 2, 10); /* attribute header cut in two */
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "transform 1 attribute 1: 2 bytes left");
	memcpy(x + xf, save, 4);
	x[xf] = 0;
	expect_err(x, n, IKEV2_PARSE_MALFORMED, "transform 1: marked last");
	x[xf] = 3;
	/* KEY_LENGTH in TLV format */
	x[xf + 8] &= 0x7f;
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "attribute 1: length 256 exceeds");
	put16be(x + xf + 10, 0);
	expect_err(x, n, IKEV2_PARSE_MALFORMED, "KEY_LENGTH attribute not in TV format");
	put16be(x + xf + 8, 0x800e);
	put16be(x + xf + 10, 256);
	/* the last transform claims more follow */
	xf = prop + 8 + 8 + 12 + 23 + 8 + 8 + 8; /* transform 6 */
	ck_assert_uint_eq(x[xf], 0);
	ck_assert_uint_eq(x[xf + 4], IKEV2_XFORM_DH);
	x[xf] = 3;
	expect_err(x, n, IKEV2_PARSE_MALFORMED, "transform 6: announces more transforms");
	x[xf] = 0;
	/* duplicate KEY_LENGTH: turn transform 2's TV attribute 17 into 14 */
	xf = prop + 8 + 8 + 12;
	ck_assert_uint_eq(get_u16(x + xf + 12), 0x8011);
	put16be(x + xf + 12, 0x800e);
	expect_err(x, n, IKEV2_PARSE_MALFORMED, "transform 2: duplicate KEY_LENGTH");
	put16be(x + xf + 12, 0x8011);
	/* TLV attribute length lie */
	put16be(x + xf + 18, 4);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "transform 2 attribute 3: length 4 exceeds");
	put16be(x + xf + 18, 3);
	/* last proposal claims more */
	size_t prop2 = prop + get_u16(x + prop + 2);
	x[prop2] = 2;
	expect_err(x, n, IKEV2_PARSE_MALFORMED, "proposal 2: announces more proposals");
	x[prop2] = 0;

	/* KE / ID / AUTH / CERT bodies shorter than their fixed part */
	size_t ke = pl_off(x, n, IKEV2_PL_KE);
	struct {
		uint8_t type;
		const char *msg;
	} shortbody[] = {
		{ IKEV2_PL_KE, "KE payload: body of 3 bytes, minimum 4" },
		{ IKEV2_PL_IDI, "IDi payload: body of 3 bytes, minimum 4" },
		{ IKEV2_PL_AUTH, "AUTH payload: body of 3 bytes, minimum 4" },
		{ IKEV2_PL_NOTIFY, "Notify payload: body of 3 bytes, minimum 4" },
		{ IKEV2_PL_DELETE, "Delete payload: body of 3 bytes, minimum 4" },
		{ IKEV2_PL_TSI, "TSi payload: body of 3 bytes, minimum 4" },
		{ IKEV2_PL_CP, "CP payload: body of 3 bytes, minimum 4" },
		{ IKEV2_PL_EAP, "EAP payload: body of 3 bytes, minimum 4" },
	};
	(void)ke;
	for (unsigned i = 0; i < sizeof(shortbody) / sizeof(shortbody[0]); i++) {
		size_t o = pl_off(x, n, shortbody[i].type);
		uint16_t plen = get_u16(x + o + 2);
		/* shrink the payload to a 3-byte body and move the rest up */
		size_t cut = plen - 7;
		uint8_t *y = malloc(n - cut);
		memcpy(y, x, o + 7);
		memcpy(y + o + 7, x + o + plen, n - o - plen);
		put16be(y + o + 2, 7);
		put32be(y + 24, (uint32_t)(n - cut));
		expect_err(y, n - cut, IKEV2_PARSE_BAD_LENGTH, shortbody[i].msg);
		free(y);
	}
	{
		size_t o = pl_off(x, n, IKEV2_PL_CERT);
		uint16_t plen = get_u16(x + o + 2);
		size_t cut = plen - 4;
		uint8_t *y = malloc(n - cut);
		memcpy(y, x, o + 4);
		memcpy(y + o + 4, x + o + plen, n - o - plen);
		put16be(y + o + 2, 4);
		put32be(y + 24, (uint32_t)(n - cut));
		expect_err(y, n - cut, IKEV2_PARSE_BAD_LENGTH, "CERT payload: body of 0 bytes");
		free(y);
	}

	/* Nonce of 8 bytes */
	{
		size_t o = pl_off(x, n, IKEV2_PL_NONCE);
		size_t cut = 24;
		uint8_t *y = malloc(n - cut);
		memcpy(y, x, o + 12);
		memcpy(y + o + 12, x + o + 36, n - o - 36);
		put16be(y + o + 2, 12);
		put32be(y + 24, (uint32_t)(n - cut));
		expect_err(y, n - cut, IKEV2_PARSE_BAD_LENGTH, "Nonce payload: nonce of 8 bytes");
		free(y);
	}

	/* Notify SPI size */
	size_t no = pl_off(x, n, IKEV2_PL_NOTIFY);
	x[no + 5] = 5;
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "REKEY_SA: SPI size 5 exceeds the 4 bytes");
	x[no + 5] = 4;

	/* Delete SPI count */
	size_t de = pl_off(x, n, IKEV2_PL_DELETE);
	put16be(x + de + 6, 4);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "4 SPIs of 4 bytes need 16 bytes, 12 present");
	put16be(x + de + 6, 0xffff);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "65535 SPIs");
	put16be(x + de + 6, 3);
	x[de + 5] = 3;
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "3 SPIs of 3 bytes need 9 bytes");
	x[de + 5] = 4;

	/* TS: count and selector lengths (TSi holds IPv4, IPv6, SECLABEL) */
	size_t ts = pl_off(x, n, IKEV2_PL_TSI);
	x[ts + 4] = 4;
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "selector 4 of 4: 0 bytes left");
	x[ts + 4] = 2;
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "bytes after the 2 announced selectors");
	x[ts + 4] = 0;
	expect_err(x, n, IKEV2_PARSE_MALFORMED, "TSi payload: no traffic selectors");
	x[ts + 4] = 3;
	size_t sel = ts + 8;
	put16be(x + sel + 2, 20);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "selector 1: TS_IPV4_ADDR_RANGE length 20, expected 16");
	put16be(x + sel + 2, 16);
	sel += 16;
	put16be(x + sel + 2, 16);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "selector 2: TS_IPV6_ADDR_RANGE length 16, expected 40");
	put16be(x + sel + 2, 40);
	sel += 40;
	put16be(x + sel + 2, 3);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "selector 3: length 3 below minimum 4");
	put16be(x + sel + 2, 10);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "selector 3: length 10 exceeds the 9 bytes");
	put16be(x + sel + 2, 9);

	/* CP attribute length */
	size_t cp = pl_off(x, n, IKEV2_PL_CP);
	size_t at = cp + 8 + 4 + 8; /* third attribute */
	put16be(x + at + 2, 200);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "attribute 3 (INTERNAL_DNS_DOMAIN): length 200");
	put16be(x + at + 2, 11);

	/* EAP length field */
	size_t eap = pl_off(x, n, IKEV2_PL_EAP);
	put16be(x + eap + 6, 10);
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "EAP length 10 does not match the 9 bytes");
	put16be(x + eap + 6, 9);
	size_t eap2 = eap + get_u16(x + eap + 2);
	x[eap2 + 4] = IKEV2_EAP_RESPONSE; /* Response with no type */
	expect_err(x, n, IKEV2_PARSE_BAD_LENGTH, "EAP RESPONSE of 4 bytes has no type");
	x[eap2 + 4] = IKEV2_EAP_SUCCESS;

	/* all patched fields restored: identical to the original */
	ck_assert_mem_eq(x, b.p, n);
	ck_assert_int_eq(ikev2_msg_validate(x, n, NULL), IKEV2_PARSE_OK);
	free(x);
	buf_free(&b);
}
END_TEST

/* Message: Nonce, then a payload of the given type and flags. */
static size_t two_payloads(uint8_t *out, uint8_t type, uint8_t flags)
{
	struct buf b;
	buf_init(&b);
	struct ikev2_enc e;
	struct ikev2_hdr h = test_hdr(IKEV2_EXCH_IKE_SA_INIT, IKEV2_FLAG_INITIATOR, 0);
	ikev2_enc_msg(&e, &b, &h);
	ikev2_enc_nonce(&e, NONCE, sizeof(NONCE));
	ikev2_enc_raw(&e, type, (flags & 0x80) != 0, UNKNOWN_BODY, sizeof(UNKNOWN_BODY));
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), 0);
	b.p[IKEV2_HDR_LEN + 36 + 1] = flags;
	size_t n = b.len;
	memcpy(out, b.p, n);
	buf_free(&b);
	return n;
}

START_TEST(test_critical_unknown)
{
	uint8_t x[256];
	struct ikev2_msg m;
	struct ikev2_parse_err err;

	size_t n = two_payloads(x, 99, 0x80);
	ck_assert_int_eq(ikev2_msg_parse(x, n, &m, &err), IKEV2_PARSE_UNSUPPORTED_CRITICAL);
	ck_assert_uint_eq(err.payload_type, 99);
	ck_assert_uint_eq(err.payload_index, 1);
	ck_assert_uint_eq(err.offset, IKEV2_HDR_LEN + 36);
	ck_assert(strstr(err.msg, "type 99 is not supported") != NULL);
	ck_assert(m.hdr_valid);
	ck_assert(m.hdr.ispi == 0x8877665544332211ULL);
	ikev2_msg_free(&m);

	/* IANA-registered types the codec does not decode count as unknown */
	n = two_payloads(x, IKEV2_PL_GSPM, 0x80);
	expect_err(x, n, IKEV2_PARSE_UNSUPPORTED_CRITICAL, "GSPM payload: critical bit set");
	n = two_payloads(x, 1, 0x80);
	expect_err(x, n, IKEV2_PARSE_UNSUPPORTED_CRITICAL, "type 1 is not supported");

	/* not critical: skipped and recorded; reserved bits ignored */
	n = two_payloads(x, 99, 0x7f);
	ck_assert_int_eq(ikev2_msg_parse(x, n, &m, &err), IKEV2_PARSE_OK);
	ck_assert_uint_eq(m.chain.n, 2);
	ck_assert(!m.chain.pl[1].known);
	ck_assert(!m.chain.pl[1].critical);
	ck_assert_uint_eq(m.chain.pl[1].type, 99);
	ck_assert_uint_eq(m.chain.pl[1].body_len, sizeof(UNKNOWN_BODY));
	ikev2_msg_free(&m);

	/* the critical bit on a known payload is ignored */
	n = two_payloads(x, IKEV2_PL_VENDOR, 0x80);
	ck_assert_int_eq(ikev2_msg_parse(x, n, &m, &err), IKEV2_PARSE_OK);
	ck_assert(m.chain.pl[1].known);
	ck_assert(m.chain.pl[1].critical);
	ck_assert_uint_eq(m.chain.pl[1].u.vendor.data_len, sizeof(UNKNOWN_BODY));
	ikev2_msg_free(&m);

	/* critical unknown payload inside SK plaintext */
	ck_assert_int_eq(ikev2_chain_parse(x + IKEV2_HDR_LEN, n - IKEV2_HDR_LEN, IKEV2_PL_NONCE,
					   NULL, &err), IKEV2_PARSE_INVALID_ARG);
	n = two_payloads(x, 200, 0x80);
	struct ikev2_chain c;
	ck_assert_int_eq(ikev2_chain_parse(x + IKEV2_HDR_LEN, n - IKEV2_HDR_LEN, IKEV2_PL_NONCE,
					   &c, &err), IKEV2_PARSE_UNSUPPORTED_CRITICAL);
	ck_assert_uint_eq(err.payload_type, 200);
	ikev2_chain_free(&c);
}
END_TEST

START_TEST(test_too_many_payloads)
{
	struct buf b;
	buf_init(&b);
	struct ikev2_enc e;
	struct ikev2_hdr h = test_hdr(IKEV2_EXCH_INFORMATIONAL, 0, 5);
	ikev2_enc_msg(&e, &b, &h);
	for (unsigned i = 0; i < IKEV2_MAX_PAYLOADS; i++)
		ikev2_enc_vendor(&e, VID, 4);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), 0);

	struct ikev2_msg m;
	struct ikev2_parse_err err;
	ck_assert_int_eq(ikev2_msg_parse(b.p, b.len, &m, &err), IKEV2_PARSE_OK);
	ck_assert_uint_eq(m.chain.n, IKEV2_MAX_PAYLOADS);
	ikev2_msg_free(&m);

	/* the encoder refuses the 65th */
	ikev2_enc_vendor(&e, VID, 4);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), -1);
	ck_assert(strstr(e.errmsg, "more than 64 payloads") != NULL);

	/* a 65th on the wire: chain it after the last one by hand */
	buf_reset(&b);
	ikev2_enc_msg(&e, &b, &h);
	for (unsigned i = 0; i < IKEV2_MAX_PAYLOADS; i++)
		ikev2_enc_vendor(&e, VID, 4);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), 0);
	b.p[b.len - 8] = IKEV2_PL_VENDOR;
	buf_add(&b, "\x00\x00\x00\x08VID!", 8);
	put32be(b.p + 24, (uint32_t)b.len);
	ck_assert_int_eq(ikev2_msg_parse(b.p, b.len, &m, &err), IKEV2_PARSE_TOO_MANY_PAYLOADS);
	ck_assert_uint_eq(err.payload_index, IKEV2_MAX_PAYLOADS);
	ck_assert(strstr(err.msg, "more than 64 payloads") != NULL);
	ikev2_msg_free(&m);
	/* an endless-looking chain of tiny payloads is bounded as well */
	ck_assert_int_eq(ikev2_msg_validate(b.p, b.len, NULL), IKEV2_PARSE_TOO_MANY_PAYLOADS);
	buf_free(&b);
}
END_TEST

START_TEST(test_sk_placement)
{
	struct buf b;
	buf_init(&b);
	struct ikev2_enc e;
	struct ikev2_hdr h = test_hdr(IKEV2_EXCH_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1);
	struct ikev2_sk_layout lay;
	ikev2_enc_msg(&e, &b, &h);
	ikev2_enc_sk(&e, IKEV2_PL_IDI, 16, 16, 16, &lay);
	/* nothing may follow SK */
	ikev2_enc_vendor(&e, VID, 4);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), -1);
	ck_assert(strstr(e.errmsg, "after the encrypted payload") != NULL);

	/* on the wire: SK whose length stops short of the end, a Vendor ID after */
	buf_reset(&b);
	ikev2_enc_msg(&e, &b, &h);
	ikev2_enc_sk(&e, IKEV2_PL_IDI, 16, 16, 16, &lay);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), 0);
	size_t sk = IKEV2_HDR_LEN;
	put16be(b.p + sk + 2, (uint16_t)(get_u16(b.p + sk + 2) - 8));
	expect_err(b.p, b.len, IKEV2_PARSE_SK_NOT_LAST, "SK payload: must be the last payload, 8");

	/* SK inside SK plaintext */
	uint8_t inner[8] = { 0, 0, 0, 8, 1, 2, 3, 4 };
	struct ikev2_parse_err err;
	struct ikev2_chain c;
	ck_assert_int_eq(ikev2_chain_parse(inner, 8, IKEV2_PL_SK, &c, &err),
			 IKEV2_PARSE_SK_NOT_LAST);
	ck_assert(strstr(err.msg, "inside an encrypted payload") != NULL);
	ck_assert_int_eq(ikev2_chain_validate(inner, 8, IKEV2_PL_SKF, &err),
			 IKEV2_PARSE_SK_NOT_LAST);
	ck_assert_int_eq(ikev2_chain_parse(inner, 8, IKEV2_PL_VENDOR, &c, &err), IKEV2_PARSE_OK);
	ikev2_chain_free(&c);
	buf_free(&b);
}
END_TEST

START_TEST(test_encoder_errors)
{
	struct buf b;
	buf_init(&b);
	struct ikev2_enc e;
	struct ikev2_hdr h = test_hdr(IKEV2_EXCH_IKE_AUTH, 0, 1);

	uint8_t *big = calloc(1, 70000);
	ikev2_enc_msg(&e, &b, &h);
	ikev2_enc_vendor(&e, big, 70000);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), -1);
	ck_assert(strstr(e.errmsg, "70000 bytes") != NULL);

	buf_reset(&b);
	ikev2_enc_msg(&e, &b, &h);
	ikev2_enc_vendor(&e, big, 65532);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), -1); /* 65535 + 1 */
	ck_assert(strstr(e.errmsg, "Vendor ID payload: 65536 bytes") != NULL);

	buf_reset(&b);
	ikev2_enc_msg(&e, &b, &h);
	ikev2_enc_vendor(&e, big, 65531);
	ck_assert_int_eq(ikev2_enc_finish(&e, NULL), 0);
	ck_assert_uint_eq(b.len, IKEV2_HDR_LEN + 65535);
	free(big);

	struct {
		const char *what;
		int kind;
	} cases[] = { { "short nonce", 0 }, { "no TS", 1 }, { "256 TS", 2 }, { "no SA", 3 },
		      { "SPI missing", 4 }, { "bad ID type", 5 }, { "type 0", 6 },
		      { "raw SK", 7 } };
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		ikev2_enc_msg(&e, &b, &h);
		struct ikev2_pl_ts ts = { .n_ts = 0, .ts = TS_LIST };
		struct ikev2_pl_sa sa = { 0 };
		struct ikev2_pl_notify no = { .spi_size = 4 };
		struct ikev2_pl_id id = { 0 };
		switch (cases[i].kind) {
		case 0: ikev2_enc_nonce(&e, NONCE, 8); break;
		case 1: ikev2_enc_ts(&e, IKEV2_PL_TSI, &ts); break;
		case 2: ts.n_ts = 256; ikev2_enc_ts(&e, IKEV2_PL_TSR, &ts); break;
		case 3: ikev2_enc_sa(&e, &sa); break;
		case 4: ikev2_enc_notify(&e, &no); break;
		case 5: ikev2_enc_id(&e, IKEV2_PL_AUTH, &id); break;
		case 6: ikev2_enc_raw(&e, 0, false, NULL, 0); break;
		case 7: ikev2_enc_raw(&e, IKEV2_PL_SK, false, NULL, 0); break;
		}
		ck_assert_msg(ikev2_enc_finish(&e, NULL) == -1, "%s accepted", cases[i].what);
		ck_assert(e.errmsg[0] != 0);
	}
	buf_free(&b);
}
END_TEST

/* Deterministic mutation run: must never crash (run it under ASan/UBSan);
 * whatever parses must re-encode to the same length and parse again. */
static uint32_t rng_state = 0x12345678;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

START_TEST(test_random_mutations)
{
	const char *caps[] = { cap_sa_init_req, cap_sa_init_resp, cap_auth_req_frag1,
			       cap_auth_resp };
	struct buf all;
	buf_init(&all);
	build_all(&all);
	unsigned parsed = 0;

	for (unsigned it = 0; it < 20000; it++) {
		size_t n;
		uint8_t *orig;
		unsigned pick = rnd() % 5;
		if (pick < 4) {
			orig = unhex(caps[pick], &n);
		} else {
			n = all.len;
			orig = dup_exact(all.p, n);
		}
		unsigned flips = 1 + rnd() % 4;
		for (unsigned f = 0; f < flips; f++) {
			size_t pos = rnd() % n;
			switch (rnd() % 3) {
			case 0: orig[pos] ^= (uint8_t)(1u << (rnd() % 8)); break;
			case 1: orig[pos] = (uint8_t)rnd(); break;
			default: orig[pos] = (uint8_t)(rnd() % 2 ? 0 : 0xff); break;
			}
		}
		size_t len = n;
		if (rnd() % 4 == 0) {
			len = rnd() % (n + 1);
			if (len >= IKEV2_HDR_LEN)
				put32be(orig + 24, (uint32_t)len);
		}
		uint8_t *in = dup_exact(orig, len);
		free(orig);

		struct ikev2_msg m;
		struct ikev2_parse_err err;
		if (ikev2_msg_parse(in, len, &m, &err) == IKEV2_PARSE_OK) {
			parsed++;
			struct buf b;
			buf_init(&b);
			struct ikev2_enc e;
			ikev2_enc_msg(&e, &b, &m.hdr);
			for (unsigned i = 0; i < m.chain.n; i++)
				ikev2_enc_payload(&e, &m.chain.pl[i]);
			ck_assert_msg(ikev2_enc_finish(&e, NULL) == 0, "%s", e.errmsg);
			ck_assert_uint_eq(b.len, len);
			struct ikev2_msg m2;
			ck_assert_msg(ikev2_msg_parse(b.p, b.len, &m2, &err) == IKEV2_PARSE_OK, "%s",
				      err.msg);
			ck_assert_uint_eq(m2.chain.n, m.chain.n);
			ikev2_msg_free(&m2);
			buf_free(&b);
		} else {
			ck_assert(err.msg[0] != 0);
		}
		ikev2_msg_free(&m);
		free(in);
	}
	ck_assert_uint_gt(parsed, 100);
	buf_free(&all);
}
END_TEST

static Suite *codec_suite(void)
{
	Suite *s = suite_create("ikev2_codec");
	TCase *tc = tcase_create("codec");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_const_values);
	tcase_add_test(tc, test_const_names);
	tcase_add_test(tc, test_header_roundtrip);
	tcase_add_test(tc, test_roundtrip_all_payloads);
	tcase_add_test(tc, test_sk_roundtrip);
	tcase_add_test(tc, test_skf_fields);
	tcase_add_test(tc, test_real_sa_init);
	tcase_add_test(tc, test_real_encrypted);
	tcase_add_test(tc, test_truncated_every_length);
	tcase_add_test(tc, test_header_errors);
	tcase_add_test(tc, test_length_lies);
	tcase_add_test(tc, test_critical_unknown);
	tcase_add_test(tc, test_too_many_payloads);
	tcase_add_test(tc, test_sk_placement);
	tcase_add_test(tc, test_encoder_errors);
	tcase_add_test(tc, test_random_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(codec_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
