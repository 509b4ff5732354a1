#!/usr/bin/env bash
# The whole benchmark of bench/README.md in one command (`make bench`): a
# throwaway Neo4j, the seed graph and three synthetic graphs, the service,
# @neo4j/graphql and the raw driver side by side, and the report.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"

DURATION="${BENCH_DURATION:-4s}"
SEED_CONCURRENCY="${BENCH_CONCURRENCY:-1,4,16}"
SCALE_CONCURRENCY="${BENCH_SCALE_CONCURRENCY:-4}"
# The goals (bench/README.md) hold on the 1M graph at every concurrency of
# the seed graph.
BIG_CONCURRENCY="${BENCH_BIG_CONCURRENCY:-$SEED_CONCURRENCY}"
# Synthetic graphs of about 10k, 100k and 1M relationships (about 29 per n).
SCALES="${BENCH_SCALES:-10k:350 100k:3500 1M:35000}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { # url body
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "bench: $1 did not answer" >&2
  return 1
}
peak_mb() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }

neo4j_port="$(free_port)"; svc_port="$(free_port)"; pprof_port="$(free_port)"; n4j_port="$(free_port)"
data="$(mktemp -d "${TMPDIR:-/tmp}/kg-neo4j-bench.XXXXXX")"
password="bench-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
export NEO4J_DATA_DIR="$data" NEO4J_PORT="$neo4j_port" NEO4J_USER=neo4j NEO4J_PASSWORD="$password" NEO4J_HEAP="${NEO4J_HEAP:-2g}"
export NEO4J_URI="bolt://127.0.0.1:${neo4j_port}"
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash cmd/neo4j-embedded/neo4j.sh stop >/dev/null 2>&1 || true
  rm -rf "$data"
  exit "$rc"
}
trap cleanup EXIT INT TERM

echo "bench: building"
mkdir -p bin bench/results/runs
rm -f bench/results/runs/*.json
go build -o bin/server ./cmd/server
go build -o bin/seed ./cmd/seed
# The harness is a module of its own (bench/go.mod), built against this tree.
(cd bench && go build -o ../bin/harness ./harness)
(cd bench/neo4j-graphql && npm ci --no-audit --no-fund --loglevel=error)

bash cmd/neo4j-embedded/neo4j.sh start
bin/seed >/dev/null

LISTEN_ADDR="127.0.0.1:${svc_port}" PPROF_ADDR="127.0.0.1:${pprof_port}" LOG_LEVEL=warn RATE_LIMIT_COST_PER_MINUTE=0 bin/server >bench/results/runs/service.log 2>&1 &
svc_pid=$!; pids+=("$svc_pid")
(cd bench/neo4j-graphql && PORT="$n4j_port" NODE_ENV=production exec node server.mjs) >bench/results/runs/neo4j-graphql.log 2>&1 &
n4j_pid=$!; pids+=("$n4j_pid")
probe='{"query":"{ __typename }"}'
wait_http "http://127.0.0.1:${svc_port}/graphql" "$probe"
wait_http "http://127.0.0.1:${n4j_port}/graphql" "$probe"

harness=(bin/harness run -service "http://127.0.0.1:${svc_port}/graphql" -neo4j-graphql "http://127.0.0.1:${n4j_port}/graphql" -duration "$DURATION")
echo "bench: seed graph"
"${harness[@]}" -graph seed -vars seed -concurrency "$SEED_CONCURRENCY" -out bench/results/runs/seed.json \
  -profile-query "${BENCH_PROFILE_QUERY:-list}" -pprof "http://127.0.0.1:${pprof_port}" -profile-out bench/results/cpu.pprof

for scale in $SCALES; do
  name="${scale%%:*}"; n="${scale##*:}"
  echo "bench: synthetic graph ${name} (n=${n})"
  bin/seed -synthetic "$n" -timeout 20m | head -1
  conc="$SCALE_CONCURRENCY"
  if [ "$name" = "1M" ]; then conc="$BIG_CONCURRENCY"; fi
  "${harness[@]}" -graph "$name" -vars synthetic -concurrency "$conc" -out "bench/results/runs/${name}.json"
done

printf '{"service": %s, "neo4j-graphql": %s}\n' "$(peak_mb "$svc_pid")" "$(peak_mb "$n4j_pid")" >bench/results/runs/rss.json
bin/harness report -in bench/results/runs -rss bench/results/runs/rss.json -out bench/results
go tool pprof -top -nodecount=30 bin/server bench/results/cpu.pprof >bench/results/profile.txt 2>/dev/null || true
echo "bench: wrote bench/results/results.md, latest.json and profile.txt"
