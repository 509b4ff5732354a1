#!/usr/bin/env bash
# Runs the whole test suite against a throwaway embedded Neo4j: its own data
# directory and a free port, so it never touches the development database,
# and it is stopped and removed however the tests end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"

port="${NEO4J_TEST_PORT:-}"
if [[ -z "$port" ]]; then
  # A free port from the kernel, so parallel runs and a running dev
  # database do not collide.
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
fi
data="$(mktemp -d "${TMPDIR:-/tmp}/kg-neo4j-test.XXXXXX")"
password="test-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

export NEO4J_DATA_DIR="$data" NEO4J_PORT="$port" NEO4J_USER=neo4j NEO4J_PASSWORD="$password"
svc_pid=""
cleanup() {
  local rc=$?
  if [ -n "$svc_pid" ]; then kill "$svc_pid" 2>/dev/null || true; fi
  bash cmd/neo4j-embedded/neo4j.sh stop >/dev/null 2>&1 || true
  rm -rf "$data"
  exit "$rc"
}
trap cleanup EXIT INT TERM

bash cmd/neo4j-embedded/neo4j.sh start

export NEO4J_TEST_URI="bolt://127.0.0.1:${port}" NEO4J_TEST_USER=neo4j NEO4J_TEST_PASSWORD="$password"
# Packages run one at a time: Neo4j Community has a single user database,
# and each package resets and loads it for its own tests.
go test -race -count=1 -p 1 -timeout 30m "$@" ./...

# The tests above leave curated facts behind; the browser tests below
# start from the seed graph alone.
go run ./cmd/seed -wipe -neo4j-uri "$NEO4J_TEST_URI" -neo4j-password "$password" >/dev/null

# The graphql-http conformance audit, against the service in development
# mode (its MUST items use introspection, which production turns off).
(cd conformance/graphql-http && npm ci --no-audit --no-fund --loglevel=error)
go build -o bin/server ./cmd/server
svc_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
# A curator key for the browser test that changes an entity while its page
# is open; anonymous reads stay on for the rest.
e2e_key="e2e-curator-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
e2e_hash="sha256:$(printf '%s' "$e2e_key" | sha256sum | cut -d' ' -f1)"
MODE=development NEO4J_URI="$NEO4J_TEST_URI" NEO4J_PASSWORD="$password" LISTEN_ADDR="127.0.0.1:${svc_port}" LOG_LEVEL=warn \
  API_KEYS="e2e-curator curator ${e2e_hash}" bin/server &
svc_pid=$!
for _ in $(seq 1 60); do curl -fsS -o /dev/null "http://127.0.0.1:${svc_port}/healthz" 2>/dev/null && break; sleep 0.5; done
audit_rc=0
node conformance/graphql-http/audit.mjs "http://127.0.0.1:${svc_port}/graphql" || audit_rc=$?

# The explorer's end-to-end tests, in Debian's headless Chromium.
bash scripts/ensure-chromium.sh
e2e_rc=0
E2E_CURATOR_KEY="$e2e_key" BASE_URL="http://127.0.0.1:${svc_port}" bash web/e2e/run.sh || e2e_rc=$?
kill "$svc_pid" 2>/dev/null || true
wait "$svc_pid" 2>/dev/null || true
svc_pid=""

# The change feed through the real graphql-ws and graphql-sse clients: the
# tests start their own service processes (two, on this one Neo4j) and
# restart one of them. After the browser tests, since they write.
(cd conformance/feed && npm ci --no-audit --no-fund --loglevel=error)
feed_rc=0
SERVER_BIN=bin/server NEO4J_URI="$NEO4J_TEST_URI" NEO4J_PASSWORD="$password" \
  node --test --test-concurrency=1 conformance/feed/ || feed_rc=$?
# An && list short of its last command does not stop a `set -e` script:
# each failure is checked, and ends the run, on its own.
for part in "audit:$audit_rc" "browser tests:$e2e_rc" "feed clients:$feed_rc"; do
  if [ "${part##*:}" -ne 0 ]; then
    echo "test-with-neo4j: the ${part%%:*} failed" >&2
    exit 1
  fi
done

# Each fuzz target runs a bounded number of executions on top of its
# committed corpus. A count, not a duration: a duration's deadline can race a
# worker still running an input and fail the target with "context deadline
# exceeded" although nothing was found (golang/go#75804). The counts take a
# few seconds each here; FUZZTIME overrides them all (e.g. FUZZTIME=30s).
# Minimising a new input is bounded the same way (its default is a minute).
for target in "FuzzHandler ./httpapi 10000x" "FuzzParseDate ./graph/model 300000x" "FuzzCursor ./resolvers 12000x" "FuzzReadCountries ./seed 40x"; do
  set -- $target
  go test -run='^$' -fuzz="^$1\$" -fuzztime="${FUZZTIME:-$3}" -fuzzminimizetime=50x "$2"
done
