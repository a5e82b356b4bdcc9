"""The nbgrader course (``python -m graders nbgrader``), end to end with the real nbgrader.

The end-to-end tests build a course with one small exercise (tokenization) in a temp
folder and run nbgrader's own commands on it: ``db assignment add``,
``generate_assignment``, ``autograde`` and ``generate_feedback``, then read the
gradebook. Autograding goes through the kit's ``KitAutograde`` (the sandboxed engine,
never the notebook's kernel). Submissions: a solved notebook (full marks), the released
stub (zero), one whose graded cells were deleted or edited (restored), a wrong one with
an infinite loop, and three that attack the grading: functions that call
``sibling("tokenization")`` for the answer, a cell that replaces
``kit.notebook.grade``, and code that reads the hidden tests, the reference and the
instructor's notebook to print them or put them in an error message (their cells are
in ``graders/selftests/malicious/nbgrader/``).
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
LOOP_TIMEOUT = 10  # seconds per call into the student's code while the infinite loop is graded
STUDENTS = ("solved", "stub", "tampered", "wrong", "sibling", "grade", "leak")


# --------------------------------------------------------------------------- fast checks


def test_relative_imports_become_siblings():
    from graders.build.nbgrader import rewrite_relative_imports

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
    from graders.build.nbgrader import markdown

    text = markdown("""Title.

    Worked example::

        >>> f("a $5 bill")
        ['a']

    Uses ``re.findall`` and costs $3.
    """)
    assert "```python\n>>> f(\"a $5 bill\")\n['a']\n```" in text
    assert "Uses `re.findall` and costs \\$3." in text


def _cell(role: str | None, source: str, **nbgrader) -> dict:
    metadata = {"kit": {"role": role}} if role else {}
    if nbgrader:
        metadata["nbgrader"] = nbgrader
    return {"cell_type": "code", "metadata": metadata, "source": source, "outputs": []}


def test_module_source_takes_the_module_cells_only():
    from kit.notebook import module_source

    nb = {"cells": [
        _cell("setup", "raise SystemExit('the set-up cell')"),
        _cell("given", "A = 1"),
        _cell("solution", ["def f():\n", "    return A + B\n"]),
        _cell(None, "%time x = 1\n!ls\nB = 2"),  # a cell the student added: part of the module
        _cell("scratch", "raise SystemExit('scratch')"),
        _cell("check", "raise SystemExit('check')"),
        _cell("test", "# Graded test: test_f", grade=True, points=1),
        _cell("solution", "raise SystemExit('a graded cell, whatever its role')", grade=True, points=1),
        {"cell_type": "markdown", "metadata": {}, "source": "raise SystemExit('markdown')"},
    ]}
    namespace: dict = {}
    exec(compile(module_source(nb), "<module>", "exec"), namespace)  # noqa: S102
    assert namespace["f"]() == 3
    assert "sibling" in namespace, "the set-up cell's import is part of the module"


def test_siblings_are_the_students_own_never_a_reference(tmp_path, monkeypatch):
    """In a kernel: the student's notebook of that exercise (else the stub); in a graded
    submission (a package): the module of the same package, i.e. the same student's."""
    from kit import notebook
    from kit.loader import import_exercise, resolve

    folder = tmp_path / "ch3-training"
    folder.mkdir()
    (folder / "attention.ipynb").write_text(json.dumps({"cells": [
        _cell("solution", "def who():\n    return 'mine'\n"),
        _cell("test", "raise SystemExit('tests are not run')", grade=True, points=1)]}))
    monkeypatch.chdir(folder)
    assert notebook.sibling("attention").who() == "mine"
    with pytest.raises(NotImplementedError):  # no notebook of it: the kit's stub
        notebook.sibling("positional_encoding").sinusoidal_positional_encoding(4, 8)
    with pytest.raises(ValueError, match="exercise"):
        notebook.sibling("no_such_exercise")

    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "attention.py").write_text("def who():\n    return 'same student'\n")
    (submission / "transformer.py").write_text(
        notebook.PRELUDE + "who = sibling('attention').who\n"
        "def cheat():\n    return sibling('transformer').cheat()\n")
    module = import_exercise(resolve(str(submission)), "transformer")
    assert module.who() == "same student"
    with pytest.raises(RecursionError):  # its own exercise is itself, not the reference
        module.cheat()


