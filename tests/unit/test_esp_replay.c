/*
 * Anti-replay window (ipsec/replay.c): edge cases of RFC 4303 3.4.3 and the
 * ESN inference of Appendix A2.2, plus a randomized comparison against a
 * trivially correct model.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ipsec/replay.h"

/* check + update, as the receive path does when the ICV verified */
static enum replay_result recv_seq(struct replay_window *rw, uint32_t low, uint64_t *full)
{
    uint64_t s;
    enum replay_result r = replay_check(rw, low, &s);
    if (full)
        *full = s;
    if (r != REPLAY_OK)
        return r;
    return replay_update(rw, s);
}

START_TEST(test_init_sizes)
{
    struct replay_window rw;
    ck_assert_int_eq(replay_init(&rw, 0, false), 0); /* disabled */
    replay_free(&rw);
    ck_assert_int_eq(replay_init(&rw, 16, false), -1);
    ck_assert_int_eq(replay_init(&rw, REPLAY_WINDOW_MAX + 1, false), -1);
    ck_assert_int_eq(replay_init(&rw, 64, false), 0);
    ck_assert_uint_eq(rw.nwords, 2);
    replay_free(&rw);
    ck_assert_int_eq(replay_init(&rw, 4096, true), 0);
    ck_assert_uint_ge(rw.nwords * 64u, 4096u + 64u);
    replay_free(&rw);
    ck_assert_int_eq(replay_init(&rw, REPLAY_WINDOW_MAX, false), 0);
    replay_free(&rw);
    replay_free(&rw); /* twice is harmless */
}
END_TEST

START_TEST(test_first_zero_duplicate)
{
    struct replay_window rw;
    uint64_t s;
    ck_assert_int_eq(replay_init(&rw, 64, false), 0);
    /* seq 0 is never sent without ESN */
    ck_assert_int_eq(replay_check(&rw, 0, &s), REPLAY_INVALID);
    ck_assert_int_eq(replay_update(&rw, 0), REPLAY_INVALID);
    /* first packet */
    ck_assert_int_eq(recv_seq(&rw, 1, &s), REPLAY_OK);
    ck_assert_uint_eq(s, 1);
    ck_assert_uint_eq(replay_top(&rw), 1);
    ck_assert(replay_seen(&rw, 1));
    /* duplicate */
    ck_assert_int_eq(replay_check(&rw, 1, &s), REPLAY_DUPLICATE);
    ck_assert_int_eq(replay_update(&rw, 1), REPLAY_DUPLICATE);
    /* a first packet that is not 1 is fine too (loss) */
    replay_free(&rw);
    ck_assert_int_eq(replay_init(&rw, 64, false), 0);
    ck_assert_int_eq(recv_seq(&rw, 1000, NULL), REPLAY_OK);
    ck_assert_int_eq(recv_seq(&rw, 999, NULL), REPLAY_OK);
    ck_assert_int_eq(recv_seq(&rw, 937, NULL), REPLAY_OK);   /* 1000-63: edge */
    ck_assert_int_eq(recv_seq(&rw, 936, NULL), REPLAY_TOO_OLD);
    ck_assert_int_eq(recv_seq(&rw, 999, NULL), REPLAY_DUPLICATE);
    replay_free(&rw);
}
END_TEST

/* The window holds exactly W numbers: top-W+1 .. top. */
static void boundary_for(uint32_t w)
{
    struct replay_window rw;
    uint64_t s;
    ck_assert_int_eq(replay_init(&rw, w, false), 0);
    uint32_t top = 3 * w + 17;
    ck_assert_int_eq(recv_seq(&rw, top, NULL), REPLAY_OK);
    ck_assert_int_eq(replay_check(&rw, top - w, &s), REPLAY_TOO_OLD);
    ck_assert_int_eq(replay_check(&rw, top - w + 1, &s), REPLAY_OK);
    ck_assert_int_eq(recv_seq(&rw, top - w + 1, NULL), REPLAY_OK);
    ck_assert_int_eq(replay_check(&rw, top - w + 1, &s), REPLAY_DUPLICATE);
    /* advancing by one pushes the oldest out */
    ck_assert_int_eq(recv_seq(&rw, top + 1, NULL), REPLAY_OK);
    ck_assert_int_eq(replay_check(&rw, top - w + 1, &s), REPLAY_TOO_OLD);
    ck_assert_int_eq(replay_check(&rw, top - w + 2, &s), REPLAY_OK);
    /* fill the whole window, then everything in it is a duplicate */
    for (uint32_t q = top + 1 - w + 1; q <= top + 1; q++)
        if (!replay_seen(&rw, q))
            ck_assert_int_eq(recv_seq(&rw, q, NULL), REPLAY_OK);
    for (uint32_t q = top + 1 - w + 1; q <= top + 1; q++)
        ck_assert_int_eq(replay_check(&rw, q, &s), REPLAY_DUPLICATE);
    replay_free(&rw);
}

