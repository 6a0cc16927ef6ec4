package web

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/seamless-sessions/seamless/views"
)

// staticFiles serves the embedded files. A request that names the current
// content hash may be cached for a year; any other for a minute.
func staticFiles(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		v := r.URL.Query().Get("v")
		if v != "" && v == views.AssetVersion(r.URL.Path) {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=60")
		}
		files.ServeHTTP(w, r)
	})
}
