"""Keeps an empty instruction as an empty block: the prompt starts with a blank line."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("n_shot", (
    "blocks = [instruction] if instruction else []",
    "blocks = [instruction]",
)))
