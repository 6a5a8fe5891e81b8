package scenario

import (
	"crypto/sha256"
	"encoding/hex"
)

// WithScenario returns a Resolved for s, a scenario derived from r's (a
// copy with some values changed, say by ScalePath): r's Chain, and s's
// canonical YAML and its SHA-256. s must be valid (call s.Validate).
func (r *Resolved) WithScenario(s *Scenario) (*Resolved, error) {
	y, err := marshal(s)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(y)
	var chain []string
	if r != nil {
		chain = append(chain, r.Chain...)
	}
	return &Resolved{Scenario: s, Chain: chain, YAML: y, Hash: hex.EncodeToString(sum[:])}, nil
}
