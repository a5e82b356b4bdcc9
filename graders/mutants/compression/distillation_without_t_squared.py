"""Forgets the T**2 factor: gradients shrink as the temperature grows."""

from solutions.compression import *  # noqa: F401,F403
from solutions.compression import distillation_loss as _reference


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    return _reference(student_logits, teacher_logits, temperature) / temperature ** 2
