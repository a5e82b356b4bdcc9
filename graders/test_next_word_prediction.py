"""Hidden graders for next_word_prediction: pairs, the n-gram model, shift and loss."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

import kit
from kit.checks import expect_close, expect_equal, expect_raises, expect_tensor, expect_type
from kit.remote import call_with_grad

FOX = "The quick brown fox jumps over the lazy dog".split()
PIZZA = Path(kit.__file__).resolve().parent / "data" / "next_word_pizza.txt"


def pizza_corpus() -> list[list[str]]:
    return [line.split() for line in PIZZA.read_text(encoding="utf-8").splitlines() if line.strip()]


class ReferenceNGram:
    """An independent count of the contract's back-off model (windows, then suffix look-ups)."""

    def __init__(self, n: int, corpus: list[list[str]]):
        self.n = n
        self.table: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for sentence in corpus:
            for size in range(1, n + 1):                       # every window of 1..n words
                for start in range(len(sentence) - size + 1):
                    window = sentence[start:start + size]
                    self.table[tuple(window[:-1])][window[-1]] += 1

    def probabilities(self, context: list[str]) -> dict[str, float]:
        keep = context[max(0, len(context) - (self.n - 1)):] if self.n > 1 else []
        while keep and tuple(keep) not in self.table:
            keep = keep[1:]
        counts = self.table[tuple(keep)]
        total = sum(counts.values())
        return {w: c / total for w, c in counts.items()}


def random_corpus(rng: random.Random, vocab: int = 6, sentences: int = 25) -> list[list[str]]:
    words = [f"w{i}" for i in range(vocab)]
    return [[rng.choice(words) for _ in range(rng.randint(1, 9))] for _ in range(sentences)]


def expect_distribution(got, expected: dict[str, float], what: str, hint: str | None = None) -> None:
    __tracebackhide__ = True
    expect_type(got, dict, what)
    expect_equal(sorted(got), sorted(expected), f"{what}: the words with non-zero probability",
                 hint=hint or "return every word seen after the chosen context, and only those")
    for word in expected:
        expect_close(got[word], expected[word], f"{what}[{word!r}]", atol=1e-12, rtol=1e-9, hint=hint)


# =========================================================================== next_word_pairs


@pytest.mark.points(2)
def test_pairs_of_the_course_sentence(impl):
    got = impl.next_word_pairs(list(FOX))
    expected = [(FOX[:i], FOX[i]) for i in range(1, 9)]
    expect_equal(got, expected, "next_word_pairs(The quick brown fox ...)",
                 hint="pair i is (all tokens before position i, the token at i): the whole prefix, "
                      "not just the previous word; 9 tokens give 8 pairs")


@pytest.mark.points(1)
@pytest.mark.parametrize("tokens", [[], ["solo"], ["a", "b"], ["x", "x", "x"]],
                         ids=["empty", "one", "two", "repeats"])
def test_pairs_short_inputs(impl, tokens):
    expect_equal(impl.next_word_pairs(list(tokens)), [(tokens[:i], tokens[i]) for i in range(1, len(tokens))],
                 f"next_word_pairs({tokens!r})", hint="len(tokens) - 1 pairs, [] for fewer than 2 tokens")


@pytest.mark.points(1)
@pytest.mark.parametrize("bad", ["The quick brown", ["a", 1]], ids=["str", "non-str-item"])
def test_pairs_type_errors(impl, bad):
    with expect_raises(TypeError, f"next_word_pairs({bad!r})"):
        impl.next_word_pairs(bad)


# =========================================================================== NGramLanguageModel


@pytest.mark.points(2)
def test_pizza_with_cheese(impl):
    model = impl.NGramLanguageModel(3).fit(pizza_corpus())
    expect_equal(model.predict("i love to eat pizza with".split()), "cheese",
                 "NGramLanguageModel(3) on the pizza corpus: predict('i love to eat pizza with')",
                 hint="a trigram model looks at the last two words, 'pizza with'")


@pytest.mark.points(1)
def test_pizza_probabilities_and_bigram_contrast(impl):
    corpus = pizza_corpus()
    tri = impl.NGramLanguageModel(3).fit(corpus)
    expect_distribution(tri.probabilities(["pizza", "with"]), ReferenceNGram(3, corpus).probabilities(
        ["pizza", "with"]), "trigram probabilities(['pizza', 'with'])")
    bi = impl.NGramLanguageModel(2).fit(corpus)
    expect_equal(bi.predict(["pizza", "with"]), "friends", "NGramLanguageModel(2): predict(['pizza', 'with'])",
                 hint="a bigram model sees only the LAST word ('with'); use context[-(n-1):]")


