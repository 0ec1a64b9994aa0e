/* Stale, freed, forged and foreign handles (issue 15, item 4). Every entry point handed a
 * handle that is not live gets HAYSCAN_STATUS_INVALID_ARGUMENT and touches no freed memory;
 * `_free` of such a handle is a no-op. Run under valgrind and under AddressSanitizer by
 * `make test-c`: a read of freed memory is a valgrind/ASan error even when the status
 * happens to be right. Ends by checking hayscan_live_objects() is back to 0. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>

#include "testutil.h"

#define LEN(s) (sizeof(s) - 1)

static hayscan_matcher_t *literal1(const char *word) {
    hayscan_bytes_t list[1] = {{word, strlen(word)}};
    hayscan_matcher_t *m = NULL;
    OK(hayscan_matcher_new(list, 1, NULL, &m));
    return m;
}

#define STALE(call)                                                          \
    do {                                                                     \
        FAILS(call, HAYSCAN_STATUS_INVALID_ARGUMENT);                        \
        CHECK(strstr(hayscan_last_error_message(), "not a live hayscan handle") != NULL); \
    } while (0)

/* ---- a stream freed by its own handler ---- */

typedef struct {
    hayscan_stream_t *stream;
    int calls;
    int released;
    hayscan_status_t on_after_free;
    hayscan_status_t off_after_free;
    hayscan_status_t feed_after_free;
} freeing_ctx_t;

static int32_t free_own_stream(void *user_data, const hayscan_match_t *m) {
    freeing_ctx_t *ctx = user_data;
    (void)m;
    ctx->calls++;
    if (ctx->calls == 1) {
        hayscan_stream_free(ctx->stream);
        /* From here on the handle is dead, even though the feed that runs us goes on. */
        uint64_t id = 0;
        ctx->on_after_free = hayscan_stream_on(ctx->stream, free_own_stream, ctx, NULL, NULL, 0, &id);
        ctx->off_after_free = hayscan_stream_off(ctx->stream, 1);
        ctx->feed_after_free = hayscan_stream_feed(ctx->stream, "x", 1, NULL);
        hayscan_stream_free(ctx->stream); /* a second free: no-op */
    }
    return 0;
}

static void count_release(void *user_data) {
    ((freeing_ctx_t *)user_data)->released++;
}

