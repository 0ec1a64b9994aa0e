/* The C fault matrix (issue 15): each callback kind (scan callback, stream handler,
 * replace callback, pull iterator between batches) x each fault a host can cause from
 * inside it (stop, re-enter the matcher, free the owner, use the owner after freeing it,
 * feed/finish the stream from its own handler, nest 10,000 levels deep, a hayscan panic
 * and an "exception pending" stop) gives the documented status, and
 * hayscan_live_objects() is back to 0 after every row. Run under valgrind and ASan by
 * `make test-c`. */
#include <stdint.h>

#include "testutil.h"

enum kind { SCAN, STREAM, REPLACE, ITER };
enum fault { STOP, REENTER, FREE_OWNER, USE_FREED, FEED_OWN, NEST, PANIC };
static const char *const kind_names[] = {"scan", "stream", "replace", "iter"};
static const char *const fault_names[] = {"stop", "reenter", "free owner", "use freed owner",
                                          "feed own stream", "nest 10000", "panic"};

typedef struct {
    enum kind kind;
    enum fault fault;
    hayscan_matcher_t *m;
    hayscan_stream_t *s;
    hayscan_iter_t *it;
    int calls, depth, deepest, released, owner_freed;
    hayscan_status_t inner; /* the first non-OK status of a call made inside the callback */
} ctx_t;

static const char HAY[] = "aaaa";
#define HAY_LEN 4
#define NEST_TARGET 10000

static void note(ctx_t *c, hayscan_status_t st) {
    if (st != HAYSCAN_STATUS_OK && c->inner == HAYSCAN_STATUS_OK) c->inner = st;
}

static int32_t apply(ctx_t *c);

static int32_t on_scan(void *u, const hayscan_match_t *m) {
    (void)m;
    return apply(u);
}

static int32_t on_replace(void *u, const hayscan_match_t *m, hayscan_replacement_t *dst) {
    (void)m;
    note(u, hayscan_replacement_write(dst, "b", 1));
    return apply(u);
}

static void on_release(void *u) {
    ((ctx_t *)u)->released++;
}

/* One level of the operation of `c->kind` (the outer call, or a nested one for NEST). */
static hayscan_status_t run_once(ctx_t *c, hayscan_scan_report_t *r) {
    hayscan_status_t st = HAYSCAN_STATUS_OK;
    switch (c->kind) {
    case SCAN:
        return hayscan_matcher_scan(c->m, HAY, HAY_LEN, on_scan, c, r);
    case REPLACE: {
        char *out = NULL;
        size_t len = 0;
        st = hayscan_matcher_replace_with(c->m, HAY, HAY_LEN, on_replace, c, &out, &len, r);
        if (st == HAYSCAN_STATUS_OK) hayscan_bytes_free(out, len);
        return st;
    }
    case STREAM: {
        hayscan_stream_t *outer = c->s;
        hayscan_stream_t *s = NULL;
        uint64_t id = 0;
        if ((st = hayscan_stream_new(c->m, &s)) != HAYSCAN_STATUS_OK) return st;
        c->s = s;
        st = hayscan_stream_on(s, on_scan, c, on_release, NULL, 0, &id);
        if (st == HAYSCAN_STATUS_OK) st = hayscan_stream_feed(s, HAY, HAY_LEN, r);
        if (st == HAYSCAN_STATUS_OK && !c->owner_freed) {
            hayscan_scan_report_t fin;
            st = hayscan_stream_finish(s, &fin);
            if (st == HAYSCAN_STATUS_STREAM_FINISHED && r->stopped) st = HAYSCAN_STATUS_OK;
            if (r) r->matches += fin.matches;
        }
        if (!c->owner_freed) hayscan_stream_free(s);
        c->s = outer;
        return st;
    }
    case ITER: {
        hayscan_iter_t *outer = c->it;
        if ((st = hayscan_iter_new(c->m, HAY, HAY_LEN, &c->it)) != HAYSCAN_STATUS_OK) return st;
        hayscan_iter_t *mine = c->it;
        hayscan_match_t hit;
        size_t n = 0;
        r->matches = 0;
        r->stopped = 0;
        for (;;) {
            st = hayscan_iter_next(c->it, &hit, 1, &n);
            if (st != HAYSCAN_STATUS_OK || n == 0) break;
            r->matches++;
            int32_t ret = apply(c);
            if (ret != 0) {
                r->stopped = 1;
                r->stop_value = ret;
                break;
            }
        }
        if (c->fault == USE_FREED && st == HAYSCAN_STATUS_INVALID_ARGUMENT) {
            note(c, st); /* the loop ran into its own freed iterator */
            st = HAYSCAN_STATUS_OK;
        }
        hayscan_iter_free(mine); /* a no-op if the fault freed it */
        c->it = outer;
        return st;
    }
    }
    return st;
}

