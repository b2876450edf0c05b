/* IKEv2 configuration model: proposals, policies, keyrings, profiles,
 * name-manglers and the global "crypto ikev2 ..." settings, as IOS has them.
 *
 * The CLI handlers (ikev2/config_*.c) build these objects; the IKEv2 engine
 * reads them through the read-only API below.  Algorithms are stored as IANA
 * IKEv2 transform IDs (ikev2/ikev2_const.h); DH groups are IANA key exchange
 * method IDs, which are the IOS group numbers.
 *
 * Everything here belongs to the control-plane thread: the returned pointers
 * stay valid until the next configuration change. */
#ifndef IKESH_IKEV2_CONFIG_H
#define IKESH_IKEV2_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ikev2/ikev2_const.h"

#define IKEV2_NAME_MAX 64    /* object names (IOS allows long names; 63 is plenty) */
#define IKEV2_TEXT_MAX 256   /* descriptions, keys, identity strings */

/* ---- addresses -------------------------------------------------------- */

struct ikev2_ip {
	uint8_t family;      /* AF_INET, AF_INET6, or 0 when unset */
	uint8_t addr[16];    /* network byte order; IPv4 uses the first 4 bytes */
};

struct ikev2_prefix {
	struct ikev2_ip ip;
	uint8_t plen;        /* prefix length (IPv4 masks are converted) */
};

/* Parse "A.B.C.D" or "X:X::X"; 0 on success. */
int ikev2_ip_parse(const char *s, struct ikev2_ip *ip);
/* Does ip fall inside pfx? (families must agree) */
bool ikev2_prefix_contains(const struct ikev2_prefix *pfx, const struct ikev2_ip *ip);

/* ---- proposals -------------------------------------------------------- */

#define IKEV2_MAX_ENCR 5
#define IKEV2_MAX_INTEG 4
#define IKEV2_MAX_PRF 4
#define IKEV2_MAX_DH 8

struct ikev2_encr_alg {
	uint16_t id;         /* IKEV2_ENCR_AES_CBC or IKEV2_ENCR_AES_GCM_16 */
	uint16_t keybits;    /* 128, 192, 256 */
};

struct ikev2_proposal {
	char name[IKEV2_NAME_MAX];
	bool is_default;     /* the built-in "default" proposal */
	int n_encr;
	struct ikev2_encr_alg encr[IKEV2_MAX_ENCR];   /* in configured order */
	int n_integ;
	uint16_t integ[IKEV2_MAX_INTEG];              /* IKEV2_INTEG_* */
	int n_prf;
	uint16_t prf[IKEV2_MAX_PRF];                  /* IKEV2_PRF_*; empty: derived from integ */
	int n_dh;
	uint16_t dh[IKEV2_MAX_DH];                    /* IANA DH / IOS group numbers */
	int src_line;
	struct ikev2_proposal *next;
};

bool ikev2_encr_is_aead(uint16_t encr_id);
/* A proposal the engine can offer: encryption and a DH group, plus integrity
 * (non-AEAD) or a PRF (AEAD, which must have no integrity).  When it is not,
 * why gets a short reason (if why is not NULL). */
bool ikev2_proposal_complete(const struct ikev2_proposal *p, char *why, size_t whylen);
/* The PRFs the proposal offers: the configured ones, or when none are
 * configured the PRFs matching its integrity algorithms (IOS behaviour).
 * Returns the count written to out (at most max). */
int ikev2_proposal_prfs(const struct ikev2_proposal *p, uint16_t *out, int max);

/* By name, including "default" while it is enabled; NULL if none. */
const struct ikev2_proposal *ikev2_proposal_find(const char *name);
/* All configured proposals, the enabled default one first. */
const struct ikev2_proposal *ikev2_proposal_first(void);
const struct ikev2_proposal *ikev2_proposal_next(const struct ikev2_proposal *p);

/* ---- policies --------------------------------------------------------- */

enum ikev2_fvrf_kind {
	IKEV2_FVRF_GLOBAL,   /* no match fvrf: the global routing table only */
	IKEV2_FVRF_ANY,      /* match fvrf any */
	IKEV2_FVRF_NAMED,    /* match fvrf NAME */
};

#define IKEV2_POLICY_MAX_ADDR 8
#define IKEV2_POLICY_MAX_PROPOSALS 16

