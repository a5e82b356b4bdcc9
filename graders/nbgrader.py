"""``python -m graders nbgrader OUT_DIR``: an nbgrader course built from the same sources.

The course folder holds

* ``nbgrader_config.py`` -- course id, the per-cell time limit
  (``ExecutePreprocessor.timeout``), the kernel (``python3``),
  ``OverwriteCells.add_missing_cells = True`` (a deleted test cell is put back),
  ``ClearSolutions.code_stub`` (the stub's own ``raise NotImplementedError`` stays
  under the solution region) and where the hidden tests live. Local changes go to
  ``nbgrader_config_local.py`` (loaded last, never overwritten);
* ``source/<assignment>/<exercise>.ipynb`` -- one notebook per exercise, assignments
  grouped by course chapter (``ch2-building-blocks``), plus the exercise's public
  tests in ``source/<assignment>/tests/``;
* ``grading/`` -- the hidden graders (``graders/test_*.py``) and the reference
  solutions (the siblings a notebook is graded with), never released.

Each notebook is generated from the module: the stub's module docstring (markdown),
the stub's given code (locked), a solution cell per function or class to write --
the stub's signature and docstring, the reference body between ``### BEGIN SOLUTION``
and ``### END SOLUTION`` and the stub's ``raise NotImplementedError`` after it (a
skeleton the stub gives to complete, e.g. a kernel with TODOs, stays as it is and the
reference redefines it inside the region) -- solution cells for the reference's extra
imports (top) and module-level helpers (after the functions), a cell that runs the
public tests, and one locked autograder cell per hidden test function. Its ``### BEGIN HIDDEN TESTS`` part calls
that test of ``graders/test_<exercise>.py`` on the notebook's own functions
(:func:`kit.notebook.grade`), and the cell is worth the points of all its cases;
nbgrader's partial credit gives the points earned.

Relative imports (``from .attention import X``) become ``X = sibling("attention").X``:
graded, the sibling is the reference solution (each notebook is graded on its own
exercise); while a student works, the student's own notebook of that exercise.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kit.exercises import BY_NAME, CHAPTERS, EXERCISES, exercise_of_test_file
from kit.loader import REPO_ROOT

from .grade import GradingError

COURSE_ID = "llm-concepts-kit"
DEFAULT_CELL_TIMEOUT = 120      # seconds per cell when autograded (ExecutePreprocessor.timeout)
CELL_TIMEOUT_MARGIN = 30        # added to the sum of a cell's own @pytest.mark.timeout values
MAX_CELL_TIMEOUT = 900          # no graded cell gets longer than this
CHAPTER_SLUGS = {1: "introduction", 2: "building-blocks", 3: "training", 4: "concerns"}
STOP = {"a", "an", "and", "the", "of", "to", "in", "for", "on", "llm", "llms"}
GRADING = "grading"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class CourseError(GradingError):
    """The nbgrader course could not be built (nothing was written)."""


def assignment_of(chapter: int) -> str:
    """``2`` -> ``"ch2-building-blocks"``."""
    slug = CHAPTER_SLUGS.get(chapter)
    if slug is None:
        words = [w for w in re.findall(r"[a-z0-9]+", CHAPTERS.get(chapter, "").lower()) if w not in STOP]
        slug = "-".join(words[:2]) or "exercises"
    return f"ch{chapter}-{slug}"


# --------------------------------------------------------------------------- the graders' tests


@dataclass
class GraderTest:
    """One test function of ``graders/test_<exercise>.py`` (all its parametrized cases)."""

    name: str
    points: int = 0
    cases: int = 0
    timeout: float = 0.0
    markers: set[str] = field(default_factory=set)
    doc: str = ""


# Loaded with ``-p graders.nbgrader`` by :func:`collect_grader_tests` (a collect-only run).
def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("kit").addoption("--kit-collect-out", default=None,
                                     help="(nbgrader build) write the collected grader tests here")


def pytest_collection_finish(session: pytest.Session) -> None:
    path = session.config.getoption("kit_collect_out")
    if not path:
        return
    from kit.pytest_plugin import points_of

    items = []
    for item in session.items:
        exercise = exercise_of_test_file(item.path.name)
        if exercise is None:
            continue
        timeout = item.get_closest_marker("timeout")
        function = getattr(item, "function", None)
        items.append({
            "exercise": exercise,
            "function": getattr(item, "originalname", item.name),
            "points": points_of(item),
            "timeout": float(timeout.args[0]) if timeout is not None and timeout.args else 0.0,
            "markers": sorted({m.name for m in item.iter_markers()}
                              & {"slow", "gpu", "perf", "pretrained", "triton"}),
            "doc": ((function.__doc__ or "").strip().splitlines() or [""])[0] if function else "",
        })
    Path(path).write_text(json.dumps(items), encoding="utf-8")


def pytest_collectreport(report) -> None:
    if report.failed:
        raise pytest.UsageError(f"collecting {report.nodeid} failed:\n{str(report.longrepr)[-2000:]}")


def collect_grader_tests(names: list[str], repo_root: Path = REPO_ROOT) -> dict[str, list[GraderTest]]:
    """The hidden test functions of each exercise, in file order, with their points."""
    files = [str(repo_root / "graders" / f"test_{n}.py") for n in names]
    with tempfile.TemporaryDirectory(prefix="kit-nbgrader-") as tmp:
        out = Path(tmp) / "collected.json"
        command = [sys.executable, "-m", "pytest", "-p", "graders.nbgrader", "--kit-collect-out",
                   str(out), "--collect-only", "-q", "--no-points", "-p", "no:cacheprovider",
                   "-o", "addopts=--strict-markers", "--rootdir", str(repo_root),
                   "-c", str(repo_root / "pyproject.toml"), "--impl", "solutions", *files]
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        env.pop("KIT_IMPL", None)
        proc = subprocess.run(command, cwd=repo_root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0 or not out.exists():
            raise CourseError(f"collecting the graders failed (exit {proc.returncode}):\n"
                              f"{proc.stdout[-3000:]}")
        items = json.loads(out.read_text(encoding="utf-8"))
    tests: dict[str, dict[str, GraderTest]] = {n: {} for n in names}
    for item in items:
        test = tests[item["exercise"]].setdefault(item["function"], GraderTest(item["function"]))
        test.points += item["points"]
        test.cases += 1
        test.timeout += item["timeout"]
        test.markers |= set(item["markers"])
        test.doc = test.doc or item["doc"]
    return {n: list(t.values()) for n, t in tests.items()}


# --------------------------------------------------------------------------- source surgery


def rewrite_relative_imports(source: str) -> str:
    """``from .attention import X as Y`` -> ``Y = sibling("attention").X`` (notebooks have no package)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ImportFrom) and node.level > 0):
            continue
        indent = " " * node.col_offset
        new = [f"{indent}from kit.notebook import sibling\n"]
        for alias in node.names:
            if node.module:
                module = node.module.split(".")[0]
                if alias.name == "*":
                    new.append(f"{indent}globals().update({{k: v for k, v in vars(sibling({module!r}))"
                               f".items() if not k.startswith('_')}})\n")
                else:
                    new.append(f"{indent}{alias.asname or alias.name} = sibling({module!r}).{alias.name}\n")
            else:
                new.append(f"{indent}{alias.asname or alias.name} = sibling({alias.name!r})\n")
        edits.append((node.lineno, node.end_lineno, new))
    for first, last, new in sorted(edits, reverse=True):
        lines[first - 1:last] = new
    return "".join(lines)


