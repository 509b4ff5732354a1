# The two commands of the README are `make run` and `make test`; every other
# target here is a step they take, usable on its own.

SHELL := /bin/bash
.DEFAULT_GOAL := help

NEO4J := bash cmd/neo4j-embedded/neo4j.sh
GO ?= go

.PHONY: bench chaos help run test web neo4j-build neo4j-start neo4j-stop neo4j-status neo4j-test-stop seed seed-check generate build vet fmt

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

run: neo4j-start seed web ## Start Neo4j, load the seed graph, serve the explorer, GraphQL and GraphiQL on http://127.0.0.1:8080/
	MODE=$${MODE:-development} $(GO) run ./cmd/server

# The explorer's built assets are committed, so `go build` alone serves the
# last build; this rebuilds them when a source is newer than the build.
WEB_BUILT := web/dist/explore/index.html
WEB_SOURCES := $(shell find web/explorer/src web/explorer/explore web/explorer/graphiql web/examples -type f 2>/dev/null) web/explorer/package.json web/explorer/package-lock.json web/explorer/vite.config.js

web: $(WEB_BUILT) ## Build the explorer and GraphiQL assets into web/dist when their sources changed

$(WEB_BUILT): $(WEB_SOURCES)
	cd web/explorer && npm ci --no-audit --no-fund --loglevel=error && npm run build
	touch $(WEB_BUILT)

test: neo4j-build ## Run every test against a throwaway Neo4j (own data directory and port)
	bash scripts/test-with-neo4j.sh

neo4j-build: ## Build the embedded Neo4j launcher (Maven; cached after the first time)
	$(NEO4J) build

neo4j-start: ## Start the development Neo4j in the background (idempotent)
	$(NEO4J) start

neo4j-stop: ## Stop the development Neo4j
	$(NEO4J) stop

neo4j-status: ## Say whether the development Neo4j runs
	$(NEO4J) status

# A bare `go test ./...` starts an embedded Neo4j of its own and keeps it
# for the next run (graph/neo4jstore/neo4jtest/shared.go); it stops by itself
# after ten idle minutes, or here at once.
neo4j-test-stop: ## Stop the Neo4j that a bare `go test ./...` started
	NEO4J_DATA_DIR="$${TMPDIR:-/tmp}/kg-neo4j-test-$$(printf %s "$$(pwd -P)" | sha256sum | cut -c1-8)/data" $(NEO4J) stop

seed: ## Load the seed graph into the running Neo4j
	$(GO) run ./cmd/seed

seed-check: ## Validate the seed files without writing
	$(GO) run ./cmd/seed -check

generate: ## Regenerate the GraphQL code from schema.graphqls
	$(GO) run github.com/99designs/gqlgen generate

build: ## Build the server and seed binaries into bin/
	$(GO) build -o bin/server ./cmd/server
	$(GO) build -o bin/seed ./cmd/seed

# The linters run at pinned versions through `go run`, so nothing needs
# installing and every machine checks the same rules.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
DEADCODE := golang.org/x/tools/cmd/deadcode@v0.52.0

vet: ## gofmt, go vet, staticcheck, deadcode and go mod tidy, on the service's module and bench/'s
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...
	cd bench && $(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	cd bench && $(GO) run $(STATICCHECK) ./...
	@dead="$$($(GO) run $(DEADCODE) -test ./... && cd bench && $(GO) run $(DEADCODE) -test ./...)"; \
	  test -z "$$dead" || { echo "$$dead"; echo "dead code: remove it"; exit 1; }
	$(GO) mod tidy -diff
	cd bench && $(GO) mod tidy -diff

bench: neo4j-build ## Run the benchmark of bench/README.md (about 26 minutes) and write bench/results/
	bash bench/run.sh

chaos: neo4j-build ## Break Neo4j and the service under load and check no acknowledged write is lost (about 4 minutes; writes bench/results/chaos.md)
	cd bench && $(GO) build -o ../bin/chaos ./chaos
	bin/chaos -out bench/results/chaos.md