struct ikev2_policy {
	char name[IKEV2_NAME_MAX];
	bool is_default;
	enum ikev2_fvrf_kind fvrf_kind;
	char fvrf[IKEV2_NAME_MAX];
	int n_local;                                  /* 0: any local address */
	struct ikev2_ip local[IKEV2_POLICY_MAX_ADDR];
	int n_proposals;
	char proposals[IKEV2_POLICY_MAX_PROPOSALS][IKEV2_NAME_MAX];  /* in order */
	int proposal_line[IKEV2_POLICY_MAX_PROPOSALS];
	int src_line;
	struct ikev2_policy *next;
};

/* Every policy in selection order: configured ones, then the default policy
 * (while enabled). */
const struct ikev2_policy *ikev2_policy_first(void);
const struct ikev2_policy *ikev2_policy_next(const struct ikev2_policy *p);
const struct ikev2_policy *ikev2_policy_find(const char *name);
/* Does the policy accept an SA on local address (NULL: unknown) in front
 * VRF fvrf (NULL or "": global)? */
bool ikev2_policy_matches(const struct ikev2_policy *p, const struct ikev2_ip *local,
			  const char *fvrf);
/* The policy IOS would use: among matching policies that have at least one
 * complete proposal, the most specific (a local address match beats a
 * policy without one, a named fvrf beats "any"), then the first configured;
 * the default policy last.  NULL when none matches. */
const struct ikev2_policy *ikev2_policy_select(const struct ikev2_ip *local, const char *fvrf);

/* ---- identities --------------------------------------------------------- */

enum ikev2_idkind {
	IKEV2_IDK_NONE,
	IKEV2_IDK_ADDRESS,       /* address A.B.C.D [MASK] | X:X::X/n */
	IKEV2_IDK_FQDN,          /* fqdn NAME */
	IKEV2_IDK_FQDN_DOMAIN,   /* fqdn domain NAME */
	IKEV2_IDK_EMAIL,         /* email NAME */
	IKEV2_IDK_EMAIL_DOMAIN,  /* email domain NAME */
	IKEV2_IDK_KEY_ID,        /* key-id STRING */
	IKEV2_IDK_DN,            /* dn (local identity from the certificate) */
	IKEV2_IDK_ANY,           /* match identity remote any */
};

struct ikev2_idspec {
	enum ikev2_idkind kind;
	char value[IKEV2_TEXT_MAX];   /* name / domain / key-id / address text as typed */
	struct ikev2_prefix pfx;      /* IKEV2_IDK_ADDRESS: the address and mask */
	bool any_v4;                  /* "address 0.0.0.0" with no mask: any IPv4 peer */
};

/* Does a received identity (IKEv2 ID type and its data) match spec? */
bool ikev2_idspec_matches(const struct ikev2_idspec *spec, int id_type, const void *id,
			  size_t id_len);

/* ---- keyrings ------------------------------------------------------------ */

struct ikev2_psk {
	bool set;
	int enc;                      /* 0 or 6 as typed ("pre-shared-key 6 ..."), -1 none */
	char key[IKEV2_TEXT_MAX];     /* as typed */
};

struct ikev2_keyring_peer {
	char name[IKEV2_NAME_MAX];
	char description[IKEV2_TEXT_MAX];
	bool has_addr;
	struct ikev2_prefix addr;
	char addr_text[96];           /* "10.0.0.1", "0.0.0.0 0.0.0.0", "2001:db8::/64" */
	char hostname[IKEV2_TEXT_MAX];
	struct ikev2_idspec identity; /* kind NONE when not set */
	struct ikev2_psk psk;         /* pre-shared-key KEY (both directions) */
	struct ikev2_psk psk_local;   /* pre-shared-key local KEY (signing) */
	struct ikev2_psk psk_remote;  /* pre-shared-key remote KEY (verifying) */
	struct ikev2_keyring_peer *next;
};

struct ikev2_keyring {
	char name[IKEV2_NAME_MAX];
	struct ikev2_keyring_peer *peers;
	int src_line;
	struct ikev2_keyring *next;
};

const struct ikev2_keyring *ikev2_keyring_find(const char *name);
const struct ikev2_keyring *ikev2_keyring_first(void);
/* The peer whose address prefix contains ip, longest prefix first. */
const struct ikev2_keyring_peer *ikev2_keyring_peer_by_addr(const struct ikev2_keyring *kr,
							   const struct ikev2_ip *ip);
