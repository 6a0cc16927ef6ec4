// Package config reads Seamless's settings from environment variables. Every
// variable is listed once, in Vars, with its default and meaning; the help
// text and the documentation are made from that list.
package config

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/seamless-sessions/seamless/internal/seamless"
)

// Config is the whole configuration of the serve and dev commands.
type Config struct {
	DatabaseURL string
	Addr        string
	AdminAddr   string
	Migrate     bool

	Policy       seamless.Policy
	PollInterval time.Duration
	WarningLead  time.Duration
	SecureCookie bool
	TrustProxy   bool

	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	ConnIdleTimeout   time.Duration
	ShutdownTimeout   time.Duration

	CleanupInterval time.Duration
	CleanupBatch    int

	HashConcurrency int
	LogFormat       string
	LogLevel        string
}

// MinWarningLead is the shortest warning before an idle sign-out that the
// configuration accepts: WCAG 2.2 success criterion 2.2.1 (Timing Adjustable)
// asks for at least 20 seconds to answer.
const MinWarningLead = 20 * time.Second

// Var is one environment variable.
type Var struct {
	Name    string
	Default string
	Usage   string
	set     func(c *Config, v string) error
}

// Vars lists every variable in the order the help text shows them.
var Vars = []Var{
	{"DATABASE_URL", "", "PostgreSQL connection string (postgres://user:pass@host:5432/db). " +
		"Required by serve; dev starts its own database when it is empty.",
		func(c *Config, v string) error { c.DatabaseURL = v; return nil }},
	{"ADDR", ":8080", "Address the public HTTP server listens on (host:port).",
		addrVar(func(c *Config) *string { return &c.Addr })},
	{"ADMIN_ADDR", "127.0.0.1:9090", "Address of the admin server with /metrics; \"off\" turns it off.",
		optionalAddrVar(func(c *Config) *string { return &c.AdminAddr })},
	{"MIGRATE", "false", "Apply pending database migrations at start-up (serve --migrate does the same).",
		boolVar(func(c *Config) *bool { return &c.Migrate })},
	{"IDLE_TIMEOUT", "30m", "A session with no activity for this long is signed out.",
		durVar(func(c *Config) *time.Duration { return &c.Policy.IdleTimeout }, time.Second)},
	{"ABSOLUTE_TIMEOUT", "12h", "A session ends this long after sign-in, however active.",
		durVar(func(c *Config) *time.Duration { return &c.Policy.AbsoluteLifetime }, time.Second)},
	{"TOUCH_INTERVAL", "60s", "Least time between two database writes that extend a session.",
		durVar(func(c *Config) *time.Duration { return &c.Policy.TouchInterval }, 0)},
	{"REMEMBER_IDLE_TIMEOUT", "168h", "Idle timeout of sessions started with \"remember me\".",
		durVar(func(c *Config) *time.Duration { return &c.Policy.RememberIdleTimeout }, time.Second)},
	{"REMEMBER_ABSOLUTE_TIMEOUT", "720h", "Absolute lifetime of sessions started with \"remember me\".",
		durVar(func(c *Config) *time.Duration { return &c.Policy.RememberLifetime }, time.Second)},
	{"POLL_INTERVAL", "30s", "How often an open page asks for its session status.",
		durVar(func(c *Config) *time.Duration { return &c.PollInterval }, 100*time.Millisecond)},
	{"WARNING_LEAD", "2m", "How long before an idle sign-out the page warns and offers to stay " +
		"signed in. At least 20s, so that everyone has time to answer; when it is not shorter " +
		"than IDLE_TIMEOUT, the page warns at half the idle timeout.",
		durVar(func(c *Config) *time.Duration { return &c.WarningLead }, MinWarningLead)},
	{"SECURE_COOKIE", "true", "Send the session cookie only over HTTPS, named __Host-seamless. " +
		"Turn off only for plain http://localhost.",
		boolVar(func(c *Config) *bool { return &c.SecureCookie })},
	{"TRUST_PROXY", "false", "Take the client address from X-Forwarded-For. " +
		"Turn on only behind a proxy that sets it.",
		boolVar(func(c *Config) *bool { return &c.TrustProxy })},
	{"READ_HEADER_TIMEOUT", "5s", "Longest time to read a request's headers.",
		durVar(func(c *Config) *time.Duration { return &c.ReadHeaderTimeout }, time.Millisecond)},
	{"READ_TIMEOUT", "30s", "Longest time to read a whole request.",
		durVar(func(c *Config) *time.Duration { return &c.ReadTimeout }, time.Millisecond)},
	{"WRITE_TIMEOUT", "30s", "Longest time to write a response.",
		durVar(func(c *Config) *time.Duration { return &c.WriteTimeout }, time.Millisecond)},
	{"CONN_IDLE_TIMEOUT", "120s", "How long an idle keep-alive connection stays open.",
		durVar(func(c *Config) *time.Duration { return &c.ConnIdleTimeout }, time.Millisecond)},
	{"SHUTDOWN_TIMEOUT", "15s", "Grace period for requests in flight when the server is stopped.",
		durVar(func(c *Config) *time.Duration { return &c.ShutdownTimeout }, 0)},
	{"CLEANUP_INTERVAL", "5m", "How often expired sessions are deleted (one replica at a time); " +
		"0 turns cleanup off on this instance.",
		durVar(func(c *Config) *time.Duration { return &c.CleanupInterval }, 0)},
	{"CLEANUP_BATCH", "1000", "Most expired sessions deleted by one statement of the cleanup.",
		intVar(func(c *Config) *int { return &c.CleanupBatch }, 1, 100000)},
	{"HASH_CONCURRENCY", "4", "Most password hashes computed at once (each takes 19 MiB).",
		intVar(func(c *Config) *int { return &c.HashConcurrency }, 1, 256)},
	{"LOG_FORMAT", "json", "Log format: json or text.",
		oneOf(func(c *Config) *string { return &c.LogFormat }, "json", "text")},
	{"LOG_LEVEL", "info", "Least level logged: debug, info, warn or error.",
		oneOf(func(c *Config) *string { return &c.LogLevel }, "debug", "info", "warn", "error")},
}

