"""Analogy target a - b + c instead of b - a + c."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", (
    "target = matrix[words.index(b)] - matrix[words.index(a)] + matrix[words.index(c)]",
    "target = matrix[words.index(a)] - matrix[words.index(b)] + matrix[words.index(c)]",
)))
