"""Accepts mask together with is_causal (silently combines them) instead of raising ValueError."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "attention",
    ("    if is_causal:\n"
     '        raise ValueError("give either mask or is_causal=True, not both")\n', ""),
    ("        mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril()\n",
     "        causal = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril()\n"
     "        mask = causal if mask is None else mask & causal\n"),
))