static int32_t apply(ctx_t *c) {
    c->calls++;
    switch (c->fault) {
    case STOP:
        return c->calls == 2 ? 7 : 0;
    case REENTER: {
        size_t n = 0;
        note(c, hayscan_matcher_count(c->m, HAY, HAY_LEN, &n));
        CHECK(n == HAY_LEN);
        if (c->kind == STREAM) { /* and register on its own stream */
            uint64_t id = 0;
            note(c, hayscan_stream_on(c->s, on_scan, c, NULL, NULL, 0, &id));
            note(c, hayscan_stream_off(c->s, id));
        }
        return 0;
    }
    case FREE_OWNER:
    case USE_FREED:
        if (c->calls == 1) {
            size_t n = 0;
            hayscan_match_t hit;
            if (c->kind == STREAM) {
                hayscan_stream_free(c->s);
                c->owner_freed = 1;
                if (c->fault == USE_FREED) note(c, hayscan_stream_feed(c->s, "a", 1, NULL));
            } else if (c->kind == ITER && c->fault == USE_FREED) {
                hayscan_iter_free(c->it); /* the loop's next call meets the freed iterator */
            } else {
                hayscan_matcher_free(c->m);
                if (c->fault == USE_FREED) note(c, hayscan_matcher_count(c->m, "a", 1, &n));
                c->m = NULL;
                (void)hit;
            }
        }
        return 0;
    case FEED_OWN:
        note(c, hayscan_stream_feed(c->s, "a", 1, NULL));
        note(c, hayscan_stream_finish(c->s, NULL));
        return 0;
    case NEST:
        if (c->calls == 1 || c->depth > 0) { /* recurse from the first match down */
            c->depth++;
            if (c->depth > c->deepest) c->deepest = c->depth;
            if (c->depth < NEST_TARGET) {
                hayscan_scan_report_t r;
                memset(&r, 0, sizeof r);
                note(c, run_once(c, &r));
            }
            c->depth--;
            return 1; /* each nested level stops after its first match */
        }
        return 0;
    case PANIC:
        note(c, hayscan_debug_panic(1));
        return c->calls == 2 ? -1 : 0; /* -1: "a host exception is pending" */
    }
    return 0;
}

typedef struct {
    enum kind kind;
    enum fault fault;
    hayscan_status_t outer;  /* status of the outer call */
    hayscan_status_t inner;  /* first non-OK status inside the callback */
    int32_t stop_value;      /* of the outer report, 0 if not stopped */
    int deepest;             /* NEST: how deep it got */
} row_t;

#define ROWS_FOR(k)                                                                         \
    {k, STOP, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_OK, 7, 0},                                   \
    {k, REENTER, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_OK, 0, 0},                                \
    {k, FREE_OWNER, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_OK, 0, 0},                             \
    {k, USE_FREED, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_INVALID_ARGUMENT, 0, 0},                \
    {k, PANIC, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_PANIC, -1, 0}

static const row_t rows[] = {
    ROWS_FOR(SCAN),
    ROWS_FOR(STREAM),
    ROWS_FOR(REPLACE),
    ROWS_FOR(ITER),
    {STREAM, FEED_OWN, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_BUSY, 0, 0},
    /* Calls that run callbacks stop at the documented 1,000 levels with BUSY... */
    {SCAN, NEST, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_BUSY, 1, 1000},
    {REPLACE, NEST, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_BUSY, 1, 1000},
    {STREAM, NEST, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_BUSY, 1, 1000},
    /* ...an iterator keeps no hayscan frame on the stack: 10,000 nested iterations run. */
    {ITER, NEST, HAYSCAN_STATUS_OK, HAYSCAN_STATUS_OK, 1, NEST_TARGET},
};

int main(void) {
    hayscan_bytes_t a[1] = {{"a", 1}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const row_t *row = &rows[i];
        int before = test_failures;
        ctx_t c;
        memset(&c, 0, sizeof c);
        c.kind = row->kind;
        c.fault = row->fault;
        OK(hayscan_matcher_new(a, 1, NULL, &c.m));
        hayscan_scan_report_t r;
        memset(&r, 0, sizeof r);
        hayscan_status_t st = run_once(&c, &r);
        CHECK(st == row->outer);
        CHECK(c.inner == row->inner);
        CHECK(r.stop_value == row->stop_value && r.stopped == (row->stop_value != 0));
        if (row->fault == NEST) CHECK(c.deepest == row->deepest);
        if (row->fault == STOP) CHECK(c.calls == 2);
        if (row->fault == REENTER || row->fault == FREE_OWNER) CHECK(c.calls == HAY_LEN);
        if (row->kind == STREAM && row->fault != NEST) CHECK(c.released == 1);
        hayscan_matcher_free(c.m); /* NULL (a no-op) if the fault freed it */
        CHECK(hayscan_live_objects() == 0);
        if (test_failures != before)
            fprintf(stderr, "  in row %zu: %s x %s (status %d, inner %d, stop %d, deepest %d)\n", i,
                    kind_names[row->kind], fault_names[row->fault], (int)st, (int)c.inner,
                    (int)r.stop_value, c.deepest);
    }
    printf("test_faults: %zu rows, %d failures\n", sizeof rows / sizeof rows[0], test_failures);
    return test_failures ? 1 : 0;
}
