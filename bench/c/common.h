/* Shared by the C benchmark drivers: data loading, timing and JSON lines in the schema of
 * bench/README.md. Header-only (static functions) so each driver is one gcc command. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const size_t SET_SIZES[] = {10, 1000, 10000, 100000};
#define N_SET_SIZES (sizeof SET_SIZES / sizeof SET_SIZES[0])
#define MAX_REPS 64

static void die(const char *what, const char *detail) {
    fprintf(stderr, "bench: %s: %s\n", what, detail);
    exit(1);
}

static char *read_file(const char *dir, const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) die(path, "cannot open (run bench/corpus/generate.py)");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) die(path, "cannot read");
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

/* A pattern file, one pattern per line: `data` holds them back to back (each followed by a
 * NUL for APIs that want C strings), `ptrs`/`lens` index them. */
typedef struct {
    char *data;
    const char **ptrs;
    size_t *lens;
    size_t count;
    size_t total; /* bytes of all patterns */
} patterns_t;

static patterns_t load_patterns(const char *dir, const char *set) {
    char name[256];
    snprintf(name, sizeof name, "patterns/%s.txt", set);
    size_t len;
    char *raw = read_file(dir, name, &len);
    patterns_t p = {0};
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) lines += raw[i] == '\n';
    p.ptrs = calloc(lines + 1, sizeof *p.ptrs);
    p.lens = calloc(lines + 1, sizeof *p.lens);
    p.data = raw; /* newlines become NULs in place */
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || raw[i] == '\n') {
            if (i > start) {
                p.ptrs[p.count] = raw + start;
                p.lens[p.count] = i - start;
                p.total += i - start;
                p.count++;
            }
            if (i < len) raw[i] = '\0';
            start = i + 1;
        }
    }
    return p;
}

static void free_patterns(patterns_t *p) {
    free(p->data);
    free(p->ptrs);
    free(p->lens);
}

/* Lines of small.txt. */
typedef struct {
    const char **ptrs;
    size_t *lens;
    size_t count;
} lines_t;

static lines_t split_lines(char *buf, size_t len) {
    lines_t l = {0};
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += buf[i] == '\n';
    l.ptrs = calloc(n + 1, sizeof *l.ptrs);
    l.lens = calloc(n + 1, sizeof *l.lens);
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n') {
            if (i > start) {
                l.ptrs[l.count] = buf + start;
                l.lens[l.count] = i - start;
                l.count++;
            }
            start = i + 1;
        }
    }
    return l;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long vm_kb(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    long kb = 0;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, field, n) == 0) {
            kb = strtol(line + n, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}

/* ---- JSON rows ------------------------------------------------------------------------ */

static const char *HOST = "c";
static int row_fields;

static void json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static void key(const char *k) {
    printf(row_fields++ ? ",\"%s\":" : "{\"%s\":", k);
}

static void row_begin(void) {
    row_fields = 0;
    key("schema");
    json_string("hayscan-bench/1");
    key("host");
    json_string(HOST);
}

static void row_str(const char *k, const char *v) {
    key(k);
    json_string(v);
}

static void row_int(const char *k, long long v) {
    key(k);
    printf("%lld", v);
}

static void row_num(const char *k, double v) {
    key(k);
    printf("%.9g", v);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Adds reps, times, median/min/max, and MB/s (bytes > 0) or ns per call (calls > 0). */
static void row_times(const double *times, int reps, double bytes, double calls) {
    double sorted[MAX_REPS];
    memcpy(sorted, times, (size_t)reps * sizeof *times);
    qsort(sorted, (size_t)reps, sizeof *sorted, cmp_double);
    double median = reps % 2 ? sorted[reps / 2] : (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
    row_int("reps", reps);
    key("times_s");
    putchar('[');
    for (int i = 0; i < reps; i++) printf(i ? ",%.9g" : "%.9g", times[i]);
    putchar(']');
    row_num("median_s", median);
    row_num("min_s", sorted[0]);
    row_num("max_s", sorted[reps - 1]);
    if (bytes > 0 && median > 0) row_num("mbps", bytes / median / 1e6);
    if (calls > 0) row_num("ns_per_call", median * 1e9 / calls);
}

static void row_end(void) {
    if (!row_fields) return;
    row_str("status", "ok");
    puts("}");
    fflush(stdout);
}

/* A row for a side that could not run: status and reason instead of numbers. */
static void row_end_status(const char *status, const char *reason) {
    row_str("status", status);
    row_str("reason", reason);
    puts("}");
    fflush(stdout);
}

/* Runs `op(ctx)` once to warm up, then `reps` timed repetitions of `inner` runs each, with
 * `inner` chosen so that a repetition lasts at least `min_rep_s` (short operations are
 * otherwise lost in timer and scheduler noise). `times` receives seconds per run. */
typedef void (*op_fn)(void *ctx);
static double min_rep_s = 0.02;

static int measure(op_fn op, void *ctx, int reps, double *times) {
    double t = now();
    op(ctx);
    double warm = now() - t;
    int inner = warm >= min_rep_s ? 1 : (int)(min_rep_s / (warm > 1e-7 ? warm : 1e-7)) + 1;
    for (int r = 0; r < reps; r++) {
        t = now();
        for (int k = 0; k < inner; k++) op(ctx);
        times[r] = (now() - t) / inner;
    }
    return inner;
}

static int parse_int_arg(int argc, char **argv, const char *flag, int def) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], flag) == 0) return atoi(argv[i + 1]);
    return def;
}

static const char *parse_str_arg(int argc, char **argv, const char *flag, const char *def) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], flag) == 0) return argv[i + 1];
    return def;
}

#endif
