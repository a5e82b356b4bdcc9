"""``KitAutograde``: nbgrader's autograde step, done by the kit's sandboxed engine.

nbgrader's ``Autograde`` first sanitizes a submitted notebook (outputs cleared, the
locked and graded cells restored from the gradebook), then runs its
``autograde_preprocessors``; the first of them, ``Execute``, would run the whole
notebook in a Jupyter kernel. The course's configuration puts :class:`KitAutograde`
in its place (:func:`autograde_preprocessors`), so a submitted notebook never runs in
a kernel. For each notebook KitAutograde

1. builds the exercise module from the notebook's module cells
   (:func:`kit.notebook.module_source`) in a private temp folder, with the student's
   other notebooks of the course as the sibling modules (a transformer uses *their*
   attention);
2. grades it with ``python -m graders grade FOLDER --exercise NAME`` -- the same
   sandboxed engine and hidden graders as every other route, run from the kit's
   repository, never from the course folder;
3. writes into each autograder cell (``# Graded test: <function>``) what nbgrader's
   ``SaveAutoGrades`` reads: the feedback text (the engine's safe messages) as a
   stream, then the points earned as an ``execute_result`` (partial credit), or an
   error output when none was earned.

Nothing the student wrote runs outside the engine's sandbox, and the feedback holds
only the engine's messages: no output of the notebook, no hidden test, no reference.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat import v4
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer, Unicode

from kit.exercises import BY_NAME
from kit.notebook import module_source

from ...engine import config
from .notebook import GRADED

KIT_ROOT = Path(__file__).resolve().parents[3]
MAX_LINES_PER_CASE = 12
_ENGINE_HIDES: dict[tuple[str, str], bool] = {}  # (python, kit) -> its grade command has --hide


def autograde_preprocessors() -> list:
    """nbgrader's own autograde steps, in its order, with :class:`KitAutograde` for ``Execute``."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    if Execute not in steps:
        raise RuntimeError("this nbgrader's Autograde has no Execute step for the kit to replace")
    return [KitAutograde if step is Execute else step for step in steps]


def _is_autograder_cell(cell) -> bool:
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    return (cell.get("cell_type") == "code" and bool(nbgrader.get("grade"))
            and not nbgrader.get("solution") and "grade_id" in nbgrader)


def graded_test(cell) -> str | None:
    """The hidden test function an autograder cell stands for (its restored first line)."""
    if not _is_autograder_cell(cell):
        return None
    # (nbgrader puts a restored cell's notice above it)
    found = re.search(r"(?m)^" + re.escape(GRADED) + r"(\w+)", "".join(cell.get("source", "")))
    return found.group(1) if found else None


