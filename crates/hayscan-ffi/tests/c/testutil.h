/* Minimal assertion helpers shared by the C tests. */
#ifndef HAYSCAN_TESTUTIL_H
#define HAYSCAN_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hayscan.h"

static int test_failures = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            test_failures++;                                                         \
        }                                                                            \
    } while (0)

/* A call that must succeed; prints hayscan's last error if it does not. */
#define OK(call)                                                                                \
    do {                                                                                        \
        hayscan_status_t st_ = (call);                                                          \
        if (st_ != HAYSCAN_STATUS_OK) {                                                         \
            fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, (int)st_, \
                    hayscan_last_error_message());                                              \
            test_failures++;                                                                    \
        }                                                                                       \
    } while (0)

/* A call that must fail with `status`. */
#define FAILS(call, status)                                                                   \
    do {                                                                                      \
        hayscan_status_t st_ = (call);                                                        \
        if (st_ != (status)) {                                                                \
            fprintf(stderr, "%s:%d: %s returned %d, expected %d (%s)\n", __FILE__, __LINE__, \
                    #call, (int)st_, (int)(status), #status);                                 \
            test_failures++;                                                                  \
        }                                                                                     \
    } while (0)

/* A matcher of `n` NUL-terminated patterns (at most 16) with options `opts`. */
static inline hayscan_matcher_t *matcher_of(const char *const *pats, size_t n,
                                            const hayscan_options_t *opts) {
    hayscan_bytes_t list[16];
    for (size_t i = 0; i < n; i++) {
        list[i].ptr = pats[i];
        list[i].len = strlen(pats[i]);
    }
    hayscan_matcher_t *m = NULL;
    OK(hayscan_matcher_new(list, n, opts, &m));
    return m;
}

/* A literal matcher of `n` NUL-terminated words (at most 16) with match kind `kind`. */
static inline hayscan_matcher_t *literal(const char *const *words, size_t n, uint32_t kind) {
    hayscan_options_t opts;
    OK(hayscan_options_init(&opts));
    opts.match_kind = kind;
    return matcher_of(words, n, &opts);
}

#endif
