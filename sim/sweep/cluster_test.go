package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestParseTimeLimit(t *testing.T) {
	tests := []struct {
		in      string
		seconds int
		ok      bool
	}{
		{"00:00:01", 1, true},
		{"02:00:00", 7200, true},
		{"1-02:30:00", ((24+2)*60 + 30) * 60, true},
		{"9999:59:59", (9999*60+59)*60 + 59, true},
		{"00:00:00", 0, true},
		{"2h", 0, false},
		{"1:00:00:00", 0, false},
		{"00:60:00", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseTimeLimit(tt.in)
		if got != tt.seconds || ok != tt.ok {
			t.Errorf("ParseTimeLimit(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.seconds, tt.ok)
		}
	}
}

func TestKubernetesMemory(t *testing.T) {
	tests := []struct{ in, want string }{
		{"3000", "3000Mi"}, {"8G", "8Gi"}, {"512K", "512Ki"}, {"2T", "2Ti"}, {"100M", "100Mi"},
		{"4GB", ""}, {"0", ""}, {"1.5G", ""}, {"", ""}, {"g", ""},
	}
	for _, tt := range tests {
		got, ok := KubernetesMemory(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("KubernetesMemory(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.want != "")
		}
	}
}

func TestClusterNames(t *testing.T) {
	long := strings.Repeat("abcdefghij", 7)
	tests := []struct{ name, job, kube string }{
		{"assessment-tariff", "assessment-tariff", "sibsim-assessment-tariff"},
		{"My Sweep (v2)", "My-Sweep-v2", "sibsim-my-sweep-v2"},
		{"sibsim-core", "sibsim-core", "sibsim-core"},
		{"***", "sibsim-sweep", "sibsim"},
		{long, long[:52], ("sibsim-" + long)[:52]},
	}
	for _, tt := range tests {
		p := &ClusterPlan{Name: tt.name}
		if got := p.JobName(); got != tt.job {
			t.Errorf("JobName(%q) = %q; want %q", tt.name, got, tt.job)
		}
		if got := p.KubeName(); got != tt.kube {
			t.Errorf("KubeName(%q) = %q; want %q", tt.name, got, tt.kube)
		}
	}
}

// fakeFiles is a readFile over a map.
func fakeFiles(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		s, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("open %s: %w", name, fs.ErrNotExist)
		}
		return []byte(s), nil
	}
}

func TestKubernetesFiles(t *testing.T) {
	read := fakeFiles(map[string]string{
		"exp/sweep.yaml": "name: x\n", "exp/base.yaml": "extends: ways-to-wellness\n", "exp/base_yaml": "y",
	})
	files, err := KubernetesFiles("exp/sweep.yaml",
		[]string{"exp/base.yaml", "scenarios/ways-to-wellness.yaml", "exp/base_yaml"}, read)
	if err != nil {
		t.Fatalf("KubernetesFiles = %v; want nil", err)
	}
	want := []ClusterFile{
		{Key: "exp_sweep.yaml", Path: "exp/sweep.yaml", Content: []byte("name: x\n")},
		{Key: "exp_base.yaml", Path: "exp/base.yaml", Content: []byte("extends: ways-to-wellness\n")},
		{Key: "exp_base_yaml", Path: "exp/base_yaml", Content: []byte("y")},
	}
	if fmt.Sprint(files) != fmt.Sprint(want) {
		t.Errorf("KubernetesFiles = %v; want %v (shipped scenario left out)", files, want)
	}

	if files, err := KubernetesFiles("assessment-tariff", []string{"scenarios/ways-to-wellness.yaml"}, read); err != nil || files != nil {
		t.Errorf("KubernetesFiles(shipped experiment) = %v, %v; want nothing to ship", files, err)
	}

	var pe *ShipPathError
	for _, ref := range []string{"/abs/sweep.yaml", "../up/sweep.yaml"} {
		if _, err := KubernetesFiles(ref, nil, read); !errors.As(err, &pe) || pe.Path != ref {
			t.Errorf("KubernetesFiles(%q) = %v; want a *ShipPathError for it", ref, err)
		}
	}
	if _, err := KubernetesFiles("exp/missing.yaml", nil, read); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("KubernetesFiles(missing file) = %v; want the read error", err)
	}
	big := fakeFiles(map[string]string{"big.yaml": strings.Repeat("x", MaxConfigMapBytes+1)})
	if _, err := KubernetesFiles("big.yaml", nil, big); !errors.Is(err, ErrConfigMapSize) {
		t.Errorf("KubernetesFiles(too large) = %v; want ErrConfigMapSize", err)
	}
}

func testPlan() *ClusterPlan {
	return &ClusterPlan{
		Name: "tariff", Ref: "exp/sweep.yaml", Root: "/scratch/out", Shards: 3, Workers: 2,
		Time: "01:00:00", Mem: "4G", Binary: "/opt/sibsim", Chdir: "/home/ann", Image: "sibsim:v1",
		Files: []ClusterFile{{Key: "exp_sweep.yaml", Path: "exp/sweep.yaml", Content: []byte("name: tariff\n")}},
	}
}