/* The peer with this hostname (case-insensitive). */
const struct ikev2_keyring_peer *ikev2_keyring_peer_by_hostname(const struct ikev2_keyring *kr,
							       const char *hostname);
/* The peer whose "identity" matches a received IKEv2 identity (exact
 * matches before domain matches). */
const struct ikev2_keyring_peer *ikev2_keyring_peer_by_identity(const struct ikev2_keyring *kr,
							       int id_type, const void *id,
							       size_t id_len);
/* The key used to sign our AUTH (local=true) or to verify the peer's: the
 * direction-specific key when set, else the common one; NULL when none. */
const char *ikev2_keyring_peer_psk(const struct ikev2_keyring_peer *peer, bool local);

/* ---- name manglers ------------------------------------------------------- */

enum ikev2_mangle_fqdn { IKEV2_MANGLE_FQDN_NONE, IKEV2_MANGLE_FQDN_ALL, IKEV2_MANGLE_FQDN_HOSTNAME,
			 IKEV2_MANGLE_FQDN_DOMAIN };
enum ikev2_mangle_email { IKEV2_MANGLE_EMAIL_NONE, IKEV2_MANGLE_EMAIL_ALL,
			  IKEV2_MANGLE_EMAIL_USERNAME, IKEV2_MANGLE_EMAIL_DOMAIN };
enum ikev2_mangle_dn { IKEV2_MANGLE_DN_NONE, IKEV2_MANGLE_DN_COMMON_NAME, IKEV2_MANGLE_DN_COUNTRY,
		       IKEV2_MANGLE_DN_DOMAIN, IKEV2_MANGLE_DN_LOCALITY, IKEV2_MANGLE_DN_ORGANIZATION,
		       IKEV2_MANGLE_DN_ORGANIZATION_UNIT, IKEV2_MANGLE_DN_STATE };
enum ikev2_mangle_eap { IKEV2_MANGLE_EAP_NONE, IKEV2_MANGLE_EAP_ALL, IKEV2_MANGLE_EAP_DN,
			IKEV2_MANGLE_EAP_PREFIX, IKEV2_MANGLE_EAP_SUFFIX };

struct ikev2_name_mangler {
	char name[IKEV2_NAME_MAX];
	enum ikev2_mangle_fqdn fqdn;
	enum ikev2_mangle_email email;
	enum ikev2_mangle_dn dn;
	enum ikev2_mangle_eap eap;
	enum ikev2_mangle_dn eap_dn;  /* eap dn FIELD */
	char eap_delim;               /* eap prefix/suffix delimiter: '.' or '@' */
	int src_line;
	struct ikev2_name_mangler *next;
};

/* id_type for an EAP identity (not an IKEv2 ID type). */
#define IKEV2_MANGLE_ID_EAP 0x100

const struct ikev2_name_mangler *ikev2_name_mangler_find(const char *name);
/* Derive a user name from a received identity as the mangler says; returns
 * the length written to out (NUL-terminated), or -1 when the mangler has no
 * rule for this identity type or the identity lacks the part asked for.
 * DN identities are given as text ("cn=a,o=b"). */
int ikev2_name_mangle(const struct ikev2_name_mangler *m, int id_type, const void *id,
		      size_t id_len, char *out, size_t outlen);

/* ---- profiles ------------------------------------------------------------- */

enum ikev2_cfg_authm {
	IKEV2_AUTHM_NONE = 0,
	IKEV2_AUTHM_PSK = 1 << 0,
	IKEV2_AUTHM_RSA = 1 << 1,
	IKEV2_AUTHM_ECDSA = 1 << 2,
	IKEV2_AUTHM_EAP = 1 << 3,
};

enum ikev2_cfg_eap { IKEV2_CFG_EAP_ANY, IKEV2_CFG_EAP_GTC, IKEV2_CFG_EAP_MD5, IKEV2_CFG_EAP_MSCHAPV2 };

enum ikev2_cfg_dpd { IKEV2_CFG_DPD_OFF, IKEV2_CFG_DPD_ON_DEMAND, IKEV2_CFG_DPD_PERIODIC };

/* Which remote authentication an AAA statement applies to. */
enum ikev2_aaa_kind { IKEV2_AAA_PSK, IKEV2_AAA_CERT, IKEV2_AAA_EAP, IKEV2_AAA_KINDS };

