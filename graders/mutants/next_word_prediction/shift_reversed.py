"""Shifts the wrong way: inputs ids[..., 1:] and targets ids[..., :-1] (predicts the previous token)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("next_word_prediction", (
    "    return ids[..., :-1], ids[..., 1:]\n", "    return ids[..., 1:], ids[..., :-1]\n")))
