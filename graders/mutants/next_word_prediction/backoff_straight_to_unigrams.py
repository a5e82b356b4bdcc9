"""Backs off from an unseen (n-1)-word context straight to unigrams, skipping the shorter suffixes."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("next_word_prediction", (
    "                return self.counts[suffix]\n",
    "                return self.counts[suffix]\n            break  # no shorter suffix is tried\n",
)))
