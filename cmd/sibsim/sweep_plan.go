package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sibsim/sibsim/sim/sweep"
)

// Limits and defaults of "sibsim sweep plan".
const (
	maxPlanShards      = 10_000
	maxPlanWorkers     = 1024
	defaultPlanShards  = 4
	defaultPlanWorkers = 2
	defaultPlanOutDir  = "sweep-out"
	defaultPlanImage   = "sibsim:latest"
)

type sweepPlanOptions struct {
	file       string
	slurm      bool
	kubernetes bool
	shards     int
	outDir     string
	workers    int
	image      string
	storage    string
	binary     string
	time       string
	mem        string
	partition  string
	// set reports whether the user gave a flag.
	set func(name string) bool

	// From the environment; tests replace them.
	loadSweep  func(ref string) (*sweep.Plan, error)
	readFile   func(name string) ([]byte, error)
	executable func() (string, error)
	getwd      func() (string, error)
	abs        func(path string) (string, error)
}

func newSweepPlanCommand(d *deps) *cobra.Command {
	opts := &sweepPlanOptions{}
	cmd := &cobra.Command{
		Use:   "plan EXPERIMENT (--slurm | --kubernetes)",
		Short: "Print a Slurm array script or a Kubernetes Indexed Job for a sweep",
		Long: `Print to stdout a ready-to-submit job that runs the sweep of EXPERIMENT (an
experiment file or a shipped experiment's name) on a cluster in --shards
shards, one task per shard, each writing its own directory shard-K under
the results root. Merge the shard directories afterwards with "sibsim sweep
merge": the merged results are byte-identical to an unsharded run. The
output is deterministic: the same flags, files and working directory give
the same bytes.

--slurm prints an sbatch array script (#SBATCH --array=0-(N-1)) whose task
K runs, in the directory the plan was made in,

  BINARY sweep EXPERIMENT --out ROOT/shard-K --shard K/N --workers W --resume

BINARY defaults to this sibsim executable, so it must be at the same path
on the compute nodes (use --binary otherwise), as must the experiment file
and ROOT. Task logs go to ROOT/slurm-JOBID_K.out and .err: create ROOT
before submitting. The script ends with the merge commands, as comments.

--kubernetes prints a PersistentVolumeClaim for the results (--storage), a
ConfigMap holding the experiment file and the scenario files it reads, an
Indexed Job (completionMode: Indexed, each index retried on its own) whose
pod K runs

  sibsim sweep EXPERIMENT --out /results/shard-K --shards N --workers W --resume

in the image --image, with K from JOB_COMPLETION_INDEX, and a merge Job,
created suspended, that the commands at the top of the manifest resume once
the sweep is complete. An experiment file must then be a relative path
without "..". Results go to the volume claim, mounted at /results
(--out-dir changes the path). It needs Kubernetes ` + sweep.KubeVersion + ` or later.

EXPERIMENT is checked as "sibsim sweep" checks it: if it is invalid or
missing, the exit code is 3. docs/cluster.md walks through both, with
merging and resuming.`,
		Example: `  # Slurm: 8 tasks of 4 cores, 2 hours and 8 GB each
  sibsim sweep plan my-sweep.yaml --slurm --shards 8 --workers 4 \
    --time 02:00:00 --mem 8G --out-dir /scratch/$USER/my-sweep > my-sweep.sbatch
  mkdir -p /scratch/$USER/my-sweep && sbatch my-sweep.sbatch

  # Kubernetes: 16 pods of 2 cores
  sibsim sweep plan my-sweep.yaml --kubernetes --shards 16 \
    --image registry.example.org/sibsim:v1.2.0 > my-sweep-job.yaml
  kubectl apply -f my-sweep-job.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.file = args[0]
			opts.set = cmd.Flags().Changed
			opts.loadSweep = func(ref string) (*sweep.Plan, error) { return d.loadSweepContext(cmd.Context(), ref) }
			opts.readFile = os.ReadFile
			opts.executable = os.Executable
			opts.getwd = os.Getwd
			opts.abs = filepath.Abs
			return classify(cmd.Context(), runSweepPlan(cmd.Context(), opts, d.streams))
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.slurm, "slurm", false, "print an sbatch array script")
	f.BoolVar(&opts.kubernetes, "kubernetes", false, "print a Kubernetes Indexed Job manifest")
	intFlag(f, &opts.shards, "shards", defaultPlanShards, fmt.Sprintf("number of shards, one task each (1 to %d)", maxPlanShards))
	f.StringVar(&opts.outDir, "out-dir", defaultPlanOutDir, "results root that holds the shard-K directories (--kubernetes: the volume's mount path, default "+sweep.KubeResultsDir+")")
	intFlag(f, &opts.workers, "workers", defaultPlanWorkers, fmt.Sprintf("workers, and CPUs requested, per task (1 to %d)", maxPlanWorkers))
	f.StringVar(&opts.image, "image", defaultPlanImage, "container image with sibsim on its PATH (--kubernetes)")
	f.StringVar(&opts.binary, "binary", "", "sibsim executable on the compute nodes (--slurm; default this executable)")
	f.StringVar(&opts.time, "time", "", "time limit per task, [D-]HH:MM:SS")
	f.StringVar(&opts.mem, "mem", "", "memory per task: megabytes, or a number with a K, M, G or T suffix (powers of 1024)")
	f.StringVar(&opts.partition, "partition", "", "Slurm partition (--slurm)")
	f.StringVar(&opts.storage, "storage", sweep.DefaultKubeStorage, "size of the results volume claim, like 50Gi (--kubernetes)")
	return cmd
}

func runSweepPlan(_ context.Context, opts *sweepPlanOptions, s streams) error {
	p, tempBinary, err := opts.check()
	if err != nil {
		return err
	}
	sp, err := opts.loadSweep(opts.file)
	if err != nil {
		return err
	}
	p.Name = sp.Experiment.Name
	var out []byte
	if opts.slurm {
		if sweep.IsFileRef(opts.file) && !filepath.IsAbs(opts.file) {
			wd, err := opts.getwd()
			if err != nil {
				return fmt.Errorf("working directory: %w", err)
			}
			if !sweep.ScriptSafe(wd) {
				return usageErrorf("working directory %q: a path in a job script may hold only %s (run from another directory, or give FILE as an absolute path)", wd, sweep.ScriptSafeChars)
			}
			p.Chdir = wd
		}
		if out, err = p.SlurmScript(); err != nil {
			return err
		}
		if tempBinary {
			fmt.Fprintf(s.err, "sibsim: warning: %s is a temporary build (go run) that the job will not find; give an installed sibsim with --binary\n", p.Binary)
		}
	} else {
		p.Files, err = sweep.KubernetesFiles(opts.file, sp.Chain(), opts.readFile)
		var pe *sweep.ShipPathError
		switch {
		case errors.As(err, &pe):
			return usageErrorf("--kubernetes ships %s to the pods at the same relative path, so it must be a relative path without \"..\": run sweep plan from a directory above it", pe.Path)
		case errors.Is(err, sweep.ErrConfigMapSize):
			return invalidInput(err)
		case err != nil:
			return err
		}
		if out, err = p.KubernetesManifest(); err != nil {
			return err
		}
	}
	_, err = s.out.Write(out)
	return err
}

// check rejects bad flag values and returns the plan without the sweep,
// and whether the default binary is a temporary build (go run), which will
// be gone when the job runs.
func (o *sweepPlanOptions) check() (p *sweep.ClusterPlan, tempBinary bool, err error) {
	set := o.set
	if set == nil {
		set = func(string) bool { return false }
	}
	if o.slurm == o.kubernetes {
		return nil, false, usageErrorf("choose one of --slurm and --kubernetes")
	}
	switch {
	case o.shards < 1 || o.shards > maxPlanShards:
		return nil, false, usageErrorf("--shards must be between 1 and %d (got %d)", maxPlanShards, o.shards)
	case o.workers < 1 || o.workers > maxPlanWorkers:
		return nil, false, usageErrorf("--workers must be between 1 and %d (got %d)", maxPlanWorkers, o.workers)
	case o.file == "":
		return nil, false, usageErrorf("empty sweep file name")
	}
	other := "--slurm"
	if o.slurm {
		other = "--kubernetes"
	}
	for _, f := range []struct {
		name      string
		otherOnly bool // the flag is for the other platform
	}{
		{"binary", o.kubernetes}, {"partition", o.kubernetes}, {"image", o.slurm}, {"storage", o.slurm},
	} {
		if f.otherOnly && set(f.name) {
			return nil, false, usageErrorf("--%s applies to %s only", f.name, other)
		}
	}
	p = &sweep.ClusterPlan{Ref: o.file, Shards: o.shards, Workers: o.workers}
	if o.time != "" {
		seconds, ok := sweep.ParseTimeLimit(o.time)
		if !ok {
			return nil, false, usageErrorf("--time must be [D-]HH:MM:SS (got %q)", o.time)
		}
		p.Time = o.time
		if seconds == 0 {
			return nil, false, usageErrorf("--time must be more than zero (got %q)", o.time)
		}
	}
	if o.mem != "" {
		if _, ok := sweep.KubernetesMemory(o.mem); !ok {
			return nil, false, usageErrorf("--mem must be a whole number of megabytes, or a number with a K, M, G or T suffix, like 4G (got %q)", o.mem)
		}
		p.Mem = o.mem
	}
	if !sweep.ScriptSafe(o.file) {
		return nil, false, usageErrorf("sweep file %q: a path in a job script may hold only %s", o.file, sweep.ScriptSafeChars)
	}
	if o.kubernetes {
		if !sweep.ValidImage(o.image) {
			return nil, false, usageErrorf("--image must be an image reference like registry.example.org/sibsim:v1 (got %q)", o.image)
		}
		if o.storage != "" && !sweep.ValidStorage(o.storage) {
			return nil, false, usageErrorf("--storage must be a size like 50Gi: a whole number with an optional Ki, Mi, Gi, Ti, Pi, k, M, G, T or P suffix (got %q)", o.storage)
		}
		p.Image, p.Root, p.Storage = o.image, sweep.KubeResultsDir, o.storage
		if set("out-dir") {
			p.Root = path.Clean(o.outDir)
			if !path.IsAbs(o.outDir) || !sweep.ScriptSafe(o.outDir) || p.Root == "/" || p.Root == sweep.KubeSweepDir {
				return nil, false, usageErrorf("--out-dir with --kubernetes must be an absolute path in the container, other than / and %s, of %s (got %q)", sweep.KubeSweepDir, sweep.ScriptSafeChars, o.outDir)
			}
		}
		return p, false, nil
	}
	if o.partition != "" && !sweep.ValidPartition(o.partition) {
		return nil, false, usageErrorf("--partition must be a partition name or a comma-separated list (got %q)", o.partition)
	}
	p.Partition = o.partition
	if p.Root, err = o.scriptPath("--out-dir", o.outDir); err != nil {
		return nil, false, err
	}
	bin := o.binary
	if bin == "" {
		if bin, err = o.executable(); err != nil {
			return nil, false, fmt.Errorf("find the sibsim executable (give it with --binary): %w", err)
		}
		tempBinary = strings.Contains(filepath.ToSlash(bin), "/go-build")
	}
	if p.Binary, err = o.scriptPath("--binary", bin); err != nil {
		return nil, false, err
	}
	return p, tempBinary, nil
}

// scriptPath returns path made absolute, checking that it can be written
// into a job script as it is; a path that cannot is a usage error.
func (o *sweepPlanOptions) scriptPath(what, path string) (string, error) {
	a, err := o.abs(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if !sweep.ScriptSafe(a) {
		return "", usageErrorf("%s %q: a path in a job script may hold only %s", what, a, sweep.ScriptSafeChars)
	}
	return a, nil
}
