"""Causal mask aligned at the bottom-right (tril(diagonal=S-L)) instead of PyTorch's top-left."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("attention", (
    "        mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril()\n",
    "        mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril(\n"
    "            diagonal=k.shape[-2] - q.shape[-2])\n",
)))
