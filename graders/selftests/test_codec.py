"""The plain-data codec: exact types back, malformed input rejected, hostile values defeated."""

import math

import numpy as np
import pytest
import torch

from kit.boundary import codec


def roundtrip(value):
    tree, buffers = codec.encode(value, None)
    message = codec.dumps(tree, buffers)
    tree2, buffers2 = codec.loads(message)
    return codec.decode(tree2, buffers2, None)


@pytest.mark.parametrize("value", [
    None, True, 0, -7, 2**100, 1.5, -0.0, "naïve ☃", b"\x00\xff", [1, [2, "x"]], (1, (2,)),
    {"a": 1, 2: [3]}, {1, 2}, frozenset({"a"}), {(1, 2): "tuple key"},
])
def test_plain_values_roundtrip_exactly(value):
    got = roundtrip(value)
    assert got == value and type(got) is type(value)


def test_special_floats():
    got = roundtrip([math.inf, -math.inf, math.nan])
    assert got[0] == math.inf and got[1] == -math.inf and math.isnan(got[2])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16,
                                   torch.int64, torch.int8, torch.bool, torch.uint8])
def test_tensors_roundtrip(dtype):
    t = (torch.randn(3, 4) * 10).to(dtype)
    got = roundtrip(t)
    assert got.dtype == dtype and got.shape == t.shape and torch.equal(got, t)
    assert roundtrip(t.T).shape == (4, 3)  # non-contiguous
    assert roundtrip(torch.empty(0, 5, dtype=dtype)).shape == (0, 5)


def test_requires_grad_flag_and_generator():
    t = torch.ones(2, requires_grad=True) * 2
    assert roundtrip(t).requires_grad
    g = torch.Generator().manual_seed(3)
    g2 = roundtrip(g)
    assert torch.equal(torch.rand(4, generator=g2), torch.rand(4, generator=g))


@pytest.mark.parametrize("dtype", ["float32", "int64", "bool", "complex64", "uint16"])
def test_arrays_roundtrip(dtype):
    a = np.arange(12).reshape(3, 4).astype(dtype)
    got = roundtrip(a)
    assert got.dtype == a.dtype and np.array_equal(got, a) and got.flags.writeable


def test_numpy_scalars_become_python_scalars():
    got = roundtrip([np.int64(3), np.float32(0.5), np.bool_(False)])
    assert got == [3, 0.5, False] and [type(v) for v in got] == [int, float, bool]


class ListEq(list):
    def __eq__(self, other):
        return True


class StrEq(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class ArrEq(np.ndarray):
    def __eq__(self, other):
        return True


def test_subclasses_with_lying_eq_become_honest_builtins():
    got = roundtrip(ListEq([StrEq("wrong")]))
    assert type(got) is list and type(got[0]) is str
    assert got != ["right"]
    arr = roundtrip(np.zeros(3).view(ArrEq))
    assert type(arr) is np.ndarray and not np.array_equal(arr, np.ones(3))


def test_other_objects_need_a_handle():
    class Thing:
        pass

    with pytest.raises(codec.CodecError):
        codec.encode(Thing(), None)
    tree, _ = codec.encode([Thing()], lambda obj: ["handle", 1, "Thing", ["Thing"], "<thing>"])
    assert tree[1][0][0] == "handle"


@pytest.mark.parametrize("message", [
    b"", b"\x05\x00\x00\x00\x00\x00\x00\x00{}", b"\xff" * 8,
    codec.dumps(["tensor", "float32", [2, 2], "cpu", False, 0], [b"\x00" * 3]),
    codec.dumps(["ndarray", "object", [1], 0], [b"\x00" * 8]),
    codec.dumps(["int", "9" * 6000], []), codec.dumps(["nope"], []), codec.dumps("str", []),
    codec.dumps(["device", "evil:0"], []), codec.dumps(["list", [["bytes", 7]]], []),
])
def test_malformed_messages_are_rejected(message):
    with pytest.raises(codec.CodecError):
        tree, buffers = codec.loads(message)
        codec.decode(tree, buffers, None)


def test_depth_limit():
    value = []
    for _ in range(codec.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(codec.CodecError):
        codec.encode(value, None)
