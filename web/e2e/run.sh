#!/usr/bin/env bash
# Runs the explorer's browser tests against a running service:
#   BASE_URL=http://127.0.0.1:8091 bash web/e2e/run.sh
# They drive Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) through
# playwright-core, which web/explorer's packages install; no browser is
# downloaded. Screenshots go to web/e2e/screenshots/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$root"

if [ -z "${BASE_URL:-}" ]; then
  echo "web/e2e/run.sh: set BASE_URL to the service's address, such as BASE_URL=http://127.0.0.1:8091" >&2
  exit 2
fi
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "web/e2e/run.sh: no Chromium at $chromium (apt-get install chromium, or set CHROMIUM)" >&2
  exit 2
fi
if [ ! -d web/explorer/node_modules/playwright-core ]; then
  (cd web/explorer && npm ci --no-audit --no-fund --loglevel=error)
fi
if ! curl -fsS -o /dev/null "$BASE_URL/explore/"; then
  echo "web/e2e/run.sh: $BASE_URL/explore/ does not answer; is the service running with the explorer mounted?" >&2
  exit 1
fi

export BASE_URL CHROMIUM="$chromium"
exec node --test web/e2e/
