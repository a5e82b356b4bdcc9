"""Plain PMI: negative values are kept instead of clipped to 0."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", ("    return np.maximum(result, 0.0)\n", "    return result\n")))
