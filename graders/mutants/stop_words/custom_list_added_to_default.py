"""A custom stop list is added to the default list instead of replacing it."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("stop_words", (
    "            stop_words = list(stop_words)\n",
    "            stop_words = list(ENGLISH_STOP_WORDS) + list(stop_words)\n",
)))
