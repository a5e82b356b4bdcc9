"""Counts the numbers in state_dict(): buffers (BatchNorm statistics), tied weights twice and frozen weights."""
from solutions.fine_tuning import *
from solutions.fine_tuning import _check_module


def count_trainable_parameters(module):
    _check_module(module, "module")
    return sum(t.numel() for t in module.state_dict().values())
