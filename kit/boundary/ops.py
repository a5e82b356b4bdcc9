"""The operations a test can ask of the implementation under test: one table.

:class:`Implementation` is the implementation's side of the boundary: the objects it
has handed out (by handle id) and :data:`OPERATIONS`, each operation defined once.
The in-process session and the grading worker both run requests through it, so a
test sees the same behaviour in a student's ``pytest`` and in the sandbox.

A request is a dict with ``op`` and the operation's fields (already decoded: handles
resolved to objects, plain data rebuilt); an operation returns the reply's fields.
Nothing here is trusted by the grader: whatever runs here, the student's code can
patch. Replies are plain data that the trusted side checks itself.
"""

from __future__ import annotations

import itertools
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from . import codec
from .handles import describe

MAX_ITER_ITEMS = 1_000_000


class Implementation:
    """The objects of one implementation that tests hold handles to."""

    def __init__(self, spec):
        self.spec = spec
        self.objects: dict[int, Any] = {}
        self._ids = itertools.count(1)

    def handle(self, obj: Any) -> list:
        hid = next(self._ids)
        self.objects[hid] = obj
        return ["handle", hid, *describe(obj)]

    def target(self, request: dict) -> Any:
        return self.objects[request["hid"]]

    def run(self, request: dict) -> dict:
        operation = OPERATIONS.get(request.get("op"))
        if operation is None:
            raise ValueError(f"unknown request {request.get('op')!r}")
        return operation(self, request)


# --------------------------------------------------------------------------- operations


def op_import(impl: Implementation, r: dict) -> dict:
    """The exercise module (a handle)."""
    from ..loader import import_exercise

    return {"value": import_exercise(impl.spec, r["exercise"])}


def op_getattr(impl: Implementation, r: dict) -> dict:
    return {"value": getattr(impl.target(r), r["name"])}


def op_call(impl: Implementation, r: dict) -> dict:
    """Call the object (or a method of it). With ``inspect``, also say which arguments the
    call changed and what they hold now (a separate, read-only result)."""
    args, kwargs = list(r["args"]), dict(r["kwargs"])
    before = _snapshots(args, kwargs) if r.get("inspect") else {}
    try:
        value = invoke(impl.target(r), r.get("method"), args, kwargs)
    except BaseException as exc:
        if r.get("inspect"):
            try:
                exc.kit_changed = _changes(args, kwargs, before)  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - an exception that takes no attribute reports nothing
                pass
        raise
    reply = {"value": value}
    if r.get("inspect"):
        reply["after"] = _changes(args, kwargs, before)
    return reply


def op_iterate(impl: Implementation, r: dict) -> dict:
    items = list(itertools.islice(iter(impl.target(r)), MAX_ITER_ITEMS + 1))
    if len(items) > MAX_ITER_ITEMS:
        raise ValueError(f"iteration gave over {MAX_ITER_ITEMS} items")
    return {"value": items}


def op_grad(impl: Implementation, r: dict) -> dict:
    """Output and gradients: the implementation's answer (checked by the trusted side
    against its own expected values), not a measurement."""
    target = impl.target(r)
    fn = target if r.get("method") is None else getattr(target, r["method"])
    out, grads = run_with_grad(fn, target, list(r["args"]), dict(r["kwargs"]), r["wrt"])
    return {"value": [out, grads]}


def op_count(impl: Implementation, r: dict) -> dict:
    """Operator counts: measured here, so they are feedback only (worth no points)."""
    target = impl.target(r)
    args, kwargs = r["args"], r["kwargs"]
    return {"value": count_aten_ops(lambda: target(*args, **kwargs))}


def op_timed_call(impl: Implementation, r: dict) -> dict:
    """One repeat of a timed run: build fresh inputs from the request's seed with a public
    kit function, call the function, return the output's digest (:func:`timed_digest`).
    The trusted side times the whole round trip and checks the digest."""
    fn = impl.target(r)
    make = kit_function(r["inputs"])
    args, kwargs = make(r["seed"], r["repeat_seed"], **r["input_kwargs"])
    out = select_output(fn(*args, **kwargs), r.get("keep"))
    return {"value": timed_digest(out, r["sample_seed"], r["samples"])}


def op_kit_call(impl: Implementation, r: dict) -> dict:
    return {"value": kit_function(r["name"])(*r["args"], **r["kwargs"])}


def op_release(impl: Implementation, r: dict) -> dict:
    impl.objects.pop(r["hid"], None)
    return {"value": None}


def op_ping(impl: Implementation, r: dict) -> dict:
    return {"value": "pong"}


OPERATIONS: dict[str, Callable[[Implementation, dict], dict]] = {
    "import": op_import,
    "getattr": op_getattr,
    "call": op_call,
    "iterate": op_iterate,
    "grad": op_grad,
    "count": op_count,
    "timed_call": op_timed_call,
    "kit_call": op_kit_call,
    "release": op_release,
    "ping": op_ping,
}


# --------------------------------------------------------------------------- helpers


def invoke(target: Any, method: str | None, args: Sequence, kwargs: dict) -> Any:
    """Call ``target`` (``method`` None), one of its methods, or a protocol (len, [])."""
    if method is None:
        return target(*args, **kwargs)
    if method == "__len__":
        return len(target)
    if method == "__getitem__":
        return target[args[0]]
    return getattr(target, method)(*args, **kwargs)


def select_output(out: Any, keep: int | None) -> Any:
    """``out[keep]`` when ``out`` is a tuple/list and ``keep`` is set (skip big extras)."""
    if keep is not None and isinstance(out, (tuple, list)) and len(out) > keep:
        return out[keep]
    return out


