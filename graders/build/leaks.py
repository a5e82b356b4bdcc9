"""The leak check of the student copy: no reference solution, catalogued mistake or hidden
test may be readable in anything shipped to students.

:func:`collect_secrets` fingerprints ``solutions/*.py``, ``graders/mutants/`` and
``graders/test_*.py`` (function bodies, solution-only statements, distinctive lines);
:func:`check_tree` scans a built copy file by file (Python and notebooks) and returns the
:class:`Leak` findings. A helper that a stub gives complete (identical in the stub and the
solution) is public by design when its docstring says so (the word "given"), when it has no
docstring, or when it is a method of a class whose other methods are stubbed. A hidden
test's text that its exercise's public test already shows is public too.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from kit.exercises import BY_NAME
from kit.loader import REPO_ROOT

# Fingerprint sizes: smaller bodies and shorter lines are too common to prove a leak.
MIN_BODY_NODES = 12
MIN_LINE_CHARS = 30
# A file leaks a secret source when its hits weigh this much: a function body or a
# statement weighs LEAK_WEIGHT at once, a line 1 (a few lines are shared by chance:
# training-loop boilerplate, argument checks). Below it, from NOTE_WEIGHT on, the
# release prints a note instead.
LEAK_WEIGHT = 5
NOTE_WEIGHT = 3
# The public test and stub of the same exercise may share a few lines with its hidden
# tests (the course's example, a hint); more than this share of them is a leak.
SHARED_FRACTION = 0.25
SHARED_MIN = 6



# --------------------------------------------------------------------------- fingerprints


@dataclass
class Secret:
    """What must not leave the instructor repository: one source file's fingerprints."""

    origin: str                      # e.g. "solutions/tokenization.py"
    kind: str                        # "solution", "mutant" or "grader"
    exercise: str | None
    bodies: dict[str, str] = field(default_factory=dict)      # normalized body -> qualname
    statements: dict[str, str] = field(default_factory=dict)  # normalized statement -> text
    lines: dict[str, str] = field(default_factory=dict)       # normalized line -> original

    @property
    def total_weight(self) -> int:
        return LEAK_WEIGHT * (len(self.bodies) + len(self.statements)) + len(self.lines)


def _norm_line(line: str) -> str:
    return " ".join(line.split())


@functools.lru_cache(maxsize=64)
def _without_comments(source: str) -> str:
    """``source`` with its ``#`` comments removed (line numbers kept)."""
    lines = source.splitlines(keepends=True)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    for token in tokens:
        if token.type == tokenize.COMMENT:
            row, col = token.start
            line = lines[row - 1]
            lines[row - 1] = line[:col].rstrip() + ("\n" if line.endswith("\n") else "")
    return "".join(lines)


def _dump(nodes: list[ast.stmt]) -> str:
    return ast.dump(ast.Module(body=list(nodes), type_ignores=[]), annotate_fields=False,
                    include_attributes=False)


def _size(nodes: list[ast.stmt]) -> int:
    return sum(1 for n in nodes for _ in ast.walk(n))


def _strip_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        return body[1:]
    return body


def _functions(tree: ast.AST, prefix: str = "") -> list[tuple[str, ast.FunctionDef]]:
    """Every function and method with its qualified name (nested ones too)."""
    found = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = f"{prefix}{node.name}"
            found.append((name, node))
            found += _functions(node, f"{name}.<locals>.")
        elif isinstance(node, ast.ClassDef):
            found += _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            found += _functions(node, prefix)
    return found


def _body_key(func: ast.FunctionDef) -> tuple[str, int]:
    body = _strip_docstring(func.body)
    return _dump(body), _size(body)


def _is_stub_body(func: ast.FunctionDef) -> bool:
    """``raise NotImplementedError(...)`` as the body's last statement."""
    body = _strip_docstring(func.body)
    if not body or not isinstance(body[-1], ast.Raise) or body[-1].exc is None:
        return False
    exc = body[-1].exc
    target = exc.func if isinstance(exc, ast.Call) else exc
    return isinstance(target, ast.Name) and target.id == "NotImplementedError"


