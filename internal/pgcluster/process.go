package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Timings of the server's life.
const (
	pollInterval = 50 * time.Millisecond
	pingTimeout  = 2 * time.Second
	stopTimeout  = 30 * time.Second // fast shutdown, then SIGQUIT
	quitTimeout  = 10 * time.Second // SIGQUIT, then SIGKILL
	shmemWait    = 10 * time.Second // for a killed server's processes to exit
	shmemRetry   = 200 * time.Millisecond
)

// Server log housekeeping.
const (
	maxLogSize   = 10 << 20 // a bigger log is truncated at start
	tailMaxBytes = 8 << 10
	tailMaxLines = 25
)

// openLog opens the server log for appending and remembers where this
// run's lines begin.
func (c *Cluster) openLog() error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if fi, err := os.Stat(c.logPath); err == nil && fi.Size() > maxLogSize {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(c.logPath, flags, 0o600)
	if err != nil {
		return fmt.Errorf("pgcluster: open server log: %w", err)
	}
	c.logFile = f
	if fi, err := f.Stat(); err == nil {
		c.logStart = fi.Size()
	}
	_, _ = fmt.Fprintf(f, "--- pgcluster: starting at %s ---\n",
		time.Now().Format(time.RFC3339))
	return nil
}

// serverArgs are the command-line arguments of postgres.
func (c *Cluster) serverArgs() []string {
	args := []string{
		"-D", c.dataDir,
		"-k", c.sockDir,
		"-p", strconv.Itoa(c.opts.Port),
		"-c", "listen_addresses=",
	}
	if c.opts.Ephemeral {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off",
			"-c", "full_page_writes=off")
	}
	return args
}

// deathSignal is what postgres receives if this process dies without
// stopping it: an immediate shutdown for throwaway data, a fast (clean)
// one otherwise.
func (c *Cluster) deathSignal() syscall.Signal {
	if c.opts.Ephemeral {
		return syscall.SIGQUIT
	}
	return syscall.SIGINT
}

// spawn starts postgres as a child process. The child gets its own process
// group, so that a Ctrl-C at the terminal reaches only us and we stop it in
// order, and a parent-death signal, so that it never outlives us.
//
// The parent-death signal fires when the OS thread that started the child
// exits, so the start happens on a thread locked for the child's lifetime.
func (c *Cluster) spawn() error {
	cmd := exec.Command(filepath.Join(c.binDir, "postgres"), c.serverArgs()...)
	c.setupCmd(cmd)
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = c.deathSignal()
	started := make(chan error, 1)
	c.done = make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		c.waitErr = cmd.Wait()
		close(c.done)
	}()
	if err := <-started; err != nil {
		c.done = nil
		return fmt.Errorf("pgcluster: start postgres: %w", err)
	}
	c.cmd = cmd
	return nil
}

// runServer starts postgres and waits until it is ready. When a killed
// predecessor's processes still hold the shared memory, it tries again for
// a while, as they exit soon after their postmaster.
func (c *Cluster) runServer(ctx context.Context) error {
	deadline := time.Now().Add(shmemWait)
	for {
		err := c.spawn()
		if err == nil {
			err = c.waitReady(ctx)
		}
		if !errors.Is(err, errShmemInUse) || time.Now().After(deadline) {
			return err
		}
		c.log.Info("pgcluster: waiting for old server processes to exit")
		select {
		case <-ctx.Done():
			return err
		case <-time.After(shmemRetry):
		}
	}
}

// waitReady polls until postgres accepts connections, it exits, or the
// start timeout passes.
func (c *Cluster) waitReady(ctx context.Context) error {
	timeout := c.opts.StartTimeout
	ctx, cancel := context.WithTimeoutCause(ctx, timeout,
		fmt.Errorf("no connection within %s", timeout))
	defer cancel()
	for {
		err := c.ping(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-c.done:
			return c.exitedEarly()
		case <-ctx.Done():
			return fmt.Errorf("pgcluster: waiting for postgres: %w (last attempt: %v)%s",
				context.Cause(ctx), err, c.logTail())
		case <-time.After(pollInterval):
		}
	}
}

// ping connects once to the postgres database.
func (c *Cluster) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// errShmemInUse marks a start refused because processes of a killed server
// still hold its shared memory; they exit soon after their postmaster.
var errShmemInUse = errors.New("old server processes still hold its shared memory")

// exitedEarly explains a server that died while starting.
func (c *Cluster) exitedEarly() error {
	tail := c.logTail()
	err := fmt.Errorf("pgcluster: postgres exited during startup (%v)%s", c.waitErr, tail)
	switch {
	case strings.Contains(tail, "pre-existing shared memory block"):
		return fmt.Errorf("%w (%w): %w", ErrDataDirInUse, errShmemInUse, err)
	case strings.Contains(tail, `postmaster.pid" already exists`):
		return fmt.Errorf("%w: %w", ErrDataDirInUse, err)
	}
	return err
}

// logTail returns the last lines this run wrote to the server log,
// formatted to end an error message.
func (c *Cluster) logTail() string {
	f, err := os.Open(c.logPath)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	start := c.logStart
	if fi, err := f.Stat(); err == nil && fi.Size()-start > tailMaxBytes {
		start = fi.Size() - tailMaxBytes
	}
	data, err := io.ReadAll(io.NewSectionReader(f, start, tailMaxBytes))
	if err != nil || len(data) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > tailMaxLines {
		lines = lines[len(lines)-tailMaxLines:]
	}
	return fmt.Sprintf("; server log %s ends with:\n%s", c.logPath,
		strings.Join(lines, "\n"))
}

// Stop shuts the server down with a fast shutdown and waits for it to
// exit, sending SIGQUIT if it has not exited within 30 seconds. It then
// removes the temporary socket directory, if any. Calling it again returns
// the first call's result.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		c.stopErr = c.stopServer()
		c.cleanup()
	})
	return c.stopErr
}

// stopServer signals postgres and waits for it, escalating on timeouts.
func (c *Cluster) stopServer() error {
	if c.cmd == nil {
		return nil
	}
	select {
	case <-c.done:
		if c.waitErr != nil {
			return fmt.Errorf("pgcluster: postgres had already exited: %w", c.waitErr)
		}
		return nil
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	if c.waitExit(stopTimeout) {
		return nil
	}
	c.log.Warn("pgcluster: fast shutdown timed out; sending SIGQUIT")
	_ = c.cmd.Process.Signal(syscall.SIGQUIT)
	if c.waitExit(quitTimeout) {
		return fmt.Errorf("pgcluster: stop: no fast shutdown within %s; sent SIGQUIT",
			stopTimeout)
	}
	_ = c.cmd.Process.Kill()
	<-c.done
	return errors.New("pgcluster: stop: postgres ignored SIGINT and SIGQUIT; killed it")
}

// waitExit waits up to d for postgres to exit and reports whether it did.
func (c *Cluster) waitExit(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c.done:
		return true
	case <-t.C:
		return false
	}
}

// cleanup removes the temporary socket directory and closes the log.
func (c *Cluster) cleanup() {
	if c.tempSock {
		_ = os.RemoveAll(c.sockDir)
	}
	if c.logFile != nil {
		_ = c.logFile.Close()
	}
	if c.cmd != nil {
		c.log.Info("pgcluster: postgres stopped", "data", c.dataDir)
	}
}
