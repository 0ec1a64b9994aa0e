/* Runs every shared conformance vector (the JSON files in tests/vectors, flattened by
 * flatten_vectors.py) through the C ABI: construction (both constructors), errors,
 * scan, pull iterator, count, find, is_match, capture groups and their names,
 * replace_all, replace_with, streams and matching-line counts (in memory and of a file). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "testutil.h"

#define MAX_ITEMS 256
#define MAX_GROUPS 16
#define MAX_PATTERNS 64

typedef struct {
    char *data;
    size_t len;
} buf_t;

typedef struct {
    hayscan_match_t items[MAX_ITEMS];
    size_t n;
} matches_t;

static buf_t unhex(const char *s) {
    buf_t b = {NULL, 0};
    if (strcmp(s, "-") == 0) return b;
    size_t n = strlen(s) / 2;
    b.data = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        b.data[i] = (char)v;
    }
    b.len = n;
    return b;
}

static int status_of(const char *code) {
    if (strcmp(code, "INVALID_ARGUMENT") == 0) return HAYSCAN_STATUS_INVALID_ARGUMENT;
    if (strcmp(code, "INVALID_PATTERN") == 0) return HAYSCAN_STATUS_INVALID_PATTERN;
    if (strcmp(code, "UNSUPPORTED") == 0) return HAYSCAN_STATUS_UNSUPPORTED;
    if (strcmp(code, "BUILD") == 0) return HAYSCAN_STATUS_BUILD_FAILED;
    if (strcmp(code, "STREAM_FINISHED") == 0) return HAYSCAN_STATUS_STREAM_FINISHED;
    fprintf(stderr, "unknown error code %s\n", code);
    exit(2);
}

static char *tok(void) { return strtok(NULL, " \n"); }

static void read_triples(matches_t *m) {
    m->n = (size_t)atol(tok());
    for (size_t i = 0; i < m->n; i++) {
        m->items[i].pattern = (uint32_t)atol(tok());
        m->items[i].start = (size_t)atol(tok());
        m->items[i].end = (size_t)atol(tok());
    }
}

static int same(const matches_t *a, const matches_t *b) {
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->items[i].pattern != b->items[i].pattern || a->items[i].start != b->items[i].start ||
            a->items[i].end != b->items[i].end)
            return 0;
    }
    return 1;
}

static void print(const char *label, const matches_t *m) {
    fprintf(stderr, "  %s:", label);
    for (size_t i = 0; i < m->n; i++)
        fprintf(stderr, " [%u %zu %zu]", m->items[i].pattern, m->items[i].start, m->items[i].end);
    fprintf(stderr, "\n");
}

static int32_t collect(void *user_data, const hayscan_match_t *m) {
    matches_t *got = user_data;
    if (got->n < MAX_ITEMS) got->items[got->n++] = *m;
    return 0;
}

typedef struct {
    buf_t *with;
    size_t n_with;
} replace_ctx_t;

static int32_t replace_cb(void *user_data, const hayscan_match_t *m, hayscan_replacement_t *dst) {
    replace_ctx_t *ctx = user_data;
    buf_t *w = &ctx->with[ctx->n_with == 1 ? 0 : m->pattern];
    return hayscan_replacement_write(dst, w->data, w->len) == HAYSCAN_STATUS_OK ? 0 : 1;
}

/* The groups of one match (or the group names of one pattern), as the vectors give them. */
typedef struct {
    hayscan_span_t spans[MAX_GROUPS];
    size_t n;
} groups_t;

typedef struct {
    buf_t names[MAX_GROUPS]; /* data NULL: no name (group 0, unnamed groups) */
    size_t n;
} names_t;

typedef struct {
    char name[512];
    hayscan_options_t opts;
    buf_t pats[64];
    size_t n_pats;
    buf_t hay;
    int error_status; /* -1: building must succeed */
    long error_index;
    int has_matches;
    matches_t matches;
    int has_captures;
    groups_t captures[MAX_ITEMS]; /* per expected match */
    size_t n_captures;
    int has_names;
    names_t names[MAX_PATTERNS]; /* per pattern */
    size_t n_names;
    buf_t with[64];
    size_t n_with;
    int has_replace;
    int replace_error; /* -1: must succeed */
    buf_t routput;
    size_t chunkings[16][16];
    size_t chunking_len[16];
    size_t n_chunkings;
    matches_t smatches;
    int has_stream;
    int has_lines;
    size_t lines;
} vcase_t;

