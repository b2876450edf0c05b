/*
 * Anti-replay window: see replay.h.
 */
#include "ipsec/replay.h"

#include <stdlib.h>
#include <string.h>

static uint32_t next_pow2(uint32_t v)
{
    uint32_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

int replay_init(struct replay_window *rw, uint32_t size, bool esn)
{
    memset(rw, 0, sizeof(*rw));
    if (size != 0 && (size < REPLAY_WINDOW_MIN || size > REPLAY_WINDOW_MAX))
        return -1;
    rw->size = size;
    rw->esn = esn;
    if (size == 0)
        return 0;
    /* ceil(W/64) words cover the window, plus one spare so that the word
     * being recycled for new numbers never holds in-window bits; a power of
     * two so that the ring index is a mask. */
    rw->nwords = next_pow2((size + 63) / 64 + 1);
    rw->bits = calloc(rw->nwords, sizeof(uint64_t));
    if (rw->bits == NULL) {
        rw->size = 0;
        rw->nwords = 0;
        return -1;
    }
    return 0;
}

void replay_free(struct replay_window *rw)
{
    free(rw->bits);
    rw->bits = NULL;
    rw->nwords = 0;
}

void replay_reset(struct replay_window *rw, uint64_t top)
{
    rw->top = top;
    if (rw->bits != NULL)
        memset(rw->bits, 0, rw->nwords * sizeof(uint64_t));
}

static inline uint64_t *word_of(const struct replay_window *rw, uint64_t seq)
{
    return &rw->bits[(seq >> 6) & (rw->nwords - 1)];
}

static inline uint64_t bit_of(uint64_t seq)
{
    return UINT64_C(1) << (seq & 63);
}

/* The window test on a full 64-bit number. */
static enum replay_result check_full(const struct replay_window *rw, uint64_t seq)
{
    if (seq == 0)
        return REPLAY_INVALID; /* the first packet sent carries 1 */
    if (rw->size == 0 || seq > rw->top)
        return REPLAY_OK;
    if (rw->top - seq >= rw->size)
        return REPLAY_TOO_OLD;
    return (*word_of(rw, seq) & bit_of(seq)) ? REPLAY_DUPLICATE : REPLAY_OK;
}

enum replay_result replay_check(const struct replay_window *rw, uint32_t seq_low,
                                uint64_t *seq_out)
{
    if (!rw->esn) {
        *seq_out = seq_low;
        return check_full(rw, seq_low);
    }

    /* RFC 4303 Appendix A2.2. */
    uint32_t w = rw->size ? rw->size : REPLAY_WINDOW_DEFAULT;
    uint32_t th = (uint32_t)(rw->top >> 32);
    uint32_t tl = (uint32_t)rw->top;
    uint32_t bl = tl - w + 1; /* modulo 2^32 */
    uint32_t sh;

    if (tl >= w - 1) {
        /* Case A: the window lies within one subspace. */
        if (seq_low >= bl) {
            sh = th;
        } else {
            if (th == UINT32_MAX) {
                /* would need the 2^64 wrap: the sender must have rekeyed */
                *seq_out = seq_low;
                return REPLAY_INVALID;
            }
            sh = th + 1;
        }
    } else {
        /* Case B: the window spans the end of subspace Th - 1. */
        if (seq_low >= bl) {
            if (th == 0) {
                /* before the start of the number space */
                *seq_out = seq_low;
                return REPLAY_TOO_OLD;
            }
            sh = th - 1;
        } else {
            sh = th;
        }
    }
    *seq_out = ((uint64_t)sh << 32) | seq_low;
    return check_full(rw, *seq_out);
}

enum replay_result replay_update(struct replay_window *rw, uint64_t seq)
{
    enum replay_result r = check_full(rw, seq);
    if (r != REPLAY_OK)
        return r;
    if (!rw->esn && seq > UINT32_MAX)
        return REPLAY_INVALID;

    if (seq > rw->top) {
        if (rw->size != 0) {
            uint64_t cur = rw->top >> 6;
            uint64_t diff = (seq >> 6) - cur;
            if (diff > rw->nwords)
                diff = rw->nwords;
            for (uint64_t i = 1; i <= diff; i++)
                rw->bits[(cur + i) & (rw->nwords - 1)] = 0;
        }
        rw->top = seq;
    }
    if (rw->size != 0)
        *word_of(rw, seq) |= bit_of(seq);
    return REPLAY_OK;
}

bool replay_seen(const struct replay_window *rw, uint64_t seq)
{
    if (rw->size == 0 || seq == 0 || seq > rw->top || rw->top - seq >= rw->size)
        return false;
    return (*word_of(rw, seq) & bit_of(seq)) != 0;
}

const char *replay_result_str(enum replay_result r)
{
    switch (r) {
    case REPLAY_OK:        return "ok";
    case REPLAY_DUPLICATE: return "duplicate";
    case REPLAY_TOO_OLD:   return "too old";
    case REPLAY_INVALID:   return "invalid sequence number";
    }
    return "?";
}
