"""The nbgrader course (``python -m graders nbgrader``), end to end with the real nbgrader.

The end-to-end tests build a course with one small exercise (tokenization) in a temp
folder and run nbgrader's own commands on it: ``db assignment add``,
``generate_assignment``, ``autograde`` (a solved notebook, the released stub, a
notebook whose test cells were deleted or edited, a wrong one with an infinite loop)
and ``generate_feedback``, then read the gradebook.
"""

from __future__ import annotations

import ast
import copy
import html
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kit.loader import REPO_ROOT

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.skipif(importlib.util.find_spec("nbgrader") is None
                       or importlib.util.find_spec("ipykernel") is None,
                       reason="needs the nbgrader extra (nbgrader, ipykernel)"),
]

EXERCISE = "tokenization"
ASSIGNMENT = "ch2-building-blocks"
LOOP_TIMEOUT = 10  # the per-cell limit while the infinite loop is graded


# --------------------------------------------------------------------------- fast checks


def test_relative_imports_become_siblings():
    from graders.nbgrader import rewrite_relative_imports

    source = ("from .attention import MultiHeadAttention\n"
              "from .positional_encoding import sinusoidal_positional_encoding as pe\n"
              "def f():\n    from . import masking\n    return masking\n")
    new = rewrite_relative_imports(source)
    assert "from ." not in new
    assert 'MultiHeadAttention = sibling("attention").MultiHeadAttention' in new.replace("'", '"')
    assert 'pe = sibling("positional_encoding").sinusoidal_positional_encoding' in new.replace("'", '"')
    assert '    masking = sibling("masking")' in new.replace("'", '"')
    compile(new, "<rewritten>", "exec")


def test_docstrings_become_markdown():
    from graders.nbgrader import markdown

    text = markdown("""Title.

    Worked example::

        >>> f("a $5 bill")
        ['a']

    Uses ``re.findall`` and costs $3.
    """)
    assert "```python\n>>> f(\"a $5 bill\")\n['a']\n```" in text
    assert "Uses `re.findall` and costs \\$3." in text


def _notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _cells(nb: dict, role: str) -> list[dict]:
    return [c for c in nb["cells"] if c["metadata"].get("kit", {}).get("role") == role]


def _clear_regions(source: str) -> str:
    """What nbgrader's ClearSolutions / ClearHiddenTests leave of a cell."""
    source = re.sub(r"(?m)^(\s*)### BEGIN SOLUTION\n(?:.*\n)*?\s*### END SOLUTION$", r"\1# YOUR CODE HERE",
                    source)
    return re.sub(r"(?m)^### BEGIN HIDDEN TESTS\n(?:.*\n)*?### END HIDDEN TESTS$", "", source)


def _graders_points() -> dict[str, int]:
    """Points per exercise as the grading engine's own collector counts them."""
    from graders.nbgrader import available_exercises

    names = available_exercises()
    raw = Path(os.environ.get("TMPDIR", "/tmp")) / f"kit-nb-points-{os.getpid()}.jsonl"
    raw.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pytest", "-p", "graders.report", "--kit-raw", str(raw),
               "--collect-only", "-q", "--no-points", "-p", "no:cacheprovider",
               "-o", "addopts=--strict-markers", "--rootdir", str(REPO_ROOT),
               "-c", str(REPO_ROOT / "pyproject.toml"), "--impl", "solutions",
               *[str(REPO_ROOT / "graders" / f"test_{n}.py") for n in names]]
    env = {k: v for k, v in os.environ.items() if k != "KIT_IMPL"}
    subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=280)
    points: dict[str, int] = {n: 0 for n in names}
    for line in raw.read_text().splitlines():
        record = json.loads(line)
        if record.get("kind") == "collected":
            for item in record["items"]:
                points[item["exercise"]] += item["points"]
    raw.unlink(missing_ok=True)
    return points


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_every_exercise_gets_a_notebook_worth_its_graders_points(tmp_path):
    import nbformat

    from graders.nbgrader import available_exercises, build_course

    names = available_exercises()
    build_course(tmp_path / "course", stream=io.StringIO())
    expected = _graders_points()
    config = (tmp_path / "course" / "nbgrader_config.py").read_text()
    for needle in ("c.ExecutePreprocessor.timeout", "c.OverwriteCells.add_missing_cells = True",
                   'c.ExecutePreprocessor.kernel_name = "python3"', "c.CourseDirectory.course_id"):
        assert needle in config, needle
    for name in names:
        found = list((tmp_path / "course" / "source").glob(f"ch*/{name}.ipynb"))
        assert len(found) == 1, name
        nb = _notebook(found[0])
        nbformat.validate(nbformat.reads(json.dumps(nb), as_version=4))
        tests = _cells(nb, "test")
        assert sum(c["metadata"]["nbgrader"]["points"] for c in tests) == expected[name], name
        assert all(c["metadata"]["nbgrader"]["grade"] and c["metadata"]["nbgrader"]["locked"]
                   for c in tests)
        assert all("### BEGIN HIDDEN TESTS" in c["source"] for c in tests)
        grader = (REPO_ROOT / "graders" / f"test_{name}.py").read_text()
        functions = {n.name for n in ast.parse(grader).body
                     if isinstance(n, ast.FunctionDef) and n.name.startswith("test")}
        called = {re.search(r'grade\("\w+", "(\w+)"', c["source"]).group(1) for c in tests}
        assert called == functions, f"{name}: every hidden test function, once"
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            compile(cell["source"], f"{name}:{cell['id']}", "exec")  # the instructor's version
            compile(_clear_regions(cell["source"]), f"{name}:{cell['id']} (student)", "exec")
        solutions = _cells(nb, "solution")
        assert solutions and all("### BEGIN SOLUTION" in c["source"] for c in solutions)
        for cell in solutions:
            student = _clear_regions(cell["source"])
            if cell["metadata"]["kit"]["kind"] == "stub":
                assert "NotImplementedError" in student, f"{name}.{cell['id']}: the stub's raise is kept"
            else:  # a skeleton to complete: the student keeps the stub's version
                assert re.search(rf"(def|class) {cell['id']}\b", student), f"{name}.{cell['id']}"


