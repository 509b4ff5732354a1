package neo4jtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// A test run without NEO4J_TEST_URI (a bare `go test ./...`) shares one
// embedded Neo4j, started through the project's launcher
// (cmd/neo4j-embedded/neo4j.sh) by the first test binary that needs it. Its
// files live in SharedDir:
//
//	start.lock     held while an instance is started or checked, so
//	               concurrent test binaries start one between them
//	db.lock        held by the test binary using the database, from its
//	               first use until it exits (the system drops the lock
//	               then): Neo4j Community has one user database, and each
//	               package resets and loads it, so packages take turns
//	instance.json  the port and password of the instance
//	data/          its database (NEO4J_DATA_DIR)
//	users/PID      one file per test binary that used it
//
// The instance outlives the run, so the next run starts at once. A watcher
// started with it stops it once no test binary has used it for
// NEO4J_TEST_IDLE (default 10m); `make neo4j-test-stop` stops it at once.

// instance is what instance.json holds.
type instance struct {
	Port     int    `json:"port"`
	Password string `json:"password"`
}

// shared is the instance this test binary uses, set once.
var shared struct {
	once sync.Once
	inst instance
	err  error
	// dbLock stays open, and so locked, until the process exits.
	dbLock *os.File
}

// SharedDir returns the folder of the shared test instance of the
// repository at root: one per checkout, so worktrees do not share one.
func SharedDir(root string) string {
	sum := sha256.Sum256([]byte(root))
	return filepath.Join(os.TempDir(), "kg-neo4j-test-"+hex.EncodeToString(sum[:4]))
}

// sharedInstance starts or joins the shared instance and waits for this
// binary's turn at the database.
func sharedInstance() (instance, error) {
	shared.once.Do(func() {
		shared.inst, shared.err = startShared()
	})
	return shared.inst, shared.err
}

func startShared() (instance, error) {
	root, err := repoRoot()
	if err != nil {
		return instance{}, err
	}
	dir := SharedDir(root)
	if err := os.MkdirAll(filepath.Join(dir, "users"), 0o700); err != nil {
		return instance{}, fmt.Errorf("shared test Neo4j: %w", err)
	}
	unlock, err := lockFile(filepath.Join(dir, "start.lock"))
	if err != nil {
		return instance{}, err
	}
	inst, err := ensureRunning(root, dir)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "users", strconv.Itoa(os.Getpid())), nil, 0o600)
	}
	unlock()
	if err != nil {
		return instance{}, err
	}
	// Held until exit: the next test binary waits here for its turn.
	f, err := os.OpenFile(filepath.Join(dir, "db.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return instance{}, fmt.Errorf("shared test Neo4j: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return instance{}, fmt.Errorf("shared test Neo4j: lock the database: %w", err)
	}
	shared.dbLock = f
	return inst, nil
}

// ensureRunning returns the running instance of dir, starting it (and its
// idle watcher) when it is not running. The caller holds start.lock.
func ensureRunning(root, dir string) (instance, error) {
	var inst instance
	if b, err := os.ReadFile(filepath.Join(dir, "instance.json")); err == nil {
		_ = json.Unmarshal(b, &inst)
	}
	if inst.Port != 0 && launcher(root, dir, inst, "status") == nil {
		return inst, nil
	}
	if inst.Password == "" {
		var b [9]byte
		_, _ = rand.Read(b[:])
		inst.Password = "test-" + hex.EncodeToString(b[:])
	}
	port, err := freePort()
	if err != nil {
		return instance{}, err
	}
	inst.Port = port
	b, _ := json.Marshal(inst)
	if err := os.WriteFile(filepath.Join(dir, "instance.json"), b, 0o600); err != nil {
		return instance{}, fmt.Errorf("shared test Neo4j: %w", err)
	}
	if err := launcher(root, dir, inst, "start"); err != nil {
		return instance{}, err
	}
	return inst, watchIdle(root, dir, inst)
}

// launcher runs neo4j.sh on the shared instance.
func launcher(root, dir string, inst instance, command string) error {
	cmd := exec.Command("bash", filepath.Join(root, "cmd", "neo4j-embedded", "neo4j.sh"), command)
	cmd.Env = append(os.Environ(), launcherEnv(dir, inst)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("shared test Neo4j: neo4j.sh %s: %w\n%s", command, err, out)
	}
	return nil
}

func launcherEnv(dir string, inst instance) []string {
	return []string{"NEO4J_DATA_DIR=" + filepath.Join(dir, "data"), "NEO4J_PORT=" + strconv.Itoa(inst.Port),
		"NEO4J_USER=neo4j", "NEO4J_PASSWORD=" + inst.Password, "NEO4J_HEAP=" + envOr("NEO4J_HEAP", "1g")}
}

// idleWatcher stops the instance once no test binary has used it for the
// idle time: every half minute it forgets the users that have exited, and
// while none is left and db.lock is free it counts the time.
const idleWatcher = `
dir="$1"; script="$2"; idle="$3"
idle_since=$(date +%s)
while sleep 30; do
  exec 8>"$dir/start.lock"; flock 8
  for f in "$dir"/users/*; do
    [ -e "$f" ] || continue
    kill -0 "$(basename "$f")" 2>/dev/null || rm -f "$f"
  done
  if ls "$dir"/users/* >/dev/null 2>&1 || ! flock -n "$dir/db.lock" true; then
    idle_since=$(date +%s)
  elif [ $(( $(date +%s) - idle_since )) -ge "$idle" ]; then
    bash "$script" stop >/dev/null 2>&1
    rm -f "$dir/watcher.pid"
    exit 0
  fi
  if ! bash "$script" status >/dev/null 2>&1; then rm -f "$dir/watcher.pid"; exit 0; fi
  exec 8>&-
done
`

// watchIdle starts the idle watcher, detached so it outlives the test run.
func watchIdle(root, dir string, inst instance) error {
	idle, err := time.ParseDuration(envOr("NEO4J_TEST_IDLE", "10m"))
	if err != nil || idle <= 0 {
		return fmt.Errorf("NEO4J_TEST_IDLE %q: want a positive duration such as 10m", os.Getenv("NEO4J_TEST_IDLE"))
	}
	if b, err := os.ReadFile(filepath.Join(dir, "watcher.pid")); err == nil {
		if pid, err := strconv.Atoi(string(b)); err == nil && syscall.Kill(pid, 0) == nil {
			return nil
		}
	}
	cmd := exec.Command("bash", "-c", idleWatcher, "neo4j-test-idle", dir, filepath.Join(root, "cmd", "neo4j-embedded", "neo4j.sh"),
		strconv.Itoa(int(idle.Seconds())))
	cmd.Env = append(os.Environ(), launcherEnv(dir, inst)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("shared test Neo4j: start the idle watcher: %w", err)
	}
	_ = os.WriteFile(filepath.Join(dir, "watcher.pid"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o600)
	return cmd.Process.Release()
}

// lockFile takes an exclusive lock on path and returns its release.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("shared test Neo4j: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("shared test Neo4j: lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// repoRoot finds the repository from the test's folder: the nearest
// parent holding the launcher.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "cmd", "neo4j-embedded", "neo4j.sh")); err == nil {
			// The physical path, as `make neo4j-test-stop` computes it.
			return filepath.EvalSymlinks(dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("shared test Neo4j: cmd/neo4j-embedded/neo4j.sh not found above the test's folder")
		}
		dir = parent
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("shared test Neo4j: find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
