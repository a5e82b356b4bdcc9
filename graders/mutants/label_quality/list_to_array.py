"""Collects indices in a list and returns np.array(list): float64 when nothing is flagged."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("label_quality", (
    "return np.flatnonzero(flagged).astype(np.int64)",
    "return np.array([i for i in range(len(y)) if flagged[i]])")))
