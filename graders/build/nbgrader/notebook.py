"""Step 3 of the course build: the exercise's parts as an nbgrader notebook (with ``nbformat``).

Cells, from the top: the exercise's text and a set-up cell; the stub's given code
(locked); an *Imports* cell, one solution cell per task, a *Helpers* cell; a scratch
cell and *Check your work* (the public tests); then one locked autograder cell per
hidden test function, worth the points of all its cases.

An autograder cell holds no test code: its first line names the hidden test function
(``# Graded test: <name>``), and its one call (:func:`kit.notebook.graded_by_the_kit`)
only says so -- or fails, should nbgrader ever run it while autograding. When nbgrader autogrades,
the kit's preprocessor (:mod:`graders.build.nbgrader.preprocessor`) grades the notebook's
code outside the kernel, with the sandboxed engine, and writes the points earned and
the feedback into these cells. Every cell carries ``metadata.kit.role`` (what it is);
the solution cells also ``metadata.kit.kind`` (``stub`` or ``rewrite``).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from kit.exercises import BY_NAME, CHAPTERS
from kit.loader import REPO_ROOT

from .collect import GraderTest
from .errors import CourseError

try:
    import nbformat
    from nbformat import v4
except ImportError:  # pragma: no cover - the extra is missing
    raise CourseError("the nbgrader course needs nbformat: python -m pip install -e '.[nbgrader]'") from None
from .surgery import Parts, split_exercise

GRADED = "# Graded test: "      # the first line of an autograder cell, then the test function
CHAPTER_SLUGS = {1: "introduction", 2: "building-blocks", 3: "training", 4: "concerns"}
STOP = {"a", "an", "and", "the", "of", "to", "in", "for", "on", "llm", "llms"}
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
REGION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def assignment_of(chapter: int) -> str:
    """``2`` -> ``"ch2-building-blocks"``."""
    slug = CHAPTER_SLUGS.get(chapter)
    if slug is None:
        words = [w for w in re.findall(r"[a-z0-9]+", CHAPTERS.get(chapter, "").lower()) if w not in STOP]
        slug = "-".join(words[:2]) or "exercises"
    return f"ch{chapter}-{slug}"


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


def _meta(role: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
          points: int | None = None, nbgrader: bool = True) -> dict:
    """The cell's metadata: the kit's role, and nbgrader's (its ``grade_id`` is the cell id)."""
    meta: dict = {"kit": {"role": role}}
    if nbgrader:
        nb = {"grade": grade, "locked": locked, "schema_version": 3, "solution": solution,
              "task": False}
        if points is not None:
            nb["points"] = points
        meta["nbgrader"] = nb
        if locked:
            meta["deletable"] = False
            meta["editable"] = False
    return meta


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:60] or "cell"


@dataclass
class Notebook:
    exercise: str
    assignment: str
    notebook: nbformat.NotebookNode
    points: int
    tests: list[GraderTest]

    def json(self) -> str:
        return nbformat.writes(self.notebook) + "\n"


class _Cells:
    """The cells being built: unique ids, nbgrader's ``grade_id`` = the id."""

    def __init__(self, exercise: str):
        self.exercise = exercise
        self.cells: list[nbformat.NotebookNode] = []
        self.ids: set[str] = set()

    def add(self, kind: str, source: str, meta: dict, cell_id: str) -> None:
        cell_id = _safe_id(cell_id)
        while cell_id in self.ids:
            cell_id += "-x"
        self.ids.add(cell_id)
        if "nbgrader" in meta:
            meta["nbgrader"]["grade_id"] = cell_id
        if kind == "markdown":
            for marker in REGION_MARKERS:
                if marker in source:
                    raise CourseError(f"{self.exercise}: a docstring contains {marker!r}, which "
                                      "nbgrader would take for a region marker")
            cell = v4.new_markdown_cell(source.rstrip("\n"), metadata=meta, id=cell_id)
        else:
            cell = v4.new_code_cell(source.rstrip("\n"), metadata=meta, id=cell_id)
        self.cells.append(cell)


def graded_cell_source(test: GraderTest) -> str:
    """An autograder cell: which hidden test it stands for, and how it is graded (no test code)."""
    what = f"{test.cases} case{'s' if test.cases != 1 else ''}"
    notes = [m for m in ("gpu", "pretrained", "triton") if m in test.markers]
    note = f"; needs: {', '.join(notes)}" if notes else ""
    return (f"{GRADED}{test.name}\n"
            f"# {test.doc or 'hidden tests'}\n"
            f"# {test.points} point{'s' if test.points != 1 else ''} ({what}{note}).\n"
            "# Graded outside this notebook when you submit it: the kit runs the hidden tests on\n"
            "# the code of your cells, in a sandbox, and writes the points and what failed here.\n"
            "from kit.notebook import graded_by_the_kit\n\n"
            f'graded_by_the_kit("{test.name}")')


