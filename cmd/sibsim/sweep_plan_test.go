package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const planSweep = "testdata/plan/tariff.yaml"

// planOptions are sweep plan options as the command sets them, with the
// working directory and the executable frozen so that golden files do not
// depend on the machine.
func planOptions(mod func(o *sweepPlanOptions, set map[string]bool)) *sweepPlanOptions {
	o := &sweepPlanOptions{
		file:       planSweep,
		shards:     defaultPlanShards,
		outDir:     defaultPlanOutDir,
		workers:    defaultPlanWorkers,
		image:      defaultPlanImage,
		loadSweep:  (&deps{loader: defaultLoader()}).loadSweep,
		readFile:   os.ReadFile,
		executable: func() (string, error) { return "/opt/sibsim/bin/sibsim", nil },
		getwd:      func() (string, error) { return "/home/ann/sibsim", nil },
		abs: func(p string) (string, error) {
			if filepath.IsAbs(p) {
				return filepath.Clean(p), nil
			}
			return filepath.Join("/home/ann/sibsim", p), nil
		},
	}
	set := map[string]bool{}
	if mod != nil {
		mod(o, set)
	}
	o.set = func(name string) bool { return set[name] }
	return o
}

func runPlan(t *testing.T, o *sweepPlanOptions) []byte {
	t.Helper()
	var out, errb bytes.Buffer
	if err := runSweepPlan(context.Background(), o, streams{out: &out, err: &errb}); err != nil {
		t.Fatalf("runSweepPlan(%+v) = %v; want nil", o, err)
	}
	if errb.Len() > 0 {
		t.Errorf("runSweepPlan wrote to stderr: %s", errb.String())
	}
	return out.Bytes()
}

var planCases = []struct {
	name   string
	golden string
	mod    func(o *sweepPlanOptions, set map[string]bool)
}{
	{"slurm defaults", "slurm.sh", func(o *sweepPlanOptions, _ map[string]bool) { o.slurm = true }},
	{"slurm shipped sweep, every flag", "slurm-flags.sh", func(o *sweepPlanOptions, set map[string]bool) {
		o.slurm, o.file, o.shards, o.workers = true, "assessment-tariff", 12, 8
		o.outDir, o.binary = "/scratch/ann/tariff", "/shared/bin/sibsim"
		o.time, o.mem, o.partition = "1-02:30:00", "8G", "compute"
		for _, f := range []string{"shards", "workers", "out-dir", "binary", "time", "mem", "partition"} {
			set[f] = true
		}
	}},
	{"kubernetes defaults", "kubernetes.yaml", func(o *sweepPlanOptions, _ map[string]bool) { o.kubernetes = true }},
	{"kubernetes shipped sweep, every flag", "kubernetes-flags.yaml", func(o *sweepPlanOptions, set map[string]bool) {
		o.kubernetes, o.file, o.shards, o.workers = true, "assessment-tariff", 16, 4
		o.outDir, o.image = "/data/sweeps", "registry.example.org/sibsim:v1.2.0"
		o.time, o.mem = "02:00:00", "3000"
		for _, f := range []string{"shards", "workers", "out-dir", "image", "time", "mem"} {
			set[f] = true
		}
	}},
	{"kubernetes sweep of a scenario file", "kubernetes-local.yaml", func(o *sweepPlanOptions, set map[string]bool) {
		o.kubernetes, o.file, o.shards, set["shards"] = true, "testdata/plan/local.yaml", 2, true
	}},
}

func TestSweepPlanGolden(t *testing.T) {
	for _, tc := range planCases {
		t.Run(tc.name, func(t *testing.T) {
			got := runPlan(t, planOptions(tc.mod))
			if again := runPlan(t, planOptions(tc.mod)); !bytes.Equal(got, again) {
				t.Fatalf("two runs with the same options differ")
			}
			golden := filepath.Join("testdata", "plan", tc.golden)
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("sweep plan output differs from %s (go test -update rewrites it); got:\n%s", golden, got)
			}
		})
	}
}

func TestSweepPlanSlurmScriptParses(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	for _, tc := range planCases {
		o := planOptions(tc.mod)
		if !o.slurm {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			script := filepath.Join(t.TempDir(), "job.sh")
			if err := os.WriteFile(script, runPlan(t, o), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
				t.Errorf("bash -n job.sh: %v\n%s", err, out)
			}
		})
	}
}

