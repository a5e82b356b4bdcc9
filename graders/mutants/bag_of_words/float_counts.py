"""Returns the counts as a float64 matrix (np.zeros default dtype) instead of int64."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("bag_of_words", (
    "np.zeros((len(documents), len(vocabulary)), dtype=np.int64)",
    "np.zeros((len(documents), len(vocabulary)))",
)))
