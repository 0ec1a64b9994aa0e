/* Jobs (scans on a worker thread), parallel counts and replace into a file, through the
 * C ABI. Run by `make test` under valgrind and under ASan; ends by checking
 * hayscan_live_objects() is back to 0. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

/* `reps` copies of `unit`, NUL-terminated; the caller frees it. */
static char *repeat(const char *unit, size_t reps, size_t *len) {
    size_t u = strlen(unit);
    char *s = malloc(u * reps + 1);
    for (size_t i = 0; i < reps; i++) memcpy(s + i * u, unit, u);
    s[u * reps] = 0;
    *len = u * reps;
    return s;
}

/* Every match of `hay` through the pull iterator (the reference answer). */
static size_t reference(hayscan_matcher_t *m, const char *hay, size_t len, hayscan_match_t *out, size_t cap) {
    hayscan_iter_t *it = NULL;
    OK(hayscan_iter_new(m, hay, len, &it));
    size_t total = 0, n = 0;
    do {
        OK(hayscan_iter_next(it, out + total, cap - total, &n));
        total += n;
    } while (n > 0 && total < cap);
    hayscan_iter_free(it);
    return total;
}

static int same(const hayscan_match_t *a, const hayscan_match_t *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (a[i].pattern != b[i].pattern || a[i].start != b[i].start || a[i].end != b[i].end) return 0;
    return 1;
}

static hayscan_bytes_t bytes_of(const char *p, size_t len) {
    hayscan_bytes_t b;
    b.ptr = p;
    b.len = len;
    return b;
}

/* What a callback job saw: matches copied, the thread it ran on, releases. */
typedef struct {
    hayscan_match_t *got;
    size_t n, cap, calls, stop_after;
    pthread_t thread;
    int releases;
} seen_t;

static int32_t on_batch(void *user, const hayscan_match_t *batch, size_t len) {
    seen_t *s = user;
    s->thread = pthread_self();
    s->calls++;
    for (size_t i = 0; i < len && s->n < s->cap; i++) s->got[s->n++] = batch[i];
    return (s->stop_after && s->calls >= s->stop_after) ? 7 : 0;
}

static void release(void *user) { ((seen_t *)user)->releases++; }

static void test_count_and_collect_give_the_matches_of_a_scan(void) {
    const char *w[] = {"needle", "ne", "e"};
    for (uint32_t kind = 0; kind <= 2; kind++) {
        hayscan_matcher_t *m = literal(w, 3, kind);
        size_t len;
        char *hay = repeat("a needle, an eel; ", 40000, &len);
        size_t cap = len + 1;
        hayscan_match_t *want = malloc(cap * sizeof *want), *got = malloc(cap * sizeof *got);
        size_t n_want = reference(m, hay, len, want, cap);
        size_t count = 0;
        OK(hayscan_matcher_count(m, hay, len, &count));
        CHECK(count == n_want);

        hayscan_job_options_t o;
        OK(hayscan_job_options_init(&o));
        CHECK(o.version == HAYSCAN_JOB_OPTIONS_VERSION && o.delivery == HAYSCAN_JOB_COLLECT);
        o.delivery = HAYSCAN_JOB_COUNT;
        hayscan_job_t *job = NULL;
        OK(hayscan_matcher_start_job(m, bytes_of(hay, len), &o, &job));
        hayscan_job_outcome_t out;
        OK(hayscan_job_wait(job, &out));
        CHECK(out.matches == n_want && out.stopped == 0 && out.cancelled == 0);
        size_t n = 99;
        OK(hayscan_job_next_batch(job, got, 10, &n));
        CHECK(n == 0);
        hayscan_job_free(job);

        /* Collect, drained with a cap smaller than a batch and not dividing it. */
        OK(hayscan_job_options_init(&o));
        o.batch = 100;
        o.max_queued = 2;
        OK(hayscan_matcher_start_job(m, bytes_of(hay, len), &o, &job));
        size_t total = 0;
        do {
            OK(hayscan_job_next_batch(job, got + total, total + 33 <= cap ? 33 : cap - total, &n));
            CHECK(n <= 33);
            total += n;
        } while (n > 0);
        CHECK(total == n_want && same(got, want, total));
        OK(hayscan_job_wait(job, &out));
        CHECK(out.matches == n_want && out.cancelled == 0);
        OK(hayscan_job_wait(job, NULL)); /* again */
        hayscan_job_free(job);
        free(want);
        free(got);
        free(hay);
        hayscan_matcher_free(m);
    }
    CHECK(hayscan_live_objects() == 0);
}

