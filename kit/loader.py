"""Finding and importing the implementation under test.

An *implementation* is a folder laid out like ``exercises/``: one module per
exercise. It is chosen by ``--impl`` (or ``KIT_IMPL``, or the ``kit_impl`` ini
setting) and is one of

* ``exercises`` -- the stubs in this repository,
* ``solutions`` -- the reference solutions (instructor repository only),
* a path to a folder (a student's submission),
* ``mutant:<exercise>:<name>`` -- the reference solutions with one exercise
  replaced by a catalogued wrong implementation (used by the self-check).

Each implementation is imported as its own package, so that a module that uses
a sibling (``from .attention import MultiHeadAttention``) gets the sibling of
the *same* implementation, never the reference.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILTIN_IMPLS = ("exercises", "solutions")


class ImplementationError(Exception):
    """The implementation could not be found or imported (not a student bug in a function)."""


@dataclass(frozen=True)
class ImplSpec:
    """Where an implementation lives and under which package name it is imported."""

    label: str                 # what reports call it: "solutions", "exercises", a path, "mutant:x:y"
    directory: Path            # the folder holding <exercise>.py files
    package: str               # the import name of that folder
    overlay: tuple[tuple[str, Path], ...] = field(default=())  # (exercise, file) replacing a module

    @property
    def kind(self) -> str:
        if self.label in BUILTIN_IMPLS:
            return self.label
        return "mutant" if self.label.startswith("mutant:") else "path"


def resolve(spec: str, root: Path = REPO_ROOT) -> ImplSpec:
    """Turn what the user typed (``--impl``) into an :class:`ImplSpec`."""
    spec = spec.strip()
    if not spec:
        raise ImplementationError("--impl is empty: give 'exercises', 'solutions' or a folder")
    if spec in BUILTIN_IMPLS:
        directory = root / spec
        if not directory.is_dir():
            hint = " (the student copy has no solutions/ folder)" if spec == "solutions" else ""
            raise ImplementationError(f"--impl {spec}: there is no folder {directory}{hint}")
        return ImplSpec(label=spec, directory=directory, package=spec)
    if spec.startswith("mutant:"):
        try:
            _, exercise, name = spec.split(":")
        except ValueError:
            raise ImplementationError(f"--impl {spec}: expected mutant:<exercise>:<name>") from None
        path = root / "graders" / "mutants" / exercise / f"{name}.py"
        if not path.is_file():
            raise ImplementationError(f"--impl {spec}: no catalogued wrong implementation at {path}")
        return ImplSpec(label=spec, directory=root / "solutions",
                        package=f"kit_mutant_{exercise}_{name}", overlay=((exercise, path),))
    directory = Path(spec).expanduser()
    if not directory.is_absolute():
        directory = (Path.cwd() / directory)
    directory = directory.resolve()
    if not directory.is_dir():
        raise ImplementationError(f"--impl {spec}: {directory} is not a folder")
    digest = hashlib.sha1(str(directory).encode()).hexdigest()[:10]
    return ImplSpec(label=str(directory), directory=directory, package=f"kit_submission_{digest}")


def _ensure_package(spec: ImplSpec) -> None:
    if spec.package in sys.modules:
        return
    if spec.kind in BUILTIN_IMPLS and spec.directory.parent == REPO_ROOT:
        if str(REPO_ROOT) not in sys.path:
            sys.path.insert(0, str(REPO_ROOT))
        importlib.import_module(spec.package)
        return
    # A synthetic package whose __path__ is the folder: works with or without __init__.py,
    # and never executes a submission's __init__.py (a submission is a set of modules).
    package = types.ModuleType(spec.package)
    package.__path__ = [str(spec.directory)]
    package.__package__ = spec.package
    package.__file__ = None
    sys.modules[spec.package] = package
    for exercise, path in spec.overlay:
        import_file(f"{spec.package}.{exercise}", path)


def import_file(full_name: str, path: Path) -> types.ModuleType:
    """Import the file ``path`` as module ``full_name`` (its package must be importable);
    nothing stays in ``sys.modules`` when the module raises while being imported."""
    module_spec = importlib.util.spec_from_file_location(full_name, path)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[full_name] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(full_name, None)
        raise
    return module


def import_exercise(spec: ImplSpec, exercise: str) -> types.ModuleType:
    """Import ``<exercise>`` from the implementation (cached after the first time).

    Raises :class:`ImplementationError` when the file is missing; any exception the
    module raises while being imported propagates unchanged (it is the student's).
    """
    _ensure_package(spec)
    file = spec.directory / f"{exercise}.py"
    overlaid = any(name == exercise for name, _ in spec.overlay)
    if not overlaid and not file.is_file():
        raise ImplementationError(
            f"the implementation {spec.label!r} has no {exercise}.py "
            f"(a submission is a folder laid out like exercises/, one file per exercise)")
    return importlib.import_module(f"{spec.package}.{exercise}")


def default_spec_from_env() -> str | None:
    value = os.environ.get("KIT_IMPL")
    return value if value else None


def references_to(package: str, *functions) -> list[str]:
    """Where ``functions`` and the rest of their modules refer to ``package`` (e.g. ``"captum"``).

    Looks at each function's module globals (an imported module, or a class or function
    imported from it) and at the code of every function defined there (names and string
    constants, so an ``import`` inside a function body is found too). Returns plain
    strings, one per finding; empty when there is none. Tests run it where the
    implementation lives (``run_kit(impl, "kit.loader:references_to", "captum", impl.fn)``)
    to check that an exercise was not answered by calling the library it is compared with.
    """
    import inspect

    def mentions(name) -> bool:
        return isinstance(name, str) and (name == package or name.startswith(package + "."))

    def code_mentions(code: types.CodeType) -> bool:
        if any(mentions(n) for n in code.co_names):
            return True
        return any(mentions(c) or (isinstance(c, types.CodeType) and code_mentions(c))
                   for c in code.co_consts)

    found: list[str] = []
    scanned: set[int] = set()
    for function in functions:
        function = inspect.unwrap(function)
        namespace = getattr(function, "__globals__", None)
        if namespace is None or id(namespace) in scanned:
            continue
        scanned.add(id(namespace))
        for name, value in list(namespace.items()):
            origin = value.__name__ if isinstance(value, types.ModuleType) \
                else getattr(value, "__module__", None)
            if mentions(origin):
                found.append(f"{name} (from {origin})")
            elif isinstance(value, types.FunctionType) and code_mentions(value.__code__):
                found.append(f"{name}() uses {package}")
    return found
