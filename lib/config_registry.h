/* The order of running-config.  Each module registers its sections (at
 * start-up, from a constructor) with an order number that puts them where IOS
 * prints them; each section writes its part, can reset it, and can report
 * references to objects that do not exist. */
#ifndef IKESH_LIB_CONFIG_REGISTRY_H
#define IKESH_LIB_CONFIG_REGISTRY_H

#include "lib/buf.h"
#include "lib/problems.h"

enum config_order {
	ORDER_SERVICE = 100,
	ORDER_HOSTNAME = 200,
	ORDER_LOGGING = 300,
	ORDER_AAA = 400,
	ORDER_VRF = 500,
	ORDER_PKI = 600,
	ORDER_USERNAME = 700,
	ORDER_TRACK = 800,
	ORDER_IKEV2_NAME_MANGLER = 900,
	ORDER_IKEV2_AUTHOR = 1000,
	ORDER_IKEV2_REDIRECT = 1050,
	ORDER_IKEV2_PROPOSAL = 1100,
	ORDER_IKEV2_POLICY = 1200,
	ORDER_IKEV2_KEYRING = 1300,
	ORDER_IKEV2_PROFILE = 1400,
	ORDER_IKEV2_CLIENT = 1500,
	ORDER_IKEV2_GLOBAL = 1600,
	ORDER_IPSEC_TRANSFORM = 1700,
	ORDER_IPSEC_PROFILE = 1800,
	ORDER_IPSEC_GLOBAL = 1850,
	ORDER_INTERFACE = 1900,
	ORDER_POOL = 2000,
	ORDER_ROUTE = 2100,
	ORDER_ACL = 2200,
	ORDER_RADIUS = 2300,
	ORDER_LINE = 9000,
};

struct config_section {
	const char *name;
	int order;
	void (*write)(struct buf *b);
	void (*reset)(void);                     /* may be NULL */
	void (*check)(struct problem_list *p);   /* may be NULL */
	struct config_section *next;
};

/* Call from a constructor: __attribute__((constructor)). */
void config_section_register(struct config_section *s);
/* Sections in running-config order. */
const struct config_section *config_sections_first(void);

#endif
