"""Causal mask with True on the future (the 'blocked' convention of additive masks), not True = may attend."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("masking", ("device=device).tril()\n", "device=device).triu(diagonal=1)\n")))
