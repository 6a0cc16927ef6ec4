// Package views renders Seamless's pages with templ, and serves the static
// files they link to.
package views

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"sync"
)

//go:embed static
var staticFS embed.FS

// Static holds the files served under /static/: the stylesheet, the page
// script and the pinned copy of htmx.
var Static, _ = fs.Sub(staticFS, "static")

var (
	versionsOnce sync.Once
	versions     map[string]string
)

// Asset returns the URL of a static file with a content hash in its query,
// so that a new release is fetched at once while browsers may cache each
// version for good.
func Asset(name string) string {
	versionsOnce.Do(hashAssets)
	return "/static/" + name + "?v=" + versions[name]
}

// AssetVersion returns the content hash that Asset puts in name's URL.
func AssetVersion(name string) string {
	versionsOnce.Do(hashAssets)
	return versions[name]
}

func hashAssets() {
	versions = map[string]string{}
	_ = fs.WalkDir(Static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Static, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		versions[path.Clean(p)] = hex.EncodeToString(sum[:6])
		return nil
	})
}
