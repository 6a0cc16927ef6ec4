package seamless

import (
	"errors"
	"fmt"
)

// Error codes. They are few on purpose: each one maps to one way of answering
// a request, and the HTTP layer translates them in a single place.
const (
	EINVALID      = "invalid"      // the input was malformed
	EUNAUTHORIZED = "unauthorized" // no valid session, or bad credentials
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	ECONFLICT     = "conflict"     // the change clashes with existing data
	ETHROTTLED    = "throttled"    // too many attempts; try again later
	EUNAVAILABLE  = "unavailable"  // a dependency such as the database is down
	EINTERNAL     = "internal"     // a fault of ours
)

// Error is an error whose message is fit to show to a person. Errors of any
// other type are treated as internal faults and their text is never shown.
type Error struct {
	// Code is one of the E* constants.
	Code string
	// Message is a sentence for the person who made the request.
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the person-facing message of err. Internal faults get
// a generic sentence so that no detail of the system leaks.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}
