#!/bin/bash
# Clone the student repositories listed in LIST ("owner/name" per line) into OUT/<name>,
# each at its last commit before $DEADLINE when one is set (else the newest, which then
# counts as late), and write TIMES (id,submitted_at: the commit time graded).
#   GH_TOKEN=... DEADLINE=2026-12-05T23:59:00+01:00 SHARD=2/4 \
#     bash examples/github-actions/fetch-submissions.sh students.txt submissions times.csv
# SHARD=I/N fetches only the repositories that shard grades (python -m graders.engine.shard).
set -euo pipefail
list="$1" out="$2" times="$3"
mkdir -p "$out"
echo "id,submitted_at" > "$times"
if [ -n "${SHARD:-}" ]; then
  python -m graders.engine.shard "$SHARD" < "$list" > "$out/.mine"
  list="$out/.mine"
fi
while read -r repo; do
  case "$repo" in ""|\#*) continue ;; esac
  name=$(basename "$repo")
  dir="$out/$name"
  if ! git clone -q "https://x-access-token:${GH_TOKEN}@github.com/${repo}.git" "$dir"; then
    echo "could not clone $repo (its row will say missing when it is on the roster)" >&2
    continue
  fi
  if [ -n "${DEADLINE:-}" ]; then
    commit=$(git -C "$dir" rev-list -1 --before="$DEADLINE" HEAD || true)
    if [ -n "$commit" ]; then
      git -C "$dir" -c advice.detachedHead=false checkout -q "$commit"
    else
      echo "$repo: no commit before $DEADLINE; grading the newest (late)" >&2
    fi
  fi
  echo "$name,$(git -C "$dir" log -1 --format=%cI)" >> "$times"
done < "$list"
