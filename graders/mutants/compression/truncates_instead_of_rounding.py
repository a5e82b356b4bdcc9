"""Converts w / scale to int8 directly, which truncates toward zero: the error reaches a whole step."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", (
    "q = torch.round(w / scale.view(_channel_shape(w.ndim, dim))).clamp(-127, 127)",
    "q = w / scale.view(_channel_shape(w.ndim, dim))")))
