"""Random p-value count / permutations: the observed split is not counted, so p can be 0."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "return (at_least + 1) / (permutations + 1)",
    "return at_least / permutations",
)))
