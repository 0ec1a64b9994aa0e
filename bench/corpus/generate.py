#!/usr/bin/env python3
"""Deterministic benchmark data for hayscan: corpora, keyword sets, small inputs.

Everything is derived from Debian's word list (package `wamerican`) and one seed, so two
runs with the same arguments write byte-identical files. Written to OUT (bench/data/<mode>):

  english.txt             English-like text: dictionary words drawn with Zipf frequencies
                          (P(rank r) ~ 1/r), separated by spaces, commas and sentence ends.
  log.txt                 log-like lines (timestamps, services, users, IPs, request ids,
                          paths) with secrets embedded in about 2% of the lines.
  patterns/dense-N.txt    the N most frequent words (N = 10, 1000, 10000, 100000): they
                          occur throughout english.txt, so matches are dense.
  patterns/sparse-N.txt   the same words + SPARSE_SUFFIX, which never occurs: no matches,
                          raw scanning speed (the automaton still walks every prefix).
  patterns/secrets.txt    a copy of bench/corpus/secrets.regex (one regex per line).
  small.txt               ~100-byte snippets of english.txt, one per line, half of them
                          containing a dense-10 word, shuffled (for one-million-calls tests).
  manifest.json           the parameters and what was generated (sizes, counts, seeds).

Usage: generate.py OUT [--english-bytes N] [--log-bytes N] [--small N] [--seed S]
Regenerates only when the parameters (or this script) changed.
"""

import argparse
import bisect
import hashlib
import itertools
import json
import os
import random
import re
import shutil
import string
import sys

WORDS = "/usr/share/dict/words"
SET_SIZES = (10, 1000, 10000, 100000)
SPARSE_SUFFIX = "qzx"
HERE = os.path.dirname(os.path.abspath(__file__))
REGEX_FILE = os.path.join(HERE, "secrets.regex")


def load_vocabulary(rng):
    """Every distinct word of the dictionary, in a seeded random rank order."""
    try:
        with open(WORDS, encoding="utf-8") as f:
            words = [w.strip() for w in f]
    except OSError as e:
        sys.exit(f"{WORDS}: {e.strerror} (install Debian's wamerican package)")
    vocab = sorted({w for w in words if w})
    rng.shuffle(vocab)
    return vocab


def english(rng, vocab, size):
    """`size` bytes of words with Zipf frequencies, cut at a word boundary and padded."""
    cum = list(itertools.accumulate(1.0 / r for r in range(1, len(vocab) + 1)))
    parts = []
    total = 0
    sentence_start = True
    while total < size:
        batch = rng.choices(vocab, cum_weights=cum, k=100_000)
        seps = rng.choices((" ", " ", " ", " ", " ", " ", " ", " ", " ", ", ", ". ", ".\n"), k=len(batch))
        for word, sep in zip(batch, seps):
            if sentence_start:
                word = word[:1].upper() + word[1:]
            sentence_start = sep in (". ", ".\n")
            chunk = word + sep
            parts.append(chunk)
            total += len(chunk.encode("utf-8"))
            if total >= size:
                break
    data = "".join(parts).encode("utf-8")
    cut = data.rfind(b" ", 0, size)
    return data[:cut] + b" " * (size - cut)


# Log corpus -------------------------------------------------------------------------------

ALNUM = string.ascii_letters + string.digits
UPPER_NUM = string.ascii_uppercase + string.digits
LOWER_NUM = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"


def tok(rng, alphabet, n):
    return "".join(rng.choices(alphabet, k=n))


