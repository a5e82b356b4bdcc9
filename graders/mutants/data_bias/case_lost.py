"""Swapped words are written in lower case: "His" becomes "her", "HE" becomes "she"."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("data_bias", (
    "        return _match_case(replacement, word)\n",
    "        return replacement\n",
)))