class KitAutograde(NbGraderPreprocessor):
    """Grade a submitted notebook with the kit's sandboxed engine instead of a kernel."""

    kit_root = Unicode(str(KIT_ROOT), help="the kit repository whose engine and hidden graders "
                       "grade the notebooks").tag(config=True)
    python = Unicode(sys.executable, help="the Python that runs the engine").tag(config=True)
    isolation = Unicode("auto", help="the engine's --isolation").tag(config=True)
    test_timeout = Integer(config.CALL_TIMEOUT, help="seconds one call into the student's code may take "
                           "(the engine's --test-timeout)").tag(config=True)
    timeout = Integer(config.SUBMISSION_TIMEOUT, help="seconds for grading one notebook").tag(config=True)

    def preprocess(self, nb, resources):
        for cell in nb.cells:  # nothing runs them: a graded cell we do not grade earns nothing
            if _is_autograder_cell(cell) and graded_test(cell) is None:
                self.log.warning("kit: graded cell %s is not one of the kit's: 0 points (rebuild "
                                 "the course and regenerate the assignment?)",
                                 cell.metadata.nbgrader.get("grade_id"))
                cell.outputs = [v4.new_output("error", ename="NotGraded", traceback=[],
                                              evalue="not graded: not one of the kit's graded cells")]
        cells = [(cell, test) for cell in nb.cells if (test := graded_test(cell))]
        if not cells:
            return nb, resources
        exercise = resources["nbgrader"]["notebook"]
        if exercise not in BY_NAME:
            raise RuntimeError(f"{exercise}.ipynb: not an exercise of the kit (rename it?)")
        results = self.grade(exercise, nb, resources["nbgrader"])
        by_test: dict[str, list[dict]] = {}
        for entry in results.get("tests", []):
            name = entry["name"].split(": ", 1)[-1]
            by_test.setdefault(name.split("[", 1)[0], []).append(entry)
        for cell, test in cells:
            cell.outputs = cell_outputs(test, by_test.get(test, []),
                                        float(cell.metadata.nbgrader.get("points", 0)))
            cell.execution_count = None
        self.log.info("kit: %s graded by the engine (%s): %s / %s points", exercise,
                      results.get("extra_data", {}).get("isolation", "?").split(" ")[0],
                      results.get("score"), results.get("max_score"))
        return nb, resources

    # ----------------------------------------------------------------------- the steps

    def engine_hides(self, env: dict) -> bool:
        """Whether the engine's grade command takes ``--hide PATH`` (paths its sandbox must
        not show: bubblewrap shows none anyway, the namespaces fallback would show the course)."""
        key = (self.python, self.kit_root)
        if key not in _ENGINE_HIDES:
            _ENGINE_HIDES[key] = _help_mentions_hide(self.python, self.kit_root, env)
        return _ENGINE_HIDES[key]

    def student_notebooks(self, ids: dict) -> dict[str, Path]:
        """The student's submitted notebooks of the kit's exercises: this assignment's first."""
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(parent=self)
        found: dict[str, Path] = {}
        for assignment in (ids["assignment"], "*"):
            folder = coursedir.format_path(coursedir.submitted_directory, ids["student"], assignment)
            for path in sorted(Path(folder).parent.glob(f"{Path(folder).name}/*.ipynb")):
                if path.stem in BY_NAME:
                    found.setdefault(path.stem, path)
        return found

    def write_submission(self, folder: Path, exercise: str, nb, ids: dict) -> None:
        """``<exercise>.py`` from this (sanitized) notebook, the siblings from the others."""
        folder.mkdir()
        for name, path in self.student_notebooks(ids).items():
            if name == exercise:
                continue
            try:
                other = nbformat.read(str(path), as_version=4)
            except Exception as exc:  # noqa: BLE001 - an unreadable notebook is a missing sibling
                self.log.warning("kit: %s is not a readable notebook (%s); not used", path, exc)
                continue
            (folder / f"{name}.py").write_text(module_source(other), encoding="utf-8")
        (folder / f"{exercise}.py").write_text(module_source(nb), encoding="utf-8")

    def grade(self, exercise: str, nb, ids: dict) -> dict:
        """Run the engine on the notebook's module; its ``results.json``."""
        with tempfile.TemporaryDirectory(prefix="kit-nbgrader-") as tmp:
            submission, out = Path(tmp) / "submission", Path(tmp) / "out"
            self.write_submission(submission, exercise, nb, ids)
            command = [self.python, "-m", "graders", "grade", str(submission), "--exercise",
                       exercise, "--out", str(out), "--isolation", self.isolation,
                       "--test-timeout", str(self.test_timeout)]
            env = {k: v for k, v in os.environ.items()
                   if k not in ("KIT_IMPL", "NBGRADER_EXECUTION")}
            if self.engine_hides(env):  # the course (solutions in source/) out of the sandbox's sight
                from nbgrader.coursedir import CourseDirectory

                command += ["--hide", str(Path(CourseDirectory(parent=self).root).resolve())]
            try:
                proc = subprocess.run(command, cwd=self.kit_root, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True, timeout=self.timeout,
                                      check=False)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"kit: grading {exercise} took over {self.timeout} s "
                                   "(c.KitAutograde.timeout)") from None
            results = out / "results.json"
            if proc.returncode != 0 or not results.is_file():
                raise RuntimeError(f"kit: the grading engine could not grade {exercise} (exit "
                                   f"{proc.returncode}; a set-up problem, not the student's):\n"
                                   f"{proc.stdout[-3000:]}")
            return json.loads(results.read_text(encoding="utf-8"))


def _help_mentions_hide(python: str, kit_root: str, env: dict) -> bool:
    proc = subprocess.run([python, "-m", "graders", "grade", "--help"], cwd=kit_root, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    return "--hide" in proc.stdout


def _not_graded(entry: dict) -> bool:
    """A test this machine could not run (no GPU, no extra): results.json keeps its points in
    the maximum with the outcome ``not_graded`` (a feedback test has no points at all)."""
    return (entry.get("extra_data") or {}).get("outcome") == "not_graded" or entry["max_score"] == 0


def cell_outputs(test: str, entries: list[dict], max_points: float) -> list:
    """What an autograder cell shows and nbgrader reads: the feedback, then the points."""
    earned = min(float(sum(e["score"] for e in entries)), max_points)
    counted = [e for e in entries if not _not_graded(e)]
    passed = sum(e["status"] == "passed" for e in counted)
    cases = f"{len(counted)} case{'s' if len(counted) != 1 else ''}"
    lines = [f"{test}: {earned:g} / {max_points:g} points ({passed} of {cases} passed)"]
    if not entries:
        lines.append("  not graded: the engine ran no such test (rebuild the course?)")
    missed: dict[tuple[str, str], list[dict]] = {}  # the same failure, said once
    for entry in entries:
        if entry["status"] != "passed" or _not_graded(entry):
            word = "NOT GRADED" if _not_graded(entry) else "FAILED"
            missed.setdefault((word, entry["output"] or "failed"), []).append(entry)
    for (word, output), group in missed.items():
        cases = ", ".join(e["name"].split(": ", 1)[-1].removeprefix(test) or test for e in group)
        points = sum(e["max_score"] for e in group)
        lines.append(f"  {word} {cases}" + (f" ({points} pt)" if points else ""))
        lines += [f"      {line}" for line in output.splitlines()[:MAX_LINES_PER_CASE]]
    outputs = [v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n")]
    if earned > 0:
        outputs.append(v4.new_output("execute_result", data={"text/plain": repr(earned)},
                                     execution_count=None))
    else:
        outputs.append(v4.new_output("error", ename="NoPointsEarned",
                                     evalue=f"{test}: 0 / {max_points:g} points", traceback=[]))
    return outputs
