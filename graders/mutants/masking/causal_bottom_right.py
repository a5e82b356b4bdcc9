"""Causal mask aligned at the bottom-right corner (tril(diagonal=k_len - q_len)), unlike is_causal=True."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("masking", (
    "device=device).tril()\n", "device=device).tril(diagonal=k_len - q_len)\n")))
