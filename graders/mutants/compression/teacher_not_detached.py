"""Lets gradients flow into the teacher's logits (the teacher is trained too)."""
import torch.nn.functional as F

from solutions.compression import *  # noqa: F401,F403
from solutions.compression import distillation_loss as _reference


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    _reference(student_logits, teacher_logits, temperature)  # the argument checks
    log_s = F.log_softmax(student_logits / temperature, dim=-1)
    log_t = F.log_softmax(teacher_logits / temperature, dim=-1)
    return temperature ** 2 * (log_t.exp() * (log_t - log_s)).sum(-1).mean()
