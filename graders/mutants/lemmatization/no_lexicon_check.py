"""Exception table first, then the first matching rule is applied without checking the lexicon (bus -> bu)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "lemmatization",
    ("    if w in lemmas:                          # 2. already a base form\n"
     "        return w\n",
     ""),
    ("            candidate = w[: len(w) - len(suffix)] + replacement\n"
     "            if candidate in lemmas:\n"
     "                return candidate\n",
     "            return w[: len(w) - len(suffix)] + replacement\n"),
))
