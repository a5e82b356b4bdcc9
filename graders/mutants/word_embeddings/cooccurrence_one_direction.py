"""Counts each pair once, only from the earlier word to the later one: the matrix is not symmetric."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", (
    "                    counts[j, i] += 1                # ... and (q, p)\n",
    "",
)))
