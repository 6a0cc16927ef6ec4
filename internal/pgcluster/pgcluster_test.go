package pgcluster

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// testDir returns a fresh directory the server user can reach.
func testDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		// t.TempDir's parent is a 0700 folder: let nobody through.
		for _, d := range []string{filepath.Dir(dir), dir} {
			if err := os.Chmod(d, 0o711); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// needBinaries skips the test when no server binaries are installed, or
// fails it in CI. (pgtest.Unavailable, which does the same, imports us.)
func needBinaries(t *testing.T) {
	t.Helper()
	_, err := BinDir()
	if err == nil {
		return
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "0" && !strings.EqualFold(ci, "false") {
		t.Fatalf("FAIL: %v (CI=%s, so a missing dependency is an error)", err, ci)
	}
	t.Skipf("SKIPPING: %v", err)
}

// start starts a cluster that is stopped when the test ends.
func start(t *testing.T, opts Options) *Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	return c
}

// connect opens a connection closed when the test ends.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// queryString runs a query returning one text value.
func queryString(t *testing.T, conn *pgx.Conn, sql string) string {
	t.Helper()
	var s string
	if err := conn.QueryRow(context.Background(), sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

func TestStartStopRestartKeepsData(t *testing.T) {
	needBinaries(t)
	t.Parallel()
	dir := testDir(t)
	ctx := context.Background()
	c := start(t, Options{Dir: dir})
	if err := c.CreateDatabase(ctx, "my app", ""); err != nil {
		t.Fatalf("CreateDatabase: %v", err)
	}
	conn := connect(t, c.URL("my app"))
	if got := queryString(t, conn, "SHOW listen_addresses"); got != "" {
		t.Errorf("listen_addresses = %q, want empty", got)
	}
	if got := queryString(t, conn, "SHOW fsync"); got != "on" {
		t.Errorf("fsync = %q, want on for a non-ephemeral cluster", got)
	}
	_, err := conn.Exec(ctx, "CREATE TABLE kv (v text); INSERT INTO kv VALUES ('kept')")
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.Close(ctx)
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "pgdata", "postmaster.pid")); err == nil {
		t.Error("postmaster.pid left behind after Stop")
	}

	c2 := start(t, Options{Dir: dir})
	conn2 := connect(t, c2.URL("my app"))
	if got := queryString(t, conn2, "SELECT v FROM kv"); got != "kept" {
		t.Errorf("after restart got %q, want kept", got)
	}
	_ = conn2.Close(ctx) // a template must have no other sessions
	err = c2.CreateDatabase(ctx, "my app", "")
	if !errors.Is(err, ErrDatabaseExists) {
		t.Errorf("CreateDatabase again: %v, want ErrDatabaseExists", err)
	}
	if err := c2.CreateDatabase(ctx, "copy", "my app"); err != nil {
		t.Fatalf("CreateDatabase from template: %v", err)
	}
	conn3 := connect(t, c2.URL("copy"))
	if got := queryString(t, conn3, "SELECT v FROM kv"); got != "kept" {
		t.Errorf("copy of template has %q, want kept", got)
	}
}

func TestLongDirUsesShortSocketDir(t *testing.T) {
	needBinaries(t)
	t.Parallel()
	dir := testDir(t)
	for len(dir) < 120 {
		dir = filepath.Join(dir, "a-rather-long-folder-name")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c := start(t, Options{Dir: dir, Ephemeral: true})
	if !strings.HasPrefix(c.SocketDir(), "/tmp/") {
		t.Errorf("socket dir %s, want one under /tmp", c.SocketDir())
	}
	fi, err := os.Stat(c.SocketDir())
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("socket dir: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
	conn := connect(t, c.URL("postgres"))
	for _, name := range []string{"fsync", "synchronous_commit", "full_page_writes"} {
		if got := queryString(t, conn, "SHOW "+name); got != "off" {
			t.Errorf("%s = %q, want off for an ephemeral cluster", name, got)
		}
	}
	_ = conn.Close(context.Background())
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := os.Stat(c.SocketDir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket dir %s still there after Stop (%v)", c.SocketDir(), err)
	}
}

func TestSecondServerOnSameDirIsRefused(t *testing.T) {
	needBinaries(t)
	t.Parallel()
	dir := testDir(t)
	start(t, Options{Dir: dir, Ephemeral: true})
	c, err := Start(context.Background(), Options{Dir: dir, Ephemeral: true})
	if err == nil {
		_ = c.Stop()
		t.Fatal("second Start on the same Dir succeeded")
	}
	if !errors.Is(err, ErrDataDirInUse) || !strings.Contains(err.Error(), "already running") {
		t.Errorf("error %q does not say the directory is in use", err)
	}
}

func TestStalePidFiles(t *testing.T) {
	needBinaries(t)
	t.Parallel()
	dir := testDir(t)
	c := start(t, Options{Dir: dir, Ephemeral: true})
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(dir, "pgdata", "postmaster.pid")
	sleeper := exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sleeper.Process.Kill(); _ = sleeper.Wait() }()
	other := start(t, Options{Dir: testDir(t), Ephemeral: true})
	cases := map[string]int{
		"dead pid":                  deadPID(t),
		"pid reused":                sleeper.Process.Pid,
		"pid of another data dir's": other.cmd.Process.Pid,
	}
	for name, pid := range cases {
		content := fmt.Sprintf("%d\n%s\n", pid, filepath.Join(dir, "pgdata"))
		if err := os.WriteFile(pidFile, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := c.user.chown(pidFile); err != nil {
			t.Fatal(err)
		}
		c := start(t, Options{Dir: dir, Ephemeral: true})
		if err := c.Stop(); err != nil {
			t.Errorf("%s: Stop: %v", name, err)
		}
	}
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestKilledServerLeavesUsableDir(t *testing.T) {
	needBinaries(t)
	t.Parallel()
	dir := testDir(t)
	c := start(t, Options{Dir: dir})
	_ = c.cmd.Process.Kill()
	<-c.done
	c2 := start(t, Options{Dir: dir})
	conn := connect(t, c2.URL("postgres"))
	if got := queryString(t, conn, "SELECT 'ok'"); got != "ok" {
		t.Errorf("got %q", got)
	}
}

func TestStartFailureShowsLogTail(t *testing.T) {
	needBinaries(t)
	t.Parallel()
	dir := testDir(t)
	c := start(t, Options{Dir: dir, Ephemeral: true})
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "pgdata", "postgresql.conf")
	f, err := os.OpenFile(conf, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("\nshared_buffers = 'not a size'\n")
	_ = f.Close()
	c, err = Start(context.Background(), Options{Dir: dir, Ephemeral: true})
	if err == nil {
		_ = c.Stop()
		t.Fatal("Start succeeded with a broken postgresql.conf")
	}
	for _, want := range []string{"exited during startup", "postgres.log", "shared_buffers"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}

// helperEnv marks the child process of TestServerDiesWithParent.
const helperEnv = "PGCLUSTER_TEST_HELPER_DIR"

// TestHelperProcess starts a cluster and dies without stopping it, when run
// as the child of TestServerDiesWithParent.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		return // not the helper process
	}
	c, err := Start(context.Background(), Options{Dir: dir})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println(c.cmd.Process.Pid)
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
}

func TestServerDiesWithParent(t *testing.T) {
	needBinaries(t)
	t.Parallel()
	dir := testDir(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := readPID(t, out)
	_ = cmd.Wait()
	deadline := time.Now().Add(15 * time.Second)
	for processAlive(pid) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if processAlive(pid) {
		_ = syscall.Kill(pid, syscall.SIGQUIT)
		t.Fatalf("postgres (pid %d) outlived its killed parent", pid)
	}
	c := start(t, Options{Dir: dir})
	connect(t, c.URL("postgres"))
}

// readPID reads the helper's output until the line holding a pid.
func readPID(t *testing.T, out interface{ Read([]byte) (int, error) }) int {
	t.Helper()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if pid, err := strconv.Atoi(strings.TrimSpace(sc.Text())); err == nil {
			return pid
		}
		t.Log("helper:", sc.Text())
	}
	t.Fatal("helper printed no pid")
	return 0
}

func TestCheckTraversable(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root runs the server as another user")
	}
	dir := testDir(t)
	closed := filepath.Join(dir, "closed")
	inner := filepath.Join(closed, "inner")
	if err := os.MkdirAll(inner, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	u := nobodyUser()
	err := u.checkTraversable(inner)
	if err == nil || !strings.Contains(err.Error(), closed+" is not traversable") {
		t.Errorf("checkTraversable = %v, want it to name %s", err, closed)
	}
	if err := os.Chmod(closed, 0o711); err != nil {
		t.Fatal(err)
	}
	if err := u.checkTraversable(inner); err != nil {
		t.Errorf("checkTraversable after chmod: %v", err)
	}
}

// fakeBinDir makes dir holding executable stand-ins for the given programs.
func fakeBinDir(t *testing.T, dir string, programs ...string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range programs {
		err := os.WriteFile(filepath.Join(dir, p), []byte("#!/bin/sh\n"), 0o755)
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBinDirSearchOrder(t *testing.T) {
	root := t.TempDir()
	lib := filepath.Join(root, "lib")
	for _, v := range []string{"9.6", "10", "16"} {
		fakeBinDir(t, filepath.Join(lib, v, "bin"), "initdb", "postgres")
	}
	fakeBinDir(t, filepath.Join(lib, "17", "bin"), "initdb") // incomplete
	_ = os.MkdirAll(filepath.Join(lib, "notaversion", "bin"), 0o755)
	onlyInitdb := fakeBinDir(t, filepath.Join(root, "partial"), "initdb")
	inPath := fakeBinDir(t, filepath.Join(root, "path"), "initdb", "postgres")
	cfgTarget := fakeBinDir(t, filepath.Join(root, "cfg"), "initdb", "postgres")
	cfgDir := filepath.Join(root, "pgconfig")
	fakeBinDir(t, cfgDir)
	script := "#!/bin/sh\necho " + cfgTarget + "\n"
	if err := os.WriteFile(filepath.Join(cfgDir, "pg_config"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"PATH first", onlyInitdb + ":" + inPath + ":" + cfgDir, inPath},
		{"then pg_config", onlyInitdb + ":" + cfgDir, cfgTarget},
		{"then highest complete version", onlyInitdb, filepath.Join(lib, "16", "bin")},
	}
	for _, tt := range tests {
		s := binSearch{path: tt.path, libRoots: []string{lib}}
		got, err := s.find()
		if err != nil || got != tt.want {
			t.Errorf("%s: find() = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestBinDirFollowsPathSymlinks(t *testing.T) {
	root := t.TempDir()
	real := fakeBinDir(t, filepath.Join(root, "real"), "initdb", "postgres", "pg_ctl")
	link := fakeBinDir(t, filepath.Join(root, "link"))
	for _, p := range []string{"initdb", "postgres"} {
		if err := os.Symlink(filepath.Join(real, p), filepath.Join(link, p)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := binSearch{path: link}.find()
	if err != nil || got != real {
		t.Errorf("find() = %q, %v; want %q", got, err, real)
	}
}

func TestBinDirNotFoundSaysWhatToInstall(t *testing.T) {
	root := t.TempDir()
	s := binSearch{path: fakeBinDir(t, filepath.Join(root, "empty")),
		libRoots: []string{filepath.Join(root, "nothing")}}
	_, err := s.find()
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("find() error = %v, want ErrNotFound", err)
	}
	for _, want := range []string{"apt-get install postgresql", "docker compose up"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q: %v", want, err)
		}
	}
}

func TestURLQuotesValues(t *testing.T) {
	c := &Cluster{sockDir: "/tmp/my dir", opts: Options{Port: 5432}}
	want := `host='/tmp/my dir' port=5432 user=postgres dbname='it\'s' sslmode=disable`
	if got := c.URL("it's"); got != want {
		t.Errorf("URL = %s\nwant  %s", got, want)
	}
	cfg, err := pgx.ParseConfig(c.URL("it's"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "/tmp/my dir" || cfg.Database != "it's" || cfg.User != "postgres" {
		t.Errorf("parsed host %q db %q user %q", cfg.Host, cfg.Database, cfg.User)
	}
}
