package views

import (
	"fmt"
	"strconv"
	"time"
)

// Remaining writes a duration the way a person says it: "29 min 5 s",
// "11 h 59 min", "45 s".
func Remaining(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s <= 0:
		return "0 s"
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600:
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	}
	return fmt.Sprintf("%d h %d min", s/3600, s%3600/60)
}

// Seconds writes a duration as whole seconds, for data attributes.
func Seconds(d time.Duration) string {
	return strconv.FormatInt(int64(d.Round(time.Second)/time.Second), 10)
}

// Stamp writes a time for a machine-readable datetime attribute.
func Stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Clock writes a time of day for people, in UTC.
func Clock(t time.Time) string { return t.UTC().Format("15:04 UTC") }

// When writes a moment as a date and time a person reads at a glance.
func When(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") }
