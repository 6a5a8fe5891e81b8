#!/bin/bash
# Slurm array job for the sibsim sweep assessment-tariff: 4 tasks, task K runs shard K.
# Written by "sibsim sweep plan --slurm"; docs/cluster.md explains it.
#
# Submit it (Slurm writes the task logs into the results root, so create it first):
#   mkdir -p /home/ann/sibsim/sweep-out && sbatch THIS_SCRIPT
#
#SBATCH --job-name=assessment-tariff
#SBATCH --array=0-3
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=2
#SBATCH --chdir=/home/ann/sibsim
#SBATCH --output=/home/ann/sibsim/sweep-out/slurm-%A_%a.out
#SBATCH --error=/home/ann/sibsim/sweep-out/slurm-%A_%a.err

set -euo pipefail
: "${SLURM_ARRAY_TASK_ID:?submit this script with sbatch}"

# Task K writes shard K into /home/ann/sibsim/sweep-out/shard-K.
# Rerun a failed task alone with "sbatch --array=K THIS_SCRIPT";
# --resume keeps the chunks it finished.
exec /opt/sibsim/bin/sibsim sweep testdata/plan/tariff.yaml \
	--out /home/ann/sibsim/sweep-out/shard-${SLURM_ARRAY_TASK_ID} \
	--shard ${SLURM_ARRAY_TASK_ID}/4 \
	--workers 2 \
	--resume

# When every task has succeeded, merge the shards; the result is
# byte-identical to an unsharded run:
#   /opt/sibsim/bin/sibsim sweep merge /home/ann/sibsim/sweep-out/shard-{0..3} --out /home/ann/sibsim/sweep-out/merged
# Or let Slurm merge them when the whole array has succeeded:
#   jobid=$(sbatch --parsable THIS_SCRIPT)
#   sbatch --dependency=afterok:$jobid --job-name=assessment-tariff-merge \
#     --output=/home/ann/sibsim/sweep-out/slurm-merge-%j.out \
#     --wrap='/opt/sibsim/bin/sibsim sweep merge $(seq -f /home/ann/sibsim/sweep-out/shard-%g 0 3) --out /home/ann/sibsim/sweep-out/merged'
