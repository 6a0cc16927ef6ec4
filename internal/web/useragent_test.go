package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

func TestDescribeAgent(t *testing.T) {
	for _, tc := range []struct{ ua, browser, system string }{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
			"Chrome/131.0.0.0 Safari/537.36", "Chrome 131", "Windows"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
			"Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", "Edge 131", "Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
			"Version/18.1 Safari/605.1.15", "Safari", "macOS"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 " +
			"(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari", "iPhone"},
		{"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
			"Firefox 133", "Linux"},
		{"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) " +
			"SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet 26", "Android"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) " +
			"HeadlessChrome/131.0.0.0 Safari/537.36", "Chrome (headless) 131", "Linux"},
		{"curl/8.5.0", "curl", "unknown system"},
		{"", "Unknown browser", "unknown system"},
		{"Chrome/", "Chrome", "unknown system"},
	} {
		b, s := describeAgent(tc.ua)
		if b != tc.browser || s != tc.system {
			t.Errorf("describeAgent(%q) = %q, %q; want %q, %q", tc.ua, b, s, tc.browser, tc.system)
		}
	}
}

func TestMaskIP(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.77":          "203.0.113.x",
		"2001:db8:1234:5678::1": "2001:db8:1234::/48",
		"::ffff:198.51.100.9":   "198.51.100.x",
		"":                      "unknown",
		"not an address":        "unknown",
		"fe80::1%eth0":          "fe80::/48",
	} {
		if got := maskIP(in); got != want {
			t.Errorf("maskIP(%q) = %q; want %q", in, got, want)
		}
	}
}

func FuzzDescribeAgent(f *testing.F) {
	f.Add("Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 Safari/537.36")
	f.Add("Edg/")
	f.Fuzz(func(t *testing.T, ua string) {
		b, s := describeAgent(ua)
		if b == "" || s == "" || len(b) > 40 || !utf8.ValidString(b) {
			t.Fatalf("describeAgent(%q) = %q, %q", ua, b, s)
		}
	})
}

// FuzzParseCredentials feeds arbitrary bodies to the sign-in form parser:
// it must never panic, must return either an error for the person or an
// address, a password within bounds and a safe return path.
func FuzzParseCredentials(f *testing.F) {
	f.Add("email=ada%40example.com&password=x&next=%2Fapp&remember=on")
	f.Add("email=&password=")
	f.Add("email=%zz")
	f.Add("next=//evil.example&email=a@b.c&password=p")
	f.Fuzz(func(t *testing.T, body string) {
		r, _ := http.NewRequest(http.MethodPost, "/login", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		c, err := parseCredentials(r)
		if c.Next != "" && c.Next != SafeNext(c.Next) {
			t.Fatalf("next %q is not a safe path", c.Next)
		}
		if err != nil {
			if seamless.ErrorMessage(err) == "" {
				t.Fatalf("error without a message: %v", err)
			}
			return
		}
		if c.Email == "" || c.Password == "" || len(c.Password) > seamless.MaxPasswordLength {
			t.Fatalf("accepted %+v from %q", c, body)
		}
		if u, err := url.Parse(c.Next); err != nil || u.Host != "" || !strings.HasPrefix(c.Next, "/") {
			t.Fatalf("next %q leaves the site", c.Next)
		}
	})
}
