# whet: build, test, demo. Every target first installs the Debian packages it needs when they are missing.
SWIFT ?= swift
DEMO_QUESTION ?= How do I rotate my API key?

.PHONY: deps build test demo bench clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# Unit tests, then end-to-end tests that drive the built binary.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

demo: deps
	$(SWIFT) build --product whet
	$(SWIFT) run whet -C workspaces/demo run --var question="$(DEMO_QUESTION)"

bench: deps
	$(SWIFT) run -c release whet-bench index workspaces/demo

clean:
	rm -rf .build workspaces/*/.whet
