"""Accepts a vocabulary with a repeated word (the later column silently wins) instead of raising ValueError."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("bag_of_words", (
    "    if len(column) != len(vocabulary):\n"
    "        raise ValueError(\"vocabulary must not contain the same word twice\")\n",
    "",
)))
