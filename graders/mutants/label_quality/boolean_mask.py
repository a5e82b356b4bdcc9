"""Returns the boolean mask of flagged examples instead of their int64 indices."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("label_quality", (
    "return np.flatnonzero(flagged).astype(np.int64)", "return flagged")))