def test_graded_cells_get_the_engines_points_and_feedback():
    from nbformat import v4
    from nbgrader.utils import determine_grade

    from graders.build.nbgrader.preprocessor import cell_outputs

    entries = [
        {"name": "x: test_f[a]", "score": 2, "max_score": 2, "status": "passed", "output": ""},
        {"name": "x: test_f[b]", "score": 0, "max_score": 1, "status": "failed",
         "output": "f('b') should be a list"},
        {"name": "x: test_f[gpu]", "score": 0, "max_score": 0, "status": "passed",
         "output": "NOT GRADED here (skipped: no CUDA GPU)"}]
    cell = v4.new_code_cell("# Graded test: test_f", metadata={"nbgrader": {
        "grade": True, "grade_id": "t", "points": 3, "solution": False, "locked": True}})
    cell.outputs = cell_outputs("test_f", entries, 3.0)
    assert determine_grade(cell) == (2.0, 3.0)
    text = cell.outputs[0]["text"]
    assert "2 / 3 points (1 of 2 cases passed)" in text and "f('b') should be a list" in text
    assert "NOT GRADED [gpu]" in text and "FAILED [b] (1 pt)" in text
    cell.outputs = cell_outputs("test_f", entries[1:2], 3.0)
    assert determine_grade(cell) == (0, 3.0)
    cell.outputs = cell_outputs("test_f", [], 3.0)
    assert determine_grade(cell) == (0, 3.0), "a test the engine did not run earns nothing"


def test_a_graded_cell_that_is_not_the_kits_earns_nothing():
    """Nothing runs the cells any more: one that KitAutograde does not grade must not keep
    nbgrader's default for a cell without output (full marks)."""
    from nbformat import v4
    from nbgrader.utils import determine_grade

    from graders.build.nbgrader.preprocessor import KitAutograde

    meta = {"nbgrader": {"grade": True, "grade_id": "old", "points": 2, "solution": False,
                         "locked": True}}
    nb = v4.new_notebook(cells=[v4.new_code_cell("import kit.notebook as _kit_notebook\n"
                                                 "_kit_notebook.grade('x', 'test_x', globals())",
                                                 metadata=meta)])
    nb, _ = KitAutograde().preprocess(nb, {"nbgrader": {"notebook": "tokenization"}})
    assert determine_grade(nb.cells[0]) == (0, 2.0)


def test_the_autograde_steps_are_nbgraders_with_kitautograde_for_execute():
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from graders.build.nbgrader.preprocessor import KitAutograde, autograde_preprocessors

    steps = autograde_preprocessors()
    default = Autograde.class_traits()["autograde_preprocessors"].default()
    assert Execute not in steps and steps[default.index(Execute)] is KitAutograde
    assert len(steps) == len(default)


def _notebook(path: Path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


def _cells(nb, role: str) -> list:
    return [c for c in nb.cells if c.metadata.get("kit", {}).get("role") == role]


def _clear_regions(source: str) -> str:
    """What nbgrader's ClearSolutions leaves of a cell."""
    return re.sub(r"(?m)^(\s*)### BEGIN SOLUTION\n(?:.*\n)*?\s*### END SOLUTION$", r"\1# YOUR CODE HERE",
                  source)


def _grader_points() -> dict[str, dict[str, int]]:
    """Points per exercise and test function as the grading engine's own collector counts them."""
    from graders.build.nbgrader import available_exercises

    names = available_exercises()
    raw = Path(os.environ.get("TMPDIR", "/tmp")) / f"kit-nb-points-{os.getpid()}.jsonl"
    raw.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pytest", "-p", "graders.engine.records", "--kit-raw", str(raw),
               "--collect-only", "-q", "--no-points", "-p", "no:cacheprovider",
               "-o", "addopts=--strict-markers", "--rootdir", str(REPO_ROOT),
               "-c", str(REPO_ROOT / "pyproject.toml"), "--impl", "solutions",
               *[str(REPO_ROOT / "graders" / f"test_{n}.py") for n in names]]
    env = {k: v for k, v in os.environ.items() if k != "KIT_IMPL"}
    subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=280,
                   check=False)
    points: dict[str, dict[str, int]] = {n: {} for n in names}
    for line in raw.read_text().splitlines():
        record = json.loads(line)
        if record.get("kind") == "collected":
            for item in record["items"]:
                function = item["test"].split("[")[0]
                points[item["exercise"]][function] = points[item["exercise"]].get(function, 0) + item["points"]
    raw.unlink(missing_ok=True)
    return points


