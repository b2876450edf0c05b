/*
 * SA lifetimes: see sa_lifetime.h.
 */
#include "ipsec/sa_lifetime.h"

#include <string.h>

static uint64_t pct_of(uint64_t v, unsigned pct)
{
    if (v == 0)
        return 0;
    if (pct == 0 || pct > 100)
        pct = SA_LIFETIME_DEFAULT_SOFT_PCT;
    /* v * pct / 100 without overflowing for huge v */
    uint64_t s = (v / 100) * pct + (v % 100) * pct / 100;
    return s ? s : 1;
}

void sa_lifetime_limits_from_hard(struct sa_lifetime_limits *lim, uint64_t hard_seconds,
                                  uint64_t hard_kbytes, uint64_t hard_packets,
                                  unsigned soft_pct)
{
    lim->hard_seconds = hard_seconds;
    lim->hard_kbytes = hard_kbytes;
    lim->hard_packets = hard_packets;
    lim->soft_seconds = pct_of(hard_seconds, soft_pct);
    lim->soft_kbytes = pct_of(hard_kbytes, soft_pct);
    lim->soft_packets = pct_of(hard_packets, soft_pct);
}

static uint64_t clamp_soft(uint64_t soft, uint64_t hard)
{
    return (hard != 0 && soft > hard) ? hard : soft;
}

void sa_lifetime_init(struct sa_lifetime *lt, const struct sa_lifetime_limits *lim,
                      uint64_t now)
{
    memset(lt, 0, sizeof(*lt));
    if (lim != NULL)
        lt->lim = *lim;
    lt->lim.soft_seconds = clamp_soft(lt->lim.soft_seconds, lt->lim.hard_seconds);
    lt->lim.soft_kbytes = clamp_soft(lt->lim.soft_kbytes, lt->lim.hard_kbytes);
    lt->lim.soft_packets = clamp_soft(lt->lim.soft_packets, lt->lim.hard_packets);
    lt->created = now;
}

/* bytes >= kb * 1024, without overflow */
static bool kbytes_reached(uint64_t bytes, uint64_t kb)
{
    return kb != 0 && bytes / 1024 >= kb;
}

static bool limit_reached(const struct sa_lifetime *lt, uint64_t now, uint64_t secs,
                          uint64_t kb, uint64_t pkts)
{
    if (secs != 0 && now >= lt->created && now - lt->created >= secs)
        return true;
    if (kbytes_reached(lt->bytes, kb))
        return true;
    return pkts != 0 && lt->packets >= pkts;
}

bool sa_lifetime_hard_expired(const struct sa_lifetime *lt, uint64_t now)
{
    return limit_reached(lt, now, lt->lim.hard_seconds, lt->lim.hard_kbytes,
                         lt->lim.hard_packets);
}

bool sa_lifetime_soft_expired(const struct sa_lifetime *lt, uint64_t now)
{
    return limit_reached(lt, now, lt->lim.soft_seconds, lt->lim.soft_kbytes,
                         lt->lim.soft_packets) ||
           sa_lifetime_hard_expired(lt, now);
}

enum sa_lifetime_state sa_lifetime_check(const struct sa_lifetime *lt, uint64_t now)
{
    if (sa_lifetime_hard_expired(lt, now))
        return SA_LIFETIME_HARD;
    if (sa_lifetime_soft_expired(lt, now))
        return SA_LIFETIME_SOFT;
    return SA_LIFETIME_OK;
}

enum sa_lifetime_state sa_lifetime_account(struct sa_lifetime *lt, uint64_t bytes,
                                           uint64_t now)
{
    if (!lt->used) {
        lt->used = true;
        lt->first_use = now;
    }
    lt->bytes = (lt->bytes > UINT64_MAX - bytes) ? UINT64_MAX : lt->bytes + bytes;
    if (lt->packets != UINT64_MAX)
        lt->packets++;
    return sa_lifetime_check(lt, now);
}

bool sa_lifetime_soft_event(struct sa_lifetime *lt, uint64_t now)
{
    if (lt->soft_signalled || !sa_lifetime_soft_expired(lt, now))
        return false;
    lt->soft_signalled = true;
    return true;
}

uint64_t sa_lifetime_remaining_seconds(const struct sa_lifetime *lt, uint64_t now)
{
    if (lt->lim.hard_seconds == 0)
        return UINT64_MAX;
    uint64_t age = now >= lt->created ? now - lt->created : 0;
    return age >= lt->lim.hard_seconds ? 0 : lt->lim.hard_seconds - age;
}

uint64_t sa_lifetime_remaining_kbytes(const struct sa_lifetime *lt)
{
    if (lt->lim.hard_kbytes == 0)
        return UINT64_MAX;
    uint64_t used = lt->bytes / 1024;
    return used >= lt->lim.hard_kbytes ? 0 : lt->lim.hard_kbytes - used;
}
