"""Do two gradings say the same thing? For a refactor of the engine or the graders.

    python -m graders.tools.compare_gradings OLD NEW

``OLD`` and ``NEW`` are two outputs of the same kind: two ``results.json`` files (or
folders holding one), or two ``--records`` files of ``python -m graders selfcheck``.
What changes from run to run is left out: times, paths of temporary folders, run ids,
the student's folder name, and memory addresses in messages (``at 0x7f...``). Prints
what differs, test by test; exit status 1 when anything does.

A message can still differ between two runs of the same code where a test prints values
drawn from an unseeded random generator (a catalogued mistake that ignores the
``generator`` it is given, say): run the old tree twice to see which ones.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

#: Fields that change with every run, whatever was graded.
VOLATILE = frozenset({"execution_time", "duration", "run", "finished_at", "started_at",
                      "graded_at", "submission", "student", "host", "elapsed"})
_TEMPORARY = re.compile(r"/tmp/[\w./-]+")
_ADDRESS = re.compile(r"0x[0-9a-f]+")
_SECONDS = re.compile(r"\d+\.\d+ ?s\b")


def comparable(value):
    """``value`` without what changes from run to run."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if isinstance(value, str):
        return _SECONDS.sub("<seconds>", _ADDRESS.sub("0x...", _TEMPORARY.sub("<tmp>", value)))
    return value


def _load(path: Path):
    if path.is_dir():
        path = path / "results.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _keyed(data) -> dict:
    """Per test: a results.json's tests by name, or selfcheck records by (implementation,
    exercise, test, phase)."""
    if isinstance(data, dict):
        return {t["name"]: comparable(t) for t in data["tests"]}
    return {" | ".join(str(r.get(k)) for k in ("impl", "exercise", "test", "when")): comparable(r)
            for r in data}


def differences(old, new) -> list[str]:
    """Lines that say what differs between two loaded outputs (none: the same)."""
    lines = []
    a, b = _keyed(old), _keyed(new)
    for key in sorted(a.keys() | b.keys()):
        if a.get(key) != b.get(key):
            lines.append(f"{key}\n  old: {json.dumps(a.get(key))[:400]}\n  new: {json.dumps(b.get(key))[:400]}")
    if isinstance(old, dict) and isinstance(new, dict):
        top_old = comparable({k: v for k, v in old.items() if k != "tests"})
        top_new = comparable({k: v for k, v in new.items() if k != "tests"})
        for key in sorted(top_old.keys() | top_new.keys()):
            if top_old.get(key) != top_new.get(key):
                lines.append(f"field {key}\n  old: {str(top_old.get(key))[:400]}\n  new: {str(top_new.get(key))[:400]}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graders.tools.compare_gradings",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    old, new = _load(args.old), _load(args.new)
    if isinstance(old, dict) != isinstance(new, dict):
        print("the two outputs are not of the same kind (results.json / selfcheck records)", file=sys.stderr)
        return 2
    found = differences(old, new)
    print(f"{len(_keyed(old))} vs {len(_keyed(new))} tests; {len(found)} difference(s)")
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
