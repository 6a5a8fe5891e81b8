#!/bin/bash
# Slurm array job for the sibsim sweep assessment-tariff: 12 tasks, task K runs shard K.
# Written by "sibsim sweep plan --slurm"; docs/cluster.md explains it.
#
# Submit it (Slurm writes the task logs into the results root, so create it first):
#   mkdir -p /scratch/ann/tariff && sbatch THIS_SCRIPT
#
#SBATCH --job-name=assessment-tariff
#SBATCH --array=0-11
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=1-02:30:00
#SBATCH --partition=compute
#SBATCH --output=/scratch/ann/tariff/slurm-%A_%a.out
#SBATCH --error=/scratch/ann/tariff/slurm-%A_%a.err

set -euo pipefail
: "${SLURM_ARRAY_TASK_ID:?submit this script with sbatch}"

# Task K writes shard K into /scratch/ann/tariff/shard-K.
# Rerun a failed task alone with "sbatch --array=K THIS_SCRIPT";
# --resume keeps the chunks it finished.
exec /shared/bin/sibsim sweep assessment-tariff \
	--out /scratch/ann/tariff/shard-${SLURM_ARRAY_TASK_ID} \
	--shard ${SLURM_ARRAY_TASK_ID}/12 \
	--workers 8 \
	--resume

# When every task has succeeded, merge the shards; the result is
# byte-identical to an unsharded run:
#   /shared/bin/sibsim sweep merge /scratch/ann/tariff/shard-{0..11} --out /scratch/ann/tariff/merged
# Or let Slurm merge them when the whole array has succeeded:
#   jobid=$(sbatch --parsable THIS_SCRIPT)
#   sbatch --dependency=afterok:$jobid --job-name=assessment-tariff-merge \
#     --output=/scratch/ann/tariff/slurm-merge-%j.out \
#     --wrap='/shared/bin/sibsim sweep merge $(seq -f /scratch/ann/tariff/shard-%g 0 11) --out /scratch/ann/tariff/merged'
