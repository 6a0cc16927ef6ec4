package postgres

import (
	"encoding/base64"
	"strings"
	"testing"
)

const base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// FuzzValidToken checks the cookie's token parser: it accepts exactly the
// strings that are 32 bytes in unpadded base64url, and nothing it accepts
// can carry characters outside that alphabet into SQL or logs.
func FuzzValidToken(f *testing.F) {
	f.Add(strings.Repeat("A", TokenLen))
	f.Add("not-a-token")
	f.Add(strings.Repeat("A", TokenLen-1) + "=")
	f.Add(strings.Repeat("_", TokenLen))
	f.Fuzz(func(t *testing.T, s string) {
		ok := ValidToken(s)
		// The decoder skips CR and LF, so the alphabet is checked apart.
		b, err := base64.RawURLEncoding.Strict().DecodeString(s)
		alphabet := strings.Trim(s, base64url) == ""
		strict := err == nil && len(b) == 32 && alphabet && len(s) == TokenLen
		if ok && !alphabet {
			t.Fatalf("ValidToken(%q) accepted characters outside base64url", s)
		}
		if ok != strict {
			t.Fatalf("ValidToken(%q) = %v; want %v", s, ok, strict)
		}
		if ok && len(HashToken(s)) != 32 {
			t.Fatal("hash is not 32 bytes")
		}
	})
}
