# Seamless: the README's two commands are `make run` and `make test`.

GO ?= go
PKG := ./...

.PHONY: run build test generate check-generated vet screenshots bench fuzz clean docs docker-check

## run: start Seamless on http://localhost:8080 with a private PostgreSQL in ./.data
run:
	$(GO) run ./cmd/seamless dev

## build: build the binary into ./bin
build: generate
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/seamless ./cmd/seamless

## generate: turn views/*.templ into Go
generate:
	$(GO) tool templ generate -path views

## test: vet, check generated code, run every test against real PostgreSQL and Chromium,
## then each fuzz target briefly
test: vet check-generated
	@$(MAKE) --no-print-directory fuzz FUZZTIME=3s
	$(GO) test -count=1 -timeout 9m $(PKG)

# Every fuzz target, as package:target. Each reads untrusted input.
FUZZ_TARGETS := ./internal/web:FuzzSafeNext ./internal/web:FuzzParseCredentials \
	./internal/web:FuzzDescribeAgent ./internal/postgres:FuzzValidToken
FUZZTIME ?= 60s

## fuzz: run each fuzz target in turn for FUZZTIME (default 60s)
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} for $(FUZZTIME)"; \
		out=$$($(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) "$${t%%:*}" 2>&1) || \
		{ echo "$$out"; exit 1; }; \
	done

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKG)

## check-generated: fail if the committed templ output is stale
check-generated:
	@$(GO) tool templ generate -path views >/dev/null 2>&1
	@git diff --quiet -- views || { echo "views/*_templ.go are stale: run make generate and commit"; git --no-pager diff --stat -- views; exit 1; }

## bench: benchmarks, each reported as a ratio against a baseline run in the same invocation
bench:
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 4000x ./internal/web/
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 1x -timeout 30m ./cmd/seamless

## screenshots: refresh the screenshots in docs/ with headless Chromium
screenshots:
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run TestScreenshots -v ./cmd/seamless

## docs: regenerate docs/configuration.md from the list of variables
docs:
	$(GO) test -count=1 -run TestConfigurationDocIsCurrent ./internal/config -update

## docker-check: check Dockerfile and docker-compose.yml; also build the image where Docker runs
docker-check:
	$(GO) test -count=1 -run 'TestCompose|TestDockerfile' ./cmd/seamless
	@if docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then \
		docker compose config --quiet && docker build -t seamless:local .; \
	else echo "docker-check: no Docker engine with compose here; checked the files with the compose loader only"; fi

clean:
	rm -rf bin
