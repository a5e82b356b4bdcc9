"""Counts only splits strictly greater than the observed one: the observed split and its ties are left out."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "at_least = int(np.sum(statistic(sums) >= observed - 1e-9))",
    "at_least = int(np.sum(statistic(sums) > observed + 1e-9))",
)))
