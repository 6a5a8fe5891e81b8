#!/usr/bin/env bash
# End-to-end test of sibsim on a real Slurm cluster: a one-node cluster on
# localhost, started by this script and stopped when it exits.
#
#  1. Installs Debian's slurm-wlm and munge if missing.
#  2. Starts a private munged (own key and socket), slurmctld and slurmd, all
#     with files under one temporary directory and on free ports, so it
#     touches neither /etc/slurm nor /etc/munge and can run beside another
#     copy of itself.
#  3. Submits the array script printed by "sibsim sweep plan --slurm" for the
#     shipped sweep in 3 shards, with the merge it suggests as a dependent
#     job; then drops a chunk of one shard and reruns that task alone, which
#     resumes; and checks that both merged results are byte-identical to an
#     unsharded local run.
#
# Needs root (to install packages and run slurmd). Called by .ci/run; run it
# alone with .ci/slurm-e2e.sh. docs/cluster.md describes it.
set -euo pipefail
cd "$(dirname "$0")/.."

sweep_file=scenarios/sweeps/assessment-tariff.yaml
shards=3
job_timeout=${SLURM_E2E_TIMEOUT:-300} # seconds to wait for an array job

step() { printf '\n== slurm: %s\n' "$*"; }
die() { printf 'slurm-e2e: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root: it installs slurm-wlm and runs slurmd"
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi

# Daemons this script started, in start order; stopped in reverse on exit.
daemon_pids=()
daemon_names=()
jobids=() # jobs it submitted, cancelled on exit
tmp=$(mktemp -d /tmp/sibsim-slurm.XXXXXX)

start_daemon() { # name command...
	local name=$1
	shift
	"$@" >"$tmp/log/$name.out" 2>&1 &
	daemon_pids+=("$!")
	daemon_names+=("$name")
}

cleanup() {
	local code=$?
	set +e
	# Cancel our jobs first, so that no task outlives slurmd.
	if [ "${#jobids[@]}" -gt 0 ] && [ -n "${SLURM_CONF:-}" ]; then
		scancel "${jobids[@]}" 2>/dev/null
		for _ in $(seq 20); do
			[ -z "$(squeue -h -j "$(IFS=,; echo "${jobids[*]}")" 2>/dev/null)" ] && break
			sleep 0.5
		done
	fi
	local i pid
	for ((i = ${#daemon_pids[@]} - 1; i >= 0; i--)); do
		pid=${daemon_pids[i]}
		kill -0 "$pid" 2>/dev/null || continue
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "slurm-e2e: ${daemon_names[i]} (pid $pid) did not stop; killing it" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
	done
	if [ "$code" -ne 0 ] && [ -n "${KEEP_SLURM_TMP:-}" ]; then
		echo "slurm-e2e: kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
	exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# munged wants every directory above its socket searchable by all.
chmod 755 "$tmp"
mkdir -p "$tmp/munge" "$tmp/run" "$tmp/state" "$tmp/spool" "$tmp/log"
chmod 700 "$tmp/munge"

# show_logs prints the end of each daemon's log, or of its output if it
# wrote no log (a daemon that fails early), and the job logs.
show_logs() {
	local name f
	for name in "${daemon_names[@]}"; do
		f=$tmp/log/$name.log
		[ -s "$f" ] || f=$tmp/log/$name.out
		[ -s "$f" ] || continue
		printf -- '--- %s (last 40 lines)\n' "$f"
		tail -n 40 "$f"
	done
	for f in "${out:-$tmp/none}"/slurm-*; do
		[ -s "$f" ] || continue
		printf -- '--- %s\n' "$f"
		tail -n 40 "$f"
	done
}

# port_free PORT: nothing accepts connections on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

step "install slurm-wlm and munge"
if command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
	command -v sbatch >/dev/null && command -v munged >/dev/null; then
	echo "already installed: $(slurmctld -V)"
else
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
	slurmctld -V
fi

step "start munged (private key and socket)"
# A fresh key for this cluster only; the system's /etc/munge is not used.
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
munge_socket=$tmp/run/munge.socket
start_daemon munged munged --foreground --key-file="$tmp/munge/munge.key" \
	--socket="$munge_socket" --pid-file="$tmp/munge/munged.pid" \
	--log-file="$tmp/log/munged.log" --seed-file="$tmp/munge/munged.seed"
for _ in $(seq 50); do
	[ -S "$munge_socket" ] && break
	sleep 0.1
done
munge -S "$munge_socket" -n | unmunge -S "$munge_socket" >/dev/null ||
	{ show_logs; die "munge does not work"; }
echo "munged pid ${daemon_pids[0]}, socket $munge_socket"

step "write slurm.conf"
# Two free ports in 20000-59999 for slurmctld and slurmd.
ctld_port=''
for _ in $(seq 50); do
	p=$((20000 + RANDOM % 40000))
	if port_free "$p" && port_free "$((p + 1))"; then
		ctld_port=$p
		break
	fi
done
[ -n "$ctld_port" ] || die "no free port pair found"
cpus=$(nproc)
mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
real_mem=$((mem_mb / 2 < 1024 ? mem_mb / 2 : 1024)) # at most what the node has
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<EOF
# One-node Slurm cluster on localhost for .ci/slurm-e2e.sh.
ClusterName=sibsimci
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$munge_socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
# No cgroups, no accounting database, no MPI, no mail.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
# Keep finished jobs visible to scontrol for the checks below.
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
echo "$SLURM_CONF: ports $ctld_port and $((ctld_port + 1)), $cpus CPUs, RealMemory=$real_mem"

step "start slurmctld and slurmd"
start_daemon slurmctld slurmctld -D -f "$SLURM_CONF"
start_daemon slurmd slurmd -D -N localhost -f "$SLURM_CONF"
state=''
for _ in $(seq 60); do
	state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
	[ "$state" = idle ] && break
	for i in 1 2; do
		kill -0 "${daemon_pids[i]}" 2>/dev/null ||
			{ show_logs; die "${daemon_names[i]} exited"; }
	done
	sleep 0.5
done
[ "$state" = idle ] || { show_logs; die "node localhost is ${state:-unknown}, not idle, after 30 s"; }
sinfo

# wait_job JOBID: wait for every task of the array job JOBID to leave the
# queue, then check that all completed with exit code 0.
wait_job() {
	local jobid=$1 deadline=$((SECONDS + job_timeout)) states
	while [ -n "$(squeue -h -j "$jobid" -o %i 2>/dev/null)" ]; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			squeue -j "$jobid" || true
			show_logs
			die "job $jobid still queued or running after $job_timeout s"
		fi
		sleep 1
	done
	# One line per job or array task: "job 7 task 2: COMPLETED exit 0:0".
	states=$(scontrol -o show job "$jobid" | awk '{
		id = ""; task = ""; state = ""; code = ""
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "JobId") id = kv[2]
			else if (kv[1] == "ArrayTaskId") task = " task " kv[2]
			else if (kv[1] == "JobState") state = kv[2]
			else if (kv[1] == "ExitCode") code = kv[2]
		}
		print "job " id task ": " state " exit " code
	}')
	echo "$states"
	if grep -qv 'COMPLETED exit 0:0$' <<<"$states"; then
		show_logs
		die "job $jobid: not every task completed"
	fi
}

step "cluster smoke test: a 2-task array job"
jobid=$(sbatch --parsable --array=0-1 --cpus-per-task=1 --output="$tmp/log/smoke-%A_%a.out" \
	--wrap='echo "task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT on $(hostname)"')
jobid=${jobid%%;*}
jobids+=("$jobid")
wait_job "$jobid"
cat "$tmp"/log/smoke-*.out

step "build sibsim"
go build -o "$tmp/sibsim" ./cmd/sibsim
"$tmp/sibsim" version

step "sibsim sweep plan --slurm --shards $shards"
out=$tmp/slurm-out
# One worker per task, so that two tasks run at once on two CPUs and a
# one-CPU machine can run the job at all; the local run below uses two, so
# the comparison also checks that workers do not change results.
"$tmp/sibsim" sweep plan "$sweep_file" --slurm --shards "$shards" --workers 1 \
	--out-dir "$out" >"$tmp/sweep.sbatch"
cat "$tmp/sweep.sbatch"
bash -n "$tmp/sweep.sbatch"

step "sbatch the sweep, and the merge as a job that depends on it"
mkdir -p "$out"
jobid=$(sbatch --parsable "$tmp/sweep.sbatch")
jobid=${jobid%%;*}
jobids+=("$jobid")
# The merge command the plan suggests, run as the plan suggests.
merge_cmd=$(sed -n "s/^#     --wrap='\\(.*\\)'\$/\\1/p" "$tmp/sweep.sbatch")
[ -n "$merge_cmd" ] || die "the plan shows no merge command for sbatch --wrap"
merge_id=$(sbatch --parsable --dependency="afterok:$jobid" --job-name=merge \
	--output="$out/slurm-merge-%j.out" --wrap="$merge_cmd")
merge_id=${merge_id%%;*}
jobids+=("$merge_id")
echo "array job $jobid; merge job $merge_id: $merge_cmd"
start=$SECONDS
wait_job "$jobid"
wait_job "$merge_id"
echo "sweep and merge finished in $((SECONDS - start)) s"
cat "$out"/slurm-merge-*.out

step "resume: drop a finished chunk of shard 1, rerun task 1 alone"
chunk=$(find "$out/shard-1/chunks" -type f | LC_ALL=C sort | head -n 1)
[ -n "$chunk" ] || die "shard 1 holds no chunks"
rm "$chunk"
echo "removed ${chunk#"$out/"}"
jobid=$(sbatch --parsable --array=1 "$tmp/sweep.sbatch")
jobid=${jobid%%;*}
jobids+=("$jobid")
wait_job "$jobid"
grep -H . "$out"/slurm-"$jobid"_1.out
grep -q '(1 computed now' "$out/slurm-${jobid}_1.out" || die "task 1 did not recompute exactly the missing chunk"
[ -f "$chunk" ] || die "task 1 did not rewrite ${chunk#"$out/"}"
"$tmp/sibsim" sweep merge "$out"/shard-{0..2} --out "$tmp/merged-resumed" >/dev/null

step "run the sweep locally, unsharded"
"$tmp/sibsim" sweep "$sweep_file" --out "$tmp/local" --workers 2 >/dev/null

# same_results A B: directories A and B hold the same files, byte for byte.
same_results() {
	local a=$1 b=$2 f
	(cd "$a" && find . -type f | LC_ALL=C sort) >"$tmp/a.files"
	(cd "$b" && find . -type f | LC_ALL=C sort) >"$tmp/b.files"
	[ -s "$tmp/a.files" ] || die "$a holds no files"
	diff "$tmp/a.files" "$tmp/b.files" || die "$a and $b hold different files (< $a, > $b)"
	while IFS= read -r f; do
		cmp "$a/$f" "$b/$f" || die "${f#./} differs between $a and $b"
		echo "identical: ${f#./}"
	done <"$tmp/a.files"
}

step "compare: merged by the Slurm job vs unsharded"
same_results "$tmp/local" "$out/merged"
step "compare: merged after the resumed task vs unsharded"
same_results "$tmp/local" "$tmp/merged-resumed"

echo
echo "slurm e2e passed"
