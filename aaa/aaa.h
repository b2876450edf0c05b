/* AAA configuration: aaa new-model, method lists, the local user database,
 * RADIUS servers and server groups, RADIUS dynamic authorization (CoA/PoD).
 *
 * Everything here is a read-only view of the configuration for the rest of
 * the program (the IKEv2 profile checks its "aaa authorization" lists, the
 * FlexVPN server authorizes peers, the RADIUS client finds its servers). */
#ifndef IKESH_AAA_AAA_H
#define IKESH_AAA_AAA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

enum {
	AAA_NAME_MAX = 64,        /* list, group, server and user names (63 chars) */
	AAA_KEY_MAX = 128,        /* shared secrets */
	AAA_SECRET_MAX = 160,     /* passwords, hashes */
	AAA_MAX_METHODS = 4,      /* methods in one list, as in IOS */
	AAA_MAX_GROUP_SERVERS = 16,
	AAA_MAX_DA_CLIENTS = 32,
	AAA_IFNAME_MAX = 48,
};

/* aaa new-model is configured. */
bool aaa_new_model(void);

/* ---- method lists: aaa authentication / authorization / accounting ---- */

enum aaa_service { AAA_AUTHENTICATION, AAA_AUTHORIZATION, AAA_ACCOUNTING };

enum aaa_method_kind {
	AAA_METHOD_GROUP,             /* group NAME ("radius" = every RADIUS server) */
	AAA_METHOD_LOCAL,
	AAA_METHOD_LOCAL_CASE,
	AAA_METHOD_NONE,
	AAA_METHOD_IF_AUTHENTICATED,
	AAA_METHOD_ENABLE,
	AAA_METHOD_LINE,
};

struct aaa_method {
	enum aaa_method_kind kind;
	char group[AAA_NAME_MAX];     /* for AAA_METHOD_GROUP: "radius", "tacacs+", "ldap" or a group */
};

enum aaa_acct_action { AAA_ACCT_START_STOP, AAA_ACCT_STOP_ONLY, AAA_ACCT_NONE };

struct aaa_method_list {
	enum aaa_service service;
	char type[16];                /* "login", "network", "exec" */
	char name[AAA_NAME_MAX];      /* "default" or the list's name */
	struct aaa_method methods[AAA_MAX_METHODS];
	int n_methods;
	enum aaa_acct_action acct;    /* accounting lists only */
	bool acct_broadcast;
	int line;
	struct aaa_method_list *next;
};

const struct aaa_method_list *aaa_method_list_find(enum aaa_service service, const char *type,
						   const char *name);
/* 1 if the list exists, else 0.  type is "network" or "exec" (authorization
 * lists, what "aaa authorization group ... list NAME" refers to), "login"
 * (authentication), or a full "authorization network", "authentication
 * login", "accounting network" ... */
int aaa_method_list_exists(const char *type, const char *name);

enum aaa_session_id { AAA_SESSION_ID_COMMON, AAA_SESSION_ID_UNIQUE };
enum aaa_session_id aaa_session_id(void);

/* ---- local users: username ---- */

enum aaa_pw_type {
	AAA_PW_NONE,                  /* username NAME [privilege N] */
	AAA_PW_CLEAR,                 /* password 0 */
	AAA_PW_TYPE7,                 /* password 7 (reversible) */
	AAA_SECRET_MD5,               /* secret 5: $1$salt$hash (md5crypt) */
	AAA_SECRET_PBKDF2,            /* secret 8: $8$salt$hash (PBKDF2-SHA256) */
	AAA_SECRET_SCRYPT,            /* secret 9: $9$salt$hash (scrypt) */
};

struct aaa_user {
	char name[AAA_NAME_MAX];
	int privilege;                /* -1: not configured (IOS level 1) */
	enum aaa_pw_type type;
	char value[AAA_SECRET_MAX];   /* as shown in running-config */
	int line;
	struct aaa_user *next;
};

