/* Every operation and every error path of the C ABI, callbacks that stop and re-enter,
 * stream handler registration and release counting, capture groups, option struct
 * versions, panics, threads. Run under valgrind
 * by `make test`; ends by checking hayscan_live_objects() is back to 0. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>

#include "testutil.h"

#define LEN(s) (sizeof(s) - 1)

static hayscan_matcher_t *regex_with(const char *const *pats, size_t n, uint32_t ascii_classes) {
    hayscan_options_t opts;
    OK(hayscan_options_init(&opts));
    opts.syntax = HAYSCAN_SYNTAX_REGEX;
    opts.ascii_classes = ascii_classes;
    return matcher_of(pats, n, &opts);
}

static void test_diagnostics(void) {
    CHECK(hayscan_abi_version() == HAYSCAN_ABI_VERSION);
    CHECK(strcmp(hayscan_version(), "0.1.0") == 0);
    CHECK(hayscan_live_objects() == 0);
    CHECK(strcmp(hayscan_last_error_message(), "") == 0);
    CHECK(hayscan_last_error_pattern_index() == -1);
}

static void test_panic_is_caught(void) {
    OK(hayscan_debug_panic(0));
    FAILS(hayscan_debug_panic(1), HAYSCAN_STATUS_PANIC);
    CHECK(strstr(hayscan_last_error_message(), "asked to panic") != NULL);
    CHECK(strstr(hayscan_last_error_message(), "diagnostics.rs:") != NULL); /* where it happened */
    /* The library is still usable afterwards. */
    const char *w[] = {"x"};
    hayscan_matcher_t *m = literal(w, 1, HAYSCAN_MATCH_LEFTMOST_FIRST);
    size_t n = 0;
    OK(hayscan_matcher_count(m, "xxx", 3, &n));
    CHECK(n == 3);
    hayscan_matcher_free(m);
}

static void test_options_validation(void) {
    const char *w[] = {"a"};
    hayscan_bytes_t list[1] = {{w[0], 1}};
    hayscan_options_t opts;
    hayscan_matcher_t *m = (hayscan_matcher_t *)0x1; /* must stay untouched on failure */
    FAILS(hayscan_options_init(NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);

    OK(hayscan_options_init(&opts));
    CHECK(opts.version == HAYSCAN_OPTIONS_VERSION && opts.syntax == HAYSCAN_SYNTAX_LITERAL &&
          opts.match_kind == HAYSCAN_MATCH_LEFTMOST_FIRST && opts.case_insensitive == 0 &&
          opts.max_line_len == 1048576);
    opts.syntax = 7;
    FAILS(hayscan_matcher_new(list, 1, &opts, &m), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "syntax") != NULL);
    OK(hayscan_options_init(&opts));
    opts.match_kind = 99;
    FAILS(hayscan_matcher_new(list, 1, &opts, &m), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "match_kind") != NULL);
    OK(hayscan_options_init(&opts));
    opts.case_insensitive = 2;
    FAILS(hayscan_matcher_new(list, 1, &opts, &m), HAYSCAN_STATUS_INVALID_ARGUMENT);
    OK(hayscan_options_init(&opts));
    opts.version = 0;
    FAILS(hayscan_matcher_new(list, 1, &opts, &m), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "hayscan_options_init") != NULL);
    OK(hayscan_options_init(&opts));
    opts.max_line_len = 0;
    FAILS(hayscan_matcher_new(list, 1, &opts, &m), HAYSCAN_STATUS_INVALID_ARGUMENT);
    OK(hayscan_options_init(&opts));
    opts.syntax = HAYSCAN_SYNTAX_REGEX;
    opts.match_kind = HAYSCAN_MATCH_OVERLAPPING;
    FAILS(hayscan_matcher_new(list, 1, &opts, &m), HAYSCAN_STATUS_UNSUPPORTED);
    CHECK(strstr(hayscan_last_error_message(), "overlapping") != NULL);
    CHECK(m == (hayscan_matcher_t *)0x1);

    /* NULL options mean the defaults. */
    hayscan_matcher_t *d = NULL;
    OK(hayscan_matcher_new(list, 1, NULL, &d));
    CHECK(d != NULL);
    hayscan_matcher_free(d);
}

