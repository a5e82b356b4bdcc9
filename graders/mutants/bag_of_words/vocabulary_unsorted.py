"""Builds the vocabulary in order of first appearance instead of sorting it."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("bag_of_words", (
    "return sorted({token for doc in documents for token in doc})",
    "return list(dict.fromkeys(token for doc in documents for token in doc))",
)))
