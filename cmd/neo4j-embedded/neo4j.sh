#!/usr/bin/env bash
# Builds, starts and stops the embedded Neo4j launcher (EmbeddedNeo4j.java) for
# local development and tests, without a Neo4j installation or Docker.
#
# usage: neo4j.sh build|start|stop|status|wait
#
#   build   compile the launcher with Maven if the pom or sources changed
#   start   build if needed, start in the background, wait until Bolt is ready
#           (no-op if this data directory's instance is already running)
#   stop    SIGTERM, wait up to NEO4J_STOP_TIMEOUT, then SIGKILL (no-op if stopped)
#   status  print "running ..." (exit 0) or "stopped" (exit 3)
#   wait    wait until the running instance is ready (exit 1 on timeout/death)
#
# environment:
#   NEO4J_DATA_DIR       database home            (default <repo>/.neo4j/dev)
#   NEO4J_PORT           Bolt port                (default 7687)
#   NEO4J_ADDRESS        Bolt listen address      (default 127.0.0.1)
#   NEO4J_HEAP           JVM max heap, -Xmx       (default 1g)
#   NEO4J_HEAP_INITIAL   JVM initial heap, -Xms   (default 256m, capped at NEO4J_HEAP)
#   NEO4J_USER           Bolt user                (default neo4j)
#   NEO4J_PASSWORD       Bolt password            (default devpassword, >= 8 chars)
#   NEO4J_START_TIMEOUT  seconds to wait for ready (default 120)
#   NEO4J_STOP_TIMEOUT   seconds before SIGKILL    (default 60)
#   JAVA_HOME            JDK 17+ to use            (default: java on PATH)
#
# Files in NEO4J_DATA_DIR: neo4j.pid, neo4j.log (launcher stdout/stderr; the
# previous run's log is kept as neo4j.log.1), logs/debug.log (Neo4j's own log).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd -P)"
MODULE_DIR="${SCRIPT_DIR}"
POM="${MODULE_DIR}/pom.xml"
CLASSES_DIR="${MODULE_DIR}/target/classes"
CLASSPATH_FILE="${MODULE_DIR}/target/classpath.txt"
MAIN_CLASS="org.childprotection.neo4j.EmbeddedNeo4j"
MAIN_CLASS_FILE="${CLASSES_DIR}/org/childprotection/neo4j/EmbeddedNeo4j.class"

NEO4J_DATA_DIR="${NEO4J_DATA_DIR:-${REPO_ROOT}/.neo4j/dev}"
NEO4J_PORT="${NEO4J_PORT:-7687}"
NEO4J_ADDRESS="${NEO4J_ADDRESS:-127.0.0.1}"
NEO4J_HEAP="${NEO4J_HEAP:-1g}"
NEO4J_HEAP_INITIAL="${NEO4J_HEAP_INITIAL:-}"
NEO4J_START_TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
NEO4J_STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"
export NEO4J_USER="${NEO4J_USER:-neo4j}"
export NEO4J_PASSWORD="${NEO4J_PASSWORD:-devpassword}"

