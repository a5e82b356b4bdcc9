"""Every selected position becomes [MASK]: no 10 % random ids, no 10 % kept."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("masking", (
    "    to_mask = torch.bernoulli(torch.full(shape, 0.8, device=device), generator=generator).bool()\n"
    "    to_mask &= selected\n",
    "    to_mask = selected\n",
)))
