"""Sorts a vocabulary it is given, so the columns no longer follow the caller's order."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("bag_of_words", (
    "    column = {word: j for j, word in enumerate(vocabulary)}\n",
    "    vocabulary = sorted(vocabulary)\n"
    "    column = {word: j for j, word in enumerate(vocabulary)}\n",
)))
