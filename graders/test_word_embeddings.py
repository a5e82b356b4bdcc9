"""Hidden graders for word_embeddings."""

import math
from importlib import resources

import numpy as np
import pytest
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine

from kit.checks import expect_array, expect_close, expect_equal, expect_raises, expect_type


def toy_embeddings():
    """The kit's toy embeddings (kit/data/word_embeddings_toy.tsv), read on the test side."""
    text = resources.files("kit").joinpath("data", "word_embeddings_toy.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {word: np.array([float(x) for x in values]) for word, *values in rows[1:]}


# --------------------------------------------------------------------------- cosine_similarity


@pytest.mark.points(1)
@pytest.mark.parametrize("seed", range(3))
def test_cosine_vectors_agree_with_sklearn(impl, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=7), rng.normal(size=7)
    got = impl.cosine_similarity(a, b)
    expect_type(got, float, "cosine_similarity(vector, vector)", hint="two vectors give a Python float")
    expect_close(got, float(sk_cosine(a[None], b[None])[0, 0]), "cosine_similarity(random vectors)",
                 hint="a . b / (|a| |b|)")


@pytest.mark.points(2)
@pytest.mark.parametrize("n,m,d", [(4, 3, 5), (1, 6, 2), (5, 5, 8)])
def test_cosine_matrices_agree_with_sklearn(impl, n, m, d):
    rng = np.random.default_rng(n * 100 + m * 10 + d)
    a, b = rng.normal(size=(n, d)) * 3, rng.normal(size=(m, d))
    got = impl.cosine_similarity(a, b)
    expect_close(got, sk_cosine(a, b), f"cosine_similarity(({n}, {d}), ({m}, {d}))",
                 hint="normalise every row of a and of b, then a_unit @ b_unit.T")


@pytest.mark.points(1)
def test_cosine_ignores_length_and_sees_direction(impl):
    v = [0.3, -1.2, 2.0]
    expect_close(impl.cosine_similarity(v, [3 * x for x in v]), 1.0, "cosine(v, 3 v)",
                 hint="divide by both vectors' lengths")
    expect_close(impl.cosine_similarity(v, [-0.5 * x for x in v]), -1.0, "cosine(v, -0.5 v)")
    expect_close(impl.cosine_similarity([1, 0], [0, 5]), 0.0, "cosine([1, 0], [0, 5]) (int lists)")


@pytest.mark.points(1)
def test_cosine_course_vectors(impl):
    toy = toy_embeddings()
    got = impl.cosine_similarity(np.stack([toy["cat"], toy["mouse"]]), np.stack([toy["tiger"], toy["grass"]]))
    expected = sk_cosine(np.stack([toy["cat"], toy["mouse"]]), np.stack([toy["tiger"], toy["grass"]]))
    expect_close(got, expected, "cosine_similarity([cat, mouse], [tiger, grass])")


ZERO_CASES = [  # (a, b, label, the argument the message names)
    ([0.0, 0.0, 0.0], [1.0, 2.0, 3.0], "a is zero", "a"),
    ([1.0, 2.0, 3.0], [0.0, 0.0, 0.0], "b is zero", "b"),
    (np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[1.0, 1.0]]), "a row of a is zero", "a"),
    (np.array([[1.0, 2.0]]), np.array([[1.0, 1.0], [0.0, 0.0]]), "a row of b is zero", "b"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("a,b,label,arg", ZERO_CASES, ids=[z[2] for z in ZERO_CASES])
def test_cosine_zero_vector_is_a_value_error(impl, a, b, label, arg):
    with expect_raises(ValueError, f"cosine_similarity [{label}]", arg=arg,
                       hint="a zero vector has no direction: check the norms before dividing"):
        impl.cosine_similarity(a, b)


SHAPE_CASES = [
    (np.ones(3), np.ones((2, 3)), "vector and matrix"),
    (np.ones(3), np.ones(4), "lengths differ"),
    (np.ones((2, 3)), np.ones((2, 4)), "row lengths differ"),
    (np.ones((2, 2, 3)), np.ones((2, 2, 3)), "3-D"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("a,b,label", SHAPE_CASES, ids=[s[2] for s in SHAPE_CASES])
def test_cosine_bad_shapes_are_value_errors(impl, a, b, label):
    with expect_raises(ValueError, f"cosine_similarity [{label}]"):
        impl.cosine_similarity(a, b)


@pytest.mark.points(1)
def test_cosine_non_numbers_are_a_type_error(impl):
    with expect_raises(TypeError, "cosine_similarity(['a', 'b'], [1, 2])"):
        impl.cosine_similarity(["a", "b"], [1.0, 2.0])


# --------------------------------------------------------------------------- most_similar


def _check_neighbours(got, expected_words, expected_sims, what, hint=None):
    expect_type(got, list, what)
    for item in got:
        assert type(item) is tuple and len(item) == 2 and type(item[0]) is str and type(item[1]) is float, \
            f"{what}: every item should be a (word, similarity) tuple of (str, float), got {item!r}"
    expect_equal([w for w, _ in got], expected_words, f"{what} (words)", hint=hint)
    expect_close(np.array([s for _, s in got]), np.array(expected_sims), f"{what} (similarities)")


@pytest.mark.points(2)
@pytest.mark.parametrize("word", ["cat", "mouse", "grass", "eagle"])
def test_most_similar_on_toy(impl, word):
    toy = toy_embeddings()
    others = [w for w in toy if w != word]
    sims = {w: float(sk_cosine(toy[word][None], toy[w][None])[0, 0]) for w in others}
    ranked = sorted(others, key=lambda w: (-sims[w], w))[:3]
    _check_neighbours(impl.most_similar(word, toy, k=3), ranked, [sims[w] for w in ranked],
                      f"most_similar({word!r}, toy, k=3)",
                      hint="rank by cosine, highest first, and leave the query word out")


@pytest.mark.points(1)
def test_most_similar_excludes_the_query_and_returns_all_others(impl):
    toy = toy_embeddings()
    got = impl.most_similar("tiger", toy, k=100)
    words = [w for w, _ in got]
    assert "tiger" not in words, "most_similar('tiger') returned 'tiger' itself -- exclude the query word"
    assert sorted(words) == sorted(w for w in toy if w != "tiger"), \
        "with k larger than the vocabulary, every other word should come back exactly once"
    default = impl.most_similar("tiger", toy)
    assert [w for w, _ in default] == words[:5], "k defaults to 5"


@pytest.mark.points(2)
def test_most_similar_ties_are_alphabetical(impl):
    embeddings = {"query": np.array([1.0, 0.0]), "zeta": np.array([1.0, 1.0]), "far": np.array([0.0, 1.0]),
                  "beta": np.array([1.0, 1.0]), "alpha": np.array([1.0, 1.0]), "near": np.array([1.0, 0.1])}
    s = 1 / math.sqrt(2)
    _check_neighbours(impl.most_similar("query", embeddings, k=5), ["near", "alpha", "beta", "zeta", "far"],
                      [1 / math.sqrt(1.01), s, s, s, 0.0], "most_similar with three equal similarities",
                      hint="sort by (-similarity, word): equal similarities in alphabetical order")


@pytest.mark.points(1)
def test_most_similar_unknown_word_is_a_key_error(impl):
    with expect_raises(KeyError, "most_similar('unicorn', toy)", match="unicorn"):
        impl.most_similar("unicorn", toy_embeddings())


BAD_MOST_SIMILAR = [
    ({"k": 0}, ValueError, "k = 0"),
    ({"k": -2}, ValueError, "k negative"),
    ({"k": 1.5}, TypeError, "k a float"),
    ({"embeddings": [("cat", [1.0, 0.0])]}, TypeError, "embeddings a list"),
    ({"embeddings": {"cat": np.ones(2), "dog": np.ones(3)}}, ValueError, "lengths differ"),
    ({"embeddings": {"cat": np.ones(2), "dog": np.zeros(2)}}, ValueError, "a zero vector"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("kwargs,exc,label", BAD_MOST_SIMILAR, ids=[b[2] for b in BAD_MOST_SIMILAR])
def test_most_similar_bad_arguments(impl, kwargs, exc, label):
    args = {"embeddings": toy_embeddings(), "k": 3}
    args.update(kwargs)
    with expect_raises(exc, f"most_similar('cat', ...) [{label}]"):
        impl.most_similar("cat", args["embeddings"], k=args["k"])


# --------------------------------------------------------------------------- analogy

TOY_ANALOGIES = [
    ("cat", "mouse", "tiger", "deer"), ("cat", "mouse", "eagle", "rabbit"),
    ("tiger", "deer", "cat", "mouse"), ("mouse", "cat", "deer", "tiger"),
    ("eagle", "rabbit", "cat", "mouse"), ("tiger", "deer", "eagle", "rabbit"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("a,b,c,expected", TOY_ANALOGIES, ids=[f"{a}-{b}-{c}" for a, b, c, _ in TOY_ANALOGIES])
def test_analogy_on_toy(impl, a, b, c, expected):
    expect_equal(impl.analogy(a, b, c, toy_embeddings()), expected, f"analogy({a!r}, {b!r}, {c!r}, toy)",
                 hint="the target is b - a + c (not a - b + c); compare by cosine")


@pytest.mark.points(2)
def test_analogy_excludes_its_inputs(impl):
    # b - a + c is closest to c itself here: the answer must still be another word.
    embeddings = {"man": np.array([1.0, 0.0, 0.1]), "woman": np.array([1.0, 0.3, 0.1]),
                  "king": np.array([1.0, 0.0, 1.0]), "queen": np.array([1.0, 0.9, 1.0]),
                  "apple": np.array([-1.0, 0.2, 0.0])}
    expect_equal(impl.analogy("man", "woman", "king", embeddings), "queen", "analogy('man', 'woman', 'king')",
                 hint="exclude a, b and c from the candidates")


@pytest.mark.points(1)
def test_analogy_ties_are_alphabetical(impl):
    embeddings = {"a": np.array([1.0, 0.0]), "b": np.array([0.0, 1.0]), "c": np.array([2.0, 0.0]),
                  "yak": np.array([1.0, 1.0]), "emu": np.array([1.0, 1.0]), "owl": np.array([-1.0, 0.0])}
    expect_equal(impl.analogy("a", "b", "c", embeddings), "emu", "analogy with a tie",
                 hint="equal similarities: the alphabetically first word wins")


@pytest.mark.points(1)
@pytest.mark.parametrize("missing", ["a", "b", "c"])
def test_analogy_unknown_word_is_a_key_error(impl, missing):
    words = {"a": "cat", "b": "mouse", "c": "tiger"}
    words[missing] = "unicorn"
    with expect_raises(KeyError, f"analogy with {missing}='unicorn'", match="unicorn"):
        impl.analogy(words["a"], words["b"], words["c"], toy_embeddings())


@pytest.mark.points(1)
def test_analogy_nothing_left_is_a_value_error(impl):
    toy = toy_embeddings()
    three = {w: toy[w] for w in ("cat", "mouse", "tiger")}
    with expect_raises(ValueError, "analogy('cat', 'mouse', 'tiger', only those three words)"):
        impl.analogy("cat", "mouse", "tiger", three)


@pytest.mark.points(1)
def test_analogy_zero_target_is_a_value_error(impl):
    embeddings = {"a": np.array([1.0, 1.0]), "b": np.array([0.0, 1.0]), "c": np.array([1.0, 0.0]),
                  "d": np.array([1.0, 2.0])}
    with expect_raises(ValueError, "analogy where b - a + c is the zero vector", arg=("a", "b", "c")):
        impl.analogy("a", "b", "c", embeddings)


# --------------------------------------------------------------------------- cooccurrence_matrix


def _direct_cooccurrence(documents, vocabulary, window):
    index = {w: i for i, w in enumerate(vocabulary)}
    counts = np.zeros((len(vocabulary), len(vocabulary)), dtype=np.int64)
    for doc in documents:
        for p in range(len(doc)):
            for q in range(len(doc)):
                if 1 <= abs(p - q) <= window and doc[p] in index and doc[q] in index:
                    counts[index[doc[p]], index[doc[q]]] += 1
    return counts


@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(4))
def test_cooccurrence_agrees_with_a_direct_count(impl, seed):
    rng = np.random.default_rng(seed)
    pool = ["cat", "dog", "the", "a", "mouse", "ran", "sat", ".", "Cat"]
    docs = [[pool[k] for k in rng.integers(0, len(pool), size=int(rng.integers(0, 12)))] for _ in range(4)]
    vocabulary = ["mouse", "cat", "dog", "ran", "Cat", "never"]
    window = int(rng.integers(1, 5))
    got = impl.cooccurrence_matrix(docs, list(vocabulary), window=window)
    expected = _direct_cooccurrence(docs, vocabulary, window)
    expect_array(got, f"cooccurrence_matrix(random corpus {seed}, window={window})", shape=expected.shape,
                 dtype=np.int64)
    assert np.array_equal(got, expected), (
        f"cooccurrence_matrix(random corpus {seed}, window={window}) is off in "
        f"{int((got != expected).sum())} cell(s) -- count both directions, distances 1..window in the "
        "original positions (out-of-vocabulary tokens keep their place), separately per document")


@pytest.mark.points(1)
def test_cooccurrence_course_sentence(impl):
    got = impl.cooccurrence_matrix([["the", "cat", "chased", "the", "mouse"]], ["cat", "chased", "mouse"])
    expect_array(got, "cooccurrence_matrix(course sentence)", shape=(3, 3), dtype=np.int64)
    expect_equal(got.tolist(), [[0, 1, 0], [1, 0, 1], [0, 1, 0]], "cooccurrence_matrix(course sentence)",
                 hint="do not drop out-of-vocabulary tokens before measuring distances; window defaults to 2")


@pytest.mark.points(1)
def test_cooccurrence_repeated_word_and_document_borders(impl):
    got = impl.cooccurrence_matrix([["a", "a", "b"], ["b"], ["a"]], ["a", "b"], window=1)
    expect_equal(got.tolist(), [[2, 1], [1, 0]], "cooccurrence_matrix([['a', 'a', 'b'], ['b'], ['a']], window=1)",
                 hint="a pair of equal words counts twice on the diagonal; windows never cross documents")
    got = impl.cooccurrence_matrix([["x", "y"]], ["x", "y"], window=10)
    expect_equal(got.tolist(), [[0, 1], [1, 0]], "cooccurrence_matrix(window longer than the document)")


BAD_COOC = [
    ({"window": 0}, ValueError, "window 0"),
    ({"window": 1.5}, TypeError, "window a float"),
    ({"vocabulary": ["cat", "cat"]}, ValueError, "repeated vocabulary word"),
    ({"vocabulary": "cat dog"}, TypeError, "vocabulary a str"),
    ({"documents": ["the cat"]}, TypeError, "a document is a str"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("kwargs,exc,label", BAD_COOC, ids=[b[2] for b in BAD_COOC])
def test_cooccurrence_bad_arguments(impl, kwargs, exc, label):
    args = {"documents": [["the", "cat"]], "vocabulary": ["cat", "dog"], "window": 2}
    args.update(kwargs)
    with expect_raises(exc, f"cooccurrence_matrix [{label}]"):
        impl.cooccurrence_matrix(args["documents"], args["vocabulary"], window=args["window"])


# --------------------------------------------------------------------------- ppmi


def _direct_ppmi(counts):
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    rows, cols = counts.sum(axis=1), counts.sum(axis=0)
    out = np.zeros_like(counts)
    for w in range(counts.shape[0]):
        for c in range(counts.shape[1]):
            if counts[w, c] > 0:
                pmi = math.log((counts[w, c] / total) / ((rows[w] / total) * (cols[c] / total)))
                out[w, c] = max(0.0, pmi)
    return out


@pytest.mark.points(2)
@pytest.mark.parametrize("shape", [(5, 5), (3, 6), (7, 2)])
def test_ppmi_agrees_with_the_formula(impl, shape):
    rng = np.random.default_rng(sum(shape))
    counts = rng.integers(0, 6, size=shape) * (rng.random(shape) < 0.7)
    counts[0, 0] += 1
    got = impl.ppmi(counts)
    expect_close(got, _direct_ppmi(counts), f"ppmi(random counts {shape})",
                 hint="max(0, ln(p(w, c) / (p(w) p(c)))) with p from the counts: natural log, no smoothing, "
                      "0 where the count is 0")


@pytest.mark.points(1)
def test_ppmi_known_values(impl):
    got = impl.ppmi([[1, 1], [1, 3]])
    expect_close(got, np.array([[math.log(1.5), 0.0], [0.0, math.log(27 / 24)]]), "ppmi([[1, 1], [1, 3]])",
                 hint="negative PMI is clipped to 0")


@pytest.mark.points(1)
def test_ppmi_of_cooccurrence_counts_has_no_nan(impl):
    counts = np.array([[0, 4, 0], [4, 0, 1], [0, 1, 0]], dtype=np.int64)
    got = impl.ppmi(counts)
    expect_array(got, "ppmi(int64 counts)", shape=(3, 3), dtype=np.float64)
    assert np.all(np.isfinite(got)) and np.all(got >= 0), "ppmi should be finite and >= 0 (0 where a count is 0)"
    expect_close(got, _direct_ppmi(counts), "ppmi(int64 counts)")


BAD_PPMI = [
    ([[1, -1], [0, 2]], ValueError, "a negative count"),
    ([1, 2, 3], ValueError, "1-D"),
    ([[0, 0], [0, 0]], ValueError, "all zeros"),
    ([[1.0, np.inf], [0.0, 1.0]], ValueError, "inf"),
    ([["a", "b"], ["c", "d"]], TypeError, "strings"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("counts,exc,label", BAD_PPMI, ids=[b[2] for b in BAD_PPMI])
def test_ppmi_bad_counts(impl, counts, exc, label):
    with expect_raises(exc, f"ppmi [{label}]"):
        impl.ppmi(np.array(counts) if label != "strings" else counts)


# --------------------------------------------------------------------------- svd_embeddings


def _align_signs(got, expected):
    signs = np.sign(np.sum(got * expected, axis=0))
    signs[signs == 0] = 1
    return got * signs


@pytest.mark.points(2)
@pytest.mark.parametrize("shape,dim", [((6, 4), 2), ((3, 7), 3), ((5, 5), 1), ((8, 3), 3)])
def test_svd_agrees_with_numpy(impl, shape, dim):
    rng = np.random.default_rng(shape[0] * 10 + shape[1])
    matrix = rng.normal(size=shape)
    u, s, _ = np.linalg.svd(matrix, full_matrices=False)
    expected = u[:, :dim] * s[:dim]
    got = impl.svd_embeddings(matrix, dim)
    expect_array(got, f"svd_embeddings({shape}, {dim})", shape=expected.shape, dtype=np.float64,
                 hint="one row per row of the matrix, dim columns: U[:, :dim] * S[:dim]")
    expect_close(_align_signs(got, expected), expected, f"svd_embeddings({shape}, {dim}) (up to column signs)",
                 hint="U (not V), the dim largest singular values, each column scaled by its S (not sqrt(S))")


@pytest.mark.points(1)
def test_svd_full_rank_keeps_the_geometry(impl):
    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(5, 3))
    got = impl.svd_embeddings(matrix, 3)
    expect_close(got @ got.T, matrix @ matrix.T, "E @ E.T for dim = rank",
                 hint="with every dimension kept, dot products between rows must not change")


@pytest.mark.points(2)
def test_pipeline_words_in_the_same_contexts_get_the_same_direction(impl):
    docs = [s.split() for s in ["the cat sat on the mat", "the dog sat on the mat", "a cat ate fish",
                                 "a dog ate fish", "the car drove on the road", "a car drove fast"]]
    vocabulary = sorted({t for d in docs for t in d})
    counts = impl.cooccurrence_matrix(docs, vocabulary, window=2)
    vectors = impl.svd_embeddings(impl.ppmi(counts), 4)
    cat, dog, car = (vectors[vocabulary.index(w)] for w in ("cat", "dog", "car"))
    cos = lambda x, y: float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))
    assert cos(cat, dog) > 0.999, "'cat' and 'dog' occur in exactly the same contexts: their vectors should match"
    assert cos(cat, dog) > cos(cat, car) + 0.05, "'cat' should be closer to 'dog' than to 'car'"


BAD_SVD = [
    (0, ValueError, "dim 0"),
    (5, ValueError, "dim above min(shape)"),
    (1.0, TypeError, "dim a float"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("dim,exc,label", BAD_SVD, ids=[b[2] for b in BAD_SVD])
def test_svd_bad_dim(impl, dim, exc, label):
    with expect_raises(exc, f"svd_embeddings((6, 4) matrix, {dim!r}) [{label}]", arg="dim"):
        impl.svd_embeddings(np.ones((6, 4)), dim)


@pytest.mark.points(1)
def test_svd_not_2d_is_a_value_error(impl):
    with expect_raises(ValueError, "svd_embeddings(1-D array, 1)"):
        impl.svd_embeddings(np.ones(4), 1)