// Load reads every variable through getenv, using defaults (which may
// override a variable's usual default, as dev does) when a variable is unset
// or empty. It reports every bad value at once, one line each.
func Load(getenv func(string) string, defaults map[string]string) (Config, error) {
	var c Config
	var errs []error
	for _, v := range Vars {
		val := strings.TrimSpace(getenv(v.Name))
		if val == "" {
			val = v.Default
			if d, ok := defaults[v.Name]; ok {
				val = d
			}
		}
		if err := v.set(&c, val); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", v.Name, val, err))
		}
	}
	errs = append(errs, c.check()...)
	return c, errors.Join(errs...)
}

// check reports settings that are each valid but clash with one another.
func (c *Config) check() []error {
	var errs []error
	p := c.Policy
	if p.AbsoluteLifetime < p.IdleTimeout {
		errs = append(errs, fmt.Errorf("ABSOLUTE_TIMEOUT (%s) is shorter than IDLE_TIMEOUT (%s); "+
			"make it at least as long", p.AbsoluteLifetime, p.IdleTimeout))
	}
	if p.TouchInterval >= p.IdleTimeout && p.IdleTimeout > 0 {
		errs = append(errs, fmt.Errorf("TOUCH_INTERVAL (%s) must be shorter than IDLE_TIMEOUT (%s)",
			p.TouchInterval, p.IdleTimeout))
	}
	if p.RememberLifetime < p.RememberIdleTimeout {
		errs = append(errs, fmt.Errorf("REMEMBER_ABSOLUTE_TIMEOUT (%s) is shorter than "+
			"REMEMBER_IDLE_TIMEOUT (%s)", p.RememberLifetime, p.RememberIdleTimeout))
	}
	return errs
}

func durVar(field func(*Config) *time.Duration, least time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return errors.New("expected a duration such as 30m, 90s or 12h")
		}
		if d < least {
			return fmt.Errorf("expected a duration of at least %s", least)
		}
		*field(c) = d
		return nil
	}
}

func boolVar(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("expected true or false")
		}
		*field(c) = b
		return nil
	}
}

func intVar(field func(*Config) *int, lo, hi int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("expected a whole number from %d to %d", lo, hi)
		}
		*field(c) = n
		return nil
	}
}

func oneOf(field func(*Config) *string, choices ...string) func(*Config, string) error {
	return func(c *Config, v string) error {
		for _, ch := range choices {
			if strings.EqualFold(v, ch) {
				*field(c) = ch
				return nil
			}
		}
		return fmt.Errorf("expected one of %s", strings.Join(choices, ", "))
	}
}

func addrVar(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if _, port, err := net.SplitHostPort(v); err != nil || !validPort(port) {
			return errors.New("expected host:port, such as :8080 or 127.0.0.1:8080")
		}
		*field(c) = v
		return nil
	}
}

func optionalAddrVar(field func(*Config) *string) func(*Config, string) error {
	set := addrVar(field)
	return func(c *Config, v string) error {
		if v == "off" || v == "-" {
			*field(c) = ""
			return nil
		}
		return set(c, v)
	}
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}

// Usage returns the help text that lists every variable.
func Usage() string {
	var b strings.Builder
	b.WriteString("Environment variables:\n")
	for _, v := range Vars {
		def := v.Default
		if def == "" {
			def = "(none)"
		}
		fmt.Fprintf(&b, "  %-26s default %s\n      %s\n", v.Name, def, v.Usage)
	}
	return b.String()
}
