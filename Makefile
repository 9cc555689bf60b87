# matterops: `make help` lists the targets. Every target runs Node 24 from node_modules (the npm
# package `node@24`), whatever the system Node is.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
PEERS_DIR ?= $(or $(MATTEROPS_PEERS_DIR),$(HOME)/.cache/matterops-peers)

.DEFAULT_GOAL := help
.PHONY: help install build plugin check format test test-unit test-browser test-cluster test-chat test-e2e peers image sandbox sandbox-down bench run chat clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: ## install npm dependencies (Node 24 included); npm ci only when package*.json changed
	@bash scripts/npm-install.sh

build: install ## compile src/ to dist/
	npm run --silent build

plugin: install ## build the companion webapp plugin: webapp/dist/main.js and dist/io.matterops.companion-<version>.tar.gz
	node webapp/plugin-tarball.ts

check: install ## typecheck, lint, format check and unit tests (no peers needed)
	npm run --silent typecheck
	npm run --silent lint
	npm run --silent format:check
	npm run --silent test:unit

format: install ## format every source file with Biome (make check refuses unformatted code)
	npm run --silent format

test: check plugin peers image ## every test suite: unit, browser, cluster, chat and end-to-end (starts the sandbox unless one runs)
	bash scripts/test-tiers.sh

test-unit: install ## unit tests only
	npm run --silent test:unit

test-browser: install ## the companion plugin's bundle in Debian's Chromium (apt-get install chromium; no peers)
	vitest run --project browser

test-cluster: install peers ## cluster tests against the real apiserver and operator
	vitest run --project cluster

test-chat: install plugin peers ## chat tests against the real Mattermost server (the plugin tarball too: one installs it)
	vitest run --project chat

test-e2e: install plugin peers image ## the bot as a process and as the image against Mattermost and the cluster (the chart's plugin hook installs the tarball)
	vitest run --project e2e

peers: ## build the real test peers into $(PEERS_DIR) (idempotent)
	@bash test/peers/build.sh

image: install ## build the container image matterops:test with podman (base and layers cached with the peers)
	@bash scripts/image.sh >/dev/null

sandbox: install peers ## start every real peer on loopback, write .sandbox/env and .sandbox/kubeconfig
	@node test/sandbox/cli.ts up

sandbox-down: ## stop the sandbox's processes and remove its data
	@node test/sandbox/cli.ts down

bench: install peers ## run the benchmarks in bench/ (results go to BENCHMARKS.md by hand)
	@for b in bench/*.bench.ts; do node "$$b"; done

run: build sandbox ## register the bot in the sandbox Mattermost, serve it, and open the prompt
	@bash scripts/run.sh

chat: ## as a sandbox user: make chat AS=alice CMD='/k8s status mattermost' (needs make run)
	@node test/sandbox/chat.ts "$(or $(AS),alice)" "$(or $(CMD),/k8s help)" "$(or $(CHANNEL),ops)"

clean: ## remove build output (not the peers cache)
	rm -rf dist coverage webapp/dist test-results
