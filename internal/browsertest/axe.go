package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.11.0 from the npm registry (MPL-2.0; its licence
// is testdata/axe-LICENSE), the accessibility engine run by Accessibility.
//
//go:embed testdata/axe.min.js
var axeSource string

// Accessibility runs axe-core in the page of tab against the element that
// selector names, and returns one line per rule it breaks: "rule-id: help".
func Accessibility(t testing.TB, tab context.Context, selector string) []string {
	t.Helper()
	loaded := Step(t, tab, "look for axe-core", chromedp.Evaluate[bool](`typeof axe === "object"`))
	if !loaded {
		Step(t, tab, "load axe-core", chromedp.Evaluate[bool](axeSource+"\n;true"))
	}
	sel, _ := json.Marshal(selector)
	raw := Step(t, tab, "run axe-core", chromedp.Evaluate[string](
		`axe.run(document.querySelector(`+string(sel)+`)).then(r =>
			JSON.stringify(r.violations.map(v => v.id + ": " + v.help)))`,
		chromedp.EvalAwaitPromise))
	var violations []string
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("axe-core answer %q: %v", raw, err)
	}
	return violations
}
