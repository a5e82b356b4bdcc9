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
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from kit.loader import REPO_ROOT

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

INCLUDE = ["kit", "graders", "pyproject.toml", "conftest.py", "README.md"]
EXCLUDE_PARTS = {"__pycache__", "mutants", "selftests", ".pytest_cache"}


def bundle_files() -> list[Path]:
    files: list[Path] = []
    for entry in INCLUDE:
        path = REPO_ROOT / entry
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            for f in sorted(path.rglob("*")):
                rel = f.relative_to(REPO_ROOT)
                if f.is_file() and not (set(rel.parts) & EXCLUDE_PARTS) and f.suffix != ".pyc":
                    files.append(f)
    return files


def build_bundle(zip_path: Path, exercises: list[str] | None = None) -> Path:
    """Write the bundle; ``exercises`` restricts grading to those (an assignment)."""
    zip_path = Path(zip_path)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    exercise_args = " ".join(f"--exercise {e}" for e in exercises or [])
    tmp = zip_path.with_name(zip_path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("setup.sh", SETUP_SH),
                           ("run_autograder", RUN_AUTOGRADER.replace("{exercise_args}", exercise_args))):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            zf.writestr(info, text)
        for f in bundle_files():
            zf.write(f, f.relative_to(REPO_ROOT).as_posix())
    tmp.replace(zip_path)
    print(f"wrote {zip_path} ({zip_path.stat().st_size // 1024} KiB): upload it as the autograder of a "
          "Gradescope programming assignment")
    return zip_path
