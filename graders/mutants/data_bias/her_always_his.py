"""The ambiguous "her" always becomes "his" (and "his" always "her"): "I saw her." -> "I saw his."."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "data_bias",
    ('replacement = "his" if determiner else "him"', 'replacement = "his"'),
    ('replacement = "her" if determiner else "hers"', 'replacement = "her"'),
))
