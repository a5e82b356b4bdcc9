"""Returns whichever sign the SVD gives instead of orienting the direction towards the first words."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "    if direction @ differences.mean(axis=0) < 0:\n        direction = -direction\n",
    "",
)))
