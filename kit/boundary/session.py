"""Sessions: how a test's requests reach the implementation under test.

:class:`Session` defines every operation once, on top of one method, ``_exchange``
(send a request, get the reply's fields). Two transports implement it:

* :class:`LocalSession` runs the request in this process (a student's ``pytest``:
  fast, full tracebacks);
* the grading engine's ``WorkerSession`` (``graders/engine/sandbox.py``) sends it to a
  sandboxed worker process over a pipe.

In both, arguments are encoded as plain data and rebuilt on the implementation's
side, and replies are rebuilt on the test's side: the test's own objects are never
handed to the implementation, so nothing the implementation does to its arguments
can change them. Which arguments a call changed is a separate, read-only result
(:meth:`Session.inspect_call`).
"""

from __future__ import annotations

import builtins
import copy
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from . import codec
from .handles import Remote
from .ops import Implementation
from .sanitize import clean_text

_REBUILT = {name: getattr(builtins, name) for name in (
    "ValueError", "TypeError", "KeyError", "IndexError", "AttributeError", "NotImplementedError",
    "RuntimeError", "ZeroDivisionError", "OverflowError", "MemoryError", "RecursionError",
    "ImportError", "ModuleNotFoundError", "NameError", "LookupError", "ArithmeticError",
    "FileNotFoundError", "PermissionError", "OSError", "UnicodeError", "StopIteration",
    "SyntaxError", "IndentationError",
)}


@dataclass(frozen=True)
class Pause:
    """What :meth:`Session.freeze` did: ``resume`` lets the processes go on; ``complete`` is
    False when some of them had not stopped by the time the freeze gave up waiting."""

    resume: Callable[[], None]
    complete: bool = True


class Session:
    """The operations a test can ask of the implementation under test."""

    label: str = "?"
    isolation: str = "?"

    # -- the one transport method ------------------------------------------------
    def _exchange(self, payload: dict, doing: str, timeout: float | None = None) -> dict:
        """Run ``payload`` where the implementation lives; the reply's fields.
        Raises the implementation's exception (rebuilt) when it raised."""
        raise NotImplementedError  # pragma: no cover - interface

    def _hid(self, handle: Remote) -> Any:
        if handle._kit_session is not self:
            raise TypeError("a handle from another implementation was used")
        return handle._kit_id

    # -- operations ----------------------------------------------------------------
    def import_module(self, exercise: str) -> Remote:
        return self._exchange({"op": "import", "exercise": exercise}, f"importing {exercise}.py")["value"]

    def getattr(self, handle: Remote, name: str) -> Any:
        __tracebackhide__ = True
        return self._exchange({"op": "getattr", "hid": self._hid(handle), "name": name},
                              f"reading {handle._kit_type}.{name}")["value"]

    def call(self, handle: Remote, method: str | None, args: Sequence, kwargs: dict) -> Any:
        __tracebackhide__ = True
        return self._exchange({"op": "call", "hid": self._hid(handle), "method": method,
                               "args": list(args), "kwargs": dict(kwargs)},
                              f"calling {callable_name(handle, method)}")["value"]

    def inspect_call(self, handle: Remote, method: str | None, args: Sequence,
                     kwargs: dict) -> tuple[Any, dict]:
        """``(value, {argument key: its content after the call})`` for changed arguments."""
        __tracebackhide__ = True
        reply = self._exchange({"op": "call", "hid": self._hid(handle), "method": method,
                                "args": list(args), "kwargs": dict(kwargs), "inspect": True},
                               f"calling {callable_name(handle, method)}")
        return reply["value"], changes_reported(reply.get("after"))

    def iterate(self, handle: Remote) -> list:
        __tracebackhide__ = True
        return self._exchange({"op": "iterate", "hid": self._hid(handle)},
                              f"iterating a {handle._kit_type}")["value"]

    def call_with_grad(self, handle: Remote, method: str | None, args: Sequence, kwargs: dict,
                       wrt: Sequence[int | str]) -> tuple[Any, list]:
        __tracebackhide__ = True
        value = self._exchange({"op": "grad", "hid": self._hid(handle), "method": method,
                                "args": list(args), "kwargs": dict(kwargs), "wrt": list(wrt)},
                               f"calling {callable_name(handle, method)} (with gradients)")["value"]
        if type(value) is not list or len(value) != 2 or type(value[1]) is not list:
            raise codec.CodecError("malformed reply to a gradient request")
        return value[0], value[1]

    def count_ops(self, handle: Remote, args: Sequence, kwargs: dict) -> dict[str, int]:
        __tracebackhide__ = True
        return self._exchange({"op": "count", "hid": self._hid(handle), "args": list(args),
                               "kwargs": dict(kwargs)}, f"calling {callable_name(handle, None)}")["value"]

    def timed_call(self, handle: Remote, request: dict, timeout: float | None = None) -> Any:
        """One repeat of a timed run (see :func:`kit.perf.throughput`)."""
        return self._exchange({"op": "timed_call", "hid": self._hid(handle), **request},
                              f"timing {callable_name(handle, None)}", timeout)["value"]

    def kit_call(self, name: str, args: Sequence, kwargs: dict) -> Any:
        __tracebackhide__ = True
        return self._exchange({"op": "kit_call", "name": name, "args": list(args),
                               "kwargs": dict(kwargs)}, f"running {name}")["value"]

    def ping(self) -> None:
        self._exchange({"op": "ping"}, "waiting for the worker")

    def is_live(self, handle: Remote) -> bool:
        """False when the object behind ``handle`` is gone (its worker was replaced)."""
        return True

    def freeze(self) -> Pause:
        """Stop the implementation's processes (while the trusted side times a reference).
        In-process there is nothing to stop."""
        return Pause(resume=lambda: None)

    def release(self, hid: Any) -> None:
        pass

    def close(self) -> None:
        pass


