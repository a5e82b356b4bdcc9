"""Softmax written as exp(s) / sum(exp(s)) without subtracting the maximum: overflows to NaN."""
from graders.mutants._edits import edited_solution

NAIVE_SOFTMAX = "weights = scores.exp() / scores.exp().sum(dim=-1, keepdim=True)\n"

globals().update(edited_solution(
    "attention",
    ("    if mask is None:\n        weights = torch.softmax(scores, dim=-1)\n",
     "    if mask is None:\n        " + NAIVE_SOFTMAX),
    ('float("-inf"))\n        weights = torch.softmax(scores, dim=-1)\n',
     'float("-inf"))\n        ' + NAIVE_SOFTMAX),
))
