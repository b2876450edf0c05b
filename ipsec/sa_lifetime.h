/*
 * SA lifetimes (RFC 4301 section 4.4.2.1): soft and hard limits on age
 * (seconds since the SA was installed), traffic (kilobytes, 1 KB = 1024
 * bytes, as IOS counts "kilobytes") and packets. A limit of 0 means "none".
 *
 * The soft limit asks for a rekey; once the hard limit is reached the SA
 * must not be used any more. Time is injected: every function that needs
 * the clock takes `now` (seconds on any monotonic scale the caller likes),
 * so tests need no sleeping.
 */
#ifndef IKESH_IPSEC_SA_LIFETIME_H
#define IKESH_IPSEC_SA_LIFETIME_H

#include <stdbool.h>
#include <stdint.h>

/* IOS defaults: "crypto ipsec security-association lifetime" */
#define SA_LIFETIME_DEFAULT_SECONDS  3600u
#define SA_LIFETIME_DEFAULT_KBYTES   4608000u
#define SA_LIFETIME_DEFAULT_SOFT_PCT 90u

struct sa_lifetime_limits {
    uint64_t soft_seconds, hard_seconds;
    uint64_t soft_kbytes, hard_kbytes;
    uint64_t soft_packets, hard_packets;
};

enum sa_lifetime_state {
    SA_LIFETIME_OK = 0,
    SA_LIFETIME_SOFT = 1,  /* soft limit reached: rekey */
    SA_LIFETIME_HARD = 2,  /* hard limit reached: delete, do not use */
};

struct sa_lifetime {
    struct sa_lifetime_limits lim;
    uint64_t created;    /* `now` at sa_lifetime_init */
    uint64_t first_use;  /* `now` of the first accounted packet (0 = unused) */
    bool used;
    bool soft_signalled; /* sa_lifetime_soft_event() already returned true */
    uint64_t bytes;
    uint64_t packets;
};

/*
 * Fill `lim` from hard limits, each soft limit being soft_pct percent of its
 * hard limit (e.g. 90, the IOS-like default; 0 < soft_pct <= 100). A hard
 * limit of 0 gives no soft limit either.
 */
void sa_lifetime_limits_from_hard(struct sa_lifetime_limits *lim, uint64_t hard_seconds,
                                  uint64_t hard_kbytes, uint64_t hard_packets,
                                  unsigned soft_pct);

/* Start the clock; limits are copied. A soft limit above its hard limit is
 * clamped to the hard limit. */
void sa_lifetime_init(struct sa_lifetime *lt, const struct sa_lifetime_limits *lim,
                      uint64_t now);

/* Account one processed packet of `bytes` bytes; returns the state after. */
enum sa_lifetime_state sa_lifetime_account(struct sa_lifetime *lt, uint64_t bytes,
                                           uint64_t now);

/* Current state, without accounting anything. */
enum sa_lifetime_state sa_lifetime_check(const struct sa_lifetime *lt, uint64_t now);
bool sa_lifetime_soft_expired(const struct sa_lifetime *lt, uint64_t now);
bool sa_lifetime_hard_expired(const struct sa_lifetime *lt, uint64_t now);

/* Edge-triggered: true exactly once, the first time it is called while the
 * SA is soft (or hard) expired; lets the caller start one rekey. */
bool sa_lifetime_soft_event(struct sa_lifetime *lt, uint64_t now);

/* What is left before the hard limit, for "show crypto ipsec sa"
 * ("remaining key lifetime (k/sec)"); UINT64_MAX when there is no limit. */
uint64_t sa_lifetime_remaining_seconds(const struct sa_lifetime *lt, uint64_t now);
uint64_t sa_lifetime_remaining_kbytes(const struct sa_lifetime *lt);

#endif
