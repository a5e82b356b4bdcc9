"""Handles: stand-ins for objects that live with the implementation under test.

Values that are not plain data (a model, a function, a class, a generator) do not
cross the boundary; a :class:`Remote` handle does. Its attribute reads, calls,
``len``/``iter``/indexing are sent to the session that owns the object.
"""

from __future__ import annotations

import weakref
from typing import Any

from .sanitize import clean_text


class Remote:
    """A stand-in for an object that lives with the implementation under test."""

    __slots__ = ("_kit_session", "_kit_id", "_kit_type", "_kit_mro", "_kit_repr", "__weakref__")

    def __init__(self, session: Any, node: list):
        _, hid, type_name, mro, text = node
        object.__setattr__(self, "_kit_session", session)
        object.__setattr__(self, "_kit_id", hid)
        object.__setattr__(self, "_kit_type", clean_text(type_name, 100))
        object.__setattr__(self, "_kit_mro", tuple(clean_text(m, 200) for m in mro[:64]))
        object.__setattr__(self, "_kit_repr", clean_text(text, 300))
        weakref.finalize(self, session.release, hid)

    def __getattr__(self, name: str) -> Any:
        __tracebackhide__ = True
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._kit_session.getattr(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"cannot set {name!r} on a {self._kit_type} from a test: call a method instead "
            "(objects of the implementation under test are remote)")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        return self._kit_session.call(self, None, args, kwargs)

    def __len__(self) -> int:
        __tracebackhide__ = True
        n = self._kit_session.call(self, "__len__", (), {})
        if type(n) is not int or n < 0:
            raise TypeError(f"len() of {self._kit_type} did not return a non-negative int")
        return n

    def __iter__(self):
        __tracebackhide__ = True
        return iter(self._kit_session.iterate(self))

    def __getitem__(self, key: Any) -> Any:
        __tracebackhide__ = True
        return self._kit_session.call(self, "__getitem__", (key,), {})

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"<remote {self._kit_type}: {self._kit_repr}>"


def is_instance(value: Any, qualified_name: str) -> bool:
    """``isinstance`` that also works on handles: ``is_instance(m, "torch.nn.Module")``."""
    if isinstance(value, Remote):
        return qualified_name in value._kit_mro
    return any(_qualname(c) == qualified_name for c in type(value).__mro__)


def type_name(value: Any) -> str:
    """The implementation-side type of ``value`` (for messages)."""
    return value._kit_type if isinstance(value, Remote) else type(value).__name__


def _qualname(cls: type) -> str:
    module = cls.__module__
    name = cls.__qualname__
    if module.startswith("torch.nn.modules"):
        module = "torch.nn"
    return name if module == "builtins" else f"{module}.{name}"


def describe(obj: Any) -> list:
    """The parts of a handle node that describe ``obj`` (its type and a short repr)."""
    mro = []
    for c in type(obj).__mro__:
        mro.append(_qualname(c))
        if c.__module__.startswith("torch.nn.modules"):
            mro.append(f"{c.__module__}.{c.__qualname__}")
    try:
        text = repr(obj)[:300]
    except Exception:  # noqa: BLE001 - a repr must never break grading
        text = "?"
    return [type(obj).__name__, mro, text]