static int checks = 0;

static void fail(const vcase_t *c, const char *what) {
    fprintf(stderr, "vector \"%s\": %s\n", c->name, what);
    test_failures++;
}

static hayscan_matcher_t *build(vcase_t *c, int packed, hayscan_status_t *st) {
    hayscan_matcher_t *m = NULL;
    if (!packed) {
        hayscan_bytes_t list[64];
        for (size_t i = 0; i < c->n_pats; i++) {
            list[i].ptr = c->pats[i].data;
            list[i].len = c->pats[i].len;
        }
        *st = hayscan_matcher_new(c->n_pats ? list : NULL, c->n_pats, &c->opts, &m);
    } else {
        size_t total = 0, lens[64];
        for (size_t i = 0; i < c->n_pats; i++) total += lens[i] = c->pats[i].len;
        char *data = malloc(total ? total : 1);
        size_t at = 0;
        for (size_t i = 0; i < c->n_pats; i++) {
            if (c->pats[i].len) memcpy(data + at, c->pats[i].data, c->pats[i].len);
            at += c->pats[i].len;
        }
        *st = hayscan_matcher_new_packed(data, total, lens, c->n_pats, &c->opts, &m);
        free(data);
    }
    return m;
}

/* The answers without a per-match callback, derived from the expected matches (see
 * tests/vectors/README.md): per-pattern counts, matching patterns, first match per pattern,
 * and the _many forms over [hay, "", hay] (find_many in batches of 1 and 3). */
static void run_answers(vcase_t *c, hayscan_matcher_t *m) {
    size_t want_counts[64] = {0}, counts[65];
    hayscan_match_t want_first[64], firsts[64];
    for (size_t p = 0; p < c->n_pats; p++) want_first[p].pattern = HAYSCAN_NO_PATTERN;
    for (size_t i = 0; i < c->matches.n; i++) {
        uint32_t p = c->matches.items[i].pattern;
        if (want_counts[p]++ == 0) want_first[p] = c->matches.items[i];
    }
    counts[c->n_pats] = 12345; /* past the pattern count: left alone */
    OK(hayscan_matcher_count_by_pattern(m, c->hay.data, c->hay.len, counts, c->n_pats + 1));
    if (c->n_pats && memcmp(counts, want_counts, c->n_pats * sizeof counts[0]) != 0) fail(c, "count_by_pattern");
    if (counts[c->n_pats] != 12345) fail(c, "count_by_pattern wrote past the pattern count");
    uint32_t ids[64];
    size_t n_ids = 99, k = 0;
    OK(hayscan_matcher_matching_patterns(m, c->hay.data, c->hay.len, ids, c->n_pats, &n_ids));
    for (size_t p = 0; p < c->n_pats; p++)
        if (want_counts[p] && (k >= n_ids || ids[k++] != p)) fail(c, "matching_patterns");
    if (k != n_ids) fail(c, "matching_patterns count");
    OK(hayscan_matcher_first_match_per_pattern(m, c->hay.data, c->hay.len, firsts, c->n_pats));
    for (size_t p = 0; p < c->n_pats; p++) {
        hayscan_match_t a = firsts[p], b = want_first[p];
        if (a.pattern != b.pattern || (b.pattern != HAYSCAN_NO_PATTERN && (a.start != b.start || a.end != b.end)))
            fail(c, "first_match_per_pattern");
    }
    if (c->n_pats > 0) {
        FAILS(hayscan_matcher_count_by_pattern(m, c->hay.data, c->hay.len, counts, c->n_pats - 1),
              HAYSCAN_STATUS_INVALID_ARGUMENT);
    }
    size_t empty_count = 0;
    OK(hayscan_matcher_count(m, "", 0, &empty_count));
    hayscan_bytes_t inputs[3] = {{c->hay.data, c->hay.len}, {NULL, 0}, {c->hay.data, c->hay.len}};
    size_t many[3];
    uint8_t any[3];
    OK(hayscan_matcher_count_many(m, inputs, 3, many));
    if (many[0] != c->matches.n || many[1] != empty_count || many[2] != c->matches.n) fail(c, "count_many");
    OK(hayscan_matcher_is_match_many(m, inputs, 3, any));
    if (any[0] != (c->matches.n > 0) || any[1] != (empty_count > 0) || any[2] != (c->matches.n > 0))
        fail(c, "is_match_many");
    for (size_t cap = 1; cap <= 3; cap += 2) {
        hayscan_many_cursor_t cur = {0, 0};
        size_t seen[3] = {0, 0, 0};
        while (cur.input < 3) {
            hayscan_input_match_t batch[3];
            size_t n = 0;
            OK(hayscan_matcher_find_many(m, inputs, 3, &cur, batch, cap, &n));
            for (size_t i = 0; i < n; i++) {
                size_t in = batch[i].input, j = seen[in]++;
                if (in == 1) continue; /* the empty input: counted only */
                if (j >= c->matches.n || batch[i].m.pattern != c->matches.items[j].pattern ||
                    batch[i].m.start != c->matches.items[j].start || batch[i].m.end != c->matches.items[j].end)
                    fail(c, "find_many match");
            }
        }
        if (seen[0] != c->matches.n || seen[1] != empty_count || seen[2] != c->matches.n) fail(c, "find_many counts");
    }
}

