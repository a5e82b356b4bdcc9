"""SVD embeddings from V instead of U: Vt.T[:, :dim] * S[:dim] (embeds the columns, not the rows)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", (
    "    u, s, _ = np.linalg.svd(matrix, full_matrices=False)\n"
    "    return u[:, :dim] * s[:dim]\n",
    "    _, s, vt = np.linalg.svd(matrix, full_matrices=False)\n"
    "    return vt.T[:, :dim] * s[:dim]\n",
)))
