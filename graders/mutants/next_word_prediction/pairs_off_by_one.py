"""Pair loop stops one token early (range(1, len(tokens) - 1)): the last pair ("lazy" -> "dog") is lost."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("next_word_prediction", (
    "for i in range(1, len(tokens))]", "for i in range(1, len(tokens) - 1)]")))
