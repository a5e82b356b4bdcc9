"""Projects on the direction as given, without scaling it to length 1 first."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "g = direction / np.linalg.norm(direction)",
    "g = direction",
)))
