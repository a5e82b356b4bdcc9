#!/usr/bin/env bash
# Every GPU check of the kit in one run (for a lent GPU machine or an instructor's own GPU):
# the GPU/perf tests of attention, masking, flash_attention and flash_attention_backward
# (correctness + throughput vs a same-run reference), the benchmark tables, and one
# sandboxed grade run whose results.json carries the perf figures in its leaderboard.
# Writes logs under ${OUT:-gpu-out}.
# Each step has its own time limit so one slow step cannot eat the others' time.
set -u
export PYTHONUNBUFFERED=1
OUT="${OUT:-gpu-out}"
mkdir -p "$OUT"
PY="${PYTHON:-python3}"
step() { local limit=$1; shift; echo; echo "=== $* (limit ${limit}s)"; timeout "$limit" "$@"; echo "=== exit $?"; }

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
"$PY" -c "import torch, triton, sys; print('python', sys.version.split()[0], '| torch', torch.__version__, '| triton', triton.__version__, '|', torch.cuda.get_device_name())"

# The trusted-side timing protocol against real attacks (patched clocks and NaN, memoised
# repeats, work left on a private stream, a GPU hog while the reference is timed).
step 240 "$PY" -m pytest graders/selftests/test_perf_integrity.py -q -rA -p no:cacheprovider \
  -o addopts="" 2>&1 | tee "$OUT/perf_integrity.txt" | tail -15
step 270 "$PY" benchmarks/flash_attention.py 2>&1 | tee "$OUT/flash_bench.txt"
step 150 "$PY" -m pytest tests/test_flash_attention.py graders/test_flash_attention.py -q -rs -p no:cacheprovider \
  -o addopts="" --impl solutions 2>&1 | tee "$OUT/flash_pytest.txt" | tail -25
step 200 "$PY" benchmarks/flash_attention_backward.py --quick 2>&1 | tee "$OUT/flash_bwd_bench.txt"
step 200 "$PY" -m pytest tests/test_flash_attention_backward.py graders/test_flash_attention_backward.py -q -rs \
  -p no:cacheprovider -o addopts="" --impl solutions 2>&1 | tee "$OUT/flash_bwd_pytest.txt" | tail -25
step 90 "$PY" -m pytest graders/test_attention.py graders/test_masking.py tests/test_attention.py tests/test_masking.py \
  -m "gpu or perf" -q -rA -s -p no:cacheprovider -o addopts="" --impl solutions 2>&1 | tee "$OUT/perf_pytest.txt" | grep -E "perf\]|passed|failed|PASSED|FAILED|Error" | head -30
step 60 "$PY" benchmarks/attention.py 2>&1 | tee "$OUT/bench_attention.txt" | tail -15
step 45 "$PY" benchmarks/mask_tokens.py 2>&1 | tee "$OUT/bench_mask.txt" | tail -10
step 120 "$PY" -m graders grade solutions --exercise attention --exercise masking --isolation process \
  --out "$OUT/grade" 2>&1 | tail -6
"$PY" - "$OUT/grade/results.json" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except OSError as exc:
    print("no results.json:", exc); raise SystemExit
print("grade:", data["score"], "/", data["max_score"], "|", data["extra_data"]["isolation"][:40])
for entry in data["leaderboard"]:
    print("leaderboard:", entry)
PY