static int same_span(hayscan_span_t a, hayscan_span_t b) { return a.start == b.start && a.end == b.end; }

/* Capture groups of every match: the vector's expectation where it has one; otherwise
 * (regex sets) group 0 must be the match itself, and literal sets must say UNSUPPORTED. */
static void run_captures(vcase_t *c, hayscan_matcher_t *m) {
    int regex = c->opts.syntax == HAYSCAN_SYNTAX_REGEX;
    if (c->has_captures && c->n_captures != c->matches.n) fail(c, "one captures entry per match expected");
    for (size_t i = 0; i < c->matches.n; i++) {
        const hayscan_match_t *hit = &c->matches.items[i];
        hayscan_span_t spans[MAX_GROUPS];
        size_t n = 12345;
        if (!regex) {
            FAILS(hayscan_matcher_captures(m, c->hay.data, c->hay.len, hit, spans, MAX_GROUPS, &n),
                  HAYSCAN_STATUS_UNSUPPORTED);
            if (n != 12345) fail(c, "captures wrote groups_len on failure");
            FAILS(hayscan_matcher_group_count(m, hit->pattern, &n), HAYSCAN_STATUS_UNSUPPORTED);
            checks++;
            return; /* the same for every match */
        }
        /* First ask for the size only, then fetch. */
        OK(hayscan_matcher_captures(m, c->hay.data, c->hay.len, hit, NULL, 0, &n));
        size_t count = 0;
        OK(hayscan_matcher_group_count(m, hit->pattern, &count));
        if (count != n) fail(c, "group_count differs from captures' groups_len");
        if (n == 0 || n > MAX_GROUPS) {
            fail(c, "group count out of the runner's range");
            continue;
        }
        size_t n2 = 0;
        OK(hayscan_matcher_captures(m, c->hay.data, c->hay.len, hit, spans, n, &n2));
        if (n2 != n) fail(c, "captures: groups_len changed between calls");
        hayscan_span_t whole = {hit->start, hit->end};
        if (!same_span(spans[0], whole)) fail(c, "captures: group 0 is not the match");
        if (c->has_captures && i < c->n_captures) {
            const groups_t *want = &c->captures[i];
            int ok = want->n == n;
            for (size_t g = 0; ok && g < n; g++) ok = same_span(spans[g], want->spans[g]);
            if (!ok) {
                fprintf(stderr, "vector \"%s\": captures of match %zu differ:", c->name, i);
                for (size_t g = 0; g < n; g++) {
                    if (spans[g].start == SIZE_MAX)
                        fprintf(stderr, " null");
                    else
                        fprintf(stderr, " [%zu %zu]", spans[g].start, spans[g].end);
                }
                fprintf(stderr, " (expected %zu groups)\n", want->n);
                test_failures++;
            }
        }
        checks++;
    }
    if (!c->has_names) return;
    if (!regex) fail(c, "group_names expected of a literal set");
    if (c->n_names != c->n_pats) fail(c, "one group_names entry per pattern expected");
    for (size_t p = 0; p < c->n_names; p++) {
        const names_t *want = &c->names[p];
        size_t count = 0;
        OK(hayscan_matcher_group_count(m, (uint32_t)p, &count));
        if (count != want->n) fail(c, "group_count differs from group_names");
        for (size_t g = 0; g < want->n && g < count; g++) {
            const char *name = (const char *)0x1;
            size_t len = 99;
            OK(hayscan_matcher_group_name(m, (uint32_t)p, g, &name, &len));
            const buf_t *w = &want->names[g];
            if (w->data == NULL ? (name != NULL || len != 0)
                                : (name == NULL || len != w->len || memcmp(name, w->data, len) != 0))
                fail(c, "group name differs");
        }
        const char *name = NULL;
        size_t len = 0;
        FAILS(hayscan_matcher_group_name(m, (uint32_t)p, count, &name, &len), HAYSCAN_STATUS_INVALID_ARGUMENT);
        checks++;
    }
}

