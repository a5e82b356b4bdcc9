"""Softmax over the query axis (dim=-2) instead of over the keys (dim=-1)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "attention",
    ("    if mask is None:\n        weights = torch.softmax(scores, dim=-1)\n",
     "    if mask is None:\n        weights = torch.softmax(scores, dim=-2)\n"),
    ('float("-inf"))\n        weights = torch.softmax(scores, dim=-1)\n',
     'float("-inf"))\n        weights = torch.softmax(scores, dim=-2)\n'),
))
