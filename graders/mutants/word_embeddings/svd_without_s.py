"""SVD embeddings without S: returns U[:, :dim] (rows not scaled by the singular values)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", ("    return u[:, :dim] * s[:dim]\n", "    return u[:, :dim]\n")))