static void run_stream(vcase_t *c, hayscan_matcher_t *m) {
    for (size_t k = 0; k < c->n_chunkings; k++) {
        hayscan_stream_t *s = NULL;
        OK(hayscan_stream_new(m, &s));
        matches_t got = {0};
        uint64_t id = 0;
        OK(hayscan_stream_on(s, collect, &got, NULL, NULL, 0, &id));
        size_t at = 0, i = 0;
        while (at < c->hay.len) {
            size_t size = c->chunkings[k][i++ % c->chunking_len[k]];
            if (size > c->hay.len - at) size = c->hay.len - at;
            OK(hayscan_stream_feed(s, c->hay.data + at, size, NULL));
            at += size;
        }
        hayscan_scan_report_t r;
        OK(hayscan_stream_finish(s, &r));
        hayscan_stream_free(s);
        if (!same(&got, &c->smatches)) {
            fail(c, "stream matches differ");
            print("expected", &c->smatches);
            print("got", &got);
        }
        checks++;
    }
}

/* count_lines, and the file counts over the haystack written to a file. */
static void run_lines(const vcase_t *c, const hayscan_matcher_t *m) {
    size_t n = 12345;
    OK(hayscan_matcher_count_lines(m, c->hay.data, c->hay.len, &n));
    if (n != c->lines) fail(c, "count_lines");
    char path[] = "/tmp/hayscan-c-lines-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(c->hay.len == 0 || write(fd, c->hay.data, c->hay.len) == (ssize_t)c->hay.len);
    close(fd);
    n = 12345;
    OK(hayscan_matcher_count_file_lines(m, path, strlen(path), &n));
    if (n != c->lines) fail(c, "count_file_lines");
    n = 12345;
    OK(hayscan_matcher_count_file_lines_parallel(m, path, strlen(path), 2, &n));
    if (n != c->lines) fail(c, "count_file_lines_parallel");
    unlink(path);
    checks++;
}