def sample_positions(numel: int, seed: int, samples: int):
    """The flat positions a timed repeat reports (the same on both sides of the boundary)."""
    import torch

    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    return torch.randint(0, max(numel, 1), (int(samples),), generator=gen)


def timed_digest(out: Any, seed: int, samples: int) -> list:
    """``[shape, values, checksum]``: what a timed repeat sends back about its output.

    ``values`` are the output's values (as float64) at the positions
    :func:`sample_positions` draws from ``seed``; ``checksum`` is the sum of the whole
    output times random weights drawn from ``seed`` (:func:`weighted_sum`). The positions
    are known before the call, so the values alone would let an implementation compute
    just those; the checksum needs every element. Both sides of the boundary compute it
    the same way. For a tuple of tensors, ``[[shape, ...], [values, ...], [checksum, ...]]``,
    one entry per tensor."""
    import torch

    if isinstance(out, (tuple, list)) and out and all(isinstance(t, torch.Tensor) for t in out):
        parts = [timed_digest(t, seed + i, samples) for i, t in enumerate(out)]
        return [[p[i] for p in parts] for i in range(3)]
    if not isinstance(out, torch.Tensor):
        raise TypeError(f"the timed call returned a {type(out).__name__}, not a tensor")
    flat = out.detach().reshape(-1)
    if flat.numel() == 0:
        return [list(out.shape), [], 0.0]
    index = sample_positions(flat.numel(), seed, samples).to(flat.device)
    return [list(out.shape), flat[index].double().cpu().tolist(), weighted_sum(flat, seed)]


CHECKSUM_SEED_OFFSET = 7919   # the checksum's weights and the positions use different draws
CHUNK = 1 << 24               # elements per step: big outputs need no full-size float copies


def weighted_sum(flat, seed: int) -> float:
    """``sum(flat * w)`` in float32 with standard normal weights ``w`` drawn from ``seed``
    on ``flat``'s device, one chunk at a time (the same chunks on both sides)."""
    import torch

    gen = torch.Generator(device=flat.device).manual_seed(int(seed) + CHECKSUM_SEED_OFFSET)
    total = torch.zeros((), dtype=torch.float32, device=flat.device)
    for chunk in flat.split(CHUNK):
        weights = torch.randn(chunk.numel(), generator=gen, device=flat.device, dtype=torch.float32)
        total += (chunk.float() * weights).sum()
    return float(total)


def root_sum_of_squares(flat) -> float:
    """The Euclidean norm of ``flat`` in float32, one chunk at a time."""
    import torch

    total = torch.zeros((), dtype=torch.float32, device=flat.device)
    for chunk in flat.split(CHUNK):
        total += chunk.float().pow(2).sum()
    return float(total) ** 0.5


def kit_function(name: str) -> Callable:
    """The public kit function ``"kit.module:function"`` (nothing outside ``kit``)."""
    import importlib

    module_name, _, attr = name.partition(":")
    if not (module_name == "kit" or module_name.startswith("kit.")) or not attr or "." in attr:
        raise ValueError(f"run_kit needs 'kit.<module>:<function>', got {name!r}")
    fn = getattr(importlib.import_module(module_name), attr)
    if not callable(fn):
        raise TypeError(f"{name} is not a function")
    return fn


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


# --------------------------------------------------------------------------- arguments after a call


def _is_inspectable(value: Any) -> bool:
    import numpy as np

    torch = sys.modules.get("torch")
    kinds: tuple = (list, dict, np.ndarray)
    if torch is not None:
        kinds += (torch.Tensor, torch.Generator, torch.nn.Module)
    return isinstance(value, kinds)


def _state(value: Any) -> Any:
    """What a test may read back of an argument: plain data; for a module its weights,
    which parameters require grad and whether it is in training mode."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.nn.Module):
        return {"state_dict": dict(value.state_dict()),
                "requires_grad": {n: bool(p.requires_grad) for n, p in value.named_parameters()},
                "training": bool(value.training)}
    return value


def _fingerprint(value: Any) -> bytes | None:
    try:
        return codec.dumps(*codec.encode(_state(value), None))
    except codec.CodecError:
        return None


def _snapshots(args: list, kwargs: dict) -> dict:
    keys = [(i, a) for i, a in enumerate(args)] + list(kwargs.items())
    return {k: _fingerprint(v) for k, v in keys if _is_inspectable(v)}


def _changes(args: list, kwargs: dict, before: dict) -> list:
    """``[[key, value after the call], ...]`` for the arguments whose content changed."""
    changed = []
    for key, old in before.items():
        value = args[key] if isinstance(key, int) else kwargs[key]
        if old is not None and _fingerprint(value) != old:
            changed.append([key, _state(value)])
    return changed


# --------------------------------------------------------------------------- errors


def error_reply(exc: BaseException, submission_dir: str) -> dict:
    """An exception raised by the implementation, as plain data: its class, the nearest
    builtin class, its message and the traceback lines in the submission's own files."""
    builtin = next((c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"), "Exception")
    frames = []
    debug = bool(os.environ.get("KIT_WORKER_DEBUG"))
    for entry in traceback.extract_tb(exc.__traceback__):
        if debug or entry.filename.startswith(submission_dir):
            frames.append(f"  {os.path.basename(entry.filename)}, line {entry.lineno}, "
                          f"in {entry.name}\n    {entry.line or ''}")
    try:
        message = str(exc)[:2000]
    except Exception:  # noqa: BLE001 - a message must never break grading
        message = "<unprintable message>"
    reply = {"ok": False, "error": type(exc).__name__[:100], "builtin": builtin,
             "message": message, "traceback": "\n".join(frames[-8:])}
    changed = getattr(exc, "kit_changed", None)
    if type(changed) is list:
        reply["after"] = changed
    return reply