struct ikev2_aaa_author {
	bool set;
	bool cached;                       /* user authorization: cached */
	char list[IKEV2_NAME_MAX];         /* method list */
	char username[IKEV2_NAME_MAX];     /* fixed user name, or "" */
	char mangler[IKEV2_NAME_MAX];      /* name-mangler, or "" */
	int src_line;
};

#define IKEV2_PROFILE_MAX_IDS 16
#define IKEV2_PROFILE_MAX_LOCAL 8
#define IKEV2_PROFILE_MAX_CERTMAPS 8
#define IKEV2_PROFILE_MAX_TRUSTPOINTS 4

enum ikev2_tp_use { IKEV2_TP_BOTH, IKEV2_TP_SIGN, IKEV2_TP_VERIFY };

struct ikev2_profile {
	char name[IKEV2_NAME_MAX];
	char description[IKEV2_TEXT_MAX];
	bool shutdown;
	/* match */
	enum ikev2_fvrf_kind fvrf_kind;
	char fvrf[IKEV2_NAME_MAX];
	int n_local_addr;
	struct ikev2_ip local_addr[IKEV2_PROFILE_MAX_LOCAL];
	int n_local_if;
	char local_if[IKEV2_PROFILE_MAX_LOCAL][IKEV2_NAME_MAX];   /* IOS names */
	int n_remote_ids;
	struct ikev2_idspec remote_ids[IKEV2_PROFILE_MAX_IDS];      /* in configured order */
	int n_certmaps;
	char certmaps[IKEV2_PROFILE_MAX_CERTMAPS][IKEV2_NAME_MAX];
	/* identity local */
	struct ikev2_idspec local_id;
	/* authentication */
	int auth_local;                    /* one IKEV2_AUTHM_* or NONE */
	struct ikev2_psk auth_local_key;   /* authentication local pre-share key ... */
	enum ikev2_cfg_eap auth_local_eap;
	char eap_username[IKEV2_NAME_MAX];
	struct ikev2_psk eap_password;
	int auth_remote;                   /* bit set of IKEV2_AUTHM_* */
	int auth_remote_order[4];          /* methods in configured order */
	int n_auth_remote;
	struct ikev2_psk auth_remote_key;
	bool eap_query_identity;
	int eap_timeout;                   /* 0: default */
	/* keyrings */
	char keyring_local[IKEV2_NAME_MAX];
	int keyring_local_line;
	char keyring_aaa[IKEV2_NAME_MAX];
	char keyring_aaa_mangler[IKEV2_NAME_MAX];
	struct ikev2_psk keyring_aaa_password;
	int keyring_aaa_line;
	/* pki */
	int n_trustpoints;
	char trustpoints[IKEV2_PROFILE_MAX_TRUSTPOINTS][IKEV2_NAME_MAX];
	enum ikev2_tp_use trustpoint_use[IKEV2_PROFILE_MAX_TRUSTPOINTS];
	int trustpoint_line[IKEV2_PROFILE_MAX_TRUSTPOINTS];
	/* SA parameters */
	int lifetime;                      /* seconds, 86400 by default */
	enum ikev2_cfg_dpd dpd_mode;
	int dpd_interval, dpd_retry;
	int nat_keepalive;                 /* seconds, 0: off */
	char ivrf[IKEV2_NAME_MAX];
	int virtual_template;              /* 0: none */
	int virtual_template_line;
	bool config_request, config_set_send, config_set_accept;  /* all true by default */
	bool initial_contact_force;
	bool redirect_gateway_auth;
	/* AAA */
	char aaa_authen_eap[IKEV2_NAME_MAX];
	int aaa_authen_eap_line;
	struct ikev2_aaa_author author_group[IKEV2_AAA_KINDS];
	bool author_group_override[IKEV2_AAA_KINDS];
	struct ikev2_aaa_author author_user[IKEV2_AAA_KINDS];
	char accounting[IKEV2_AAA_KINDS][IKEV2_NAME_MAX];
	int accounting_line[IKEV2_AAA_KINDS];
	int ref_count;                     /* references from other objects */
	int src_line;
	struct ikev2_profile *next;
};

const struct ikev2_profile *ikev2_profile_find(const char *name);
const struct ikev2_profile *ikev2_profile_first(void);
const struct ikev2_profile *ikev2_profile_next(const struct ikev2_profile *p);
/* Does the profile accept a peer with this identity, arriving on local
 * address local (NULL: unknown) / interface local_if (IOS name, NULL:
 * unknown) in front VRF fvrf (NULL or "": global)?  Returns 0 when not, else
 * the strength of the best matching statement (higher is more specific). */
