"""Counts every parameter, frozen or not."""
from solutions.fine_tuning import *
from solutions.fine_tuning import _check_module


def count_trainable_parameters(module):
    _check_module(module, "module")
    return sum(p.numel() for p in module.parameters())
