"""Reduces max|w| over `dim` itself (amax(dim=dim)) instead of over the other dimensions."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "compression",
    ("max_abs = w.abs().amax(dim=others) if others else w.abs()",
     "max_abs = w.abs().amax(dim=dim, keepdim=True)"),
    ("    q = torch.round(w / scale.view(_channel_shape(w.ndim, dim))).clamp(-127, 127)\n"
     "    return q.to(torch.int8), scale\n",
     "    q = torch.round(w / scale).clamp(-127, 127)\n"
     "    return q.to(torch.int8), scale.flatten()\n"),
))
