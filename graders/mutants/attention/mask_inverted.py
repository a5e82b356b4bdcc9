"""Mask polarity inverted: treats True as 'hide this key' (the old nn.MultiheadAttention convention)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "attention",
    ('scores.masked_fill(~mask, float("-inf"))', 'scores.masked_fill(mask, float("-inf"))'),
    ("weights.masked_fill(~mask.any(dim=-1, keepdim=True), 0.0)",
     "weights.masked_fill(mask.all(dim=-1, keepdim=True), 0.0)"),
))
