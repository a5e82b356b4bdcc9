"""Uses the FIRST n-1 words of the context (context[:n-1]) instead of the last ones."""
from solutions.next_word_prediction import *  # noqa: F401,F403
from solutions.next_word_prediction import NGramLanguageModel as _Reference


class NGramLanguageModel(_Reference):
    def _distribution(self, context):
        if self.counts is None:
            raise ValueError("the model is not fitted yet: call fit(corpus) first")
        if not isinstance(context, (list, tuple)) or not all(isinstance(t, str) for t in context):
            raise TypeError("context must be a list of str")
        head = list(context[:self.n - 1])
        for k in range(len(head), 0, -1):
            suffix = tuple(head[len(head) - k:])
            if suffix in self.counts:
                return self.counts[suffix]
        return self.counts[()]
