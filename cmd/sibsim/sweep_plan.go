package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

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
	// kubeResultsDir is where the results volume is mounted in the pods.
	kubeResultsDir = "/results"
	// kubeSweepDir is the pods' working directory, where the ConfigMap puts
	// the sweep file and the scenario files it reads at the relative paths
	// the plan was made with.
	kubeSweepDir = "/sweep"
	// maxConfigMapBytes keeps the files within a ConfigMap, which
	// Kubernetes caps at 1 MiB.
	maxConfigMapBytes = 900 << 10
	// maxJobNameLen leaves room for "-merge" and pod-name suffixes within
	// Kubernetes' 63-character names.
	maxJobNameLen = 52
)

type sweepPlanOptions struct {
	file       string
	slurm      bool
	kubernetes bool
	shards     int
	outDir     string
	workers    int
	image      string
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

--kubernetes prints a ConfigMap holding the experiment file and the
scenario files it reads, and an Indexed Job (completionMode: Indexed) whose
pod K runs

  sibsim sweep EXPERIMENT --out /results/shard-K --shards N --workers W --resume

in the image --image, with K from JOB_COMPLETION_INDEX. An experiment file
must then be a relative path without "..". Results go to the volume
mounted at /results (--out-dir changes the path); the manifest has an
emptyDir there as a placeholder: replace it with a PersistentVolumeClaim.

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
			opts.loadSweep = d.loadSweep
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
	f.IntVar(&opts.shards, "shards", defaultPlanShards, fmt.Sprintf("number of shards, one task each (1 to %d)", maxPlanShards))
	f.StringVar(&opts.outDir, "out-dir", defaultPlanOutDir, "results root that holds the shard-K directories (--kubernetes: the volume's mount path, default "+kubeResultsDir+")")
	f.IntVar(&opts.workers, "workers", defaultPlanWorkers, fmt.Sprintf("workers, and CPUs requested, per task (1 to %d)", maxPlanWorkers))
	f.StringVar(&opts.image, "image", defaultPlanImage, "container image with sibsim on its PATH (--kubernetes)")
	f.StringVar(&opts.binary, "binary", "", "sibsim executable on the compute nodes (--slurm; default this executable)")
	f.StringVar(&opts.time, "time", "", "time limit per task, [D-]HH:MM:SS")
	f.StringVar(&opts.mem, "mem", "", "memory per task: megabytes, or a number with a K, M, G or T suffix (powers of 1024)")
	f.StringVar(&opts.partition, "partition", "", "Slurm partition (--slurm)")
	return cmd
}

// sweepPlan is what both outputs are made of: checked flags, paths as the
// tasks see them, and the files to ship.
type sweepPlan struct {
	name  string // the sweep's name, for job names and comments
	ref   string // FILE as given: a path, or a shipped sweep's name
	chdir string // --slurm: the tasks' working directory, for a relative FILE
	// files are shipped in the ConfigMap (--kubernetes).
	files  []planFile
	root   string // results root as the tasks see it
	binary string // --slurm
	// tempBinary is set when the default binary is a temporary build
	// (go run), which will be gone when the job runs.
	tempBinary bool
	shards     int
	workers    int
	time       string
	seconds    int // time in seconds, 0 if unset
	mem        string
	memKube    string // mem as a Kubernetes quantity
	image      string
	part       string
}

// planFile is a file shipped to the pods: key in the ConfigMap, relative
// path in the working directory.
type planFile struct {
	key, path string
	content   []byte
}

func runSweepPlan(_ context.Context, opts *sweepPlanOptions, s streams) error {
	p, err := opts.check()
	if err != nil {
		return err
	}
	sp, err := opts.loadSweep(opts.file)
	if err != nil {
		return err
	}
	p.name = sp.Experiment.Name
	var out []byte
	if opts.slurm {
		if isPathRef(opts.file) && !filepath.IsAbs(opts.file) {
			wd, err := opts.getwd()
			if err != nil {
				return fmt.Errorf("working directory: %w", err)
			}
			if !scriptSafePath.MatchString(wd) {
				return usageErrorf("working directory %q: a path in a job script may hold only %s (run from another directory, or give FILE as an absolute path)", wd, safePathChars)
			}
			p.chdir = wd
		}
		out = p.slurmScript()
		if p.tempBinary {
			fmt.Fprintf(s.err, "sibsim: warning: %s is a temporary build (go run) that the job will not find; give an installed sibsim with --binary\n", p.binary)
		}
	} else {
		if err := p.collectFiles(opts, sp); err != nil {
			return err
		}
		if out, err = p.kubernetesManifest(); err != nil {
			return err
		}
	}
	_, err = s.out.Write(out)
	return err
}