# Relative paths would change meaning with the caller's working directory.
case "${NEO4J_DATA_DIR}" in
  /*) ;;
  *) NEO4J_DATA_DIR="$(pwd -P)/${NEO4J_DATA_DIR}" ;;
esac
NEO4J_DATA_DIR="${NEO4J_DATA_DIR%/}"
PID_FILE="${NEO4J_DATA_DIR}/neo4j.pid"
LOG_FILE="${NEO4J_DATA_DIR}/neo4j.log"

if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
  JAVA="${JAVA_HOME}/bin/java"
else
  JAVA="java"
fi

# The options the Neo4j 5 server's default neo4j.conf passes to the JVM, minus
# -XX:+AlwaysPreTouch (commits the whole heap up front: bad for a dev box),
# -XX:+TrustFinalNonStaticFields (the Neo4j docs say to drop it when embedded)
# and the TLS/profiling flags, which do nothing here; plus
# -XX:+ExitOnOutOfMemoryError, because a dead dev database is easier to notice
# than a wedged one. Without the --add-opens Neo4j falls back to slower page
# cache buffers and cannot fadvise its transaction logs (warnings in debug.log).
JVM_OPTS=(
  -XX:+UseG1GC
  -XX:-OmitStackTraceInFastThrow
  -XX:+DisableExplicitGC
  -XX:+ExitOnOutOfMemoryError
  -Djdk.nio.maxCachedBufferSize=1024
  -Dio.netty.tryReflectionSetAccessible=true
  -Dlog4j2.disable.jmx=true
  -Dlog4j.layout.jsonTemplate.maxStringLength=32768
  -Dfile.encoding=UTF-8
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
)

die() {
  echo "neo4j.sh: $*" >&2
  exit 1
}

usage() {
  sed -n '/^# usage:/,/^#   JAVA_HOME/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

to_kib() {
  local n="${1%[kKmMgG]}"
  case "${1: -1}" in
    k | K) echo $((n)) ;;
    m | M) echo $((n * 1024)) ;;
    g | G) echo $((n * 1024 * 1024)) ;;
  esac
}

validate_env() {
  if ! [[ "${NEO4J_PORT}" =~ ^[0-9]{1,5}$ ]] || ((10#${NEO4J_PORT} < 1 || 10#${NEO4J_PORT} > 65535)); then
    die "NEO4J_PORT must be a port number, got '${NEO4J_PORT}'"
  fi
  NEO4J_PORT=$((10#${NEO4J_PORT}))
  [[ "${NEO4J_HEAP}" =~ ^[0-9]+[kKmMgG]$ ]] \
    || die "NEO4J_HEAP must look like 512m or 1g, got '${NEO4J_HEAP}'"
  if [[ -z "${NEO4J_HEAP_INITIAL}" ]]; then
    # Neo4j warns when -Xms is unset; a small one keeps an idle dev instance
    # about 170 MB smaller than -Xms=-Xmx would.
    NEO4J_HEAP_INITIAL=256m
    if (($(to_kib "${NEO4J_HEAP}") < $(to_kib 256m))); then
      NEO4J_HEAP_INITIAL="${NEO4J_HEAP}"
    fi
  fi
  [[ "${NEO4J_HEAP_INITIAL}" =~ ^[0-9]+[kKmMgG]$ ]] \
    || die "NEO4J_HEAP_INITIAL must look like 256m or 1g, got '${NEO4J_HEAP_INITIAL}'"
  (($(to_kib "${NEO4J_HEAP_INITIAL}") <= $(to_kib "${NEO4J_HEAP}"))) \
    || die "NEO4J_HEAP_INITIAL (${NEO4J_HEAP_INITIAL}) must not exceed NEO4J_HEAP (${NEO4J_HEAP})"
  [[ "${NEO4J_START_TIMEOUT}" =~ ^[0-9]+$ ]] || die "NEO4J_START_TIMEOUT must be whole seconds"
  [[ "${NEO4J_STOP_TIMEOUT}" =~ ^[0-9]+$ ]] || die "NEO4J_STOP_TIMEOUT must be whole seconds"
}

# Address to probe for readiness: a wildcard listen address is reachable locally.
probe_host() {
  case "${NEO4J_ADDRESS}" in
    0.0.0.0 | "::" | "[::]") echo 127.0.0.1 ;;
    *) echo "${NEO4J_ADDRESS}" ;;
  esac
}

port_open() {
  local host="$1" port="$2"
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "${host}" "${port}" 2>/dev/null
}

needs_build() {
  [[ -f "${CLASSPATH_FILE}" && -f "${MAIN_CLASS_FILE}" ]] || return 0
  [[ -n "$(find "${POM}" "${MODULE_DIR}/src" -newer "${CLASSPATH_FILE}" -print -quit)" ]] && return 0
  [[ -n "$(find "${POM}" "${MODULE_DIR}/src" -newer "${MAIN_CLASS_FILE}" -print -quit)" ]] && return 0
  # A cleaned ~/.m2 leaves classpath.txt pointing at jars that are gone.
  local jar
  local IFS=':'
  for jar in $(<"${CLASSPATH_FILE}"); do
    [[ -f "${jar}" ]] || return 0
  done
  return 1
}

cmd_build() {
  if ! needs_build; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found on PATH (needed to build ${POM})"
  echo "neo4j.sh: building the embedded Neo4j launcher (first build downloads dependencies)..." >&2
  local output
  # Output only on failure: even -q -B prints stray ANSI resets.
  if ! output="$(mvn -q -B -f "${POM}" package -DskipTests 2>&1)"; then
    printf '%s\n' "${output}" >&2
    die "Maven build failed"
  fi
  [[ -f "${CLASSPATH_FILE}" && -f "${MAIN_CLASS_FILE}" ]] || die "Maven build did not produce ${CLASSPATH_FILE}"
  # build-classpath may leave an unchanged file untouched; the mtime is our stamp.
  touch "${CLASSPATH_FILE}" "${MAIN_CLASS_FILE}"
}

# Prints the PID if the PID file names a live launcher, else fails.
running_pid() {
  [[ -f "${PID_FILE}" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"${PID_FILE}")"
  [[ -n "${pid}" ]] || return 1
  kill -0 "${pid}" 2>/dev/null || return 1
  # Guards against a recycled PID (e.g. after a reboot) being mistaken for ours.
  if [[ -r "/proc/${pid}/cmdline" ]]; then
    local cmdline
    cmdline="$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null)" || return 1
    [[ "${cmdline}" == *"${MAIN_CLASS} --data ${NEO4J_DATA_DIR} "* ]] || return 1
  fi
  echo "${pid}"
}

print_log_tail() {
  if [[ -f "${LOG_FILE}" ]]; then
    echo "---- last 40 lines of ${LOG_FILE} ----" >&2
    tail -n 40 "${LOG_FILE}" >&2
    echo "---- (Neo4j's own log: ${NEO4J_DATA_DIR}/logs/debug.log) ----" >&2
  fi
}

# Waits until the launcher printed READY and the port accepts connections.
# Returns 0 when ready, 1 if the process died, 2 on timeout.
wait_ready() {
  local pid="$1" host deadline
  host="$(probe_host)"
  deadline=$((SECONDS + NEO4J_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "${pid}" 2>/dev/null; then
      return 1
    fi
    if grep -q '^READY bolt://' "${LOG_FILE}" 2>/dev/null && port_open "${host}" "${NEO4J_PORT}"; then
      return 0
    fi
    sleep 0.5
  done
  return 2
}

stop_pid() {
  local pid="$1" deadline
  kill -TERM "${pid}" 2>/dev/null || return 0
  deadline=$((SECONDS + NEO4J_STOP_TIMEOUT))
  while kill -0 "${pid}" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if kill -0 "${pid}" 2>/dev/null; then
    echo "neo4j.sh: PID ${pid} did not exit within ${NEO4J_STOP_TIMEOUT}s of SIGTERM; sending SIGKILL" >&2
    kill -KILL "${pid}" 2>/dev/null || true
    while kill -0 "${pid}" 2>/dev/null; do sleep 0.2; done
  fi
}

# Serialises start/stop per data directory so concurrent callers cannot race
# into two instances.
take_lock() {
  mkdir -p "${NEO4J_DATA_DIR}"
  if command -v flock >/dev/null; then
    exec 9>"${NEO4J_DATA_DIR}/.neo4j.sh.lock"
    flock -w $((NEO4J_START_TIMEOUT + NEO4J_STOP_TIMEOUT)) 9 \
      || die "timed out waiting for another neo4j.sh on ${NEO4J_DATA_DIR}"
  fi
}

cmd_start() {
  local pid rc
  take_lock
  if pid="$(running_pid)"; then
    echo "neo4j.sh: already running (PID ${pid}, data ${NEO4J_DATA_DIR}, port ${NEO4J_PORT})"
    return 0
  fi
  rm -f "${PID_FILE}"

  if port_open "$(probe_host)" "${NEO4J_PORT}"; then
    die "port ${NEO4J_PORT} on $(probe_host) is already in use by another process; set NEO4J_PORT to a free port"
  fi

  cmd_build
  command -v "${JAVA}" >/dev/null || die "java not found (install a JDK 17+ or set JAVA_HOME)"

  [[ -f "${LOG_FILE}" ]] && mv -f "${LOG_FILE}" "${LOG_FILE}.1"
  : >"${LOG_FILE}"

  local classpath
  classpath="${CLASSES_DIR}:$(<"${CLASSPATH_FILE}")"
  # setsid detaches from the caller's session and terminal so the database
  # survives the shell that started it; the child writes its own PID before
  # exec so the PID file names the JVM, not a wrapper.
  (
    # The lock descriptor must not leak into the JVM, or it would hold the lock for its lifetime.
    exec 9>&-
    cd "${NEO4J_DATA_DIR}"
    # shellcheck disable=SC2016 # expanded by the inner bash
    exec setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "${PID_FILE}" \
      "${JAVA}" "-Xms${NEO4J_HEAP_INITIAL}" "-Xmx${NEO4J_HEAP}" "${JVM_OPTS[@]}" \
      -cp "${classpath}" "${MAIN_CLASS}" \
      --data "${NEO4J_DATA_DIR}" --port "${NEO4J_PORT}" --address "${NEO4J_ADDRESS}" \
      </dev/null >>"${LOG_FILE}" 2>&1
  ) &

  local waited=0
  until pid="$(tr -dc '0-9' 2>/dev/null <"${PID_FILE}")" && [[ -n "${pid}" ]]; do
    ((waited++ < 100)) || { print_log_tail; die "launcher did not record its PID in ${PID_FILE}"; }
    sleep 0.1
  done

  local started=${SECONDS}
  rc=0
  wait_ready "${pid}" || rc=$?
  case "${rc}" in
    0)
      echo "neo4j.sh: ready at bolt://$(probe_host):${NEO4J_PORT} (PID ${pid}, user ${NEO4J_USER}, data ${NEO4J_DATA_DIR}, $((SECONDS - started))s)"
      ;;
    1)
      echo "neo4j.sh: Neo4j exited during startup" >&2
      print_log_tail
      rm -f "${PID_FILE}"
      exit 1
      ;;
    *)
      echo "neo4j.sh: Neo4j not ready after ${NEO4J_START_TIMEOUT}s (NEO4J_START_TIMEOUT); stopping it" >&2
      print_log_tail
      stop_pid "${pid}"
      rm -f "${PID_FILE}"
      exit 1
      ;;
  esac
}

cmd_stop() {
  local pid
  take_lock
  if ! pid="$(running_pid)"; then
    rm -f "${PID_FILE}"
    echo "neo4j.sh: not running (data ${NEO4J_DATA_DIR})"
    return 0
  fi
  stop_pid "${pid}"
  rm -f "${PID_FILE}"
  echo "neo4j.sh: stopped (PID ${pid})"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running (PID ${pid}, bolt://$(probe_host):${NEO4J_PORT}, data ${NEO4J_DATA_DIR})"
    return 0
  fi
  echo "stopped (data ${NEO4J_DATA_DIR})"
  return 3
}

cmd_wait() {
  local pid rc=0
  pid="$(running_pid)" || die "not running (no live PID in ${PID_FILE})"
  wait_ready "${pid}" || rc=$?
  case "${rc}" in
    0) echo "neo4j.sh: ready at bolt://$(probe_host):${NEO4J_PORT}" ;;
    1) echo "neo4j.sh: Neo4j exited before becoming ready" >&2; print_log_tail; exit 1 ;;
    *) echo "neo4j.sh: Neo4j not ready after ${NEO4J_START_TIMEOUT}s" >&2; print_log_tail; exit 1 ;;
  esac
}

main() {
  local command="${1:-}"
  [[ $# -le 1 ]] || { usage >&2; die "expected one subcommand, got: $*"; }
  case "${command}" in
    build) cmd_build ;;
    start) validate_env; cmd_start ;;
    stop) validate_env; cmd_stop ;;
    status) validate_env; cmd_status ;;
    wait) validate_env; cmd_wait ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
