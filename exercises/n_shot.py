"""Zero-, one-, few- and multi-shot learning.

Course: chapter 2, "Learning techniques" -- N-shot learning and transfer learning.

A pre-trained model can take on a new task with little or no labelled data:

* **zero-shot**: no examples at all, only a description of each class. A child who has
  only seen horses recognises a zebra when told it "looks like a striped horse";
* **one-shot** / **few-shot**: one or a few labelled examples per class;
* **multi-shot**: more examples, enough to train a small classifier on top of the
  pre-trained model's features.

With a generative LLM you give the examples *in the prompt* and read the label off the
completion; with a sentence encoder you compare embeddings. This exercise does both
halves, on embeddings you are given (``numpy`` arrays, one row per text):

* :func:`build_prompt` -- the prompt for an LLM, in the kit's fixed template;
* :func:`select_examples` -- pick the examples most similar to the query for the prompt;
* :func:`parse_label` -- read the label back out of the model's free-text answer;
* :func:`zero_shot_classify` -- nearest class *description* by cosine similarity;
* :func:`few_shot_classify` -- nearest class *prototype* (the mean of the class's
  examples, each L2-normalised first) by cosine similarity;
* :func:`multi_shot_classify` -- a logistic-regression classifier trained on all examples.

Cosine similarity: ``cos(a, b) = a . b / (|a| |b|)``; normalise the rows and take dot
products to get all of them at once. A zero vector has no direction: ``ValueError``.

Worked example (the kit's real sentence encoder, ``kit.pretrained.embed``; the
``pretrained`` extra)::

    >>> x = embed(["zebra"])
    >>> d = embed(["a striped horse", "a large grey animal with a trunk",
    ...            "a small pet that purrs", "a bird that cannot fly"])
    >>> zero_shot_classify(x, d)
    array([0])

On the kit's labelled set (``kit.datasets.labelled_sentences("sentiment")``) the held-out
accuracy rises from zero-shot (the label names as descriptions) to few-shot (5 examples
per class) to multi-shot (all 15 training examples per class).

How it is checked: exact prompt strings; example indices, parsed labels and predicted
labels against a reference, on small synthetic embeddings designed so that the usual
slips (dot product instead of cosine, unnormalised prototypes, case-sensitive or
substring matching, ties the wrong way) give different answers; agreement with
scikit-learn; every documented error, whose ``TypeError``/``ValueError`` message must
name the offending argument (the kit's rule, e.g. ``"k: expected an int, got float"``;
for two arguments that do not match, either name will do). With the pretrained extra: the zebra example and
the rising accuracies.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: The prompt template, for reference (see :func:`build_prompt`).
EXAMPLE_TEMPLATE = "Text: {text}\nLabel: {label}"
QUERY_TEMPLATE = "Text: {text}\nLabel:"
SEPARATOR = "\n\n"


def build_prompt(instruction: str, examples: Sequence[tuple[str, str]], query: str) -> str:
    """The prompt for an LLM, in the kit's fixed template.

    The prompt is these blocks joined by one blank line (``"\\n\\n"``):

    1. ``instruction`` (left out when it is the empty string);
    2. one block ``"Text: {text}\\nLabel: {label}"`` per ``(text, label)`` in ``examples``,
       in order;
    3. the query block ``"Text: {query}\\nLabel:"`` -- nothing after the colon, no
       trailing space or newline: the model's completion is the label.

    Zero examples = a zero-shot prompt, one = one-shot, several = few-shot. All strings are
    inserted verbatim (no stripping). The same inputs always give the same string::

        >>> build_prompt("Classify the sentiment.", [("I loved it", "positive")], "Awful.")
        'Classify the sentiment.\\n\\nText: I loved it\\nLabel: positive\\n\\nText: Awful.\\nLabel:'

    Raises ``TypeError`` if ``instruction`` or ``query`` is not a ``str``, ``examples`` is
    not a list/tuple, or an example is not a ``(str, str)`` pair (a tuple or list of two
    strings).
    """
    raise NotImplementedError("n_shot.build_prompt: not implemented yet")


def select_examples(query: np.ndarray, pool: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` pool rows most cosine-similar to ``query``, most similar first.

    ``query`` is ``(d,)``, ``pool`` is ``(n, d)``. Ties (equal similarity) go to the lower
    index (a stable sort of the negated similarities does it). Returns a ``list`` of
    ``k`` Python ``int`` s; ``k = 0`` gives ``[]``.

    Raises ``TypeError`` if ``k`` is not an ``int``; ``ValueError`` if ``query`` is not 1-D,
    ``pool`` not 2-D, their ``d`` differ, ``k`` is outside ``0..n``, or ``query`` or a
    pool row is all zeros.
    """
    raise NotImplementedError("n_shot.select_examples: not implemented yet")


