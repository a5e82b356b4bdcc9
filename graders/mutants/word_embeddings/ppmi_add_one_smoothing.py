"""PPMI with add-one smoothing of the counts (no smoothing is asked for)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", (
    "    p_wc = counts / total\n",
    "    p_wc = (counts + 1.0) / (counts + 1.0).sum()\n",
)))
