package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// maxSocketPath is the longest Unix socket path the kernel accepts
// (sizeof(sun_path) minus the terminating NUL).
const maxSocketPath = 107

// prepareDataDir makes sure the data directory holds a cluster, running
// initdb on first use.
func (c *Cluster) prepareDataDir(ctx context.Context) error {
	_, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION"))
	if err == nil {
		return c.user.checkOwner(c.dataDir)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pgcluster: %w", err)
	}
	entries, err := os.ReadDir(c.dataDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return c.initFresh(ctx)
	case err != nil:
		return fmt.Errorf("pgcluster: %w", err)
	case len(entries) == 0:
		return c.initdb(ctx, c.dataDir)
	}
	return fmt.Errorf("pgcluster: %s is not empty but holds no PostgreSQL cluster "+
		"(no PG_VERSION file); move it aside or remove it", c.dataDir)
}

// initFresh runs initdb in a scratch directory and renames it into place,
// so that an interrupted initdb never leaves a half-made data directory.
func (c *Cluster) initFresh(ctx context.Context) error {
	tmp := c.dataDir + ".init"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("pgcluster: initdb: %w", err)
	}
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return fmt.Errorf("pgcluster: initdb: %w", err)
	}
	if err := c.initdb(ctx, tmp); err != nil {
		_ = os.RemoveAll(tmp)
		return err
	}
	if err := os.Rename(tmp, c.dataDir); err != nil {
		return fmt.Errorf("pgcluster: initdb: %w", err)
	}
	return nil
}

// initdb creates a cluster in the existing empty directory dir.
func (c *Cluster) initdb(ctx context.Context, dir string) error {
	if err := c.user.chown(dir); err != nil {
		return err
	}
	args := []string{"-D", dir, "-U", Superuser, "-E", "UTF8", "--locale=C",
		"--auth=trust"}
	if c.opts.Ephemeral {
		args = append(args, "--no-sync")
	}
	c.log.Info("pgcluster: creating cluster with initdb", "data", c.dataDir)
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, "initdb"), args...)
	c.setupCmd(cmd)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgcluster: initdb %s: %w%s", dir, err, c.logTail())
	}
	return nil
}

// setupCmd makes cmd run as the server user, with a clean environment and
// its output in the server log.
func (c *Cluster) setupCmd(cmd *exec.Cmd) {
	cmd.Dir = "/"
	cmd.Env = serverEnv()
	cmd.Stdout, cmd.Stderr = c.logFile, c.logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.user.cred}
}

// serverEnv is our environment without the PG* variables, which would
// otherwise change how initdb and postgres behave.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// checkPidFile refuses to start when a live server holds the data
// directory, and removes a stale postmaster.pid whose pid now belongs to an
// unrelated process (postgres would otherwise refuse to start). A pid file
// naming a dead process is left for postgres, which ignores it.
func (c *Cluster) checkPidFile() error {
	pidFile := filepath.Join(c.dataDir, "postmaster.pid")
	data, err := os.ReadFile(pidFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 || !processAlive(pid) {
		return nil
	}
	if c.isServerOf(pid) {
		return fmt.Errorf("%w: another PostgreSQL server (pid %d) is already running "+
			"on %s; stop it first", ErrDataDirInUse, pid, c.dataDir)
	}
	c.log.Warn("pgcluster: removing stale postmaster.pid", "pid", pid)
	if err := os.Remove(pidFile); err != nil {
		return fmt.Errorf("pgcluster: remove stale pid file: %w", err)
	}
	return nil
}

// processAlive reports whether a process with this pid exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// isServerOf reports whether the process looks like a PostgreSQL server
// working in our data directory (a server's working directory is its data
// directory). When that cannot be told, it assumes so.
func (c *Cluster) isServerOf(pid int) bool {
	proc := fmt.Sprintf("/proc/%d/", pid)
	comm, err := os.ReadFile(proc + "comm")
	if err != nil {
		return true
	}
	if name := strings.TrimSpace(string(comm)); name != "postgres" && name != "postmaster" {
		return false
	}
	cwd, errCwd := os.Readlink(proc + "cwd")
	data, errData := filepath.EvalSymlinks(c.dataDir)
	return errCwd != nil || errData != nil || cwd == data
}

// prepareSocketDir makes the private socket directory: Dir/run, or a short
// folder under /tmp when the socket path would be too long.
func (c *Cluster) prepareSocketDir() error {
	dir := filepath.Join(c.dir, "run")
	if len(c.socketPath(dir)) > maxSocketPath {
		tmp, err := os.MkdirTemp("/tmp", "pgcluster-")
		if err != nil {
			return fmt.Errorf("pgcluster: socket dir: %w", err)
		}
		c.sockDir, c.tempSock = tmp, true
		return c.user.chown(tmp)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("pgcluster: socket dir: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("pgcluster: socket dir: %w", err)
	}
	c.sockDir = dir
	return c.user.chown(dir)
}

// socketPath is the path of the socket file postgres makes in dir.
func (c *Cluster) socketPath(dir string) string {
	return filepath.Join(dir, fmt.Sprintf(".s.PGSQL.%d", c.opts.Port))
}
