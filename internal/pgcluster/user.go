package pgcluster

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// nobodyID is the uid and gid of nobody on most Linux systems, used when
// the account cannot be looked up.
const nobodyID = 65534

// serverUser is the account initdb and postgres run as. PostgreSQL refuses
// to run as root, so root runs them as nobody.
type serverUser struct {
	name     string
	uid, gid uint32
	cred     *syscall.Credential // nil when we already are that user
}

// currentServerUser returns nobody when running as root, else ourselves.
func currentServerUser() serverUser {
	if os.Geteuid() == 0 {
		return nobodyUser()
	}
	u := serverUser{
		name: strconv.Itoa(os.Geteuid()),
		uid:  uint32(os.Geteuid()),
		gid:  uint32(os.Getegid()),
	}
	if cur, err := user.Current(); err == nil {
		u.name = cur.Username
	}
	return u
}

// nobodyUser looks up the nobody account, falling back to uid/gid 65534.
func nobodyUser() serverUser {
	u := serverUser{name: "nobody", uid: nobodyID, gid: nobodyID}
	if pw, err := user.Lookup("nobody"); err == nil {
		uid, errU := strconv.ParseUint(pw.Uid, 10, 32)
		gid, errG := strconv.ParseUint(pw.Gid, 10, 32)
		if errU == nil && errG == nil {
			u.uid, u.gid = uint32(uid), uint32(gid)
		}
	}
	u.cred = &syscall.Credential{Uid: u.uid, Gid: u.gid, Groups: []uint32{}}
	return u
}

// switches reports whether programs must be started as another user.
func (u serverUser) switches() bool { return u.cred != nil }

// String names the user for error messages.
func (u serverUser) String() string {
	return fmt.Sprintf("%s (uid %d)", u.name, u.uid)
}

// chown gives path to the server user when we run as someone else.
func (u serverUser) chown(path string) error {
	if !u.switches() {
		return nil
	}
	if err := os.Lchown(path, int(u.uid), int(u.gid)); err != nil {
		return fmt.Errorf("pgcluster: chown %s to %s: %w", path, u, err)
	}
	return nil
}

// checkOwner makes sure an existing data directory belongs to the server
// user, since postgres refuses to use it otherwise.
func (u serverUser) checkOwner(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st.Uid == u.uid {
		return nil
	}
	return fmt.Errorf("pgcluster: data directory %s is owned by uid %d, "+
		"but the server runs as %s; chown -R it to that user or remove it",
		dir, st.Uid, u)
}

// checkTraversable makes sure the server user can reach dir: every folder
// from the root down to dir must be searchable by it.
func (u serverUser) checkTraversable(dir string) error {
	if !u.switches() {
		return nil
	}
	for p := dir; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if !u.canSearch(fi) {
			return fmt.Errorf("pgcluster: directory %s is not traversable by %s, "+
				"which runs PostgreSQL because we are root; "+
				"make it traversable (chmod o+x %s) or choose a directory elsewhere",
				p, u, p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// canSearch applies the owner/group/other execute bits the way the kernel
// does (ignoring ACLs and supplementary groups).
func (u serverUser) canSearch(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	perm := fi.Mode().Perm()
	switch {
	case st.Uid == u.uid:
		return perm&0o100 != 0
	case st.Gid == u.gid:
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}