@pytest.mark.points(1)
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_probabilities_match_an_independent_count(impl, n):
    rng = random.Random(100 + n)
    corpus = random_corpus(rng)
    model = impl.NGramLanguageModel(n).fit(corpus)
    reference = ReferenceNGram(n, corpus)
    contexts = [[], ["w0"], ["zzz"], ["w1", "zzz"], ["zzz", "w2"]] + \
               [[rng.choice(["w0", "w1", "w2", "w3", "w4", "w5", "new"]) for _ in range(rng.randint(1, 5))]
                for _ in range(12)]
    for context in contexts:
        got = model.probabilities(list(context))
        expect_distribution(got, reference.probabilities(context), f"n={n}: probabilities({context!r})",
                            hint="maximum likelihood of the longest seen suffix of the last n-1 words; "
                                 "back off one word at a time, finally unigrams")
        assert abs(sum(got.values()) - 1.0) < 1e-9, f"n={n}: probabilities({context!r}) do not sum to 1"


def nltk_mle(n: int, corpus: list[list[str]]):
    """NLTK's maximum-likelihood model (``nltk.lm.MLE``) on the contract's counts: every
    n-gram of order 1..n inside each sentence (``nltk.util.everygrams``), no padding."""
    from nltk.lm import MLE
    from nltk.util import everygrams

    model = MLE(n)
    model.fit([list(everygrams(sentence, max_len=n)) for sentence in corpus],
              vocabulary_text=[word for sentence in corpus for word in sentence])
    return model


@pytest.mark.points(1)
@pytest.mark.parametrize("n", [2, 3])
def test_seen_contexts_match_nltk(impl, n):
    # NLTK, an independent implementation, counts the same way; it does not back off, so
    # the comparison is on every context of 0 .. n-1 words seen in the pizza corpus.
    corpus = pizza_corpus()
    model = impl.NGramLanguageModel(n).fit(corpus)
    peer = nltk_mle(n, corpus)
    contexts = [()] + [tuple(context) for order in range(2, n + 1) for context in peer.counts[order]]
    for context in contexts:
        followers = peer.counts[len(context) + 1][context] if context else peer.counts.unigrams
        expected = {word: peer.score(word, context or None) for word in followers}
        expect_distribution(model.probabilities(list(context)), expected,
                            f"NGramLanguageModel({n}) on the pizza corpus: probabilities({list(context)!r})",
                            hint="count(context, w) / count(context, *) over the words that follow "
                                 "the context inside a sentence (as nltk.lm.MLE does)")


@pytest.mark.points(1)
def test_perplexity_follows_nltk_convention(impl):
    # On sentences whose every context was seen, NLTK's perplexity (2 ** the mean negative
    # log2-probability of each word given up to n - 1 words before it) is the contract's.
    corpus = pizza_corpus()
    model = impl.NGramLanguageModel(3).fit(corpus)
    peer = nltk_mle(3, corpus)
    for sentence in corpus[:20:4]:
        grams = [tuple(sentence[max(0, i - 2):i + 1]) for i in range(1, len(sentence))]
        expect_close(model.perplexity(list(sentence)), peer.perplexity(grams),
                     f"NGramLanguageModel(3).perplexity({' '.join(sentence)!r})", rtol=1e-9,
                     hint="exp of the mean negative log-probability over the len(tokens) - 1 "
                          "next-word pairs, as nltk.lm's perplexity")


@pytest.mark.points(1)
def test_backs_off_one_word_at_a_time(impl):
    corpus = [["a", "b", "c"], ["x", "c", "d"], ["c", "e"], ["c", "e"], ["q", "q", "q"]]
    model = impl.NGramLanguageModel(3).fit(corpus)
    # ('z', 'c') was never seen; ('c',) was: followed by d once and e twice
    expect_distribution(model.probabilities(["z", "c"]), {"d": 1 / 3, "e": 2 / 3},
                        "probabilities(['z', 'c']) where only ('c',) was seen as a context",
                        hint="when the longest context is unseen, try the next shorter suffix "
                             "before falling back to unigrams")


