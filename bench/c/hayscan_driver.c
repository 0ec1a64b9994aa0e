/* hayscan through its C ABI (libhayscan.so): the workloads of bench/README.md, timed the
 * way every other driver times them, printed as JSON lines.
 *
 *   hayscan_driver --data bench/data/quick [--reps 3] [--calls 200000]
 *   hayscan_driver --data bench/data/quick --memory dense-10000
 *   hayscan_driver --data bench/data/quick --core-ref before-php
 */
#include "common.h"
#include "hayscan.h"

static const char *data_dir;
static int reps;

typedef struct {
    size_t count;
    size_t checksum;
} tally_t;

static int32_t on_match(void *user_data, const hayscan_match_t *m) {
    tally_t *t = user_data;
    t->count++;
    t->checksum += m->end;
    return 0;
}

static hayscan_matcher_t *build(const patterns_t *p, uint32_t syntax, uint32_t kind, const char **error) {
    hayscan_options_t opts;
    hayscan_options_init(&opts);
    opts.syntax = syntax;
    opts.match_kind = kind;
    hayscan_matcher_t *m = NULL;
    /* The patterns are NUL-separated in p->data: pass them as (ptr, len) pairs. */
    hayscan_bytes_t *list = calloc(p->count + 1, sizeof *list);
    for (size_t i = 0; i < p->count; i++) list[i] = (hayscan_bytes_t){p->ptrs[i], p->lens[i]};
    hayscan_status_t st = hayscan_matcher_new(list, p->count, &opts, &m);
    free(list);
    if (st != HAYSCAN_STATUS_OK) {
        *error = hayscan_last_error_message();
        return NULL;
    }
    return m;
}

static const char *kind_name(uint32_t kind) {
    return kind == HAYSCAN_MATCH_OVERLAPPING ? "overlapping"
           : kind == HAYSCAN_MATCH_LEFTMOST_LONGEST ? "leftmost-longest" : "leftmost-first";
}

static void base_row(const char *workload, const char *api, const char *set, size_t n, const char *corpus,
                     size_t bytes, const char *semantics) {
    row_begin();
    row_str("workload", workload);
    row_str("impl", "hayscan");
    row_str("api", api);
    row_str("set", set);
    row_int("patterns", (long long)n);
    if (corpus) row_str("corpus", corpus);
    if (bytes) row_int("bytes", (long long)bytes);
    if (semantics) row_str("semantics", semantics);
}

static void fail_row(const char *workload, const char *api, const char *set, size_t n, const char *corpus,
                     const char *reason) {
    base_row(workload, api, set, n, corpus, 0, NULL);
    row_end_status("error", reason);
}

typedef struct {
    hayscan_matcher_t *m;
    const char *hay;
    size_t len;
    size_t count;
    tally_t tally;
} scan_ctx;

static void count_op(void *p) {
    scan_ctx *c = p;
    hayscan_matcher_count(c->m, c->hay, c->len, &c->count);
}

static void scan_op(void *p) {
    scan_ctx *c = p;
    c->tally = (tally_t){0};
    hayscan_matcher_scan(c->m, c->hay, c->len, on_match, &c->tally, NULL);
}

static void iter_op(void *p) {
    scan_ctx *c = p;
    hayscan_match_t batch[256];
    c->tally = (tally_t){0};
    hayscan_iter_t *it = NULL;
    hayscan_iter_new(c->m, c->hay, c->len, &it);
    size_t got;
    while (hayscan_iter_next(it, batch, 256, &got) == HAYSCAN_STATUS_OK && got > 0) {
        for (size_t i = 0; i < got; i++) c->tally.checksum += batch[i].end;
        c->tally.count += got;
    }
    hayscan_iter_free(it);
}

/* count, scan (a C callback per match) and the pull iterator (batches of 256). */
static void scan_apis(hayscan_matcher_t *m, const char *workload, const char *set, size_t n, const char *corpus,
                      const char *hay, size_t len, uint32_t kind, int all_apis) {
    double times[MAX_REPS];
    scan_ctx c = {m, hay, len, 0, {0}};
    int inner = measure(count_op, &c, reps, times);
    base_row(workload, "hayscan_matcher_count", set, n, corpus, len, kind_name(kind));
    row_int("matches", (long long)c.count);
    row_int("inner", inner);
    row_times(times, reps, (double)len, 0);
    row_end();
    if (!all_apis) return;

    inner = measure(scan_op, &c, reps, times);
    base_row(workload, "hayscan_matcher_scan(callback)", set, n, corpus, len, kind_name(kind));
    row_int("matches", (long long)c.tally.count);
    row_int("checksum", (long long)c.tally.checksum);
    row_int("inner", inner);
    row_times(times, reps, (double)len, 0);
    row_end();

    inner = measure(iter_op, &c, reps, times);
    base_row(workload, "hayscan_iter_next(256)", set, n, corpus, len, kind_name(kind));
    row_int("matches", (long long)c.tally.count);
    row_int("checksum", (long long)c.tally.checksum);
    row_int("inner", inner);
    row_times(times, reps, (double)len, 0);
    row_end();
}