START_TEST(test_exact_boundary)
{
    boundary_for(32);
    boundary_for(64);
    boundary_for(100);  /* not a multiple of 64 */
    boundary_for(128);
    boundary_for(1000);
    boundary_for(1024);
    boundary_for(4096);
    boundary_for(65536);
}
END_TEST

START_TEST(test_big_advance)
{
    struct replay_window rw;
    uint64_t s;
    ck_assert_int_eq(replay_init(&rw, 128, false), 0);
    for (uint32_t q = 1; q <= 128; q++)
        ck_assert_int_eq(recv_seq(&rw, q, NULL), REPLAY_OK);
    /* jump by more than the window: stale bits must not survive */
    uint32_t t = 128 + 5000;
    ck_assert_int_eq(recv_seq(&rw, t, NULL), REPLAY_OK);
    for (uint32_t q = t - 127; q < t; q++) {
        ck_assert_int_eq(replay_check(&rw, q, &s), REPLAY_OK);
        ck_assert(!replay_seen(&rw, q));
    }
    ck_assert_int_eq(replay_check(&rw, 128, &s), REPLAY_TOO_OLD);
    /* jump by exactly the window and by window + 1 */
    ck_assert_int_eq(recv_seq(&rw, t + 128, NULL), REPLAY_OK);
    ck_assert_int_eq(replay_check(&rw, t, &s), REPLAY_TOO_OLD);
    ck_assert_int_eq(replay_check(&rw, t + 1, &s), REPLAY_OK);
    ck_assert_int_eq(recv_seq(&rw, t + 1, NULL), REPLAY_OK);
    ck_assert_int_eq(recv_seq(&rw, t + 128 + 129, NULL), REPLAY_OK);
    ck_assert_int_eq(replay_check(&rw, t + 128, &s), REPLAY_TOO_OLD);
    /* advance by one word exactly, within the window */
    ck_assert_int_eq(recv_seq(&rw, t + 128 + 129 + 64, NULL), REPLAY_OK);
    ck_assert(replay_seen(&rw, t + 128 + 129));
    replay_free(&rw);
}
END_TEST

START_TEST(test_update_rechecks)
{
    struct replay_window rw;
    uint64_t a, b;
    ck_assert_int_eq(replay_init(&rw, 64, false), 0);
    /* two copies pass the pre-check (e.g. in flight together) ... */
    ck_assert_int_eq(replay_check(&rw, 7, &a), REPLAY_OK);
    ck_assert_int_eq(replay_check(&rw, 7, &b), REPLAY_OK);
    /* ... but only one is accepted after the ICV */
    ck_assert_int_eq(replay_update(&rw, a), REPLAY_OK);
    ck_assert_int_eq(replay_update(&rw, b), REPLAY_DUPLICATE);
    /* check does not modify the window */
    ck_assert_int_eq(replay_check(&rw, 500, &a), REPLAY_OK);
    ck_assert_uint_eq(replay_top(&rw), 7);
    /* a number that became too old between check and update */
    ck_assert_int_eq(replay_check(&rw, 6, &a), REPLAY_OK);
    ck_assert_int_eq(recv_seq(&rw, 500, NULL), REPLAY_OK);
    ck_assert_int_eq(replay_update(&rw, a), REPLAY_TOO_OLD);
    /* without ESN nothing above 2^32-1 can be recorded */
    ck_assert_int_eq(replay_update(&rw, UINT64_C(0x100000000)), REPLAY_INVALID);
    replay_free(&rw);
}
END_TEST

