package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrNotFound is wrapped by the error BinDir returns when no PostgreSQL
// server binaries can be found on this machine.
var ErrNotFound = errors.New("pgcluster: PostgreSQL server binaries not found")

// serverBinaries are the programs a directory must hold to be usable.
var serverBinaries = []string{"initdb", "postgres"}

// binSearch describes where to look for the server binaries. It exists so
// that tests can point the search at fake directories.
type binSearch struct {
	path     string   // a PATH-style list of directories
	libRoots []string // folders holding one VERSION/bin folder per version
}

// defaultSearch is the search BinDir performs.
func defaultSearch() binSearch {
	return binSearch{
		path:     os.Getenv("PATH"),
		libRoots: []string{"/usr/lib/postgresql"},
	}
}

// BinDir finds the directory holding initdb and postgres: first PATH, then
// `pg_config --bindir`, then the highest version in
// /usr/lib/postgresql/*/bin. When none is found its error wraps ErrNotFound
// and says how to install PostgreSQL.
func BinDir() (string, error) {
	return defaultSearch().find()
}

// find runs the search in order and returns the first directory found.
func (s binSearch) find() (string, error) {
	if dir, ok := s.fromPath(); ok {
		return dir, nil
	}
	if dir, ok := s.fromPgConfig(); ok {
		return dir, nil
	}
	if dir, ok := s.fromLibRoots(); ok {
		return dir, nil
	}
	return "", s.notFound()
}

// notFound builds the error a person can act on.
func (s binSearch) notFound() error {
	globs := make([]string, len(s.libRoots))
	for i, root := range s.libRoots {
		globs[i] = filepath.Join(root, "*", "bin")
	}
	return fmt.Errorf("%w (looked for initdb and postgres in PATH, "+
		"in `pg_config --bindir` and in %s); install them with "+
		"`apt-get install postgresql` on Debian/Ubuntu, "+
		"or run PostgreSQL in a container with `docker compose up` instead",
		ErrNotFound, strings.Join(globs, ", "))
}

// fromPath returns the first PATH directory holding the server binaries,
// resolved through symlinks so that it also holds their sibling programs.
func (s binSearch) fromPath() (string, bool) {
	for _, dir := range filepath.SplitList(s.path) {
		if dir == "" || !hasServerBinaries(dir) {
			continue
		}
		real, err := filepath.EvalSymlinks(filepath.Join(dir, "initdb"))
		if err == nil && hasServerBinaries(filepath.Dir(real)) {
			return filepath.Dir(real), true
		}
		return dir, true
	}
	return "", false
}

// fromPgConfig asks a pg_config found in PATH for its bindir.
func (s binSearch) fromPgConfig() (string, bool) {
	pgConfig, ok := lookIn(s.path, "pg_config")
	if !ok {
		return "", false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, pgConfig, "--bindir").Output()
	if err != nil {
		return "", false
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" || !hasServerBinaries(dir) {
		return "", false
	}
	return dir, true
}

// fromLibRoots returns ROOT/VERSION/bin for the highest VERSION holding the
// server binaries.
func (s binSearch) fromLibRoots() (string, bool) {
	for _, root := range s.libRoots {
		entries, err := os.ReadDir(root)
		if err != nil {
			continue
		}
		versions := versionNames(entries)
		for _, v := range versions {
			dir := filepath.Join(root, v, "bin")
			if hasServerBinaries(dir) {
				return dir, true
			}
		}
	}
	return "", false
}

// versionNames returns the entries named like versions ("15", "9.6"),
// highest first.
func versionNames(entries []os.DirEntry) []string {
	var names []string
	for _, e := range entries {
		if _, ok := parseVersion(e.Name()); ok {
			names = append(names, e.Name())
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		va, _ := parseVersion(a)
		vb, _ := parseVersion(b)
		return slices.Compare(vb, va)
	})
	return names
}

// parseVersion splits a dotted version such as "9.6" into numbers.
func parseVersion(name string) ([]int, bool) {
	var nums []int
	for _, part := range strings.Split(name, ".") {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 {
			return nil, false
		}
		nums = append(nums, n)
	}
	return nums, true
}

// hasServerBinaries reports whether dir holds every server binary.
func hasServerBinaries(dir string) bool {
	for _, name := range serverBinaries {
		if !isExecutable(filepath.Join(dir, name)) {
			return false
		}
	}
	return true
}

// lookIn finds an executable named name in a PATH-style list.
func lookIn(pathList, name string) (string, bool) {
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			continue
		}
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p, true
		}
	}
	return "", false
}

// isExecutable reports whether path is a regular file with an execute bit.
func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
