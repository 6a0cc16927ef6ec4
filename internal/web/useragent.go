package web

import "strings"

// agentRule recognises one browser or system by a marker in the
// User-Agent header. Order matters: many browsers also claim to be others
// ("Chrome" in Edge, "Safari" in Chrome).
type agentRule struct{ marker, name string }

var browserRules = []agentRule{
	{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"},
	{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"}, {"CriOS/", "Chrome"},
	{"Chromium/", "Chromium"}, {"HeadlessChrome/", "Chrome (headless)"},
	{"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"},
	{"Go-http-client/", "Go program"},
}

var systemRules = []agentRule{
	{"Windows", "Windows"}, {"iPhone", "iPhone"}, {"iPad", "iPad"},
	{"Android", "Android"}, {"CrOS", "ChromeOS"}, {"Mac OS X", "macOS"},
	{"Macintosh", "macOS"}, {"Linux", "Linux"},
}

// describeAgent names the browser and the system a User-Agent header
// describes, in words a person knows, with the browser's major version.
// Anything it does not recognise is "Unknown browser" or "unknown system".
func describeAgent(ua string) (browser, system string) {
	browser, system = "Unknown browser", "unknown system"
	for _, r := range browserRules {
		if i := strings.Index(ua, r.marker); i >= 0 {
			browser = r.name + majorVersion(ua[i+len(r.marker):], r.marker)
			break
		}
	}
	for _, r := range systemRules {
		if strings.Contains(ua, r.marker) {
			system = r.name
			break
		}
	}
	return browser, system
}

// majorVersion returns " 123" from "123.0.1 ...", or "" when the number is
// missing. Safari's real version sits after "Version/", not "Safari/".
func majorVersion(rest, marker string) string {
	if marker == "Safari/" || marker == "curl/" || marker == "Go-http-client/" {
		return ""
	}
	n := 0
	for n < len(rest) && n < 5 && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if n == 0 {
		return ""
	}
	return " " + rest[:n]
}
