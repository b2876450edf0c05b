/* PKI configuration: trustpoints (crypto pki trustpoint) and certificate maps
 * (crypto pki certificate map NAME SEQ), as IOS keeps them.
 *
 * This is configuration only: no certificate, key pair or CRL exists yet (the
 * PKI runtime comes later), so show crypto pki certificates prints nothing and
 * show crypto pki trustpoints lists the trustpoints without certificates. */
#ifndef IKESH_IKEV2_PKI_H
#define IKESH_IKEV2_PKI_H

#include <stdbool.h>
#include <stddef.h>

enum {
	PKI_NAME_MAX = 63,
	PKI_TEXT_MAX = 255,       /* subject-name, subject-alt-name, URL, map values */
	PKI_REVO_MAX = 3,
	PKI_CERTMAP_RULES_MAX = 16,
};

enum pki_enroll {
	PKI_ENROLL_NONE,          /* not configured */
	PKI_ENROLL_TERMINAL,      /* enrollment terminal */
	PKI_ENROLL_TERMINAL_PEM,  /* enrollment terminal pem */
	PKI_ENROLL_URL,           /* enrollment url URL */
	PKI_ENROLL_SELFSIGNED,    /* enrollment selfsigned */
	PKI_ENROLL_PKCS12,        /* enrollment pkcs12 */
};

enum pki_revo { PKI_REVO_CRL, PKI_REVO_NONE, PKI_REVO_OCSP };

enum pki_tristate { PKI_UNSET, PKI_INCLUDE, PKI_EXCLUDE }; /* serial-number [none] */

struct pki_trustpoint {
	char name[PKI_NAME_MAX + 1];
	enum pki_enroll enroll;
	char enroll_url[PKI_TEXT_MAX + 1];      /* with PKI_ENROLL_URL */
	bool enroll_mode_ra;                    /* enrollment mode ra */
	enum pki_tristate serial_number;        /* serial-number / serial-number none */
	bool fqdn_none;                         /* fqdn none */
	char fqdn[PKI_TEXT_MAX + 1];            /* fqdn NAME */
	bool ip_none;                           /* ip-address none */
	char ip_address[PKI_NAME_MAX + 1];      /* ip-address A.B.C.D or interface */
	char subject_name[PKI_TEXT_MAX + 1];
	char subject_alt_name[PKI_TEXT_MAX + 1];
	enum pki_revo revocation[PKI_REVO_MAX]; /* methods in the order tried */
	int n_revocation;                       /* IOS default: crl */
	char rsakeypair[PKI_NAME_MAX + 1];
	int rsa_key_bits;                       /* 0: not given */
	int rsa_enc_key_bits;                   /* 0: not given */
	char eckeypair[PKI_NAME_MAX + 1];
	bool chain_stop;                        /* chain-validation stop */
	char chain_parent[PKI_NAME_MAX + 1];    /* chain-validation continue PARENT */
	int chain_line;
	bool auto_enroll;
	int auto_enroll_pct;                    /* -1: not given */
	bool auto_enroll_regenerate;
	char hash[8];                           /* "" or md5/sha1/sha256/... */
	int src_line;
};

enum pki_cm_field {
	PKI_CM_SUBJECT_NAME,
	PKI_CM_ISSUER_NAME,
	PKI_CM_ALT_SUBJECT_NAME,
	PKI_CM_SERIAL_NUMBER,
	PKI_CM_UNSTRUCTURED_SUBJECT_NAME,
};
enum pki_cm_op { PKI_CM_CO, PKI_CM_EQ, PKI_CM_NC, PKI_CM_NE };

struct pki_certmap_rule {
	enum pki_cm_field field;
	enum pki_cm_op op;
	char value[PKI_TEXT_MAX + 1];
};

struct pki_certmap {
	char name[PKI_NAME_MAX + 1];
	int seq;                                /* 1-1000 */
	struct pki_certmap_rule rules[PKI_CERTMAP_RULES_MAX];
	int n_rules;
	int src_line;
};

/* ---- read-only accessors ---- */

int pki_trustpoint_exists(const char *name);
/* A certificate map exists when at least one sequence of it does. */
int pki_certmap_exists(const char *name);

const struct pki_trustpoint *pki_trustpoint_find(const char *name);
int pki_trustpoint_count(void);
const struct pki_trustpoint *pki_trustpoint_at(int i);    /* configuration order */

/* Certificate map entries, sorted by name then sequence. */
int pki_certmap_count(void);
const struct pki_certmap *pki_certmap_at(int i);
const struct pki_certmap *pki_certmap_find(const char *name, int seq);

const char *pki_cm_field_name(enum pki_cm_field f);       /* "subject-name" */
const char *pki_cm_op_name(enum pki_cm_op op);             /* "co" */
/* Does value satisfy the rule?  Case-insensitive, as IOS compares. */
bool pki_certmap_rule_match(const struct pki_certmap_rule *r, const char *value);

#endif