def secret_makers():
    """(kind, function(rng) -> text) for the secrets embedded in log lines."""
    return [
        ("aws-access-key", lambda r: "aws_access_key_id=AKIA" + tok(r, UPPER_NUM, 16)),
        ("aws-secret-key", lambda r: "aws_secret_access_key = " + tok(r, B64, 40)),
        ("github-pat", lambda r: "token ghp_" + tok(r, ALNUM, 36)),
        ("github-oauth", lambda r: "gho_" + tok(r, ALNUM, 36)),
        ("github-fine-grained", lambda r: "github_pat_" + tok(r, ALNUM + "_", 82)),
        ("gitlab-pat", lambda r: "glpat-" + tok(r, B64URL, 20)),
        ("slack-bot", lambda r: f"xoxb-{tok(r, string.digits, 12)}-{tok(r, string.digits, 12)}-{tok(r, ALNUM, 24)}"),
        ("slack-webhook", lambda r: "https://hooks.slack.com/services/T" + tok(r, UPPER_NUM, 8) + "/B" + tok(r, UPPER_NUM, 8) + "/" + tok(r, ALNUM, 24)),
        ("stripe", lambda r: "sk_live_" + tok(r, ALNUM, 24)),
        ("google-api", lambda r: "AIza" + tok(r, B64URL, 35)),
        ("sendgrid", lambda r: "SG." + tok(r, B64URL, 22) + "." + tok(r, B64URL, 43)),
        ("npm", lambda r: "npm_" + tok(r, ALNUM, 36)),
        ("jwt", lambda r: "Authorization: Bearer eyJ" + tok(r, B64URL, 30) + ".eyJ" + tok(r, B64URL, 60) + "." + tok(r, B64URL, 43)),
        ("private-key", lambda r: "-----BEGIN " + r.choice(("RSA ", "EC ", "OPENSSH ", "")) + "PRIVATE KEY-----"),
        ("password-in-url", lambda r: f"postgres://{tok(r, string.ascii_lowercase, 6)}:{tok(r, ALNUM, 12)}@db{r.randrange(1, 9)}.internal.example.com:5432/app"),
        ("password-assignment", lambda r: f'password="{tok(r, ALNUM + "!#%", 14)}"'),
        ("openai", lambda r: "sk-" + tok(r, ALNUM, 20) + "T3BlbkFJ" + tok(r, ALNUM, 20)),
        ("digitalocean", lambda r: "dop_v1_" + tok(r, HEX, 64)),
        ("azure-storage", lambda r: "DefaultEndpointsProtocol=https;AccountName=" + tok(r, LOWER_NUM, 12) + ";AccountKey=" + tok(r, B64, 86) + "=="),
        ("telegram", lambda r: f"{r.randrange(10**8, 10**9)}:AA" + tok(r, B64URL, 33)),
    ]


def log_corpus(rng, vocab, size):
    common = vocab[:2000]
    services = ["api", "auth", "billing", "search", "worker", "gateway", "mailer", "cron"]
    levels = ["INFO"] * 12 + ["DEBUG"] * 5 + ["WARN"] * 2 + ["ERROR"]
    paths = ["/v1/users", "/v1/orders", "/v2/search", "/healthz", "/v1/login", "/static/app.js", "/v1/invoices"]
    users = [f"{rng.choice(common).lower()}.{rng.choice(common).lower()}" for _ in range(300)]
    domains = ["example.com", "example.org", "mail.example.net", "corp.example.io"]
    makers = secret_makers()
    counts = {kind: 0 for kind, _ in makers}
    lines = []
    total = 0
    second = 1_714_521_600  # 2024-05-01T00:00:00Z
    while total < size:
        second += rng.randrange(0, 3)
        t = second % 86400
        ts = f"2024-05-{1 + (second - 1_714_521_600) // 86400:02d}T{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}.{rng.randrange(1000):03d}Z"
        user = rng.choice(users)
        words = " ".join(rng.choice(common) for _ in range(rng.randrange(3, 9)))
        fields = [
            ts,
            rng.choice(levels),
            f"[{rng.choice(services)}]",
            f"req={tok(rng, HEX, 32)}",
            f"user={user}@{rng.choice(domains)}",
            f"ip=10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
            f"{rng.choice(('GET', 'POST', 'PUT', 'DELETE'))} {rng.choice(paths)}",
            f"status={rng.choice((200, 200, 200, 201, 204, 301, 400, 403, 404, 500))}",
            f"latency={rng.randrange(1, 2000)}ms",
            f'msg="{words}"',
        ]
        if rng.random() < 0.02:
            kind, make = rng.choice(makers)
            counts[kind] += 1
            fields.insert(rng.randrange(4, len(fields) + 1), make(rng))
        line = " ".join(fields) + "\n"
        lines.append(line)
        total += len(line)
    data = "".join(lines).encode("utf-8")
    cut = data.rfind(b"\n", 0, size) + 1
    return data[:cut] + b"\n" * (size - cut), counts


# Small inputs -----------------------------------------------------------------------------

