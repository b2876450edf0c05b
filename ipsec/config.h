/* IPsec configuration: transform sets, IPsec profiles and the crypto ipsec
 * globals (SA lifetime, replay window, idle time, DF bit, fragmentation,
 * NAT-T), as IOS keeps them, plus a resolved CHILD_SA policy view for the
 * IKEv2 engine.
 *
 * IOS smart defaults exist from start-up: the transform set "default"
 * (esp-aes esp-sha-hmac, transport mode) and the IPsec profile "default"
 * (set transform-set default).  IOS-XE 16 and 17 still use esp-aes
 * esp-sha-hmac for the default transform set (their show crypto ipsec
 * profile / transform-set outputs); the default profile shows no IKEv2
 * profile.  "no crypto ipsec transform-set default" and
 * "no crypto ipsec profile default" disable them; the lookups below then do
 * not find them. */
#ifndef IKESH_IPSEC_CONFIG_H
#define IKESH_IPSEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

enum {
	IPSEC_NAME_MAX = 63,          /* longest transform-set / profile name */
	IPSEC_PROFILE_MAX_TS = 6,     /* set transform-set T1 .. T6 */
	IPSEC_DESCRIPTION_MAX = 80,
};

/* IANA IKEv2 transform IDs used in ESP proposals (RFC 7296 3.3.2, RFC 4106). */
enum {
	IPSEC_IANA_ENCR_NULL = 11,
	IPSEC_IANA_ENCR_AES_CBC = 12,
	IPSEC_IANA_ENCR_AES_GCM_16 = 20,
	IPSEC_IANA_AUTH_NONE = 0,
	IPSEC_IANA_AUTH_HMAC_SHA1_96 = 2,
	IPSEC_IANA_AUTH_HMAC_SHA2_256_128 = 12,
	IPSEC_IANA_AUTH_HMAC_SHA2_384_192 = 13,
	IPSEC_IANA_AUTH_HMAC_SHA2_512_256 = 14,
};

/* Factory values of the crypto ipsec globals. */
enum {
	IPSEC_DEFAULT_LIFETIME_SEC = 3600,
	IPSEC_DEFAULT_LIFETIME_KB = 4608000,
	IPSEC_DEFAULT_REPLAY_WINDOW = 64,
};

enum ipsec_mode { IPSEC_MODE_TUNNEL, IPSEC_MODE_TRANSPORT };

/* ESP encryption of a transform set. */
enum ipsec_encr {
	IPSEC_ENCR_NULL,        /* authentication-only transform set (esp-sha-hmac alone) */
	IPSEC_ENCR_AES_CBC,     /* esp-aes [128|192|256] */
	IPSEC_ENCR_AES_GCM,     /* esp-gcm [128|192|256] (16-octet ICV) */
};

/* ESP authentication of a transform set. */
enum ipsec_auth {
	IPSEC_AUTH_NONE,        /* none (esp-gcm, or esp-aes alone) */
	IPSEC_AUTH_SHA1,        /* esp-sha-hmac */
	IPSEC_AUTH_SHA256,      /* esp-sha256-hmac */
	IPSEC_AUTH_SHA384,      /* esp-sha384-hmac */
	IPSEC_AUTH_SHA512,      /* esp-sha512-hmac */
};

struct ipsec_transform_set {
	char name[IPSEC_NAME_MAX + 1];
	enum ipsec_encr encr;
	int key_bits;           /* 128/192/256; 0 for IPSEC_ENCR_NULL */
	enum ipsec_auth auth;
	enum ipsec_mode mode;
	bool is_default;        /* the smart-default transform set "default" */
	int src_line;
};

enum ipsec_replay_cfg {
	IPSEC_REPLAY_INHERIT = 0, /* profile: use the global setting */
	IPSEC_REPLAY_WINDOW,      /* window-size N */
	IPSEC_REPLAY_DISABLE,     /* replay disable */
};

struct ipsec_profile {
	char name[IPSEC_NAME_MAX + 1];
	char description[IPSEC_DESCRIPTION_MAX + 1];
	char ts[IPSEC_PROFILE_MAX_TS][IPSEC_NAME_MAX + 1]; /* in priority order */
	int n_ts;
	int ts_line;            /* config line of "set transform-set" */
	int pfs_group;          /* IANA DH group number, 0: no PFS */
	char ikev2_profile[IPSEC_NAME_MAX + 1];
	int ikev2_line;
	uint32_t life_sec;      /* 0: global value */
	uint64_t life_kb;       /* 0: global value */
	bool life_kb_disable;   /* set security-association lifetime kilobytes disable */
	uint32_t idle_time;     /* 0: global value */
	enum ipsec_replay_cfg replay;
	uint32_t replay_window; /* with IPSEC_REPLAY_WINDOW */
	bool responder_only;
	bool is_default;        /* the smart-default profile "default" */
	int src_line;
};