@pytest.mark.points(1)
def test_a_context_seen_only_at_sentence_end_backs_off(impl):
    corpus = [["a", "end"], ["end", "b"], ["a", "c"]]
    model = impl.NGramLanguageModel(3).fit(corpus)
    # ('a', 'end') only ends a sentence: no word ever followed it, so back off to ('end',)
    expect_distribution(model.probabilities(["a", "end"]), {"b": 1.0},
                        "probabilities(['a', 'end']) where ('a', 'end') ends a sentence",
                        hint="a context counts as seen only if some word followed it")


@pytest.mark.points(1)
def test_no_padding_and_no_crossing_sentences(impl):
    corpus = [["x", "y"], ["z", "w"]]
    model = impl.NGramLanguageModel(2).fit(corpus)
    expect_distribution(model.probabilities([]), {"x": 0.25, "y": 0.25, "z": 0.25, "w": 0.25},
                        "probabilities([]) (unigrams)", hint="no <s>/</s> padding tokens")
    expect_distribution(model.probabilities(["y"]), {"x": 0.25, "y": 0.25, "z": 0.25, "w": 0.25},
                        "probabilities(['y']) where 'y' only ends a sentence",
                        hint="sentences are separate: 'z' does not follow 'y'")


@pytest.mark.points(1)
def test_predict_breaks_ties_alphabetically(impl):
    corpus = [["go", "zebra"], ["go", "apple"], ["go", "mango"], ["go", "mango"], ["go", "zebra"]]
    model = impl.NGramLanguageModel(2).fit(corpus)
    expect_equal(model.predict(["go"]), "mango", "predict(['go']) with a clear winner")
    model = impl.NGramLanguageModel(2).fit([["go", "zebra"], ["go", "apple"], ["go", "mango"]])
    expect_equal(model.predict(["go"]), "apple", "predict(['go']) with a three-way tie",
                 hint="ties go to the word that sorts first (min of the tied words), "
                      "not the first one seen")


@pytest.mark.points(1)
def test_generate_is_greedy_and_keeps_the_prompt(impl):
    model = impl.NGramLanguageModel(3).fit(pizza_corpus())
    prompt = ["i", "love", "to", "eat"]
    got = model.generate(list(prompt), 6)
    expected = list(prompt)
    reference = ReferenceNGram(3, pizza_corpus())
    for _ in range(6):
        probs = reference.probabilities(expected)
        best = max(probs.values())
        expected.append(min(w for w, p in probs.items() if p == best))
    expect_equal(got, expected, "generate(['i', 'love', 'to', 'eat'], 6)",
                 hint="return the prompt followed by the new tokens; each new token is predict() of "
                      "everything so far")
    expect_equal(model.generate(list(prompt), 0), prompt, "generate(prompt, 0)")


@pytest.mark.points(1)
def test_generate_errors(impl):
    model = impl.NGramLanguageModel(2).fit(pizza_corpus())
    with expect_raises(ValueError, "generate(prompt, -1)"):
        model.generate(["i"], -1)
    with expect_raises(TypeError, "generate('i love', 3)"):
        model.generate("i love", 3)


@pytest.mark.points(1)
@pytest.mark.parametrize("n", [1, 2, 3])
def test_perplexity_matches_the_formula(impl, n):
    corpus = pizza_corpus()
    model = impl.NGramLanguageModel(n).fit(corpus)
    reference = ReferenceNGram(n, corpus)
    tokens = "we eat pizza with cheese and tomatoes .".split()
    logs = [math.log(reference.probabilities(tokens[:i])[tokens[i]]) for i in range(1, len(tokens))]
    expect_close(model.perplexity(list(tokens)), math.exp(-sum(logs) / len(logs)),
                 f"NGramLanguageModel({n}).perplexity(...)", rtol=1e-9,
                 hint="exp of the MEAN negative log-probability over the len(tokens) - 1 next-word "
                      "pairs (the first token has no context and is not scored)")


@pytest.mark.points(1)
def test_perplexity_is_lower_for_text_like_the_corpus(impl):
    model = impl.NGramLanguageModel(3).fit(pizza_corpus())
    seen = model.perplexity("i love to eat pizza with cheese .".split())
    shuffled = model.perplexity("cheese . with i pizza eat to love".split())
    assert seen < shuffled, "a sentence from the corpus should be less surprising than its words shuffled"


