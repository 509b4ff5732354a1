package model

import (
	"errors"
	"fmt"
)

// Code classifies an error for clients; the GraphQL error presenter turns it
// into extensions.code.
type Code string

// The codes clients can see.
const (
	CodeBadUserInput Code = "BAD_USER_INPUT"
	CodeNotFound     Code = "NOT_FOUND"
	CodeUnavailable  Code = "UNAVAILABLE"
	CodeInternal     Code = "INTERNAL"
	// CodeCostLimit marks a query refused before execution for its size:
	// depth, cost, aliases or root fields over the configured limits.
	CodeCostLimit       Code = "COST_LIMIT_EXCEEDED"
	CodeRateLimited     Code = "RATE_LIMITED"
	CodeForbidden       Code = "FORBIDDEN"
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	// CodeConflict marks a change refused because the fact changed since the
	// client read it (a stale version) or already exists.
	CodeConflict Code = "CONFLICT"
	// CodeCommitUnknown marks a write whose commit was sent but not
	// confirmed: it may or may not have been applied, and the client must
	// read before retrying.
	CodeCommitUnknown Code = "COMMIT_OUTCOME_UNKNOWN"
	// CodeKeyReused marks a write refused because its idempotency key was
	// already used for another request: another operation, caller or input.
	CodeKeyReused Code = "IDEMPOTENCY_KEY_REUSED"
	// CodeTooManySubscriptions marks a subscription refused because its
	// client, or the service, holds as many open as it may.
	CodeTooManySubscriptions Code = "TOO_MANY_SUBSCRIPTIONS"
)

// Error is an error with a code and a message safe to show to clients. The
// wrapped cause stays in the logs.
type Error struct {
	Code    Code
	Message string
	Err     error
	// IdempotencyKey is the key to retry a write with, when its outcome is
	// left to a retry; clients see it in extensions.idempotencyKey.
	IdempotencyKey string
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the code and a formatted client message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first Error in err's chain, or
// CodeInternal when there is none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the client message of the first Error in err's chain,
// or "" when there is none.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}
