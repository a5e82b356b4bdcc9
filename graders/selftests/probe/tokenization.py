"""A probe 'submission' for the engine's own tests (not an exercise solution)."""
import os
import time

import numpy as np
import torch
from torch import nn


class Tiny(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.q_proj = nn.Linear(d, d)

    def forward(self, x):
        return self.q_proj(x)


def square_sum(x):
    return (x ** 2).sum()


def add_one(t, arr, items, table, gen):
    t.add_(1)
    arr += 1
    items.append("new")
    table["seen"] = True
    torch.rand(3, generator=gen)


def train(module):
    with torch.no_grad():
        for p in module.parameters():
            p.add_(1.0)


def numbers():
    yield from range(4)


def pick(items, key):
    return max(items, key=key)


def kinds():
    return {"int": np.int64(3), "float": np.float32(0.5), "bool": np.bool_(True), "t": torch.ones(2, dtype=torch.bfloat16),
            "a": np.arange(3, dtype=np.int16), "tuple": (1, "x"), "set": {1, 2}, "none": None,
            "dtype": torch.float16, "device": torch.device("cpu"), "bytes": b"\x00\x01"}


def raise_value_error():
    raise ValueError("bad value: d_model")


class Custom(KeyError):
    pass


def raise_custom():
    raise Custom("missing")


def slow(seconds):
    time.sleep(seconds)
    return "done"


def crash():
    os._exit(7)


_INSTANCE = os.urandom(8).hex()


def instance():
    """Differs between worker processes (a PID does not: it is 2 in every bwrap sandbox)."""
    return _INSTANCE
