package seamless

import (
	"net/mail"
	"strings"
	"time"
)

// User is an account that can sign in.
type User struct {
	ID           int64
	Email        string
	PasswordHash string
	CreatedAt    time.Time
}

// NormalizeEmail trims an address and checks that it is one plain address.
// Case is kept as typed; accounts are matched without regard to case.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Errorf(EINVALID, "Enter an email address.")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return "", Errorf(EINVALID, "%q is not an email address; use the form name@example.com.", s)
	}
	return s, nil
}

// Password limits. The upper bound stops a huge password from costing a huge
// amount of hashing.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 1024
)

// ValidatePassword checks a new password's length.
func ValidatePassword(p string) error {
	switch {
	case len(p) < MinPasswordLength:
		return Errorf(EINVALID, "Use a password of at least %d characters.", MinPasswordLength)
	case len(p) > MaxPasswordLength:
		return Errorf(EINVALID, "Use a password of at most %d characters.", MaxPasswordLength)
	}
	return nil
}