const struct aaa_user *aaa_user_find(const char *name);
const struct aaa_user *aaa_user_first(void);
/* The password is right for this local user (any password or secret type). */
bool aaa_user_verify(const char *name, const char *password);
/* The clear-text password of a "password" user (for CHAP-like methods such
 * as EAP-MD5 and MSCHAPv2); -1 if there is none (no user, or a secret). */
int aaa_user_cleartext(const char *name, char *out, size_t n);

/* Cisco password encodings, also used for RADIUS keys.
 * type 7: 0 on success.  hash types 5, 8, 9: out gets "$N$salt$hash". */
int aaa_type7_decode(const char *enc, char *out, size_t n);
int aaa_type7_encode(const char *clear, int seed, char *out, size_t n);
int aaa_secret_hash(int type, const char *clear, const char *salt, char *out, size_t n);
bool aaa_secret_check(int type, const char *hash, const char *clear);
/* A "$N$..." string is well formed for type N (salt and hash lengths, alphabet). */
bool aaa_secret_valid(int type, const char *hash);

/* ---- RADIUS servers, groups, dynamic authorization ---- */

struct aaa_key {
	int type;                     /* 0 or 7: how it was configured */
	char text[AAA_KEY_MAX * 2];   /* as shown in running-config */
	char clear[AAA_KEY_MAX];      /* the secret itself */
};

struct aaa_radius_server {
	char name[AAA_NAME_MAX];
	bool addr_set;
	struct in_addr addr;
	int auth_port;                /* 1812 unless set; 0 disables */
	int acct_port;                /* 1813 unless set; 0 disables */
	bool key_set;
	struct aaa_key key;
	int timeout;                  /* seconds; 0: not set (global default 5) */
	int retransmit;               /* -1: not set (global default 3) */
	int line;
	struct aaa_radius_server *next;
};

const struct aaa_radius_server *aaa_radius_server_find(const char *name);
const struct aaa_radius_server *aaa_radius_server_first(void);

struct aaa_radius_group {
	char name[AAA_NAME_MAX];
	char servers[AAA_MAX_GROUP_SERVERS][AAA_NAME_MAX];  /* server name X, in order */
	int server_line[AAA_MAX_GROUP_SERVERS];
	int n_servers;
	char source_if[AAA_IFNAME_MAX];                     /* ip radius source-interface */
	char vrf[AAA_NAME_MAX];                             /* ip vrf forwarding */
	int line;
	struct aaa_radius_group *next;
};

const struct aaa_radius_group *aaa_radius_group_find(const char *name);
const struct aaa_radius_group *aaa_radius_group_first(void);

enum aaa_da_auth_type { AAA_DA_AUTH_ALL, AAA_DA_AUTH_ANY, AAA_DA_AUTH_SESSION_KEY };

struct aaa_da_client {
	struct in_addr addr;
	char vrf[AAA_NAME_MAX];
	bool key_set;
	struct aaa_key key;
};

struct aaa_dynamic_author {
	bool enabled;                 /* aaa server radius dynamic-author */
	struct aaa_da_client clients[AAA_MAX_DA_CLIENTS];
	int n_clients;
	bool server_key_set;
	struct aaa_key server_key;    /* for clients without their own key */
	int port;                     /* 1700 unless set */
	enum aaa_da_auth_type auth_type;
	bool ignore_session_key;
	bool ignore_server_key;
};

const struct aaa_dynamic_author *aaa_dynamic_author(void);

/* ---- internal to the module ---- */

struct buf;
struct cmdctx;
/* "aaa group server radius" blocks: IOS prints them right after aaa new-model. */
void aaa_write_groups(struct buf *b);
void aaa_radius_reset_groups(void);
/* Refuse a command that needs aaa new-model as IOS does; false if refused. */
bool aaa_require_new_model(struct cmdctx *c, int word);
/* Fill k from "[0|7] KEY" arguments starting at index i; false on error. */
bool aaa_key_from_args(struct cmdctx *c, int i, struct aaa_key *k);
void aaa_ifname_at(const struct cmdctx *c, int i, char *out, size_t n);

#endif
