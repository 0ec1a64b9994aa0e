/* Hyperscan (Debian's libhyperscan-dev, block mode): the speed anchor. Same data, same
 * timing, same JSON lines as every driver (bench/README.md).
 *
 * Semantics differ from hayscan's leftmost-first: Hyperscan reports every match of every
 * pattern (for literals: every occurrence, like hayscan's overlapping kind; for regexes:
 * every end offset, e.g. `a{2,4}` reports 3 matches on "aaaa"). Regexes are compiled with
 * HS_FLAG_SOM_LEFTMOST (start offsets, as hayscan reports them) where Hyperscan accepts it,
 * without it where only that works, and reported "unsupported" one by one otherwise.
 *
 *   hyperscan_driver --data bench/data/quick [--reps 3] [--calls 200000]
 *   hyperscan_driver --data bench/data/quick --memory dense-10000
 */
#include "common.h" /* first: it sets _POSIX_C_SOURCE */

#include <hs/hs.h>

static const char *data_dir;
static int reps;

typedef struct {
    size_t count;
    unsigned long long checksum;
} tally_t;

static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
                    void *ctx) {
    (void)id;
    (void)from;
    (void)flags;
    tally_t *t = ctx;
    t->count++;
    t->checksum += to;
    return 0;
}

static int stop_at_first(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
                         void *ctx) {
    (void)id;
    (void)from;
    (void)to;
    (void)flags;
    *(int *)ctx = 1;
    return 1;
}

static void base_row(const char *workload, const char *api, const char *set, size_t n, const char *corpus,
                     size_t bytes, const char *semantics) {
    row_begin();
    row_str("workload", workload);
    row_str("impl", "hyperscan");
    row_str("api", api);
    row_str("set", set);
    row_int("patterns", (long long)n);
    if (corpus) row_str("corpus", corpus);
    if (bytes) row_int("bytes", (long long)bytes);
    if (semantics) row_str("semantics", semantics);
}

static hs_database_t *compile_literals(const patterns_t *p, char *err, size_t errlen) {
    hs_database_t *db = NULL;
    hs_compile_error_t *ce = NULL;
    unsigned *ids = malloc(p->count * sizeof *ids);
    for (size_t i = 0; i < p->count; i++) ids[i] = (unsigned)i;
    hs_error_t rc = hs_compile_lit_multi(p->ptrs, NULL, ids, p->lens, (unsigned)p->count, HS_MODE_BLOCK, NULL,
                                         &db, &ce);
    free(ids);
    if (rc != HS_SUCCESS) {
        snprintf(err, errlen, "hs_compile_lit_multi: %s (expression %d)", ce ? ce->message : "error",
                 ce ? ce->expression : -1);
        hs_free_compile_error(ce);
        return NULL;
    }
    return db;
}

/* Per-regex flags: SOM where supported, else none, else the regex is left out (flag ~0u). */
static unsigned *regex_flags(const patterns_t *p, int report) {
    unsigned *flags = malloc(p->count * sizeof *flags);
    for (size_t i = 0; i < p->count; i++) {
        static const unsigned tries[] = {HS_FLAG_SOM_LEFTMOST, 0};
        flags[i] = ~0u;
        const char *why = NULL;
        hs_compile_error_t *ce = NULL;
        for (int t = 0; t < 2 && flags[i] == ~0u; t++) {
            hs_database_t *db = NULL;
            if (hs_compile(p->ptrs[i], tries[t], HS_MODE_BLOCK, NULL, &db, &ce) ==
                HS_SUCCESS) {
                flags[i] = tries[t];
                hs_free_database(db);
            } else {
                static char msg[512];
                snprintf(msg, sizeof msg, "%s", ce ? ce->message : "error");
                why = msg;
                hs_free_compile_error(ce);
                ce = NULL;
            }
        }
        if (report && flags[i] != HS_FLAG_SOM_LEFTMOST) {
            char idx[32];
            snprintf(idx, sizeof idx, "secrets#%zu", i);
            base_row("regex", "hs_compile", idx, 1, "log", 0, NULL);
            row_str("pattern", p->ptrs[i]);
            if (flags[i] == 0) row_end_status("partial", "compiled without HS_FLAG_SOM_LEFTMOST (no start offsets)");
            else row_end_status("unsupported", why ? why : "does not compile");
        }
    }
    return flags;
}