static void test_callbacks_run_on_the_worker_and_are_released_once(void) {
    const char *w[] = {"needle"};
    hayscan_matcher_t *m = literal(w, 1, HAYSCAN_MATCH_LEFTMOST_FIRST);
    size_t len;
    char *hay = repeat("a needle; ", 50000, &len);
    seen_t s;
    memset(&s, 0, sizeof s);
    s.cap = 50000;
    s.got = malloc(s.cap * sizeof *s.got);
    hayscan_job_options_t o;
    OK(hayscan_job_options_init(&o));
    o.delivery = HAYSCAN_JOB_CALLBACK;
    o.batch = 1000;
    o.on_batch = on_batch;
    o.release = release;
    o.user_data = &s;
    hayscan_job_t *job = NULL;
    OK(hayscan_matcher_start_job(m, bytes_of(hay, len), &o, &job));
    hayscan_job_outcome_t out;
    OK(hayscan_job_wait(job, &out));
    CHECK(out.matches == 50000 && out.stopped == 0);
    CHECK(s.n == 50000 && s.calls == 50 && s.got[49999].start == 49999 * 10 + 2);
    CHECK(!pthread_equal(s.thread, pthread_self()));
    CHECK(s.releases == 1); /* released by the worker once the scan is over */
    hayscan_job_free(job);
    CHECK(s.releases == 1);

    /* A callback that stops the scan. */
    memset(s.got, 0, sizeof *s.got);
    s.n = s.calls = 0;
    s.releases = 0;
    s.stop_after = 2;
    OK(hayscan_matcher_start_job(m, bytes_of(hay, len), &o, &job));
    OK(hayscan_job_wait(job, &out));
    CHECK(out.stopped == 1 && out.matches == 2000 && s.calls == 2 && s.releases == 1);
    hayscan_job_free(job);

    /* Count and collect jobs release their user_data when freed. */
    s.releases = 0;
    o.delivery = HAYSCAN_JOB_COUNT;
    OK(hayscan_matcher_start_job(m, bytes_of(hay, len), &o, &job));
    OK(hayscan_job_wait(job, &out));
    CHECK(out.matches == 50000 && s.releases == 0);
    hayscan_job_free(job);
    CHECK(s.releases == 1);
    free(s.got);
    free(hay);
    hayscan_matcher_free(m);
    CHECK(hayscan_live_objects() == 0);
}

typedef struct {
    hayscan_job_t *job;
    int delay_ms;
} canceller_t;

static void *cancel_later(void *arg) {
    canceller_t *c = arg;
    struct timespec t = {0, c->delay_ms * 1000000L};
    nanosleep(&t, NULL);
    OK(hayscan_job_cancel(c->job));
    return NULL;
}