def _doc_node(body: list[ast.stmt]) -> ast.stmt | None:
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[0]
    return None


def _is_stub(func: ast.AST) -> bool:
    """A function to write: its body ends with ``raise NotImplementedError(...)``."""
    if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    last = func.body[-1]
    if not isinstance(last, ast.Raise) or last.exc is None:
        return False
    target = last.exc.func if isinstance(last.exc, ast.Call) else last.exc
    return isinstance(target, ast.Name) and target.id == "NotImplementedError"


def _is_task(node: ast.stmt) -> bool:
    if isinstance(node, ast.ClassDef):
        return any(_is_stub(n) for n in node.body)
    return _is_stub(node)


def _is_main_guard(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "__main__" in ast.dump(node.test)


def _start(node: ast.stmt, lines: list[str]) -> int:
    """First line of ``node`` (1-based), decorators and the comments just above included."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    while first > 1 and lines[first - 2].strip().startswith("#"):
        first -= 1
    return first


def _text(lines: list[str], first: int, last: int) -> str:
    return "".join(lines[first - 1:last])


def _names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _terminates(body: list[ast.stmt]) -> bool:
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _terminates(last.body) and _terminates(last.orelse)
    return False


def _reindent(text: str, old: int, new: int) -> str:
    if old == new:
        return text
    out = []
    for line in text.splitlines(keepends=True):
        if new > old:
            out.append(" " * (new - old) + line if line.strip() else line)
        else:
            strip = min(old - new, len(line) - len(line.lstrip(" ")))
            out.append(line[strip:])
    return "".join(out)


def _body_text(func: ast.FunctionDef, lines: list[str]) -> tuple[str, int, ast.stmt | None]:
    """``func``'s body without its docstring (comments kept): text, first line, first statement."""
    body = func.body[1:] if _doc_node(func.body) else func.body
    if not body:
        return "", func.end_lineno + 1, None
    if body[0].lineno == func.lineno:  # a one-line def
        return " " * (func.col_offset + 4) + ast.unparse(body[0]) + "\n", body[0].lineno, body[0]
    first = body[0].lineno
    floor = (func.body[0].end_lineno if _doc_node(func.body) else func.lineno) + 1
    while first > floor and lines[first - 2].strip().startswith("#"):
        first -= 1
    return _text(lines, first, func.end_lineno), first, body[0]


class _Module:
    def __init__(self, path: Path):
        self.path = path
        self.source = rewrite_relative_imports(path.read_text(encoding="utf-8"))
        self.tree = ast.parse(self.source)
        self.lines = self.source.splitlines(keepends=True)
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += "\n"

    def top(self, name: str) -> ast.stmt | None:
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
                return node
        return None


def _merge_function(stub: _Module, sol: _Module, func: ast.FunctionDef, ref: ast.FunctionDef,
                    where: str) -> str:
    """The stub's ``def`` and docstring, the reference body as the solution region, the stub body."""
    stub_body, stub_line, stub_first = _body_text(func, stub.lines)
    if stub_first is None or stub_first.lineno == func.lineno:
        raise CourseError(f"{where}: the stub function needs a body on its own lines")
    header = _text(stub.lines, _start(func, stub.lines), stub_line - 1)
    indent = stub_first.col_offset
    pad = " " * indent
    ref_body, _, ref_first = _body_text(ref, sol.lines)
    solution = _reindent(ref_body, ref_first.col_offset if ref_first is not None else indent, indent)
    if not _terminates(ref.body[1:] if _doc_node(ref.body) else ref.body):
        # the stub's raise follows the region: the reference must not fall through to it
        solution += f"{pad}return\n"
    return f"{header}{pad}### BEGIN SOLUTION\n{solution}{pad}### END SOLUTION\n{stub_body}"


def _merge_class(stub: _Module, sol: _Module, cls: ast.ClassDef, ref: ast.ClassDef, where: str) -> str:
    lines = stub.lines
    members = cls.body[1:] if _doc_node(cls.body) else cls.body
    if not members:
        raise CourseError(f"{where}: empty class")
    head_end = (cls.body[0].end_lineno if _doc_node(cls.body) else cls.lineno)
    out = [_text(lines, _start(cls, lines), head_end)]
    previous_end = head_end
    ref_members = {n.name: n for n in ref.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    merged: set[str] = set()
    same = {_without_docstrings(n) for n in members}
    for node in members:
        start = _start(node, lines)
        out.append(_text(lines, previous_end + 1, start - 1))  # blank lines between members
        if _is_stub(node):
            ref_node = ref_members.get(node.name)
            if ref_node is None:
                raise CourseError(f"{where}: the reference class has no method {node.name}")
            out.append(_merge_function(stub, sol, node, ref_node, f"{where}.{node.name}"))
            merged.add(node.name)
        else:
            out.append(_text(lines, start, node.end_lineno))
        previous_end = node.end_lineno
    # What the reference has that the stub has not, or has otherwise (a method left as a
    # skeleton, a class attribute): at the end of the class, where it overrides the stub's.
    extras = [n for n in (ref.body[1:] if _doc_node(ref.body) else ref.body)
              if not (_names(n) & merged) and _without_docstrings(n) not in same
              and not isinstance(n, ast.Pass)]
    if extras:
        pad = " " * members[0].col_offset
        text = "\n".join(_text(sol.lines, _start(n, sol.lines), n.end_lineno) for n in extras)
        text = _reindent(text, extras[0].col_offset, members[0].col_offset)
        out.append(f"\n{pad}### BEGIN SOLUTION\n{text}{pad}### END SOLUTION\n")
    return "".join(out)


def _without_docstrings(node: ast.AST) -> str:
    """``node`` as an AST dump that ignores docstrings (the stub's are longer)."""
    node = copy.deepcopy(node)
    for child in ast.walk(node):
        body = getattr(child, "body", None)
        if isinstance(body, list) and _doc_node(body) is not None and \
                isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            child.body = body[1:] or [ast.Pass()]
    return ast.dump(node)


def _task_kind(node: ast.stmt, sol: _Module) -> str | None:
    """How the stub's top-level ``node`` becomes a solution cell: ``"stub"`` (the stub raises
    ``NotImplementedError``: the reference body goes inside), ``"rewrite"`` (a skeleton, e.g.
    with TODOs, that the reference redefines), or None (given code)."""
    if _is_task(node):
        return "stub"
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        ref = sol.top(node.name)
        if ref is not None and _without_docstrings(ref) != _without_docstrings(node):
            return "rewrite"
    return None


def _helpers(stub: _Module, sol: _Module) -> tuple[str, str]:
    """The reference's module-level code that the stub does not have: (imports, the rest).

    A statement the stub has differently (same name, other value) is included: in the
    instructor's notebook it then overrides the stub's version, as in the reference.
    """
    stub_dumps = {ast.dump(n) for n in stub.tree.body}
    stub_defs = {n.name for n in stub.tree.body
                 if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    imports, rest = [], []
    body = sol.tree.body[1:] if _doc_node(sol.tree.body) else sol.tree.body
    for node in body:
        if _is_main_guard(node) or ast.dump(node) in stub_dumps:
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in stub_defs:
            continue  # a task (or given) of the stub: its own cell
        text = _text(sol.lines, _start(node, sol.lines), node.end_lineno).rstrip("\n") + "\n"
        (imports if isinstance(node, (ast.Import, ast.ImportFrom)) else rest).append(text)
    return "".join(imports), "\n".join(rest)


# --------------------------------------------------------------------------- markdown


def markdown(doc: str) -> str:
    """A docstring (reST-ish) as Markdown: literal blocks fenced, ``code`` as `code`."""
    lines = textwrap.dedent(doc).strip("\n").splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        literal = line.rstrip().endswith("::")
        if literal:
            text = line.rstrip()[:-2].rstrip()
            if text:
                out.append(_inline(text) + ":")
            i += 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            block = []
            base = len(line) - len(line.lstrip())
            while i < len(lines) and (not lines[i].strip()
                                      or len(lines[i]) - len(lines[i].lstrip()) > base):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            out += ["", "```python", *textwrap.dedent("\n".join(block)).splitlines(), "```", ""]
            continue
        if line.lstrip().startswith(">>>"):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out += ["```python", *textwrap.dedent("\n".join(block)).splitlines(), "```"]
            continue
        out.append(_inline(line))
        i += 1
    return "\n".join(out).strip() + "\n"


def _inline(text: str) -> str:
    text = re.sub(r"``(.+?)``", r"`\1`", text)
    text = re.sub(r":(?:func|class|meth|mod|data|attr):`~?([^`]+)`", r"`\1`", text)
    # `$` would start LaTeX in Jupyter's Markdown; escape it outside code spans
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(p if p.startswith("`") else p.replace("$", r"\$") for p in parts)


# --------------------------------------------------------------------------- cells


def _meta(role: str, grade_id: str | None = None, *, solution: bool = False, grade: bool = False,
          locked: bool = False, points: int | None = None) -> dict:
    meta: dict = {"kit": {"role": role}}
    if grade_id is not None:
        nb = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
              "solution": solution, "task": False}
        if points is not None:
            nb["points"] = points
        meta["nbgrader"] = nb
        if locked:
            meta["deletable"] = False
            meta["editable"] = False
    return meta


def _cell(kind: str, source: str, meta: dict, cell_id: str) -> dict:
    cell = {"cell_type": kind, "id": cell_id, "metadata": meta, "source": source.rstrip("\n")}
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:60] or "cell"


@dataclass
class Notebook:
    exercise: str
    assignment: str
    cells: list[dict]
    points: int
    tests: list[GraderTest]

    def json(self) -> str:
        nb = {
            "cells": self.cells,
            "metadata": {
                "kernelspec": KERNELSPEC,
                "language_info": {"name": "python", "file_extension": ".py",
                                  "mimetype": "text/x-python"},
                "kit": {"exercise": self.exercise, "assignment": self.assignment,
                        "points": self.points},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def build_notebook(name: str, tests: list[GraderTest], repo_root: Path = REPO_ROOT) -> Notebook:
    """The source notebook (with solutions and hidden tests) of exercise ``name``."""
    exercise = BY_NAME[name]
    stub_path = repo_root / "exercises" / f"{name}.py"
    sol_path = repo_root / "solutions" / f"{name}.py"
    try:
        stub, sol = _Module(stub_path), _Module(sol_path)
    except SyntaxError as exc:
        raise CourseError(f"{name}: cannot parse {exc.filename}: {exc}") from None
    cells: list[dict] = []
    ids: set[str] = set()

    def add(kind: str, source: str, meta: dict, cell_id: str) -> None:
        cell_id = _safe_id(cell_id)
        while cell_id in ids:
            cell_id += "-x"
        ids.add(cell_id)
        nb = meta.get("nbgrader")
        if nb is not None:
            nb["grade_id"] = cell_id
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            if kind == "markdown" and marker in source:
                raise CourseError(f"{name}: a docstring contains {marker!r}, which nbgrader would "
                                  "take for a region marker")
        cells.append(_cell(kind, source, meta, cell_id))

    doc = ast.get_docstring(stub.tree, clean=False) or exercise.title
    title, _, rest = textwrap.dedent(doc).strip().partition("\n")
    chapter = f"Chapter {exercise.chapter} ({CHAPTERS.get(exercise.chapter, '')})"
    intro = (f"# {title.strip().rstrip('.')}\n\n*{chapter} -- exercise `{name}`*\n\n"
             f"{markdown(rest) if rest.strip() else ''}\n"
             "**How this notebook works.** Write your code in the cells marked `# YOUR CODE HERE` "
             "(replace the `raise NotImplementedError(...)` below them) and keep the names and "
             "signatures. Run the cells from the top, then *Check your work* runs the public "
             "tests. The locked cells at the end are the graded tests: they run hidden tests when "
             "your notebook is graded.")
    add("markdown", intro, _meta("intro", "intro", locked=True), "intro")
    add("code", "# Set-up: run this cell first.\nfrom kit.notebook import check, prepare, sibling\n\n"
        "prepare()", _meta("setup", "setup", locked=True), "setup")

    body = stub.tree.body[1:] if _doc_node(stub.tree.body) else stub.tree.body
    imports, helpers = _helpers(stub, sol)
    imports_done = False
    given: list[str] = []
    previous_end = (stub.tree.body[0].end_lineno if _doc_node(stub.tree.body) else 0)

    def flush_given() -> None:
        text = "".join(given).strip("\n")
        given.clear()
        text = re.sub(r"\n{3,}", "\n\n", text)
        if text.strip():
            add("code", text, _meta("given", "given", locked=True), f"given-{len(cells)}")

    def add_imports() -> None:
        add("markdown", "**Imports** (optional): modules your code needs.", _meta("text"), "imports-text")
        add("code", "### BEGIN SOLUTION\n" + imports + "### END SOLUTION",
            _meta("imports", "imports", solution=True), "imports")

    for node in body:
        if _is_main_guard(node):
            previous_end = node.end_lineno
            continue
        kind = _task_kind(node, sol)
        if kind is None:
            given.append(_text(stub.lines, previous_end + 1, node.end_lineno))
            previous_end = node.end_lineno
            continue
        flush_given()
        if not imports_done:
            add_imports()
            imports_done = True
        ref = sol.top(node.name)
        if ref is None or type(ref) is not type(node):
            raise CourseError(f"{name}: solutions/{name}.py has no {node.name} "
                              f"(the stub asks for it)")
        where = f"{name}.{node.name}"
        summary = (ast.get_docstring(node) or "").strip().splitlines()
        heading = f"## Class `{node.name}`" if isinstance(node, ast.ClassDef) else f"## `{node.name}`"
        if kind == "rewrite":
            # the stub's skeleton stays for the student; the reference redefines it
            code = (_text(stub.lines, _start(node, stub.lines), node.end_lineno).rstrip("\n")
                    + "\n\n\n### BEGIN SOLUTION\n"
                    + _text(sol.lines, _start(ref, sol.lines), ref.end_lineno).rstrip("\n")
                    + "\n### END SOLUTION\n")
            heading += " (complete it)"
        elif isinstance(node, ast.ClassDef):
            code = _merge_class(stub, sol, node, ref, where)
        else:
            code = _merge_function(stub, sol, node, ref, where)
        text = heading + (f"\n\n{_inline(summary[0])}" if summary else "")
        add("markdown", text, _meta("task", f"task-{node.name}", locked=True), f"task-{node.name}")
        meta = _meta("solution", node.name, solution=True)
        meta["kit"]["kind"] = kind
        add("code", code.strip("\n"), meta, node.name)
        previous_end = node.end_lineno
    flush_given()
    if not imports_done:
        add_imports()
    add("markdown", "**Helpers** (optional): constants and helper functions that your code "
        "shares. This cell runs after the ones above, before any test calls your code.",
        _meta("text"), "helpers-text")
    add("code", "### BEGIN SOLUTION\n" + helpers + "### END SOLUTION",
        _meta("helpers", "helpers", solution=True), "helpers")
    add("code", "# Try your functions here (this cell is not graded).\n### BEGIN SOLUTION\n"
        "### END SOLUTION", _meta("scratch", "scratch", solution=True), "scratch")

    add("markdown", "## Check your work\n\nThe public tests: a few of the course's examples. "
        "Passing them is a good sign, not a guarantee -- the graded tests below check more "
        "cases.", _meta("text"), "check-text")
    add("code", f'check("{name}", globals())', _meta("check"), "check")
    total = sum(t.points for t in tests)
    add("markdown", f"## Graded tests ({total} points)\n\nEach locked cell below runs hidden tests "
        "on your functions when the notebook is graded, and is worth the points of the cases "
        "that pass. Do not edit or delete these cells (they are restored from the original "
        "anyway).", _meta("text"), "graded-text")
    for test in tests:
        what = f"{test.cases} case{'s' if test.cases != 1 else ''}"
        doc = f" -- {test.doc}" if test.doc else ""
        notes = [m for m in ("gpu", "pretrained", "triton") if m in test.markers]
        note = f" (needs: {', '.join(notes)})" if notes else ""
        limit = cell_time_limit(test)
        if limit:
            note += f"; time limit: {limit} s"
        source = (f"# Graded: {test.name}{doc}\n# {test.points} point{'s' if test.points != 1 else ''}, "
                  f"{what}{note}.\n### BEGIN HIDDEN TESTS\nimport kit.notebook as _kit_notebook\n"
                  f'_kit_notebook.grade("{name}", "{test.name}", globals())\n### END HIDDEN TESTS')
        add("code", source, _meta("test", test.name, grade=True, locked=True, points=test.points),
            f"test-{test.name}")
    return Notebook(name, assignment_of(exercise.chapter), cells, total, tests)


def cell_time_limit(test: GraderTest) -> int | None:
    """A graded cell's own time limit when its tests need more than the default (their
    ``@pytest.mark.timeout`` values), else None (the cell gets ``ExecutePreprocessor.timeout``)."""
    if not test.timeout or test.timeout + CELL_TIMEOUT_MARGIN <= DEFAULT_CELL_TIMEOUT:
        return None
    return int(min(MAX_CELL_TIMEOUT, test.timeout + CELL_TIMEOUT_MARGIN))


# --------------------------------------------------------------------------- the course folder


CONFIG = r'''"""nbgrader configuration of the LLM concepts kit course.

Generated by `python -m graders nbgrader`, which rewrites this file on every build:
put local changes (e.g. c.Exchange.root, a longer time limit) in
nbgrader_config_local.py next to it -- it is loaded last and never overwritten.
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader (traitlets)

_HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "{course_id}"
c.CourseDirectory.root = _HERE

# Autograding runs each cell with this time limit (seconds). A cell that runs longer
# (an infinite loop) is interrupted and scores zero; the other cells still run.
c.ExecutePreprocessor.timeout = {timeout}


def _kit_cell_timeout(cell):
    """A graded cell whose tests need longer says so ("time limit: N s", in its locked
    source, which autograding restores); every other cell gets the limit above."""
    import re

    default = c.ExecutePreprocessor.timeout
    found = re.search(r"time limit: (\d+) s", cell.get("source", "")) if cell is not None else None
    return max(default, int(found.group(1))) if found else default


c.ExecutePreprocessor.timeout_func = _kit_cell_timeout
# The kernel that runs the notebooks: the python3 kernel of the Python that runs
# nbgrader (where the kit is installed).
c.ExecutePreprocessor.kernel_name = "python3"

# A graded cell that a student deleted is put back (edited ones are always restored).
c.OverwriteCells.add_missing_cells = True

# Graded cells score what their tests earn: text that a library writes to stderr
# (a warning, a progress bar) must not turn a passing cell into zero points.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]"

# The stub's own `raise NotImplementedError(...)` follows every solution region,
# so the region becomes just this line in the student version.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE"}}

# The hidden tests and the reference solutions the notebooks are graded with.
# Kernels started by nbgrader inherit this variable (see kit/notebook.py).
os.environ["{env}"] = os.path.join(_HERE, "{grading}")

load_subconfig(os.path.join(_HERE, "nbgrader_config_local.py"))  # noqa: F821
'''

GRADING_INI = """\
# pytest settings for the hidden tests run from notebooks (kit.notebook.grade).
[pytest]
python_files = test_*.py
timeout = 0
"""

GRADING_README = """\
# grading/ -- instructors only

The hidden tests (`graders/test_*.py`) that the notebooks' locked cells run when
nbgrader autogrades them, and the reference solutions (`solutions/`) that a notebook
using another exercise is graded with. Copied from the kit by
`python -m graders nbgrader`; rebuild the course after changing the graders.
Never give this folder (or `source/`) to students.
"""

COURSE_README = """\
# nbgrader course: LLM concepts kit

Generated by `python -m graders nbgrader` from the kit's exercises, solutions and
hidden graders. See the kit's `docs/nbgrader.md` for the workflow.

Assignments (`source/`):

{assignments}
"""


def _grader_support(repo_root: Path) -> list[Path]:
    """Files of ``graders/`` that the hidden tests may use: not the engine's wrong implementations."""
    files = []
    base = repo_root / "graders"
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base)
        if not path.is_file() or rel.parts[0] in ("mutants", "selftests") \
                or "__pycache__" in rel.parts or path.suffix in (".pyc", ".pyo"):
            continue
        files.append(rel)
    return files


def available_exercises(repo_root: Path = REPO_ROOT) -> list[str]:
    return [e.name for e in EXERCISES
            if all((repo_root / d / f).is_file() for d, f in
                   (("exercises", f"{e.name}.py"), ("solutions", f"{e.name}.py"),
                    ("graders", f"test_{e.name}.py")))]


def build_course(out_dir: Path, *, exercises: list[str] | None = None, repo_root: Path = REPO_ROOT,
                 stream=sys.stdout) -> Path:
    """Build (or rebuild) the nbgrader course folder at ``out_dir``."""
    repo_root = Path(repo_root).resolve()
    out_dir = Path(out_dir).expanduser().resolve()
    if out_dir == repo_root or repo_root.is_relative_to(out_dir):
        raise CourseError(f"{out_dir}: the course folder cannot be or contain the repository")
    names = exercises or available_exercises(repo_root)
    for n in names:
        if n not in BY_NAME:
            raise CourseError(f"unknown exercise {n!r}; known: {', '.join(BY_NAME)}")
        missing = [p for p in (f"exercises/{n}.py", f"solutions/{n}.py", f"graders/test_{n}.py")
                   if not (repo_root / p).is_file()]
        if missing:
            raise CourseError(f"{n}: missing {', '.join(missing)}")
    if not names:
        raise CourseError("no exercise has a stub, a solution and graders yet")
    tests = collect_grader_tests(names, repo_root)
    notebooks = []
    for n in names:
        if not tests[n]:
            raise CourseError(f"{n}: graders/test_{n}.py has no test")
        notebooks.append(build_notebook(n, tests[n], repo_root))

    # everything is built: now write (our files only; the gradebook and students' work stay)
    out_dir.mkdir(parents=True, exist_ok=True)
    grading = out_dir / GRADING
    if grading.exists():
        shutil.rmtree(grading)
    for rel in _grader_support(repo_root):
        target = grading / "graders" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo_root / "graders" / rel, target)
    (grading / "solutions").mkdir(parents=True, exist_ok=True)
    for path in sorted((repo_root / "solutions").glob("*.py")):
        shutil.copy2(path, grading / "solutions" / path.name)
    (grading / "pytest.ini").write_text(GRADING_INI, encoding="utf-8")
    (grading / "README.md").write_text(GRADING_README, encoding="utf-8")
    for nb in notebooks:
        folder = out_dir / "source" / nb.assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{nb.exercise}.ipynb").write_text(nb.json(), encoding="utf-8")
        public = repo_root / "tests" / f"test_{nb.exercise}.py"
        if public.is_file():
            (folder / "tests").mkdir(exist_ok=True)
            shutil.copy2(public, folder / "tests" / public.name)
    (out_dir / "nbgrader_config.py").write_text(
        CONFIG.format(course_id=COURSE_ID, timeout=DEFAULT_CELL_TIMEOUT, env="KIT_NBGRADER_GRADING",
                      grading=GRADING), encoding="utf-8")
    by_assignment: dict[str, list[Notebook]] = {}
    for nb in notebooks:
        by_assignment.setdefault(nb.assignment, []).append(nb)
    listing = "\n".join(f"- `{a}`: " + ", ".join(f"`{nb.exercise}` ({nb.points} pts)" for nb in nbs)
                        for a, nbs in by_assignment.items())
    (out_dir / "README.md").write_text(COURSE_README.format(assignments=listing), encoding="utf-8")

    print(f"nbgrader course: {out_dir}", file=stream)
    for assignment, nbs in by_assignment.items():
        print(f"  source/{assignment}/: " + ", ".join(
            f"{nb.exercise}.ipynb ({len(nb.tests)} graded cells, {nb.points} points)" for nb in nbs),
            file=stream)
    print(f"  per-cell time limit: {DEFAULT_CELL_TIMEOUT} s (longer where a cell's tests need it); "
          f"hidden tests in {GRADING}/ (instructors only)",
          file=stream)
    first = next(iter(by_assignment))
    print(f"  next: cd {out_dir} && nbgrader db assignment add {first} && "
          f"nbgrader generate_assignment {first}", file=stream)
    return out_dir
