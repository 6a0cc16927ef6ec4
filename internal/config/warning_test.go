package config

import (
	"strings"
	"testing"
	"time"
)

// The warning before an idle sign-out defaults to two minutes and may not be
// set below 20 seconds, the least WCAG 2.2.1 allows for an answer.
func TestWarningLead(t *testing.T) {
	c, err := Load(env(nil), nil)
	if err != nil || c.WarningLead != 2*time.Minute {
		t.Fatalf("default WARNING_LEAD = %s, %v; want 2m", c.WarningLead, err)
	}
	_, err = Load(env(map[string]string{"WARNING_LEAD": "10s"}), nil)
	if err == nil || !strings.Contains(err.Error(),
		`WARNING_LEAD="10s": expected a duration of at least 20s`) {
		t.Fatalf("WARNING_LEAD=10s gave %v", err)
	}
	c, err = Load(env(map[string]string{"WARNING_LEAD": "45s"}), nil)
	if err != nil || c.WarningLead != 45*time.Second {
		t.Fatalf("WARNING_LEAD=45s gave %s, %v", c.WarningLead, err)
	}
}
