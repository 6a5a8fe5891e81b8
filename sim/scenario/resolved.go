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

// WithWeeks returns r with the horizon set to weeks (1 to the schema's
// maximum), so that its YAML and Hash describe the run a command's
// --weeks asks for: saved as a file, the YAML reproduces that run. weeks 0
// or equal to the horizon returns r itself. The scenario is copied, not
// changed; its lists are shared with r's (neither is changed after
// loading).
func (r *Resolved) WithWeeks(weeks int) (*Resolved, error) {
	if weeks == 0 || weeks == r.Scenario.Weeks {
		return r, nil
	}
	s := *r.Scenario
	s.Weeks = weeks
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return r.WithScenario(&s)
}