func TestSlurmScript(t *testing.T) {
	out, err := testPlan().SlurmScript()
	if err != nil {
		t.Fatalf("SlurmScript = %v; want nil", err)
	}
	s := string(out)
	for _, want := range []string{"#SBATCH --array=0-2\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --mem=4G\n",
		"#SBATCH --time=01:00:00\n", "#SBATCH --chdir=/home/ann\n", "exec /opt/sibsim sweep exp/sweep.yaml \\\n",
		"--shard ${SLURM_ARRAY_TASK_ID}/3 \\\n", "sweep merge /scratch/out/shard-{0..2} --out /scratch/out/merged"} {
		if !strings.Contains(s, want) {
			t.Errorf("SlurmScript lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "--partition") {
		t.Errorf("SlurmScript names a partition though none was given")
	}
	if bash, err := exec.LookPath("bash"); err == nil {
		name := filepath.Join(t.TempDir(), "job.sh")
		if err := os.WriteFile(name, out, 0o644); err != nil {
			t.Fatal(err)
		}
		if msg, err := exec.Command(bash, "-n", name).CombinedOutput(); err != nil {
			t.Errorf("bash -n: %v\n%s", err, msg)
		}
	}
}

func TestKubernetesManifest(t *testing.T) {
	out, err := testPlan().KubernetesManifest()
	if err != nil {
		t.Fatalf("KubernetesManifest = %v; want nil", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(out))
	var kinds []string
	var docs []map[string]any
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			break
		}
		kinds = append(kinds, fmt.Sprint(doc["kind"]))
		docs = append(docs, doc)
	}
	if fmt.Sprint(kinds) != "[PersistentVolumeClaim ConfigMap Job Job]" {
		t.Fatalf("KubernetesManifest documents %v; want [PersistentVolumeClaim ConfigMap Job Job]\n%s", kinds, out)
	}
	job := docs[2]
	if merge := docs[3]; merge["spec"].(map[string]any)["suspend"] != true {
		t.Errorf("merge Job not suspended: %v", merge["spec"])
	}
	if s := docs[0]["spec"].(map[string]any)["resources"].(map[string]any)["requests"].(map[string]any)["storage"]; s != DefaultKubeStorage {
		t.Errorf("volume claim storage %v; want %s", s, DefaultKubeStorage)
	}
	spec := job["spec"].(map[string]any)
	pod := spec["template"].(map[string]any)["spec"].(map[string]any)
	c := pod["containers"].([]any)[0].(map[string]any)
	if spec["completions"] != 3 || pod["activeDeadlineSeconds"] != 3600 || c["workingDir"] != KubeSweepDir {
		t.Errorf("job: completions %v, deadline %v, workingDir %v; want 3, 3600, %s", spec["completions"], pod["activeDeadlineSeconds"], c["workingDir"], KubeSweepDir)
	}
	mem := c["resources"].(map[string]any)["limits"].(map[string]any)["memory"]
	if mem != "4Gi" {
		t.Errorf("memory limit %v; want 4Gi", mem)
	}
}

func TestClusterPlanInvalid(t *testing.T) {
	tests := []struct {
		name string
		mod  func(p *ClusterPlan)
	}{
		{"no shards", func(p *ClusterPlan) { p.Shards = 0 }},
		{"no workers", func(p *ClusterPlan) { p.Workers = 0 }},
		{"unsafe ref", func(p *ClusterPlan) { p.Ref = "my sweep.yaml" }},
		{"relative root", func(p *ClusterPlan) { p.Root = "out" }},
		{"bad time", func(p *ClusterPlan) { p.Time = "2h" }},
		{"bad mem", func(p *ClusterPlan) { p.Mem = "4GB" }},
	}
	p0 := testPlan()
	p0.Storage = "50 GB"
	if _, err := p0.KubernetesManifest(); err == nil {
		t.Errorf("KubernetesManifest with a bad storage size = nil error; want one")
	}
	for _, tt := range tests {
		p := testPlan()
		tt.mod(p)
		if _, err := p.SlurmScript(); err == nil {
			t.Errorf("%s: SlurmScript = nil error; want one", tt.name)
		}
		if _, err := p.KubernetesManifest(); err == nil {
			t.Errorf("%s: KubernetesManifest = nil error; want one", tt.name)
		}
	}
	p := testPlan()
	p.Binary = "/opt/my sibsim"
	if _, err := p.SlurmScript(); err == nil {
		t.Errorf("SlurmScript with an unsafe binary = nil error; want one")
	}
	p = testPlan()
	p.Image = "my image"
	if _, err := p.KubernetesManifest(); err == nil {
		t.Errorf("KubernetesManifest with a bad image = nil error; want one")
	}
}
