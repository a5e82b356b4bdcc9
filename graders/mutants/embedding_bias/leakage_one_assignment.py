"""Returns the agreement of cluster numbers with labels as they are, not the better of the two matchings."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "return max(agree, 1.0 - agree)",
    "return agree",
)))