@pytest.mark.points(1)
def test_perplexity_of_an_unseen_word_is_infinite(impl):
    model = impl.NGramLanguageModel(2).fit(pizza_corpus())
    got = model.perplexity(["i", "love", "sushi"])
    assert isinstance(got, float) and got == math.inf, \
        f"perplexity with a never-seen word should be math.inf (probability 0, no smoothing), got {got!r}"


@pytest.mark.points(1)
@pytest.mark.parametrize("tokens,exc", [(["pizza"], ValueError), ([], ValueError), ("pizza with", TypeError)],
                         ids=["one-token", "empty", "str"])
def test_perplexity_errors(impl, tokens, exc):
    model = impl.NGramLanguageModel(2).fit(pizza_corpus())
    with expect_raises(exc, f"perplexity({tokens!r})"):
        model.perplexity(tokens)


@pytest.mark.points(1)
def test_fit_returns_self_and_refits_from_scratch(impl):
    model = impl.NGramLanguageModel(2)
    fitted = model.fit([["a", "b"]])
    expect_equal(fitted.predict(["a"]), "b", "NGramLanguageModel(2).fit(...).predict(['a'])",
                 hint="fit must return self")
    model.fit([["a", "c"], ["a", "c"]])
    expect_distribution(model.probabilities(["a"]), {"c": 1.0}, "probabilities after a second fit",
                        hint="fit starts from scratch (like scikit-learn), it does not add to old counts")


@pytest.mark.points(1)
def test_unfitted_model_raises(impl):
    model = impl.NGramLanguageModel(2)
    with expect_raises(ValueError, "probabilities(...) before fit",
                       hint="remember whether fit was called (e.g. counts start as None)"):
        model.probabilities(["a"])


@pytest.mark.points(1)
@pytest.mark.parametrize("n,exc", [(0, ValueError), (-1, ValueError), (2.0, TypeError), (True, TypeError)],
                         ids=["zero", "negative", "float", "bool"])
def test_bad_n(impl, n, exc):
    with expect_raises(exc, f"NGramLanguageModel({n!r})", arg="n"):
        impl.NGramLanguageModel(n)


@pytest.mark.points(1)
@pytest.mark.parametrize("corpus,exc", [("a b c", TypeError), ([["a", 1]], TypeError), ([], ValueError),
                                        ([[], []], ValueError)],
                         ids=["str", "non-str-token", "empty", "no-words"])
def test_bad_corpus(impl, corpus, exc):
    with expect_raises(exc, f"fit({corpus!r})"):
        impl.NGramLanguageModel(2).fit(corpus)


@pytest.mark.points(1)
def test_probabilities_rejects_a_plain_string(impl):
    model = impl.NGramLanguageModel(3).fit(pizza_corpus())
    with expect_raises(TypeError, "probabilities('pizza with')", hint="a context is a list of tokens"):
        model.probabilities("pizza with")


# =========================================================================== shift_for_next_token


@pytest.mark.points(1)
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4)], ids=["1d", "2d", "3d"])
def test_shift_for_next_token(impl, shape):
    ids = torch.randint(0, 50, shape, generator=torch.Generator().manual_seed(1))
    inputs, targets = impl.shift_for_next_token(ids)
    short = (*shape[:-1], shape[-1] - 1)
    expect_tensor(inputs, f"inputs of shift_for_next_token({shape})", shape=short, dtype=torch.long)
    expect_tensor(targets, f"targets of shift_for_next_token({shape})", shape=short, dtype=torch.long)
    assert torch.equal(inputs, ids[..., :-1]) and torch.equal(targets, ids[..., 1:]), (
        "inputs must be ids[..., :-1] and targets ids[..., 1:]: shift along the LAST (sequence) "
        "dimension; the target at t is the token at t + 1")


@pytest.mark.points(1)
@pytest.mark.parametrize("bad,exc", [([1, 2, 3], TypeError), (torch.tensor([1.0, 2.0]), TypeError),
                                     (torch.tensor(5), ValueError), (torch.tensor([[4], [5]]), ValueError)],
                         ids=["list", "float", "0-dim", "length-1"])
def test_shift_errors(impl, bad, exc):
    with expect_raises(exc, f"shift_for_next_token({bad!r})"):
        impl.shift_for_next_token(bad)


# =========================================================================== next_token_loss


