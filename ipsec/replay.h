/*
 * Anti-replay sliding window for ESP (RFC 4303 section 3.4.3, Appendix A).
 *
 * The bitmap is a ring of 64-bit words in the style of RFC 6479: sequence
 * number s lives in bit (s & 63) of word ((s >> 6) % nwords), and advancing
 * the window only clears the words that slide in, so there is no bit
 * shifting and the cost of an advance is bounded by the number of words.
 * One spare word beyond ceil(W/64) keeps the word holding the oldest
 * in-window sequence number intact while the newest word is being reused.
 *
 * With Extended Sequence Numbers only the low 32 bits travel in the packet;
 * replay_check() infers the high 32 bits as RFC 4303 Appendix A2.2 says and
 * hands back the full 64-bit number (which the ICV then covers).
 *
 * Protocol for the receive path (RFC 4303 3.4.3):
 *   1. replay_check()  - before any cryptography (cheap, rejects most replays)
 *   2. verify the ICV
 *   3. replay_update() - only for packets whose ICV verified; it re-checks,
 *                        since another packet with the same number may have
 *                        been accepted in between.
 *
 * Not thread safe: one window belongs to one inbound SA, used by one thread.
 */
#ifndef IKESH_IPSEC_REPLAY_H
#define IKESH_IPSEC_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define REPLAY_WINDOW_DEFAULT 64u
#define REPLAY_WINDOW_MIN     32u      /* RFC 4303: at least 32, default 64 */
#define REPLAY_WINDOW_MAX     65536u

enum replay_result {
    REPLAY_OK = 0,        /* not seen yet, inside or ahead of the window */
    REPLAY_DUPLICATE = 1, /* inside the window, already received */
    REPLAY_TOO_OLD = 2,   /* left of the window */
    REPLAY_INVALID = 3,   /* sequence number 0 (never sent), or the 64-bit
                           * number space would wrap (ESN inference) */
};

struct replay_window {
    uint64_t top;        /* T: highest authenticated sequence number (64 bit
                          * even without ESN); 0 = nothing received yet */
    uint64_t *bits;      /* ring of nwords words, allocated by replay_init */
    uint32_t size;       /* W in packets; 0 = anti-replay disabled */
    uint32_t nwords;
    bool esn;
};

/*
 * Set up a window of `size` packets (0 disables the anti-replay check, as
 * RFC 4303 allows the receiver to; REPLAY_WINDOW_MIN..REPLAY_WINDOW_MAX
 * otherwise). Allocates the bitmap once. Returns 0, or -1 for a bad size or
 * no memory. With ESN and the check disabled, the high-order bits are still
 * inferred (with a notional window of REPLAY_WINDOW_DEFAULT).
 */
int replay_init(struct replay_window *rw, uint32_t size, bool esn);
void replay_free(struct replay_window *rw);

/* Forget everything received and make `top` the highest number seen (without
 * marking it as received). replay_reset(rw, 0) is the state after init. */
void replay_reset(struct replay_window *rw, uint64_t top);

/*
 * Cheap pre-decryption check of the 32-bit number carried in the packet.
 * *seq_out receives the full sequence number (ESN: high bits inferred per
 * RFC 4303 A2.2; otherwise seq_low) even when the result is not REPLAY_OK.
 * Does not modify the window.
 */
enum replay_result replay_check(const struct replay_window *rw, uint32_t seq_low,
                                uint64_t *seq_out);

/*
 * Record `seq` (the full number from replay_check()) as received. Call only
 * after the ICV verified. Re-checks and returns REPLAY_DUPLICATE /
 * REPLAY_TOO_OLD without changing anything if the number is no longer
 * acceptable.
 */
enum replay_result replay_update(struct replay_window *rw, uint64_t seq);

/* For "show crypto ipsec sa"-style output and tests. */
static inline uint64_t replay_top(const struct replay_window *rw) { return rw->top; }
/* True if `seq` (64 bit) is inside the window and marked as received. */
bool replay_seen(const struct replay_window *rw, uint64_t seq);

const char *replay_result_str(enum replay_result r);

#endif
