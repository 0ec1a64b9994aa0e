# hayscan: `make test` runs every suite, `make demo` runs the examples, `make bench` the
# benchmarks. See README.md.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

ROOT := $(abspath .)
LIB_DIR := $(ROOT)/target/release
export HAYSCAN_LIB := $(LIB_DIR)/libhayscan.so
INCLUDE := crates/hayscan-ffi/include
CTESTS := crates/hayscan-ffi/tests/c
BUILD := build
CFLAGS := -std=c99 -Wall -Wextra -pedantic -Werror -g -I $(INCLUDE)
VALGRIND := valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=1

# Debian packages the suites need (installed when missing and run as root).
DEB_PACKAGES := gcc make python3 valgrind binutils php-cli phpunit ruby ruby-ffi ruby-minitest wamerican
DEB_PACKAGES += php-fpm

FUZZ_SECONDS ?= 600
.PHONY: fuzz test-fuzz
.PHONY: test demo bench bench-hosts deps lib header check-header lint test-rust test-c test-c-asan test-php test-ruby test-node \
        demo-c clean-build

test: deps lint check-header test-rust test-c test-php test-ruby test-node test-fuzz
	@echo "make test: all suites passed"

deps:
	@scripts/ensure-debian-packages.sh $(DEB_PACKAGES)

lib:
	cargo build --release -p hayscan-ffi

# Regenerates the C header and its PHP twin from crates/hayscan-ffi/src.
header:
	cargo run -q -p hayscan-ffi --features headers --bin generate-headers -- $(INCLUDE)

check-header:
	cargo run -q -p hayscan-ffi --features headers --bin generate-headers -- --check $(INCLUDE)

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --features hayscan-ffi/headers -- -D warnings

test-rust:
	cargo test -p hayscan -p hayscan-ffi

$(BUILD):
	mkdir -p $(BUILD)

# C tests: built against the generated header and the release cdylib, run under valgrind.
test-c: lib | $(BUILD)
	gcc $(CFLAGS) -pthread $(CTESTS)/test_api.c -o $(BUILD)/test_api -L$(LIB_DIR) -lhayscan -Wl,-rpath,$(LIB_DIR)
	gcc $(CFLAGS) $(CTESTS)/test_vectors.c -o $(BUILD)/test_vectors -L$(LIB_DIR) -lhayscan -Wl,-rpath,$(LIB_DIR)
	gcc $(CFLAGS) -pthread $(CTESTS)/test_handles.c -o $(BUILD)/test_handles -L$(LIB_DIR) -lhayscan -Wl,-rpath,$(LIB_DIR)
	gcc $(CFLAGS) $(CTESTS)/test_faults.c -o $(BUILD)/test_faults -L$(LIB_DIR) -lhayscan -Wl,-rpath,$(LIB_DIR)
	gcc $(CFLAGS) -pthread $(CTESTS)/test_jobs.c -o $(BUILD)/test_jobs -L$(LIB_DIR) -lhayscan -Wl,-rpath,$(LIB_DIR)
	python3 $(CTESTS)/flatten_vectors.py tests/vectors > $(BUILD)/vectors.txt
	$(VALGRIND) $(BUILD)/test_api
	$(VALGRIND) $(BUILD)/test_vectors $(BUILD)/vectors.txt
	$(VALGRIND) $(BUILD)/test_handles
	$(VALGRIND) $(BUILD)/test_faults
	$(VALGRIND) $(BUILD)/test_jobs
	$(CTESTS)/check_exports.sh $(LIB_DIR)/libhayscan.so $(INCLUDE)/hayscan.h
	python3 $(CTESTS)/doc_example.py docs/c-api.md $(INCLUDE) $(LIB_DIR) $(BUILD)
	php -d ffi.enable=1 -r 'FFI::cdef(file_get_contents("$(INCLUDE)/hayscan_php.h"), getenv("HAYSCAN_LIB")); echo "FFI::cdef accepts hayscan_php.h\n";'
	$(MAKE) test-c-asan

# The C tests under AddressSanitizer: gcc's libasan for the C side and, through nightly's
# -Zsanitizer=address, the Rust side (a separate target dir; gcc brings libasan).
ASAN_DIR := $(ROOT)/target/asan/x86_64-unknown-linux-gnu/release
ASAN_CFLAGS := $(CFLAGS) -fsanitize=address -fno-omit-frame-pointer
test-c-asan: | $(BUILD)
	@cargo +nightly --version >/dev/null 2>&1 || { echo "test-c-asan needs Rust nightly: rustup toolchain install nightly" >&2; exit 1; }
	RUSTFLAGS=-Zsanitizer=address CARGO_TARGET_DIR=target/asan cargo +nightly build --release -p hayscan-ffi --target x86_64-unknown-linux-gnu
	for t in test_api test_handles test_faults test_jobs; do \
	  gcc $(ASAN_CFLAGS) -pthread $(CTESTS)/$$t.c -o $(BUILD)/$${t}_asan -L$(ASAN_DIR) -lhayscan -Wl,-rpath,$(ASAN_DIR); \
	  ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1 $(BUILD)/$${t}_asan; \
	done