START_TEST(test_disabled)
{
    struct replay_window rw;
    uint64_t s;
    ck_assert_int_eq(replay_init(&rw, 0, false), 0);
    ck_assert_int_eq(recv_seq(&rw, 5, NULL), REPLAY_OK);
    ck_assert_int_eq(recv_seq(&rw, 5, NULL), REPLAY_OK);
    ck_assert_int_eq(recv_seq(&rw, 1, NULL), REPLAY_OK);
    ck_assert_int_eq(replay_check(&rw, 0, &s), REPLAY_INVALID);
    ck_assert_uint_eq(replay_top(&rw), 5);
    replay_free(&rw);
    /* ESN inference still works with the check disabled */
    ck_assert_int_eq(replay_init(&rw, 0, true), 0);
    replay_reset(&rw, UINT64_C(0xfffffff0));
    ck_assert_int_eq(recv_seq(&rw, 3, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0x100000003));
    replay_free(&rw);
}
END_TEST

/* ---- ESN (RFC 4303 Appendix A2.2) ---- */

START_TEST(test_esn_start)
{
    struct replay_window rw;
    uint64_t s;
    ck_assert_int_eq(replay_init(&rw, 64, true), 0);
    /* 64-bit zero is never sent */
    ck_assert_int_eq(replay_check(&rw, 0, &s), REPLAY_INVALID);
    /* Case B with Th = 0: a number just "below zero" is too old */
    ck_assert_int_eq(replay_check(&rw, 0xffffffffu, &s), REPLAY_TOO_OLD);
    ck_assert_int_eq(replay_check(&rw, 0xffffffc2u, &s), REPLAY_TOO_OLD);
    /* ... and just above that, the packet is taken as ahead in subspace 0 */
    ck_assert_int_eq(replay_check(&rw, 0xffffffc1u - 1, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0xffffffc0));
    ck_assert_int_eq(recv_seq(&rw, 1, &s), REPLAY_OK);
    ck_assert_uint_eq(s, 1);
    ck_assert_int_eq(recv_seq(&rw, 1, &s), REPLAY_DUPLICATE);
    replay_free(&rw);
}
END_TEST

START_TEST(test_esn_wrap_low32)
{
    struct replay_window rw;
    uint64_t s;
    ck_assert_int_eq(replay_init(&rw, 64, true), 0);
    replay_reset(&rw, UINT64_C(0xffffffe0));
    ck_assert_int_eq(recv_seq(&rw, 0xfffffff0u, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0xfffffff0));
    /* Case A, Seql < Bl: next subspace */
    ck_assert_int_eq(recv_seq(&rw, 0, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0x100000000));
    ck_assert_int_eq(recv_seq(&rw, 2, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0x100000002));
    /* Case B (Tl = 2 < W-1): late packets from the previous subspace */
    ck_assert_int_eq(recv_seq(&rw, 0xfffffff5u, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0xfffffff5));
    ck_assert_int_eq(recv_seq(&rw, 0xfffffff0u, &s), REPLAY_DUPLICATE);
    ck_assert_uint_eq(s, UINT64_C(0xfffffff0));
    ck_assert_int_eq(recv_seq(&rw, 0xffffffffu, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0xffffffff));
    ck_assert_int_eq(recv_seq(&rw, 0, &s), REPLAY_DUPLICATE);
    ck_assert_uint_eq(s, UINT64_C(0x100000000));
    /* window edge across the wrap: top 0x100000002, W 64 -> oldest is
     * 0x100000002 - 63 = 0xffffffc3 */
    ck_assert_int_eq(recv_seq(&rw, 0xffffffc3u, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0xffffffc3));
    /* 0xffffffc2 is below Bl, so it is inferred as 0x1ffffffc2 (ahead);
     * only the ICV would tell - which is what the RFC prescribes */
    ck_assert_int_eq(replay_check(&rw, 0xffffffc2u, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0x1ffffffc2));
    /* move well into subspace 1 (Case A again) */
    ck_assert_int_eq(recv_seq(&rw, 1000, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0x1000003e8));
    ck_assert_int_eq(recv_seq(&rw, 1000 - 63, &s), REPLAY_OK);
    ck_assert_int_eq(replay_check(&rw, 1000 - 64, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0x2000003a8)); /* inferred as next subspace */
    replay_free(&rw);
}
END_TEST