static hs_database_t *compile_regexes(const patterns_t *p, const unsigned *flags, size_t *used, char *err,
                                      size_t errlen) {
    const char **exprs = malloc(p->count * sizeof *exprs);
    unsigned *fl = malloc(p->count * sizeof *fl);
    unsigned *ids = malloc(p->count * sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; i < p->count; i++) {
        if (flags[i] == ~0u) continue;
        exprs[n] = p->ptrs[i];
        fl[n] = flags[i];
        ids[n] = (unsigned)i;
        n++;
    }
    hs_database_t *db = NULL;
    hs_compile_error_t *ce = NULL;
    hs_error_t rc = hs_compile_multi(exprs, fl, ids, (unsigned)n, HS_MODE_BLOCK, NULL,
                                     &db, &ce);
    free(exprs);
    free(fl);
    free(ids);
    *used = n;
    if (rc != HS_SUCCESS) {
        snprintf(err, errlen, "hs_compile_multi: %s (expression %d)", ce ? ce->message : "error",
                 ce ? ce->expression : -1);
        hs_free_compile_error(ce);
        return NULL;
    }
    return db;
}

typedef struct {
    hs_database_t *db;
    hs_scratch_t *scratch;
    const char *hay;
    size_t len;
    tally_t tally;
} scan_ctx;

static void scan_op(void *p) {
    scan_ctx *c = p;
    c->tally = (tally_t){0};
    hs_scan(c->db, c->hay, (unsigned)c->len, 0, c->scratch, on_match, &c->tally);
}

/* Times hs_scan over `hay` (see `measure`). */
static void time_scan(hs_database_t *db, hs_scratch_t *scratch, const char *hay, size_t len, double *times,
                      int *inner, tally_t *tally) {
    scan_ctx c = {db, scratch, hay, len, {0}};
    *inner = measure(scan_op, &c, reps, times);
    *tally = c.tally;
}

static void memory(const char *set) {
    int regex = strcmp(set, "secrets") == 0;
    size_t len;
    char *hay = read_file(data_dir, regex ? "log.txt" : "english.txt", &len);
    patterns_t p = load_patterns(data_dir, set);
    unsigned *flags = regex ? regex_flags(&p, 0) : NULL;
    long base = vm_kb("VmHWM:");
    char err[600];
    size_t used = p.count;
    hs_database_t *db = regex ? compile_regexes(&p, flags, &used, err, sizeof err)
                              : compile_literals(&p, err, sizeof err);
    base_row("memory", "compile + scan", set, p.count, regex ? "log" : "english", len, NULL);
    if (!db) {
        row_end_status("error", err);
        return;
    }
    hs_scratch_t *scratch = NULL;
    hs_alloc_scratch(db, &scratch);
    tally_t tally = {0};
    hs_scan(db, hay, (unsigned)len, 0, scratch, on_match, &tally);
    size_t db_size = 0, scratch_size = 0;
    hs_database_size(db, &db_size);
    hs_scratch_size(scratch, &scratch_size);
    row_int("matches", (long long)tally.count);
    row_int("base_rss_kb", base);
    row_int("peak_rss_kb", vm_kb("VmHWM:"));
    row_int("automaton_bytes", (long long)(db_size + scratch_size));
    if (used != p.count) row_str("note", "unsupported regexes left out");
    row_end();
}