def _gpu_functions(name: str) -> set[str]:
    tree = ast.parse((REPO_ROOT / "graders" / f"test_{name}.py").read_text())
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)
            and any("gpu" in ast.unparse(d) for d in n.decorator_list)}


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_every_exercise_gets_a_notebook_worth_its_graders_points(tmp_path):
    from graders.build.nbgrader import available_exercises, build_course

    names = available_exercises()
    course = tmp_path / "course"
    (course / "grading" / "graders").mkdir(parents=True)  # what an older build left
    (course / "grading" / "README.md").write_text("# grading/ -- instructors only\n")
    build_course(course, stream=io.StringIO())
    assert not (course / "grading").exists(), "no hidden test or reference in the course folder"
    expected = _grader_points()
    config = (course / "nbgrader_config.py").read_text()
    for needle in ("c.Autograde.autograde_preprocessors = autograde_preprocessors()",
                   "c.OverwriteCells.add_missing_cells = True", "c.CourseDirectory.course_id",
                   f'r"{REPO_ROOT}"'):
        assert needle in config, needle
    for name in names:
        found = list((course / "source").glob(f"ch*/{name}.ipynb"))
        assert len(found) == 1, name
        nb = _notebook(found[0])
        tests = _cells(nb, "test")
        graded = {re.match(r"# Graded test: (\w+)\n", c.source).group(1): c for c in tests}
        cpu = {f: p for f, p in expected[name].items() if f not in _gpu_functions(name)}
        assert set(graded) == set(cpu), f"{name}: a graded cell per hidden test function but the GPU ones"
        for function, cell in graded.items():
            assert cell.metadata.nbgrader.points == cpu[function], (name, function)
            assert cell.metadata.nbgrader.grade and cell.metadata.nbgrader.locked
            code = [line for line in cell.source.splitlines() if line and not line.startswith("#")]
            assert code == ["from kit.notebook import graded_by_the_kit",
                            f'graded_by_the_kit("{function}")'], f"{name}: no test code in a cell"
        for cell in nb.cells:
            if cell.cell_type == "code":
                compile(cell.source, f"{name}:{cell.id}", "exec")  # the instructor's version
                compile(_clear_regions(cell.source), f"{name}:{cell.id} (student)", "exec")
        solutions = _cells(nb, "solution")
        assert solutions and all("### BEGIN SOLUTION" in c.source for c in solutions)
        for cell in solutions:
            student = _clear_regions(cell.source)
            if cell.metadata.kit.kind == "stub":
                assert "NotImplementedError" in student, f"{name}.{cell.id}: the stub's raise is kept"
            else:  # a skeleton to complete: the student keeps the stub's version
                assert re.search(rf"(def|class) {cell.id}\b", student), f"{name}.{cell.id}"

    build_course(course, exercises=["flash_attention"], gpu_cells=True, stream=io.StringIO())
    nb = _notebook(course / "source" / "ch3-training" / "flash_attention.ipynb")
    assert sum(c.metadata.nbgrader.points for c in _cells(nb, "test")) == sum(expected["flash_attention"].values())


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_stub_notebooks_that_use_siblings_score_zero_and_solved_ones_full_marks(tmp_path):
    """The modules KitAutograde builds from the released notebooks of exercises with
    siblings (whose graded cells once passed on a stub, the siblings being the reference)
    earn nothing; from the instructor's notebooks, everything (GPU tests aside)."""
    from graders.build.nbgrader import build_course
    from kit.notebook import module_source

    graded = ["transformer", "flash_attention_backward"]
    names = [*graded, "attention", "positional_encoding", "flash_attention"]
    course = build_course(tmp_path / "course", exercises=names, stream=io.StringIO())
    for kind in ("stub", "solved"):
        folder = tmp_path / kind
        folder.mkdir()
        for name in names:
            nb = _notebook(course / "source" / "ch3-training" / f"{name}.ipynb")
            if kind == "stub":
                for cell in nb.cells:
                    cell.source = _clear_regions(cell.source)
            (folder / f"{name}.py").write_text(module_source(nb))
        out = tmp_path / f"out-{kind}"
        proc = subprocess.run([sys.executable, "-m", "graders", "grade", str(folder), "--out", str(out),
                               *[arg for name in graded for arg in ("--exercise", name)]],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=550, check=False)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        results = json.loads((out / "results.json").read_text())
        graded_max = sum(t["max_score"] for t in results["tests"]
                         if (t.get("extra_data") or {}).get("outcome") != "not_graded")
        expected = 0 if kind == "stub" else graded_max
        assert results["score"] == expected, (kind, [t["name"] for t in results["tests"]
                                                     if (t["score"] > 0) == (kind == "stub")])


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
               TQDM_DISABLE="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               # nbgrader runs `alembic` (its gradebook's migrations) from the PATH
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    return env