static void test_cancel(void) {
    const char *w[] = {"e"};
    hayscan_matcher_t *m = literal(w, 1, HAYSCAN_MATCH_LEFTMOST_FIRST);
    size_t len;
    char *hay = repeat("eeee eeee ", 400000, &len);
    hayscan_match_t buf[64];
    hayscan_job_options_t o;
    OK(hayscan_job_options_init(&o));
    o.batch = 1;
    o.max_queued = 1;
    /* The caller takes one batch, cancels, and drains what is left. */
    hayscan_job_t *job = NULL;
    OK(hayscan_matcher_start_job(m, bytes_of(hay, len), &o, &job));
    size_t n = 0, total = 0;
    OK(hayscan_job_next_batch(job, buf, 64, &n));
    CHECK(n == 1 && buf[0].start == 0);
    OK(hayscan_job_cancel(job));
    do {
        OK(hayscan_job_next_batch(job, buf, 64, &n));
        total += n;
    } while (n > 0);
    hayscan_job_outcome_t out;
    OK(hayscan_job_wait(job, &out));
    CHECK(out.cancelled == 1 && out.matches < 3200000 && total < 10);
    hayscan_job_free(job);

    /* Cancelled from another thread while this one drains. */
    o.batch = 4096;
    o.max_queued = 4;
    OK(hayscan_matcher_start_job(m, bytes_of(hay, len), &o, &job));
    canceller_t c = {job, 2};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, cancel_later, &c) == 0);
    total = 0;
    do {
        OK(hayscan_job_next_batch(job, buf, 64, &n));
        total += n;
    } while (n > 0);
    CHECK(pthread_join(t, NULL) == 0);
    OK(hayscan_job_wait(job, &out));
    CHECK(total == out.matches || out.cancelled == 1);
    CHECK(out.cancelled == 1 || total == 3200000);
    hayscan_job_free(job);

    /* Freed while running and never drained: free cancels and waits. */
    OK(hayscan_matcher_start_job(m, bytes_of(hay, len), &o, &job));
    hayscan_job_free(job);
    free(hay);
    hayscan_matcher_free(m);
    CHECK(hayscan_live_objects() == 0);
}

static void test_file_jobs(void) {
    char path[] = "/tmp/hayscan-c-job-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    for (int i = 0; i < 100000; i++) fputs("a needle, b NEEDLE; ", f);
    fclose(f);
    const char *w[] = {"needle", "NEEDLE"};
    hayscan_matcher_t *m = literal(w, 2, HAYSCAN_MATCH_LEFTMOST_FIRST);
    hayscan_job_options_t o;
    OK(hayscan_job_options_init(&o));
    hayscan_job_t *job = NULL;
    OK(hayscan_matcher_start_file_job(m, path, strlen(path), &o, &job));
    hayscan_matcher_free(m); /* the job keeps the patterns alive */
    hayscan_match_t buf[500];
    size_t n = 0, total = 0, ok = 1;
    do {
        OK(hayscan_job_next_batch(job, buf, 500, &n));
        for (size_t i = 0; i < n; i++) {
            size_t k = total + i;
            ok &= buf[i].pattern == k % 2 && buf[i].start == (k / 2) * 20 + (k % 2 ? 12 : 2);
        }
        total += n;
    } while (n > 0);
    CHECK(ok && total == 200000);
    hayscan_job_outcome_t out;
    OK(hayscan_job_wait(job, &out));
    CHECK(out.matches == 200000);
    hayscan_job_free(job);

    /* A missing file and a directory fail the job, not the start. */
    m = literal(w, 2, HAYSCAN_MATCH_LEFTMOST_FIRST);
    OK(hayscan_matcher_start_file_job(m, "/no/such/hayscan/file", 21, &o, &job));
    OK(hayscan_job_next_batch(job, buf, 500, &n));
    CHECK(n == 0);
    FAILS(hayscan_job_wait(job, &out), HAYSCAN_STATUS_IO);
    CHECK(strstr(hayscan_last_error_message(), "No such file") != NULL);
    FAILS(hayscan_job_wait(job, &out), HAYSCAN_STATUS_IO); /* the same again */
    hayscan_job_free(job);
    OK(hayscan_matcher_start_file_job(m, "/tmp", 4, &o, &job));
    FAILS(hayscan_job_wait(job, &out), HAYSCAN_STATUS_IO);
    CHECK(strstr(hayscan_last_error_message(), "directory") != NULL);
    hayscan_job_free(job);
    FAILS(hayscan_matcher_start_file_job(m, "", 0, &o, &job), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_start_file_job(m, "/tmp\0x", 6, &o, &job), HAYSCAN_STATUS_INVALID_ARGUMENT);
    remove(path);
    hayscan_matcher_free(m);
    CHECK(hayscan_live_objects() == 0);
}

