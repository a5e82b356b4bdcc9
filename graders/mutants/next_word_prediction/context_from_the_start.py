"""Uses the FIRST n-1 words of the context (context[:n-1]) instead of the last ones."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("next_word_prediction", (
    "        longest = min(self.n - 1, len(context))\n",
    "        context = context[:self.n - 1]\n        longest = min(self.n - 1, len(context))\n",
)))