def parse_label(completion: str, labels: Sequence[str]) -> str | None:
    """The one label that the model's ``completion`` names, or ``None``.

    A label is found where it occurs as a whole word, in any case: not preceded or
    followed by a letter, digit or underscore (the regular expression
    ``(?<!\\w)LABEL(?!\\w)`` with ``re.IGNORECASE``, the label escaped with ``re.escape``).
    Surrounding whitespace and punctuation therefore do not matter
    (``"  Positive!"`` names ``"positive"``), but ``"positively"`` does not. Each label is
    looked for on its own; if exactly one of them is found, return it as written in
    ``labels``; if none or several are found, return ``None`` (the answer is unusable).

    Raises ``TypeError`` if ``completion`` is not a ``str`` or ``labels`` is not a
    list/tuple of ``str``; ``ValueError`` if ``labels`` is empty, has an empty label, or
    has the same label twice (ignoring case).

        >>> parse_label(" Positive.", ["positive", "negative"])
        'positive'
        >>> parse_label("positive or negative", ["positive", "negative"]) is None
        True
    """
    raise NotImplementedError("n_shot.parse_label: not implemented yet")


def zero_shot_classify(x: np.ndarray, label_descriptions: np.ndarray) -> np.ndarray:
    """For each row of ``x`` ``(n, d)``, the index of the most cosine-similar description.

    ``label_descriptions`` is ``(c, d)``: one embedded description per class. Returns an
    int64 array ``(n,)`` of values in ``0..c-1``; ties go to the lower index.

    Raises ``ValueError`` if an input is not 2-D, the ``d`` differ, there are no
    descriptions, or a row is all zeros.
    """
    raise NotImplementedError("n_shot.zero_shot_classify: not implemented yet")


def few_shot_classify(x: np.ndarray, support: np.ndarray, support_labels: np.ndarray) -> np.ndarray:
    """Nearest class prototype by cosine similarity.

    ``support`` ``(m, d)`` holds the labelled examples and ``support_labels`` ``(m,)``
    their integer labels (any integers, e.g. ``[3, 3, 7]``). The classes are the distinct
    labels, in increasing order. A class's **prototype** is the mean of its support rows
    *after* L2-normalising each row (so a long vector does not outweigh a short one).
    Each row of ``x`` ``(n, d)`` gets the label of the most cosine-similar prototype
    (ties: the smaller label). Returns an int64 array ``(n,)`` of label values.

    Raises ``TypeError`` if ``support_labels`` does not hold integers; ``ValueError`` if
    ``x``/``support`` are not 2-D, the ``d`` differ, the numbers of support rows and
    labels differ, there is no support row, or a row of ``x`` or ``support`` is all zeros.
    """
    raise NotImplementedError("n_shot.few_shot_classify: not implemented yet")


def multi_shot_classify(x: np.ndarray, train_x: np.ndarray, train_y: np.ndarray, seed: int = 0) -> np.ndarray:
    """Train a classifier on all the examples and predict ``x``'s labels.

    Fit ``sklearn.linear_model.LogisticRegression(max_iter=1000, random_state=seed)`` on
    ``(train_x, train_y)`` (rows as given, no extra scaling) and return its predictions
    for ``x`` as an int64 array ``(n,)`` of label values from ``train_y``.

    Raises ``TypeError`` if ``train_y`` does not hold integers; ``ValueError`` if an input
    has the wrong number of dimensions, the ``d`` or the numbers of rows and labels
    differ, or ``train_y`` has fewer than two distinct labels.
    """
    raise NotImplementedError("n_shot.multi_shot_classify: not implemented yet")
