"""Masks with -1e9 instead of -inf: a fully masked query gets uniform weights instead of zeros."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("attention", (
    '        scores = scores.masked_fill(~mask, float("-inf"))\n'
    "        weights = torch.softmax(scores, dim=-1)\n"
    "        # A row with no allowed key is all -inf: softmax gives 0/0 = NaN there. Make it 0.\n"
    "        weights = weights.masked_fill(~mask.any(dim=-1, keepdim=True), 0.0)\n",
    "        scores = scores.masked_fill(~mask, -1e9)\n"
    "        weights = torch.softmax(scores, dim=-1)\n",
)))
