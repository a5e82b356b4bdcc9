#!/bin/bash
# Grade a whole class on a Slurm cluster: CPU shards, GPU shards (optional), then a merge.
#
#   SUBMISSIONS=/scratch/course/handins ROSTER=roster.csv SHARDS=8 GPU_SHARDS=2 \
#     examples/slurm/submit.sh
#
# SUBMISSIONS: one child per student (a folder or a .zip). GRADING: the output folder
# (default grading/); the gradebook ends up in $GRADING/class/gradebook.csv.
# GPU_SHARDS=0 skips the GPU job (GPU tests then stay "not graded on this machine").
# GPU_PARTITION (default gpu) names your GPU partition. GRADE_ARGS: more grade options
# (e.g. "--exercise tokenization --deadline 2026-12-05T23:59:00+01:00"). CPUS_PER_SHARD
# (default 2): CPUs per CPU shard, each grading that many students at a time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export KIT_DIR="${KIT_DIR:-$(cd "$here/../.." && pwd)}"
export GRADING="${GRADING:-$KIT_DIR/grading}"
: "${SUBMISSIONS:?set SUBMISSIONS to the folder of hand-ins}"
mkdir -p "$GRADING/logs"
cpu=$(sbatch --parsable --array="1-${SHARDS:-8}" --cpus-per-task="${CPUS_PER_SHARD:-2}" --output="$GRADING/logs/cpu-%A_%a.out" \
  "$here/grade-array.sbatch")
after="afterany:$cpu"
if [ "${GPU_SHARDS:-0}" -gt 0 ]; then
  gpu=$(sbatch --parsable --array="1-$GPU_SHARDS" --partition="${GPU_PARTITION:-gpu}" \
    --output="$GRADING/logs/gpu-%A_%a.out" "$here/grade-gpu-array.sbatch")
  after="$after:$gpu"
fi
merge=$(sbatch --parsable --dependency="$after" --output="$GRADING/logs/merge-%j.out" \
  "$here/merge.sbatch")
echo "submitted: CPU array $cpu${gpu:+, GPU array $gpu}, merge $merge"
echo "gradebook (when job $merge ends): $GRADING/class/gradebook.csv"
