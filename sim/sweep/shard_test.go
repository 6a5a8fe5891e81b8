package sweep

import (
	"errors"
	"strings"
	"testing"
)

func TestResolveShard(t *testing.T) {
	// slurm gives the environment of task id of an array min-max:step.
	slurm := func(id, lo, hi, step, count string) map[string]string {
		return map[string]string{"SLURM_ARRAY_TASK_ID": id, "SLURM_ARRAY_TASK_MIN": lo, "SLURM_ARRAY_TASK_MAX": hi,
			"SLURM_ARRAY_TASK_STEP": step, "SLURM_ARRAY_TASK_COUNT": count}
	}
	tests := []struct {
		name   string
		shard  string
		shards int
		env    map[string]string
		k, n   int
		source string
		err    string
	}{
		{name: "none", k: 0, n: 1},
		{name: "flag", shard: "2/5", k: 2, n: 5},
		{name: "flag leading zero is decimal", shard: "010/12", k: 10, n: 12},
		{name: "flag wins", shard: "1/2", env: slurm("7", "0", "7", "1", "8"), k: 1, n: 2},
		{name: "unsharded by flag", shard: "0/1", env: slurm("3", "0", "7", "1", "8"), k: 0, n: 1},
		{name: "slurm", env: slurm("3", "0", "7", "1", "8"), k: 3, n: 8, source: "SLURM_ARRAY_TASK_ID"},
		{name: "slurm from 1", env: slurm("8", "1", "8", "1", "8"), k: 7, n: 8, source: "SLURM_ARRAY_TASK_ID"},
		{name: "slurm step 0-6:2 task 0", env: slurm("0", "0", "6", "2", "4"), k: 0, n: 4, source: "SLURM_ARRAY_TASK_ID"},
		{name: "slurm step 0-6:2 task 4", env: slurm("4", "0", "6", "2", "4"), k: 2, n: 4, source: "SLURM_ARRAY_TASK_ID"},
		{name: "slurm step 0-6:2 task 6", env: slurm("6", "0", "6", "2", "4"), k: 3, n: 4, source: "SLURM_ARRAY_TASK_ID"},
		{name: "slurm step 3-12:3 task 9", env: slurm("9", "3", "12", "3", "4"), k: 2, n: 4, source: "SLURM_ARRAY_TASK_ID"},
		{name: "slurm step without max", env: map[string]string{"SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, k: 3, n: 4, source: "SLURM_ARRAY_TASK_ID"},
		{name: "slurm shards agree", shards: 4, env: slurm("2", "0", "6", "2", "4"), k: 1, n: 4, source: "SLURM_ARRAY_TASK_ID"},
		{name: "slurm off step", env: slurm("3", "0", "6", "2", "4"), err: "is not a task of the array"},
		{name: "slurm beyond count", env: map[string]string{"SLURM_ARRAY_TASK_ID": "20", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "1", "SLURM_ARRAY_TASK_COUNT": "11"}, err: "is not a task of the array"},
		{name: "slurm list", env: slurm("5", "0", "5", "1", "3"), err: "not evenly stepped"},
		{name: "slurm no count", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "1"}, err: "SLURM_ARRAY_TASK_COUNT"},
		{name: "slurm no step", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"}, err: "SLURM_ARRAY_TASK_STEP"},
		{name: "slurm no min", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_STEP": "1", "SLURM_ARRAY_TASK_COUNT": "4"}, err: "SLURM_ARRAY_TASK_MIN"},
		{name: "slurm step 0", env: slurm("0", "0", "0", "0", "1"), err: "SLURM_ARRAY_TASK_STEP is 0"},
		{name: "slurm shards disagree", shards: 3, env: slurm("2", "0", "6", "2", "4"), err: "disagrees with SLURM_ARRAY_TASK_COUNT 4"},
		{name: "slurm hex", env: slurm("0x2", "0", "6", "2", "4"), err: "SLURM_ARRAY_TASK_ID must be a whole number >= 0 in decimal"},
		{name: "kubernetes flag", shards: 4, env: map[string]string{"JOB_COMPLETION_INDEX": "3"}, k: 3, n: 4, source: "JOB_COMPLETION_INDEX"},
		{name: "kubernetes env", env: map[string]string{"JOB_COMPLETION_INDEX": "0", "SIBSIM_SHARDS": "2"}, k: 0, n: 2, source: "JOB_COMPLETION_INDEX"},
		{name: "kubernetes no count", env: map[string]string{"JOB_COMPLETION_INDEX": "0"}, err: "--shards N or SIBSIM_SHARDS"},
		{name: "kubernetes out of range", shards: 2, env: map[string]string{"JOB_COMPLETION_INDEX": "2"}, err: "is not a shard of 2"},
		{name: "bad env", env: map[string]string{"JOB_COMPLETION_INDEX": "x"}, err: "must be a whole number"},
		{name: "bad env sign", env: map[string]string{"JOB_COMPLETION_INDEX": "+1", "SIBSIM_SHARDS": "2"}, err: "JOB_COMPLETION_INDEX must be a whole number"},
		{name: "bad flag", shard: "1-2", err: "--shard must be K/N"},
		{name: "hex flag", shard: "0x1/4", err: "--shard must be K/N"},
		{name: "signed flag", shard: "+1/4", err: "--shard must be K/N"},
		{name: "spaced flag", shard: "1/ 4", err: "--shard must be K/N"},
		{name: "flag k = n", shard: "4/4", err: "--shard must be K/N"},
		{name: "flags disagree", shard: "1/2", shards: 3, err: "disagree"},
		{name: "negative shards", shards: -1, err: "--shards must be >= 1"},
		{name: "shards without index", shards: 3, err: "--shards needs --shard K/N"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveShard(tt.shard, tt.shards, func(k string) string { return tt.env[k] })
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrShardSpec) {
					t.Errorf("ResolveShard = %+v, %v; want an ErrShardSpec error containing %q", got, err, tt.err)
				}
				return
			}
			want := ShardSpec{Shard: tt.k, Shards: tt.n, Source: tt.source}
			if err != nil || got != want {
				t.Errorf("ResolveShard = %+v, %v; want %+v", got, err, want)
			}
		})
	}
}

func TestStepsOverlap(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"providers[*].culture", "providers[0].culture", true},
		{"providers[1].culture", "providers[0].culture", false},
		{"providers[*].culture", "providers[*].culture", true},
		{"providers[*].culture", "providers[*].pressure", false},
		{"a.*.x", "a.b.x", true},
		{"a.*.x", "a.b[0].x", false},
		{"a.b[*][2]", "a.b[1][*]", true},
		{"a.b[*][2]", "a.b[1][3]", false},
		{"a.b", "a.b.c", false},
	}
	for _, tt := range tests {
		if got := stepsOverlap(pathSteps(tt.a), pathSteps(tt.b)); got != tt.want {
			t.Errorf("stepsOverlap(%s, %s) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