// TestSweepPlanSlurmTask runs the script's task line with a stand-in
// binary and checks the arguments that task 2 of 3 passes to sibsim.
func TestSweepPlanSlurmTask(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "sibsim")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	o := planOptions(func(o *sweepPlanOptions, set map[string]bool) {
		o.slurm, o.shards, o.workers, o.binary, o.outDir = true, 3, 1, fake, filepath.Join(dir, "out")
		set["binary"], set["out-dir"] = true, true
	})
	cmd := exec.Command(bash, "-c", string(runPlan(t, o)))
	cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID=2")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running the script as task 2: %v", err)
	}
	want := strings.Join([]string{"sweep", planSweep,
		"--out", filepath.Join(dir, "out", "shard-2"), "--shard", "2/3", "--workers", "1", "--resume"}, "\n") + "\n"
	if string(out) != want {
		t.Errorf("task 2 ran sibsim with\n%s; want\n%s", out, want)
	}
}

func TestSweepPlanKubernetesManifest(t *testing.T) {
	o := planOptions(func(o *sweepPlanOptions, set map[string]bool) {
		o.kubernetes, o.shards, o.workers, o.mem = true, 5, 3, "2G"
		set["shards"], set["workers"], set["mem"] = true, true, true
	})
	sweepFile, err := os.ReadFile(planSweep)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(runPlan(t, o)))
	var docs []map[string]any
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("manifest does not parse as YAML: %v", err)
		}
		docs = append(docs, doc)
	}
	if len(docs) != 4 {
		t.Fatalf("manifest has %d documents; want 4 (PersistentVolumeClaim, ConfigMap, Job, merge Job)", len(docs))
	}
	pvc, cm, job, merge := docs[0], docs[1], docs[2], docs[3]
	checks := []struct {
		doc  map[string]any
		path string
		want any
	}{
		{pvc, "kind", "PersistentVolumeClaim"},
		{pvc, "metadata.name", "sibsim-assessment-tariff-results"},
		{pvc, "spec.accessModes", []any{"ReadWriteMany"}},
		{pvc, "spec.resources.requests.storage", "10Gi"},
		{cm, "apiVersion", "v1"},
		{cm, "kind", "ConfigMap"},
		{cm, "metadata.name", "sibsim-assessment-tariff"},
		{cm, "data.testdata_plan_tariff\\.yaml", string(sweepFile)},
		{job, "apiVersion", "batch/v1"},
		{job, "kind", "Job"},
		{job, "metadata.name", "sibsim-assessment-tariff"},
		{job, "spec.completionMode", "Indexed"},
		{job, "spec.completions", 5},
		{job, "spec.parallelism", 5},
		{job, "spec.template.spec.restartPolicy", "Never"},
		{job, "spec.template.spec.containers.0.name", "sibsim"},
		{job, "spec.template.spec.containers.0.image", "sibsim:latest"},
		{job, "spec.template.spec.containers.0.command", []any{"sibsim"}},
		{job, "spec.template.spec.containers.0.workingDir", "/sweep"},
		{job, "spec.template.spec.containers.0.args", []any{"sweep", "testdata/plan/tariff.yaml",
			"--out", "/results/shard-$(JOB_COMPLETION_INDEX)", "--shards", "5", "--workers", "3", "--resume"}},
		{job, "spec.template.spec.containers.0.env.0.name", "JOB_COMPLETION_INDEX"},
		{job, "spec.template.spec.containers.0.env.0.valueFrom.fieldRef.fieldPath",
			"metadata.annotations['batch.kubernetes.io/job-completion-index']"},
		{job, "spec.template.spec.containers.0.resources.requests.cpu", "3"},
		{job, "spec.template.spec.containers.0.resources.requests.memory", "2Gi"},
		{job, "spec.template.spec.containers.0.resources.limits.memory", "2Gi"},
		{job, "spec.template.spec.containers.0.volumeMounts.0.mountPath", "/sweep"},
		{job, "spec.template.spec.containers.0.volumeMounts.1.mountPath", "/results"},
		{job, "spec.template.spec.volumes.0.configMap.name", "sibsim-assessment-tariff"},
		{job, "spec.template.spec.volumes.0.configMap.items", []any{
			map[string]any{"key": "testdata_plan_tariff.yaml", "path": "testdata/plan/tariff.yaml"}}},
		{job, "spec.template.spec.volumes.1.name", "results"},
		{job, "spec.template.spec.volumes.1.persistentVolumeClaim.claimName", "sibsim-assessment-tariff-results"},
		{job, "spec.backoffLimitPerIndex", 2},
		{job, "spec.podFailurePolicy.rules.0.onExitCodes.values", []any{2, 3}},
		{merge, "kind", "Job"},
		{merge, "metadata.name", "sibsim-assessment-tariff-merge"},
		{merge, "spec.suspend", true},
		{merge, "spec.template.spec.containers.0.args", []any{"sweep", "merge",
			"/results/shard-0", "/results/shard-1", "/results/shard-2", "/results/shard-3", "/results/shard-4",
			"--out", "/results/merged"}},
		{merge, "spec.template.spec.containers.0.resources.limits.memory", "2Gi"},
		{merge, "spec.template.spec.volumes.0.persistentVolumeClaim.claimName", "sibsim-assessment-tariff-results"},
	}
	for _, c := range checks {
		got, ok := lookup(c.doc, c.path)
		if !ok {
			t.Errorf("manifest has no %s", c.path)
			continue
		}
		if !equalYAML(got, c.want) {
			t.Errorf("manifest %s = %#v; want %#v", c.path, got, c.want)
		}
	}
}

