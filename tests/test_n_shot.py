"""Public tests for n_shot (run: pytest -m n_shot)."""

import numpy as np
import pytest

from kit.checks import expect_array, expect_equal, expect_raises

ANIMALS = ["a striped horse", "a large grey animal with a trunk", "a small pet that purrs",
           "a bird that cannot fly"]


@pytest.mark.points(2)
def test_few_shot_prompt(impl):
    prompt = impl.build_prompt("Classify the sentiment.",
                               [("I loved it", "positive"), ("Never again.", "negative")], "Awful.")
    expect_equal(prompt, "Classify the sentiment.\n\nText: I loved it\nLabel: positive\n\n"
                         "Text: Never again.\nLabel: negative\n\nText: Awful.\nLabel:",
                 "build_prompt(instruction, 2 examples, query)",
                 hint="blocks joined by one blank line; the prompt ends with 'Label:' and nothing after")


@pytest.mark.points(1)
def test_zero_shot_prompt(impl):
    expect_equal(impl.build_prompt("Classify the sentiment.", [], "Awful."),
                 "Classify the sentiment.\n\nText: Awful.\nLabel:", "build_prompt(instruction, [], query)")


@pytest.mark.points(1)
def test_select_examples_by_cosine(impl):
    pool = np.array([[1.0, 0.0], [0.0, 5.0], [3.0, 3.0], [0.5, 0.0]])
    got = impl.select_examples(np.array([1.0, 0.9]), pool, 3)
    expect_equal(got, [2, 0, 3], "select_examples([1, 0.9], pool, 3)",
                 hint="cosine similarity (not the dot product), most similar first, ties to the lower index")


@pytest.mark.points(1)
@pytest.mark.parametrize("completion,expected", [("  Positive!", "positive"), ("It is negative.", "negative"),
                                                 ("positively", None), ("positive or negative?", None)])
def test_parse_label(impl, completion, expected):
    expect_equal(impl.parse_label(completion, ["positive", "negative"]), expected,
                 f"parse_label({completion!r}, ['positive', 'negative'])",
                 hint="whole words, any case; exactly one label found, else None")


@pytest.mark.points(1)
def test_zero_shot_striped_horse_with_features(impl):
    # hand-made features: (has stripes, horse-shaped, has a trunk, purrs)
    zebra = np.array([[0.9, 0.8, 0.0, 0.0]])
    descriptions = np.array([[1.0, 1.0, 0.0, 0.0],    # a striped horse
                             [0.0, 0.1, 1.0, 0.0],    # a grey animal with a trunk
                             [0.3, 0.0, 0.0, 1.0]])   # a small pet that purrs
    got = impl.zero_shot_classify(zebra, descriptions)
    expect_array(got, "zero_shot_classify(zebra, descriptions)", shape=(1,), dtype=np.int64)
    expect_equal(got.tolist(), [0], "zero_shot_classify(zebra, descriptions)")


@pytest.mark.points(1)
def test_few_shot_prototypes(impl):
    support = np.array([[2.0, 0.0], [0.0, 0.5], [0.0, 3.0], [1.0, 1.0]])
    labels = np.array([7, 7, 3, 3])
    got = impl.few_shot_classify(np.array([[1.0, 0.2], [0.1, 1.0]]), support, labels)
    expect_array(got, "few_shot_classify(...)", shape=(2,), dtype=np.int64)
    expect_equal(got.tolist(), [7, 3], "few_shot_classify(...)",
                 hint="prototype = mean of the class's L2-normalised rows; return the label values")


@pytest.mark.points(1)
def test_multi_shot_learns_a_separable_task(impl):
    rng = np.random.default_rng(0)
    train_x = np.vstack([rng.normal(-2, 1, (20, 3)), rng.normal(2, 1, (20, 3))])
    train_y = np.array([0] * 20 + [1] * 20)
    got = impl.multi_shot_classify(np.array([[-2.0, -2.0, -2.0], [2.0, 2.0, 2.0]]), train_x, train_y)
    expect_array(got, "multi_shot_classify(...)", shape=(2,), dtype=np.int64)
    expect_equal(got.tolist(), [0, 1], "multi_shot_classify(...)")


@pytest.mark.points(1)
def test_zero_vector_is_a_value_error(impl):
    with expect_raises(ValueError, "zero_shot_classify(x with a zero row)"):
        impl.zero_shot_classify(np.zeros((1, 3)), np.eye(3))


@pytest.mark.points(2)
@pytest.mark.pretrained
def test_zebra_is_a_striped_horse(impl):
    from kit.pretrained import embed

    got = impl.zero_shot_classify(embed(["zebra"]), embed(ANIMALS))
    expect_equal(got.tolist(), [0], "zero_shot_classify(embed(['zebra']), embed(descriptions))",
                 hint="with the real encoder, 'zebra' is closest to 'a striped horse'")


@pytest.mark.points(1)
def test_error_message_names_the_argument(impl):
    with expect_raises(TypeError, "parse_label(' positive', 'positive')", arg="labels",
                       hint="labels is a list/tuple of str: a single str is a TypeError"):
        impl.parse_label(" positive", "positive")