static void test_stream_freed_by_its_handler(void) {
    hayscan_matcher_t *m = literal1("x");
    hayscan_stream_t *s = NULL;
    OK(hayscan_stream_new(m, &s));
    hayscan_matcher_free(m);
    freeing_ctx_t ctx = {s, 0, 0, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_OK};
    uint64_t id = 0;
    OK(hayscan_stream_on(s, free_own_stream, &ctx, count_release, NULL, 0, &id));
    hayscan_scan_report_t r;
    OK(hayscan_stream_feed(s, "xxx", 3, &r)); /* the feed in progress completes */
    CHECK(ctx.calls == 3 && r.matches == 3);
    CHECK(ctx.released == 1);
    CHECK(ctx.on_after_free == HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(ctx.off_after_free == HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(ctx.feed_after_free == HAYSCAN_STATUS_INVALID_ARGUMENT);
    /* The stale pointer after the feed returned: every stream entry point refuses it. */
    STALE(hayscan_stream_feed(s, "xxx", 3, &r));
    CHECK(strstr(hayscan_last_error_message(), "freed") != NULL);
    STALE(hayscan_stream_finish(s, &r));
    STALE(hayscan_stream_on(s, free_own_stream, &ctx, count_release, NULL, 0, &id));
    STALE(hayscan_stream_off(s, id));
    hayscan_stream_free(s);
    CHECK(ctx.calls == 3 && ctx.released == 1); /* nothing ran, nothing released twice */
    CHECK(hayscan_live_objects() == 0);
}

/* ---- use after free and double free of every handle type ---- */

static void test_use_after_free(void) {
    hayscan_matcher_t *m = literal1("ab");
    hayscan_stream_t *s = NULL;
    hayscan_iter_t *it = NULL;
    OK(hayscan_stream_new(m, &s));
    OK(hayscan_iter_new(m, "abab", 4, &it));
    hayscan_matcher_free(m);
    hayscan_stream_free(s);
    hayscan_iter_free(it);
    CHECK(hayscan_live_objects() == 0);

    size_t n = 0;
    uint32_t yes = 0;
    hayscan_match_t hit;
    hayscan_span_t g[1];
    char *out = NULL;
    size_t out_len = 0;
    hayscan_bytes_t with[1] = {{"", 0}};
    const char *name = NULL;
    STALE(hayscan_matcher_count(m, "ab", 2, &n));
    CHECK(strstr(hayscan_last_error_message(), "matcher is not a live hayscan handle") != NULL);
    CHECK(strstr(hayscan_last_error_message(), "freed") != NULL);
    STALE(hayscan_matcher_is_match(m, "ab", 2, &yes));
    STALE(hayscan_matcher_find(m, "ab", 2, &hit, &yes));
    STALE(hayscan_matcher_pattern_count(m, &n));
    STALE(hayscan_matcher_memory_usage(m, &n));
    STALE(hayscan_matcher_scan(m, "ab", 2, NULL, NULL, NULL));
    STALE(hayscan_matcher_replace_all(m, "ab", 2, with, 1, &out, &out_len));
    STALE(hayscan_matcher_replace_with(m, "ab", 2, NULL, NULL, &out, &out_len, NULL));
    STALE(hayscan_matcher_captures(m, "ab", 2, &hit, g, 1, &n));
    STALE(hayscan_matcher_group_count(m, 0, &n));
    STALE(hayscan_matcher_group_name(m, 0, 0, &name, &n));
    STALE(hayscan_stream_new(m, &s));
    STALE(hayscan_iter_new(m, "ab", 2, &it));
    STALE(hayscan_stream_feed(s, "ab", 2, NULL));
    STALE(hayscan_iter_next(it, &hit, 1, &n));
    CHECK(out == NULL);
    /* Double frees are no-ops. */
    hayscan_matcher_free(m);
    hayscan_stream_free(s);
    hayscan_iter_free(it);
    CHECK(hayscan_live_objects() == 0);
}

/* A freed handle stays dead when hayscan creates a new handle of the same type (the
 * allocator often hands out the same address again). */
static void test_reused_slot_does_not_revive_a_stale_handle(void) {
    for (int round = 0; round < 50; round++) {
        hayscan_matcher_t *old = literal1("a");
        hayscan_matcher_free(old);
        hayscan_matcher_t *fresh = literal1("b");
        CHECK(fresh != old);
        size_t n = 9;
        STALE(hayscan_matcher_count(old, "aabb", 4, &n));
        CHECK(n == 9);
        OK(hayscan_matcher_count(fresh, "aabb", 4, &n));
        CHECK(n == 2);
        hayscan_matcher_free(old); /* must not free `fresh` */
        OK(hayscan_matcher_count(fresh, "aabb", 4, &n));
        hayscan_stream_t *s1 = NULL, *s2 = NULL;
        OK(hayscan_stream_new(fresh, &s1));
        hayscan_stream_free(s1);
        OK(hayscan_stream_new(fresh, &s2));
        CHECK(s1 != s2);
        STALE(hayscan_stream_feed(s1, "b", 1, NULL));
        hayscan_stream_free(s1);
        OK(hayscan_stream_feed(s2, "b", 1, NULL));
        hayscan_stream_free(s2);
        hayscan_matcher_free(fresh);
    }
    CHECK(hayscan_live_objects() == 0);
}

/* Pointers hayscan never returned: memory that looks like an old-style tagged handle,
 * a stack address, small integers. Refused, and `_free` leaves them alone. */
static void test_forged_and_foreign_pointers(void) {
    uint64_t fake[16];
    memset(fake, 0, sizeof fake);
    fake[0] = 0x686179736d617463ull; /* "haysmatc": the tag hayscan 0.1 checked */
    size_t n = 7;
    STALE(hayscan_matcher_count((const hayscan_matcher_t *)(void *)fake, "ab", 2, &n));
    CHECK(strstr(hayscan_last_error_message(), "never returned") != NULL);
    hayscan_matcher_free((hayscan_matcher_t *)(void *)fake);
    fake[0] = 0x6861797373747266ull; /* "haysstrm" */
    STALE(hayscan_stream_feed((hayscan_stream_t *)(void *)fake, "ab", 2, NULL));
    hayscan_stream_free((hayscan_stream_t *)(void *)fake);
    fake[0] = 0x6861797369746572ull; /* "haysiter" */
    hayscan_match_t hit;
    STALE(hayscan_iter_next((hayscan_iter_t *)(void *)fake, &hit, 1, &n));
    hayscan_iter_free((hayscan_iter_t *)(void *)fake);
    fake[0] = 0x686179737265706cull; /* "haysrepl" */
    STALE(hayscan_replacement_write((hayscan_replacement_t *)(void *)fake, "x", 1));
    uintptr_t small[] = {1, 8, 4096, (uintptr_t)-8};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        STALE(hayscan_matcher_count((const hayscan_matcher_t *)small[i], "ab", 2, &n));
        hayscan_matcher_free((hayscan_matcher_t *)small[i]);
        hayscan_stream_free((hayscan_stream_t *)small[i]);
        hayscan_iter_free((hayscan_iter_t *)small[i]);
    }
    CHECK(n == 7);
    CHECK(fake[0] == 0x686179737265706cull && fake[1] == 0); /* nothing wrote to it */
}

/* A live handle of another type is named in the message. */
static void test_wrong_type(void) {
    hayscan_matcher_t *m = literal1("a");
    hayscan_stream_t *s = NULL;
    hayscan_iter_t *it = NULL;
    OK(hayscan_stream_new(m, &s));
    OK(hayscan_iter_new(m, "a", 1, &it));
    size_t n = 0;
    hayscan_match_t hit;
    STALE(hayscan_matcher_count((const hayscan_matcher_t *)(void *)s, "a", 1, &n));
    CHECK(strstr(hayscan_last_error_message(), "hayscan_stream_t") != NULL);
    STALE(hayscan_stream_feed((hayscan_stream_t *)(void *)it, "a", 1, NULL));
    CHECK(strstr(hayscan_last_error_message(), "hayscan_iter_t") != NULL);
    STALE(hayscan_iter_next((hayscan_iter_t *)(void *)m, &hit, 1, &n));
    CHECK(strstr(hayscan_last_error_message(), "hayscan_matcher_t") != NULL);
    STALE(hayscan_replacement_write((hayscan_replacement_t *)(void *)m, "x", 1));
    /* Freeing through the wrong destructor frees nothing. */
    hayscan_matcher_free((hayscan_matcher_t *)(void *)s);
    hayscan_stream_free((hayscan_stream_t *)(void *)it);
    hayscan_iter_free((hayscan_iter_t *)(void *)m);
    CHECK(hayscan_live_objects() == 3);
    OK(hayscan_stream_feed(s, "a", 1, NULL));
    OK(hayscan_iter_next(it, &hit, 1, &n));
    CHECK(n == 1);
    hayscan_iter_free(it);
    hayscan_stream_free(s);
    hayscan_matcher_free(m);
    CHECK(hayscan_live_objects() == 0);
}

/* ---- replacement tokens live only during their own callback ---- */

typedef struct {
    hayscan_replacement_t *kept;
    int calls;
    hayscan_status_t earlier_token;
    hayscan_status_t from_thread;
    hayscan_status_t outer_from_inner;
    const hayscan_matcher_t *m;
} repl_ctx_t;

typedef struct {
    hayscan_replacement_t *dst;
    hayscan_status_t status;
} thread_write_t;

static void *write_from_thread(void *arg) {
    thread_write_t *t = arg;
    t->status = hayscan_replacement_write(t->dst, "T", 1);
    return NULL;
}

static int32_t inner_repl(void *user_data, const hayscan_match_t *m, hayscan_replacement_t *dst) {
    repl_ctx_t *ctx = user_data;
    (void)m;
    /* The outer callback is still running: its token is still live. */
    ctx->outer_from_inner = hayscan_replacement_write(ctx->kept, "", 0);
    return hayscan_replacement_write(dst, "i", 1) == HAYSCAN_STATUS_OK ? 0 : 1;
}

static int32_t keep_token(void *user_data, const hayscan_match_t *m, hayscan_replacement_t *dst) {
    repl_ctx_t *ctx = user_data;
    (void)m;
    ctx->calls++;
    if (ctx->calls == 2) {
        /* The token of the first call is dead: its replacement was already taken. */
        ctx->earlier_token = hayscan_replacement_write(ctx->kept, "LATE", 4);
        /* The live token, used from another thread while this callback runs. */
        thread_write_t t = {dst, HAYSCAN_STATUS_OK};
        pthread_t th;
        CHECK(pthread_create(&th, NULL, write_from_thread, &t) == 0);
        pthread_join(th, NULL);
        ctx->from_thread = t.status;
    }
    ctx->kept = dst;
    if (ctx->calls == 3) {
        char *out = NULL;
        size_t len = 0;
        OK(hayscan_matcher_replace_with(ctx->m, "a", 1, inner_repl, ctx, &out, &len, NULL));
        CHECK(len == 1 && memcmp(out, "i", 1) == 0);
        hayscan_bytes_free(out, len);
    }
    OK(hayscan_replacement_write(dst, "<>", 2));
    return 0;
}

static void test_replacement_token_lifetime(void) {
    hayscan_matcher_t *m = literal1("a");
    repl_ctx_t ctx = {NULL, 0, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_PANIC, m};
    char *out = NULL;
    size_t len = 0;
    OK(hayscan_matcher_replace_with(m, "a-a-a", 5, keep_token, &ctx, &out, &len, NULL));
    CHECK(len == 8 && memcmp(out, "<>-<>-<>", 8) == 0); /* "LATE" and "T" went nowhere */
    hayscan_bytes_free(out, len);
    CHECK(ctx.earlier_token == HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(ctx.from_thread == HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(ctx.outer_from_inner == HAYSCAN_STATUS_OK);
    /* After the call returned, the last token is dead too (its stack frame is gone). */
    STALE(hayscan_replacement_write(ctx.kept, "x", 1));
    CHECK(strstr(hayscan_last_error_message(), "callback") != NULL);
    hayscan_matcher_free(m);
    CHECK(hayscan_live_objects() == 0);
}

/* ---- one thread at a time: a stream in use on another thread is BUSY ---- */

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int inside, done;
    hayscan_stream_t *s;
} handoff_t;

static int32_t wait_inside(void *user_data, const hayscan_match_t *m) {
    handoff_t *h = user_data;
    (void)m;
    pthread_mutex_lock(&h->lock);
    h->inside = 1;
    pthread_cond_broadcast(&h->cond);
    while (!h->done) pthread_cond_wait(&h->cond, &h->lock);
    pthread_mutex_unlock(&h->lock);
    return 0;
}

static void *feed_in_thread(void *arg) {
    handoff_t *h = arg;
    OK(hayscan_stream_feed(h->s, "x", 1, NULL));
    return NULL;
}

static void test_stream_in_use_on_another_thread(void) {
    hayscan_matcher_t *m = literal1("x");
    handoff_t h;
    pthread_mutex_init(&h.lock, NULL);
    pthread_cond_init(&h.cond, NULL);
    h.inside = h.done = 0;
    OK(hayscan_stream_new(m, &h.s));
    uint64_t id = 0;
    OK(hayscan_stream_on(h.s, wait_inside, &h, NULL, NULL, 0, &id));
    pthread_t th;
    CHECK(pthread_create(&th, NULL, feed_in_thread, &h) == 0);
    pthread_mutex_lock(&h.lock);
    while (!h.inside) pthread_cond_wait(&h.cond, &h.lock);
    pthread_mutex_unlock(&h.lock);
    /* The other thread is inside a feed of this stream. */
    FAILS(hayscan_stream_feed(h.s, "x", 1, NULL), HAYSCAN_STATUS_BUSY);
    CHECK(strstr(hayscan_last_error_message(), "another thread") != NULL);
    FAILS(hayscan_stream_finish(h.s, NULL), HAYSCAN_STATUS_BUSY);
    FAILS(hayscan_stream_on(h.s, wait_inside, &h, NULL, NULL, 0, &id), HAYSCAN_STATUS_BUSY);
    FAILS(hayscan_stream_off(h.s, id), HAYSCAN_STATUS_BUSY);
    pthread_mutex_lock(&h.lock);
    h.done = 1;
    pthread_cond_broadcast(&h.cond);
    pthread_mutex_unlock(&h.lock);
    pthread_join(th, NULL);
    /* Handed over: this thread may use it now. */
    hayscan_scan_report_t r;
    OK(hayscan_stream_finish(h.s, &r));
    CHECK(r.matches == 0);
    hayscan_stream_free(h.s);
    hayscan_matcher_free(m);
    pthread_cond_destroy(&h.cond);
    pthread_mutex_destroy(&h.lock);
    CHECK(hayscan_live_objects() == 0);
}

typedef struct {
    hayscan_iter_t *it;
    size_t n;
} iter_thread_t;

static void *next_in_thread(void *arg) {
    iter_thread_t *t = arg;
    hayscan_match_t hit[4];
    OK(hayscan_iter_next(t->it, hit, 4, &t->n));
    return NULL;
}

/* Handles move between threads when they are not in use. */
static void test_handles_move_between_threads(void) {
    hayscan_matcher_t *m = literal1("ab");
    hayscan_iter_t *it = NULL;
    OK(hayscan_iter_new(m, "ababab", 6, &it));
    hayscan_matcher_free(m);
    hayscan_match_t hit[2];
    size_t n = 0;
    OK(hayscan_iter_next(it, hit, 2, &n));
    CHECK(n == 2);
    iter_thread_t t = {it, 0};
    pthread_t th;
    CHECK(pthread_create(&th, NULL, next_in_thread, &t) == 0);
    pthread_join(th, NULL);
    CHECK(t.n == 1);
    hayscan_iter_free(it);
    CHECK(hayscan_live_objects() == 0);
}

/* ---- byte buffers ---- */

static void test_bytes_double_free(void) {
    hayscan_matcher_t *m = literal1("a");
    hayscan_bytes_t with[1] = {{"bb", 2}};
    char *out = NULL;
    size_t len = 0;
    OK(hayscan_matcher_replace_all(m, "a-a", 3, with, 1, &out, &len));
    CHECK(hayscan_live_objects() == 2);
    hayscan_bytes_free(out, len + 1); /* a wrong length frees nothing */
    CHECK(hayscan_live_objects() == 2);
    hayscan_bytes_free(out, len);
    CHECK(hayscan_live_objects() == 1);
    hayscan_bytes_free(out, len); /* freed twice: ignored */
    char local[8] = "abcdefg";
    hayscan_bytes_free(local, sizeof local); /* never hayscan's: ignored */
    CHECK(hayscan_live_objects() == 1);
    hayscan_matcher_free(m);
    CHECK(hayscan_live_objects() == 0);
}

/* ---- nesting: 10,000 levels of scan-inside-callback end in BUSY, never a crash ---- */

typedef struct {
    hayscan_matcher_t *m;
    int depth, deepest;
    hayscan_status_t refused;
} nest_ctx_t;

static int32_t nest(void *user_data, const hayscan_match_t *m) {
    nest_ctx_t *ctx = user_data;
    (void)m;
    ctx->depth++;
    if (ctx->depth > ctx->deepest) ctx->deepest = ctx->depth;
    if (ctx->depth < 10000) {
        hayscan_status_t st = hayscan_matcher_scan(ctx->m, "a", 1, nest, ctx, NULL);
        if (st != HAYSCAN_STATUS_OK && ctx->refused == HAYSCAN_STATUS_OK) {
            ctx->refused = st;
            CHECK(strstr(hayscan_last_error_message(), "nested too deeply") != NULL);
        }
    }
    ctx->depth--;
    return 0;
}

static void test_deep_nesting_is_bounded(void) {
    nest_ctx_t ctx = {literal1("a"), 0, 0, HAYSCAN_STATUS_OK};
    OK(hayscan_matcher_scan(ctx.m, "a", 1, nest, &ctx, NULL));
    CHECK(ctx.refused == HAYSCAN_STATUS_BUSY);
    CHECK(ctx.deepest == 1000); /* the documented limit */
    size_t n = 0;
    OK(hayscan_matcher_count(ctx.m, "aa", 2, &n)); /* and the thread is usable again */
    CHECK(n == 2);
    hayscan_matcher_free(ctx.m);
    CHECK(hayscan_live_objects() == 0);
}

int main(void) {
    test_stream_freed_by_its_handler();
    test_use_after_free();
    test_reused_slot_does_not_revive_a_stale_handle();
    test_wrong_type();
    test_replacement_token_lifetime();
    test_stream_in_use_on_another_thread();
    test_handles_move_between_threads();
    test_forged_and_foreign_pointers();
    test_bytes_double_free();
    test_deep_nesting_is_bounded();
    CHECK(hayscan_live_objects() == 0);
    printf("test_handles: %d failures\n", test_failures);
    return test_failures ? 1 : 0;
}