def _declared_given(func: ast.FunctionDef, stubbed_class: bool) -> bool:
    """A helper the stub gives on purpose: says so, has no task docstring, or sits next to
    stubbed methods in its class (the author chose which methods to stub)."""
    doc = ast.get_docstring(func)
    if doc is None or stubbed_class:
        return True
    return re.search(r"\bgiven\b", doc, re.IGNORECASE) is not None


def _docstring_lines(tree: ast.AST) -> set[int]:
    """Line numbers covered by docstrings (module, classes, functions)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                lines.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return lines


def _code_lines(source: str, first: int, last: int, skip: set[int]) -> list[str]:
    """Distinctive normalized lines of ``source[first..last]`` (1-based, inclusive)."""
    out = []
    lines = _without_comments(source).splitlines()
    for number in range(first, last + 1):
        if number in skip or number > len(lines):
            continue
        text = _norm_line(lines[number - 1])
        if len(text) < MIN_LINE_CHARS:
            continue
        if text.startswith(("import ", "from ", "@", "def ", "async def ", "class ")):
            continue
        out.append(text)
    return out


def _module_statements(tree: ast.Module) -> list[ast.stmt]:
    return [n for n in tree.body
            if not isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                                  ast.ClassDef))
            and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]


def _parse(path: Path) -> tuple[str, ast.Module | None]:
    source = path.read_text(encoding="utf-8", errors="replace")
    try:
        return source, ast.parse(source)
    except SyntaxError:
        return source, None


@dataclass
class PublicDesign:
    """What a stub shares with its solution on purpose (given helpers, shared constants)."""

    bodies: set[str] = field(default_factory=set)
    statements: set[str] = field(default_factory=set)
    lines: set[str] = field(default_factory=set)
    given: list[str] = field(default_factory=list)      # "tokenization.helper" (for the report)
    unstubbed: list[str] = field(default_factory=list)  # identical but not declared given


def _public_design(stub_path: Path, solution_tree: ast.Module | None, exercise: str) -> PublicDesign:
    design = PublicDesign()
    if not stub_path.is_file() or solution_tree is None:
        return design
    source, tree = _parse(stub_path)
    if tree is None:
        return design
    solution_bodies = {name: _body_key(f)[0] for name, f in _functions(solution_tree)}
    skip = _docstring_lines(tree)
    stubbed_classes = {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                       and any(isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_stub_body(f)
                               for f in node.body)}
    for name, func in _functions(tree):
        key, size = _body_key(func)
        if _is_stub_body(func):
            continue
        in_stubbed_class = name.split(".")[0] in stubbed_classes and "." in name
        if solution_bodies.get(name) == key and size >= MIN_BODY_NODES \
                and not _declared_given(func, in_stubbed_class):
            design.unstubbed.append(f"{exercise}.{name}")
            continue
        if solution_bodies.get(name) == key:
            design.given.append(f"{exercise}.{name}")
        _add_function(design, source, func, skip)
    _add_module_statements(design, source, tree, skip)
    return design


def _add_function(design: PublicDesign, source: str, func, skip) -> None:
    design.bodies.add(_body_key(func)[0])
    body = _strip_docstring(func.body)
    if body:
        design.lines.update(_code_lines(source, body[0].lineno, body[-1].end_lineno, skip))


def _add_module_statements(design: PublicDesign, source: str, tree: ast.Module, skip) -> None:
    for node in _module_statements(tree):
        design.statements.add(_dump([node]))
        design.lines.update(_code_lines(source, node.lineno, node.end_lineno, skip))


def _public_text(path: Path) -> PublicDesign:
    """Every body, module statement and code line of a public file (empty if missing)."""
    design = PublicDesign()
    if not path.is_file():
        return design
    source, tree = _parse(path)
    if tree is None:
        return design
    skip = _docstring_lines(tree)
    for _, func in _functions(tree):
        _add_function(design, source, func, skip)
    _add_module_statements(design, source, tree, skip)
    return design


def _secret_of_file(path: Path, root: Path, kind: str, exercise: str | None,
                    design: PublicDesign | None = None) -> Secret | None:
    source, tree = _parse(path)
    secret = Secret(origin=path.relative_to(root).as_posix(), kind=kind, exercise=exercise)
    design = design or PublicDesign()
    if tree is None:  # not Python we can read: every long line is a fingerprint
        for line in source.splitlines():
            text = _norm_line(line)
            if len(text) >= MIN_LINE_CHARS:
                secret.lines[text] = line.strip()
        return secret
    skip = _docstring_lines(tree)
    for name, func in _functions(tree):
        key, size = _body_key(func)
        if key in design.bodies:
            continue
        body = _strip_docstring(func.body)
        if size >= MIN_BODY_NODES:
            secret.bodies[key] = name
        if body:
            for text in _code_lines(source, body[0].lineno, body[-1].end_lineno, skip):
                if text not in design.lines:
                    secret.lines[text] = text
    for node in _module_statements(tree):
        if isinstance(node, ast.If) and "__name__" in ast.dump(node.test):
            continue
        key = _dump([node])
        if key in design.statements:
            continue
        if _size([node]) >= MIN_BODY_NODES // 2:
            secret.statements[key] = ast.get_source_segment(source, node) or ""
        for text in _code_lines(source, node.lineno, node.end_lineno, skip):
            if text not in design.lines:
                secret.lines[text] = text
    return secret


@dataclass
class Secrets:
    sources: list[Secret]
    given: list[str]
    unstubbed: list[str]


def collect_secrets(repo_root: Path = REPO_ROOT) -> Secrets:
    """Fingerprints of everything instructor-only: solutions, wrong implementations, graders."""
    sources: list[Secret] = []
    given: list[str] = []
    unstubbed: list[str] = []
    designs: dict[str, PublicDesign] = {}
    solutions = repo_root / "solutions"
    for path in sorted(solutions.glob("*.py")) if solutions.is_dir() else []:
        exercise = path.stem if path.stem in BY_NAME else None
        _, tree = _parse(path)
        design = _public_design(repo_root / "exercises" / path.name, tree, path.stem) \
            if exercise else PublicDesign()
        designs[path.stem] = design
        given += design.given
        unstubbed += design.unstubbed
        secret = _secret_of_file(path, repo_root, "solution", exercise, design)
        if secret is not None:
            sources.append(secret)
    graders = repo_root / "graders"
    mutants = graders / "mutants"
    for path in sorted(mutants.rglob("*.py")) if mutants.is_dir() else []:
        exercise = path.parent.name if path.parent.name in BY_NAME else None
        secret = _secret_of_file(path, repo_root, "mutant", exercise, designs.get(exercise or ""))
        if secret is not None:
            sources.append(secret)
    for path in sorted(graders.glob("test_*.py")) if graders.is_dir() else []:
        exercise = path.stem.removeprefix("test_")
        # What the exercise's public test shows (the same fixtures, the same imports) is
        # public already; the rest of the hidden test is the secret.
        secret = _secret_of_file(path, repo_root, "grader", exercise if exercise in BY_NAME else None,
                                 _public_text(repo_root / "tests" / path.name))
        if secret is not None:
            sources.append(secret)
    return Secrets(sources=sources, given=sorted(set(given)), unstubbed=sorted(set(unstubbed)))


# --------------------------------------------------------------------------- scanning


@dataclass
class ScannedFile:
    rel: str
    bodies: set[str]
    statements: set[str]
    lines: set[str]
    text: str


def _python_parts(source: str) -> tuple[set[str], set[str]]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), set()
    bodies = {_body_key(f)[0] for _, f in _functions(tree)}
    statements: set[str] = set()
    for node in ast.walk(tree):
        for child in getattr(node, "body", []) if isinstance(getattr(node, "body", None), list) else []:
            if isinstance(child, ast.stmt):
                statements.add(_dump([child]))
    return bodies, statements


def _notebook_sources(text: str) -> tuple[list[str], str]:
    import json

    try:
        nb = json.loads(text)
    except ValueError:
        return [], text
    code, everything = [], []
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        everything.append(source)
        if cell.get("cell_type") == "code":
            code.append("\n".join(line for line in source.splitlines()
                                  if not line.lstrip().startswith(("%", "!"))))
        for output in cell.get("outputs", []) or []:
            for value in (output.get("data") or {}).values():
                everything.append("".join(value) if isinstance(value, list) else str(value))
            if "text" in output:
                everything.append("".join(output["text"]) if isinstance(output["text"], list)
                                  else str(output["text"]))
    return code, "\n".join(everything)


def scan_file(path: Path, rel: str) -> ScannedFile | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if b"\0" in raw[:8192]:
        return None  # binary data: no source text to leak
    text = raw.decode("utf-8", errors="replace")
    bodies: set[str] = set()
    statements: set[str] = set()
    if path.suffix == ".py":
        bodies, statements = _python_parts(text)
    elif path.suffix == ".ipynb":
        code, text = _notebook_sources(text)
        for cell in code:
            b, s = _python_parts(cell)
            bodies |= b
            statements |= s
    if path.suffix == ".py":
        text_lines = _without_comments(text).splitlines()
    else:  # prose, notebooks, data: a pasted line may carry its comment
        text_lines = text.splitlines()
        text_lines += [re.sub(r"\s+#.*$", "", line) for line in text_lines]
    lines = {_norm_line(line) for line in text_lines}
    return ScannedFile(rel=rel, bodies=bodies, statements=statements, lines=lines, text=text)


@dataclass
class Leak:
    file: str
    origin: str
    weight: int
    evidence: list[str]

    def describe(self) -> str:
        shown = "; ".join(self.evidence[:4]) + (f"; +{len(self.evidence) - 4} more"
                                                if len(self.evidence) > 4 else "")
        return f"{self.file}: text of {self.origin} ({shown})"


def _same_exercise_public(rel: str, exercise: str | None) -> bool:
    if exercise is None:
        return False
    name = rel.rsplit("/", 1)[-1]
    return name in (f"test_{exercise}.py", f"{exercise}.py", f"{exercise}.ipynb")


def find_leaks(files: list[ScannedFile], secrets: Secrets, notes: list[Leak] | None = None) -> list[Leak]:
    """Which files contain which instructor-only text (empty list: none).

    Findings below the threshold but worth a look go to ``notes`` when given.
    """
    leaks: list[Leak] = []
    for scanned in files:
        for secret in secrets.sources:
            evidence: list[str] = []
            weight = 0
            for key, name in secret.bodies.items():
                if key in scanned.bodies:
                    evidence.append(f"body of {name}()")
                    weight += LEAK_WEIGHT
            for key, text in secret.statements.items():
                if key in scanned.statements:
                    evidence.append(f"statement {_shorten(text)!r}")
                    weight += LEAK_WEIGHT
            for key, text in secret.lines.items():
                if key in scanned.lines:
                    evidence.append(f"line {_shorten(text)!r}")
                    weight += 1
            if not weight:
                continue
            if secret.kind == "grader" and _same_exercise_public(scanned.rel, secret.exercise):
                # the public tests and the stub may share the course's example or a hint
                threshold = max(SHARED_MIN, int(SHARED_FRACTION * secret.total_weight))
            else:
                threshold = LEAK_WEIGHT
            if weight >= threshold:
                leaks.append(Leak(scanned.rel, secret.origin, weight, evidence))
            elif notes is not None and weight >= NOTE_WEIGHT and threshold == LEAK_WEIGHT:
                notes.append(Leak(scanned.rel, secret.origin, weight, evidence))
    for name in secrets.unstubbed:
        exercise, _, function = name.partition(".")
        leaks.append(Leak(f"exercises/{exercise}.py", f"solutions/{exercise}.py", LEAK_WEIGHT,
                          [f"{function}() has the reference body; if it is given to students on "
                           "purpose, say so in its docstring ('Given complete.'), else stub it"]))
    return leaks


def _shorten(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def scan_tree(root: Path) -> list[ScannedFile]:
    scanned = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            item = scan_file(path, path.relative_to(root).as_posix())
            if item is not None:
                scanned.append(item)
    return scanned


def check_tree(root: Path, repo_root: Path = REPO_ROOT) -> list[Leak]:
    """Leaks of instructor-only text anywhere under ``root`` (a student copy, a release)."""
    return find_leaks(scan_tree(root), collect_secrets(repo_root))


