// Package migrations holds the SQL migrations of the Seamless schema, in
// goose's format, embedded so that the binary carries its own schema.
package migrations

import "embed"

// FS holds every migration file. Files are applied in the order of the
// number that starts their name.
//
//go:embed *.sql
var FS embed.FS
