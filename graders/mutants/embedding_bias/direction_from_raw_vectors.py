"""Bias direction from PCA of the words themselves instead of the pair differences."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "differences = first - second\n",
    "differences = np.vstack([first, second])\n",
)))
