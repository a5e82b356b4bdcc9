"""Removes out-of-vocabulary tokens before measuring distances (so words seem closer than they are)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", (
    "        for p, word in enumerate(doc):              # positions in the original document\n",
    "        doc = [t for t in doc if t in index]\n"
    "        for p, word in enumerate(doc):\n",
)))
