"""The kit's one rule for error messages, and that the graders ask for exactly that.

The rule (``kit.checks.ERROR_MESSAGE_RULE``, stated in the student README): every
``TypeError``/``ValueError`` a student raises names the offending argument. These
tests keep it so:

* no test checks a ``TypeError``/``ValueError`` message with ``match=`` (a regular
  expression can ask for wording the docstring never promised): they use ``arg=``;
* every exercise has a public test that applies the rule, so students meet it
  before grading;
* the reference solutions, with every error message rewritten to other words that
  keep only the argument names (upper case, ``_`` written as a space), still pass
  every hidden test that checks a message: the wording is free.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kit.checks import ERROR_MESSAGE_RULE, expect_raises, names_argument
from kit.exercises import EXERCISES
from kit.loader import REPO_ROOT

NAMES = [e.name for e in EXERCISES]


def _expect_raises_calls(path: Path):
    """(line, exception expression, keyword names) of every expect_raises(...) in a test file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "expect_raises":
            yield node.lineno, ast.unparse(node.args[0]) if node.args else "", {k.arg for k in node.keywords}


def _test_files():
    for name in NAMES:
        for folder in ("tests", "graders"):
            path = REPO_ROOT / folder / f"test_{name}.py"
            if path.is_file():
                yield name, path


@pytest.mark.parametrize("name,path", list(_test_files()), ids=lambda v: str(v).split("/")[-1])
def test_messages_are_checked_only_by_the_rule(name, path):
    offending = [f"{path.name}:{line} expect_raises({exc}, ..., match=...)"
                 for line, exc, keywords in _expect_raises_calls(path)
                 if "match" in keywords and exc != "KeyError"]
    assert not offending, (
        "a TypeError/ValueError message may only be checked for the argument's name "
        "(expect_raises(..., arg=NAME)), never with match=:\n  " + "\n  ".join(offending))


@pytest.mark.parametrize("name", NAMES)
def test_every_exercise_shows_the_rule_in_a_public_test(name):
    path = REPO_ROOT / "tests" / f"test_{name}.py"
    assert any("arg" in keywords for _, _, keywords in _expect_raises_calls(path)), (
        f"{path.name} has no public test with expect_raises(..., arg=...): students should meet "
        "the error-message rule before grading")


def test_the_readme_states_the_rule():
    readme = (REPO_ROOT / "docs" / "STUDENT_README.md").read_text(encoding="utf-8")
    assert "names the offending argument" in readme and "names the offending argument" in ERROR_MESSAGE_RULE


@pytest.mark.parametrize("message,arg,ok", [
    ("tokens: expected a list of str, got tuple", "tokens", True),
    ("Expected a list of strings for TOKENS", "tokens", True),
    ("student logits should be a float tensor", "student_logits", True),
    ("expected a list of strings, got tuple", "tokens", False),
    ("d_model=10 is not divisible by 3", ("d_model", "n_heads"), True),
    ("10 is not divisible by 3", ("d_model", "n_heads"), False),
])
def test_names_argument(message, arg, ok):
    assert names_argument(message, arg) is ok


def test_expect_raises_states_the_rule_when_the_name_is_missing():
    with pytest.raises(AssertionError) as failure:
        with expect_raises(TypeError, "f(3)", arg="tokens"):
            raise TypeError("expected a list of strings, got int")
    assert "does not name the argument 'tokens'" in str(failure.value)
    assert "names the offending argument" in str(failure.value)


# --------------------------------------------------------------------------- other wording, same names

REWORD = '''

def _kit_reword_errors(namespace):
    """Re-raise every TypeError/ValueError of this module's public API in other words:
    only the argument names the original message contained, upper-cased, "_" as a space."""
    import functools
    import inspect
    import re

    targets, params = [], set()
    for name, obj in list(namespace.items()):
        if name.startswith("_") or getattr(obj, "__module__", None) != namespace["__name__"]:
            continue
        if inspect.isfunction(obj):
            targets.append((namespace, name, obj))
        elif inspect.isclass(obj):
            targets += [(obj, a, f) for a, f in vars(obj).items()
                        if inspect.isfunction(f) and (a == "__init__" or not a.startswith("_"))]
    for _, _, fn in targets:
        params.update(p for p in inspect.signature(fn).parameters if p != "self")

    def reword(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except (TypeError, ValueError) as exc:
                if getattr(exc, "kit_reworded", False):
                    raise
                text = str(exc).lower()
                named = sorted(p for p in params
                               if re.search(rf"(?<![a-z0-9_]){re.escape(p.lower())}(?![a-z0-9_])", text))
                cls = TypeError if isinstance(exc, TypeError) else ValueError
                new = cls("Refused: " + " / ".join(p.upper().replace("_", " ") for p in named))
                new.kit_reworded = True
                raise new from None
        return wrapper

    for owner, attr, fn in targets:
        if isinstance(owner, dict):
            owner[attr] = reword(fn)
        else:
            setattr(owner, attr, reword(fn))


_kit_reword_errors(globals())
'''


def _message_tests(path: Path) -> list[str]:
    """Names of the test functions in ``path`` that check a message with arg=."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            if any(isinstance(n, ast.Call) and getattr(n.func, "id", None) == "expect_raises"
                   and any(k.arg == "arg" for k in n.keywords) for n in ast.walk(node)):
                names.append(node.name)
    return names


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_reworded_reference_keeps_every_message_point(tmp_path):
    """A correct solution whose messages say things differently (names kept) loses nothing."""
    impl = tmp_path / "reworded"
    impl.mkdir()
    for source in (REPO_ROOT / "solutions").glob("*.py"):
        text = source.read_text(encoding="utf-8")
        if source.stem in NAMES:
            text += REWORD
        (impl / source.name).write_text(text, encoding="utf-8")
    node_ids = []
    for name in NAMES:
        path = REPO_ROOT / "graders" / f"test_{name}.py"
        node_ids += [f"graders/test_{name}.py::{test}" for test in _message_tests(path)]
    assert len(node_ids) >= 30, node_ids
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "--no-points",
                           "--impl", str(impl), *node_ids],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=580, env=env)
    shutil.rmtree(impl, ignore_errors=True)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout
