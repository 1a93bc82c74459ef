# Restream Relay. `make help` lists the targets. Every target installs what it needs first
# (scripts/install-deps.sh: Debian packages when missing, npm ci when stale, Prisma client, build).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# Steps must run in the order written, even under `make -j`.
.NOTPARALLEL:

step = @printf '\n==> %s\n' '$(1)'

.PHONY: help deps node-deps build start test test-unit test-e2e test-faults bench bench-failover lint format-check typecheck services-start \
	services-stop clean distclean

help:
	@echo 'make start       install, build, start PostgreSQL + Redis, the API and the relay (Ctrl-C stops all)'
	@echo 'make test        install, build, then lint, format:check, typecheck, unit and e2e tests'
	@echo 'make test-unit   unit tests      make test-e2e   e2e tests (they start their own servers)'
	@echo 'make test-faults fault-injection suite (also run by make test)'
	@echo 'make bench       media-path benchmark     make bench-failover   failover benchmark (docs/benchmarks.md)'
	@echo 'make build       compile to dist/       make lint / format-check / typecheck'
	@echo 'make deps        scripts/install-deps.sh'
	@echo 'make services-start / services-stop     local PostgreSQL and Redis only'
	@echo 'make clean       remove build and test output   make distclean   also node_modules and .data'

deps:
	$(call step,scripts/install-deps.sh)
	scripts/install-deps.sh

build: node-deps
	$(call step,npm run build)
	npm run build

start:
	scripts/start.sh

test: deps
	$(call step,npm run lint)
	npm run lint
	$(call step,npm run format:check)
	npm run format:check
	$(call step,npm run typecheck)
	npm run typecheck
	$(call step,npm run test:unit)
	npm run test:unit
	$(call step,npm run test:e2e)
	npm run test:e2e
	$(call step,npm run test:faults)
	npm run test:faults

test-unit: deps
	$(call step,npm run test:unit)
	npm run test:unit

test-e2e: deps
	$(call step,npm run test:e2e)
	npm run test:e2e

test-faults: deps
	$(call step,npm run test:faults)
	npm run test:faults

bench: deps
	$(call step,npm run bench)
	npm run bench

bench-failover: deps
	$(call step,npm run bench:failover)
	npm run bench:failover

# Lint, format and type checks need node_modules and the Prisma client, not a build.
node-deps:
	$(call step,scripts/install-deps.sh --no-build)
	scripts/install-deps.sh --no-build

lint: node-deps
	$(call step,npm run lint)
	npm run lint

format-check: node-deps
	$(call step,npm run format:check)
	npm run format:check

typecheck: node-deps
	$(call step,npm run typecheck)
	npm run typecheck

# Prints `export DATABASE_URL=... REDIS_URL=...` lines for the shell.
services-start:
	@scripts/local-services.sh start

services-stop:
	scripts/local-services.sh stop

clean:
	rm -rf dist test-output

distclean: clean
	if [[ -d .data ]]; then scripts/local-services.sh stop; fi
	rm -rf node_modules .data libs/prisma/src/generated
