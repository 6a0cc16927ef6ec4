package seamless

import "time"

// MaxNoteLength is the longest note, in bytes, that can be saved.
const MaxNoteLength = 20000

// Note is a piece of text a person saved.
type Note struct {
	ID        int64
	UserID    int64
	Body      string
	CreatedAt time.Time
}

// Draft is the text of a note that was sent after its writer's session had
// ended. It is kept for the browser that sent it, so that signing in again
// brings the text back instead of losing it.
type Draft struct {
	// Key is the note's idempotency key: saving the draft and then sending
	// the original form again still saves one note.
	Key  string
	Body string

	// OwnerID is the account whose ended session sent the draft, or 0 when
	// the server no longer knew it. A draft with an owner is given back only
	// to that account.
	OwnerID int64
}
