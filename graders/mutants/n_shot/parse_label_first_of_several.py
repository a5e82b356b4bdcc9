"""Returns the first label found even when the completion names several (should be None)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("n_shot", (
    "return found[0] if len(found) == 1 else None",
    "return found[0] if found else None",
)))