START_TEST(test_esn_top_of_space)
{
    struct replay_window rw;
    uint64_t s;
    ck_assert_int_eq(replay_init(&rw, 64, true), 0);
    replay_reset(&rw, UINT64_C(0xfffffffffffffff0));
    ck_assert_int_eq(recv_seq(&rw, 0xffffffffu, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_MAX);
    /* Seqh would be 2^32: the 64-bit space is exhausted */
    ck_assert_int_eq(replay_check(&rw, 5, &s), REPLAY_INVALID);
    replay_free(&rw);
}
END_TEST

START_TEST(test_esn_large_window)
{
    struct replay_window rw;
    uint64_t s;
    ck_assert_int_eq(replay_init(&rw, 4096, true), 0);
    replay_reset(&rw, UINT64_C(0x500000800)); /* Tl = 0x800 < W-1: Case B */
    ck_assert_int_eq(replay_check(&rw, 0xfffff900u, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0x4fffff900));
    /* oldest in-window: 0x500000800 - 4095 = 0x4fffff801 */
    ck_assert_int_eq(replay_check(&rw, 0xfffff801u, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0x4fffff801));
    ck_assert_int_eq(replay_check(&rw, 0xfffff800u, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0x5fffff800)); /* below Bl: Seqh = Th */
    ck_assert_int_eq(recv_seq(&rw, 0x900, &s), REPLAY_OK);
    ck_assert_uint_eq(s, UINT64_C(0x500000900));
    replay_free(&rw);
}
END_TEST

/* Randomized comparison with a model that remembers everything. */
static void model_run(uint32_t w, unsigned seed)
{
    enum { SPACE = 200000 };
    struct replay_window rw;
    uint8_t *seen = calloc(SPACE, 1);
    uint64_t top = 0;
    ck_assert_ptr_nonnull(seen);
    ck_assert_int_eq(replay_init(&rw, w, false), 0);
    srand(seed);
    uint64_t base = 1;
    for (int i = 0; i < 60000; i++) {
        /* mostly forward with jitter, sometimes big jumps and old replays */
        int r = rand() % 100;
        uint64_t q;
        if (r < 70)
            q = base + (uint64_t)(rand() % (w + w / 2));
        else if (r < 90)
            q = top > 2 * (uint64_t)w ? top - (uint64_t)(rand() % (2 * w)) : 1;
        else
            q = base + (uint64_t)(rand() % (3 * w));
        if (q >= SPACE)
            break;
        if (r < 60)
            base++;
        bool expect = q != 0 && !seen[q] && (q > top || top - q < w);
        uint64_t s;
        enum replay_result got = replay_check(&rw, (uint32_t)q, &s);
        ck_assert_int_eq(got == REPLAY_OK, expect);
        if (got == REPLAY_OK) {
            ck_assert_int_eq(replay_update(&rw, s), REPLAY_OK);
            seen[q] = 1;
            if (q > top)
                top = q;
        } else if (q != 0 && seen[q] && top - q < w) {
            ck_assert_int_eq(got, REPLAY_DUPLICATE);
        } else {
            ck_assert_int_eq(got, REPLAY_TOO_OLD);
        }
    }
    replay_free(&rw);
    free(seen);
}

START_TEST(test_model_random)
{
    model_run(64, 1);
    model_run(96, 2);
    model_run(256, 3);
    model_run(1024, 4);
    model_run(4096, 5);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("esp_replay");
    TCase *tc = tcase_create("window");
    tcase_add_test(tc, test_init_sizes);
    tcase_add_test(tc, test_first_zero_duplicate);
    tcase_add_test(tc, test_exact_boundary);
    tcase_add_test(tc, test_big_advance);
    tcase_add_test(tc, test_update_rechecks);
    tcase_add_test(tc, test_disabled);
    tcase_add_test(tc, test_model_random);
    suite_add_tcase(s, tc);
    TCase *te = tcase_create("esn");
    tcase_add_test(te, test_esn_start);
    tcase_add_test(te, test_esn_wrap_low32);
    tcase_add_test(te, test_esn_top_of_space);
    tcase_add_test(te, test_esn_large_window);
    suite_add_tcase(s, te);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