def changes_reported(after: Any) -> dict:
    """``{argument key: content after the call}`` from an ``after`` report (plain data)."""
    if type(after) is not list:
        raise codec.CodecError("malformed reply: no argument report")
    changes = {}
    for item in after:
        if type(item) is not list or len(item) != 2 or type(item[0]) not in (int, str):
            raise codec.CodecError("malformed reply: bad argument report")
        changes[item[0]] = item[1]
    return changes


def callable_name(handle: Remote, method: str | None) -> str:
    text = handle._kit_repr
    name = text.split()[1] if text.startswith("<function ") and len(text.split()) > 1 else handle._kit_type
    return f"{name}.{method}" if method else name


def rebuild_exception(reply: dict) -> BaseException:
    """The implementation's exception, rebuilt from plain data as a builtin exception
    (never the implementation's own class) with a sanitised message."""
    name = clean_text(reply.get("error", "Exception"), 100)
    builtin = str(reply.get("builtin", "Exception"))
    message = clean_text(reply.get("message", ""), 2000)
    if builtin == "SystemExit":
        exc: BaseException = RuntimeError(f"your code called sys.exit({message})")
    else:
        cls = _REBUILT.get(builtin, RuntimeError)
        text = message if (name == builtin and builtin in _REBUILT) else f"{name}: {message}"
        if builtin == "AssertionError":
            text = f"AssertionError in your code: {message}"
        exc = cls(text)
    exc.kit_remote_traceback = clean_text(reply.get("traceback", ""), 3000)  # type: ignore[attr-defined]
    after = reply.get("after")
    if type(after) is list:
        exc.kit_changed = after  # type: ignore[attr-defined]
    return exc


def encode_request(payload: dict, object_node: Callable[[Any], list]) -> tuple[list, list]:
    """Encode a request; ``object_node`` turns handles, test-built modules and functions
    into the transport's own nodes."""
    return codec.encode(payload, object_node)


class LocalSession(Session):
    """Runs the implementation in this process; values still cross as plain data."""

    def __init__(self, spec):
        self.spec = spec
        self.label = spec.label
        self.isolation = "none (in-process)"
        self.implementation = Implementation(spec)

    def _exchange(self, payload: dict, doing: str, timeout: float | None = None) -> dict:
        __tracebackhide__ = True
        passed: dict[int, Any] = {}
        keys = itertools.count(1)

        def object_node(obj: Any) -> list:
            if isinstance(obj, Remote):
                return ["ref", self._hid(obj)]
            key = next(keys)
            import torch

            if isinstance(obj, torch.nn.Module):
                passed[key] = copy.deepcopy(obj)   # the implementation gets its own copy
            elif callable(obj):
                passed[key] = obj                  # a test's function, called in-process
            else:
                raise TypeError(f"a {type(obj).__name__} cannot be passed to the implementation")
            return ["object", key]

        def resolve(node: list) -> Any:
            if node[0] == "ref":
                return self.implementation.objects[node[1]]
            if node[0] == "object":
                return passed[node[1]]
            raise codec.CodecError(f"unknown argument tag {node[0]!r}")

        tree, buffers = encode_request(payload, object_node)
        request = codec.decode(tree, [memoryview(b) for b in buffers], None, resolve)
        reply = self.implementation.run(request)   # the implementation's own exception, as is
        tree, buffers = codec.encode(reply, self.implementation.handle)
        return codec.decode(tree, [memoryview(b) for b in buffers], lambda node: Remote(self, node))

    def release(self, hid: Any) -> None:
        self.implementation.objects.pop(hid, None)

    def close(self) -> None:
        self.implementation.objects.clear()
