/*
 * A recording data plane for tests: implements ipsec/sa_install.h by
 * keeping every SA and policy in memory, so a test can check what the
 * IKEv2 engine installed (keys, SPIs, selectors, lifetimes) and fake
 * traffic counters for DPD and lifetime logic.
 */
#ifndef IKESH_IPSEC_BACKEND_MOCK_H
#define IKESH_IPSEC_BACKEND_MOCK_H

#include "ipsec/sa_install.h"

#define MOCK_MAX_SA 64
#define MOCK_MAX_POLICY 128

struct mock_sa {
	bool used;
	struct ipsec_sa_params p;
	struct ipsec_sa_stats stats;
	unsigned updates;
};

struct mock_policy {
	bool used;
	struct ipsec_policy_params p;
};

struct mock_backend {
	struct ipsec_backend be;	/* pass &mb->be to the engine */
	uint32_t next_spi;
	struct mock_sa sa[MOCK_MAX_SA];
	struct mock_policy pol[MOCK_MAX_POLICY];
	/* call counters */
	unsigned n_get_spi, n_add_sa, n_update_sa, n_query_sa, n_del_sa, n_add_policy,
		n_del_policy;
	int fail_add_sa;	/* > 0: the next n add_sa calls fail */
};

/* spi_base: first SPI handed out (pick different bases for two peers). */
void mock_backend_init(struct mock_backend *mb, uint32_t spi_base);
/* Installed SAs: count, and lookup by SPI and direction (NULL if none). */
unsigned mock_backend_sa_count(const struct mock_backend *mb);
struct mock_sa *mock_backend_find(struct mock_backend *mb, uint32_t spi, bool inbound);
unsigned mock_backend_policy_count(const struct mock_backend *mb);

#endif
