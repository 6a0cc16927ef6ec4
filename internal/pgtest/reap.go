package pgtest

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Throwaway cluster directories are named dirPattern and hold ownerFile,
// the pid of the test process that made them.
const (
	dirPattern = "pgtest-*"
	ownerFile  = "owner.pid"
)

// makeClusterDir creates a temporary directory for a throwaway cluster,
// traversable by the server user, and records this process as its owner.
// It first removes the directories of test processes that died without
// cleaning up (for example killed, or without Main).
func makeClusterDir() (string, error) {
	reapStale(os.TempDir())
	dir, err := os.MkdirTemp("", dirPattern)
	if err != nil {
		return "", err
	}
	if os.Geteuid() == 0 {
		err = os.Chmod(dir, 0o711) // the server runs as nobody
	}
	if err == nil {
		pid := []byte(strconv.Itoa(os.Getpid()) + "\n")
		err = os.WriteFile(filepath.Join(dir, ownerFile), pid, 0o644)
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// reapStale removes the cluster directories under root whose owner process
// and server are both gone. Directories it cannot judge are left alone.
func reapStale(root string) {
	dirs, _ := filepath.Glob(filepath.Join(root, dirPattern))
	for _, dir := range dirs {
		owner, ok := readPID(filepath.Join(dir, ownerFile))
		if !ok || processAlive(owner) {
			continue
		}
		server, ok := readPID(filepath.Join(dir, "pgdata", "postmaster.pid"))
		if ok && processAlive(server) {
			continue
		}
		_ = os.RemoveAll(dir)
	}
}

// readPID reads the pid on the first line of a file.
func readPID(path string) (int, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(data), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	return pid, err == nil && pid > 0
}

// processAlive reports whether a process with this pid exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