def reference_loss(logits, ids, ignore_index=-100):
    v = logits.shape[-1]
    return F.cross_entropy(logits[..., :-1, :].reshape(-1, v), ids[..., 1:].reshape(-1),
                           ignore_index=ignore_index)


@pytest.mark.points(1)
@pytest.mark.parametrize("shape", [(6,), (3, 6), (2, 3, 6)], ids=["no-batch", "batch", "two-batch-dims"])
def test_loss_matches_cross_entropy_on_shifted_logits(impl, shape):
    g = torch.Generator().manual_seed(2)
    logits = torch.randn(*shape, 11, generator=g)
    ids = torch.randint(0, 11, shape, generator=g)
    got = impl.next_token_loss(logits, ids)
    expect_close(got, reference_loss(logits, ids), f"next_token_loss for logits {(*shape, 11)}",
                 hint="score logits[..., :-1, :] against ids[..., 1:] (position t predicts token t + 1), "
                      "averaged over every target")


@pytest.mark.points(1)
def test_loss_keeps_float64(impl):
    g = torch.Generator().manual_seed(3)
    logits = torch.randn(2, 5, 7, generator=g, dtype=torch.float64)
    ids = torch.randint(0, 7, (2, 5), generator=g)
    expect_close(impl.next_token_loss(logits, ids), reference_loss(logits, ids), "next_token_loss in float64")


@pytest.mark.points(2)
@pytest.mark.parametrize("ignore_index", [-100, 0], ids=["minus-100", "zero"])
def test_loss_honours_ignore_index(impl, ignore_index):
    g = torch.Generator().manual_seed(4)
    logits = torch.randn(4, 9, 6, generator=g)
    ids = torch.randint(1, 6, (4, 9), generator=g)
    ids[:, 5:] = ignore_index                     # padding at the end of every row
    ids[0, 2] = ignore_index
    got = impl.next_token_loss(logits, ids, ignore_index=ignore_index)
    expect_close(got, reference_loss(logits, ids, ignore_index), f"next_token_loss(ignore_index={ignore_index})",
                 hint="targets equal to ignore_index are left out of the sum AND of the count of the mean "
                      "(pass ignore_index to cross_entropy)")


@pytest.mark.points(2)
def test_loss_gradient_matches(impl):
    g = torch.Generator().manual_seed(5)
    logits = torch.randn(3, 8, 10, generator=g)
    ids = torch.randint(0, 10, (3, 8), generator=g)
    ids[1, 6:] = -100
    out, (grad,) = call_with_grad(impl.next_token_loss, logits, ids, wrt=(0,))
    leaf = logits.clone().requires_grad_(True)
    reference_loss(leaf, ids).backward()
    assert grad is not None, "next_token_loss is not differentiable with respect to the logits (detached?)"
    expect_close(grad, leaf.grad, "d next_token_loss / d logits",
                 hint="the last position's logits get zero gradient: they predict nothing")


@pytest.mark.points(1)
def test_loss_is_finite_for_large_logits(impl):
    g = torch.Generator().manual_seed(6)
    logits = 200.0 * torch.randn(2, 6, 50, generator=g)
    ids = torch.randint(0, 50, (2, 6), generator=g)
    got = impl.next_token_loss(logits, ids)
    expect_close(got, reference_loss(logits, ids), "next_token_loss with logits of size ~200",
                 hint="log(softmax(x)) underflows to -inf; use cross_entropy or log_softmax")


@pytest.mark.points(1)
@pytest.mark.parametrize("case,exc", [("ids-float", TypeError), ("logits-int", TypeError),
                                      ("shape-mismatch", ValueError), ("no-vocab-dim", ValueError),
                                      ("length-1", ValueError)])
def test_loss_errors(impl, case, exc):
    logits, ids = torch.randn(2, 5, 7), torch.randint(0, 7, (2, 5))
    if case == "ids-float":
        ids = ids.float()
    elif case == "logits-int":
        logits = ids[..., None].expand(2, 5, 7).clone()
    elif case == "shape-mismatch":
        ids = torch.randint(0, 7, (2, 4))
    elif case == "no-vocab-dim":
        logits = torch.randn(2, 5)
    else:
        logits, ids = torch.randn(2, 1, 7), torch.randint(0, 7, (2, 1))
    with expect_raises(exc, f"next_token_loss with {case}"):
        impl.next_token_loss(logits, ids)