def test_siblings_come_from_the_reference_when_graded_else_the_students_notebook(tmp_path, monkeypatch):
    from kit import notebook

    folder = tmp_path / "ch3-training"
    folder.mkdir()
    student = {"cells": [
        {"cell_type": "code", "metadata": {"kit": {"role": "solution"}}, "source": "def who():\n    return 'mine'\n"},
        {"cell_type": "code", "metadata": {"kit": {"role": "test"}}, "source": "raise SystemExit('tests are not run')"},
    ]}
    (folder / "attention.ipynb").write_text(json.dumps(student))
    monkeypatch.chdir(folder)
    monkeypatch.delenv(notebook.GRADING_ENV, raising=False)
    assert notebook.grading_dir() is None
    assert notebook.sibling("attention").who() == "mine"

    grading = tmp_path / "course" / "grading"
    (grading / "graders").mkdir(parents=True)
    (grading / "solutions").mkdir()
    (grading / "solutions" / "attention.py").write_text("def who():\n    return 'reference'\n")
    monkeypatch.setenv(notebook.GRADING_ENV, str(grading))
    assert notebook.sibling("attention").who() == "reference"
    with pytest.raises(ValueError, match="unknown exercise"):
        notebook.sibling("no_such_exercise")


def test_a_broken_grader_is_reported_as_a_set_up_problem(tmp_path):
    grading = tmp_path / "course" / "grading"
    (grading / "graders").mkdir(parents=True)
    (grading / "graders" / "__init__.py").write_text("")
    (grading / "graders" / f"test_{EXERCISE}.py").write_text("import no_such_module_here\n")
    (grading / "pytest.ini").write_text("[pytest]\n")
    work = tmp_path / "course" / "autograded"
    work.mkdir()
    script = ("import kit.notebook as nb\n"
              "try:\n"
              f"    nb.grade({EXERCISE!r}, 'test_anything', {{}})\n"
              "except RuntimeError as exc:\n"
              "    print('RAISED', exc)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIT_")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    proc = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, capture_output=True,
                          text=True, timeout=120)
    assert "RAISED test_anything: the hidden tests could not run" in proc.stdout, proc.stdout + proc.stderr
    log = next(work.glob("kit-grading-*.log"))
    assert "no_such_module_here" in log.read_text()


# --------------------------------------------------------------------------- end to end