// lookup follows a dotted path ("a.b.0.c", with \. for a literal dot)
// through decoded YAML.
func lookup(v any, path string) (any, bool) {
	var keys []string
	var cur strings.Builder
	for i := 0; i < len(path); i++ {
		switch {
		case path[i] == '\\' && i+1 < len(path):
			i++
			cur.WriteByte(path[i])
		case path[i] == '.':
			keys = append(keys, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(path[i])
		}
	}
	keys = append(keys, cur.String())
	for _, k := range keys {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func equalYAML(a, b any) bool {
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

func TestSweepPlanErrors(t *testing.T) {
	dir := t.TempDir()
	badYAML := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badYAML, []byte("name: [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	incomplete := filepath.Join(dir, "incomplete.yaml")
	if err := os.WriteFile(incomplete, []byte("name: x\nbase: ways-to-wellness\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		mod      func(o *sweepPlanOptions, set map[string]bool)
		wantCode int
		wantMsg  string
	}{
		{"no platform", func(o *sweepPlanOptions, _ map[string]bool) {}, exitUsage, "choose one of --slurm and --kubernetes"},
		{"both platforms", func(o *sweepPlanOptions, _ map[string]bool) { o.slurm, o.kubernetes = true, true }, exitUsage, "choose one of"},
		{"zero shards", func(o *sweepPlanOptions, _ map[string]bool) { o.slurm, o.shards = true, 0 }, exitUsage, "--shards must be between 1 and 10000 (got 0)"},
		{"zero workers", func(o *sweepPlanOptions, _ map[string]bool) { o.kubernetes, o.workers = true, 0 }, exitUsage, "--workers must be between 1"},
		{"image with slurm", func(o *sweepPlanOptions, set map[string]bool) { o.slurm, set["image"] = true, true }, exitUsage, "--image applies to --kubernetes only"},
		{"binary with kubernetes", func(o *sweepPlanOptions, set map[string]bool) { o.kubernetes, set["binary"] = true, true }, exitUsage, "--binary applies to --slurm only"},
		{"partition with kubernetes", func(o *sweepPlanOptions, set map[string]bool) { o.kubernetes, set["partition"] = true, true }, exitUsage, "--partition applies to --slurm only"},
		{"bad partition", func(o *sweepPlanOptions, _ map[string]bool) { o.slurm, o.partition = true, "a b" }, exitUsage, "--partition must be"},
		{"bad time", func(o *sweepPlanOptions, _ map[string]bool) { o.slurm, o.time = true, "2h" }, exitUsage, "--time must be [D-]HH:MM:SS"},
		{"zero time", func(o *sweepPlanOptions, _ map[string]bool) { o.slurm, o.time = true, "00:00:00" }, exitUsage, "--time must be more than zero"},
		{"bad mem", func(o *sweepPlanOptions, _ map[string]bool) { o.kubernetes, o.mem = true, "4GB" }, exitUsage, "--mem must be"},
		{"bad image", func(o *sweepPlanOptions, set map[string]bool) {
			o.kubernetes, o.image, set["image"] = true, "my image", true
		}, exitUsage, "--image must be"},
		{"unsafe out dir", func(o *sweepPlanOptions, _ map[string]bool) { o.slurm, o.outDir = true, "my results" }, exitUsage, "a path in a job script may hold only"},
		{"unsafe sweep path", func(o *sweepPlanOptions, _ map[string]bool) { o.slurm, o.file = true, "my sweep.yaml" }, exitUsage, "a path in a job script may hold only"},
		{"unsafe working directory", func(o *sweepPlanOptions, _ map[string]bool) {
			o.slurm, o.getwd = true, func() (string, error) { return "/home/ann/my sweeps", nil }
		}, exitUsage, "working directory"},
		{"bad storage", func(o *sweepPlanOptions, set map[string]bool) {
			o.kubernetes, o.storage, set["storage"] = true, "50 GB", true
		}, exitUsage, "--storage must be a size like 50Gi"},
		{"storage with slurm", func(o *sweepPlanOptions, set map[string]bool) {
			o.slurm, o.storage, set["storage"] = true, "50Gi", true
		}, exitUsage, "--storage"},
		{"relative kubernetes out dir", func(o *sweepPlanOptions, set map[string]bool) {
			o.kubernetes, o.outDir, set["out-dir"] = true, "results", true
		}, exitUsage, "must be an absolute path in the container"},
		{"invalid experiment, kubernetes", func(o *sweepPlanOptions, _ map[string]bool) {
			o.kubernetes, o.file = true, incomplete
		}, exitInvalid, "invalid experiment"},
		{"kubernetes, absolute sweep path", func(o *sweepPlanOptions, _ map[string]bool) {
			wd, _ := os.Getwd()
			o.kubernetes, o.file = true, filepath.Join(wd, planSweep)
		}, exitUsage, "must be a relative path without \"..\""},
		{"missing file", func(o *sweepPlanOptions, _ map[string]bool) { o.slurm, o.file = true, filepath.Join(dir, "nope.yaml") }, exitInvalid, "does not exist"},
		{"unknown shipped sweep", func(o *sweepPlanOptions, _ map[string]bool) { o.slurm, o.file = true, "no-such-sweep" }, exitInvalid, "no shipped experiment"},
		{"bad yaml", func(o *sweepPlanOptions, _ map[string]bool) { o.kubernetes, o.file = true, badYAML }, exitInvalid, "invalid experiment"},
		{"invalid experiment", func(o *sweepPlanOptions, _ map[string]bool) { o.slurm, o.file = true, incomplete }, exitInvalid, "invalid experiment"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := runSweepPlan(context.Background(), planOptions(tc.mod), streams{out: &out, err: &out})
			if code := exitCode(err); err == nil || code != tc.wantCode || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("runSweepPlan = %v (exit %d); want exit %d with %q", err, exitCode(err), tc.wantCode, tc.wantMsg)
			}
			if out.Len() > 0 {
				t.Errorf("runSweepPlan wrote %q; want nothing", out.String())
			}
		})
	}
}

// TestSweepPlanCommand runs "sibsim sweep plan" as a user would.
func TestSweepPlanCommand(t *testing.T) {
	ctx := context.Background()
	code, out, errOut := cli(t, ctx, "sweep", "plan", "assessment-tariff", "--slurm", "--shards", "3", "--binary", "/opt/sibsim", "--out-dir", "/scratch/tariff")
	if code != exitOK || errOut != "" {
		t.Fatalf("sweep plan --slurm: exit %d, stderr %q; want 0 and nothing", code, errOut)
	}
	for _, want := range []string{"#SBATCH --array=0-2\n", "#SBATCH --job-name=assessment-tariff\n",
		"exec /opt/sibsim sweep assessment-tariff \\\n", "--shard ${SLURM_ARRAY_TASK_ID}/3 \\\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("sweep plan --slurm output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = cli(t, ctx, "sweep", "plan", "assessment-tariff", "--kubernetes")
	if code != exitOK || !strings.Contains(out, "completionMode: Indexed\n") {
		t.Errorf("sweep plan --kubernetes: exit %d; want 0 and an Indexed Job:\n%s", code, out)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"sweep", "plan", "assessment-tariff"}, exitUsage},
		{[]string{"sweep", "plan", "--slurm"}, exitUsage},
		{[]string{"sweep", "plan", "assessment-tariff", "--slurm", "--shards", "x"}, exitUsage},
		{[]string{"sweep", "plan", filepath.Join(t.TempDir(), "missing.yaml"), "--slurm"}, exitInvalid},
	} {
		if code, out, errOut := cli(t, ctx, tc.args...); code != tc.code || out != "" {
			t.Errorf("sibsim %s: exit %d, stdout %q; want exit %d and nothing (stderr %q)", strings.Join(tc.args, " "), code, out, tc.code, errOut)
		}
	}
}

// TestSweepPlanTemporaryBinary: a plan made with "go run" names a binary
// that will be gone; the command says so on stderr.
func TestSweepPlanTemporaryBinary(t *testing.T) {
	o := planOptions(func(o *sweepPlanOptions, _ map[string]bool) {
		o.slurm = true
		o.executable = func() (string, error) { return "/tmp/go-build123/b001/exe/sibsim", nil }
	})
	var out, errb bytes.Buffer
	if err := runSweepPlan(context.Background(), o, streams{out: &out, err: &errb}); err != nil {
		t.Fatalf("runSweepPlan = %v; want nil", err)
	}
	if !strings.Contains(errb.String(), "warning: /tmp/go-build123/b001/exe/sibsim is a temporary build") {
		t.Errorf("runSweepPlan stderr = %q; want a warning about the temporary build", errb.String())
	}
}
