"""Step 2 of the course build: source surgery, a stub and its reference -> the code of the cells.

A notebook has no package, so relative imports become :func:`kit.notebook.sibling`
calls first. Then each top-level piece of the stub is sorted: *given* code (kept as
it is), a *task* (a function or class that raises ``NotImplementedError``: its
signature and docstring from the stub, the reference body between ``### BEGIN
SOLUTION`` and ``### END SOLUTION``, the stub's raise after it) or a *skeleton* to
complete (kept, and the reference redefines it inside the region). What the reference
has at module level that the stub has not becomes the *Imports* and *Helpers* cells.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CourseError


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


class Module:
    """A parsed source file (stub or reference), relative imports already rewritten."""

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


def _merge_function(stub: Module, sol: Module, func: ast.FunctionDef, ref: ast.FunctionDef,
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


def _merge_class(stub: Module, sol: Module, cls: ast.ClassDef, ref: ast.ClassDef, where: str) -> str:
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


def _task_kind(node: ast.stmt, sol: Module) -> str | None:
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


def _helpers(stub: Module, sol: Module) -> tuple[str, str]:
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




# --------------------------------------------------------------------------- the pieces


@dataclass
class Piece:
    """A run of the stub's given code, or one task (a function or class to write)."""

    code: str
    task: str = ""            # the function or class to write; "" for given code
    kind: str = ""            # "stub" (reference body in the region) or "rewrite" (a skeleton)
    is_class: bool = False
    summary: str = ""         # the first line of its docstring


@dataclass
class Parts:
    """An exercise cut into what its notebook's cells hold, in the stub's order."""

    doc: str                  # the stub's module docstring ("" if none)
    imports: str              # the reference's extra imports (a solution region)
    helpers: str              # the reference's module-level helpers (a solution region)
    pieces: list[Piece] = field(default_factory=list)


def split_exercise(name: str, repo_root: Path) -> Parts:
    """``exercises/<name>.py`` and ``solutions/<name>.py`` -> the code of the notebook's cells."""
    try:
        stub = Module(repo_root / "exercises" / f"{name}.py")
        sol = Module(repo_root / "solutions" / f"{name}.py")
    except SyntaxError as exc:
        raise CourseError(f"{name}: cannot parse {exc.filename}: {exc}") from None
    imports, helpers = _helpers(stub, sol)
    parts = Parts(ast.get_docstring(stub.tree, clean=False) or "", imports, helpers)
    body = stub.tree.body[1:] if _doc_node(stub.tree.body) else stub.tree.body
    given: list[str] = []
    previous_end = stub.tree.body[0].end_lineno if _doc_node(stub.tree.body) else 0

    def flush_given() -> None:
        text = re.sub(r"\n{3,}", "\n\n", "".join(given).strip("\n"))
        given.clear()
        if text.strip():
            parts.pieces.append(Piece(text))

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
        ref = sol.top(node.name)
        if ref is None or type(ref) is not type(node):
            raise CourseError(f"{name}: solutions/{name}.py has no {node.name} (the stub asks for it)")
        where = f"{name}.{node.name}"
        if kind == "rewrite":  # the stub's skeleton stays for the student; the reference redefines it
            code = (_text(stub.lines, _start(node, stub.lines), node.end_lineno).rstrip("\n")
                    + "\n\n\n### BEGIN SOLUTION\n"
                    + _text(sol.lines, _start(ref, sol.lines), ref.end_lineno).rstrip("\n")
                    + "\n### END SOLUTION\n")
        elif isinstance(node, ast.ClassDef):
            code = _merge_class(stub, sol, node, ref, where)
        else:
            code = _merge_function(stub, sol, node, ref, where)
        summary = (ast.get_docstring(node) or "").strip().splitlines()
        parts.pieces.append(Piece(code.strip("\n"), node.name, kind, isinstance(node, ast.ClassDef),
                                  summary[0] if summary else ""))
        previous_end = node.end_lineno
    flush_given()
    return parts
