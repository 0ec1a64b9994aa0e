/* wordscan: find every word of a word list in a text with hayscan's C API.
 *
 *   wordscan <words.txt> <text.txt>
 *
 * Builds one case-insensitive, leftmost-longest matcher from the list (one pattern per
 * line), prints each match through a callback with its line and column, counts matches
 * per word, streams the same text in small chunks to show streaming finds the same
 * matches, and prints the text with every match redacted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hayscan.h"

typedef struct {
    char *data;
    size_t len;
} text_t;

static text_t read_file(const char *path) {
    text_t t = {NULL, 0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    t.len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    t.data = malloc(t.len ? t.len : 1);
    if (fread(t.data, 1, t.len, f) != t.len) {
        perror(path);
        exit(1);
    }
    fclose(f);
    return t;
}

static void die(const char *what, hayscan_status_t st) {
    fprintf(stderr, "%s failed (status %d): %s\n", what, (int)st, hayscan_last_error_message());
    exit(1);
}

typedef struct {
    const text_t *text;
    const hayscan_bytes_t *words;
    size_t *per_word;
} scan_ctx_t;

/* Called by hayscan for every match, synchronously; `m` is valid during the call only. */
static int32_t print_match(void *user_data, const hayscan_match_t *m) {
    scan_ctx_t *ctx = user_data;
    size_t line = 1, col = 1;
    for (size_t i = 0; i < m->start; i++) {
        if (ctx->text->data[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    printf("%3zu:%-3zu %-18.*s (pattern %u: \"%.*s\")\n", line, col, (int)(m->end - m->start),
           ctx->text->data + m->start, m->pattern, (int)ctx->words[m->pattern].len, ctx->words[m->pattern].ptr);
    ctx->per_word[m->pattern]++;
    return 0; /* non-zero would stop the scan */
}

static int32_t count_match(void *user_data, const hayscan_match_t *m) {
    (void)m;
    (*(size_t *)user_data)++;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s <words.txt> <text.txt>\n", argv[0]);
        return 2;
    }
    text_t list = read_file(argv[1]);
    text_t text = read_file(argv[2]);

    /* One pattern per non-empty line; the patterns point into `list`, which hayscan copies. */
    size_t n = 0, cap = 16;
    hayscan_bytes_t *words = malloc(cap * sizeof *words);
    for (char *p = list.data, *end = list.data + list.len; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        if (len > 0) {
            if (n == cap) words = realloc(words, (cap *= 2) * sizeof *words);
            words[n].ptr = p;
            words[n].len = len;
            n++;
        }
        p += len + 1;
    }

    hayscan_options_t opts;
    hayscan_options_init(&opts);
    opts.match_kind = HAYSCAN_MATCH_LEFTMOST_LONGEST; /* "Netherfield Park" beats "Netherfield" */
    opts.case_insensitive = 1;
    hayscan_matcher_t *matcher = NULL;
    hayscan_status_t st = hayscan_matcher_new(words, n, &opts, &matcher);
    if (st != HAYSCAN_STATUS_OK) die("hayscan_matcher_new", st);
    printf("hayscan %s: %zu words, %zu bytes of text\n\n", hayscan_version(), n, text.len);

    size_t *per_word = calloc(n, sizeof *per_word);
    scan_ctx_t ctx = {&text, words, per_word};
    hayscan_scan_report_t report;
    st = hayscan_matcher_scan(matcher, text.data, text.len, print_match, &ctx, &report);
    if (st != HAYSCAN_STATUS_OK) die("hayscan_matcher_scan", st);
    printf("\n%zu matches:", report.matches);
    for (size_t i = 0; i < n; i++)
        if (per_word[i]) printf(" %.*s=%zu", (int)words[i].len, words[i].ptr, per_word[i]);
    printf("\n");

    /* The same text through a stream, 7 bytes at a time: same number of matches. */
    hayscan_stream_t *stream = NULL;
    if ((st = hayscan_stream_new(matcher, &stream)) != HAYSCAN_STATUS_OK) die("hayscan_stream_new", st);
    size_t streamed = 0;
    uint64_t id = 0;
    if ((st = hayscan_stream_on(stream, count_match, &streamed, NULL, NULL, 0, &id)) != HAYSCAN_STATUS_OK)
        die("hayscan_stream_on", st);
    for (size_t at = 0; at < text.len; at += 7) {
        size_t len = text.len - at < 7 ? text.len - at : 7;
        if ((st = hayscan_stream_feed(stream, text.data + at, len, NULL)) != HAYSCAN_STATUS_OK)
            die("hayscan_stream_feed", st);
    }
    if ((st = hayscan_stream_finish(stream, NULL)) != HAYSCAN_STATUS_OK) die("hayscan_stream_finish", st);
    hayscan_stream_free(stream);
    printf("streamed in 7-byte chunks: %zu matches\n\n", streamed);

    /* Redact: one replacement for every pattern. The result is hayscan's memory. */
    hayscan_bytes_t redacted_word = {"[...]", 5};
    char *out = NULL;
    size_t out_len = 0;
    st = hayscan_matcher_replace_all(matcher, text.data, text.len, &redacted_word, 1, &out, &out_len);
    if (st != HAYSCAN_STATUS_OK) die("hayscan_matcher_replace_all", st);
    printf("redacted:\n%.*s\n", (int)(out_len < 400 ? out_len : 400), out);
    hayscan_bytes_free(out, out_len);

    hayscan_matcher_free(matcher);
    free(per_word);
    free(words);
    free(list.data);
    free(text.data);
    return hayscan_live_objects() == 0 ? 0 : 1;
}
