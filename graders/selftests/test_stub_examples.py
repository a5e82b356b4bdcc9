"""Every ``>>>`` example in the stubs holds for the reference solutions.

Students read the stubs' worked examples as the contract, so a wrong example is a wrong
contract. For each ``exercises/<name>.py`` the examples of its module and function
docstrings (``doctest.DocTestFinder``) run in the namespace of ``solutions/<name>.py``;
a failure names the example and its line in the stub.

Conventions the stubs use, and this check allows: ``...`` elides digits (ELLIPSIS); line
breaks in long outputs are free (NORMALIZE_WHITESPACE); a comment after an expected output
(two spaces, then ``#``) or a line of comment only is an annotation, not output.
"""

from __future__ import annotations

import doctest
import importlib
import re

import pytest

from kit.loader import REPO_ROOT

STUBS = sorted(p.stem for p in (REPO_ROOT / "exercises").glob("*.py") if p.stem != "__init__")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
COMMENT = re.compile(r"(^|\s{2,})#.*$")

# Names an exercise's examples use that are not in its solution module, and the marks
# (why they may skip) that come with them.
EXTRA_NAMES = {"n_shot": ("kit.pretrained", "embed")}
MARKS = {"n_shot": [pytest.mark.pretrained]}


class AnnotatedOutputChecker(doctest.OutputChecker):
    """doctest's checker, with annotations removed from the expected output."""

    def check_output(self, want, got, optionflags):
        lines = [COMMENT.sub("", line).rstrip() for line in want.splitlines()]
        want = "\n".join(line for line in lines if line.strip()) + ("\n" if want else "")
        return super().check_output(want, got, optionflags)


def examples_of(name: str) -> list[doctest.DocTest]:
    stub = importlib.import_module(f"exercises.{name}")
    return [test for test in doctest.DocTestFinder(exclude_empty=True).find(stub) if test.examples]


def test_every_stub_is_checked():
    # The kernel stubs have no >>> examples (their worked examples are prose); every other
    # stub has some, so a stub whose examples vanish (a broken docstring) is noticed.
    without = {name for name in STUBS if not examples_of(name)}
    assert without <= {"flash_attention", "flash_attention_backward", "label_quality"}, without


@pytest.mark.parametrize("name", [pytest.param(n, marks=MARKS.get(n, [])) for n in STUBS])
def test_stub_examples_hold_for_the_solution(name):
    solution = importlib.import_module(f"solutions.{name}")
    names = dict(vars(solution))
    if name in EXTRA_NAMES:
        module, attribute = EXTRA_NAMES[name]
        names[attribute] = getattr(importlib.import_module(module), attribute)
    runner = doctest.DocTestRunner(checker=AnnotatedOutputChecker(), optionflags=FLAGS)
    report: list[str] = []
    for test in examples_of(name):
        test.globs = dict(names)
        runner.run(test, out=report.append, clear_globs=True)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, (
        f"{results.failed} of {results.attempted} examples in exercises/{name}.py do not hold "
        f"for solutions/{name}.py:\n" + "".join(report))
