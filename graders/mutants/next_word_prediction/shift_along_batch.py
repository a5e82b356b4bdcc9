"""Shifts along the first (batch) dimension, ids[:-1] and ids[1:], instead of the sequence dimension."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("next_word_prediction", (
    "    return ids[..., :-1], ids[..., 1:]\n", "    return ids[:-1], ids[1:]\n")))
