"""Draws the 10 % random replacement as bernoulli(0.1) of what is left after [MASK]: an 80/2/18 split."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("masking", (
    "    to_random = torch.bernoulli(torch.full(shape, 0.5, device=device), generator=generator).bool()\n",
    "    to_random = torch.bernoulli(torch.full(shape, 0.1, device=device), generator=generator).bool()\n",
)))