test-php: lib
	php/scripts/test.sh

test-ruby: lib
	ruby/scripts/test.sh

test-node:
	node/scripts/test.sh

demo-c: lib | $(BUILD)
	gcc $(CFLAGS) crates/hayscan-ffi/examples/wordscan.c -o $(BUILD)/wordscan -L$(LIB_DIR) -lhayscan -Wl,-rpath,$(LIB_DIR)
	$(BUILD)/wordscan crates/hayscan-ffi/examples/words.txt crates/hayscan-ffi/examples/text.txt

demo: deps demo-c
	php/scripts/demo.sh
	ruby/scripts/demo.sh
	node/scripts/demo.sh

# Benchmarks (bench/README.md): writes docs/benchmarks.md and its plots.
# `make bench QUICK=1` is the short routine run.
bench: deps lib
	QUICK=$(QUICK) bench/run.sh

# Each host's own side-by-side benchmark (numbers in docs/<host>.md).
bench-hosts: deps lib
	QUICK=$(QUICK) php/scripts/bench.sh
	QUICK=$(QUICK) ruby/scripts/bench.sh
	QUICK=$(QUICK) node/scripts/bench.sh

clean-build:
	rm -rf $(BUILD)

# Fuzzes the C ABI (fuzz/README.md) for FUZZ_SECONDS; test-fuzz is the short run of `make test`.
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

test-fuzz:
	scripts/fuzz.sh 60

# Packaging (issue 11): metadata check, the release build every package
# carries (make install and the install tests of the packed artifacts are not written yet).
.PHONY: check-packaging
test: check-packaging
check-packaging:
	python3 scripts/check-packaging.py
.PHONY: dist check-dist
test: check-dist
# The library every package ships: build/dist (scripts/dist.sh: stripped, SONAME, glibc 2.17).
dist:
	scripts/dist.sh
check-dist: dist
	scripts/check-dist-lib.sh

# Ruby gems (issue 11): the x86_64-linux platform gem carrying build/dist's library and the
# source gem that builds it with cargo at install (ruby/scripts/package.sh, into build/gems);
# the install test installs the platform gem into an empty GEM_HOME and runs a smoke program
# without cargo on PATH. SOURCE=1 ruby/scripts/test-install.sh tests the source gem (slow).
.PHONY: gem test-install-ruby
test: test-install-ruby
gem: dist
	ruby/scripts/package.sh
test-install-ruby: dist
	ruby/scripts/test-install.sh

# C install (issue 11): `make install PREFIX=/usr/local DESTDIR=` copies build/dist's header,
# libhayscan.so.<version> (+ .so.0, .so symlinks) and libhayscan.a into $(DESTDIR)$(PREFIX)
# and writes $(LIBDIR)/pkgconfig/hayscan.pc (scripts/install-c.sh). test-install-c installs
# into temporary prefixes and builds docs/c-api.md's example with pkg-config, without cargo.
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
.PHONY: install uninstall test-install-c
test: test-install-c
install: dist
	PREFIX='$(PREFIX)' LIBDIR='$(LIBDIR)' INCLUDEDIR='$(INCLUDEDIR)' DESTDIR='$(DESTDIR)' scripts/install-c.sh install
uninstall:
	PREFIX='$(PREFIX)' LIBDIR='$(LIBDIR)' INCLUDEDIR='$(INCLUDEDIR)' DESTDIR='$(DESTDIR)' scripts/install-c.sh uninstall
test-install-c: dist
	scripts/test-install-c.sh


# PHP composer package (issue 11): the package with build/dist's library and the FFI header
# in lib/ (php/scripts/package.sh, into build/composer: a staged copy for a path repository
# and a zip for an artifact repository); the install test `composer require`s it into empty
# projects, packagist off, without cargo on PATH, and runs a smoke program.
DEB_PACKAGES += composer php-zip unzip
.PHONY: composer-package test-install-php
test: test-install-php
composer-package: dist
	php/scripts/package.sh
test-install-php: dist
	php/scripts/test-install.sh

# Node packages (issue 11): `hayscan` (JavaScript, types) and its optional dependency
# @hayscan/linux-x64-gnu (node/npm/linux-x64-gnu; its prepack builds the release addon with
# cargo-zigbuild against glibc 2.17, from build/zigenv, which `make dist` makes); the other
# platform packages are built by .github/workflows/node-release.yml. The install test packs
# both, checks the glibc floor and that no test export ships, installs them offline into an
# empty project without cargo on PATH and runs a smoke program (and tsc).
.PHONY: test-install-node
test: test-install-node
test-install-node: dist
	node/scripts/test-install.sh

# Tested docs (issue 11): every fenced block of README.md, docs/*.md and the host READMEs is
# run (complete programs, output compared with a following <!-- output --> block) or parsed
# (<!-- fragment -->) by scripts/check-docs.py. After the host suites: the Node blocks need
# the addon and TypeScript that test-node builds and installs.
.PHONY: test-docs
test: test-docs
test-docs: lib test-node
	python3 scripts/check-docs.py
