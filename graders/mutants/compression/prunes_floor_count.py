"""Prunes int(sparsity * numel) weights (rounds down) instead of round(sparsity * numel)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", (
    "k = round(float(sparsity) * w.numel())", "k = int(float(sparsity) * w.numel())")))
