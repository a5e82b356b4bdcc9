"""PPMI with log base 2 instead of the natural logarithm."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", ("np.log(p_wc[seen]", "np.log2(p_wc[seen]")))
