"""The house's shape, checked: no import cycles in ``kit/``; the trusted engine imports
nothing from a submission; the boundary is one package."""

from __future__ import annotations

import ast
from pathlib import Path

from kit.loader import REPO_ROOT

KIT = REPO_ROOT / "kit"


def _module_name(path: Path) -> str:
    rel = path.relative_to(REPO_ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every kit module ``path`` imports, at module level or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "kit"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "kit":
                continue
            found.add(module)
            for alias in node.names:   # "from . import codec" imports a module
                found.add(f"{module}.{alias.name}")
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in KIT.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name}
            for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if state.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def _package_edges(graph):
    # a package importing its own submodules is not a cycle of concern
    return {n: {m for m in deps if not m.startswith(n + ".")} for n, deps in graph.items()}


def test_no_import_cycles_in_kit():
    cycle = _cycle(_package_edges(_graph()))
    assert cycle is None, "import cycle in kit/: " + " -> ".join(cycle)


def test_the_boundary_is_one_package():
    """Everything that crosses between a test and the implementation is defined in
    kit/boundary; no other kit module encodes wire messages or runs operations."""
    graph = _graph()
    for name, deps in graph.items():
        if name.startswith("kit.boundary"):
            continue
        assert "kit.boundary.wire" not in deps, f"{name} frames messages itself"
        assert "kit.boundary.worker" not in deps, f"{name} runs the worker loop"


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_tests_about_changed_arguments_ask_the_call():
    """Arguments are copies: a test that checks "left unchanged" / "in place" by looking at
    its own objects after the call could never fail. Such tests must read the call's report
    (``inspect_call``, ``state_after``, ``changes_of``)."""
    import re

    suspicious = re.compile(r"unchanged|alone|not_modified|in_place|changed_its")
    offenders = []
    for path in sorted([*REPO_ROOT.glob("graders/test_*.py"), *REPO_ROOT.glob("tests/test_*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and suspicious.search(node.name):
                source = ast.get_source_segment(path.read_text(encoding="utf-8"), node) or ""
                if "impl." in source and not re.search(
                        r"inspect_call|state_after|changes_of|run_kit|the implementation's own object", source):
                    offenders.append(f"{path.name}::{node.name}")
    assert not offenders, f"tests that look at their own (copied) arguments: {offenders}"


def _documented_modules() -> list[Path]:
    """The modules docs/ARCHITECTURE.md must name: the boundary, the engine, the builders
    and the report (package ``__init__``/``__main__`` files aside)."""
    folders = ["kit/boundary", "graders/engine", "graders/build", "graders/build/nbgrader", "graders/report"]
    return [p for folder in folders for p in sorted((REPO_ROOT / folder).glob("*.py"))
            if p.stem not in ("__init__", "__main__")]


def test_the_architecture_document_names_every_module():
    import re

    text = (REPO_ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    words = set(re.findall(r"[A-Za-z_]+", text))
    missing = [str(p.relative_to(REPO_ROOT)) for p in _documented_modules() if p.stem not in words]
    assert not missing, f"docs/ARCHITECTURE.md does not say what these modules are: {missing}"


def test_the_readme_layout_table_names_real_folders():
    import re

    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    paths = [p for row in table.splitlines() if row.startswith("| `")
             for p in re.findall(r"`([^`]+)`", row.split("|")[1])]
    assert len(paths) >= 10, paths
    absent = [p for p in paths if not list(REPO_ROOT.glob(p.replace("<exercise>", "*")))]
    assert not absent, f"the README's layout table names paths that do not exist: {absent}"