def _nbgrader(course: Path, env: dict, *args: str, timeout: int = 500) -> str:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    return proc.stdout + proc.stderr


def _submit(course: Path, student: str, nb) -> None:
    import nbformat

    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / f"{EXERCISE}.ipynb"))


def _by_id(nb) -> dict:
    return {c.id: c for c in nb.cells}


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

# The grading's secrets, as a student who knows where they are would read them.
def _secrets(course: Path) -> list[Path]:
    return [REPO_ROOT / "graders" / f"test_{EXERCISE}.py", REPO_ROOT / "solutions" / f"{EXERCISE}.py",
            course / "source" / ASSIGNMENT / f"{EXERCISE}.ipynb"]


ATTACKS = REPO_ROOT / "graders" / "selftests" / "malicious" / "nbgrader"


def _attack(name: str, **values: str) -> str:
    """The text of one attack cell in graders/selftests/malicious/nbgrader/, filled in."""
    text = (ATTACKS / f"{name}.py").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The whole nbgrader workflow on a tokenization course; the paths, scores and log."""
    import nbformat

    from graders.build.nbgrader import build_course

    root = tmp_path_factory.mktemp("nbgrader")
    env = _environment(root)
    course = build_course(root / "course", exercises=[EXERCISE], stream=io.StringIO())
    log = _nbgrader(course, env, "db", "assignment", "add", ASSIGNMENT)
    log += _nbgrader(course, env, "generate_assignment", ASSIGNMENT)
    source = _notebook(course / "source" / ASSIGNMENT / f"{EXERCISE}.ipynb")
    released = _notebook(course / "release" / ASSIGNMENT / f"{EXERCISE}.ipynb")
    answers = {c.id: c.source for c in source.cells
               if c.metadata.kit.role in ("solution", "imports", "helpers")}

    solved = copy.deepcopy(released)
    for cell in solved.cells:
        if cell.id in answers:
            cell.source = answers[cell.id]
    _submit(course, "solved", solved)
    _submit(course, "stub", released)

    tampered = copy.deepcopy(solved)  # a test cell deleted, another edited (and its points)
    tampered.cells = [c for c in tampered.cells if c.id != "test-test_tokenize_cases"]
    edited = _by_id(tampered)["test-test_ngrams_cases"]
    edited.source = 'raise RuntimeError("edited by the student")'
    edited.metadata.nbgrader.points = 100
    _submit(course, "tampered", tampered)

    wrong = copy.deepcopy(solved)  # lower-cases, loops for n == 3, fakes a test cell's score
    _by_id(wrong)["tokenize"].source = LOWERCASING_TOKENIZE
    _by_id(wrong)["ngrams"].source = LOOPING_NGRAMS
    _by_id(wrong)["test-test_tokenize_cases"].source = "13.0"
    wrong.cells = [c for c in wrong.cells if c.id != "test-test_ngrams_bad_n"]
    _submit(course, "wrong", wrong)

    sibling = copy.deepcopy(released)  # every function asks sibling() for the answer
    for cell in _cells(sibling, "solution"):
        cell.source = _attack("sibling_answers", FUNCTION=cell.id, EXERCISE=EXERCISE)
    _submit(course, "sibling", sibling)

    grade = copy.deepcopy(released)  # replaces the kit's grading function, fakes outputs
    _by_id(grade)["imports"].source = _attack("replaced_grade")
    for cell in _cells(grade, "test"):
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "99.0"},
                                               execution_count=1)]
    _submit(course, "grade", grade)

    leak = copy.deepcopy(released)  # prints the hidden tests, the reference, the solutions
    _by_id(leak)["helpers"].source = _attack("steal_secrets", SECRETS=repr([str(p) for p in _secrets(course)]))
    _submit(course, "leak", leak)

    (course / "nbgrader_config_local.py").write_text(
        f"c = get_config()  # noqa: F821\nc.KitAutograde.test_timeout = {LOOP_TIMEOUT}\n")
    log += _nbgrader(course, env, "autograde", ASSIGNMENT)
    log += _nbgrader(course, env, "generate_feedback", ASSIGNMENT)

    from nbgrader.api import Gradebook

    scores: dict[str, dict[str, tuple[float, float]]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in STUDENTS:
            submission = gb.find_submission_notebook(EXERCISE, ASSIGNMENT, student)
            scores[student] = {g.name: (g.auto_score, g.max_score) for g in submission.grades}
    return {"course": course, "scores": scores, "log": log, "source": source}


def _total(cells: dict[str, tuple[float, float]]) -> tuple[float, float]:
    return sum(s for s, _ in cells.values()), sum(m for _, m in cells.values())


def _pretrained(graded) -> set[str]:
    return {c.id for c in _cells(graded["source"], "test") if "pretrained" in c.source}


def _autograded(graded, student: str):
    return _notebook(graded["course"] / "autograded" / student / ASSIGNMENT / f"{EXERCISE}.ipynb")


def _feedback(graded, student: str) -> str:
    page = (graded["course"] / "feedback" / student / ASSIGNMENT / f"{EXERCISE}.html").read_text(
        encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_solved_notebook_gets_full_marks(graded):
    from kit import pretrained

    cells = graded["scores"]["solved"]
    earned, possible = _total(cells)
    assert possible == sum(c.metadata.nbgrader.points for c in _cells(graded["source"], "test"))
    if pretrained.available():
        assert earned == possible, cells
    else:  # without the extra, its tests are skipped and earn nothing
        assert all(cells[g][0] == cells[g][1] for g in cells if g not in _pretrained(graded)), cells


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_released_stub_gets_zero(graded):
    assert _total(graded["scores"]["stub"])[0] == 0, graded["scores"]["stub"]


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("student", ["sibling", "grade", "leak"])
def test_notebooks_that_attack_the_grading_get_zero(graded, student):
    assert _total(graded["scores"][student])[0] == 0, graded["scores"][student]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_no_notebook_runs_in_a_kernel_and_no_secret_reaches_the_feedback(graded):
    course = graded["course"]
    for student in STUDENTS:
        for cell in _autograded(graded, student).cells:
            if cell.cell_type == "code" and "Graded test: " not in cell.source:
                assert not cell.outputs, f"{student}: {cell.id} has outputs: a kernel ran it"
    assert "Executing notebook" not in graded["log"]
    isolation = re.findall(r"graded by the engine \((\S+)\)", graded["log"])
    assert isolation and set(isolation) <= {"bwrap", "namespaces", "process"}, graded["log"][-3000:]
    if "bwrap" not in isolation:
        pytest.skip(f"isolation {isolation[0]}: only bubblewrap hides every secret path from "
                    "student code (install bubblewrap)")
    released = course / "release" / ASSIGNMENT
    own = course / "submitted" / "leak" / ASSIGNMENT / f"{EXERCISE}.ipynb"  # shown in the feedback
    public = "\n".join(c.source for c in _notebook(released / f"{EXERCISE}.ipynb").cells)
    public += "\n".join(c.source for c in _notebook(own).cells)
    public += (released / "tests" / f"test_{EXERCISE}.py").read_text()
    feedback = _feedback(graded, "leak")
    notebook = (course / "autograded" / "leak" / ASSIGNMENT / f"{EXERCISE}.ipynb").read_text()
    assert "FileNotFoundError" in feedback or "PermissionError" in feedback, feedback[-3000:]
    for path in _secrets(course):
        lines = {line.strip() for line in path.read_text().splitlines() if len(line.strip()) >= 20}
        for line in lines - {line.strip() for line in public.splitlines()}:
            assert line not in feedback and json.dumps(line)[1:-1] not in notebook, \
                f"{path.name} leaked: {line!r}"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_deleted_and_edited_test_cells_are_restored_and_graded(graded):
    solved, tampered = graded["scores"]["solved"], graded["scores"]["tampered"]
    assert tampered["test-test_ngrams_cases"][1] == solved["test-test_ngrams_cases"][1], \
        "the points a student wrote into the cell's metadata must not count"
    for cell, (score, _) in tampered.items():
        assert score == solved[cell][0], (cell, score, solved[cell])
    restored = [c for c in _autograded(graded, "tampered").cells if "Graded test: " in c.source]
    assert len(restored) == len(solved), "every graded cell is back"
    assert "Missing grade cell test-test_tokenize_cases" in graded["log"]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_an_infinite_loop_fails_its_tests_only(graded):
    wrong = graded["scores"]["wrong"]
    assert wrong["test-test_ngrams_cases"][0] < wrong["test-test_ngrams_cases"][1], \
        "the looping case should time out"
    assert wrong["test-test_ngrams_bad_n"] == (4.0, 4.0), "a deleted cell is restored and graded"
    assert wrong["test-test_ngrams_leaves_its_input_alone"][0] == 1.0, "the other tests still run"
    assert 0 < wrong["test-test_tokenize_cases"][0] < wrong["test-test_tokenize_cases"][1], \
        "the faked cell is restored: partial credit for a lower-casing tokenizer"
    loop = _by_id(_autograded(graded, "wrong"))["test-test_ngrams_cases"]
    assert any("time" in o.get("text", "").lower() for o in loop.outputs), loop.outputs


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_feedback_never_shows_the_hidden_expected_values(graded):
    text = _feedback(graded, "wrong")
    assert "test_tokenize_cases: " in text and "differs first at item" in text, "failures are explained"
    assert "expected:" not in text and ", expected " not in text
    grader = ast.parse((REPO_ROOT / "graders" / f"test_{EXERCISE}.py").read_text())
    cases = next(ast.literal_eval(n.value) for n in grader.body
                 if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "CASES")
    released = graded["course"] / "release" / ASSIGNMENT
    public = "".join(c.source for c in _notebook(released / f"{EXERCISE}.ipynb").cells)
    public += (released / "tests" / f"test_{EXERCISE}.py").read_text()
    hidden = [(label, expected) for _, expected, label, _ in cases
              if any(c.isupper() for c in "".join(expected))  # the lower-casing student fails them
              and repr(expected) not in public]               # not the course's public example
    assert hidden, "no hidden case to look for"
    for label, expected in hidden:
        assert repr(expected) not in text, f"the expected tokens of {label!r} leaked"
    for student in STUDENTS:
        assert (graded["course"] / "feedback" / student / ASSIGNMENT / f"{EXERCISE}.html").is_file()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_released_assignment_has_no_solution_or_hidden_test(graded):
    from graders.build.leaks import check_tree

    leaks = check_tree(graded["course"] / "release")
    assert not leaks, "\n".join(leak.describe() for leak in leaks)
