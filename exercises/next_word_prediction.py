"""Next-word prediction: how a language model learns from plain text.

Course: chapter 3, "Building blocks to train LLMs" -- generative pre-training,
next word prediction.

Generative pre-training needs no human labels: the text is its own answer key.
Every prefix of a sentence is an *input* and the word that follows it is the
*target*. From "The quick brown fox jumps over the lazy dog" (9 tokens) we get
8 training pairs::

    (["The"], "quick")
    (["The", "quick"], "brown")
    (["The", "quick", "brown"], "fox")
    ...
    (["The", "quick", ..., "lazy"], "dog")

You build next-word prediction twice:

1. **Counting** -- an n-gram language model. It predicts the next word from the
   last ``n - 1`` words by counting, in a training corpus, which words followed
   them. On the kit's small pizza corpus (:func:`load_pizza_corpus`) a trigram
   model (``n=3``) completes "I love to eat pizza with ..." with "cheese",
   because in that text "pizza with" is followed by "cheese" more often than by
   "oregano", "mushrooms" or "ketchup". (A bigram model, seeing only "with",
   says "friends": more context helps.)

2. **Tensors** -- what a neural language model does with a whole batch at once.
   For token ids ``ids`` of shape ``(..., L)`` the model outputs ``logits`` of
   shape ``(..., L, V)``; position ``t`` has seen tokens ``0..t`` and must predict
   token ``t + 1``. So the inputs are ``ids[..., :-1]``, the targets are
   ``ids[..., 1:]`` (the same sequence shifted by one), and the loss is the
   cross-entropy between ``logits[..., :-1, :]`` and ``ids[..., 1:]``.

Worked example::

    >>> model = NGramLanguageModel(n=3).fit(load_pizza_corpus())
    >>> model.probabilities(["i", "love", "to", "eat", "pizza", "with"])
    {'cheese': 0.5, 'mushrooms': 0.2, 'oregano': 0.2, 'ketchup': 0.1}
    >>> model.generate(["i", "love", "to", "eat"], 4)
    ['i', 'love', 'to', 'eat', 'pizza', 'with', 'cheese', '.']

How it is checked: the course's 8 pairs; the pizza example; the model's
probabilities against an independent count on random corpora (back-off, ties,
unseen words); perplexity; ``shift_for_next_token`` on batches; and
``next_token_loss`` against ``torch.nn.functional.cross_entropy`` on shifted
logits (values and gradients, ``ignore_index``, any number of leading batch
dimensions, large logits). Bad arguments must raise ``TypeError`` (wrong kind of
object) or ``ValueError`` (wrong value or shape), with a message naming the
offending argument (the kit's rule), e.g. ``"tokens: expected a list of str, got
str"``; for ``fit`` the argument is ``corpus``. Calling ``probabilities`` before
``fit`` is a ``ValueError`` with any message (no argument is at fault).
"""

from __future__ import annotations

from pathlib import Path

import torch

import kit

PIZZA_CORPUS = Path(kit.__file__).resolve().parent / "data" / "next_word_pizza.txt"


def load_pizza_corpus() -> list[list[str]]:
    """The kit's small corpus about pizza: one list of tokens per sentence (given).

    The text is lower-case and already tokenized (tokens separated by spaces,
    punctuation is a token of its own), so this just splits each line.
    """
    lines = PIZZA_CORPUS.read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip()]


def next_word_pairs(tokens: list[str]) -> list[tuple[list[str], str]]:
    """The (context, next word) training pairs of one token sequence.

    Returns ``len(tokens) - 1`` tuples ``(tokens[:i], tokens[i])`` for
    ``i = 1 .. len(tokens) - 1``, in order; each context is a new ``list`` (the
    whole prefix, not just the previous word). Fewer than two tokens give ``[]``.
    ``tokens`` must be a list of ``str`` (``TypeError`` otherwise).

        >>> next_word_pairs(["The", "quick", "brown"])
        [(['The'], 'quick'), (['The', 'quick'], 'brown')]
    """
    raise NotImplementedError("next_word_prediction.next_word_pairs: not implemented yet")