static void run_case(vcase_t *c) {
    for (int packed = 0; packed <= 1; packed++) {
        hayscan_status_t st;
        hayscan_matcher_t *m = build(c, packed, &st);
        if (c->error_status >= 0) {
            if ((int)st != c->error_status) fail(c, "wrong build status");
            if (st == HAYSCAN_STATUS_INVALID_PATTERN && hayscan_last_error_pattern_index() != c->error_index)
                fail(c, "wrong pattern index");
            if (m != NULL) fail(c, "out written on failure");
            checks++;
            continue;
        }
        if (st != HAYSCAN_STATUS_OK) {
            fprintf(stderr, "vector \"%s\": build failed: %s\n", c->name, hayscan_last_error_message());
            test_failures++;
            continue;
        }
        if (c->has_matches) {
            matches_t got = {0};
            hayscan_scan_report_t r;
            OK(hayscan_matcher_scan(m, c->hay.data, c->hay.len, collect, &got, &r));
            if (!same(&got, &c->matches)) {
                fail(c, "scan matches differ");
                print("expected", &c->matches);
                print("got", &got);
            }
            if (r.matches != c->matches.n || r.stopped) fail(c, "scan report");

            /* Pull iterator in batches of 2 to cross batch edges. */
            matches_t pulled = {0};
            hayscan_iter_t *it = NULL;
            OK(hayscan_iter_new(m, c->hay.data, c->hay.len, &it));
            for (;;) {
                hayscan_match_t batch[2];
                size_t n = 0;
                OK(hayscan_iter_next(it, batch, 2, &n));
                if (n == 0) break;
                for (size_t i = 0; i < n && pulled.n < MAX_ITEMS; i++) pulled.items[pulled.n++] = batch[i];
            }
            hayscan_iter_free(it);
            if (!same(&pulled, &c->matches)) fail(c, "iterator matches differ");

            size_t count = 0;
            OK(hayscan_matcher_count(m, c->hay.data, c->hay.len, &count));
            if (count != c->matches.n) fail(c, "count");
            uint32_t any = 2;
            OK(hayscan_matcher_is_match(m, c->hay.data, c->hay.len, &any));
            if (any != (c->matches.n > 0)) fail(c, "is_match");
            hayscan_match_t first;
            uint32_t found = 2;
            OK(hayscan_matcher_find(m, c->hay.data, c->hay.len, &first, &found));
            if (found != (c->matches.n > 0)) fail(c, "find found");
            if (found == 1 && (first.pattern != c->matches.items[0].pattern ||
                               first.start != c->matches.items[0].start || first.end != c->matches.items[0].end))
                fail(c, "find match");
            checks++;
            run_answers(c, m);
            run_captures(c, m);
        }
        if (c->has_replace) {
            hayscan_bytes_t with[64];
            for (size_t i = 0; i < c->n_with; i++) {
                with[i].ptr = c->with[i].data;
                with[i].len = c->with[i].len;
            }
            char *out = NULL;
            size_t out_len = 0;
            hayscan_status_t st2 = hayscan_matcher_replace_all(m, c->hay.data, c->hay.len, with, c->n_with, &out, &out_len);
            if (c->replace_error >= 0) {
                if ((int)st2 != c->replace_error) fail(c, "replace_all status");
                if (out != NULL) fail(c, "replace_all wrote out on failure");
            } else if (st2 != HAYSCAN_STATUS_OK) {
                fail(c, hayscan_last_error_message());
            } else {
                if (out_len != c->routput.len || (out_len && memcmp(out, c->routput.data, out_len) != 0))
                    fail(c, "replace_all output");
                hayscan_bytes_free(out, out_len);
            }
            if (c->replace_error < 0 || c->n_with == 1) {
                replace_ctx_t ctx = {c->with, c->n_with};
                hayscan_scan_report_t r;
                out = NULL;
                st2 = hayscan_matcher_replace_with(m, c->hay.data, c->hay.len, replace_cb, &ctx, &out, &out_len, &r);
                if (c->replace_error >= 0) {
                    if ((int)st2 != c->replace_error) fail(c, "replace_with status");
                } else if (st2 != HAYSCAN_STATUS_OK) {
                    fail(c, hayscan_last_error_message());
                } else {
                    if (out_len != c->routput.len || (out_len && memcmp(out, c->routput.data, out_len) != 0))
                        fail(c, "replace_with output");
                    hayscan_bytes_free(out, out_len);
                }
            }
            checks++;
        }
        if (c->has_stream && packed == 0) run_stream(c, m);
        if (c->has_lines) run_lines(c, m);
        hayscan_matcher_free(m);
    }
}

