"""Forgets the T**2 factor: gradients shrink as the temperature grows."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", (
    "return temperature ** 2 * kl_per_position.mean()", "return kl_per_position.mean()")))
