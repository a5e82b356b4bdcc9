"""Sorts by similarity only: equal similarities stay in dictionary order, not alphabetical."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", (
    "key=lambda pair: (-pair[1], pair[0]))",
    "key=lambda pair: -pair[1])",
)))
