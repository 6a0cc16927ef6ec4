package config

import (
	"fmt"
	"strings"
)

// Markdown returns docs/configuration.md: every variable with its default
// and meaning, as a table.
func Markdown() string {
	var b strings.Builder
	b.WriteString(`# Configuration

Seamless is configured by environment variables only. ` + "`seamless serve --help`" + `
prints the same list. A variable that is unset or empty takes its default;
` + "`seamless dev`" + ` changes a few defaults for local work (text logs, a
cookie for plain http://localhost, a private database). Every bad value is
reported at start-up, one line each, and the server does not start.

Durations are written like ` + "`90s`, `30m` or `12h`" + `.

This file is generated from the list in internal/config; run ` + "`make docs`" + `
after changing it.

| Variable | Default | Meaning |
| --- | --- | --- |
`)
	for _, v := range Vars {
		def := "(none)"
		if v.Default != "" {
			def = "`" + v.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", v.Name, def,
			strings.ReplaceAll(v.Usage, "|", `\|`))
	}
	return b.String()
}
