# whet: build, test, demo. Every target first installs the Debian packages it needs when they are missing.
SWIFT ?= swift
DEMO_QUESTION ?= How do I rotate my API key?

.PHONY: deps build release test lint format crash-test fuzz fuzz-smoke demo demo-cli bench bench-store bench-index clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# The binary to install: optimised, with the Swift runtime linked in, so it starts sooner (the dynamic loader
# has a fraction of the work) and runs on machines without the toolchain. Its own build folder: the flag
# changes every object file.
release: deps
	$(SWIFT) build -c release --product whet --static-swift-stdlib --scratch-path .build/static
	@echo "built .build/static/release/whet"

# Unit tests, end-to-end tests that drive the built binary, the kill-9 crash test and a short fuzz smoke.
test: deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing
	Tests/crash/kill-test.sh .build/debug/whet
	Tests/fuzz/run.sh 4

# The toolchain's formatter, with .swift-format (120 columns): `format` rewrites, `lint` fails on anything it would change.
format:
	$(SWIFT) format -i -r --parallel Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict -r --parallel Sources Tests Package.swift

# SIGKILLs whet at ≥ 200 random moments and checks every file afterwards (docs/reliability.md).
crash-test: deps
	$(SWIFT) build --product whet
	Tests/crash/kill-test.sh .build/debug/whet

# libFuzzer on every parser of outside input, FUZZ_SECONDS each (a crash is saved under Tests/fuzz/findings/).
FUZZ_SECONDS ?= 60
# The shared PostgreSQL store against the local one, and pgvector's HNSW at 100,000 vectors (starts its own server).
bench-store: deps
	Tests/bench/store-bench.sh

# Indexing and searching against the previous commit, alternating the two builds on one corpus (SCALE=N).
bench-index: deps
	Tests/bench/index-bench.sh --scale $(or $(SCALE),50)

fuzz: deps
	Tests/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke: deps
	Tests/fuzz/run.sh 4

# Opens the full-screen workbench on the demo workspace (offline; F1 lists the keys, Ctrl-Q quits).
demo: deps
	$(SWIFT) build --product whet
	$(SWIFT) run whet workspaces/demo

# The same pipeline from the command line: one question, answered and recorded.
demo-cli: deps
	$(SWIFT) build --product whet
	$(SWIFT) run whet -C workspaces/demo run --var question="$(DEMO_QUESTION)"

bench: deps
	$(SWIFT) build -c release
	.build/release/whet-bench index workspaces/demo
	.build/release/whet-bench index workspaces/demo --scale 10
	.build/release/whet-bench ui workspaces/demo
	.build/release/whet-bench stream workspaces/demo
	.build/release/whet-bench eval workspaces/demo
	Tests/bench/tui-bench.sh .build/release/whet

clean:
	rm -rf .build workspaces/*/.whet
