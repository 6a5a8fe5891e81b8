// Package kubeschema checks the Kubernetes manifests that "sibsim sweep
// plan --kubernetes" prints against the Kubernetes API of the release
// docs/cluster.md names (the typed objects of k8s.io/api at that release).
// It is a module of its own so that the Kubernetes libraries stay out of
// sibsim's go.mod; .ci/run runs it.
package kubeschema

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// kubeVersion is the release the manifests must run on; k8s.io/api
// v0.33.x is its API. docs/cluster.md and sweep.KubeVersion name it.
const kubeVersion = "1.33"

// goldenGlob matches the manifests the plan command's golden tests keep
// equal to what it prints.
const goldenGlob = "../../cmd/sibsim/testdata/plan/kubernetes*.yaml"

func TestVersionNamed(t *testing.T) {
	for _, name := range []string{"../../docs/cluster.md", "../../sim/sweep/cluster.go"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("1.33")) {
			t.Errorf("%s does not name Kubernetes %s, the API this test checks against", name, kubeVersion)
		}
	}
}

func TestManifestsMatchAPI(t *testing.T) {
	files, err := filepath.Glob(goldenGlob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests at %s (%v)", goldenGlob, err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			m, err := decodeManifest(data)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range m.check() {
				t.Error(p)
			}
			if len(m.jobs) != 2 || len(m.claims) != 1 {
				t.Errorf("%d Jobs and %d volume claims; want 2 (sweep, merge) and 1", len(m.jobs), len(m.claims))
			}
		})
	}
}

// TestStrictDecodingCatches: the checks fail on the mistakes they are
// for, so a pass means something.
func TestStrictDecodingCatches(t *testing.T) {
	name := "../../cmd/sibsim/testdata/plan/kubernetes.yaml"
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown field", "backoffLimitPerIndex: 2", "backoffLimitPerIndx: 2", "unknown field"},
		{"wrong type", "completions: 4", "completions: four", "cannot unmarshal"},
		{"per-index retries without Indexed", "completionMode: Indexed", "completionMode: NonIndexed", "backoffLimitPerIndex needs completionMode Indexed"},
		{"bad name", "name: sibsim-assessment-tariff-merge", "name: Sibsim_Merge", "metadata.name"},
		{"bad quantity", "storage: 10Gi", "storage: 10GB!", "quantities must match"},
		{"mount of no volume", "- name: results\n              mountPath: /results", "- name: nope\n              mountPath: /results", `volume mount "nope" names no volume`},
		{"nothing changed", "", "", ""},
		{"missing claim", "claimName: sibsim-assessment-tariff-results\n---", "claimName: other\n---", "claim \"other\" is not in the manifest"},
		{"restart policy", "restartPolicy: Never", "restartPolicy: OnFailure", "podFailurePolicy needs restartPolicy Never"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(s, tt.old) {
				t.Fatalf("%s does not hold %q", name, tt.old)
			}
			m, err := decodeManifest([]byte(strings.Replace(s, tt.old, tt.new, 1)))
			var problems []string
			if err != nil {
				problems = append(problems, err.Error())
			} else {
				problems = m.check()
			}
			if tt.want == "" {
				if len(problems) > 0 {
					t.Errorf("problems %q; want none", problems)
				}
				return
			}
			if !strings.Contains(strings.Join(problems, "\n"), tt.want) {
				t.Errorf("problems %q; want one containing %q", problems, tt.want)
			}
		})
	}
}

// manifest is a decoded multi-document manifest.
type manifest struct {
	claims     []*corev1.PersistentVolumeClaim
	configMaps []*corev1.ConfigMap
	jobs       []*batchv1.Job
}

// decodeManifest splits data into YAML documents and decodes each,
// strictly (unknown fields, duplicate fields and wrong types are errors),
// into the typed object of its kind.
func decodeManifest(data []byte) (*manifest, error) {
	m := &manifest{}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for i := 1; ; i++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		var obj any
		switch tm.APIVersion + " " + tm.Kind {
		case "v1 PersistentVolumeClaim":
			o := &corev1.PersistentVolumeClaim{}
			m.claims, obj = append(m.claims, o), o
		case "v1 ConfigMap":
			o := &corev1.ConfigMap{}
			m.configMaps, obj = append(m.configMaps, o), o
		case "batch/v1 Job":
			o := &batchv1.Job{}
			m.jobs, obj = append(m.jobs, o), o
		default:
			return nil, fmt.Errorf("document %d: unexpected %s %s", i, tm.APIVersion, tm.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			return nil, fmt.Errorf("document %d (%s): %w", i, tm.Kind, err)
		}
	}
	return m, nil
}

var comment = regexp.MustCompile(`(?m)^\s*#.*$`)

func stripComments(doc []byte) []byte { return comment.ReplaceAll(doc, nil) }

