package results

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/sibsim/sibsim/sim"
)

// FromRun returns the RunData that ReadRun would read back after Write(run),
// built in memory without writing files: for a program that draws figures
// and reports straight after simulating (the explorer of "sibsim serve").
// Dir is empty. The values are the batch's own, not rounded to the 10
// significant digits of the CSV files, so they may differ from a read-back
// run in the last digits.
//
// The RunData shares the batch's slices: neither may be changed afterwards.
// It returns the error Write would for a run it cannot write: no
// replications, no weekly series (sim.Options.NoWeekly), no scenario.
func FromRun(run Run) (*RunData, error) {
	if err := checkRun(run); err != nil {
		return nil, err
	}
	m := newManifest(run)
	// The hashes the manifest would record: each data file rendered into a
	// hash, not to disk.
	m.SHA256 = make(map[string]string, len(outputFiles))
	for _, f := range outputFiles {
		h := sha256.New()
		if err := f.write(h, run); err != nil {
			return nil, err
		}
		m.SHA256[f.name] = hex.EncodeToString(h.Sum(nil))
	}
	d := &RunData{
		Manifest:      m,
		Summary:       Summarize(run.Batch),
		Providers:     m.Providers,
		WeeklyColumns: names(sim.WeeklyColumns()),
		Metrics:       names(sim.Metrics()),
	}
	d.ProviderColumns = names(sim.ProviderColumns())
	for _, r := range run.Batch.Results {
		d.ReplicationIDs = append(d.ReplicationIDs, r.Replication)
		d.Replications = append(d.Replications, r.Metrics)
		d.Weekly = append(d.Weekly, r.Weekly)
		d.ProviderWeekly = append(d.ProviderWeekly, r.ProviderWeekly)
	}
	return d, nil
}