def build_notebook(name: str, tests: list[GraderTest], repo_root: Path = REPO_ROOT) -> Notebook:
    """The source notebook (with solutions) of exercise ``name``; an autograder cell per test."""
    exercise = BY_NAME[name]
    parts: Parts = split_exercise(name, repo_root)
    out = _Cells(name)
    add = out.add

    title, _, rest = textwrap.dedent(parts.doc or exercise.title).strip().partition("\n")
    chapter = f"Chapter {exercise.chapter} ({CHAPTERS.get(exercise.chapter, '')})"
    intro = (f"# {title.strip().rstrip('.')}\n\n*{chapter} -- exercise `{name}`*\n\n"
             f"{markdown(rest) if rest.strip() else ''}\n"
             "**How this notebook works.** Write your code in the cells marked `# YOUR CODE HERE` "
             "(replace the `raise NotImplementedError(...)` below them) and keep the names and "
             "signatures. Run the cells from the top, then *Check your work* runs the public "
             "tests. The locked cells at the end stand for the graded tests: when you submit, the "
             "kit takes the code of your cells (not their output), runs hidden tests on it and "
             "writes the result there.")
    add("markdown", intro, _meta("intro", locked=True), "intro")
    add("code", "# Set-up: run this cell first.\nfrom kit.notebook import check, prepare, sibling\n\n"
        "prepare()", _meta("setup", locked=True), "setup")

    def add_imports() -> None:
        add("markdown", "**Imports** (optional): modules your code needs.",
            _meta("text", nbgrader=False), "imports-text")
        add("code", "### BEGIN SOLUTION\n" + parts.imports + "### END SOLUTION",
            _meta("imports", solution=True), "imports")

    imports_done = False
    for piece in parts.pieces:
        if not piece.task:
            add("code", piece.code, _meta("given", locked=True), f"given-{len(out.cells)}")
            continue
        if not imports_done:
            add_imports()
            imports_done = True
        heading = f"## Class `{piece.task}`" if piece.is_class else f"## `{piece.task}`"
        if piece.kind == "rewrite":
            heading += " (complete it)"
        text = heading + (f"\n\n{_inline(piece.summary)}" if piece.summary else "")
        add("markdown", text, _meta("task", locked=True), f"task-{piece.task}")
        meta = _meta("solution", solution=True)
        meta["kit"]["kind"] = piece.kind
        add("code", piece.code, meta, piece.task)
    if not imports_done:
        add_imports()
    add("markdown", "**Helpers** (optional): constants and helper functions that your code "
        "shares. This cell runs after the ones above, before any test calls your code.",
        _meta("text", nbgrader=False), "helpers-text")
    add("code", "### BEGIN SOLUTION\n" + parts.helpers + "### END SOLUTION",
        _meta("helpers", solution=True), "helpers")
    add("code", "# Try your functions here (this cell is not graded).\n### BEGIN SOLUTION\n"
        "### END SOLUTION", _meta("scratch", solution=True), "scratch")

    add("markdown", "## Check your work\n\nThe public tests: a few of the course's examples. "
        "Passing them is a good sign, not a guarantee -- the graded tests check more cases.",
        _meta("text", nbgrader=False), "check-text")
    add("code", f'check("{name}", globals())', _meta("check", nbgrader=False), "check")
    total = sum(t.points for t in tests)
    add("markdown", f"## Graded tests ({total} points)\n\nEach locked cell below stands for hidden "
        "tests, worth the points of the cases that pass. They run outside this notebook when it is "
        "graded: on the code of your cells (imports, given code, your functions, helpers), never on "
        "what the notebook printed. Do not edit or delete these cells (they are restored anyway).",
        _meta("text", nbgrader=False), "graded-text")
    for test in tests:
        meta = _meta("test", grade=True, locked=True, points=test.points)
        meta["kit"]["test"] = test.name
        add("code", graded_cell_source(test), meta, f"test-{test.name}")

    nb = v4.new_notebook(cells=out.cells, metadata={
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python", "file_extension": ".py", "mimetype": "text/x-python"},
        "kit": {"exercise": name, "assignment": assignment_of(exercise.chapter), "points": total},
    })
    nbformat.validate(nb)
    return Notebook(name, assignment_of(exercise.chapter), nb, total, tests)
