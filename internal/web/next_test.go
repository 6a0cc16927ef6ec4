package web

import "testing"

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/app", "/app"},
		{"/app?tab=2", "/app?tab=2"},
		{"/notes/7", "/notes/7"},
		{"/", "/"},
		{"", DefaultNext},
		{"app", DefaultNext},
		{"//evil.example", DefaultNext},
		{"///evil.example", DefaultNext},
		{`/\evil.example`, DefaultNext},
		{`\\evil.example`, DefaultNext},
		{"https://evil.example/", DefaultNext},
		{"http:evil.example", DefaultNext},
		{"javascript:alert(1)", DefaultNext},
		{"data:text/html,hi", DefaultNext},
		{"/%2F%2Fevil.example", DefaultNext},
		{"/%2fevil.example", DefaultNext},
		{"/%5Cevil.example", DefaultNext},
		{"/\tevil", DefaultNext},
		{"/\nLocation: x", DefaultNext},
		{"/ evil", DefaultNext},
		{"//evil.example/%2e%2e", DefaultNext},
		{"/\x00", DefaultNext},
		{"https:/\\evil.example", DefaultNext},
		{"/login?next=//evil.example", DefaultNext},
		{"/logout", DefaultNext},
		{"/auth/session", DefaultNext},
		{"@evil.example", DefaultNext},
		{"/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"},
	} {
		if got := SafeNext(tc.in); got != tc.want {
			t.Errorf("SafeNext(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzSafeNext checks that whatever SafeNext returns is a plain path on this
// site: one leading slash, no backslash, nothing a browser reads as a host.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/app", "//x", `/\x`, "/%2F%2Fx", "https://x", "/a?b=c#d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := SafeNext(in)
		if out == DefaultNext {
			return
		}
		if len(out) < 1 || out[0] != '/' || (len(out) > 1 && (out[1] == '/' || out[1] == '\\')) {
			t.Fatalf("SafeNext(%q) = %q: not a same-site path", in, out)
		}
		for _, r := range out {
			if r == '\\' || r < 0x20 || r == 0x7f {
				t.Fatalf("SafeNext(%q) = %q: holds %q", in, out, r)
			}
		}
		if SafeNext(out) != out {
			t.Fatalf("SafeNext is not stable on %q", out)
		}
	})
}
