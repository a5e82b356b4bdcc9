"""Looks every token up in the vocabulary: a token outside it raises KeyError instead of being ignored."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("bag_of_words", (
    "            j = column.get(token)\n"
    "            if j is not None:          # tokens outside the vocabulary are ignored\n"
    "                counts[i, j] += 1\n",
    "            counts[i, column[token]] += 1\n",
)))