static void test_bad_arguments(void) {
    const char *w[] = {"needle"};
    hayscan_matcher_t *m = literal(w, 1, HAYSCAN_MATCH_LEFTMOST_FIRST);
    seen_t s;
    memset(&s, 0, sizeof s);
    hayscan_job_options_t o;
    OK(hayscan_job_options_init(&o));
    o.release = release;
    o.user_data = &s;
    hayscan_job_t *job = (hayscan_job_t *)0x1;
    FAILS(hayscan_matcher_start_job(m, bytes_of("x", 1), NULL, &job), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(s.releases == 0); /* options unread: nothing to release */
    FAILS(hayscan_matcher_start_job(m, bytes_of("x", 1), &o, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(s.releases == 1);
    FAILS(hayscan_matcher_start_job(NULL, bytes_of("x", 1), &o, &job), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(s.releases == 2);
    FAILS(hayscan_matcher_start_job(m, bytes_of(NULL, 3), &o, &job), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(s.releases == 3);
    o.version = 99;
    FAILS(hayscan_matcher_start_job(m, bytes_of("x", 1), &o, &job), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "hayscan_job_options_init") != NULL);
    CHECK(s.releases == 4);
    o.version = HAYSCAN_JOB_OPTIONS_VERSION;
    o.delivery = HAYSCAN_JOB_CALLBACK; /* without on_batch */
    FAILS(hayscan_matcher_start_job(m, bytes_of("x", 1), &o, &job), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(s.releases == 5);
    o.delivery = 42;
    FAILS(hayscan_matcher_start_job(m, bytes_of("x", 1), &o, &job), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(s.releases == 6);
    CHECK(job == (hayscan_job_t *)0x1); /* out untouched on failure */

    /* Stale, foreign and wrong-type handles. */
    OK(hayscan_job_options_init(&o));
    OK(hayscan_matcher_start_job(m, bytes_of("a needle", 8), &o, &job));
    hayscan_job_free(job);
    hayscan_match_t buf[4];
    size_t n = 0;
    FAILS(hayscan_job_next_batch(job, buf, 4, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "freed") != NULL);
    FAILS(hayscan_job_cancel(job), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_job_wait(job, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    hayscan_job_free(job); /* twice: a no-op */
    hayscan_job_free(NULL);
    FAILS(hayscan_job_cancel((hayscan_job_t *)m), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "hayscan_matcher_t") != NULL);
    hayscan_job_free((hayscan_job_t *)m); /* not a job: left alone */
    size_t count = 0;
    OK(hayscan_matcher_count(m, "needle", 6, &count));
    CHECK(count == 1);
    OK(hayscan_matcher_start_job(m, bytes_of("a needle", 8), &o, &job));
    FAILS(hayscan_job_next_batch(job, NULL, 4, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_job_next_batch(job, buf, 4, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    OK(hayscan_job_next_batch(job, NULL, 0, &n)); /* cap 0: nothing taken */
    CHECK(n == 0);
    OK(hayscan_job_next_batch(job, buf, 4, &n));
    CHECK(n == 1 && buf[0].start == 2);
    hayscan_job_free(job);
    hayscan_matcher_free(m);
    CHECK(hayscan_live_objects() == 0);
}

static void test_count_parallel_and_replace_file(void) {
    const char *w[] = {"needle", "eel"};
    for (uint32_t kind = 0; kind <= 2; kind++) {
        hayscan_matcher_t *m = literal(w, 2, kind);
        size_t len;
        char *hay = repeat("a needle, an eel; ", 100000, &len); /* 1.8 MB: split */
        size_t one = 0, two = 0, dflt = 0;
        OK(hayscan_matcher_count(m, hay, len, &one));
        OK(hayscan_matcher_count_parallel(m, hay, len, 2, &two));
        OK(hayscan_matcher_count_parallel(m, hay, len, 0, &dflt));
        CHECK(one == 200000 && two == one && dflt == one);
        FAILS(hayscan_matcher_count_parallel(m, hay, len, 2, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
        free(hay);
        hayscan_matcher_free(m);
    }

    /* Files: a regex set split at line starts, on 1, 2 and the default threads. */
    {
        char fp[] = "/tmp/hayscan-c-par-XXXXXX";
        int pfd = mkstemp(fp);
        CHECK(pfd >= 0);
        FILE *pf = fdopen(pfd, "w");
        for (int i = 0; i < 150000; i++) fputs(i % 7 ? "a needle, an eel\n" : "needle\n", pf);
        fclose(pf);
        hayscan_bytes_t re[2] = {bytes_of("^needle", 7), bytes_of("e+l$", 4)};
        hayscan_options_t ro;
        OK(hayscan_options_init(&ro));
        ro.syntax = HAYSCAN_SYNTAX_REGEX;
        hayscan_matcher_t *rm = NULL;
        OK(hayscan_matcher_new(re, 2, &ro, &rm));
        size_t seq = 0, par = 0, dflt = 0;
        OK(hayscan_matcher_count_file(rm, fp, strlen(fp), &seq));
        OK(hayscan_matcher_count_file_parallel(rm, fp, strlen(fp), 2, &par));
        OK(hayscan_matcher_count_file_parallel(rm, fp, strlen(fp), 0, &dflt));
        CHECK(seq == 150000 && par == seq && dflt == seq);
        FAILS(hayscan_matcher_count_file_parallel(rm, "/no/such/file", 13, 2, &par), HAYSCAN_STATUS_IO);
        FAILS(hayscan_matcher_count_file_parallel(rm, fp, strlen(fp), 2, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
        remove(fp);
        hayscan_matcher_free(rm);
    }

    char in[] = "/tmp/hayscan-c-replace-in-XXXXXX";
    int fd = mkstemp(in);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    for (int i = 0; i < 50000; i++) fputs("a needle, an eel; ", f);
    fclose(f);
    char outp[64];
    snprintf(outp, sizeof outp, "%s.out", in);
    hayscan_matcher_t *m = literal(w, 2, HAYSCAN_MATCH_LEFTMOST_FIRST);
    hayscan_bytes_t with[3] = {bytes_of("pin", 3), bytes_of("E", 1), bytes_of("x", 1)};
    size_t n = 0;
    OK(hayscan_matcher_replace_file(m, in, strlen(in), outp, strlen(outp), with, 2, &n));
    CHECK(n == 100000);
    f = fopen(outp, "r");
    char line[32];
    CHECK(f && fread(line, 1, 12, f) == 12 && memcmp(line, "a pin, an E;", 12) == 0);
    fseek(f, 0, SEEK_END);
    CHECK(ftell(f) == 50000L * 13);
    fclose(f);
    OK(hayscan_matcher_replace_file(m, in, strlen(in), outp, strlen(outp), with, 1, NULL));
    FAILS(hayscan_matcher_replace_file(m, in, strlen(in), in, strlen(in), with, 1, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "is the input file") != NULL);
    FAILS(hayscan_matcher_replace_file(m, in, strlen(in), outp, strlen(outp), with, 3, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_replace_file(m, "/no/such/in", 11, outp, strlen(outp), with, 1, &n), HAYSCAN_STATUS_IO);
    FAILS(hayscan_matcher_replace_file(m, in, strlen(in), "/no/such/dir/out", 16, with, 1, &n), HAYSCAN_STATUS_IO);
    hayscan_matcher_free(m);
    m = literal(w, 2, HAYSCAN_MATCH_OVERLAPPING);
    FAILS(hayscan_matcher_replace_file(m, in, strlen(in), outp, strlen(outp), with, 1, &n), HAYSCAN_STATUS_UNSUPPORTED);
    hayscan_matcher_free(m);
    remove(in);
    remove(outp);
    CHECK(hayscan_live_objects() == 0);
}

int main(void) {
    test_count_and_collect_give_the_matches_of_a_scan();
    test_callbacks_run_on_the_worker_and_are_released_once();
    test_cancel();
    test_file_jobs();
    test_bad_arguments();
    test_count_parallel_and_replace_file();
    if (test_failures) {
        fprintf(stderr, "test_jobs: %d check(s) failed\n", test_failures);
        return 1;
    }
    printf("test_jobs: all checks passed\n");
    return 0;
}
