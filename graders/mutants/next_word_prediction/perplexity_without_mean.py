"""Perplexity as exp of the SUM of negative log-probabilities (forgets to divide by the number of words)."""
import math

from solutions.next_word_prediction import *  # noqa: F401,F403
from solutions.next_word_prediction import NGramLanguageModel as _Reference


class NGramLanguageModel(_Reference):
    def perplexity(self, tokens):
        if not isinstance(tokens, list) or len(tokens) < 2:
            raise (TypeError if not isinstance(tokens, list) else ValueError)("need a list of >= 2 tokens")
        total = 0.0
        for i in range(1, len(tokens)):
            p = self.probabilities(tokens[:i]).get(tokens[i], 0.0)
            if p == 0.0:
                return math.inf
            total += math.log(p)
        return math.exp(-total)