def small_inputs(rng, text, words, count):
    """`count` snippets of about 100 bytes from `text`, half containing one of `words`."""
    pattern = re.compile(b"|".join(re.escape(w.encode("utf-8")) for w in words))
    want = count // 2
    hits, misses = [], []
    tries = 0
    while len(hits) < want or len(misses) < count - want:
        tries += 1
        if tries > 1000 * count:
            sys.exit("small inputs: could not find enough hits and misses")
        at = rng.randrange(0, len(text) - 300)
        start = text.find(b" ", at) + 1
        end = text.find(b" ", start + 95)
        snippet = text[start:end].replace(b"\n", b" ")
        if not 90 <= len(snippet) <= 130:
            continue
        bucket = hits if pattern.search(snippet) else misses
        if len(bucket) < (want if bucket is hits else count - want):
            bucket.append(snippet)
    snippets = hits + misses
    rng.shuffle(snippets)
    return snippets, len(hits)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--english-bytes", type=int, default=32 << 20)
    ap.add_argument("--log-bytes", type=int, default=16 << 20)
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()

    with open(__file__, "rb") as f:
        script_hash = hashlib.sha256(f.read()).hexdigest()[:16]
    with open(REGEX_FILE, "rb") as f:
        regex_bytes = f.read()
    params = {
        "english_bytes": args.english_bytes,
        "log_bytes": args.log_bytes,
        "small": args.small,
        "seed": args.seed,
        "sparse_suffix": SPARSE_SUFFIX,
        "generator": script_hash,
        "regexes": hashlib.sha256(regex_bytes).hexdigest()[:16],
    }
    manifest_path = os.path.join(args.out, "manifest.json")
    try:
        with open(manifest_path) as f:
            if json.load(f).get("params") == params:
                print(f"bench data in {args.out} is up to date")
                return
    except (OSError, ValueError):
        pass

    rng = random.Random(args.seed)
    vocab = load_vocabulary(rng)
    if len(vocab) < max(SET_SIZES):
        sys.exit(f"{WORDS} has {len(vocab)} words, fewer than {max(SET_SIZES)}")

    text = english(random.Random(args.seed + 1), vocab, args.english_bytes)
    if SPARSE_SUFFIX.encode() in text:
        sys.exit(f"the sparse suffix {SPARSE_SUFFIX!r} occurs in the corpus: choose another")
    write(os.path.join(args.out, "english.txt"), text)

    for n in SET_SIZES:
        dense = vocab[:n]
        write(os.path.join(args.out, "patterns", f"dense-{n}.txt"), ("\n".join(dense) + "\n").encode("utf-8"))
        sparse = [w + SPARSE_SUFFIX for w in dense]
        write(os.path.join(args.out, "patterns", f"sparse-{n}.txt"), ("\n".join(sparse) + "\n").encode("utf-8"))
    shutil.copyfile(REGEX_FILE, os.path.join(args.out, "patterns", "secrets.txt"))

    log, secret_counts = log_corpus(random.Random(args.seed + 2), vocab, args.log_bytes)
    write(os.path.join(args.out, "log.txt"), log)

    snippets, small_hits = small_inputs(random.Random(args.seed + 3), text, vocab[:10], args.small)
    write(os.path.join(args.out, "small.txt"), b"\n".join(snippets) + b"\n")

    manifest = {
        "params": params,
        "vocabulary_words": len(vocab),
        "english": {"bytes": len(text), "non_ascii_bytes": sum(b >= 0x80 for b in text[:1 << 20])},
        "log": {"bytes": len(log), "lines": log.count(b"\n"), "embedded_secrets": secret_counts},
        "small": {"count": len(snippets), "hits_dense_10": small_hits,
                  "mean_bytes": round(sum(map(len, snippets)) / len(snippets), 1)},
        "sets": {f"{kind}-{n}": n for n in SET_SIZES for kind in ("dense", "sparse")},
        "regexes": sum(1 for line in regex_bytes.splitlines() if line.strip()),
    }
    write(manifest_path, (json.dumps(manifest, indent=2) + "\n").encode())
    print(f"bench data written to {args.out}: english {len(text)} B, log {len(log)} B, "
          f"{len(snippets)} small inputs, {manifest['regexes']} regexes")


if __name__ == "__main__":
    main()
