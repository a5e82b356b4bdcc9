"""How a test reaches the implementation under test: the one seam for test authors.

Tests never import an exercise module. They get a :class:`ModuleProxy` from the
``impl`` fixture and call it like the module (``impl.tokenize("Hi.")``). Every call
crosses the value boundary (:mod:`kit.boundary`), in a student's ``pytest`` and in
the grading worker alike:

* return values are copies rebuilt as plain data; objects that are not plain data
  (models, functions, classes, generators) come back as :class:`Remote` handles;
* arguments are copies too: the implementation never gets (or changes) the test's
  own objects. To see what a call did to its arguments, use :func:`inspect_call`;
* gradients do not cross: use :func:`call_with_grad`;
* use :func:`is_instance` instead of ``isinstance`` on handles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .boundary.handles import Remote, describe, is_instance, type_name
from .boundary.session import LocalSession, Session
from .loader import ImplementationError

__all__ = ["ModuleProxy", "Remote", "LocalSession", "Session", "call_with_grad", "count_torch_ops",
           "describe", "inspect_call", "is_instance", "run_kit", "type_name"]


class ModuleProxy:
    """What the ``impl`` fixture gives a test: the exercise module, imported lazily.

    Importing happens on first use, inside the test, so an import error fails the
    exercise's tests (with the student's error message) instead of erroring at setup.
    """

    def __init__(self, session: Session, exercise: str):
        self._session = session
        self._exercise = exercise
        self._handle: Remote | None = None

    @property
    def kit_exercise(self) -> str:
        return self._exercise

    @property
    def kit_session(self) -> Session:
        return self._session

    def _module(self) -> Remote:
        __tracebackhide__ = True
        if self._handle is None or not self._session.is_live(self._handle):
            try:
                self._handle = self._session.import_module(self._exercise)
            except (ImplementationError, NotImplementedError):
                raise
            except Exception as exc:
                raise ImplementationError(
                    f"importing {self._exercise}.py from {self._session.label!r} failed: "
                    f"{type(exc).__name__}: {exc}") from exc
        return self._handle

    def __getattr__(self, name: str) -> Any:
        __tracebackhide__ = True
        if name.startswith("__"):
            raise AttributeError(name)
        module = self._module()
        try:
            return self._session.getattr(module, name)
        except AttributeError:
            raise AttributeError(
                f"{self._exercise}.py has no {name!r}: the exercise asks for it "
                f"(was it renamed or deleted?)") from None

    def __repr__(self) -> str:
        return f"<{self._exercise} from {self._session.label}>"


def _session_of(fn: Any, what: str) -> Session:
    if not isinstance(fn, Remote):
        raise TypeError(f"{what} needs a function or object of the implementation")
    return fn._kit_session


def inspect_call(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, dict]:
    """Call ``fn`` and also report what it did to its arguments: ``(result, changed)``.

    ``changed`` maps the position (int) or keyword (str) of every argument whose content
    the call changed to that content after the call (plain data; for a ``torch.nn.Module``
    a dict with ``state_dict``, ``requires_grad`` per parameter and ``training``).
    The test's own objects are never changed -- this report is the only way to see it::

        out, changed = inspect_call(impl.mask_tokens, ids)
        assert not changed, "mask_tokens changed its input in place"
    """
    __tracebackhide__ = True
    return _session_of(fn, "inspect_call").inspect_call(fn, None, args, kwargs)


def changes_of(exc: BaseException) -> dict:
    """What an :func:`inspect_call` that raised had done to its arguments before raising
    (the same mapping as its second result)."""
    from .boundary.session import changes_reported

    return changes_reported(getattr(exc, "kit_changed", []))


def count_torch_ops(fn: Any, *args: Any, **kwargs: Any) -> dict[str, int]:
    """How many times each PyTorch operator ran during ``fn(*args, **kwargs)``.

    Counted where the implementation runs, so a determined student could fake it: tests
    built on it are **feedback** (``@pytest.mark.feedback``, worth no points).
    ``count_torch_ops(impl.attend, q, k, v).get("bmm", 0)``.
    """
    __tracebackhide__ = True
    return _session_of(fn, "count_torch_ops").count_ops(fn, args, kwargs)


def run_kit(impl: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Run a public ``kit`` function where the implementation under test lives.

    For helpers that must work on the implementation's objects in place, e.g.
    training a model of the implementation with the kit's training loop::

        model = impl.TinyLanguageModel(...)
        losses = run_kit(impl, "kit.tiny_lm:train_tiny_lm", model, seed=0)
    """
    __tracebackhide__ = True
    session = impl.kit_session if isinstance(impl, ModuleProxy) else getattr(impl, "_kit_session", None)
    if session is None:
        raise TypeError("run_kit needs the impl fixture or a handle of the implementation")
    return session.kit_call(name, args, kwargs)


def call_with_grad(fn: Any, *args: Any, wrt: Sequence[int | str] = (0,), **kwargs: Any):
    """Call a remote function or module and return ``(output, grads)``.

    The sum of the (first) output is back-propagated where the implementation lives;
    ``grads`` has one entry per item of ``wrt`` (``None`` where the output does not
    depend on that input). Use ``wrt=("parameters",)`` for a module's parameters (a
    dict name -> gradient). The gradients are the implementation's answer, checked
    like any other returned value.
    """
    __tracebackhide__ = True
    return _session_of(fn, "call_with_grad").call_with_grad(fn, None, args, kwargs, tuple(wrt))


def state_after(changed: dict, key: int | str, original: Any) -> Any:
    """What argument ``key`` held after an :func:`inspect_call`: the reported content if the
    call changed it, else the test's own (unchanged) ``original``. For a ``torch.nn.Module``
    this is its ``state_dict`` (use ``changed[key]["requires_grad"]`` / ``["training"]``
    for the rest)."""
    if key in changed:
        value = changed[key]
        return value["state_dict"] if isinstance(value, dict) and "state_dict" in value else value
    try:
        import torch

        if isinstance(original, torch.nn.Module):
            return {k: v.detach().clone() for k, v in original.state_dict().items()}
    except ImportError:  # pragma: no cover
        pass
    return original
