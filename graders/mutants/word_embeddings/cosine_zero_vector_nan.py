"""Divides by a zero norm without checking: a zero vector gives nan instead of a ValueError."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", (
    "    if np.any(norms == 0):\n"
    "        raise ValueError(f\"{name} contains a zero vector: its cosine similarity is undefined\")\n",
    "",
)))
