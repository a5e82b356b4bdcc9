"""Zeroes every weight with |w| <= the k-th smallest magnitude: with ties, more than the fraction."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", (
    "        smallest = torch.topk(pruned.abs().flatten(), k, largest=False).indices\n"
    "        pruned.view(-1)[smallest] = 0\n",
    "        threshold = pruned.abs().flatten().kthvalue(k).values\n"
    "        pruned[pruned.abs() <= threshold] = 0\n",
)))
