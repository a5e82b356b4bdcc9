"""Plain-data encoding of values that cross between student code and the grader.

Everything an implementation returns to a test goes through :func:`encode` on the
student's side and :func:`decode` on the grader's side. The wire form is a JSON
tree plus a list of raw byte buffers, so the grader only ever holds genuine
``int``/``float``/``str``/``list``/``dict``/... objects, NumPy arrays and torch
tensors it rebuilt itself from bytes + dtype + shape. A student object whose
``__eq__`` always returns ``True`` therefore never reaches an assertion: at most
its *data* does. Nothing is ever unpickled from the student's side.

Values that are not plain data (a model, a function, a class, a generator) come
back as a *handle*: a remote reference whose methods run where the object lives.

Tree nodes are lists whose first item is a tag::

    ["none"] ["bool", b] ["int", "123"] ["float", "0x1.8p+1"] ["str", s]
    ["bytes", i] ["list", [...]] ["tuple", [...]] ["set", [...]] ["frozenset", [...]]
    ["dict", [[k, v], ...]] ["ndarray", dtype, shape, i]
    ["tensor", dtype, shape, device, requires_grad, i]
    ["dtype", name] ["device", name] ["generator", device, i]
    ["handle", id, type_name, mro, repr]

``i`` indexes the buffer list. Limits on depth and size keep a hostile value from
exhausting the grader.
"""

from __future__ import annotations

import importlib
import json
import math
import sys
from collections.abc import Callable
from typing import Any

import numpy as np


def _loaded_torch():
    """torch if something already imported it (a value cannot be a tensor otherwise).

    Keeps the worker's start fast for exercises that never touch PyTorch.
    """
    return sys.modules.get("torch")


class _LazyTorch:
    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("torch"), name)


torch = _LazyTorch()

MAX_DEPTH = 64
MAX_NODES = 2_000_000
MAX_BYTES = 1024**3            # array data in one message (the wire refuses bigger messages)
MAX_HEADER = 64 * 1024**2      # the JSON part of one message, checked before it is parsed
MAX_STR = 4 * 1024**2          # one string value

_NUMPY_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
}
_TORCH_DTYPES = {
    "bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
    "float32", "float64", "complex64", "complex128",
}


class CodecError(ValueError):
    """A value could not be encoded, or a wire tree is malformed."""


# --------------------------------------------------------------------------- encode


def encode(value: Any, make_handle: Callable[[Any], list] | None) -> tuple[list, list[bytes]]:
    """Encode ``value`` as ``(tree, buffers)``.

    ``make_handle(obj)`` is called for every value that is not plain data and must
    return a ``["handle", ...]`` node; with ``None`` such values are an error.
    """
    buffers: list[bytes] = []
    state = {"nodes": 0, "bytes": 0}

    def add_buffer(data: bytes) -> int:
        state["bytes"] += len(data)
        if state["bytes"] > MAX_BYTES:
            raise CodecError("value too large to return (over 1 GiB of array data)")
        buffers.append(data)
        return len(buffers) - 1

    def enc(x: Any, depth: int) -> list:
        state["nodes"] += 1
        if state["nodes"] > MAX_NODES:
            raise CodecError(f"value too large to return (over {MAX_NODES} items)")
        if depth > MAX_DEPTH:
            raise CodecError(f"value nested too deeply (over {MAX_DEPTH} levels)")
        if x is None:
            return ["none"]
        if x is True or x is False:
            return ["bool", bool(x)]
        if isinstance(x, np.bool_):
            return ["bool", bool(x)]
        if isinstance(x, int):
            return ["int", int.__repr__(x)]
        if isinstance(x, np.integer):
            return ["int", repr(int(x))]
        if isinstance(x, float):
            return ["float", float.hex(float.__float__(x))]
        if isinstance(x, np.floating):
            return ["float", float.hex(float(x))]
        if isinstance(x, str):
            return ["str", str.__str__(x)]
        if isinstance(x, (bytes, bytearray)):
            return ["bytes", add_buffer(bytes(x))]
        if isinstance(x, list):
            return ["list", [enc(list.__getitem__(x, i), depth + 1) for i in range(list.__len__(x))]]
        if isinstance(x, tuple):
            return ["tuple", [enc(tuple.__getitem__(x, i), depth + 1) for i in range(tuple.__len__(x))]]
        if isinstance(x, dict):
            return ["dict", [[enc(k, depth + 1), enc(v, depth + 1)] for k, v in dict.items(x)]]
        if isinstance(x, frozenset):
            return ["frozenset", [enc(v, depth + 1) for v in frozenset.__iter__(x)]]
        if isinstance(x, set):
            return ["set", [enc(v, depth + 1) for v in set.__iter__(x)]]
        if isinstance(x, np.ndarray):
            arr = np.ndarray.view(x, np.ndarray)
            if arr.dtype.name not in _NUMPY_DTYPES:
                if make_handle is None:
                    raise CodecError(f"arrays of dtype {arr.dtype} cannot be passed")
                return make_handle(x)
            arr = np.ascontiguousarray(arr)
            if arr.dtype.byteorder == ">":
                arr = arr.astype(arr.dtype.newbyteorder("<"))
            return ["ndarray", arr.dtype.name, list(arr.shape), add_buffer(arr.tobytes())]
        th = _loaded_torch()
        if th is not None:
            if isinstance(x, th.Tensor):
                return _encode_tensor(x, add_buffer, make_handle)
            if isinstance(x, th.dtype):
                return ["dtype", str(x).replace("torch.", "")]
            if isinstance(x, th.device):
                return ["device", str(x)]
            if isinstance(x, th.Generator):
                state_bytes = x.get_state().numpy().tobytes()
                return ["generator", str(x.device), add_buffer(state_bytes)]
        if make_handle is None:
            raise CodecError(f"a {type(x).__name__} cannot be passed as plain data")
        return make_handle(x)

    return enc(value, 0), buffers


