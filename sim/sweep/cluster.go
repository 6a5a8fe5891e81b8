package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sibsim/sibsim/sim/scenario"
)

// Paths inside the pods of a Kubernetes plan.
const (
	// KubeResultsDir is where the results volume is mounted by default.
	KubeResultsDir = "/results"
	// KubeSweepDir is the pods' working directory, where the ConfigMap puts
	// the experiment file and the scenario files it reads, at the relative
	// paths the plan was made with.
	KubeSweepDir = "/sweep"
)

// MaxConfigMapBytes bounds the total size of the files a Kubernetes plan
// ships, which must fit in a ConfigMap (Kubernetes caps one at 1 MiB).
const MaxConfigMapBytes = 900 << 10

// maxJobNameLen leaves room for "-merge" and pod-name suffixes within
// Kubernetes' 63-character names.
const maxJobNameLen = 52

// ScriptSafeChars says in words what ScriptSafe accepts, for messages.
const ScriptSafeChars = "letters, digits and . _ - / + , : @ ="

var (
	// scriptSafe matches paths written into a job script unquoted, and
	// into #SBATCH lines, which take no shell quoting.
	scriptSafe     = regexp.MustCompile(`^[\p{L}\p{N}._/+,:@=-]+$`)
	timeLimit      = regexp.MustCompile(`^(?:(\d{1,3})-)?(\d{1,4}):([0-5]\d):([0-5]\d)$`)
	memory         = regexp.MustCompile(`^([1-9]\d{0,8})([KMGT]?)$`)
	slurmPartition = regexp.MustCompile(`^[A-Za-z0-9._-]+(?:,[A-Za-z0-9._-]+)*$`)
	kubeImage      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/:@-]*$`)
	jobNameUnsafe  = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
	kubeNameUnsafe = regexp.MustCompile(`[^a-z0-9-]+`)
	kubeKeyUnsafe  = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
	// shippedScenarioFile matches how a scenario chain names a shipped
	// scenario.
	shippedScenarioFile = regexp.MustCompile(`^scenarios/[^/]+\.yaml$`)
)

// IsFileRef reports whether an experiment reference names a file (it holds
// a path separator or ends in .yaml or .yml) rather than a shipped
// experiment, as Loader.Load decides.
func IsFileRef(ref string) bool { return scenario.IsFileRef(ref) }

// ScriptSafe reports whether path may be written into a job script as it
// is: non-empty, of letters, digits and . _ - / + , : @ = only.
func ScriptSafe(path string) bool { return scriptSafe.MatchString(path) }

// ParseTimeLimit parses a time limit in Slurm's [D-]HH:MM:SS form (days up
// to 999, hours up to 9999) and returns it in seconds; ok is false when s
// is not of that form. A limit of 0 seconds parses, with ok true.
func ParseTimeLimit(s string) (seconds int, ok bool) {
	m := timeLimit.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	d, _ := strconv.Atoi(m[1]) // "" gives 0
	h, _ := strconv.Atoi(m[2])
	mi, _ := strconv.Atoi(m[3])
	sec, _ := strconv.Atoi(m[4])
	return ((d*24+h)*60+mi)*60 + sec, true
}

// KubernetesMemory converts a Slurm --mem value (a whole number of
// megabytes, or a number with a K, M, G or T suffix meaning powers of
// 1024) into the same amount as a Kubernetes quantity: "8G" gives "8Gi",
// "3000" gives "3000Mi". ok is false when s is not such a value.
func KubernetesMemory(s string) (quantity string, ok bool) {
	m := memory.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	unit := m[2]
	if unit == "" {
		unit = "M"
	}
	return m[1] + unit + "i", true
}

// ValidPartition reports whether s is a Slurm partition name or a
// comma-separated list of them.
func ValidPartition(s string) bool { return slurmPartition.MatchString(s) }

// ValidImage reports whether s looks like a container image reference
// (registry.example.org/sibsim:v1, sibsim@sha256:...).
func ValidImage(s string) bool { return kubeImage.MatchString(s) }

// ClusterFile is a file a Kubernetes plan ships to the pods in its
// ConfigMap.
type ClusterFile struct {
	// Key is the file's key in the ConfigMap: Path with '/' and other
	// characters a key may not hold replaced, unique within a plan.
	Key string
	// Path is the slash-separated relative path the pods read it at, under
	// KubeSweepDir.
	Path string
	// Content is the file's bytes.
	Content []byte
}

// ErrConfigMapSize is wrapped by the error of KubernetesFiles when the
// files are more than MaxConfigMapBytes in all.
var ErrConfigMapSize = errors.New("too large for a ConfigMap")

// ShipPathError is the error of KubernetesFiles for a file that cannot be
// shipped at the same relative path: an absolute path or one leading out
// of the working directory with "..".
type ShipPathError struct {
	Path string // as given
}

func (e *ShipPathError) Error() string {
	return fmt.Sprintf("%s is not a relative path without \"..\"", e.Path)
}

// KubernetesFiles lists the files the pods of a Kubernetes plan need for
// the experiment ref whose scenario chain (Plan.Chain) is chain:
// the experiment file and every scenario file of the chain, each read with
// readFile and shipped at the relative path a local run reads it from, so
// that the results, whose manifests name the scenario files, are the same
// bytes. A shipped experiment (ref not a file path) needs none: it is built
// into sibsim; so are shipped scenarios (scenarios/NAME.yaml that readFile
// cannot read). Errors: *ShipPathError for a path that cannot be shipped,
// readFile's error as "read PATH: ...", or one wrapping ErrConfigMapSize.
func KubernetesFiles(ref string, chain []string, readFile func(name string) ([]byte, error)) ([]ClusterFile, error) {
	if !scenario.IsFileRef(ref) {
		return nil, nil
	}
	paths := []string{ref}
	for _, f := range chain {
		if _, err := readFile(f); err != nil && shippedScenarioFile.MatchString(f) {
			continue // a shipped scenario
		}
		paths = append(paths, f)
	}
	var files []ClusterFile
	keys := map[string]bool{}
	total := 0
	for _, f := range paths {
		rel := filepath.ToSlash(f)
		if filepath.IsAbs(f) || path.IsAbs(rel) || !fs.ValidPath(path.Clean(rel)) || strings.HasPrefix(path.Clean(rel), "../") {
			return nil, &ShipPathError{Path: f}
		}
		rel = path.Clean(rel)
		content, err := readFile(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
		total += len(content)
		if total > MaxConfigMapBytes {
			return nil, fmt.Errorf("the sweep's files are more than %d bytes, %w", MaxConfigMapBytes, ErrConfigMapSize)
		}
		key := strings.Trim(kubeKeyUnsafe.ReplaceAllString(strings.ReplaceAll(rel, "/", "_"), "-"), ".")
		if key == "" {
			key = "file"
		}
		for k, i := key, 2; keys[key]; i++ {
			key = k + "-" + strconv.Itoa(i)
		}
		keys[key] = true
		files = append(files, ClusterFile{Key: key, Path: rel, Content: content})
	}
	return files, nil
}

// ClusterPlan is a sweep split into Shards shards for a cluster, one task
// (a Slurm array task or a pod of a Kubernetes Indexed Job) per shard, task
// K running
//
//	sibsim sweep REF --out ROOT/shard-K --shard K/N --workers W --resume
//
// SlurmScript and KubernetesManifest render it; "sibsim sweep merge" joins
// the shard directories afterwards, byte for byte as an unsharded run. The
// rendering is deterministic: the same plan gives the same bytes.
type ClusterPlan struct {
	// Name is the experiment's name, for job names and comments.
	Name string
	// Ref is the experiment as the tasks name it: a file path or a shipped
	// experiment's name. It must be ScriptSafe.
	Ref string
	// Root is the results root that holds the shard-K directories, as the
	// tasks see it: an absolute, ScriptSafe path.
	Root string
	// Shards is the number of shards and tasks, at least 1; Workers the
	// workers, and CPUs requested, per task, at least 1.
	Shards, Workers int
	// Time is the time limit per task as [D-]HH:MM:SS (ParseTimeLimit), or
	// "" for none.
	Time string
	// Mem is the memory per task as Slurm's --mem takes it
	// (KubernetesMemory), or "" for none.
	Mem string

	// Slurm only.

	// Binary is the sibsim executable on the compute nodes: absolute and
	// ScriptSafe.
	Binary string
	// Chdir is the tasks' working directory, for a relative Ref, or "".
	Chdir string
	// Partition is the Slurm partition (ValidPartition), or "".
	Partition string

	// Kubernetes only.

	// Image is the container image with sibsim on its PATH (ValidImage).
	Image string
	// Files are shipped in a ConfigMap and mounted at KubeSweepDir, the
	// pods' working directory (see KubernetesFiles).
	Files []ClusterFile
	// Storage is the size of the results volume claim (ValidStorage), or
	// "" for DefaultKubeStorage.
	Storage string
}

// check rejects a plan that cannot be rendered safely.
func (p *ClusterPlan) check() error {
	switch {
	case p.Shards < 1:
		return fmt.Errorf("cluster plan: shards %d; want at least 1", p.Shards)
	case p.Workers < 1:
		return fmt.Errorf("cluster plan: workers %d; want at least 1", p.Workers)
	case !ScriptSafe(p.Ref):
		return fmt.Errorf("cluster plan: experiment %q: a path in a job script may hold only %s", p.Ref, ScriptSafeChars)
	case !ScriptSafe(p.Root) || !(path.IsAbs(p.Root) || filepath.IsAbs(p.Root)):
		return fmt.Errorf("cluster plan: results root %q: want an absolute path of %s", p.Root, ScriptSafeChars)
	}
	if p.Time != "" {
		if _, ok := ParseTimeLimit(p.Time); !ok {
			return fmt.Errorf("cluster plan: time %q; want [D-]HH:MM:SS", p.Time)
		}
	}
	if p.Mem != "" {
		if _, ok := KubernetesMemory(p.Mem); !ok {
			return fmt.Errorf("cluster plan: memory %q; want megabytes, or a number with a K, M, G or T suffix", p.Mem)
		}
	}
	return nil
}

// JobName is the experiment's name made safe for Slurm's --job-name:
// runs of other characters than letters, digits, '.', '_' and '-' become
// '-', at most 52 characters, "sibsim-sweep" if nothing is left.
func (p *ClusterPlan) JobName() string {
	n := strings.Trim(jobNameUnsafe.ReplaceAllString(p.Name, "-"), "-.")
	if n == "" {
		n = "sibsim-sweep"
	}
	if len(n) > maxJobNameLen {
		n = strings.TrimRight(n[:maxJobNameLen], "-.")
	}
	return n
}

// KubeName is the experiment's name as a Kubernetes object name (an RFC
// 1123 label): lower-case letters, digits and hyphens, prefixed with
// "sibsim-", at most 52 characters.
func (p *ClusterPlan) KubeName() string {
	n := strings.Trim(kubeNameUnsafe.ReplaceAllString(strings.ToLower(p.Name), "-"), "-")
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
func (p *ClusterPlan) shardDirs(root string, posix bool) string {
	if posix {
		return fmt.Sprintf("$(seq -f %s/shard-%%g 0 %d)", strings.ReplaceAll(root, "%", "%%"), p.Shards-1)
	}
	return fmt.Sprintf("%s/shard-{0..%d}", root, p.Shards-1)
}

// SlurmScript renders the plan as an sbatch array script (#SBATCH
// --array=0-(Shards-1)) whose task K runs shard K with Binary, logging to
// Root/slurm-JOBID_K.out and .err, and ends with the merge commands as
// comments. Errors: a plan with fields out of range (see ClusterPlan).
func (p *ClusterPlan) SlurmScript() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if !ScriptSafe(p.Binary) {
		return nil, fmt.Errorf("cluster plan: binary %q: a path in a job script may hold only %s", p.Binary, ScriptSafeChars)
	}
	if p.Chdir != "" && !ScriptSafe(p.Chdir) {
		return nil, fmt.Errorf("cluster plan: working directory %q: a path in a job script may hold only %s", p.Chdir, ScriptSafeChars)
	}
	if p.Partition != "" && !ValidPartition(p.Partition) {
		return nil, fmt.Errorf("cluster plan: partition %q is not a partition name or a comma-separated list", p.Partition)
	}
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	job := p.JobName()
	// #SBATCH --output expands %A, %a, %j...; a literal % is %%.
	logRoot := strings.ReplaceAll(p.Root, "%", "%%")
	w("#!/bin/bash\n")
	w("# Slurm array job for the sibsim sweep %s: %d tasks, task K runs shard K.\n", p.Name, p.Shards)
	w("# Written by \"sibsim sweep plan --slurm\"; docs/cluster.md explains it.\n")
	w("#\n")
	w("# Submit it (Slurm writes the task logs into the results root, so create it first):\n")
	w("#   mkdir -p %s && sbatch THIS_SCRIPT\n", p.Root)
	w("#\n")
	w("#SBATCH --job-name=%s\n", job)
	w("#SBATCH --array=0-%d\n", p.Shards-1)
	w("#SBATCH --ntasks=1\n")
	w("#SBATCH --cpus-per-task=%d\n", p.Workers)
	if p.Mem != "" {
		w("#SBATCH --mem=%s\n", p.Mem)
	}
	if p.Time != "" {
		w("#SBATCH --time=%s\n", p.Time)
	}
	if p.Partition != "" {
		w("#SBATCH --partition=%s\n", p.Partition)
	}
	if p.Chdir != "" {
		w("#SBATCH --chdir=%s\n", p.Chdir)
	}
	w("#SBATCH --output=%s/slurm-%%A_%%a.out\n", logRoot)
	w("#SBATCH --error=%s/slurm-%%A_%%a.err\n", logRoot)
	w("\n")
	w("set -euo pipefail\n")
	w(": \"${SLURM_ARRAY_TASK_ID:?submit this script with sbatch}\"\n")
	w("\n")
	w("# Task K writes shard K into %s/shard-K.\n", p.Root)
	w("# Rerun a failed task alone with \"sbatch --array=K THIS_SCRIPT\";\n")
	w("# --resume keeps the chunks it finished.\n")
	w("exec %s sweep %s \\\n", p.Binary, p.Ref)
	w("\t--out %s/shard-${SLURM_ARRAY_TASK_ID} \\\n", p.Root)
	w("\t--shard ${SLURM_ARRAY_TASK_ID}/%d \\\n", p.Shards)
	w("\t--workers %d \\\n", p.Workers)
	w("\t--resume\n")
	w("\n")
	w("# When every task has succeeded, merge the shards; the result is\n")
	w("# byte-identical to an unsharded run:\n")
	w("#   %s sweep merge %s --out %s/merged\n", p.Binary, p.shardDirs(p.Root, false), p.Root)
	w("# Or let Slurm merge them when the whole array has succeeded:\n")
	w("#   jobid=$(sbatch --parsable THIS_SCRIPT)\n")
	w("#   sbatch --dependency=afterok:$jobid --job-name=%s-merge \\\n", job)
	w("#     --output=%s/slurm-merge-%%j.out \\\n", logRoot)
	w("#     --wrap='%s sweep merge %s --out %s/merged'\n", p.Binary, p.shardDirs(p.Root, true), p.Root)
	return b.Bytes(), nil
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

// KubeVersion is the oldest Kubernetes release whose Job API runs a
// Kubernetes plan as generated: backoffLimitPerIndex is GA (stable) from
// 1.33 (beta, on by default, from 1.29), podFailurePolicy from 1.31.
const KubeVersion = "1.33"

// DefaultKubeStorage is the size the results PersistentVolumeClaim asks
// for when ClusterPlan.Storage is "".
const DefaultKubeStorage = "10Gi"

// kubeQuantity matches the Kubernetes quantities Storage may be: a whole
// number with an optional binary or decimal suffix.
var kubeQuantity = regexp.MustCompile(`^[1-9][0-9]{0,8}(?:Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$`)

// ValidStorage reports whether s is a storage size the plan accepts: a
// whole number with an optional Ki, Mi, Gi, Ti, Pi, k, M, G, T or P
// suffix ("50Gi").
func ValidStorage(s string) bool { return kubeQuantity.MatchString(s) }

// KubernetesManifest renders the plan as YAML documents that run as
// generated (kubectl apply, on Kubernetes KubeVersion or later):
//
//   - a PersistentVolumeClaim NAME-results (ReadWriteMany, Storage or
//     DefaultKubeStorage), mounted at Root by every pod, so results outlive
//     the pods and a retried pod resumes its shard;
//   - a ConfigMap holding Files, when there are any;
//   - the Indexed Job NAME (completionMode: Indexed) of Shards pods, pod K
//     running shard K in Image with K from JOB_COMPLETION_INDEX, each index
//     retried on its own (backoffLimitPerIndex), evictions not counted,
//     usage errors and invalid input (exit codes 2, 3) failing the Job;
//   - the merge Job NAME-merge, created suspended: Kubernetes has no
//     dependency between Jobs, so the header's commands wait for the sweep
//     Job to complete and then resume it. It runs sibsim sweep merge on the
//     shard directories (listed one by one, as the image needs no shell)
//     into Root/merged.
//
// Errors: a plan with fields out of range (see ClusterPlan), or a file that
// does not encode.
func (p *ClusterPlan) KubernetesManifest() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if !ValidImage(p.Image) {
		return nil, fmt.Errorf("cluster plan: image %q is not an image reference", p.Image)
	}
	storage := p.Storage
	if storage == "" {
		storage = DefaultKubeStorage
	}
	if !ValidStorage(storage) {
		return nil, fmt.Errorf("cluster plan: storage %q; want a size such as 50Gi", storage)
	}
	seconds, _ := ParseTimeLimit(p.Time)
	memKube, _ := KubernetesMemory(p.Mem)
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	name := p.KubeName()
	claim, merge := name+"-results", name+"-merge"
	q := yamlString
	labels := func(indent, component string) {
		w("%slabels:\n", indent)
		w("%s  app.kubernetes.io/name: sibsim\n", indent)
		w("%s  app.kubernetes.io/component: %s\n", indent, component)
		w("%s  app.kubernetes.io/instance: %s\n", indent, name)
	}
	resources := func(cpu string) {
		w("          resources:\n")
		w("            requests:\n")
		w("              cpu: %s\n", q(cpu))
		if memKube != "" {
			w("              memory: %s\n", memKube)
			w("            limits:\n")
			w("              memory: %s\n", memKube)
		}
	}
	resultsVolume := func() {
		w("        - name: results\n")
		w("          persistentVolumeClaim:\n")
		w("            claimName: %s\n", claim)
	}
	w("# Kubernetes Indexed Job for the sibsim sweep %s: %d pods, pod K runs shard K,\n", p.Name, p.Shards)
	w("# then a Job that merges the shards into %s/merged.\n", p.Root)
	w("# Written by \"sibsim sweep plan --kubernetes\"; docs/cluster.md explains it.\n")
	w("# Needs Kubernetes %s or later, and a storage class that provides ReadWriteMany\n", KubeVersion)
	w("# volumes (or set accessModes to ReadWriteOnce if every pod runs on one node).\n")
	w("#\n")
	w("#   kubectl apply -f THIS_FILE\n")
	w("#   kubectl wait --for=condition=complete --timeout=24h job/%s\n", name)
	w("#   kubectl patch job/%s --type=merge -p '{\"spec\":{\"suspend\":false}}'\n", merge)
	w("#   kubectl wait --for=condition=complete --timeout=1h job/%s\n", merge)
	w("#\n")
	w("# The merge Job is created suspended and starts only when resumed: the\n")
	w("# merged result is byte-identical to an unsharded run.\n")
	w("apiVersion: v1\n")
	w("kind: PersistentVolumeClaim\n")
	w("metadata:\n")
	w("  name: %s\n", claim)
	labels("  ", "results")
	w("spec:\n")
	w("  accessModes: [ReadWriteMany]\n")
	w("  resources:\n")
	w("    requests:\n")
	w("      storage: %s\n", storage)
	w("---\n")
	if len(p.Files) > 0 {
		w("apiVersion: v1\n")
		w("kind: ConfigMap\n")
		w("metadata:\n")
		w("  name: %s\n", name)
		labels("  ", "sweep")
		w("data:\n")
		for _, f := range p.Files {
			var data bytes.Buffer
			enc := yaml.NewEncoder(&data)
			enc.SetIndent(2)
			node := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
				{Kind: yaml.ScalarNode, Value: f.Key},
				{Kind: yaml.ScalarNode, Value: string(f.Content)},
			}}
			if err := enc.Encode(node); err != nil {
				return nil, fmt.Errorf("encode %s: %w", f.Path, err)
			}
			if err := enc.Close(); err != nil {
				return nil, fmt.Errorf("encode %s: %w", f.Path, err)
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
	labels("  ", "sweep")
	w("spec:\n")
	w("  completionMode: Indexed\n")
	w("  completions: %d\n", p.Shards)
	w("  parallelism: %d\n", p.Shards)
	w("  # Each index (shard) is retried on its own, up to 2 times; the new pod\n")
	w("  # resumes the shard from the volume. Evicted or preempted pods are\n")
	w("  # replaced without counting; usage errors and invalid input (exit\n")
	w("  # codes 2 and 3) fail the Job at once.\n")
	w("  backoffLimitPerIndex: 2\n")
	w("  podFailurePolicy:\n")
	w("    rules:\n")
	w("      - action: FailJob\n")
	w("        onExitCodes:\n")
	w("          containerName: sibsim\n")
	w("          operator: In\n")
	w("          values: [2, 3]\n")
	w("      - action: Ignore\n")
	w("        onPodConditions:\n")
	w("          - type: DisruptionTarget\n")
	w("  template:\n")
	w("    metadata:\n")
	labels("      ", "sweep")
	w("    spec:\n")
	w("      restartPolicy: Never\n")
	if seconds > 0 {
		w("      activeDeadlineSeconds: %d\n", seconds)
	}
	w("      containers:\n")
	w("        - name: sibsim\n")
	w("          image: %s\n", q(p.Image))
	if len(p.Files) > 0 {
		w("          workingDir: %s\n", KubeSweepDir)
	}
	w("          command: [sibsim]\n")
	w("          args:\n")
	for _, a := range []string{
		"sweep", p.Ref,
		"--out", p.Root + "/shard-$(JOB_COMPLETION_INDEX)",
		"--shards", strconv.Itoa(p.Shards),
		"--workers", strconv.Itoa(p.Workers),
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
	resources(strconv.Itoa(p.Workers))
	w("          volumeMounts:\n")
	if len(p.Files) > 0 {
		w("            - name: sweep\n")
		w("              mountPath: %s\n", KubeSweepDir)
		w("              readOnly: true\n")
	}
	w("            - name: results\n")
	w("              mountPath: %s\n", p.Root)
	w("      volumes:\n")
	if len(p.Files) > 0 {
		w("        - name: sweep\n")
		w("          configMap:\n")
		w("            name: %s\n", name)
		w("            items:\n")
		for _, f := range p.Files {
			w("              - key: %s\n", q(f.Key))
			w("                path: %s\n", q(f.Path))
		}
	}
	resultsVolume()
	w("---\n")
	w("apiVersion: batch/v1\n")
	w("kind: Job\n")
	w("metadata:\n")
	w("  name: %s\n", merge)
	labels("  ", "merge")
	w("spec:\n")
	w("  # Created suspended: resume it when job/%s is complete (see the top).\n", name)
	w("  suspend: true\n")
	w("  backoffLimit: 1\n")
	w("  template:\n")
	w("    metadata:\n")
	labels("      ", "merge")
	w("    spec:\n")
	w("      restartPolicy: Never\n")
	w("      containers:\n")
	w("        - name: sibsim\n")
	w("          image: %s\n", q(p.Image))
	w("          command: [sibsim]\n")
	w("          args:\n")
	w("            - sweep\n")
	w("            - merge\n")
	for k := range p.Shards {
		w("            - %s\n", q(fmt.Sprintf("%s/shard-%d", p.Root, k)))
	}
	w("            - --out\n")
	w("            - %s\n", q(p.Root+"/merged"))
	resources("1")
	w("          volumeMounts:\n")
	w("            - name: results\n")
	w("              mountPath: %s\n", p.Root)
	w("      volumes:\n")
	resultsVolume()
	return b.Bytes(), nil
}
