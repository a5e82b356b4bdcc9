"""Hidden graders for n_shot."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from kit.checks import expect_array, expect_equal, expect_raises, expect_type
from kit.datasets import LABEL_NAMES, labelled_sentences

# --------------------------------------------------------------------------- references


def unit(a):
    a = np.asarray(a, dtype=np.float64)
    return a / np.linalg.norm(a, axis=-1, keepdims=True)


def select_reference(query, pool, k):
    sims = unit(pool) @ unit(query)
    return sorted(range(len(pool)), key=lambda i: (-sims[i], i))[:k]


def few_shot_reference(x, support, labels):
    classes = sorted(set(int(v) for v in labels))
    protos = np.stack([unit(support)[np.asarray(labels) == c].mean(0) for c in classes])
    return np.array([classes[int(np.argmax(unit(protos) @ unit(row)))] for row in x])


def _scaled_rows(rng, n, d):
    """Random directions with wildly different lengths (dot product != cosine)."""
    return rng.normal(size=(n, d)) * np.exp(rng.uniform(-3, 3, size=(n, 1)))


# --------------------------------------------------------------------------- build_prompt

PROMPT_CASES = [
    ("Classify the topic.", [], "The match ended 2-2.",
     "Classify the topic.\n\nText: The match ended 2-2.\nLabel:", "zero-shot"),
    ("Classify the topic.", [("Bake for an hour.", "food")], "The app crashed.",
     "Classify the topic.\n\nText: Bake for an hour.\nLabel: food\n\nText: The app crashed.\nLabel:",
     "one-shot"),
    ("Is it a zebra?", [("a striped horse", "yes"), ("a grey animal with a trunk", "no"),
                        ("black and white stripes", "yes")], "a horse with stripes",
     "Is it a zebra?\n\nText: a striped horse\nLabel: yes\n\nText: a grey animal with a trunk\nLabel: no"
     "\n\nText: black and white stripes\nLabel: yes\n\nText: a horse with stripes\nLabel:", "few-shot"),
    ("", [("good", "positive")], "bad", "Text: good\nLabel: positive\n\nText: bad\nLabel:",
     "empty instruction"),
    ("  Spaces stay. ", [(" two\nlines ", "A")], "q?",
     "  Spaces stay. \n\nText:  two\nlines \nLabel: A\n\nText: q?\nLabel:", "verbatim"),
    ("Label it.", [["a list pair", "x"]], "", "Label it.\n\nText: a list pair\nLabel: x\n\nText: \nLabel:",
     "a list as a pair, an empty query"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("instruction,examples,query,expected,label", PROMPT_CASES,
                         ids=[c[4] for c in PROMPT_CASES])
def test_build_prompt_template(impl, instruction, examples, query, expected, label):
    got = impl.build_prompt(instruction, examples, query)
    expect_type(got, str, f"build_prompt [{label}]")
    expect_equal(got, expected, f"build_prompt [{label}]",
                 hint="the template is exact: blocks joined by '\\n\\n', 'Text: ...\\nLabel: ...' per "
                      "example, the query block ends with 'Label:' (no space, no newline); an empty "
                      "instruction is left out; nothing is stripped")


@pytest.mark.points(1)
def test_build_prompt_is_deterministic_and_pure(impl):
    examples = [("b", "2"), ("a", "1")]
    first = impl.build_prompt("Sort.", examples, "c")
    second = impl.build_prompt("Sort.", examples, "c")
    assert first == second, "the same inputs gave two different prompts"
    assert examples == [("b", "2"), ("a", "1")], "build_prompt changed (e.g. sorted) the examples it was given"
    assert first.index("Text: b") < first.index("Text: a"), "examples must keep their order"


@pytest.mark.points(1)
@pytest.mark.parametrize("args", [(None, [], "q"), ("i", [], 3), ("i", "not a list", "q"),
                                  ("i", [("only text",)], "q"), ("i", [("text", 1)], "q"),
                                  ("i", ["text"], "q")],
                         ids=["instruction", "query", "examples", "one-item", "non-str-label", "bare-str"])
def test_build_prompt_type_errors(impl, args):
    with expect_raises(TypeError, f"build_prompt{args!r}"):
        impl.build_prompt(*args)


# --------------------------------------------------------------------------- select_examples


@pytest.mark.points(1)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_select_examples_matches_reference(impl, seed):
    rng = np.random.default_rng(seed)
    pool = _scaled_rows(rng, 30, 6)
    query = rng.normal(size=6) * 10
    got = impl.select_examples(query, pool, 7)
    expect_type(got, list, "select_examples(...)")
    assert all(type(i) is int for i in got), "indices must be Python ints"
    expect_equal(got, select_reference(query, pool, 7), "select_examples(query, 30 rows, 7)",
                 hint="rank by cosine similarity (normalise query and rows), most similar first")


@pytest.mark.points(1)
def test_select_examples_ties_go_to_the_lower_index(impl):
    pool = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 0.0], [0.0, 4.0], [8.0, 0.0], [1.0, 1.0]])
    got = impl.select_examples(np.array([3.0, 0.0]), pool, 6)
    expect_equal(got, [1, 2, 4, 5, 0, 3], "select_examples with equal similarities",
                 hint="rows pointing the same way are equally similar whatever their length; keep "
                      "them in index order (a stable sort of -similarity; np.argsort(sim)[::-1] "
                      "puts ties the wrong way round)")


@pytest.mark.points(1)
def test_select_examples_edges(impl):
    pool = np.eye(3)
    expect_equal(impl.select_examples(np.array([0.0, 1.0, 0.0]), pool, 0), [], "select_examples(k=0)")
    expect_equal(impl.select_examples(np.array([0.0, 1.0, 0.2]), pool, 3), [1, 2, 0], "select_examples(k=n)")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["k>n", "k<0", "zero-query", "zero-row", "widths", "2-D query", "1-D pool"])
def test_select_examples_value_errors(impl, case):
    query, pool, k = np.array([1.0, 0.0]), np.array([[1.0, 0.0], [0.0, 1.0]]), 1
    if case == "k>n":
        k = 3
    elif case == "k<0":
        k = -1
    elif case == "zero-query":
        query = np.zeros(2)
    elif case == "zero-row":
        pool = np.array([[1.0, 0.0], [0.0, 0.0]])
    elif case == "widths":
        query = np.array([1.0, 0.0, 0.0])
    elif case == "2-D query":
        query = np.array([[1.0, 0.0]])
    else:
        pool = np.array([1.0, 0.0])
    with expect_raises(ValueError, f"select_examples [{case}]"):
        impl.select_examples(query, pool, k)


@pytest.mark.points(1)
def test_select_examples_k_must_be_int(impl):
    with expect_raises(TypeError, "select_examples(k=2.0)"):
        impl.select_examples(np.array([1.0, 0.0]), np.eye(2), 2.0)


# --------------------------------------------------------------------------- parse_label

LABELS = ["positive", "negative", "neutral"]
PARSE_CASES = [
    ("positive", "positive", "exact"),
    ("NEGATIVE", "negative", "upper case"),
    ("  Neutral.\n", "neutral", "whitespace and punctuation"),
    ("Label: 'negative'", "negative", "quotes"),
    ("The answer is positive, clearly.", "positive", "inside a sentence"),
    ("positive! positive!", "positive", "the same label twice"),
    ("positively", None, "a longer word"),
    ("non-negative", "negative", "a hyphen is not a letter"),
    ("neutrality", None, "a longer word (suffix)"),
    ("positive_sentiment", None, "an underscore joins words"),
    ("positive, not negative", None, "two labels"),
    ("", None, "empty"),
    ("I cannot tell.", None, "no label"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("completion,expected,label", PARSE_CASES, ids=[c[2] for c in PARSE_CASES])
def test_parse_label_cases(impl, completion, expected, label):
    expect_equal(impl.parse_label(completion, LABELS), expected, f"parse_label({completion!r}) [{label}]",
                 hint="a label counts where it is a whole word (not next to a letter, digit or '_'), "
                      "in any case; exactly one label found -> that label, else None")


@pytest.mark.points(1)
def test_parse_label_returns_the_label_as_written(impl):
    expect_equal(impl.parse_label("it is about SPORT", ["Sport", "Food"]), "Sport",
                 "parse_label(..., ['Sport', 'Food'])", hint="return the label as written in labels")


@pytest.mark.points(1)
def test_parse_label_special_characters(impl):
    labels = ["C++", "C", "sci-fi"]
    expect_equal(impl.parse_label("Written in c++.", ["C++", "Java"]), "C++", "parse_label('c++')",
                 hint="escape the label (re.escape) before building the pattern")
    expect_equal(impl.parse_label("a sci-fi film", labels), "sci-fi", "parse_label('sci-fi')")
    expect_equal(impl.parse_label("C and C++", labels), None, "parse_label('C and C++')",
                 hint="both 'C' and 'C++' are named: several labels -> None")


@pytest.mark.points(1)
def test_parse_label_unicode(impl):
    expect_equal(impl.parse_label("ÉTÉ", ["été", "hiver"]), "été", "parse_label('ÉTÉ')",
                 hint="case-insensitive matching must work for non-ASCII letters too")
    expect_equal(impl.parse_label("étés", ["été"]), None, "parse_label('étés')")


@pytest.mark.points(1)
@pytest.mark.parametrize("completion,labels,exc", [
    (None, LABELS, TypeError), ("x", "positive", TypeError), ("x", [1, 2], TypeError),
    ("x", [], ValueError), ("x", ["a", ""], ValueError), ("x", ["Yes", "yes"], ValueError),
], ids=["completion", "labels-str", "labels-int", "no-labels", "empty-label", "duplicate"])
def test_parse_label_errors(impl, completion, labels, exc):
    with expect_raises(exc, f"parse_label({completion!r}, {labels!r})"):
        impl.parse_label(completion, labels)


# --------------------------------------------------------------------------- zero-shot


@pytest.mark.points(1)
@pytest.mark.parametrize("seed", [0, 1])
def test_zero_shot_matches_reference(impl, seed):
    rng = np.random.default_rng(10 + seed)
    x, descriptions = _scaled_rows(rng, 40, 5), _scaled_rows(rng, 4, 5)
    got = impl.zero_shot_classify(x, descriptions)
    expect_array(got, "zero_shot_classify(...)", shape=(40,), dtype=np.int64)
    expected = np.argmax(unit(x) @ unit(descriptions).T, axis=1)
    assert np.array_equal(got, expected), (
        f"{int((got != expected).sum())} of 40 predictions differ -- compare by cosine similarity "
        "(a long description vector must not win just by its length)")


@pytest.mark.points(1)
def test_zero_shot_ties_and_float32(impl):
    x = np.array([[1.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    descriptions = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0]], dtype=np.float32)
    got = impl.zero_shot_classify(x, descriptions)
    expect_array(got, "zero_shot_classify(float32)", shape=(2,), dtype=np.int64)
    expect_equal(got.tolist(), [0, 0], "zero_shot_classify with ties", hint="ties go to the lower index")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["1-D x", "widths", "no descriptions", "zero description"])
def test_zero_shot_errors(impl, case):
    x, d = np.ones((2, 3)), np.eye(3)
    if case == "1-D x":
        x = np.ones(3)
    elif case == "widths":
        d = np.eye(4)
    elif case == "no descriptions":
        d = np.zeros((0, 3))
    else:
        d = np.array([[1.0, 0, 0], [0, 0, 0]])
    with expect_raises(ValueError, f"zero_shot_classify [{case}]"):
        impl.zero_shot_classify(x, d)


# --------------------------------------------------------------------------- few-shot


@pytest.mark.points(1)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_few_shot_matches_reference(impl, seed):
    rng = np.random.default_rng(20 + seed)
    support = _scaled_rows(rng, 12, 4)
    labels = np.array([5, 2, 9] * 4)
    x = _scaled_rows(rng, 60, 4)
    got = impl.few_shot_classify(x, support, labels)
    expect_array(got, "few_shot_classify(...)", shape=(60,), dtype=np.int64)
    expected = few_shot_reference(x, support, labels)
    assert np.array_equal(got, expected), (
        f"{int((got != expected).sum())} of 60 predictions differ from nearest-prototype-by-cosine: "
        "L2-normalise each support row BEFORE averaging (else long rows dominate the prototype), "
        "compare by cosine, and return the label values (5, 2, 9), not their positions")


@pytest.mark.points(1)
def test_few_shot_prototypes_come_from_normalised_rows(impl):
    support = np.array([[10.0, 0.0], [0.0, 1.0], [0.2, 1.0]])
    labels = np.array([0, 0, 1])
    # normalised prototype of class 0 points at 45 degrees; the raw mean at about 6 degrees
    got = impl.few_shot_classify(np.array([[1.0, 1.3]]), support, labels)
    expect_equal(got.tolist(), [0], "few_shot_classify([[1, 1.3]], ...)",
                 hint="normalise each support row first: the raw mean of [10, 0] and [0, 1] "
                      "is dominated by the long row")


@pytest.mark.points(1)
def test_few_shot_uses_prototypes_not_nearest_neighbours(impl):
    support = np.array([[1.0, 0.0], [0.0, 1.0], [0.8, 0.6]])
    labels = np.array([4, 4, 8])
    # the nearest single example is class 8's, but class 4's prototype (45 degrees) is nearer
    got = impl.few_shot_classify(np.array([[0.6, 0.8]]), support, labels)
    expect_equal(got.tolist(), [4], "few_shot_classify([[0.6, 0.8]], ...)",
                 hint="compare with each class's prototype (the mean), not with single examples")


@pytest.mark.points(1)
def test_few_shot_one_shot_and_list_inputs(impl):
    got = impl.few_shot_classify([[0.0, 2.0], [3.0, 0.1]], [[1.0, 0.0], [0.0, 1.0]], [1, 0])
    expect_array(got, "few_shot_classify(lists)", shape=(2,), dtype=np.int64)
    expect_equal(got.tolist(), [0, 1], "few_shot_classify(one example per class)")


@pytest.mark.points(1)
@pytest.mark.parametrize("case,exc", [("labels-length", ValueError), ("float-labels", TypeError),
                                      ("widths", ValueError), ("zero-support-row", ValueError),
                                      ("no-support", ValueError)])
def test_few_shot_errors(impl, case, exc):
    x, support, labels = np.ones((2, 2)), np.eye(2), np.array([0, 1])
    if case == "labels-length":
        labels = np.array([0, 1, 1])
    elif case == "float-labels":
        labels = np.array([0.0, 1.0])
    elif case == "widths":
        x = np.ones((2, 3))
    elif case == "zero-support-row":
        support = np.array([[1.0, 0.0], [0.0, 0.0]])
    else:
        support, labels = np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    with expect_raises(exc, f"few_shot_classify [{case}]"):
        impl.few_shot_classify(x, support, labels)


# --------------------------------------------------------------------------- multi-shot


@pytest.mark.points(1)
@pytest.mark.parametrize("seed", [0, 3])
def test_multi_shot_agrees_with_scikit_learn(impl, seed):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 5)) * 2
    train_y = np.repeat(np.array([10, 20, 30]), 15)
    train_x = centres[train_y // 10 - 1] + rng.normal(size=(45, 5))
    x = rng.normal(size=(50, 5)) * 2
    got = impl.multi_shot_classify(x, train_x, train_y, seed=seed)
    expect_array(got, "multi_shot_classify(...)", shape=(50,), dtype=np.int64)
    expected = LogisticRegression(max_iter=1000, random_state=seed).fit(train_x, train_y).predict(x)
    assert set(np.unique(got)) <= {10, 20, 30}, (
        "predictions must be label values from train_y (10, 20, 30), not class positions")
    agree = float(np.mean(got == expected))
    assert agree >= 0.98, (
        f"only {agree:.0%} of predictions agree with LogisticRegression(max_iter=1000, "
        "random_state=seed) fitted on the rows as given")


@pytest.mark.points(1)
@pytest.mark.parametrize("case,exc", [("one-class", ValueError), ("lengths", ValueError),
                                      ("widths", ValueError), ("float-labels", TypeError),
                                      ("1-D x", ValueError)])
def test_multi_shot_errors(impl, case, exc):
    x, train_x, train_y = np.ones((2, 2)), np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 1, 1])
    if case == "one-class":
        train_y = np.array([1, 1, 1])
    elif case == "lengths":
        train_y = np.array([0, 1])
    elif case == "widths":
        x = np.ones((2, 3))
    elif case == "float-labels":
        train_y = np.array([0.0, 1.0, 1.0])
    else:
        x = np.ones(2)
    with expect_raises(exc, f"multi_shot_classify [{case}]"):
        impl.multi_shot_classify(x, train_x, train_y)


# --------------------------------------------------------------------------- the kit's encoders


@pytest.mark.points(2)
def test_accuracy_rises_with_the_small_encoder(impl):
    import torch

    from kit.encoders import small_encoder

    encoder = small_encoder()

    def embed(texts):
        with torch.no_grad():
            return encoder(encoder.token_ids(texts)).numpy()

    train_texts, train_y = labelled_sentences("topic", split="train")
    test_texts, test_y = labelled_sentences("topic", split="test")
    train_x, test_x = embed(train_texts), embed(test_texts)
    few = np.concatenate([np.flatnonzero(train_y == c)[:5] for c in range(3)])
    zero = float(np.mean(impl.zero_shot_classify(test_x, embed(list(LABEL_NAMES["topic"]))) == test_y))
    few_acc = float(np.mean(impl.few_shot_classify(test_x, train_x[few], train_y[few]) == test_y))
    multi = float(np.mean(impl.multi_shot_classify(test_x, train_x, train_y) == test_y))
    # Deterministic; the reference gives 0.422 < 0.867 < 0.978 on the 45 held-out sentences.
    assert zero + 0.2 < few_acc < multi, (
        f"with the kit's small encoder, held-out topic accuracy should rise clearly from zero-shot "
        f"to few-shot to multi-shot, got {zero:.3f}, {few_acc:.3f}, {multi:.3f}")


# --------------------------------------------------------------------------- with the real model


@pytest.fixture(scope="module")
def embed():
    from kit import pretrained

    return pretrained.embed


@pytest.mark.points(2)
@pytest.mark.pretrained
def test_zebra_both_ways(impl, embed):
    animals = ["zebra", "elephant", "cat", "penguin"]
    descriptions = ["a striped horse", "a large grey animal with a trunk", "a small pet that purrs",
                    "a bird that cannot fly"]
    got = impl.zero_shot_classify(embed(["zebra"]), embed(descriptions))
    expect_equal(got.tolist(), [0], "zero_shot_classify('zebra', descriptions)")
    got = impl.zero_shot_classify(embed(["a striped horse"]), embed(animals))
    expect_equal(got.tolist(), [0], "zero_shot_classify('a striped horse', animal names)")


@pytest.mark.points(1)
@pytest.mark.pretrained
def test_prompt_examples_chosen_by_similarity(impl, embed):
    texts, labels = labelled_sentences("topic", split="train")
    names = LABEL_NAMES["topic"]
    query = "The goalkeeper was injured in the first minute."
    idx = impl.select_examples(embed([query])[0], embed(texts), 3)
    assert all(names[labels[i]] == "sport" for i in idx), (
        "the 3 training sentences most similar to a football sentence should be about sport")
    prompt = impl.build_prompt("Classify the topic.", [(texts[i], names[labels[i]]) for i in idx], query)
    assert prompt.endswith(f"Text: {query}\nLabel:") and prompt.count("Label: sport") == 3, \
        "the prompt should hold the three selected sport examples and end with the query"


@pytest.mark.points(3)
@pytest.mark.pretrained
def test_accuracy_rises_from_zero_to_few_to_multi_shot(impl, embed):
    train_texts, train_y = labelled_sentences("sentiment", split="train")
    test_texts, test_y = labelled_sentences("sentiment", split="test")
    names = list(LABEL_NAMES["sentiment"])
    train_x, test_x = embed(train_texts), embed(test_texts)
    few = np.concatenate([np.flatnonzero(train_y == c)[:5] for c in range(len(names))])
    zero = float(np.mean(impl.zero_shot_classify(test_x, embed(names)) == test_y))
    few_acc = float(np.mean(impl.few_shot_classify(test_x, train_x[few], train_y[few]) == test_y))
    multi = float(np.mean(impl.multi_shot_classify(test_x, train_x, train_y) == test_y))
    print(f"held-out accuracy (45 sentences): zero-shot {zero:.3f}, few-shot (5/class) {few_acc:.3f}, "
          f"multi-shot (15/class) {multi:.3f}")
    # Deterministic (fixed model and data); the reference gives 0.711 < 0.756 < 0.889.
    assert zero < few_acc < multi, (
        f"held-out accuracy should rise zero-shot < few-shot < multi-shot, got {zero:.3f}, "
        f"{few_acc:.3f}, {multi:.3f}")
    assert multi >= 0.8, f"multi-shot accuracy {multi:.3f} is below 0.8"