typedef struct {
    hayscan_matcher_t *m;
    const char *hay;
    size_t len;
    const hayscan_bytes_t *with;
    size_t n_with;
    size_t out_len;
} replace_ctx;

static void replace_op(void *p) {
    replace_ctx *c = p;
    char *out = NULL;
    hayscan_matcher_replace_all(c->m, c->hay, c->len, c->with, c->n_with, &out, &c->out_len);
    hayscan_bytes_free(out, c->out_len);
}

/* `--core-ref LABEL`: only count on every literal set, rows tagged with `phase` (see
 * bench/run.sh): the reference for PHP and Ruby, which call this same libhayscan.so. */
static void core_reference(const char *phase) {
    size_t len;
    char *hay = read_file(data_dir, "english.txt", &len);
    static const char *densities[] = {"sparse", "dense"};
    for (int d = 0; d < 2; d++) {
        for (size_t s = 0; s < N_SET_SIZES; s++) {
            char set[64];
            snprintf(set, sizeof set, "%s-%zu", densities[d], SET_SIZES[s]);
            patterns_t p = load_patterns(data_dir, set);
            const char *err = NULL;
            hayscan_matcher_t *m = build(&p, HAYSCAN_SYNTAX_LITERAL, HAYSCAN_MATCH_LEFTMOST_FIRST, &err);
            if (!m) {
                fail_row("core-ref", "hayscan_matcher_new", set, p.count, "english", err);
                free_patterns(&p);
                continue;
            }
            double times[MAX_REPS];
            scan_ctx c = {m, hay, len, 0, {0}};
            int inner = measure(count_op, &c, reps, times);
            base_row("core-ref", "hayscan_matcher_count", set, p.count, "english", len, "leftmost-first");
            row_str("phase", phase);
            row_int("matches", (long long)c.count);
            row_int("inner", inner);
            row_times(times, reps, (double)len, 0);
            row_end();
            hayscan_matcher_free(m);
            free_patterns(&p);
        }
    }
    free(hay);
}

static void memory(const char *set) {
    int regex = strcmp(set, "secrets") == 0;
    size_t len;
    char *hay = read_file(data_dir, regex ? "log.txt" : "english.txt", &len);
    patterns_t p = load_patterns(data_dir, set);
    long base = vm_kb("VmHWM:");
    const char *err = NULL;
    hayscan_matcher_t *m = build(&p, regex ? HAYSCAN_SYNTAX_REGEX : HAYSCAN_SYNTAX_LITERAL, HAYSCAN_MATCH_LEFTMOST_FIRST, &err);
    if (!m) {
        fail_row("memory", "new + count", set, p.count, regex ? "log" : "english", err);
        return;
    }
    size_t count = 0, automaton = 0;
    hayscan_matcher_count(m, hay, len, &count);
    hayscan_matcher_memory_usage(m, &automaton);
    base_row("memory", "new + count", set, p.count, regex ? "log" : "english", len, NULL);
    row_int("matches", (long long)count);
    row_int("base_rss_kb", base);
    row_int("peak_rss_kb", vm_kb("VmHWM:"));
    row_int("automaton_bytes", (long long)automaton);
    row_end();
    hayscan_matcher_free(m);
}

