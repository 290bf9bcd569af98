# Everything a fresh clone needs: Node >= 20.19, npm and make. Each target installs what it uses.
SHELL := /bin/bash
NODE ?= node
NPM ?= npm
NODE24_DIR := .cache/node24
NODE24 := $(NODE24_DIR)/node_modules/.bin/node
CLI := $(NODE) dist/cli/main.js
CHROMIUM := /usr/bin/chromium

.PHONY: all install build demo test test-node test-node24 typecheck lint format format-check chromium samples validators bench bench-micro bench-store fuzz clean

all: build

node_modules/.installed: package.json package-lock.json
	@# better-sqlite3 (optional: the SQLite reader where Node has no node:sqlite) is compiled from its
	@# registry package, never fetched as a prebuilt binary from elsewhere.
	npm_config_build_from_source=true $(NPM) ci --no-audit --no-fund
	@# npm drops an optional dependency whose download or build failed, and says so only in its debug
	@# log: on a Node without node:sqlite that would leave the SQLite store reader missing.
	@$(NODE) -e "import('node:sqlite').catch(() => new (require('better-sqlite3'))(':memory:'))" \
	  || { echo "make install: better-sqlite3 did not install or build (npm drops a failed optional dependency; see ~/.npm/_logs); run make install again" >&2; exit 1; }
	@touch $@

install: node_modules/.installed

dist/.built: node_modules/.installed tsconfig.json $(shell find src -name '*.ts') $(wildcard schemas/*.json)
	rm -rf dist
	npx tsc -p tsconfig.json
	chmod +x dist/cli/main.js
	@touch $@

build: dist/.built

## demo: install, build and run the main job on the bundled samples/: where each conversation went wrong, every session,
## the one that went wrong turn by turn, then the HTML report of it all (its path printed last)
demo: build
	@echo '$$ tracetriage analyze samples/'
	@# analyze exits 1 when it finds an error-level finding (the samples have one, on purpose).
	@$(CLI) analyze samples/ || [ $$? -eq 1 ]
	@echo
	@echo '$$ tracetriage sessions samples/'
	@$(CLI) sessions samples/
	@echo
	@echo '$$ tracetriage session sess-refund-7f3a samples/'
	@$(CLI) session sess-refund-7f3a samples/
	@echo
	@echo '$$ tracetriage report samples/ -o demo-report.html'
	@$(CLI) report samples/ -o demo-report.html
	@echo "Open the report: file://$(abspath demo-report.html)"

## test: install, lint, build, and run the whole suite on this machine's Node and on Node 24. Both
## runs always happen (one failing does not hide the other); the target fails if either did.
test: lint build
	@status=0; \
	$(MAKE) --no-print-directory test-node || status=1; \
	$(MAKE) --no-print-directory test-node24 || status=1; \
	if [ $$status -ne 0 ]; then echo "make test: failed (see the runs above)" >&2; fi; \
	exit $$status

test-node: build typecheck $(CHROMIUM)
	@echo "== tests on $$($(NODE) --version)"
	$(NODE) node_modules/vitest/vitest.mjs run

$(NODE24):
	$(NPM) install --prefix $(NODE24_DIR) --no-save --no-package-lock --no-audit --no-fund node@24

test-node24: build $(NODE24) $(CHROMIUM)
	@echo "== tests on $$($(NODE24) --version)"
	PATH="$(abspath $(NODE24_DIR)/node_modules/.bin):$$PATH" $(NODE24) node_modules/vitest/vitest.mjs run

## chromium: Debian's Chromium, which the HTML report tests drive through playwright-core (no
## browser download); installed with apt-get when missing, so as root, as CI runs
chromium: $(CHROMIUM)

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "The HTML report tests need Chromium at $(CHROMIUM) (Debian/Ubuntu: apt-get install chromium)" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

## typecheck: the sources and the tests (the tests import dist/, hence the build)
typecheck: build
	npx tsc -p test/tsconfig.json

## lint: Biome's linter over src/, test/, scripts/ and bench/ (biome.jsonc; warnings fail too), then
## the format check. Seconds: Biome needs no cache.
lint: node_modules/.installed
	npx biome lint --error-on-warnings
	@$(MAKE) --no-print-directory format-check

## format-check: fails, showing the difference, when a file is not as `make format` would write it
format-check: node_modules/.installed
	npx biome format

## format: rewrite the linted files in Biome's format (biome.jsonc), in place
format: node_modules/.installed
	npx biome format --write

## samples: regenerate samples/ and its judge-free variant test/judge-free/ (deterministic; both checked in)
samples:
	$(NODE) scripts/make-samples.mjs
	$(NODE) scripts/make-samples.mjs --judge-free

## validators: recompile schemas/trace-record.schema.json to src/model/generated/ (checked by a test)
validators: node_modules/.installed
	$(NODE) scripts/build-validators.mjs

## bench: micro benchmarks of the functions whose speed matters (bench/micro.mjs), then seeded 1 GB
## and 4 GB exports (not committed), synthetic and shaped like real chat traffic, with stats, search,
## sessions, analyze and report vs a scan + JSON.parse baseline and issue 17's targets, then the store
## scenario (a 1 GB MLflow SQLite store, spans in the table and in artifacts, beside its export; bench-store),
## then OTLP/JSON files of 100 MB and 400 MB (other tracers' spans joined across records; memory)
## (options: make bench BENCH_ARGS='--bytes 100e6 --keep'; see bench/README.md)
bench: build
	$(NODE) bench/micro.mjs
	$(NODE) bench/run.mjs $(BENCH_ARGS)
	$(NODE) bench/run.mjs --scenario chat $(BENCH_ARGS)
	$(NODE) bench/run.mjs --scenario store $(BENCH_STORE_ARGS)
	$(NODE) bench/run.mjs --scenario otlp $(BENCH_OTLP_ARGS)

## bench-store: only the store scenario: stats and analyze on a generated 1 GB MLflow SQLite store (spans
## in the table, spans in artifacts) beside its export (options: make bench-store BENCH_STORE_ARGS='--bytes 20e6 --keep')
bench-store: build
	$(NODE) bench/run.mjs --scenario store $(BENCH_STORE_ARGS)

## bench-micro: only the micro benchmarks (seconds; see bench/README.md)
bench-micro: build
	$(NODE) bench/micro.mjs

## fuzz: a longer campaign: the fast-check properties of test/fuzz/ (scanner, normaliser, filter parser,
## extract-fields, reporters, CLI records) from other seeds, then mutated real records through the real
## binary. FUZZ_SEED (default: from the clock, printed), FUZZ_MINUTES (default 10) or FUZZ_RUNS (runs a
## property and CLI files, instead of a time budget), FUZZ_CORPUS (more export directories). What it finds
## is minimised into test/fuzz/found/, which `make test` replays (docs/testing.md).
FUZZ_MINUTES ?= 10
fuzz: build
	$(NODE) scripts/fuzz.mjs --minutes $(FUZZ_MINUTES) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED)) $(if $(FUZZ_RUNS),--runs $(FUZZ_RUNS)) $(foreach d,$(FUZZ_CORPUS),--corpus $(d))

clean:
	rm -rf dist .cache node_modules .bench
