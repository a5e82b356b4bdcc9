"""Adds Laplace (add-one) smoothing over the vocabulary: not the maximum-likelihood distribution asked for."""
from solutions.next_word_prediction import *  # noqa: F401,F403
from solutions.next_word_prediction import NGramLanguageModel as _Reference


class NGramLanguageModel(_Reference):
    def probabilities(self, context):
        counts = self._distribution(context)
        vocab = list(self.counts[()])
        total = sum(counts.values()) + len(vocab)
        return {w: (counts.get(w, 0) + 1) / total for w in vocab}
