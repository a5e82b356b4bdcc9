"""What a stub or a test tells students to run or read must ship in the student copy.

``python -m graders release`` ships ``exercises/``, ``tests/``, ``kit/`` and a few
files (``kit.layout``: the areas marked for students). Every command
(``python -m X``, ``python path.py``) and every ``kit/...`` path named in a stub, a
public test or a hidden test's messages must exist there; the instructor-only folders
(``benchmarks/``, ``docs/``, ``graders/``, ``solutions/``) must not be named at all.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kit import layout
from kit.loader import REPO_ROOT

STUDENT_TEXT = sorted([*REPO_ROOT.glob("exercises/*.py"), *REPO_ROOT.glob("tests/test_*.py"),
                       *REPO_ROOT.glob("graders/test_*.py")])
COMMAND = re.compile(r"\bpython3?\s+(-m\s+)?([\w./-]+)")
KIT_PATH = re.compile(r"\bkit/[\w./-]*\w")
INSTRUCTOR_ONLY = re.compile(r"\b(benchmarks|docs|graders|solutions)/")
INSTALLED_MODULES = {"pytest", "pip", "venv"}


def _ships(relative: str) -> bool:
    path = REPO_ROOT / relative
    top = relative.split("/", 1)[0]
    del top
    return path.exists() and layout.for_students(relative)


def _problems(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    problems = []
    for module_flag, target in COMMAND.findall(text):
        if module_flag:
            top = target.split(".")[0]
            ok = top in INSTALLED_MODULES or (top == "kit" and _ships(target.replace(".", "/") + ".py"))
        else:
            ok = _ships(target)
        if not ok:
            problems.append(f"tells students to run `python {module_flag}{target}`, which the student copy lacks")
    for target in KIT_PATH.findall(text):
        if not (REPO_ROOT / target).exists():
            problems.append(f"names {target}, which does not exist")
    if path.parent.name != "graders":  # hidden tests may import from graders; their messages are checked above
        for match in INSTRUCTOR_ONLY.finditer(text):
            problems.append(f"names {match.group(0)}..., which students do not have")
    return problems


@pytest.mark.parametrize("path", STUDENT_TEXT, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_references_ship(path):
    problems = _problems(path)
    assert not problems, f"{path.relative_to(REPO_ROOT)}:\n  " + "\n  ".join(problems)
