"""Rules checked against the lexicon, but the exception table is never consulted (ran stays ran)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("lemmatization", (
    "    irregular = exceptions(pos)\n"
    "    if w in irregular:                       # 1. irregular forms first\n"
    "        return irregular[w]\n",
    "",
)))
