package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.Policy.IdleTimeout != 30*time.Minute ||
		c.Policy.AbsoluteLifetime != 12*time.Hour || c.Policy.TouchInterval != time.Minute ||
		!c.SecureCookie || c.PollInterval != 30*time.Second || c.LogFormat != "json" {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestLoadOverrides(t *testing.T) {
	c, err := Load(env(map[string]string{"IDLE_TIMEOUT": "5m", "SECURE_COOKIE": "false"}),
		map[string]string{"ADDR": "localhost:9999", "SECURE_COOKIE": "true"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "localhost:9999" || c.Policy.IdleTimeout != 5*time.Minute || c.SecureCookie {
		t.Fatalf("got addr %q idle %v secure %v", c.Addr, c.Policy.IdleTimeout, c.SecureCookie)
	}
	if c, _ := Load(env(map[string]string{"ADMIN_ADDR": "off"}), nil); c.AdminAddr != "" {
		t.Fatalf("ADMIN_ADDR=off gave %q", c.AdminAddr)
	}
}

// Every bad value is reported at once, each naming the variable, the value
// and what was expected.
func TestLoadReportsEveryBadValue(t *testing.T) {
	_, err := Load(env(map[string]string{
		"IDLE_TIMEOUT":     "half an hour",
		"ADDR":             "8080",
		"SECURE_COOKIE":    "yes please",
		"HASH_CONCURRENCY": "0",
		"LOG_FORMAT":       "xml",
		"POLL_INTERVAL":    "1ms",
	}), nil)
	if err == nil {
		t.Fatal("bad values accepted")
	}
	msg := err.Error()
	for _, want := range []string{
		`IDLE_TIMEOUT="half an hour": expected a duration such as 30m`,
		`ADDR="8080": expected host:port`,
		`SECURE_COOKIE="yes please": expected true or false`,
		`HASH_CONCURRENCY="0": expected a whole number from 1 to 256`,
		`LOG_FORMAT="xml": expected one of json, text`,
		`POLL_INTERVAL="1ms": expected a duration of at least 100ms`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, "\n") + 1; n != 6 {
		t.Errorf("%d lines; want one per bad value:\n%s", n, msg)
	}
}

func TestLoadRejectsClashes(t *testing.T) {
	_, err := Load(env(map[string]string{
		"IDLE_TIMEOUT": "2h", "ABSOLUTE_TIMEOUT": "1h", "TOUCH_INTERVAL": "3h",
	}), nil)
	if err == nil || !strings.Contains(err.Error(), "ABSOLUTE_TIMEOUT (1h0m0s) is shorter than IDLE_TIMEOUT") ||
		!strings.Contains(err.Error(), "TOUCH_INTERVAL (3h0m0s) must be shorter than IDLE_TIMEOUT") {
		t.Fatalf("clashing timeouts: %v", err)
	}
}

func TestUsageListsEveryVar(t *testing.T) {
	u := Usage()
	for _, v := range Vars {
		if !strings.Contains(u, v.Name) || !strings.Contains(u, v.Usage) {
			t.Errorf("usage lacks %s", v.Name)
		}
	}
}