// isPathRef reports whether a sweep reference names a file rather than a
// shipped sweep: it holds a slash or ends in .yaml or .yml.
func isPathRef(ref string) bool {
	lower := strings.ToLower(ref)
	return strings.ContainsRune(ref, '/') || strings.ContainsRune(ref, os.PathSeparator) ||
		strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml")
}

// shippedScenarioFile matches how a scenario chain names a shipped scenario.
var shippedScenarioFile = regexp.MustCompile(`^scenarios/[^/]+\.yaml$`)

// collectFiles lists the files the pods need (--kubernetes): the sweep
// file and every scenario file its base reads, each at the relative path
// a local run reads it from, so that results (whose manifest names the
// scenario files) are the same bytes.
func (p *sweepPlan) collectFiles(opts *sweepPlanOptions, sp *sweep.Plan) error {
	if !isPathRef(opts.file) {
		return nil // a shipped sweep, built into the image's sibsim
	}
	paths := []string{opts.file}
	for _, f := range sp.Base.Chain {
		if _, err := opts.readFile(f); err != nil && shippedScenarioFile.MatchString(f) {
			continue // a shipped scenario
		}
		paths = append(paths, f)
	}
	keys := map[string]bool{}
	total := 0
	for _, f := range paths {
		rel := filepath.ToSlash(f)
		if filepath.IsAbs(f) || path.IsAbs(rel) || !fs.ValidPath(path.Clean(rel)) || strings.HasPrefix(path.Clean(rel), "../") {
			return usageErrorf("--kubernetes ships %s to the pods at the same relative path, so it must be a relative path without \"..\": run sweep plan from a directory above it", f)
		}
		rel = path.Clean(rel)
		content, err := opts.readFile(f)
		if err != nil {
			return fmt.Errorf("read %s: %w", f, err)
		}
		total += len(content)
		if total > maxConfigMapBytes {
			return &exitError{code: exitInvalid, err: fmt.Errorf("the sweep's files are more than %d bytes, too large for a ConfigMap", maxConfigMapBytes)}
		}
		key := strings.Trim(kubeKeyUnsafe.ReplaceAllString(strings.ReplaceAll(rel, "/", "_"), "-"), ".")
		if key == "" {
			key = "file"
		}
		for k, i := key, 2; keys[key]; i++ {
			key = k + "-" + strconv.Itoa(i)
		}
		keys[key] = true
		p.files = append(p.files, planFile{key: key, path: rel, content: content})
	}
	return nil
}