int main(int argc, char **argv) {
    data_dir = parse_str_arg(argc, argv, "--data", "bench/data/quick");
    reps = parse_int_arg(argc, argv, "--reps", 3);
    if (reps < 1 || reps > MAX_REPS) die("--reps", "must be 1..64");
    long calls = parse_int_arg(argc, argv, "--calls", 1000000);
    min_rep_s = parse_int_arg(argc, argv, "--min-rep-ms", 20) / 1000.0;
    const char *mem = parse_str_arg(argc, argv, "--memory", NULL);
    if (hayscan_abi_version() != HAYSCAN_ABI_VERSION) die("libhayscan", "ABI version mismatch: rebuild it");
    if (mem) {
        memory(mem);
        return 0;
    }
    const char *phase = parse_str_arg(argc, argv, "--core-ref", NULL);
    if (phase) {
        core_reference(phase);
        return 0;
    }
    size_t english_len, log_len;
    char *english = read_file(data_dir, "english.txt", &english_len);
    char *log = read_file(data_dir, "log.txt", &log_len);
    double times[MAX_REPS];
    char set[64];
    const char *err = NULL;

    /* Building. */
    for (size_t s = 0; s <= N_SET_SIZES; s++) {
        int regex = s == N_SET_SIZES;
        if (regex) snprintf(set, sizeof set, "secrets");
        else snprintf(set, sizeof set, "dense-%zu", SET_SIZES[s]);
        patterns_t p = load_patterns(data_dir, set);
        hayscan_matcher_t *m = NULL;
        for (int r = 0; r < reps; r++) {
            hayscan_matcher_free(m);
            double t = now();
            m = build(&p, regex ? HAYSCAN_SYNTAX_REGEX : HAYSCAN_SYNTAX_LITERAL, HAYSCAN_MATCH_LEFTMOST_FIRST, &err);
            times[r] = now() - t;
            if (!m) break;
        }
        if (m) {
            size_t automaton = 0;
            hayscan_matcher_memory_usage(m, &automaton);
            base_row("build", "hayscan_matcher_new", set, p.count, NULL, 0, NULL);
            row_int("automaton_bytes", (long long)automaton);
            row_times(times, reps, 0, 0);
            row_end();
            hayscan_matcher_free(m);
        } else {
            fail_row("build", "hayscan_matcher_new", set, p.count, NULL, err);
        }
        free_patterns(&p);
    }

    /* Literal sets. */
    static const char *densities[] = {"sparse", "dense"};
    for (int d = 0; d < 2; d++) {
        for (size_t s = 0; s < N_SET_SIZES; s++) {
            snprintf(set, sizeof set, "%s-%zu", densities[d], SET_SIZES[s]);
            patterns_t p = load_patterns(data_dir, set);
            static const uint32_t kinds[] = {HAYSCAN_MATCH_LEFTMOST_FIRST, HAYSCAN_MATCH_OVERLAPPING};
            for (int k = 0; k < 2; k++) {
                hayscan_matcher_t *m = build(&p, HAYSCAN_SYNTAX_LITERAL, kinds[k], &err);
                if (!m) {
                    fail_row("scan", "hayscan_matcher_new", set, p.count, "english", err);
                    continue;
                }
                scan_apis(m, "scan", set, p.count, "english", english, english_len, kinds[k], k == 0);
                hayscan_matcher_free(m);
            }
            free_patterns(&p);
        }
    }

    /* Regexes over the log corpus. */
    {
        patterns_t p = load_patterns(data_dir, "secrets");
        hayscan_matcher_t *m = build(&p, HAYSCAN_SYNTAX_REGEX, HAYSCAN_MATCH_LEFTMOST_FIRST, &err);
        if (m) {
            scan_apis(m, "regex", "secrets", p.count, "log", log, log_len, HAYSCAN_MATCH_LEFTMOST_FIRST, 1);
            hayscan_matcher_free(m);
        } else {
            fail_row("regex", "hayscan_matcher_new", "secrets", p.count, "log", err);
        }
        free_patterns(&p);
    }

    /* Replacing, leftmost-longest: pattern i becomes "<i>". */
    for (size_t s = 0; s < N_SET_SIZES; s++) {
        snprintf(set, sizeof set, "dense-%zu", SET_SIZES[s]);
        patterns_t p = load_patterns(data_dir, set);
        hayscan_matcher_t *m = build(&p, HAYSCAN_SYNTAX_LITERAL, HAYSCAN_MATCH_LEFTMOST_LONGEST, &err);
        if (!m) {
            fail_row("replace", "hayscan_matcher_replace_all", set, p.count, "english", err);
            free_patterns(&p);
            continue;
        }
        char *texts = malloc(p.count * 16);
        hayscan_bytes_t *with = calloc(p.count, sizeof *with);
        for (size_t i = 0; i < p.count; i++) {
            int n = snprintf(texts + i * 16, 16, "<%zu>", i);
            with[i] = (hayscan_bytes_t){texts + i * 16, (size_t)n};
        }
        replace_ctx rc = {m, english, english_len, with, p.count, 0};
        int inner = measure(replace_op, &rc, reps, times);
        size_t count = 0;
        hayscan_matcher_count(m, english, english_len, &count);
        base_row("replace", "hayscan_matcher_replace_all", set, p.count, "english", english_len, "leftmost-longest");
        row_int("matches", (long long)count);
        row_int("result_bytes", (long long)rc.out_len);
        row_int("inner", inner);
        row_times(times, reps, (double)english_len, 0);
        row_end();
        free(texts);
        free(with);
        hayscan_matcher_free(m);
        free_patterns(&p);
    }

    /* One call per ~100-byte input. */
    {
        size_t small_len;
        char *small = read_file(data_dir, "small.txt", &small_len);
        lines_t in = split_lines(small, small_len);
        patterns_t p = load_patterns(data_dir, "dense-10");
        hayscan_matcher_t *m = build(&p, HAYSCAN_SYNTAX_LITERAL, HAYSCAN_MATCH_LEFTMOST_FIRST, &err);
        size_t hits = 0, bytes = 0;
        for (long i = 0; i < calls; i++) bytes += in.lens[i % (long)in.count];
        for (int r = 0; r < reps; r++) {
            hits = 0;
            double t = now();
            for (long i = 0; i < calls; i++) {
                uint32_t found = 0;
                size_t j = (size_t)i % in.count;
                hayscan_matcher_is_match(m, in.ptrs[j], in.lens[j], &found);
                hits += found;
            }
            times[r] = now() - t;
        }
        base_row("is_match", "hayscan_matcher_is_match", "dense-10", p.count, "small", bytes, NULL);
        row_int("calls", calls);
        row_int("matches", (long long)hits);
        row_times(times, reps, (double)bytes, (double)calls);
        row_end();
        hayscan_matcher_free(m);
    }
    return 0;
}
