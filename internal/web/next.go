package web

import (
	"net/url"
	"strings"
	"unicode"
)

// DefaultNext is where people land after signing in when no safe place was
// asked for.
const DefaultNext = "/app"

// SafeNext returns next if it is a path on this site, and DefaultNext
// otherwise. Only a single leading slash followed by a path is accepted, so
// "//host", "/\host", schemes, encoded slashes and control characters, which
// browsers may read as another site, all fall back.
func SafeNext(next string) string {
	if next == "" || len(next) > maxNext || next[0] != '/' {
		return DefaultNext
	}
	for _, r := range next {
		if r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) {
			return DefaultNext
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return DefaultNext
	}
	// A path that decodes to "//" or "/\" is read by some browsers and
	// proxies as another host.
	dec, err := url.PathUnescape(u.EscapedPath())
	if err != nil || strings.HasPrefix(dec, "//") || strings.Contains(dec, `\`) ||
		strings.HasPrefix(next, "/%2f") || strings.HasPrefix(next, "/%2F") {
		return DefaultNext
	}
	if strings.HasPrefix(u.Path, "/login") || strings.HasPrefix(u.Path, "/logout") ||
		strings.HasPrefix(u.Path, "/auth/") {
		return DefaultNext
	}
	if out := u.RequestURI(); len(out) <= maxNext {
		return out
	}
	return DefaultNext
}

// maxNext bounds the length of a return path.
const maxNext = 2048
