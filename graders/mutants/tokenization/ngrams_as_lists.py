"""Returns n-grams as lists, and accepts n = 0 (returns empty tuples) instead of raising."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "tokenization",
    ('    if n < 1:\n        raise ValueError(f"n must be at least 1, got {n}")\n', ""),
    ("[tuple(tokens[i:i + n])", "[list(tokens[i:i + n])"),
))
