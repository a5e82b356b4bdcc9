"""Accepts a single str as stop_words (it then means its letters) instead of raising TypeError."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("stop_words", (
    "    elif isinstance(stop_words, str):\n"
    "        raise TypeError(\"stop_words must be an iterable of words (e.g. a set of str), not a single str\")\n",
    "",
)))