def _environment(root: Path) -> dict[str, str]:
    """A private Jupyter set-up whose python3 kernel is this Python, with the kit importable."""
    kernel = root / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (kit tests)", "language": "python"}))
    path = root / "pythonpath"
    path.mkdir()
    try:
        (path / "kit").symlink_to(REPO_ROOT / "kit", target_is_directory=True)
    except OSError:  # pragma: no cover - no symlinks: a copy does as well
        import shutil

        shutil.copytree(REPO_ROOT / "kit", path / "kit")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KIT_", "JUPYTER", "NBGRADER", "PYTEST_"))}
    env.update(JUPYTER_PATH=str(root / "jupyter"), JUPYTER_CONFIG_DIR=str(root / "config"),
               JUPYTER_DATA_DIR=str(root / "data"), JUPYTER_RUNTIME_DIR=str(root / "runtime"),
               IPYTHONDIR=str(root / "ipython"), PYTHONPATH=str(path), PYTHONDONTWRITEBYTECODE="1",
               TQDM_DISABLE="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return env


def _nbgrader(course: Path, env: dict, *args: str, timeout: int = 400) -> str:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    return proc.stdout + proc.stderr


def _submit(course: Path, student: str, nb: dict) -> None:
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / f"{EXERCISE}.ipynb").write_text(json.dumps(nb, indent=1))


def _by_id(nb: dict) -> dict[str, dict]:
    return {c["id"]: c for c in nb["cells"]}


LOWERCASING_TOKENIZE = '''def tokenize(text: str) -> list[str]:
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    return _TOKEN.findall(text.lower())
'''

