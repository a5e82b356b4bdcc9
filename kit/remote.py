"""How a test reaches the implementation under test: sessions and handles.

Tests never import an exercise module. They get a :class:`ModuleProxy` from the
``impl`` fixture and call it like the module (``impl.tokenize("Hi.")``). Every
call goes through a *session*:

* :class:`LocalSession` runs the student's code in the test's own process (what a
  student's ``pytest`` does: fast, full tracebacks);
* the grading engine's worker session runs it in a separate, sandboxed process.

Both give tests exactly the same view: return values are rebuilt as plain data by
:mod:`kit.codec`, and objects that are not plain data (models, functions,
classes, generators) come back as :class:`Remote` handles whose attribute reads,
calls, ``len``/``iter``/indexing run where the object lives. A test written
against one session therefore works unchanged against the other.

Rules for test authors (see docs/WRITING_TESTS.md):

* returned values are copies: to check that an input was not modified, look at
  the input after the call (mutations are copied back to tensors, arrays, lists,
  dicts and generators that were passed in);
* gradients do not cross: use :func:`call_with_grad`;
* use :func:`is_instance` instead of ``isinstance`` on handles.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any, Sequence

from . import codec
from .loader import ImplSpec, ImplementationError, import_exercise

MAX_ITER_ITEMS = 1_000_000


class Remote:
    """A stand-in for an object that lives with the implementation under test."""

    __slots__ = ("_kit_session", "_kit_id", "_kit_type", "_kit_mro", "_kit_repr", "__weakref__")

    def __init__(self, session: "Session", node: list):
        _, hid, type_name, mro, text = node
        object.__setattr__(self, "_kit_session", session)
        object.__setattr__(self, "_kit_id", hid)
        object.__setattr__(self, "_kit_type", str(type_name))
        object.__setattr__(self, "_kit_mro", tuple(str(m) for m in mro))
        object.__setattr__(self, "_kit_repr", str(text)[:300])
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


class Session:
    """The operations a test can ask of the implementation under test."""

    label: str = "?"

    def import_module(self, exercise: str) -> Remote:  # pragma: no cover - interface
        raise NotImplementedError

    def getattr(self, handle: Remote, name: str) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def call(self, handle: Remote, method: str | None, args: Sequence, kwargs: dict) -> Any:
        raise NotImplementedError  # pragma: no cover - interface

    def iterate(self, handle: Remote) -> list:  # pragma: no cover - interface
        raise NotImplementedError

    def call_with_grad(self, handle: Remote, method: str | None, args: Sequence, kwargs: dict,
                       wrt: Sequence[int | str]) -> tuple[Any, list]:
        raise NotImplementedError  # pragma: no cover - interface

    def time_call(self, handle: Remote, args: Sequence, kwargs: dict, *, warmup: int,
                  repeats: int, keep: int | None = None) -> tuple[float, Any]:
        raise NotImplementedError  # pragma: no cover - interface

    def count_ops(self, handle: Remote, args: Sequence, kwargs: dict) -> dict[str, int]:
        raise NotImplementedError  # pragma: no cover - interface

    def kit_call(self, name: str, args: Sequence, kwargs: dict) -> Any:
        """Run the public kit function ``name`` ("kit.module:function") where the code lives."""
        raise NotImplementedError  # pragma: no cover - interface

    def is_live(self, handle: Remote) -> bool:
        """False when the object behind ``handle`` is gone (its worker was replaced)."""
        return True

    def release(self, hid: int) -> None:
        pass

    def close(self) -> None:
        pass


class LocalSession(Session):
    """Runs the implementation in this process; values still cross as plain data."""

    def __init__(self, spec: ImplSpec):
        self.spec = spec
        self.label = spec.label
        self.isolation = "none (in-process)"
        self._objects: dict[int, Any] = {}
        self._ids = itertools.count(1)

    # -- handles -------------------------------------------------------------------
    def _make_handle(self, obj: Any) -> list:
        hid = next(self._ids)
        self._objects[hid] = obj
        return ["handle", hid, *describe(obj)]

    def _remote(self, node: list) -> Remote:
        return Remote(self, node)

    def _object(self, handle: Remote) -> Any:
        if handle._kit_session is not self:
            raise ValueError("a handle from another implementation was passed")
        return self._objects[handle._kit_id]

    def release(self, hid: int) -> None:
        self._objects.pop(hid, None)

    def close(self) -> None:
        self._objects.clear()

    # -- values --------------------------------------------------------------------
    def _result(self, value: Any) -> Any:
        tree, buffers = codec.encode(value, self._make_handle)
        return codec.decode(tree, [memoryview(b) for b in buffers], self._remote)

    def _unwrap(self, value: Any) -> Any:
        """Replace handles by their objects; anything else is passed as it is (so the
        implementation sees -- and may mutate -- the caller's own objects)."""
        if isinstance(value, Remote):
            return self._object(value)
        if type(value) in (list, tuple) and any(_holds_remote(v) for v in value):
            return type(value)(self._unwrap(v) for v in value)
        if type(value) is dict and any(_holds_remote(v) for v in value.values()):
            return {k: self._unwrap(v) for k, v in value.items()}
        return value

    # -- operations ----------------------------------------------------------------
    def import_module(self, exercise: str) -> Remote:
        module = import_exercise(self.spec, exercise)
        return self._remote(self._make_handle(module))

    def getattr(self, handle: Remote, name: str) -> Any:
        __tracebackhide__ = True
        return self._result(getattr(self._object(handle), name))

    def call(self, handle: Remote, method: str | None, args: Sequence, kwargs: dict) -> Any:
        __tracebackhide__ = True
        target = self._object(handle)
        args, kwargs = self._unwrap(tuple(args)), self._unwrap(dict(kwargs))
        return self._result(invoke(target, method, args, kwargs))

    def iterate(self, handle: Remote) -> list:
        __tracebackhide__ = True
        items = list(itertools.islice(iter(self._object(handle)), MAX_ITER_ITEMS + 1))
        if len(items) > MAX_ITER_ITEMS:
            raise ValueError(f"iterating a {handle._kit_type} gave over {MAX_ITER_ITEMS} items")
        return self._result(items)

    def call_with_grad(self, handle: Remote, method: str | None, args: Sequence, kwargs: dict,
                       wrt: Sequence[int | str]) -> tuple[Any, list]:
        __tracebackhide__ = True
        target = self._object(handle)
        fn = target if method is None else getattr(target, method)
        args, kwargs = list(self._unwrap(tuple(args))), self._unwrap(dict(kwargs))
        out, grads = run_with_grad(fn, target, args, kwargs, wrt)
        return self._result(out), self._result(grads)

    def count_ops(self, handle: Remote, args: Sequence, kwargs: dict) -> dict[str, int]:
        target = self._object(handle)
        args, kwargs = self._unwrap(tuple(args)), self._unwrap(dict(kwargs))
        return count_aten_ops(lambda: target(*args, **kwargs))

    def time_call(self, handle: Remote, args: Sequence, kwargs: dict, *, warmup: int,
                  repeats: int, keep: int | None = None) -> tuple[float, Any]:
        from .perf import median_ms_local

        fn = self._object(handle)
        ms, out, _ = median_ms_local(fn, tuple(self._unwrap(tuple(args))), self._unwrap(dict(kwargs)),
                                     warmup=warmup, repeats=repeats)
        return ms, self._result(select_output(out, keep))

    def kit_call(self, name: str, args: Sequence, kwargs: dict) -> Any:
        __tracebackhide__ = True
        fn = kit_function(name)
        return self._result(fn(*self._unwrap(tuple(args)), **self._unwrap(dict(kwargs))))


def _holds_remote(value: Any) -> bool:
    if isinstance(value, Remote):
        return True
    if type(value) in (list, tuple):
        return any(_holds_remote(v) for v in value)
    if type(value) is dict:
        return any(_holds_remote(v) for v in value.values())
    return False


def select_output(out: Any, keep: int | None) -> Any:
    """``out[keep]`` when ``out`` is a tuple/list and ``keep`` is set (skip big extras)."""
    if keep is not None and isinstance(out, (tuple, list)) and len(out) > keep:
        return out[keep]
    return out


def kit_function(name: str):
    """The public kit function ``"kit.module:function"`` (nothing outside ``kit``)."""
    import importlib

    module_name, _, attr = name.partition(":")
    if not (module_name == "kit" or module_name.startswith("kit.")) or not attr or "." in attr:
        raise ValueError(f"run_kit needs 'kit.<module>:<function>', got {name!r}")
    fn = getattr(importlib.import_module(module_name), attr)
    if not callable(fn):
        raise TypeError(f"{name} is not a function")
    return fn


def invoke(target: Any, method: str | None, args: Sequence, kwargs: dict) -> Any:
    """Call ``target`` (``method`` None), one of its methods, or a protocol (len, [])."""
    if method is None:
        return target(*args, **kwargs)
    if method == "__len__":
        return len(target)
    if method == "__getitem__":
        return target[args[0]]
    return getattr(target, method)(*args, **kwargs)


def run_with_grad(fn, target, args: list, kwargs: dict, wrt: Sequence[int | str]):
    """Call ``fn`` with the tensors named by ``wrt`` as fresh leaves; backprop the sum.

    ``wrt`` items: an argument position, a keyword name, or ``"parameters"`` (the
    parameters of ``target``, a module). Returns ``(output, grads)`` where ``grads``
    holds one tensor (or ``None`` when the output does not depend on it) per item,
    and for ``"parameters"`` a dict name -> grad.
    """
    import torch

    leaves: list = []
    for key in wrt:
        if key == "parameters":
            continue
        container = args if isinstance(key, int) else kwargs
        value = container[key]
        if not isinstance(value, torch.Tensor) or not value.is_floating_point():
            raise TypeError(f"call_with_grad: argument {key!r} is not a floating-point tensor")
        leaf = value.detach().clone().requires_grad_(True)
        container[key] = leaf
        leaves.append(leaf)
    params: list = []
    if "parameters" in wrt:
        params = [(n, p) for n, p in target.named_parameters() if p.requires_grad]
        for _, p in params:
            p.grad = None
    out = fn(*args, **kwargs)
    if not isinstance(out, torch.Tensor):
        first = out[0] if isinstance(out, (tuple, list)) and out else None
        if not isinstance(first, torch.Tensor):
            raise TypeError("call_with_grad: the call did not return a tensor")
        scalar_source = first
    else:
        scalar_source = out
    if not scalar_source.requires_grad:
        grads: list = [None for _ in leaves]
        if params:
            grads.append({n: None for n, _ in params})
        return out, grads
    scalar = scalar_source.float().sum()
    inputs = leaves + [p for _, p in params]
    computed = torch.autograd.grad(scalar, inputs, allow_unused=True) if inputs else ()
    grads = list(computed[:len(leaves)])
    if params:
        grads.append({n: g for (n, _), g in zip(params, computed[len(leaves):])})
    return out, grads


def count_aten_ops(thunk) -> dict[str, int]:
    """Run ``thunk()`` and count the PyTorch operators it dispatched, by name."""
    from collections import Counter

    from torch.utils._python_dispatch import TorchDispatchMode

    counts: Counter = Counter()

    class _Counter(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            counts[str(func.overloadpacket.__name__)] += 1
            return func(*args, **(kwargs or {}))

    with _Counter():
        thunk()
    return dict(counts)


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
            except ImplementationError:
                raise
            except NotImplementedError:
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


def count_torch_ops(fn: Any, *args: Any, **kwargs: Any) -> dict[str, int]:
    """How many times each PyTorch operator ran during ``fn(*args, **kwargs)``.

    A vectorised function dispatches the same number of matmuls whatever the batch
    size or number of heads; a Python loop over them dispatches one per item. Use
    it to check vectorisation on the CPU:
    ``count_torch_ops(impl.attend, q, k, v).get("bmm", 0)``.
    """
    __tracebackhide__ = True
    if not isinstance(fn, Remote):
        raise TypeError("count_torch_ops needs a function or object of the implementation")
    return fn._kit_session.count_ops(fn, args, kwargs)


def run_kit(impl: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Run a public ``kit`` function where the implementation under test lives.

    For helpers that must work on the implementation's objects in place, e.g.
    training a model of the implementation with the kit's training loop::

        model = impl.TinyLanguageModel(...)
        losses = run_kit(impl, "kit.tiny_lm:train_tiny_lm", model, seed=0)

    ``impl`` is the ``impl`` fixture (or any handle of the same implementation).
    """
    __tracebackhide__ = True
    session = impl.kit_session if isinstance(impl, ModuleProxy) else getattr(impl, "_kit_session", None)
    if session is None:
        raise TypeError("run_kit needs the impl fixture or a handle of the implementation")
    return session.kit_call(name, args, kwargs)


def call_with_grad(fn: Any, *args: Any, wrt: Sequence[int | str] = (0,), **kwargs: Any):
    """Call a remote function or module and return ``(output, grads)``.

    The sum of the (first) output is back-propagated where the implementation
    lives; ``grads`` has one entry per item of ``wrt`` (``None`` where the output
    does not depend on that input). Use ``wrt=("parameters",)`` for a module's
    parameters (a dict name -> gradient).
    """
    __tracebackhide__ = True
    if not isinstance(fn, Remote):
        raise TypeError("call_with_grad needs a function or object of the implementation")
    return fn._kit_session.call_with_grad(fn, None, args, kwargs, tuple(wrt))
