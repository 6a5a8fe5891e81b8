//go:build !linux

package results

// exchange is not available: Stage.Commit falls back to moving the old
// directory aside.
func exchange(a, b string) error { return errNoExchange }