class NGramLanguageModel:
    """A maximum-likelihood n-gram language model with back-off.

    Counting (in :meth:`fit`): for every word of every sentence, and for every
    ``k = 0 .. n-1`` such that ``k`` words precede it *in the same sentence*,
    count the word as a continuation of that ``k``-word context. ``k = 0`` (the
    empty context) gives the unigram counts. There is no start/end padding: the
    first word of a sentence only counts as a unigram, and contexts never cross
    sentence boundaries.

    Predicting (in :meth:`probabilities`): take the last ``n - 1`` words of the
    context (fewer if the context is shorter). If that suffix was *seen as a
    context* in training (some word followed it), return its maximum-likelihood
    distribution ``count(context, w) / count(context, *)``. Otherwise drop the
    oldest word and try again ("back off"); with no words left, use the unigram
    distribution. Words of the context that never occur in training simply make
    the model back off. No smoothing: a word never seen after the chosen context
    has probability 0 and is left out of the dict.
    """

    def __init__(self, n: int = 2):
        """Remember ``n`` (the model looks at ``n - 1`` previous words).

        ``n`` must be an ``int`` (``TypeError``; ``bool`` is not accepted) of at
        least 1 (``ValueError``); ``n = 1`` is a unigram model that ignores the
        context.
        """
        raise NotImplementedError("next_word_prediction.NGramLanguageModel.__init__: not implemented yet")

    def fit(self, corpus: list[list[str]]) -> NGramLanguageModel:
        """Count the n-grams of ``corpus`` (a list of sentences, each a list of str).

        Returns ``self`` (so ``NGramLanguageModel(3).fit(corpus)`` works). Calling
        ``fit`` again starts from scratch, like scikit-learn. ``TypeError`` if
        ``corpus`` is not a list of lists of ``str``; ``ValueError`` if it holds
        no word at all.
        """
        raise NotImplementedError("next_word_prediction.NGramLanguageModel.fit: not implemented yet")

    def probabilities(self, context: list[str]) -> dict[str, float]:
        """The next-word distribution after ``context``, with back-off (see the class).

        A ``dict`` word -> probability holding every word seen after the chosen
        context (and only those); the values sum to 1. ``context`` may be empty
        (unigrams). ``TypeError`` if ``context`` is not a list of ``str`` (a plain
        string such as ``"pizza with"`` is a mistake: split it first);
        ``ValueError`` if the model has not been fitted.

            >>> model = NGramLanguageModel(n=2).fit([["a", "b"], ["a", "c"], ["a", "b"]])
            >>> model.probabilities(["a"])
            {'b': 0.6666666666666666, 'c': 0.3333333333333333}
        """
        raise NotImplementedError("next_word_prediction.NGramLanguageModel.probabilities: not implemented yet")

    def predict(self, context: list[str]) -> str:
        """The most probable next word after ``context``.

        Ties go to the word that sorts first (``min`` of the tied words, Python's
        ``str`` order). Same errors as :meth:`probabilities`.
        """
        raise NotImplementedError("next_word_prediction.NGramLanguageModel.predict: not implemented yet")

    def generate(self, prompt: list[str], max_new_tokens: int) -> list[str]:
        """Greedy generation: append :meth:`predict` of everything so far, ``max_new_tokens`` times.

        Returns a new list: the prompt followed by the new tokens (like
        ``transformer.generate``); ``max_new_tokens = 0`` gives a copy of the
        prompt. The prompt is not modified. ``TypeError`` for a prompt that is
        not a list of ``str`` or a ``max_new_tokens`` that is not an ``int``;
        ``ValueError`` if ``max_new_tokens`` is negative.
        """
        raise NotImplementedError("next_word_prediction.NGramLanguageModel.generate: not implemented yet")

    def perplexity(self, tokens: list[str]) -> float:
        """How surprised the model is by ``tokens``: lower is better.

        Over the ``len(tokens) - 1`` pairs of :func:`next_word_pairs` (every token
        but the first, each given all the tokens before it)::

            perplexity = exp( -(1 / (len(tokens) - 1)) * sum(log P(word | context)) )

        with ``P`` from :meth:`probabilities`. A word with probability 0 makes
        the perplexity ``math.inf`` (there is no smoothing). A ``float``.
        ``ValueError`` for fewer than 2 tokens; ``TypeError`` if ``tokens`` is
        not a list of ``str``.
        """
        raise NotImplementedError("next_word_prediction.NGramLanguageModel.perplexity: not implemented yet")


def shift_for_next_token(ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Split a batch of token ids into model inputs and next-token targets.

    ``ids`` has shape ``(..., L)`` (any number of leading batch dimensions).
    Returns ``(ids[..., :-1], ids[..., 1:])``, both of shape ``(..., L - 1)``,
    same dtype and device (views are fine). ``TypeError`` if ``ids`` is not an
    integer ``torch.Tensor``; ``ValueError`` if it has no dimension or its last
    dimension is shorter than 2.

        >>> shift_for_next_token(torch.tensor([[5, 6, 7, 8]]))
        (tensor([[5, 6, 7]]), tensor([[6, 7, 8]]))
    """
    raise NotImplementedError("next_word_prediction.shift_for_next_token: not implemented yet")


def next_token_loss(logits: torch.Tensor, ids: torch.Tensor, ignore_index: int = -100) -> torch.Tensor:
    """Mean cross-entropy of predicting each next token.

    ``logits``: float ``(..., L, V)``; ``ids``: integer ``(..., L)`` with the same
    leading shape. The prediction at position ``t`` is scored against the token at
    ``t + 1``: the loss is the mean cross-entropy of ``logits[..., :-1, :]``
    against ``ids[..., 1:]``, over every target that is not ``ignore_index``
    (exactly ``torch.nn.functional.cross_entropy(..., ignore_index=ignore_index)``
    on the flattened shifted tensors; if every target is ignored the result is
    NaN, as there). A 0-dim tensor, differentiable with respect to ``logits``.
    Use ``cross_entropy`` (or ``log_softmax``), never ``log(softmax(...))``:
    that underflows to ``-inf`` for large logits.

    ``TypeError`` if ``logits`` is not a floating-point tensor or ``ids`` not an
    integer tensor; ``ValueError`` if ``logits.shape != ids.shape + (V,)`` or
    ``L < 2``.
    """
    raise NotImplementedError("next_word_prediction.next_token_loss: not implemented yet")