LOOPING_NGRAMS = '''def ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise TypeError("tokens must be a list of str")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("n must be an int")
    if n < 1:
        raise ValueError("n must be at least 1")
    while n == 3:  # a student's infinite loop
        pass
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The whole nbgrader workflow on a tokenization course; the paths and the scores."""
    from graders.nbgrader import build_course

    root = tmp_path_factory.mktemp("nbgrader")
    env = _environment(root)
    course = build_course(root / "course", exercises=[EXERCISE], stream=io.StringIO())
    log = _nbgrader(course, env, "db", "assignment", "add", ASSIGNMENT)
    log += _nbgrader(course, env, "generate_assignment", ASSIGNMENT)
    source = _notebook(course / "source" / ASSIGNMENT / f"{EXERCISE}.ipynb")
    released = _notebook(course / "release" / ASSIGNMENT / f"{EXERCISE}.ipynb")
    answers = {c["id"]: c["source"] for c in source["cells"] if c["metadata"]["kit"]["role"]
               in ("solution", "imports", "helpers")}

    solved = copy.deepcopy(released)
    for cell in solved["cells"]:
        if cell["id"] in answers:
            cell["source"] = answers[cell["id"]]
    _submit(course, "solved", solved)
    _submit(course, "stub", released)

    tampered = copy.deepcopy(solved)  # a test cell deleted, another edited (and its points)
    tampered["cells"] = [c for c in tampered["cells"] if c["id"] != "test-test_tokenize_cases"]
    edited = _by_id(tampered)["test-test_ngrams_cases"]
    edited["source"] = 'raise RuntimeError("edited by the student")'
    edited["metadata"]["nbgrader"]["points"] = 100
    _submit(course, "tampered", tampered)

    wrong = copy.deepcopy(solved)  # lower-cases, loops for n == 3, fakes a test cell's score
    _by_id(wrong)["tokenize"]["source"] = LOWERCASING_TOKENIZE
    _by_id(wrong)["ngrams"]["source"] = LOOPING_NGRAMS
    _by_id(wrong)["test-test_tokenize_cases"]["source"] = "13.0"
    wrong["cells"] = [c for c in wrong["cells"] if c["id"] != "test-test_ngrams_bad_n"]
    _submit(course, "wrong", wrong)

    # The solved notebook with the default limits and the pretrained model ...
    log += _nbgrader(course, env, "autograde", ASSIGNMENT, "--student", "solved")
    # ... the others without the (slow to load) model, with a short per-cell limit.
    (course / "nbgrader_config_local.py").write_text(
        f"c = get_config()  # noqa: F821\nc.ExecutePreprocessor.timeout = {LOOP_TIMEOUT}\n")
    quick = dict(env, KIT_SKIP_PRETRAINED="1")
    log += _nbgrader(course, quick, "autograde", ASSIGNMENT)
    log += _nbgrader(course, quick, "generate_feedback", ASSIGNMENT)

    from nbgrader.api import Gradebook

    scores: dict[str, dict[str, tuple[float, float]]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in ("solved", "stub", "tampered", "wrong"):
            submission = gb.find_submission_notebook(EXERCISE, ASSIGNMENT, student)
            scores[student] = {g.name: (g.auto_score, g.max_score) for g in submission.grades}
    return {"course": course, "scores": scores, "log": log, "source": source}


def _total(cells: dict[str, tuple[float, float]]) -> tuple[float, float]:
    return sum(s for s, _ in cells.values()), sum(m for _, m in cells.values())


def _pretrained(graded) -> set[str]:
    return {c["id"] for c in _cells(graded["source"], "test") if "needs: pretrained" in c["source"]}


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_solved_notebook_gets_full_marks(graded):
    from kit import pretrained

    cells = graded["scores"]["solved"]
    earned, possible = _total(cells)
    assert possible == sum(c["metadata"]["nbgrader"]["points"] for c in _cells(graded["source"], "test"))
    if pretrained.available():
        assert earned == possible, cells
    else:  # without the extra, its tests are skipped and earn nothing
        assert all(cells[g][0] == cells[g][1] for g in cells if g not in _pretrained(graded)), cells


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_released_stub_gets_zero(graded):
    assert _total(graded["scores"]["stub"])[0] == 0, graded["scores"]["stub"]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_deleted_and_edited_test_cells_are_restored_and_graded(graded):
    solved, tampered = graded["scores"]["solved"], graded["scores"]["tampered"]
    assert tampered["test-test_ngrams_cases"][1] == solved["test-test_ngrams_cases"][1], \
        "the points a student wrote into the cell's metadata must not count"
    for cell, (score, _) in tampered.items():
        if cell not in _pretrained(graded):
            assert score == solved[cell][0], (cell, score, solved[cell])
    autograded = _notebook(graded["course"] / "autograded" / "tampered" / ASSIGNMENT / f"{EXERCISE}.ipynb")
    restored = [c for c in autograded["cells"] if "_kit_notebook.grade" in "".join(c["source"])]
    assert len(restored) == len(solved), "every graded cell is back, with its hidden tests"
    assert "Missing grade cell test-test_tokenize_cases" in graded["log"]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_an_infinite_loop_times_out_on_its_cell_only(graded):
    wrong = graded["scores"]["wrong"]
    assert wrong["test-test_ngrams_cases"][0] == 0, "the looping cell should time out"
    assert wrong["test-test_ngrams_bad_n"] == (4.0, 4.0), "a deleted cell is restored and graded"
    assert wrong["test-test_ngrams_leaves_its_input_alone"][0] == 1.0, "cells after the loop run"
    assert 0 < wrong["test-test_tokenize_cases"][0] < wrong["test-test_tokenize_cases"][1], \
        "the faked cell is restored: partial credit for a lower-casing tokenizer"
    autograded = _notebook(graded["course"] / "autograded" / "wrong" / ASSIGNMENT / f"{EXERCISE}.ipynb")
    loop = next(c for c in autograded["cells"] if '"test_ngrams_cases"' in "".join(c["source"]))
    errors = [o for o in loop["outputs"] if o["output_type"] == "error"]
    assert errors and any("Timeout" in o["ename"] or "KeyboardInterrupt" in o["ename"]
                          or "interrupted" in o["evalue"] for o in errors), loop["outputs"]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_feedback_never_shows_the_hidden_expected_values(graded):
    feedback = graded["course"] / "feedback" / "wrong" / ASSIGNMENT / f"{EXERCISE}.html"
    page = feedback.read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "test_tokenize_cases: " in text and "differs first at item" in text, "failures are explained"
    assert "expected:" not in text and ", expected " not in text
    grader = ast.parse((REPO_ROOT / "graders" / f"test_{EXERCISE}.py").read_text())
    cases = next(ast.literal_eval(n.value) for n in grader.body
                 if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "CASES")
    released = graded["course"] / "release" / ASSIGNMENT
    public = "".join("".join(c["source"]) for c in _notebook(released / f"{EXERCISE}.ipynb")["cells"])
    public += (released / "tests" / f"test_{EXERCISE}.py").read_text()
    hidden = [(label, expected) for _, expected, label, _ in cases
              if any(c.isupper() for c in "".join(expected))  # the lower-casing student fails them
              and repr(expected) not in public]               # not the course's public example
    assert hidden, "no hidden case to look for"
    for label, expected in hidden:
        assert repr(expected) not in text, f"the expected tokens of {label!r} leaked"
    for student in ("solved", "stub", "tampered"):
        assert (graded["course"] / "feedback" / student / ASSIGNMENT / f"{EXERCISE}.html").is_file()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_released_assignment_has_no_solution_or_hidden_test(graded):
    from graders.release import check_tree

    leaks = check_tree(graded["course"] / "release")
    assert not leaks, "\n".join(leak.describe() for leak in leaks)