def _encode_tensor(x, add_buffer, make_handle) -> list:
    t = torch.Tensor.detach(x)
    if t.layout != torch.strided or t.is_quantized or t.is_meta:
        if make_handle is None:
            raise CodecError(f"a {t.layout} tensor cannot be passed; use a dense tensor")
        return make_handle(x)
    dtype = str(t.dtype).replace("torch.", "")
    if dtype not in _TORCH_DTYPES:
        raise CodecError(f"tensors of dtype {t.dtype} are not supported")
    device = str(t.device)
    cpu = t.to("cpu").contiguous().reshape(-1)
    data = cpu.view(torch.uint8).numpy().tobytes() if cpu.numel() else b""
    return ["tensor", dtype, list(t.shape), device, bool(x.requires_grad), add_buffer(data)]


def dumps(tree: list, buffers: list[bytes]) -> bytes:
    """One message: 8-byte header length, JSON header, then the buffers."""
    header = json.dumps({"tree": tree, "sizes": [len(b) for b in buffers]},
                        separators=(",", ":")).encode()
    return b"".join([len(header).to_bytes(8, "little"), header, *buffers])


def loads(message: bytes | memoryview, *, max_header: int = MAX_HEADER) -> tuple[list, list[memoryview]]:
    """Split a message into its tree and buffers. ``max_header`` bounds the JSON part before
    it is parsed (the worker, reading the trusted side's requests, allows more: a module
    passed as an argument travels in it)."""
    view = memoryview(message)
    if len(view) < 8:
        raise CodecError("truncated message")
    n = int.from_bytes(view[:8], "little")
    if n > max_header:
        raise CodecError(f"message header of {n} bytes is over the limit ({max_header})")
    if n > len(view) - 8:
        raise CodecError("truncated message header")
    try:
        header = json.loads(bytes(view[8:8 + n]))
        tree, sizes = header["tree"], header["sizes"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CodecError(f"malformed message header: {exc}") from None
    if not isinstance(sizes, list) or not all(type(s) is int and s >= 0 for s in sizes):
        raise CodecError("malformed buffer sizes")
    if 8 + n + sum(sizes) != len(view):
        raise CodecError("message length does not match its buffers")
    buffers, offset = [], 8 + n
    for size in sizes:
        buffers.append(view[offset:offset + size])
        offset += size
    return tree, buffers


# --------------------------------------------------------------------------- decode


def decode(tree: Any, buffers: list, make_remote: Callable[[list], Any] | None,
           resolve_extra: Callable[[list], Any] | None = None) -> Any:
    """Rebuild a value from ``(tree, buffers)`` using only trusted constructors.

    ``make_remote(node)`` turns a ``["handle", ...]`` node into a local stand-in;
    ``resolve_extra(node)`` handles any tag this module does not know (the worker
    uses it for references to its own objects and callbacks).
    """
    state = {"nodes": 0}

    def buf(i: Any) -> memoryview:
        if type(i) is not int or not 0 <= i < len(buffers):
            raise CodecError("bad buffer index")
        return buffers[i]

    def dec(node: Any, depth: int) -> Any:
        state["nodes"] += 1
        if state["nodes"] > MAX_NODES or depth > MAX_DEPTH:
            raise CodecError("value too large or nested too deeply")
        if type(node) is not list or not node or type(node[0]) is not str:
            raise CodecError("malformed value")
        tag, args = node[0], node[1:]
        try:
            if tag == "none":
                return None
            if tag == "bool":
                return bool(args[0] is True)
            if tag == "int":
                text = args[0]
                if type(text) is not str or len(text) > 5000:
                    raise CodecError("bad int")
                return int(text)
            if tag == "float":
                return float.fromhex(args[0]) if args[0] not in ("inf", "-inf", "nan") \
                    else float(args[0])
            if tag == "str":
                if type(args[0]) is not str or len(args[0]) > MAX_STR:
                    raise CodecError("bad str")
                return str(args[0])
            if tag == "bytes":
                return bytes(buf(args[0]))
            if tag in ("list", "tuple", "set", "frozenset"):
                items = args[0]
                if type(items) is not list:
                    raise CodecError("bad sequence")
                values = [dec(v, depth + 1) for v in items]
                return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag](values)
            if tag == "dict":
                pairs = args[0]
                if type(pairs) is not list:
                    raise CodecError("bad dict")
                out = {}
                for pair in pairs:
                    if type(pair) is not list or len(pair) != 2:
                        raise CodecError("bad dict item")
                    out[dec(pair[0], depth + 1)] = dec(pair[1], depth + 1)
                return out
            if tag == "ndarray":
                dtype, shape, index = args
                return _decode_ndarray(dtype, shape, buf(index))
            if tag == "tensor":
                dtype, shape, device, requires_grad, index = args
                return _decode_tensor(dtype, shape, device, requires_grad, buf(index))
            if tag == "dtype":
                if args[0] not in _TORCH_DTYPES:
                    raise CodecError("bad dtype")
                return getattr(torch, args[0])
            if tag == "device":
                return torch.device(_checked_device(args[0]))
            if tag == "generator":
                device, index = args
                gen = torch.Generator(device=_checked_device(device))
                gen.set_state(torch.frombuffer(bytearray(buf(index)), dtype=torch.uint8))
                return gen
            if tag == "handle":
                if make_remote is None:
                    raise CodecError("unexpected handle")
                return make_remote(node)
        except CodecError:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever a constructor raises (a tensor on a
            # device this machine lacks: torch's AssertionError) is a bad value, never a crash
            raise CodecError(f"malformed {tag} value: {type(exc).__name__}: {exc}") from None
        if resolve_extra is not None:
            return resolve_extra(node)
        raise CodecError(f"unknown value tag {tag!r}")

    return dec(tree, 0)


def _checked_shape(shape: Any) -> tuple[int, ...]:
    if type(shape) is not list or len(shape) > 32 or not all(type(s) is int and s >= 0 for s in shape):
        raise CodecError("bad shape")
    return tuple(shape)


def _checked_device(device: Any) -> str:
    if type(device) is not str or len(device) > 32:
        raise CodecError("bad device")
    kind = device.split(":")[0]
    if kind not in ("cpu", "cuda", "mps", "meta"):
        raise CodecError(f"unsupported device {device!r}")
    return device


def _decode_ndarray(dtype: Any, shape: Any, data: memoryview) -> np.ndarray:
    if dtype not in _NUMPY_DTYPES:
        raise CodecError("bad array dtype")
    shape = _checked_shape(shape)
    dt = np.dtype(dtype).newbyteorder("<")
    if math.prod(shape) * dt.itemsize != len(data):
        raise CodecError("array data does not match its shape")
    return np.frombuffer(bytes(data), dtype=dt).astype(dtype, copy=False).reshape(shape).copy()


def _decode_tensor(dtype: Any, shape: Any, device: Any, requires_grad: Any, data: memoryview):
    if dtype not in _TORCH_DTYPES:
        raise CodecError("bad tensor dtype")
    shape = _checked_shape(shape)
    tdtype = getattr(torch, dtype)
    itemsize = torch.empty((), dtype=tdtype).element_size()
    if math.prod(shape) * itemsize != len(data):
        raise CodecError("tensor data does not match its shape")
    if len(data):
        flat = torch.frombuffer(bytearray(data), dtype=torch.uint8).view(tdtype)
    else:
        flat = torch.empty(0, dtype=tdtype)
    t = flat.reshape(shape)
    device = _checked_device(device)
    if device != "cpu":
        t = t.to(device)
    if requires_grad is True and (t.is_floating_point() or t.is_complex()):
        t.requires_grad_(True)
    return t
