"""Two-sided p-value: counts splits whose statistic is as large in absolute value."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "at_least = int(np.sum(statistic(sums) >= observed - 1e-9))",
    "at_least = int(np.sum(np.abs(statistic(sums)) >= abs(observed) - 1e-9))",
)))