static void test_null_and_bad_arguments(void) {
    const char *w[] = {"ab", "cd"};
    hayscan_matcher_t *m = literal(w, 2, HAYSCAN_MATCH_LEFTMOST_FIRST);
    hayscan_matcher_t *out = NULL;
    size_t n = 0;
    uint32_t yes = 0;
    hayscan_match_t hit;

    FAILS(hayscan_matcher_new(NULL, 3, NULL, &out), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "patterns is NULL") != NULL);
    FAILS(hayscan_matcher_new(NULL, 0, NULL, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    hayscan_bytes_t bad[1] = {{NULL, 5}};
    FAILS(hayscan_matcher_new(bad, 1, NULL, &out), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "patterns[0]") != NULL);
    CHECK(out == NULL);

    size_t lens[2] = {2, 5};
    FAILS(hayscan_matcher_new_packed("abcd", 4, lens, 2, NULL, &out), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "lens[1]") != NULL);
    lens[1] = 1;
    FAILS(hayscan_matcher_new_packed("abcd", 4, lens, 2, NULL, &out), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_new_packed("abcd", 4, NULL, 2, NULL, &out), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(out == NULL);

    FAILS(hayscan_matcher_count(NULL, "ab", 2, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "matcher is NULL") != NULL);
    FAILS(hayscan_matcher_count(m, NULL, 2, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "hay is NULL") != NULL);
    OK(hayscan_matcher_count(m, NULL, 0, &n)); /* NULL with length 0 is an empty haystack */
    CHECK(n == 0);
    FAILS(hayscan_matcher_count(m, "ab", 2, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_is_match(m, "ab", 2, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_find(m, "ab", 2, NULL, &yes), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_find(m, "ab", 2, &hit, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_scan(m, "ab", 2, NULL, NULL, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_pattern_count(m, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_replacement_write(NULL, "x", 1), HAYSCAN_STATUS_INVALID_ARGUMENT);
    char *buf = NULL;
    size_t buf_len = 0;
    FAILS(hayscan_matcher_replace_all(m, "ab", 2, NULL, 1, &buf, &buf_len), HAYSCAN_STATUS_INVALID_ARGUMENT);
    hayscan_bytes_t one[1] = {{"x", 1}};
    FAILS(hayscan_matcher_replace_all(m, "ab", 2, one, 1, NULL, &buf_len), HAYSCAN_STATUS_INVALID_ARGUMENT);
    hayscan_bytes_t three[3] = {{"x", 1}, {"y", 1}, {"z", 1}};
    FAILS(hayscan_matcher_replace_all(m, "ab", 2, three, 3, &buf, &buf_len), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "got 3") != NULL);
    CHECK(buf == NULL);
    FAILS(hayscan_matcher_replace_with(m, "ab", 2, NULL, NULL, &buf, &buf_len, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);

    /* A handle of the wrong type is refused, not used. */
    hayscan_stream_t *s = NULL;
    OK(hayscan_stream_new(m, &s));
    FAILS(hayscan_matcher_count((const hayscan_matcher_t *)(void *)s, "ab", 2, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "not a live hayscan handle") != NULL);
    FAILS(hayscan_stream_feed((hayscan_stream_t *)(void *)m, "ab", 2, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    hayscan_matcher_free((hayscan_matcher_t *)(void *)s); /* wrong type: ignored */
    hayscan_stream_free(s);

    FAILS(hayscan_stream_new(NULL, &s), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_stream_feed(NULL, "a", 1, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_stream_finish(NULL, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_stream_off(NULL, 1), HAYSCAN_STATUS_INVALID_ARGUMENT);
    hayscan_iter_t *it = NULL;
    FAILS(hayscan_iter_new(m, NULL, 3, &it), HAYSCAN_STATUS_INVALID_ARGUMENT);
    OK(hayscan_iter_new(m, "abcd", 4, &it));
    FAILS(hayscan_iter_next(it, NULL, 4, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_iter_next(it, &hit, 1, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_iter_next(NULL, &hit, 1, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    OK(hayscan_iter_next(it, NULL, 0, &n)); /* an empty batch is allowed */
    CHECK(n == 0);
    hayscan_iter_free(it);

    /* Freeing NULL is a no-op everywhere. */
    hayscan_matcher_free(NULL);
    hayscan_stream_free(NULL);
    hayscan_iter_free(NULL);
    hayscan_bytes_free(NULL, 0);
    hayscan_matcher_free(m);
}

static void test_invalid_patterns(void) {
    const char *pats[] = {"ok", "a(b", "c"};
    hayscan_bytes_t list[3];
    for (int i = 0; i < 3; i++) {
        list[i].ptr = pats[i];
        list[i].len = strlen(pats[i]);
    }
    hayscan_options_t opts;
    OK(hayscan_options_init(&opts));
    opts.syntax = HAYSCAN_SYNTAX_REGEX;
    hayscan_matcher_t *m = NULL;
    FAILS(hayscan_matcher_new(list, 3, &opts, &m), HAYSCAN_STATUS_INVALID_PATTERN);
    CHECK(m == NULL);
    CHECK(hayscan_last_error_pattern_index() == 1);
    CHECK(strstr(hayscan_last_error_message(), "index 1") != NULL);
    /* A later, different failure resets the index. */
    FAILS(hayscan_options_init(NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(hayscan_last_error_pattern_index() == -1);

    /* A pattern over an engine limit (Unicode \w repeated up to 1,000 times) is an invalid
     * pattern with its index, like a syntax error; with ASCII classes it builds. */
    const char *big[] = {"abc", "pypi-AgEIcHlwaS5vcmc[\\w-]{50,1000}"};
    hayscan_bytes_t big_list[2] = {{big[0], strlen(big[0])}, {big[1], strlen(big[1])}};
    FAILS(hayscan_matcher_new(big_list, 2, &opts, &m), HAYSCAN_STATUS_INVALID_PATTERN);
    CHECK(m == NULL);
    CHECK(hayscan_last_error_pattern_index() == 1);
    CHECK(strstr(hayscan_last_error_message(), "index 1") != NULL);
    opts.ascii_classes = 1;
    OK(hayscan_matcher_new(big_list, 2, &opts, &m));
    CHECK(m != NULL);
    hayscan_matcher_free(m);
}

/* The version-1 layout of hayscan_options_t (ABI 1): what an older caller allocates. */
typedef struct {
    uint32_t version;
    uint32_t syntax;
    uint32_t match_kind;
    uint32_t case_insensitive;
    size_t max_line_len;
} options_v1_t;

/* The version-2 layout: version 1 plus ascii_classes. */
typedef struct {
    uint32_t version, syntax, match_kind, case_insensitive;
    size_t max_line_len;
    uint32_t ascii_classes;
} options_v2_t;

static size_t first_match_end(hayscan_matcher_t *m, const char *hay) {
    hayscan_match_t hit = {0, 0, 0};
    uint32_t found = 0;
    OK(hayscan_matcher_find(m, hay, strlen(hay), &hit, &found));
    return found ? hit.end : (size_t)-1;
}

static void test_options_versions_and_ascii_classes(void) {
    const char *w[] = {"\\w+"};
    hayscan_bytes_t list[1] = {{w[0], strlen(w[0])}};
    const char *hay = "h\xc3\xa9llo"; /* "héllo": é is 2 bytes */
    hayscan_options_t opts;
    OK(hayscan_options_init(&opts));
    CHECK(opts.version == 3 && HAYSCAN_OPTIONS_VERSION == 3 && opts.ascii_classes == 0);
    CHECK(opts.whole_words == 0 && opts.max_repetition == 1000 && opts.max_regex_states == 10000);
    CHECK(HAYSCAN_ABI_VERSION == 3);

    /* ascii_classes off (default): Unicode \w takes é; on: \w stops before it. */
    opts.syntax = HAYSCAN_SYNTAX_REGEX;
    hayscan_matcher_t *m = NULL;
    OK(hayscan_matcher_new(list, 1, &opts, &m));
    CHECK(first_match_end(m, hay) == 6);
    hayscan_matcher_free(m);
    opts.ascii_classes = 1;
    m = NULL;
    OK(hayscan_matcher_new(list, 1, &opts, &m));
    CHECK(first_match_end(m, hay) == 1);
    hayscan_matcher_free(m);
    opts.ascii_classes = 2;
    m = (hayscan_matcher_t *)0x1;
    FAILS(hayscan_matcher_new(list, 1, &opts, &m), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "ascii_classes") != NULL);
    CHECK(m == (hayscan_matcher_t *)0x1);
    opts.ascii_classes = 0;
    opts.version = 4;
    FAILS(hayscan_matcher_new(list, 1, &opts, &m), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "version is 4") != NULL);
    opts.version = 3;

    /* Version 3's engine limits: a counted repetition over max_repetition is refused with
     * its index; raising the limit builds it. */
    const char *big[] = {"a", "b{2000}"};
    hayscan_bytes_t big_list[2] = {{big[0], 1}, {big[1], strlen(big[1])}};
    FAILS(hayscan_matcher_new(big_list, 2, &opts, &m), HAYSCAN_STATUS_INVALID_PATTERN);
    CHECK(hayscan_last_error_pattern_index() == 1);
    CHECK(strstr(hayscan_last_error_message(), "max_repetition") != NULL);
    opts.max_repetition = 2000;
    m = NULL;
    OK(hayscan_matcher_new(big_list, 2, &opts, &m));
    hayscan_matcher_free(m);
    opts.max_regex_states = 100;
    FAILS(hayscan_matcher_new(big_list, 2, &opts, &m), HAYSCAN_STATUS_INVALID_PATTERN);
    CHECK(strstr(hayscan_last_error_message(), "max_regex_states") != NULL);
    OK(hayscan_options_init(&opts));
    opts.syntax = HAYSCAN_SYNTAX_REGEX;

    /* whole_words: a flag; refused with regex syntax. */
    opts.whole_words = 2;
    FAILS(hayscan_matcher_new(list, 1, &opts, &m), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "whole_words") != NULL);
    opts.whole_words = 1;
    FAILS(hayscan_matcher_new(list, 1, &opts, &m), HAYSCAN_STATUS_UNSUPPORTED);
    opts.whole_words = 0;

    /* A version-2 struct (no whole_words, no limits), allocated at its own size. */
    options_v2_t *v2 = malloc(sizeof *v2);
    v2->version = 2;
    v2->syntax = HAYSCAN_SYNTAX_REGEX;
    v2->match_kind = HAYSCAN_MATCH_LEFTMOST_FIRST;
    v2->case_insensitive = 0;
    v2->max_line_len = 1 << 20;
    v2->ascii_classes = 1;
    m = NULL;
    OK(hayscan_matcher_new(list, 1, (const hayscan_options_t *)(void *)v2, &m));
    CHECK(first_match_end(m, hay) == 1);
    hayscan_matcher_free(m);
    free(v2);

    /* A version-1 struct, allocated at exactly its own size so valgrind reports any read
     * past it: still accepted, with its fields read and ascii_classes off. */
    options_v1_t *v1 = malloc(sizeof *v1);
    v1->version = 1;
    v1->syntax = HAYSCAN_SYNTAX_REGEX;
    v1->match_kind = HAYSCAN_MATCH_LEFTMOST_FIRST;
    v1->case_insensitive = 1;
    v1->max_line_len = 1 << 20;
    m = NULL;
    OK(hayscan_matcher_new(list, 1, (const hayscan_options_t *)(void *)v1, &m));
    CHECK(first_match_end(m, hay) == 6);
    hayscan_matcher_free(m);
    size_t lens[1] = {strlen(w[0])};
    m = NULL;
    OK(hayscan_matcher_new_packed(w[0], lens[0], lens, 1, (const hayscan_options_t *)(void *)v1, &m));
    CHECK(first_match_end(m, hay) == 6);
    hayscan_matcher_free(m);
    /* Its fields are validated as before. */
    v1->case_insensitive = 5;
    FAILS(hayscan_matcher_new(list, 1, (const hayscan_options_t *)(void *)v1, &m), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "case_insensitive") != NULL);
    /* case_insensitive really was read from the version-1 struct. */
    v1->case_insensitive = 1;
    const char *lit[] = {"hello"};
    hayscan_bytes_t lit_list[1] = {{lit[0], 5}};
    v1->syntax = HAYSCAN_SYNTAX_LITERAL;
    m = NULL;
    OK(hayscan_matcher_new(lit_list, 1, (const hayscan_options_t *)(void *)v1, &m));
    CHECK(first_match_end(m, "HeLLo") == 5);
    hayscan_matcher_free(m);
    free(v1);
}

/* Answers without a callback per match: results, and every bad argument refused with
 * the output left alone. */
static void test_answers(void) {
    const char *w[] = {"he", "she", "hers", "zzz"};
    hayscan_matcher_t *m = literal(w, 4, HAYSCAN_MATCH_OVERLAPPING);
    const char *hay = "ushers she";
    size_t counts[4] = {9, 9, 9, 9};
    OK(hayscan_matcher_count_by_pattern(m, hay, strlen(hay), counts, 4));
    CHECK(counts[0] == 2 && counts[1] == 2 && counts[2] == 1 && counts[3] == 0);
    counts[0] = 7;
    FAILS(hayscan_matcher_count_by_pattern(m, hay, strlen(hay), counts, 3), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "4 patterns") != NULL);
    CHECK(counts[0] == 7);
    FAILS(hayscan_matcher_count_by_pattern(m, hay, strlen(hay), NULL, 4), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_count_by_pattern(m, NULL, 3, counts, 4), HAYSCAN_STATUS_INVALID_ARGUMENT);

    uint32_t ids[4] = {0};
    size_t n = 99;
    OK(hayscan_matcher_matching_patterns(m, hay, strlen(hay), ids, 4, &n));
    CHECK(n == 3 && ids[0] == 0 && ids[1] == 1 && ids[2] == 2);
    FAILS(hayscan_matcher_matching_patterns(m, hay, strlen(hay), ids, 4, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_matching_patterns(m, hay, strlen(hay), ids, 2, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);

    hayscan_match_t firsts[4];
    OK(hayscan_matcher_first_match_per_pattern(m, hay, strlen(hay), firsts, 4));
    CHECK(firsts[0].pattern == 0 && firsts[0].start == 2 && firsts[0].end == 4);
    CHECK(firsts[1].pattern == 1 && firsts[1].start == 1 && firsts[1].end == 4);
    CHECK(firsts[3].pattern == HAYSCAN_NO_PATTERN);

    hayscan_bytes_t inputs[3] = {{"she", 3}, {"nothing", 7}, {"hehe", 4}};
    uint8_t found[3];
    size_t many[3];
    OK(hayscan_matcher_is_match_many(m, inputs, 3, found));
    CHECK(found[0] == 1 && found[1] == 0 && found[2] == 1);
    OK(hayscan_matcher_count_many(m, inputs, 3, many));
    CHECK(many[0] == 2 && many[1] == 0 && many[2] == 2);
    FAILS(hayscan_matcher_count_many(m, inputs, 3, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    hayscan_bytes_t bad[2] = {{"ok", 2}, {NULL, 5}};
    FAILS(hayscan_matcher_is_match_many(m, bad, 2, found), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "inputs[1]") != NULL);
    OK(hayscan_matcher_count_many(m, NULL, 0, NULL)); /* no inputs: nothing to do */

    /* find_many in batches of 1: input 0 gives 2 matches, input 2 gives 2. */
    hayscan_many_cursor_t cur = {0, 0};
    hayscan_input_match_t one;
    size_t got = 0, inputs_seen[3] = {0, 0, 0};
    for (int calls = 0; cur.input < 3 && calls < 10; calls++) {
        OK(hayscan_matcher_find_many(m, inputs, 3, &cur, &one, 1, &n));
        CHECK(n <= 1);
        if (n) inputs_seen[one.input]++, got++;
    }
    CHECK(got == 4 && inputs_seen[0] == 2 && inputs_seen[1] == 0 && inputs_seen[2] == 2);
    OK(hayscan_matcher_find_many(m, inputs, 3, &cur, &one, 1, &n)); /* over: stays over */
    CHECK(n == 0 && cur.input == 3);
    cur.input = 0;
    FAILS(hayscan_matcher_find_many(m, inputs, 3, &cur, NULL, 0, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_find_many(m, inputs, 3, NULL, &one, 1, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    cur.input = 4;
    FAILS(hayscan_matcher_find_many(m, inputs, 3, &cur, &one, 1, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "past the 3 inputs") != NULL);
    hayscan_matcher_free(m);

    /* A freed matcher is refused, not read. */
    FAILS(hayscan_matcher_count_by_pattern(m, hay, strlen(hay), counts, 4), HAYSCAN_STATUS_INVALID_ARGUMENT);

    /* Whole words through the C ABI. */
    hayscan_options_t opts;
    OK(hayscan_options_init(&opts));
    opts.whole_words = 1;
    const char *ww[] = {"ab", "abc"};
    hayscan_bytes_t wl[2] = {{ww[0], 2}, {ww[1], 3}};
    m = NULL;
    OK(hayscan_matcher_new(wl, 2, &opts, &m));
    hayscan_match_t hit;
    uint32_t f = 0;
    OK(hayscan_matcher_find(m, "abcd ab", 7, &hit, &f));
    CHECK(f == 1 && hit.pattern == 0 && hit.start == 5 && hit.end == 7);
    hayscan_matcher_free(m);
    CHECK(hayscan_live_objects() == 0);
}

static int32_t count_to_two(void *user_data, const hayscan_match_t *m) {
    (void)m;
    size_t *n = user_data;
    return ++*n == 2 ? 9 : 0;
}

/* Scanning a file by path: the whole-buffer matches across the 256 KiB read chunks, a
 * callback that stops, and every error path (missing, a directory, NUL in the path). */
static void test_files(void) {
    char path[] = "/tmp/hayscan-c-file-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    for (int i = 0; i < 100000; i++) fputs("a needle, b NEEDLE; ", f);
    fclose(f);
    const char *w[] = {"needle"};
    hayscan_matcher_t *m = literal(w, 1, HAYSCAN_MATCH_LEFTMOST_FIRST);
    size_t n = 0;
    OK(hayscan_matcher_count_file(m, path, strlen(path), &n));
    CHECK(n == 100000);
    size_t seen = 0;
    hayscan_scan_report_t r;
    OK(hayscan_matcher_scan_file(m, path, strlen(path), count_to_two, &seen, &r));
    CHECK(seen == 2 && r.matches == 2 && r.stopped == 1 && r.stop_value == 9);
    OK(hayscan_matcher_count_file(m, "/dev/null", 9, &n));
    CHECK(n == 0);
    n = 77;
    FAILS(hayscan_matcher_count_file(m, "/no/such/hayscan/file", 21, &n), HAYSCAN_STATUS_IO);
    CHECK(strstr(hayscan_last_error_message(), "/no/such/hayscan/file") != NULL);
    CHECK(n == 77);
    FAILS(hayscan_matcher_count_file(m, "/tmp", 4, &n), HAYSCAN_STATUS_IO);
    CHECK(strstr(hayscan_last_error_message(), "directory") != NULL);
    FAILS(hayscan_matcher_count_file(m, "/tmp\0x", 6, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_count_file(m, "", 0, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_count_file(m, path, strlen(path), NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_scan_file(m, path, strlen(path), NULL, NULL, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    remove(path);
    hayscan_matcher_free(m);
    CHECK(hayscan_live_objects() == 0);
}

/* Matching lines (grep -c's answer): in memory, a file on one and two threads, a pipe-like
 * special file, and the errors of every argument. */
static void test_count_lines(void) {
    char path[] = "/tmp/hayscan-c-lines-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    /* 3 MiB: two segments of at least 1 MiB; every third line has two matches. */
    size_t want = 0;
    for (int i = 0; ftell(f) < (3 << 20); i++) {
        if (i % 3 == 0) {
            fputs("a needle and a NEEDLE needle\n", f);
            want++;
        } else {
            fputs("hay, only hay\n", f);
        }
    }
    fclose(f);
    const char *w[] = {"needle"};
    hayscan_matcher_t *m = literal(w, 1, HAYSCAN_MATCH_OVERLAPPING);
    static const char hay[] = "needle needle\nhay\n\nneedle";
    size_t n = 0;
    OK(hayscan_matcher_count_lines(m, hay, LEN(hay), &n));
    CHECK(n == 2);
    OK(hayscan_matcher_count_lines(m, NULL, 0, &n));
    CHECK(n == 0);
    OK(hayscan_matcher_count_file_lines(m, path, strlen(path), &n));
    CHECK(n == want);
    n = 0;
    OK(hayscan_matcher_count_file_lines_parallel(m, path, strlen(path), 2, &n));
    CHECK(n == want);
    OK(hayscan_matcher_count_file_lines_parallel(m, path, strlen(path), 0, &n));
    CHECK(n == want);
    OK(hayscan_matcher_count_file_lines(m, "/dev/null", 9, &n));
    CHECK(n == 0);
    n = 77;
    FAILS(hayscan_matcher_count_lines(m, NULL, 3, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_count_lines(m, hay, LEN(hay), NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_count_lines(NULL, hay, LEN(hay), &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_count_file_lines(m, "/no/such/hayscan/file", 21, &n), HAYSCAN_STATUS_IO);
    CHECK(strstr(hayscan_last_error_message(), "/no/such/hayscan/file") != NULL);
    FAILS(hayscan_matcher_count_file_lines_parallel(m, "/no/such/hayscan/file", 21, 2, &n), HAYSCAN_STATUS_IO);
    FAILS(hayscan_matcher_count_file_lines(m, "/tmp", 4, &n), HAYSCAN_STATUS_IO);
    FAILS(hayscan_matcher_count_file_lines(m, "/tmp\0x", 6, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_count_file_lines(m, "", 0, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_count_file_lines_parallel(m, path, strlen(path), 2, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(n == 77);
    remove(path);
    hayscan_matcher_free(m);
    FAILS(hayscan_matcher_count_lines(m, hay, LEN(hay), &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(hayscan_live_objects() == 0);
}

static void test_captures(void) {
    const char *pats[] = {"(?P<key>[a-z]+)=(\\d+)?;", "x(?P<tail>y)"};
    hayscan_matcher_t *m = regex_with(pats, 2, 0);
    static const char hay[] = "ab=12; c=; xy";
    hayscan_match_t hits[4];
    size_t n_hits = 0;
    hayscan_iter_t *it = NULL;
    OK(hayscan_iter_new(m, hay, LEN(hay), &it));
    OK(hayscan_iter_next(it, hits, 4, &n_hits));
    hayscan_iter_free(it);
    CHECK(n_hits == 3);

    /* Size first (NULL, 0), then fetch. */
    size_t n = 0;
    OK(hayscan_matcher_captures(m, hay, LEN(hay), &hits[0], NULL, 0, &n));
    CHECK(n == 3);
    hayscan_span_t g[3];
    OK(hayscan_matcher_captures(m, hay, LEN(hay), &hits[0], g, 3, &n));
    CHECK(n == 3);
    CHECK(g[0].start == 0 && g[0].end == 6);
    CHECK(g[1].start == 0 && g[1].end == 2);
    CHECK(g[2].start == 3 && g[2].end == 5);
    /* A group that took no part: SIZE_MAX twice. */
    OK(hayscan_matcher_captures(m, hay, LEN(hay), &hits[1], g, 3, &n));
    CHECK(n == 3 && g[0].start == 7 && g[0].end == 10 && g[1].start == 7 && g[1].end == 8);
    CHECK(g[2].start == SIZE_MAX && g[2].end == SIZE_MAX);
    /* A buffer too small: the first groups_cap spans, the full count, nothing past cap. */
    hayscan_span_t small[3] = {{42, 42}, {42, 42}, {42, 42}};
    OK(hayscan_matcher_captures(m, hay, LEN(hay), &hits[0], small, 1, &n));
    CHECK(n == 3 && small[0].start == 0 && small[0].end == 6 && small[1].start == 42 && small[2].end == 42);
    /* The second pattern's match carries its own groups. */
    OK(hayscan_matcher_captures(m, hay, LEN(hay), &hits[2], g, 3, &n));
    CHECK(hits[2].pattern == 1 && n == 2 && g[0].start == 11 && g[0].end == 13 && g[1].start == 12 &&
          g[1].end == 13);
    /* A bigger buffer than needed: the rest is left alone. */
    hayscan_span_t big[5] = {{42, 42}, {42, 42}, {42, 42}, {42, 42}, {42, 42}};
    OK(hayscan_matcher_captures(m, hay, LEN(hay), &hits[2], big, 5, &n));
    CHECK(n == 2 && big[2].start == 42 && big[4].end == 42);

    /* Bad arguments: INVALID_ARGUMENT, out-parameters untouched. */
    n = 77;
    FAILS(hayscan_matcher_captures(NULL, hay, LEN(hay), &hits[0], g, 3, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "matcher is NULL") != NULL);
    FAILS(hayscan_matcher_captures(m, NULL, 5, &hits[0], g, 3, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "haystack is NULL") != NULL);
    FAILS(hayscan_matcher_captures(m, hay, LEN(hay), NULL, g, 3, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_captures(m, hay, LEN(hay), &hits[0], NULL, 3, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "groups is NULL") != NULL);
    FAILS(hayscan_matcher_captures(m, hay, LEN(hay), &hits[0], g, 3, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(n == 77);

    /* Forged matches: wrong end, wrong start, past the haystack, reversed, unknown pattern,
     * a pattern that does not match there, another haystack. */
    hayscan_span_t untouched[3] = {{42, 42}, {42, 42}, {42, 42}};
    hayscan_match_t forged[] = {{0, 0, 5}, {0, 2, 6}, {0, 0, 600}, {0, 6, 0}, {9, 0, 6}, {1, 0, 6}, {0, SIZE_MAX, SIZE_MAX}};
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        FAILS(hayscan_matcher_captures(m, hay, LEN(hay), &forged[i], untouched, 3, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
        CHECK(strstr(hayscan_last_error_message(), "not a match of this matcher") != NULL);
    }
    FAILS(hayscan_matcher_captures(m, "zz=1;", 5, &hits[0], untouched, 3, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(n == 77 && untouched[0].start == 42 && untouched[2].end == 42);

    /* Group count and names. */
    size_t count = 0;
    OK(hayscan_matcher_group_count(m, 0, &count));
    CHECK(count == 3);
    OK(hayscan_matcher_group_count(m, 1, &count));
    CHECK(count == 2);
    count = 55;
    FAILS(hayscan_matcher_group_count(m, 2, &count), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "pattern 2 out of range") != NULL);
    FAILS(hayscan_matcher_group_count(m, 0, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_group_count(NULL, 0, &count), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(count == 55);

    const char *name = (const char *)0x1;
    size_t name_len = 99;
    OK(hayscan_matcher_group_name(m, 0, 0, &name, &name_len));
    CHECK(name == NULL && name_len == 0); /* group 0 */
    OK(hayscan_matcher_group_name(m, 0, 2, &name, &name_len));
    CHECK(name == NULL && name_len == 0); /* unnamed */
    const char *key = NULL;
    size_t key_len = 0;
    OK(hayscan_matcher_group_name(m, 0, 1, &key, &key_len));
    CHECK(key_len == 3 && key != NULL && memcmp(key, "key", 3) == 0);
    OK(hayscan_matcher_group_name(m, 1, 1, &name, &name_len));
    CHECK(name_len == 4 && memcmp(name, "tail", 4) == 0);
    name = (const char *)0x1;
    name_len = 99;
    FAILS(hayscan_matcher_group_name(m, 0, 3, &name, &name_len), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(hayscan_last_error_message(), "group 3 out of range") != NULL);
    FAILS(hayscan_matcher_group_name(m, 0, SIZE_MAX, &name, &name_len), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_group_name(m, 7, 0, &name, &name_len), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_group_name(m, 0, 1, NULL, &name_len), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_group_name(m, 0, 1, &name, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_group_name(NULL, 0, 1, &name, &name_len), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(name == (const char *)0x1 && name_len == 99);

    /* A handle of another type is refused. */
    hayscan_stream_t *s = NULL;
    OK(hayscan_stream_new(m, &s));
    FAILS(hayscan_matcher_group_count((const hayscan_matcher_t *)(void *)s, 0, &count), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_matcher_captures((const hayscan_matcher_t *)(void *)s, hay, LEN(hay), &hits[0], g, 3, &n),
          HAYSCAN_STATUS_INVALID_ARGUMENT);
    hayscan_stream_free(s);

    /* The name stays valid while the matcher lives, whatever else happens meanwhile. */
    const char *other_pats[] = {"(?P<zzz>q)"};
    hayscan_matcher_t *other = regex_with(other_pats, 1, 1);
    OK(hayscan_matcher_group_name(other, 0, 1, &name, &name_len));
    CHECK(name_len == 3 && memcmp(name, "zzz", 3) == 0);
    hayscan_matcher_free(other);
    CHECK(memcmp(key, "key", 3) == 0); /* valgrind checks the read */

    /* Group 0 of every match is the match; ascii_classes does not change groups. */
    const char *w_pats[] = {"(\\w)(\\w)?"};
    hayscan_matcher_t *a = regex_with(w_pats, 1, 1);
    hayscan_match_t first;
    uint32_t found = 0;
    OK(hayscan_matcher_find(a, "\xc3\xa9" "ab", 4, &first, &found));
    CHECK(found == 1 && first.start == 2 && first.end == 4);
    OK(hayscan_matcher_captures(a, "\xc3\xa9" "ab", 4, &first, g, 3, &n));
    CHECK(n == 3 && g[0].start == 2 && g[1].start == 2 && g[1].end == 3 && g[2].start == 3 && g[2].end == 4);
    hayscan_matcher_free(a);
    hayscan_matcher_free(m);
}

static void test_captures_of_literal_sets_are_unsupported(void) {
    const char *w[] = {"ab", "(x)"};
    hayscan_matcher_t *m = literal(w, 2, HAYSCAN_MATCH_LEFTMOST_FIRST);
    hayscan_match_t hit = {0, 0, 2};
    hayscan_span_t g[2] = {{42, 42}, {42, 42}};
    size_t n = 77;
    FAILS(hayscan_matcher_captures(m, "ab", 2, &hit, g, 2, &n), HAYSCAN_STATUS_UNSUPPORTED);
    CHECK(strstr(hayscan_last_error_message(), "regex") != NULL);
    CHECK(n == 77 && g[0].start == 42);
    FAILS(hayscan_matcher_captures(m, "ab", 2, &hit, NULL, 0, &n), HAYSCAN_STATUS_UNSUPPORTED);
    FAILS(hayscan_matcher_group_count(m, 0, &n), HAYSCAN_STATUS_UNSUPPORTED);
    const char *name = (const char *)0x1;
    FAILS(hayscan_matcher_group_name(m, 0, 0, &name, &n), HAYSCAN_STATUS_UNSUPPORTED);
    CHECK(n == 77 && name == (const char *)0x1);
    /* NULL arguments are still argument errors, whatever the matcher. */
    FAILS(hayscan_matcher_captures(m, "ab", 2, NULL, g, 2, &n), HAYSCAN_STATUS_INVALID_ARGUMENT);
    hayscan_matcher_free(m);
}

static void test_operations(void) {
    const char *w[] = {"cat", "dog", "bird"};
    hayscan_matcher_t *m = literal(w, 3, HAYSCAN_MATCH_LEFTMOST_FIRST);
    static const char hay[] = "cat\0dog bird cat";
    size_t n = 0;
    OK(hayscan_matcher_pattern_count(m, &n));
    CHECK(n == 3);
    OK(hayscan_matcher_memory_usage(m, &n));
    CHECK(n > 0);
    OK(hayscan_matcher_count(m, hay, LEN(hay), &n));
    CHECK(n == 4); /* the NUL byte is just a byte */
    uint32_t yes = 9;
    OK(hayscan_matcher_is_match(m, "a dog", 5, &yes));
    CHECK(yes == 1);
    OK(hayscan_matcher_is_match(m, "nothing", 7, &yes));
    CHECK(yes == 0);
    hayscan_match_t hit = {99, 99, 99};
    OK(hayscan_matcher_find(m, "the bird", 8, &hit, &yes));
    CHECK(yes == 1 && hit.pattern == 2 && hit.start == 4 && hit.end == 8);
    hit.pattern = 77;
    OK(hayscan_matcher_find(m, "none", 4, &hit, &yes));
    CHECK(yes == 0 && hit.pattern == 77);

    char *out = NULL;
    size_t out_len = 0;
    hayscan_bytes_t with[3] = {{"C", 1}, {"D", 1}, {"", 0}};
    OK(hayscan_matcher_replace_all(m, hay, LEN(hay), with, 3, &out, &out_len));
    CHECK(out_len == 6 && memcmp(out, "C\0D  C", 6) == 0);
    CHECK(hayscan_live_objects() == 2); /* the matcher and the buffer */
    hayscan_bytes_free(out, out_len);
    /* An empty result is still a buffer to free. */
    hayscan_bytes_t none[1] = {{NULL, 0}};
    OK(hayscan_matcher_replace_all(m, "cat", 3, none, 1, &out, &out_len));
    CHECK(out_len == 0);
    hayscan_bytes_free(out, out_len);
    CHECK(hayscan_live_objects() == 1);
    hayscan_matcher_free(m);
    CHECK(hayscan_live_objects() == 0);
}

typedef struct {
    int seen;
    int stop_at;
    hayscan_matcher_t *inner;
    size_t inner_count;
} scan_ctx_t;

static int32_t stop_at(void *user_data, const hayscan_match_t *m) {
    scan_ctx_t *ctx = user_data;
    (void)m;
    ctx->seen++;
    return ctx->seen == ctx->stop_at ? 42 : 0;
}

static void test_scan_stops(void) {
    const char *w[] = {"a"};
    hayscan_matcher_t *m = literal(w, 1, HAYSCAN_MATCH_LEFTMOST_FIRST);
    scan_ctx_t ctx = {0, 3, NULL, 0};
    hayscan_scan_report_t r;
    OK(hayscan_matcher_scan(m, "aaaaaa", 6, stop_at, &ctx, &r));
    CHECK(ctx.seen == 3 && r.matches == 3 && r.stopped == 1 && r.stop_value == 42);
    ctx.seen = 0;
    ctx.stop_at = 100;
    OK(hayscan_matcher_scan(m, "aaaaaa", 6, stop_at, &ctx, &r));
    CHECK(ctx.seen == 6 && r.matches == 6 && r.stopped == 0 && r.stop_value == 0);
    OK(hayscan_matcher_scan(m, "aa", 2, stop_at, &ctx, NULL)); /* report is optional */
    hayscan_matcher_free(m);
}

/* Re-entrancy: scan another text with the same matcher, build and free another matcher,
 * and free the matcher handle itself, all from inside the callback. */
static int32_t reenter(void *user_data, const hayscan_match_t *m) {
    scan_ctx_t *ctx = user_data;
    (void)m;
    size_t n = 0;
    if (hayscan_matcher_count(ctx->inner, "x x x", 5, &n) == HAYSCAN_STATUS_OK) ctx->inner_count += n;
    const char *w[] = {"zz"};
    hayscan_matcher_t *other = literal(w, 1, HAYSCAN_MATCH_LEFTMOST_FIRST);
    hayscan_matcher_free(other);
    ctx->seen++;
    if (ctx->seen == 2) {
        hayscan_matcher_free(ctx->inner); /* the running scan keeps its patterns alive */
        ctx->inner = NULL;
    }
    return 0;
}

static void test_scan_reentrant(void) {
    const char *w[] = {"x"};
    hayscan_matcher_t *m = literal(w, 1, HAYSCAN_MATCH_LEFTMOST_FIRST);
    scan_ctx_t ctx = {0, 0, m, 0};
    hayscan_scan_report_t r;
    OK(hayscan_matcher_scan(m, "xxxx", 4, reenter, &ctx, &r));
    CHECK(ctx.seen == 4 && r.matches == 4);
    CHECK(ctx.inner_count == 6); /* two callbacks ran with the handle alive */
    CHECK(hayscan_live_objects() == 0);
}

typedef struct {
    int calls;
} repl_ctx_t;

static int32_t repl(void *user_data, const hayscan_match_t *m, hayscan_replacement_t *dst) {
    repl_ctx_t *ctx = user_data;
    ctx->calls++;
    if (m->pattern == 1) return 0; /* write nothing: delete the match */
    OK(hayscan_replacement_write(dst, "<", 1));
    OK(hayscan_replacement_write(dst, "\0", 1));
    OK(hayscan_replacement_write(dst, NULL, 0));
    OK(hayscan_replacement_write(dst, ">", 1));
    return ctx->calls == 3 ? 5 : 0; /* the third call stops: its writes are discarded */
}

static void test_replace_with(void) {
    const char *w[] = {"a", "b"};
    hayscan_matcher_t *m = literal(w, 2, HAYSCAN_MATCH_LEFTMOST_FIRST);
    repl_ctx_t ctx = {0};
    char *out = NULL;
    size_t len = 0;
    hayscan_scan_report_t r;
    OK(hayscan_matcher_replace_with(m, "a-b-a-a", 7, repl, &ctx, &out, &len, &r));
    CHECK(len == 8 && memcmp(out, "<\0>--a-a", 8) == 0);
    CHECK(r.matches == 3 && r.stopped == 1 && r.stop_value == 5);
    hayscan_bytes_free(out, len);

    hayscan_matcher_t *ov = literal(w, 2, HAYSCAN_MATCH_OVERLAPPING);
    FAILS(hayscan_matcher_replace_with(ov, "ab", 2, repl, &ctx, &out, &len, &r), HAYSCAN_STATUS_UNSUPPORTED);
    hayscan_matcher_free(ov);
    hayscan_matcher_free(m);
}

static void test_iterator(void) {
    const char *w[] = {"ab"};
    hayscan_matcher_t *m = literal(w, 1, HAYSCAN_MATCH_LEFTMOST_FIRST);
    char hay[1000];
    for (int i = 0; i < 1000; i += 2) memcpy(hay + i, "ab", 2);
    hayscan_iter_t *it = NULL;
    OK(hayscan_iter_new(m, hay, sizeof hay, &it));
    hayscan_matcher_free(m); /* the iterator keeps the patterns alive */
    size_t total = 0, n = 0, batches = 0;
    hayscan_match_t batch[64];
    do {
        OK(hayscan_iter_next(it, batch, 64, &n));
        for (size_t i = 0; i < n; i++) CHECK(batch[i].start == 2 * (total + i));
        total += n;
        batches++;
    } while (n > 0);
    CHECK(total == 500 && batches == 9);
    OK(hayscan_iter_next(it, batch, 64, &n)); /* exhausted stays exhausted */
    CHECK(n == 0);
    hayscan_iter_free(it);
    CHECK(hayscan_live_objects() == 0);
}

/* ---- streams ---- */

typedef struct {
    int calls;
    int released;
    int running; /* set while the handler runs: release must never see it set */
    int released_while_running;
    hayscan_stream_t *stream;
    uint64_t self_id;
    int action; /* 0 none, 1 off self, 2 free stream, 3 feed stream, 4 stop at 2 */
    hayscan_status_t feed_status;
    hayscan_match_t last;
} handler_ctx_t;

static int32_t on_match(void *user_data, const hayscan_match_t *m) {
    handler_ctx_t *ctx = user_data;
    ctx->running = 1;
    ctx->calls++;
    ctx->last = *m;
    int32_t ret = 0;
    switch (ctx->action) {
    case 1:
        OK(hayscan_stream_off(ctx->stream, ctx->self_id));
        CHECK(ctx->released == 0); /* deferred until we return */
        break;
    case 2:
        hayscan_stream_free(ctx->stream); /* deferred until the feed returns */
        ctx->action = 0;
        break;
    case 3:
        ctx->feed_status = hayscan_stream_feed(ctx->stream, "x", 1, NULL);
        break;
    case 4:
        ret = ctx->calls == 2 ? 9 : 0;
        break;
    case 5: { /* register from inside a handler: filters are still validated */
        uint32_t bad_id[1] = {7}, good_id[1] = {0};
        uint64_t id = 0;
        FAILS(hayscan_stream_on(ctx->stream, on_match, ctx, NULL, bad_id, 1, &id), HAYSCAN_STATUS_INVALID_ARGUMENT);
        OK(hayscan_stream_on(ctx->stream, on_match, ctx, NULL, good_id, 1, &id));
        ctx->action = 0;
        break;
    }
    }
    ctx->running = 0;
    return ret;
}

static void release(void *user_data) {
    handler_ctx_t *ctx = user_data;
    if (ctx->running) ctx->released_while_running = 1;
    ctx->released++;
}

static void test_stream_release_counting(void) {
    const char *w[] = {"needle", "pin"};
    hayscan_matcher_t *m = literal(w, 2, HAYSCAN_MATCH_LEFTMOST_FIRST);
    hayscan_stream_t *s = NULL;
    OK(hayscan_stream_new(m, &s));
    hayscan_matcher_free(m); /* the stream keeps the patterns alive */
    handler_ctx_t a = {0}, b = {0}, c = {0};
    uint64_t ida = 0, idb = 0, idc = 0;
    uint32_t only_pin[1] = {1};
    OK(hayscan_stream_on(s, on_match, &a, release, NULL, 0, &ida));
    OK(hayscan_stream_on(s, on_match, &b, release, only_pin, 1, &idb));
    OK(hayscan_stream_on(s, on_match, &c, NULL, NULL, 0, &idc)); /* no release */
    CHECK(ida > 0 && idb > ida && idc > idb);
    uint32_t out_of_range[1] = {2};
    uint64_t bad = 0;
    FAILS(hayscan_stream_on(s, on_match, &a, release, out_of_range, 1, &bad), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_stream_on(s, NULL, &a, release, NULL, 0, &bad), HAYSCAN_STATUS_INVALID_ARGUMENT);
    FAILS(hayscan_stream_on(s, on_match, &a, release, NULL, 0, NULL), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(a.released == 0); /* failed registrations release nothing */

    hayscan_scan_report_t r;
    OK(hayscan_stream_feed(s, "a need", 6, &r));
    CHECK(r.matches == 0 && a.calls == 0);
    OK(hayscan_stream_feed(s, "le and a pin", 12, &r));
    /* "pin" at 15 is held back: until 6 more bytes (the longest pattern) arrive, a
     * longer or preferred match starting at or before it could still complete. */
    CHECK(r.matches == 1 && a.calls == 1 && b.calls == 0 && c.calls == 1);
    CHECK(a.last.pattern == 0 && a.last.start == 2 && a.last.end == 8);
    OK(hayscan_stream_feed(s, "pin", 3, &r));
    CHECK(r.matches == 1 && a.calls == 2 && b.calls == 1 && c.calls == 2);
    CHECK(a.last.pattern == 1 && a.last.start == 15 && a.last.end == 18);

    OK(hayscan_stream_off(s, ida));
    CHECK(a.released == 1);
    FAILS(hayscan_stream_off(s, ida), HAYSCAN_STATUS_INVALID_ARGUMENT);
    CHECK(a.released == 1);
    OK(hayscan_stream_finish(s, &r));
    CHECK(r.matches == 1 && a.calls == 2 && b.calls == 2 && c.calls == 3);
    CHECK(b.last.start == 18);
    FAILS(hayscan_stream_feed(s, "pin", 3, NULL), HAYSCAN_STATUS_STREAM_FINISHED);
    FAILS(hayscan_stream_finish(s, NULL), HAYSCAN_STATUS_STREAM_FINISHED);
    CHECK(b.released == 0);
    hayscan_stream_free(s);
    CHECK(a.released == 1 && b.released == 1 && !b.released_while_running);
    CHECK(hayscan_live_objects() == 0);
}

static void test_stream_handler_reentry(void) {
    const char *w[] = {"x"};
    hayscan_matcher_t *m = literal(w, 1, HAYSCAN_MATCH_LEFTMOST_FIRST);
    hayscan_scan_report_t r;

    /* A handler that unregisters itself: released once, after it returns. */
    hayscan_stream_t *s = NULL;
    OK(hayscan_stream_new(m, &s));
    handler_ctx_t self = {0};
    self.stream = s;
    self.action = 1;
    OK(hayscan_stream_on(s, on_match, &self, release, NULL, 0, &self.self_id));
    OK(hayscan_stream_feed(s, "xxx", 3, &r));
    CHECK(self.calls == 1 && self.released == 1 && !self.released_while_running);
    CHECK(r.matches == 3); /* the matches are still found, with no handler left */
    hayscan_stream_free(s);
    CHECK(self.released == 1);

    /* A handler that feeds its own stream gets BUSY. */
    OK(hayscan_stream_new(m, &s));
    handler_ctx_t feeder = {0};
    feeder.stream = s;
    feeder.action = 3;
    OK(hayscan_stream_on(s, on_match, &feeder, release, NULL, 0, &feeder.self_id));
    OK(hayscan_stream_feed(s, "x", 1, NULL));
    CHECK(feeder.feed_status == HAYSCAN_STATUS_BUSY);
    hayscan_stream_free(s);
    CHECK(feeder.released == 1);

    /* A handler that frees its stream: freed (and released) when the feed returns. */
    OK(hayscan_stream_new(m, &s));
    handler_ctx_t killer = {0}, other = {0};
    killer.stream = s;
    killer.action = 2;
    uint64_t id;
    OK(hayscan_stream_on(s, on_match, &killer, release, NULL, 0, &id));
    OK(hayscan_stream_on(s, on_match, &other, release, NULL, 0, &id));
    OK(hayscan_stream_feed(s, "xx", 2, &r));
    CHECK(killer.released == 1 && other.released == 1 && !killer.released_while_running);
    CHECK(killer.calls == 2 && other.calls == 2);

    /* A handler that registers another (filtered) handler: it sees the next match on. */
    OK(hayscan_stream_new(m, &s));
    handler_ctx_t adder = {0};
    adder.stream = s;
    adder.action = 5;
    OK(hayscan_stream_on(s, on_match, &adder, release, NULL, 0, &id));
    OK(hayscan_stream_feed(s, "xxx", 3, &r));
    CHECK(adder.calls == 1 + 2 * 2); /* itself 3 times, the new one twice */
    hayscan_stream_free(s);
    CHECK(adder.released == 1);

    /* A handler that stops: the stream is finished, the report says why. */
    OK(hayscan_stream_new(m, &s));
    handler_ctx_t stopper = {0};
    stopper.action = 4;
    OK(hayscan_stream_on(s, on_match, &stopper, release, NULL, 0, &id));
    OK(hayscan_stream_feed(s, "xxxx", 4, &r));
    CHECK(stopper.calls == 2 && r.matches == 2 && r.stopped == 1 && r.stop_value == 9);
    FAILS(hayscan_stream_feed(s, "x", 1, NULL), HAYSCAN_STATUS_STREAM_FINISHED);
    hayscan_stream_free(s);
    CHECK(stopper.released == 1);

    hayscan_matcher_free(m);
    CHECK(hayscan_live_objects() == 0);
}

/* ---- threads ---- */

typedef struct {
    const hayscan_matcher_t *m;
    const char *hay;
    size_t len;
    size_t count;
    size_t sum;
} thread_ctx_t;

static int32_t sum_starts(void *user_data, const hayscan_match_t *m) {
    thread_ctx_t *t = user_data;
    t->sum += m->start + m->pattern;
    return 0;
}

static void *scan_thread(void *arg) {
    thread_ctx_t *t = arg;
    for (int i = 0; i < 20; i++) {
        size_t n = 0;
        if (hayscan_matcher_count(t->m, t->hay, t->len, &n) == HAYSCAN_STATUS_OK) t->count += n;
        hayscan_matcher_scan(t->m, t->hay, t->len, sum_starts, t, NULL);
    }
    return NULL;
}

static void test_threads(void) {
    const char *w[] = {"alpha", "beta", "gamma", "delta"};
    hayscan_matcher_t *m = literal(w, 4, HAYSCAN_MATCH_LEFTMOST_LONGEST);
    size_t len = 200000;
    char *hay = malloc(len);
    const char *words[] = {"alpha ", "beta ", "gamma ", "delta ", "omega "};
    size_t at = 0;
    for (unsigned i = 0; at < len; i = i * 1103515245u + 12345u) {
        const char *wd = words[(i >> 16) % 5];
        size_t l = strlen(wd);
        if (at + l > len) l = len - at;
        memcpy(hay + at, wd, l);
        at += l;
    }
    thread_ctx_t seq = {m, hay, len, 0, 0};
    scan_thread(&seq);
    CHECK(seq.count > 0);
    pthread_t th[4];
    thread_ctx_t ctx[4];
    for (int i = 0; i < 4; i++) {
        ctx[i] = (thread_ctx_t){m, hay, len, 0, 0};
        CHECK(pthread_create(&th[i], NULL, scan_thread, &ctx[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK(ctx[i].count == seq.count && ctx[i].sum == seq.sum);
    }
    /* The last error is per thread: a failure here is not seen by another thread. */
    hayscan_matcher_free(m);
    free(hay);
}

static void *fail_in_thread(void *arg) {
    (void)arg;
    hayscan_options_init(NULL);
    return NULL;
}

static void test_last_error_is_thread_local(void) {
    FAILS(hayscan_debug_panic(1), HAYSCAN_STATUS_PANIC);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, fail_in_thread, NULL) == 0);
    pthread_join(th, NULL);
    CHECK(strstr(hayscan_last_error_message(), "panicked") != NULL);
}

static void test_many_patterns(void) {
    size_t n = 100000;
    size_t *lens = malloc(n * sizeof *lens);
    char *data = malloc(n * 8 + 1); /* + the NUL the last sprintf writes */
    for (size_t i = 0; i < n; i++) {
        sprintf(data + i * 8, "kw%06zu", i); /* writes 9 bytes; the next one overwrites the NUL */
        lens[i] = 8;
    }
    hayscan_matcher_t *m = NULL;
    OK(hayscan_matcher_new_packed(data, n * 8, lens, n, NULL, &m));
    hayscan_match_t hit;
    uint32_t yes = 0;
    OK(hayscan_matcher_find(m, "x kw099999 y", 12, &hit, &yes));
    CHECK(yes == 1 && hit.pattern == 99999 && hit.start == 2);
    size_t count = 0;
    OK(hayscan_matcher_pattern_count(m, &count));
    CHECK(count == n);
    hayscan_matcher_free(m);
    free(lens);
    free(data);
}

int main(void) {
    test_diagnostics();
    test_panic_is_caught();
    test_options_validation();
    test_null_and_bad_arguments();
    test_invalid_patterns();
    test_options_versions_and_ascii_classes();
    test_answers();
    test_files();
    test_count_lines();
    test_captures();
    test_captures_of_literal_sets_are_unsupported();
    test_operations();
    test_scan_stops();
    test_scan_reentrant();
    test_replace_with();
    test_iterator();
    test_stream_release_counting();
    test_stream_handler_reentry();
    test_threads();
    test_last_error_is_thread_local();
    test_many_patterns();
    CHECK(hayscan_live_objects() == 0);
    printf("test_api: %d failures\n", test_failures);
    return test_failures ? 1 : 0;
}