// check lists what the API server would refuse, or what would keep the
// plan from running, of what strict decoding lets through.
func (m *manifest) check() []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	meta := func(kind string, om metav1.ObjectMeta) {
		for _, e := range validation.IsDNS1123Subdomain(om.Name) {
			bad("%s metadata.name %q: %s", kind, om.Name, e)
		}
		if len(om.Name) > 63 && kind == "Job" {
			bad("%s metadata.name %q: longer than 63 characters (a label value)", kind, om.Name)
		}
		for k, v := range om.Labels {
			for _, e := range validation.IsQualifiedName(k) {
				bad("%s label key %q: %s", kind, k, e)
			}
			for _, e := range validation.IsValidLabelValue(v) {
				bad("%s label %s value %q: %s", kind, k, v, e)
			}
		}
	}
	claims := map[string]bool{}
	for _, c := range m.claims {
		meta("PersistentVolumeClaim", c.ObjectMeta)
		claims[c.Name] = true
		if len(c.Spec.AccessModes) == 0 {
			bad("PersistentVolumeClaim %s: no accessModes", c.Name)
		}
		q, ok := c.Spec.Resources.Requests[corev1.ResourceStorage]
		if !ok || q.Sign() <= 0 {
			bad("PersistentVolumeClaim %s: no positive storage request", c.Name)
		}
	}
	configMaps := map[string]*corev1.ConfigMap{}
	for _, c := range m.configMaps {
		meta("ConfigMap", c.ObjectMeta)
		configMaps[c.Name] = c
		for k := range c.Data {
			for _, e := range validation.IsConfigMapKey(k) {
				bad("ConfigMap %s key %q: %s", c.Name, k, e)
			}
		}
	}
	for _, j := range m.jobs {
		meta("Job", j.ObjectMeta)
		s := j.Spec
		pod := s.Template.Spec
		indexed := s.CompletionMode != nil && *s.CompletionMode == batchv1.IndexedCompletion
		if s.BackoffLimitPerIndex != nil && !indexed {
			bad("Job %s: backoffLimitPerIndex needs completionMode Indexed", j.Name)
		}
		if indexed && s.Completions == nil {
			bad("Job %s: completionMode Indexed needs completions", j.Name)
		}
		if s.PodFailurePolicy != nil && pod.RestartPolicy != corev1.RestartPolicyNever {
			bad("Job %s: podFailurePolicy needs restartPolicy Never", j.Name)
		}
		if pod.RestartPolicy != corev1.RestartPolicyNever && pod.RestartPolicy != corev1.RestartPolicyOnFailure {
			bad("Job %s: restartPolicy %q; a Job's pods need Never or OnFailure", j.Name, pod.RestartPolicy)
		}
		for k, v := range s.Template.Labels {
			if j.Labels[k] != v {
				bad("Job %s: template label %s=%s not on the Job", j.Name, k, v)
			}
		}
		if len(pod.Containers) == 0 {
			bad("Job %s: no containers", j.Name)
		}
		volumes := map[string]bool{}
		for _, v := range pod.Volumes {
			volumes[v.Name] = true
			if pvc := v.PersistentVolumeClaim; pvc != nil && !claims[pvc.ClaimName] {
				bad("Job %s: volume %s: claim %q is not in the manifest", j.Name, v.Name, pvc.ClaimName)
			}
			if cm := v.ConfigMap; cm != nil {
				c, ok := configMaps[cm.Name]
				if !ok {
					bad("Job %s: volume %s: ConfigMap %q is not in the manifest", j.Name, v.Name, cm.Name)
				}
				for _, it := range cm.Items {
					if _, ok := c.Data[it.Key]; c != nil && !ok {
						bad("Job %s: volume %s: ConfigMap %s has no key %q", j.Name, v.Name, cm.Name, it.Key)
					}
				}
			}
		}
		for _, c := range pod.Containers {
			for _, e := range validation.IsDNS1123Label(c.Name) {
				bad("Job %s container %q: %s", j.Name, c.Name, e)
			}
			if c.Image == "" {
				bad("Job %s container %s: no image", j.Name, c.Name)
			}
			for _, vm := range c.VolumeMounts {
				if !volumes[vm.Name] {
					bad("Job %s container %s: volume mount %q names no volume", j.Name, c.Name, vm.Name)
				}
			}
			for _, list := range []corev1.ResourceList{c.Resources.Requests, c.Resources.Limits} {
				for r, q := range list {
					if q.Sign() <= 0 {
						bad("Job %s container %s: %s %s is not positive", j.Name, c.Name, r, q.String())
					}
				}
			}
			if s.PodFailurePolicy != nil {
				for _, r := range s.PodFailurePolicy.Rules {
					if r.OnExitCodes != nil && r.OnExitCodes.ContainerName != nil && *r.OnExitCodes.ContainerName != c.Name {
						bad("Job %s: podFailurePolicy names container %q", j.Name, *r.OnExitCodes.ContainerName)
					}
				}
			}
		}
	}
	return problems
}
