package results

import (
	"runtime"

	"github.com/sibsim/sibsim/sim"
)

// ManifestFormat is the version of the manifest and file layout. It changes
// only when a change would break a reader of existing results.
// Format 2 added SHA256.
const ManifestFormat = 2

// Manifest records what produced a results directory. It holds no wall-clock
// time and nothing that depends on the worker count, so that two runs of the
// same command give identical bytes.
type Manifest struct {
	// Format is ManifestFormat at the time of writing.
	Format int `json:"format"`
	// Version is the sibsim version that wrote the files.
	Version string `json:"sibsim_version"`
	// GoVersion is the Go toolchain that built it (runtime.Version()).
	GoVersion string `json:"go_version"`
	// Arch is the CPU architecture and level it was built for (Arch()):
	// results are byte-identical only within one.
	Arch string `json:"arch"`
	// Command is the command line, beginning with the program name, with
	// options that cannot change results (the worker count) left out.
	Command []string `json:"command"`

	// Scenario is the scenario's name.
	Scenario string `json:"scenario"`
	// ScenarioSHA256 is the hex SHA-256 of ScenarioYAML.
	ScenarioSHA256 string `json:"scenario_sha256"`
	// ScenarioChain lists the scenario files read, the requested one first,
	// then those it extends.
	ScenarioChain []string `json:"scenario_chain"`

	// Seed is the master seed.
	Seed uint64 `json:"seed"`
	// Replications is the number of replications.
	Replications int `json:"replications"`
	// Weeks is the number of weeks simulated in each replication.
	Weeks int `json:"weeks"`
	// Providers names the providers, in weekly_by_provider.csv order.
	Providers []string `json:"providers"`

	// Files lists the files of the results directory.
	Files []string `json:"files"`
	// SHA256 maps the name of every file in Files but the manifest to the
	// hex SHA-256 of its bytes. Readers refuse a directory whose files do
	// not match (VerifyFiles): a mixture of two runs, or a damaged file.
	SHA256 map[string]string `json:"sha256"`
	// NA is the text written for an undefined value.
	NA string `json:"na"`
	// WeeklyColumns, ProviderColumns and Metrics describe the value columns
	// of weekly.csv, weekly_by_provider.csv and replications.csv (the rows
	// of summary.csv), in order.
	WeeklyColumns   []Column `json:"weekly_columns"`
	ProviderColumns []Column `json:"provider_columns"`
	Metrics         []Column `json:"metrics"`

	// ScenarioYAML is the resolved scenario in canonical form: every
	// parameter, no extends. Saved as a file, it reproduces the run.
	ScenarioYAML string `json:"scenario_yaml"`
}

// Column describes an output column or metric.
type Column struct {
	Name string `json:"name"`
	Unit string `json:"unit"`
	Doc  string `json:"doc"`
}

func columns(cs []sim.Column) []Column {
	out := make([]Column, len(cs))
	for i, c := range cs {
		out[i] = Column{Name: c.Name, Unit: c.Unit, Doc: c.Doc}
	}
	return out
}

func newManifest(run Run) *Manifest {
	b := run.Batch
	first := b.Results[0]
	providers := first.Providers
	if providers == nil {
		providers = []string{}
	}
	chain := run.Scenario.Chain
	if chain == nil {
		chain = []string{}
	}
	command := run.Command
	if command == nil {
		command = []string{}
	}
	name := ""
	if run.Scenario.Scenario != nil {
		name = run.Scenario.Scenario.Name
	}
	return &Manifest{
		Format:          ManifestFormat,
		Version:         run.Version,
		GoVersion:       runtime.Version(),
		Arch:            Arch(),
		Command:         command,
		Scenario:        name,
		ScenarioSHA256:  run.Scenario.Hash,
		ScenarioChain:   chain,
		Seed:            b.Options.Seed,
		Replications:    len(b.Results),
		Weeks:           first.Weeks,
		Providers:       providers,
		Files:           FileNames(),
		NA:              NA,
		WeeklyColumns:   columns(sim.WeeklyColumns()),
		ProviderColumns: columns(sim.ProviderColumns()),
		Metrics:         columns(sim.Metrics()),
		ScenarioYAML:    string(run.Scenario.YAML),
	}
}