int main(int argc, char **argv) {
    HOST = "c";
    data_dir = parse_str_arg(argc, argv, "--data", "bench/data/quick");
    reps = parse_int_arg(argc, argv, "--reps", 3);
    if (reps < 1 || reps > MAX_REPS) die("--reps", "must be 1..64");
    long calls = parse_int_arg(argc, argv, "--calls", 1000000);
    min_rep_s = parse_int_arg(argc, argv, "--min-rep-ms", 20) / 1000.0;
    const char *mem = parse_str_arg(argc, argv, "--memory", NULL);
    if (hs_valid_platform() != HS_SUCCESS) {
        row_begin();
        row_str("workload", "scan");
        row_str("impl", "hyperscan");
        row_end_status("unavailable", "hs_valid_platform: this CPU lacks SSSE3");
        return 0;
    }
    if (mem) {
        memory(mem);
        return 0;
    }
    size_t english_len, log_len;
    char *english = read_file(data_dir, "english.txt", &english_len);
    char *log = read_file(data_dir, "log.txt", &log_len);
    double times[MAX_REPS];
    char set[64], err[600];
    int inner;
    tally_t tally;

    row_begin();
    row_str("workload", "version");
    row_str("impl", "hyperscan");
    row_str("version", hs_version());
    row_end();

    /* Literal sets: build, then scan. */
    static const char *densities[] = {"dense", "sparse"};
    for (int d = 0; d < 2; d++) {
        for (size_t s = 0; s < N_SET_SIZES; s++) {
            snprintf(set, sizeof set, "%s-%zu", densities[d], SET_SIZES[s]);
            patterns_t p = load_patterns(data_dir, set);
            hs_database_t *db = NULL;
            int build_reps = d == 0 ? reps : 1;
            for (int r = 0; r < build_reps; r++) {
                if (db) hs_free_database(db);
                double t = now();
                db = compile_literals(&p, err, sizeof err);
                times[r] = now() - t;
                if (!db) break;
                if (times[r] > 1.0) build_reps = r + 1; /* slow builds: fewer repetitions */
            }
            if (!db) {
                base_row("build", "hs_compile_lit_multi", set, p.count, NULL, 0, NULL);
                row_end_status("error", err);
                base_row("scan", "hs_scan", set, p.count, "english", 0, NULL);
                row_end_status("error", err);
                free_patterns(&p);
                continue;
            }
            if (d == 0) {
                size_t db_size = 0;
                hs_database_size(db, &db_size);
                base_row("build", "hs_compile_lit_multi", set, p.count, NULL, 0, NULL);
                row_int("automaton_bytes", (long long)db_size);
                row_times(times, build_reps, 0, 0);
                row_end();
            }
            hs_scratch_t *scratch = NULL;
            hs_alloc_scratch(db, &scratch);
            time_scan(db, scratch, english, english_len, times, &inner, &tally);
            base_row("scan", "hs_scan", set, p.count, "english", english_len, "all-matches");
            row_int("matches", (long long)tally.count);
            row_int("inner", inner);
            row_times(times, reps, (double)english_len, 0);
            row_end();
            hs_free_scratch(scratch);
            hs_free_database(db);
            free_patterns(&p);
        }
    }

    /* Regexes. */
    {
        patterns_t p = load_patterns(data_dir, "secrets");
        unsigned *flags = regex_flags(&p, 1);
        size_t used = 0;
        hs_database_t *db = NULL;
        for (int r = 0; r < reps; r++) {
            if (db) hs_free_database(db);
            double t = now();
            db = compile_regexes(&p, flags, &used, err, sizeof err);
            times[r] = now() - t;
            if (!db) break;
        }
        char note[128];
        snprintf(note, sizeof note, "%zu of %zu regexes compiled", used, p.count);
        if (!db) {
            base_row("build", "hs_compile_multi", "secrets", p.count, NULL, 0, NULL);
            row_end_status("error", err);
            base_row("regex", "hs_scan", "secrets", p.count, "log", 0, NULL);
            row_end_status("error", err);
        } else {
            size_t db_size = 0;
            hs_database_size(db, &db_size);
            base_row("build", "hs_compile_multi", "secrets", p.count, NULL, 0, NULL);
            row_int("automaton_bytes", (long long)db_size);
            row_str("note", note);
            row_times(times, reps, 0, 0);
            row_end();
            hs_scratch_t *scratch = NULL;
            hs_alloc_scratch(db, &scratch);
            time_scan(db, scratch, log, log_len, times, &inner, &tally);
            base_row("regex", "hs_scan", "secrets", p.count, "log", log_len, "all-matches");
            row_int("matches", (long long)tally.count);
            row_int("inner", inner);
            row_str("note", note);
            row_times(times, reps, (double)log_len, 0);
            row_end();
            hs_free_scratch(scratch);
            hs_free_database(db);
        }
        free(flags);
        free_patterns(&p);
    }

    /* One call per ~100-byte input, stopping at the first match (is_match). */
    {
        size_t small_len;
        char *small = read_file(data_dir, "small.txt", &small_len);
        lines_t in = split_lines(small, small_len);
        patterns_t p = load_patterns(data_dir, "dense-10");
        hs_database_t *db = compile_literals(&p, err, sizeof err);
        hs_scratch_t *scratch = NULL;
        hs_alloc_scratch(db, &scratch);
        size_t hits = 0, bytes = 0;
        for (long i = 0; i < calls; i++) bytes += in.lens[i % (long)in.count];
        for (int r = 0; r < reps; r++) {
            hits = 0;
            double t = now();
            for (long i = 0; i < calls; i++) {
                int found = 0;
                size_t j = (size_t)i % in.count;
                hs_scan(db, in.ptrs[j], (unsigned)in.lens[j], 0, scratch, stop_at_first, &found);
                hits += (size_t)found;
            }
            times[r] = now() - t;
        }
        base_row("is_match", "hs_scan(stop at first)", "dense-10", p.count, "small", bytes, NULL);
        row_int("calls", calls);
        row_int("matches", (long long)hits);
        row_times(times, reps, (double)bytes, (double)calls);
        row_end();
    }
    return 0;
}