var (
	// scriptSafePath matches paths written into a job script unquoted,
	// and into #SBATCH lines, which take no shell quoting.
	scriptSafePath = regexp.MustCompile(`^[\p{L}\p{N}._/+,:@=-]+$`)
	planTime       = regexp.MustCompile(`^(?:(\d{1,3})-)?(\d{1,4}):([0-5]\d):([0-5]\d)$`)
	planMem        = regexp.MustCompile(`^([1-9]\d{0,8})([KMGT]?)$`)
	slurmPartition = regexp.MustCompile(`^[A-Za-z0-9._-]+(?:,[A-Za-z0-9._-]+)*$`)
	kubeImage      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/:@-]*$`)
	jobNameUnsafe  = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
	kubeNameUnsafe = regexp.MustCompile(`[^a-z0-9-]+`)
	kubeKeyUnsafe  = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
)

const safePathChars = "letters, digits and . _ - / + , : @ ="

// check rejects bad flag values and returns the plan without the sweep.
func (o *sweepPlanOptions) check() (*sweepPlan, error) {
	set := o.set
	if set == nil {
		set = func(string) bool { return false }
	}
	if o.slurm == o.kubernetes {
		return nil, usageErrorf("choose one of --slurm and --kubernetes")
	}
	switch {
	case o.shards < 1 || o.shards > maxPlanShards:
		return nil, usageErrorf("--shards must be between 1 and %d (got %d)", maxPlanShards, o.shards)
	case o.workers < 1 || o.workers > maxPlanWorkers:
		return nil, usageErrorf("--workers must be between 1 and %d (got %d)", maxPlanWorkers, o.workers)
	case o.file == "":
		return nil, usageErrorf("empty sweep file name")
	}
	other := "--slurm"
	if o.slurm {
		other = "--kubernetes"
	}
	for _, f := range []struct {
		name      string
		otherOnly bool // the flag is for the other platform
	}{
		{"binary", o.kubernetes}, {"partition", o.kubernetes}, {"image", o.slurm},
	} {
		if f.otherOnly && set(f.name) {
			return nil, usageErrorf("--%s applies to %s only", f.name, other)
		}
	}
	p := &sweepPlan{ref: o.file, shards: o.shards, workers: o.workers}
	if o.time != "" {
		m := planTime.FindStringSubmatch(o.time)
		if m == nil {
			return nil, usageErrorf("--time must be [D-]HH:MM:SS (got %q)", o.time)
		}
		d, _ := strconv.Atoi(m[1]) // "" gives 0
		h, _ := strconv.Atoi(m[2])
		mi, _ := strconv.Atoi(m[3])
		sec, _ := strconv.Atoi(m[4])
		p.time, p.seconds = o.time, ((d*24+h)*60+mi)*60+sec
		if p.seconds == 0 {
			return nil, usageErrorf("--time must be more than zero (got %q)", o.time)
		}
	}
	if o.mem != "" {
		m := planMem.FindStringSubmatch(o.mem)
		if m == nil {
			return nil, usageErrorf("--mem must be a whole number of megabytes, or a number with a K, M, G or T suffix, like 4G (got %q)", o.mem)
		}
		unit := m[2]
		if unit == "" {
			unit = "M"
		}
		p.mem, p.memKube = o.mem, m[1]+unit+"i"
	}
	if !scriptSafePath.MatchString(o.file) {
		return nil, usageErrorf("sweep file %q: a path in a job script may hold only %s", o.file, safePathChars)
	}
	if o.kubernetes {
		if !kubeImage.MatchString(o.image) {
			return nil, usageErrorf("--image must be an image reference like registry.example.org/sibsim:v1 (got %q)", o.image)
		}
		p.image, p.root = o.image, kubeResultsDir
		if set("out-dir") {
			p.root = path.Clean(o.outDir)
			if !path.IsAbs(o.outDir) || !scriptSafePath.MatchString(o.outDir) || p.root == "/" || p.root == kubeSweepDir {
				return nil, usageErrorf("--out-dir with --kubernetes must be an absolute path in the container, other than / and %s, of %s (got %q)", kubeSweepDir, safePathChars, o.outDir)
			}
		}
		return p, nil
	}
	if o.partition != "" && !slurmPartition.MatchString(o.partition) {
		return nil, usageErrorf("--partition must be a partition name or a comma-separated list (got %q)", o.partition)
	}
	p.part = o.partition
	var err error
	if p.root, err = o.scriptPath("--out-dir", o.outDir); err != nil {
		return nil, err
	}
	bin := o.binary
	if bin == "" {
		if bin, err = o.executable(); err != nil {
			return nil, fmt.Errorf("find the sibsim executable (give it with --binary): %w", err)
		}
		p.tempBinary = strings.Contains(filepath.ToSlash(bin), "/go-build")
	}
	if p.binary, err = o.scriptPath("--binary", bin); err != nil {
		return nil, err
	}
	return p, nil
}

// scriptPath returns path made absolute, checking that it can be written
// into a job script as it is; a path that cannot is a usage error.
func (o *sweepPlanOptions) scriptPath(what, path string) (string, error) {
	a, err := o.abs(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if !scriptSafePath.MatchString(a) {
		return "", usageErrorf("%s %q: a path in a job script may hold only %s", what, a, safePathChars)
	}
	return a, nil
}

// jobName is the sweep's name made safe for Slurm's --job-name.
func (p *sweepPlan) jobName() string {
	n := strings.Trim(jobNameUnsafe.ReplaceAllString(p.name, "-"), "-.")
	if n == "" {
		n = "sibsim-sweep"
	}
	if len(n) > maxJobNameLen {
		n = strings.TrimRight(n[:maxJobNameLen], "-.")
	}
	return n
}

// kubeName is the sweep's name as a Kubernetes object name (an RFC 1123
// label): lower-case letters, digits and hyphens.
func (p *sweepPlan) kubeName() string {
	n := strings.Trim(kubeNameUnsafe.ReplaceAllString(strings.ToLower(p.name), "-"), "-")
	if !strings.HasPrefix(n, "sibsim-") {
		n = strings.TrimSuffix("sibsim-"+n, "-")
	}
	if len(n) > maxJobNameLen {
		n = strings.TrimRight(n[:maxJobNameLen], "-")
	}
	return n
}

// shardDirs is a shell word that lists every shard directory of root in
// order, for sibsim sweep merge: a brace expansion (bash and zsh) or,
// with posix, a seq command substitution (sh, as sbatch --wrap runs).
func (p *sweepPlan) shardDirs(root string, posix bool) string {
	if posix {
		return fmt.Sprintf("$(seq -f %s/shard-%%g 0 %d)", strings.ReplaceAll(root, "%", "%%"), p.shards-1)
	}
	return fmt.Sprintf("%s/shard-{0..%d}", root, p.shards-1)
}

// slurmScript renders the sbatch array script.
func (p *sweepPlan) slurmScript() []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	job := p.jobName()
	// #SBATCH --output expands %A, %a, %j...; a literal % is %%.
	logRoot := strings.ReplaceAll(p.root, "%", "%%")
	w("#!/bin/bash\n")
	w("# Slurm array job for the sibsim sweep %s: %d tasks, task K runs shard K.\n", p.name, p.shards)
	w("# Written by \"sibsim sweep plan --slurm\"; docs/cluster.md explains it.\n")
	w("#\n")
	w("# Submit it (Slurm writes the task logs into the results root, so create it first):\n")
	w("#   mkdir -p %s && sbatch THIS_SCRIPT\n", p.root)
	w("#\n")
	w("#SBATCH --job-name=%s\n", job)
	w("#SBATCH --array=0-%d\n", p.shards-1)
	w("#SBATCH --ntasks=1\n")
	w("#SBATCH --cpus-per-task=%d\n", p.workers)
	if p.mem != "" {
		w("#SBATCH --mem=%s\n", p.mem)
	}
	if p.time != "" {
		w("#SBATCH --time=%s\n", p.time)
	}
	if p.part != "" {
		w("#SBATCH --partition=%s\n", p.part)
	}
	if p.chdir != "" {
		w("#SBATCH --chdir=%s\n", p.chdir)
	}
	w("#SBATCH --output=%s/slurm-%%A_%%a.out\n", logRoot)
	w("#SBATCH --error=%s/slurm-%%A_%%a.err\n", logRoot)
	w("\n")
	w("set -euo pipefail\n")
	w(": \"${SLURM_ARRAY_TASK_ID:?submit this script with sbatch}\"\n")
	w("\n")
	w("# Task K writes shard K into %s/shard-K.\n", p.root)
	w("# Rerun a failed task alone with \"sbatch --array=K THIS_SCRIPT\";\n")
	w("# --resume keeps the chunks it finished.\n")
	w("exec %s sweep %s \\\n", p.binary, p.ref)
	w("\t--out %s/shard-${SLURM_ARRAY_TASK_ID} \\\n", p.root)
	w("\t--shard ${SLURM_ARRAY_TASK_ID}/%d \\\n", p.shards)
	w("\t--workers %d \\\n", p.workers)
	w("\t--resume\n")
	w("\n")
	w("# When every task has succeeded, merge the shards; the result is\n")
	w("# byte-identical to an unsharded run:\n")
	w("#   %s sweep merge %s --out %s/merged\n", p.binary, p.shardDirs(p.root, false), p.root)
	w("# Or let Slurm merge them when the whole array has succeeded:\n")
	w("#   jobid=$(sbatch --parsable THIS_SCRIPT)\n")
	w("#   sbatch --dependency=afterok:$jobid --job-name=%s-merge \\\n", job)
	w("#     --output=%s/slurm-merge-%%j.out \\\n", logRoot)
	w("#     --wrap='%s sweep merge %s --out %s/merged'\n", p.binary, p.shardDirs(p.root, true), p.root)
	return b.Bytes()
}

// yamlString renders s as a YAML scalar: plain when that reads back as
// the same string, else quoted.
func yamlString(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		panic(err) // a string always marshals
	}
	return strings.TrimSuffix(string(out), "\n")
}

// kubernetesManifest renders the ConfigMap (if there are files to ship)
// and the Indexed Job.
func (p *sweepPlan) kubernetesManifest() ([]byte, error) {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	name := p.kubeName()
	q := yamlString
	labels := func(indent string) {
		w("%slabels:\n", indent)
		w("%s  app.kubernetes.io/name: sibsim\n", indent)
		w("%s  app.kubernetes.io/component: sweep\n", indent)
		w("%s  app.kubernetes.io/instance: %s\n", indent, name)
	}
	w("# Kubernetes Indexed Job for the sibsim sweep %s: %d pods, pod K runs shard K.\n", p.name, p.shards)
	w("# Written by \"sibsim sweep plan --kubernetes\"; docs/cluster.md explains it.\n")
	w("#\n")
	w("# Before applying it, replace the emptyDir volume \"results\" below with a\n")
	w("# PersistentVolumeClaim (ReadWriteMany if the pods may run on several nodes):\n")
	w("# an emptyDir is deleted with its pod, and the results with it.\n")
	w("#\n")
	w("#   kubectl apply -f THIS_FILE\n")
	w("#   kubectl wait --for=condition=complete --timeout=24h job/%s\n", name)
	w("#\n")
	w("# Then merge the shards in a pod that mounts the same volume at %s;\n", p.root)
	w("# the result is byte-identical to an unsharded run:\n")
	w("#   sibsim sweep merge %s --out %s/merged\n", p.shardDirs(p.root, true), p.root)
	if len(p.files) > 0 {
		w("apiVersion: v1\n")
		w("kind: ConfigMap\n")
		w("metadata:\n")
		w("  name: %s\n", name)
		labels("  ")
		w("data:\n")
		for _, f := range p.files {
			var data bytes.Buffer
			enc := yaml.NewEncoder(&data)
			enc.SetIndent(2)
			node := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
				{Kind: yaml.ScalarNode, Value: f.key},
				{Kind: yaml.ScalarNode, Value: string(f.content)},
			}}
			if err := enc.Encode(node); err != nil {
				return nil, fmt.Errorf("encode %s: %w", f.path, err)
			}
			if err := enc.Close(); err != nil {
				return nil, fmt.Errorf("encode %s: %w", f.path, err)
			}
			for _, line := range strings.SplitAfter(data.String(), "\n") {
				if line != "" {
					w("  %s", line)
				}
			}
		}
		w("---\n")
	}
	w("apiVersion: batch/v1\n")
	w("kind: Job\n")
	w("metadata:\n")
	w("  name: %s\n", name)
	labels("  ")
	w("spec:\n")
	w("  completionMode: Indexed\n")
	w("  completions: %d\n", p.shards)
	w("  parallelism: %d\n", p.shards)
	w("  # A failed pod is replaced and resumes its shard (from a persistent volume);\n")
	w("  # usage errors and invalid input (exit codes 2 and 3) fail the Job at once.\n")
	w("  backoffLimit: %d\n", min(2*p.shards, 100))
	w("  podFailurePolicy:\n")
	w("    rules:\n")
	w("      - action: FailJob\n")
	w("        onExitCodes:\n")
	w("          containerName: sibsim\n")
	w("          operator: In\n")
	w("          values: [2, 3]\n")
	w("  template:\n")
	w("    metadata:\n")
	labels("      ")
	w("    spec:\n")
	w("      restartPolicy: Never\n")
	if p.seconds > 0 {
		w("      activeDeadlineSeconds: %d\n", p.seconds)
	}
	w("      containers:\n")
	w("        - name: sibsim\n")
	w("          image: %s\n", q(p.image))
	if len(p.files) > 0 {
		w("          workingDir: %s\n", kubeSweepDir)
	}
	w("          command: [sibsim]\n")
	w("          args:\n")
	for _, a := range []string{
		"sweep", p.ref,
		"--out", p.root + "/shard-$(JOB_COMPLETION_INDEX)",
		"--shards", strconv.Itoa(p.shards),
		"--workers", strconv.Itoa(p.workers),
		"--resume",
	} {
		w("            - %s\n", q(a))
	}
	w("          env:\n")
	w("            # Kubernetes sets it in Indexed Jobs; spelt out for $(...) above.\n")
	w("            - name: JOB_COMPLETION_INDEX\n")
	w("              valueFrom:\n")
	w("                fieldRef:\n")
	w("                  fieldPath: metadata.annotations['batch.kubernetes.io/job-completion-index']\n")
	w("          resources:\n")
	w("            requests:\n")
	w("              cpu: %s\n", q(strconv.Itoa(p.workers)))
	if p.memKube != "" {
		w("              memory: %s\n", p.memKube)
		w("            limits:\n")
		w("              memory: %s\n", p.memKube)
	}
	w("          volumeMounts:\n")
	if len(p.files) > 0 {
		w("            - name: sweep\n")
		w("              mountPath: %s\n", kubeSweepDir)
		w("              readOnly: true\n")
	}
	w("            - name: results\n")
	w("              mountPath: %s\n", p.root)
	w("      volumes:\n")
	if len(p.files) > 0 {
		w("        - name: sweep\n")
		w("          configMap:\n")
		w("            name: %s\n", name)
		w("            items:\n")
		for _, f := range p.files {
			w("              - key: %s\n", q(f.key))
			w("                path: %s\n", q(f.path))
		}
	}
	w("        - name: results\n")
	w("          # Placeholder: replace with a PersistentVolumeClaim, e.g.\n")
	w("          #   persistentVolumeClaim:\n")
	w("          #     claimName: sibsim-results\n")
	w("          emptyDir: {}\n")
	return b.Bytes(), nil
}