enum ipsec_dfbit { IPSEC_DF_COPY, IPSEC_DF_CLEAR, IPSEC_DF_SET };
enum ipsec_frag { IPSEC_FRAG_BEFORE, IPSEC_FRAG_AFTER };

struct ipsec_globals {
	uint32_t life_sec;       /* crypto ipsec security-association lifetime seconds */
	uint64_t life_kb;        /* ... lifetime kilobytes */
	bool life_kb_disable;    /* ... lifetime kilobytes disable */
	uint32_t idle_time;      /* ... idle-time N; 0: none */
	uint32_t replay_window;  /* ... replay window-size N */
	bool replay_disable;     /* ... replay disable */
	enum ipsec_dfbit dfbit;  /* crypto ipsec df-bit */
	enum ipsec_frag frag;    /* crypto ipsec fragmentation */
	bool natt;               /* crypto ipsec nat-transparency udp-encapsulation */
};

/* ---- read-only accessors ---- */

/* The transform set called name, or NULL (a disabled "default" is not found). */
const struct ipsec_transform_set *ipsec_transform_set_find(const char *name);
/* All transform sets in running-config order (the default one first, even
 * when disabled: check ipsec_transform_set_find for that). */
int ipsec_transform_set_count(void);
const struct ipsec_transform_set *ipsec_transform_set_at(int i);
/* Transform list as typed in the config ("esp-aes 256 esp-sha-hmac"), or as
 * show commands print it ("esp-256-aes esp-sha-hmac") when show_style. */
void ipsec_transform_set_text(const struct ipsec_transform_set *ts, bool show_style, struct buf *b);

int ipsec_profile_exists(const char *name);
const struct ipsec_profile *ipsec_profile_find(const char *name);
int ipsec_profile_count(void);
const struct ipsec_profile *ipsec_profile_at(int i);

const struct ipsec_globals *ipsec_globals_get(void);

/* "group14" for 14; NULL when the group is not one IOS offers for PFS. */
const char *ipsec_pfs_group_name(int group);

/* ---- resolved CHILD_SA policy for the IKEv2 engine ---- */

struct ipsec_esp_proposal {
	char ts_name[IPSEC_NAME_MAX + 1];
	uint16_t encr_id;       /* IPSEC_IANA_ENCR_* */
	uint16_t encr_key_bits; /* key length attribute; 0 for ENCR_NULL */
	uint16_t integ_id;      /* IPSEC_IANA_AUTH_*; AUTH_NONE with GCM */
	enum ipsec_mode mode;
};

struct ipsec_child_policy {
	char profile[IPSEC_NAME_MAX + 1];
	struct ipsec_esp_proposal proposals[IPSEC_PROFILE_MAX_TS]; /* priority order */
	int n_proposals;        /* may be 0: every transform set named is undefined */
	uint16_t pfs_group;     /* IANA DH group, 0: no PFS */
	char ikev2_profile[IPSEC_NAME_MAX + 1]; /* "" when not set */
	uint32_t lifetime_sec;  /* profile value, else global */
	uint64_t lifetime_kb;   /* profile value, else global; 0: volume rekey disabled */
	uint32_t idle_time;     /* profile value, else global; 0: none */
	uint32_t replay_window; /* 0: anti-replay disabled */
	bool responder_only;
	enum ipsec_dfbit dfbit;
	bool natt;
};

/* Resolve a transform set into ESP transform IDs; -1 when it does not exist. */
int ipsec_transform_set_resolve(const char *name, struct ipsec_esp_proposal *out);
/* Resolve an IPsec profile: transform sets by name in order (undefined ones are
 * skipped, as IOS does; a profile naming none uses the default transform set
 * when it is enabled), PFS group, lifetimes/replay/idle-time with the global
 * fallbacks.  Returns 0, or -1 when the profile does not exist. */
int ipsec_profile_resolve(const char *name, struct ipsec_child_policy *out);

/* ---- internal to the ipsec config_*.c files ---- */

struct ipsec_transform_set *ipsec_ts_get_mut(const char *name);
struct ipsec_profile *ipsec_profile_get_mut(const char *name);
struct ipsec_globals *ipsec_globals_mut(void);
/* Is the transform set / profile "default" at its factory state (not shown)? */
bool ipsec_ts_default_is_factory(void);
bool ipsec_profile_default_is_factory(void);
bool ipsec_ts_default_disabled(void);
bool ipsec_profile_default_disabled(void);
void ipsec_write_globals_sa(struct buf *b);    /* security-association lines */
void ipsec_write_globals_other(struct buf *b); /* df-bit, fragmentation, nat-transparency */

#endif
