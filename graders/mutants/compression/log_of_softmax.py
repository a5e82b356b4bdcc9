"""Takes torch.log(softmax(...)): log(0) = -inf and NaN for large logits."""
import torch

from solutions.compression import *  # noqa: F401,F403
from solutions.compression import distillation_loss as _reference


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    _reference(student_logits, teacher_logits, temperature)  # the argument checks
    p_s = torch.softmax(student_logits / temperature, dim=-1)
    p_t = torch.softmax(teacher_logits.detach() / temperature, dim=-1)
    return temperature ** 2 * (p_t * (torch.log(p_t) - torch.log(p_s))).sum(-1).mean()
