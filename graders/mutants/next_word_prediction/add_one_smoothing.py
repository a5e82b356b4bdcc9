"""Adds Laplace (add-one) smoothing over the vocabulary: not the maximum-likelihood distribution asked for."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("next_word_prediction", (
    "        total = sum(counts.values())\n"
    "        return {word: c / total for word, c in counts.items()}\n",
    "        vocab = list(self.counts[()])\n"
    "        total = sum(counts.values()) + len(vocab)\n"
    "        return {word: (counts.get(word, 0) + 1) / total for word in vocab}\n",
)))