static void reset(vcase_t *c) {
    for (size_t i = 0; i < c->n_pats; i++) free(c->pats[i].data);
    for (size_t i = 0; i < c->n_with; i++) free(c->with[i].data);
    for (size_t p = 0; p < c->n_names; p++)
        for (size_t g = 0; g < c->names[p].n; g++) free(c->names[p].names[g].data);
    free(c->hay.data);
    free(c->routput.data);
    memset(c, 0, sizeof *c);
    c->error_status = -1;
    c->replace_error = -1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <flattened vectors>\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static vcase_t c;
    memset(&c, 0, sizeof c);
    reset(&c);
    int cases = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        char *kw = strtok(line, " \n");
        if (!kw) continue;
        if (strcmp(kw, "case") == 0) {
            buf_t name = unhex(tok());
            snprintf(c.name, sizeof c.name, "%.*s", (int)name.len, name.data ? name.data : "");
            free(name.data);
        } else if (strcmp(kw, "opt") == 0) {
            OK(hayscan_options_init(&c.opts));
            c.opts.syntax = (uint32_t)atol(tok());
            c.opts.match_kind = (uint32_t)atol(tok());
            c.opts.case_insensitive = (uint32_t)atol(tok());
            c.opts.max_line_len = (size_t)atol(tok());
            c.opts.ascii_classes = (uint32_t)atol(tok());
            c.opts.whole_words = (uint32_t)atol(tok());
        } else if (strcmp(kw, "pat") == 0) {
            c.pats[c.n_pats++] = unhex(tok());
        } else if (strcmp(kw, "hay") == 0) {
            c.hay = unhex(tok());
        } else if (strcmp(kw, "error") == 0) {
            c.error_status = status_of(tok());
            c.error_index = atol(tok());
        } else if (strcmp(kw, "matches") == 0) {
            c.has_matches = 1;
            read_triples(&c.matches);
        } else if (strcmp(kw, "captures") == 0) {
            c.has_captures = 1;
            c.n_captures = (size_t)atol(tok());
            for (size_t i = 0; i < c.n_captures; i++) {
                groups_t *gs = &c.captures[i];
                gs->n = (size_t)atol(tok());
                for (size_t g = 0; g < gs->n; g++) {
                    char *start = tok(), *end = tok();
                    gs->spans[g].start = strcmp(start, "-") == 0 ? SIZE_MAX : (size_t)atol(start);
                    gs->spans[g].end = strcmp(end, "-") == 0 ? SIZE_MAX : (size_t)atol(end);
                }
            }
        } else if (strcmp(kw, "names") == 0) {
            c.has_names = 1;
            c.n_names = (size_t)atol(tok());
            for (size_t p = 0; p < c.n_names; p++) {
                names_t *ns = &c.names[p];
                ns->n = (size_t)atol(tok());
                for (size_t g = 0; g < ns->n; g++) {
                    char *name = tok();
                    if (strcmp(name, "~") != 0) ns->names[g] = unhex(name);
                }
            }
        } else if (strcmp(kw, "replace") == 0) {
            c.has_replace = 1;
            c.n_with = (size_t)atol(tok());
            for (size_t i = 0; i < c.n_with; i++) c.with[i] = unhex(tok());
        } else if (strcmp(kw, "routput") == 0) {
            c.routput = unhex(tok());
        } else if (strcmp(kw, "rerror") == 0) {
            c.replace_error = status_of(tok());
        } else if (strcmp(kw, "stream") == 0) {
            size_t n = (size_t)atol(tok());
            for (size_t i = 0; i < n; i++) c.chunkings[c.n_chunkings][i] = (size_t)atol(tok());
            c.chunking_len[c.n_chunkings++] = n;
        } else if (strcmp(kw, "smatches") == 0) {
            c.has_stream = 1;
            read_triples(&c.smatches);
        } else if (strcmp(kw, "lines") == 0) {
            c.has_lines = 1;
            c.lines = (size_t)atol(tok());
        } else if (strcmp(kw, "end") == 0) {
            run_case(&c);
            cases++;
            reset(&c);
        } else {
            fprintf(stderr, "unknown record %s\n", kw);
            return 2;
        }
    }
    free(line);
    fclose(f);
    CHECK(cases >= 60);
    CHECK(hayscan_live_objects() == 0);
    printf("test_vectors: %d vectors, %d checks, %d failures\n", cases, checks, test_failures);
    return test_failures ? 1 : 0;
}