int ikev2_profile_match_score(const struct ikev2_profile *p, int id_type, const void *id,
			      size_t id_len, const struct ikev2_ip *local, const char *local_if,
			      const char *fvrf);
/* The profile for a peer: the best match among profiles that are not shut
 * down and have a local and a remote authentication method (the most
 * specific identity statement wins, then configuration order).  Profiles
 * that only "match certificate" are not matched here: the engine checks
 * certificate maps once it has the peer's certificate. */
const struct ikev2_profile *ikev2_profile_match(int id_type, const void *id, size_t id_len,
						const struct ikev2_ip *local, const char *fvrf);
const struct ikev2_profile *ikev2_profile_match_if(int id_type, const void *id, size_t id_len,
						   const struct ikev2_ip *local, const char *local_if,
						   const char *fvrf);
/* Another module (an IPsec profile, a tunnel) starts or stops using the
 * profile: shown as "Ref Count" by show crypto ikev2 profile. */
void ikev2_profile_ref(const char *name, int delta);

/* ---- global settings ------------------------------------------------------ */

struct ikev2_global {
	int cookie_challenge;             /* 0: off */
	int limit_max_sa;                 /* 0: no limit */
	int limit_max_neg;                /* max-in-negotiation-sa without direction */
	int limit_max_neg_in;
	int limit_max_neg_out;
	int window;                       /* 0: default (5) */
	enum ikev2_cfg_dpd dpd_mode;
	int dpd_interval, dpd_retry;
	int nat_keepalive;                /* 0: off */
	bool fragmentation;
	int fragmentation_mtu;            /* 0: default */
	bool redirect_client;
	int redirect_client_max;          /* 0: default */
	bool redirect_gateway_init, redirect_gateway_auth;
	int diagnose_error;               /* 0: off */
	bool http_url_cert;
	int certificate_cache;            /* 0: default */
};

const struct ikev2_global *ikev2_global(void);

/* ---- for the config_*.c files only ------------------------------------------ */

struct buf;
struct cmdctx;
struct problem_list;

struct ikev2_proposal *ikev2_cfg_proposals(void);        /* user proposals */
struct ikev2_proposal *ikev2_cfg_default_proposal(void); /* NULL when disabled */
struct ikev2_policy *ikev2_cfg_policies(void);
struct ikev2_policy *ikev2_cfg_default_policy(void);     /* NULL when disabled */
struct ikev2_keyring *ikev2_cfg_keyrings(void);
struct ikev2_profile *ikev2_cfg_profiles(void);
struct ikev2_name_mangler *ikev2_cfg_manglers(void);
struct ikev2_global *ikev2_cfg_global(void);

/* Show output (config_show.c); name NULL: all. */
void ikev2_show_proposals(struct buf *b, const char *name);
void ikev2_show_policies(struct buf *b, const char *name);
void ikev2_show_profiles(struct buf *b, const char *name);

/* Display names. */
const char *ikev2_encr_show_name(const struct ikev2_encr_alg *e);   /* AES-CBC-256 */
const char *ikev2_encr_cli_name(const struct ikev2_encr_alg *e);    /* aes-cbc-256 */
const char *ikev2_integ_show_name(uint16_t id);                     /* SHA96 ... */
const char *ikev2_integ_cli_name(uint16_t id);                      /* sha1 ... */
const char *ikev2_prf_show_name(uint16_t id);                       /* SHA1 ... */
const char *ikev2_prf_cli_name(uint16_t id);
const char *ikev2_dh_show_name(uint16_t group);                     /* DH_GROUP_2048_MODP */

/* Text helpers shared by the handlers and writers. */
void ikev2_idspec_format(const struct ikev2_idspec *id, struct buf *b);   /* "fqdn domain x" */
void ikev2_psk_format(const struct ikev2_psk *k, struct buf *b);          /* "[6 ]key" */
int ikev2_idspec_from_args(struct cmdctx *c, int at, struct ikev2_idspec *id);
void ikev2_psk_from_args(struct cmdctx *c, int at, struct ikev2_psk *k);
void ikev2_copy(char *dst, size_t n, const char *src);
/* Is obj still a live object of its kind (sessions may keep a sub-mode
 * object after it was removed from another session)? */
bool ikev2_cfg_alive(const void *obj);

#endif
