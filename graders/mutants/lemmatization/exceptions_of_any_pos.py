"""Looks a word up in the exception tables of every part of speech (saw/n -> see, better/n -> good)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("lemmatization", (
    "    irregular = exceptions(pos)\n"
    "    if w in irregular:                       # 1. irregular forms first\n"
    "        return irregular[w]\n",
    "    for other in (\"v\", \"a\", \"n\", \"r\"):\n"
    "        if w in exceptions(other):\n"
    "            return exceptions(other)[w]\n",
)))
