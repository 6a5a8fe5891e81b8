package sweep

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrShardSpec is wrapped by every error of ResolveShard: the shard asked
// for, by flags or by a cluster's environment, cannot be worked out.
var ErrShardSpec = errors.New("cannot tell which shard to run")

// ShardSpec is the shard a sweep process runs: chunks c with
// c % Shards == Shard.
type ShardSpec struct {
	Shard, Shards int
	// Source names where the shard came from: "" for the --shard flag or an
	// unsharded run, "SLURM_ARRAY_TASK_ID" or "JOB_COMPLETION_INDEX".
	Source string
}

// ResolveShard works out the shard to run from the --shard flag (flag,
// "K/N", or "" when not given), the --shards flag (shards, 0 when not
// given) and the environment read through getenv, in this order:
//
//   - flag "K/N": shard K of N (0 <= K < N); shards, if given, must be N.
//   - a Slurm job array (SLURM_ARRAY_TASK_ID set): its tasks are
//     SLURM_ARRAY_TASK_MIN, MIN+STEP, ..., SLURM_ARRAY_TASK_COUNT of them
//     (STEP is SLURM_ARRAY_TASK_STEP; all three must be set); task ID is
//     shard (ID-MIN)/STEP of COUNT. shards, if given, must equal COUNT. The
//     array must be evenly stepped: when SLURM_ARRAY_TASK_MAX is set,
//     COUNT must be (MAX-MIN)/STEP+1, which rules out lists like
//     --array=0,1,5 whose tasks would not be shards 0 to COUNT-1.
//   - a Kubernetes Indexed Job (JOB_COMPLETION_INDEX set): shard
//     JOB_COMPLETION_INDEX of shards, or of SIBSIM_SHARDS.
//   - otherwise one shard of one (shards must be 0 or 1).
//
// Every number must be written in decimal digits. Errors wrap
// ErrShardSpec and say what to set; nothing is guessed.
func ResolveShard(flag string, shards int, getenv func(string) string) (ShardSpec, error) {
	bad := func(format string, args ...any) (ShardSpec, error) {
		return ShardSpec{}, fmt.Errorf("%w: %s", ErrShardSpec, fmt.Sprintf(format, args...))
	}
	if shards < 0 {
		return bad("--shards must be >= 1 (got %d)", shards)
	}
	if flag != "" {
		ks, ns, ok := strings.Cut(flag, "/")
		k, okK := parseCount(ks)
		n, okN := parseCount(ns)
		if !ok || !okK || !okN || n < 1 || k >= n {
			return bad("--shard must be K/N in decimal with 0 <= K < N, like 0/4 (got %q)", flag)
		}
		if shards != 0 && shards != n {
			return bad("--shard %s and --shards %d disagree", flag, shards)
		}
		return ShardSpec{Shard: k, Shards: n}, nil
	}
	type envInt struct {
		v   int
		set bool
	}
	var envErr error
	env := func(name string) envInt {
		s := strings.TrimSpace(getenv(name))
		if s == "" {
			return envInt{}
		}
		v, ok := parseCount(s)
		if !ok && envErr == nil {
			envErr = fmt.Errorf("%w: %s must be a whole number >= 0 in decimal (got %q)", ErrShardSpec, name, s)
		}
		return envInt{v, true}
	}
	if id := env("SLURM_ARRAY_TASK_ID"); id.set {
		lo, step, hi, count := env("SLURM_ARRAY_TASK_MIN"), env("SLURM_ARRAY_TASK_STEP"), env("SLURM_ARRAY_TASK_MAX"), env("SLURM_ARRAY_TASK_COUNT")
		if envErr != nil {
			return ShardSpec{}, envErr
		}
		if !lo.set || !step.set || !count.set {
			return bad("SLURM_ARRAY_TASK_ID is set but not all of SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_STEP and SLURM_ARRAY_TASK_COUNT: give --shard K/N")
		}
		switch {
		case step.v < 1:
			return bad("SLURM_ARRAY_TASK_STEP is %d; want >= 1", step.v)
		case count.v < 1:
			return bad("SLURM_ARRAY_TASK_COUNT is %d; want >= 1", count.v)
		case hi.set && (hi.v < lo.v || (hi.v-lo.v)%step.v != 0 || (hi.v-lo.v)/step.v+1 != count.v):
			return bad("the Slurm array (min %d, max %d, step %d, count %d) is not evenly stepped, so its tasks are not shards 0 to %d: "+
				"use an array like --array=0-%d, or give --shard K/N", lo.v, hi.v, step.v, count.v, count.v-1, count.v-1)
		case id.v < lo.v || (id.v-lo.v)%step.v != 0 || (id.v-lo.v)/step.v >= count.v:
			return bad("Slurm array task %d is not a task of the array (min %d, step %d, count %d): give --shard K/N", id.v, lo.v, step.v, count.v)
		case shards != 0 && shards != count.v:
			return bad("--shards %d disagrees with SLURM_ARRAY_TASK_COUNT %d", shards, count.v)
		}
		return ShardSpec{Shard: (id.v - lo.v) / step.v, Shards: count.v, Source: "SLURM_ARRAY_TASK_ID"}, nil
	}
	if k := env("JOB_COMPLETION_INDEX"); k.set {
		n := envInt{shards, shards != 0}
		if !n.set {
			n = env("SIBSIM_SHARDS")
		}
		if envErr != nil {
			return ShardSpec{}, envErr
		}
		if !n.set || n.v < 1 {
			return bad("JOB_COMPLETION_INDEX is set: give the number of shards with --shards N or SIBSIM_SHARDS (the Job's completions)")
		}
		if k.v >= n.v {
			return bad("JOB_COMPLETION_INDEX %d is not a shard of %d", k.v, n.v)
		}
		return ShardSpec{Shard: k.v, Shards: n.v, Source: "JOB_COMPLETION_INDEX"}, nil
	}
	if shards > 1 {
		return bad("--shards needs --shard K/N, or a job index in SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX")
	}
	return ShardSpec{Shard: 0, Shards: 1}, nil
}

// parseCount parses a whole number >= 0 written in decimal digits only
// (no sign, spaces, underscores or base prefix).
func parseCount(s string) (int, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.Atoi(s)
	return v, err == nil
}
