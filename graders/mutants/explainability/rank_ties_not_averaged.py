"""Ranks ties by position (0, 1, 2, ...) instead of giving them the mean of their ranks."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "    return (rank_sums / counts)[group]\n", "    return ranks\n")))
