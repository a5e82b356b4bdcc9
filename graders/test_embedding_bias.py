"""Hidden graders for embedding_bias.

Peers: WEFE's WEAT (the Word Embedding Fairness Evaluation framework, ``wefe``; tests that
need it skip without it) for the effect size; every split enumerated here and SciPy's
``permutation_test`` for the p-value; scikit-learn's ``PCA`` and ``KMeans`` for the
direction and the clusters. WEFE's own p-value is not a peer: WEFE 1.0.1 draws its
"permutations" with replacement (``rng.choice(words, size=n)``, so a split may repeat a word)
from an unseeded generator, so it neither matches a permutation test nor repeats.
"""

import math
from importlib import resources
from itertools import combinations

import numpy as np
import pytest
from scipy.stats import permutation_test
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA

from kit.checks import expect_array, expect_raises, expect_type

X = ["nurse", "receptionist", "homemaker", "librarian"]
Y = ["engineer", "programmer", "carpenter", "mechanic"]
A = ["she", "woman", "girl", "mother"]
B = ["he", "man", "boy", "father"]
PAIRS = [("she", "he"), ("woman", "man"), ("girl", "boy"), ("mother", "father"), ("queen", "king")]

#: The MiniLM word sets of the stub (Bolukbasi et al. 2016, Figure 1, for the occupations).
GENDER_PAIRS = [("she", "he"), ("her", "his"), ("woman", "man"), ("girl", "boy"), ("mother", "father"),
                ("daughter", "son"), ("sister", "brother"), ("female", "male"), ("queen", "king"),
                ("wife", "husband")]
FEMALE_TERMS = ["she", "her", "woman", "girl", "mother", "daughter", "sister", "female"]
MALE_TERMS = ["he", "his", "man", "boy", "father", "son", "brother", "male"]
SHE_OCCUPATIONS = ["homemaker", "nurse", "receptionist", "librarian", "socialite", "hairdresser", "nanny",
                   "bookkeeper", "stylist", "housekeeper"]
HE_OCCUPATIONS = ["maestro", "skipper", "protege", "philosopher", "captain", "architect", "financier", "warrior",
                  "broadcaster", "magician"]


def toy_embeddings():
    """The kit's toy embeddings (kit/data/embedding_bias_toy.tsv), read on the test side."""
    text = resources.files("kit").joinpath("data", "embedding_bias_toy.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {word: np.array([float(x) for x in values]) for word, *values in rows[1:]}


def random_embeddings(seed, n_words, d=12, spread=True):
    """``w0 .. w{n-1}`` with random directions and, when ``spread``, lengths from 0.1 to 10."""
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n_words, d))
    if spread:
        vectors *= np.exp(rng.uniform(np.log(0.1), np.log(10.0), size=(n_words, 1)))
    return {f"w{i}": vectors[i] for i in range(n_words)}


def close(got, expected, what, hint, atol=1e-9):
    """``got`` within ``atol`` of ``expected``; the message never shows either value."""
    __tracebackhide__ = True
    if isinstance(expected, np.ndarray):
        expect_array(got, what, shape=expected.shape, dtype=np.float64, hint=hint)
    else:
        expect_type(got, float, what, hint="return a Python float")
    assert np.all(np.isfinite(got)), f"{what}: contains NaN or inf -- {hint}"
    assert np.allclose(got, expected, atol=atol, rtol=0), f"{what}: not within {atol:g} of the right value -- {hint}"


# --------------------------------------------------------------------------- reference computations (test side)


def unit(m):
    m = np.asarray(m, dtype=np.float64)
    return m / np.linalg.norm(m, axis=-1, keepdims=True)


def associations(X, Y, A, B, embed):
    t = unit(np.stack([embed[w] for w in X + Y]))
    a, b = unit(np.stack([embed[w] for w in A])), unit(np.stack([embed[w] for w in B]))
    return (t @ a.T).mean(axis=1) - (t @ b.T).mean(axis=1)


def effect_size(X, Y, A, B, embed):
    s = associations(X, Y, A, B, embed)
    return (s[:len(X)].mean() - s[len(X):].mean()) / s.std()


def exact_p(X, Y, A, B, embed):
    """Every split of X + Y into |X| + |Y| words; the share with sum over Xi >= the observed one."""
    s = associations(X, Y, A, B, embed)
    n, nx = len(s), len(X)
    sums = np.array([s[list(c)].sum() for c in combinations(range(n), nx)])
    return float(np.mean(sums >= s[:nx].sum() - 1e-9))


def bolukbasi_direction(pairs, embed):
    """Bolukbasi et al.'s doPCA: each pair's members centred on the pair's mean, PCA, first component."""
    rows = []
    for a, b in pairs:
        va, vb = unit(embed[a]), unit(embed[b])
        center = (va + vb) / 2
        rows += [va - center, vb - center]
    g = PCA(n_components=1).fit(np.stack(rows)).components_[0]
    mean_difference = np.mean([unit(embed[a]) - unit(embed[b]) for a, b in pairs], axis=0)
    return g if g @ mean_difference > 0 else -g


def neutralized(vectors, direction):
    g = unit(direction)
    rest = vectors - np.outer(vectors @ g, g)
    return unit(rest)


def kmeans_leakage(points, labels, seed):
    clusters = KMeans(n_clusters=2, n_init=10, random_state=seed).fit_predict(points)
    agree = float(np.mean(clusters == np.asarray(labels)))
    return max(agree, 1 - agree)


def wefe_weat(X, Y, A, B, embed):
    """WEFE's WEAT on float64 vectors: (effect size, WEAT statistic)."""
    for module in ("wefe", "gensim", "wefe.metrics"):              # gensim: WEFE imports it, --no-deps does not
        pytest.importorskip(module, reason="needs WEFE, a grader-side peer: pip install --no-deps 'wefe>=1.0.1' && "
                            "pip install gensim pandas semantic-version (see the README's extras)")
    import warnings

    from gensim.models import KeyedVectors
    from wefe.metrics import WEAT
    from wefe.query import Query
    from wefe.word_embedding_model import WordEmbeddingModel

    words = list(embed)
    vectors = np.stack([np.asarray(embed[w], dtype=np.float64) for w in words])
    keyed = KeyedVectors(vector_size=vectors.shape[1], dtype=np.float64)   # float64: no float32 rounding
    keyed.add_vectors(words, vectors)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = WEAT().run_query(Query([list(X), list(Y)], [list(A), list(B)]), WordEmbeddingModel(keyed, "test"),
                                  return_effect_size=True, lost_vocabulary_threshold=0.0)
    return float(result["effect_size"]), float(result["weat"])


# --------------------------------------------------------------------------- weat_effect_size

EFFECT_HINT = ("s(w) = mean cosine with A - mean cosine with B (cosine, not the dot product); "
               "(mean over X - mean over Y) / population std (ddof=0) of s over X and Y together")

WEFE_CASES = [
    ("toy", (X, Y, A, B)),
    ("toy swapped targets", (Y, X, A, B)),
    ("toy unequal sizes", (X[:3], Y + ["doctor", "teacher"], A, B)),
    ("toy royal attributes", (X, Y, ["queen", "girl"], ["king", "boy", "man"])),
]


@pytest.mark.points(2)
@pytest.mark.parametrize("label,sets", WEFE_CASES, ids=[c[0] for c in WEFE_CASES])
def test_effect_size_agrees_with_wefe_on_the_toy(impl, label, sets):
    toy = toy_embeddings()
    expected, _ = wefe_weat(*sets, toy)
    close(impl.weat_effect_size(*sets, toy), expected, f"weat_effect_size [{label}] vs WEFE's WEAT", EFFECT_HINT)


@pytest.mark.points(2)
@pytest.mark.parametrize("seed,nx,ny,na,nb", [(0, 5, 5, 4, 4), (1, 3, 7, 2, 6), (2, 8, 6, 5, 3)])
def test_effect_size_agrees_with_wefe_on_random_vectors(impl, seed, nx, ny, na, nb):
    embed = random_embeddings(seed, nx + ny + na + nb)
    words = list(embed)
    sets = (words[:nx], words[nx:nx + ny], words[nx + ny:nx + ny + na], words[nx + ny + na:])
    expected, _ = wefe_weat(*sets, embed)
    close(impl.weat_effect_size(*sets, embed), expected,
          f"weat_effect_size(random vectors of lengths 0.1 .. 10, sizes {nx}/{ny}/{na}/{nb}) vs WEFE", EFFECT_HINT)


@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(3))
def test_effect_size_agrees_with_the_formula(impl, seed):
    embed = random_embeddings(10 + seed, 20, d=6)
    words = list(embed)
    sets = (words[:6], words[6:10], words[10:15], words[15:])
    close(impl.weat_effect_size(*sets, embed), effect_size(*sets, embed),
          "weat_effect_size(random vectors of lengths 0.1 .. 10)", EFFECT_HINT)


@pytest.mark.points(1)
def test_effect_size_signs(impl):
    toy = toy_embeddings()
    base = impl.weat_effect_size(X, Y, A, B, toy)
    assert base > 0, "the toy's female-stereotyped occupations are closer to the female words: the sign is wrong"
    close(impl.weat_effect_size(X, Y, B, A, toy), -base, "weat_effect_size with A and B swapped",
          "swapping the attribute sets flips the sign and keeps the size")


@pytest.mark.points(1)
def test_effect_size_two_words_is_two(impl):
    close(impl.weat_effect_size(["nurse"], ["engineer"], ["she"], ["he"], toy_embeddings()), 2.0,
          "weat_effect_size with one word in X and one in Y",
          "with two values the population std is half their difference (ddof=0, not ddof=1)")


@pytest.mark.points(1)
def test_effect_size_accepts_a_callable_and_float32(impl):
    toy = toy_embeddings()
    expected = effect_size(X, Y, A, B, toy)
    close(impl.weat_effect_size(X, Y, A, B, lambda w: toy[w]), expected, "weat_effect_size(embed=callable)",
          "embed may be a callable word -> vector")
    as32 = {w: v.astype(np.float32) for w, v in toy.items()}
    close(impl.weat_effect_size(X, Y, A, B, as32), effect_size(X, Y, A, B, as32),
          "weat_effect_size(float32 vectors)", "convert to float64 before computing", atol=1e-7)


@pytest.mark.points(1)
def test_effect_size_tuples_of_words(impl):
    toy = toy_embeddings()
    close(impl.weat_effect_size(tuple(X), tuple(Y), tuple(A), tuple(B), toy), effect_size(X, Y, A, B, toy),
          "weat_effect_size(word sets as tuples)", "word sets may be lists or tuples")


EFFECT_ERRORS = [
    ("X empty", {"X": []}, ValueError, "X"),
    ("Y empty", {"Y": []}, ValueError, "Y"),
    ("A empty", {"A": []}, ValueError, "A"),
    ("B empty", {"B": []}, ValueError, "B"),
    ("X a str", {"X": "nurse"}, TypeError, "X"),
    ("B holds a number", {"B": ["he", 3]}, TypeError, "B"),
    ("a word twice in Y", {"Y": ["engineer", "engineer"]}, ValueError, "Y"),
    ("X and Y share a word", {"Y": ["engineer", "nurse"]}, ValueError, "X"),
    ("A and B share a word", {"B": ["he", "she"]}, ValueError, "A"),
    ("embed a list", {"embed": [1.0, 2.0]}, TypeError, "embed"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("label,change,exc,name", EFFECT_ERRORS, ids=[e[0] for e in EFFECT_ERRORS])
def test_effect_size_errors(impl, label, change, exc, name):
    args = {"X": X, "Y": Y, "A": A, "B": B, "embed": toy_embeddings()}
    args.update(change)
    with expect_raises(exc, f"weat_effect_size [{label}]", arg=name):
        impl.weat_effect_size(args["X"], args["Y"], args["A"], args["B"], args["embed"])


@pytest.mark.points(1)
@pytest.mark.parametrize("where", ["X", "A"])
def test_effect_size_unknown_word_is_a_key_error(impl, where):
    sets = {"X": list(X), "Y": Y, "A": list(A), "B": B}
    sets[where] = sets[where] + ["unicorn"]
    with expect_raises(KeyError, f"weat_effect_size with 'unicorn' in {where}", match="unicorn"):
        impl.weat_effect_size(sets["X"], sets["Y"], sets["A"], sets["B"], toy_embeddings())


BAD_VECTORS = [
    ("a zero vector", {"nurse": np.zeros(5)}),
    ("lengths differ", {"nurse": np.ones(4)}),
    ("a nan", {"nurse": np.array([np.nan, 0, 0, 0, 1.0])}),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("label,change", BAD_VECTORS, ids=[b[0] for b in BAD_VECTORS])
def test_effect_size_bad_vectors_are_embeds_fault(impl, label, change):
    embed = toy_embeddings() | change
    with expect_raises(ValueError, f"weat_effect_size [{label}]", arg="embed"):
        impl.weat_effect_size(X, Y, A, B, embed)


@pytest.mark.points(1)
def test_effect_size_zero_deviation_is_a_value_error(impl):
    embed = {"x": [1.0, 1.0], "y": [2.0, 2.0], "a": [1.0, 0.0], "b": [0.0, 1.0]}   # s(x) = s(y) = 0
    with expect_raises(ValueError, "weat_effect_size where every s(w) is equal", arg=("X", "Y"),
                       hint="the standard deviation is 0: the effect size is undefined, say so"):
        impl.weat_effect_size(["x"], ["y"], ["a"], ["b"], embed)


# --------------------------------------------------------------------------- weat_p_value

P_HINT = ("one-sided: count the splits whose statistic is >= the observed one (minus 1e-9), the observed "
          "split included; exact when C(|X| + |Y|, |X|) <= permutations: count / C")


@pytest.mark.points(2)
@pytest.mark.parametrize("seed,nx,ny", [(0, 4, 4), (1, 3, 5), (2, 5, 4), (3, 6, 6)])
def test_exact_p_value_agrees_with_every_split(impl, seed, nx, ny):
    embed = random_embeddings(20 + seed, nx + ny + 6, d=5)
    words = list(embed)
    sets = (words[:nx], words[nx:nx + ny], words[nx + ny:nx + ny + 3], words[nx + ny + 3:])
    splits = math.comb(nx + ny, nx)
    got = impl.weat_p_value(*sets, embed, permutations=splits, seed=0)
    close(got, exact_p(*sets, embed), f"weat_p_value(random vectors, {nx} + {ny} targets, permutations = "
          f"C({nx + ny}, {nx}))", P_HINT, atol=1e-12)


@pytest.mark.points(2)
def test_exact_p_value_agrees_with_scipy(impl):
    toy = toy_embeddings()
    sets = (X[:3] + ["teacher"], Y[:3] + ["doctor"], A, B)
    s = associations(*sets, toy)
    result = permutation_test((s[:4], s[4:]), lambda x, y, axis: x.sum(axis=axis) - y.sum(axis=axis),
                              permutation_type="independent", alternative="greater", n_resamples=np.inf)
    close(impl.weat_p_value(*sets, toy, permutations=1000), float(result.pvalue),
          "weat_p_value(toy with teacher and doctor) vs scipy.stats.permutation_test (exact)", P_HINT, atol=1e-12)


@pytest.mark.points(2)
def test_exact_p_value_counts_ties(impl):
    # s: x1 = 1, x2 = 0, y1 = 0 (the same vector as x2), y2 = -1. Of the 6 splits, {x1, x2} and
    # {x1, y1} reach the observed sum 1: p = 2 / 6.
    embed = {"x1": [1.0, 0.0], "x2": [1.0, 1.0], "y1": [1.0, 1.0], "y2": [0.0, 1.0], "a": [1.0, 0.0],
             "b": [0.0, 1.0]}
    got = impl.weat_p_value(["x1", "x2"], ["y1", "y2"], ["a"], ["b"], embed, permutations=6)
    close(got, 2 / 6, "weat_p_value with a tied split (6 splits, exact)",
          "a split whose statistic equals the observed one counts (>=, not >), and so does the observed split")


@pytest.mark.points(2)
def test_p_value_is_one_sided(impl):
    toy = toy_embeddings()
    for sets, label in (((X, Y, A, B), "X, Y"), ((Y, X, A, B), "Y, X"), ((X, Y, B, A), "A and B swapped")):
        close(impl.weat_p_value(*sets, toy, permutations=70), exact_p(*sets, toy), f"weat_p_value(toy, {label})",
              "one-sided: only splits at least as large count -- a large negative statistic is not significant "
              "(no abs)", atol=1e-12)


@pytest.mark.points(1)
def test_p_value_of_equal_associations_is_one(impl):
    embed = {"x": [1.0, 1.0], "y": [2.0, 2.0], "z": [3.0, 3.0], "a": [1.0, 0.0], "b": [0.0, 1.0]}
    close(impl.weat_p_value(["x", "z"], ["y"], ["a"], ["b"], embed, permutations=5), 1.0,
          "weat_p_value where every s(w) is 0", "every split ties with the observed one: all of them count")
    close(impl.weat_p_value(["x", "z"], ["y"], ["a"], ["b"], embed, permutations=2, seed=1), 1.0,
          "weat_p_value (random) where every s(w) is 0", "(count + 1) / (permutations + 1) with every split counted")


# The random p-value: (count + 1) / (permutations + 1), count ~ Binomial(permutations, p_exact)
# (or near it). A 6-sigma bound (plus 2 / (permutations + 1) for the +1 and the grid) fails a
# correct implementation with probability < 1e-8 per case; the seeds are fixed anyway.


@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(3))
def test_random_p_value_is_near_the_exact_one(impl, seed):
    embed = random_embeddings(30 + seed, 14 + 6, d=4)
    words = list(embed)
    sets = (words[:7], words[7:14], words[14:17], words[17:])      # C(14, 7) = 3432 splits
    exact = exact_p(*sets, embed)
    got = impl.weat_p_value(*sets, embed, permutations=2000, seed=seed)
    expect_type(got, float, "weat_p_value(...)")
    steps = got * 2001
    assert abs(steps - round(steps)) < 1e-6 and round(steps) >= 1, (
        "weat_p_value with 2000 random splits should be (count + 1) / 2001 -- the observed split counted once "
        "more, so it is never 0")
    bound = 6 * math.sqrt(exact * (1 - exact) / 2000) + 2 / 2001
    assert abs(got - exact) <= bound, (
        "weat_p_value with 2000 random splits is too far from the exact p-value (6-sigma binomial bound) -- "
        "draw each split uniformly (a permutation of all the pooled words, the first |X| as Xi), one-sided, >=")


@pytest.mark.points(2)
def test_random_p_value_of_a_strong_bias(impl):
    toy = toy_embeddings()
    xs, ys = X + ["teacher"], Y + ["doctor"]                 # C(10, 5) = 252 splits, only the observed one reaches it
    assert exact_p(xs, ys, A, B, toy) == 1 / 252
    got = impl.weat_p_value(xs, ys, A, B, toy, permutations=200, seed=4)
    # count ~ Binomial(200, 1/252): P(count >= 7) < 1e-8.
    assert 1 / 201 - 1e-12 <= got <= 8 / 201 + 1e-12, (
        "weat_p_value(strongly biased toy sets, 200 random splits): should be (count + 1) / 201 with few random "
        "splits as large as the observed one")


@pytest.mark.points(1)
def test_random_p_value_is_seeded(impl):
    embed = random_embeddings(40, 20, d=4)
    words = list(embed)
    sets = (words[:7], words[7:14], words[14:17], words[17:])
    first = impl.weat_p_value(*sets, embed, permutations=300, seed=7)
    assert first == impl.weat_p_value(*sets, embed, permutations=300, seed=7), \
        "weat_p_value: the same seed must give the same p-value (use numpy.random.default_rng(seed))"


P_ERRORS = [
    ("permutations 0", {"permutations": 0}, ValueError, "permutations"),
    ("permutations negative", {"permutations": -5}, ValueError, "permutations"),
    ("permutations a float", {"permutations": 100.0}, TypeError, "permutations"),
    ("permutations True", {"permutations": True}, TypeError, "permutations"),
    ("seed a str", {"seed": "0"}, TypeError, "seed"),
    ("seed a float", {"seed": 1.5}, TypeError, "seed"),
    ("Y empty", {"Y": []}, ValueError, "Y"),
    ("X and Y share a word", {"X": ["nurse", "engineer"]}, ValueError, "X"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("label,change,exc,name", P_ERRORS, ids=[e[0] for e in P_ERRORS])
def test_p_value_errors(impl, label, change, exc, name):
    args = {"X": X, "Y": Y, "permutations": 50, "seed": 0}
    args.update(change)
    with expect_raises(exc, f"weat_p_value [{label}]", arg=name):
        impl.weat_p_value(args["X"], args["Y"], A, B, toy_embeddings(), permutations=args["permutations"],
                          seed=args["seed"])


# --------------------------------------------------------------------------- bias_direction

DIRECTION_HINT = ("scale each word to length 1, take first - second per pair, and take the top right singular "
                  "vector of those differences (not centred on their mean; not the words themselves); "
                  "orient it so the mean difference projects positively")


@pytest.mark.points(2)
def test_direction_of_the_toy_pairs_agrees_with_pca(impl):
    toy = toy_embeddings()
    close(impl.bias_direction(PAIRS, toy), bolukbasi_direction(PAIRS, toy),
          "bias_direction(toy pairs) vs scikit-learn PCA of the pairs centred on their means", DIRECTION_HINT)


@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(3))
def test_direction_of_noisy_pairs_agrees_with_pca(impl, seed):
    # Every pair differs by a shared direction plus noise; the words have lengths 0.1 .. 10.
    rng = np.random.default_rng(50 + seed)
    d, shared = 8, rng.normal(size=8)
    embed = {}
    for i in range(6):
        base = rng.normal(size=d)
        embed[f"f{i}"] = (base + shared + 0.3 * rng.normal(size=d)) * rng.uniform(0.1, 10)
        embed[f"m{i}"] = (base - shared + 0.3 * rng.normal(size=d)) * rng.uniform(0.1, 10)
    pairs = [(f"f{i}", f"m{i}") for i in range(6)]
    close(impl.bias_direction(pairs, embed), bolukbasi_direction(pairs, embed),
          f"bias_direction(6 noisy pairs, seed {seed}) vs scikit-learn PCA", DIRECTION_HINT)


@pytest.mark.points(1)
def test_direction_sign_follows_the_pairs(impl):
    toy = toy_embeddings()
    forward = impl.bias_direction(PAIRS, toy)
    backward = impl.bias_direction([(b, a) for a, b in PAIRS], toy)
    close(backward, -forward, "bias_direction of the reversed pairs",
          "the direction points from the second words towards the first: g . mean(first - second) > 0")
    assert forward[0] > 0, "bias_direction(toy pairs) should point towards 'female' (the first words)"


@pytest.mark.points(1)
def test_direction_of_one_pair_is_its_unit_difference(impl):
    embed = {"a": [3.0, 4.0, 0.0], "b": [0.0, 0.0, 2.0]}
    close(impl.bias_direction([("a", "b")], embed), unit(np.array([0.6, 0.8, -1.0])),
          "bias_direction of one pair", "one pair: the unit vector of unit(first) - unit(second)")


DIRECTION_ERRORS = [
    ("no pairs", [], ValueError, "pairs"),
    ("pairs a str", "she he", TypeError, "pairs"),
    ("a pair of three words", [("she", "he", "it")], TypeError, "pairs"),
    ("a pair is a str", ["she"], TypeError, "pairs"),
    ("a word twice", [("she", "he"), ("she", "man")], ValueError, "pairs"),
    ("identical vectors", [("twin1", "twin2")], ValueError, "pairs"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("label,pairs,exc,name", DIRECTION_ERRORS, ids=[e[0] for e in DIRECTION_ERRORS])
def test_direction_errors(impl, label, pairs, exc, name):
    embed = toy_embeddings() | {"twin1": np.ones(5), "twin2": np.ones(5)}
    with expect_raises(exc, f"bias_direction [{label}]", arg=name):
        impl.bias_direction(pairs, embed)


@pytest.mark.points(1)
def test_direction_unknown_word_is_a_key_error(impl):
    with expect_raises(KeyError, "bias_direction with 'unicorn'", match="unicorn"):
        impl.bias_direction([("she", "he"), ("unicorn", "man")], toy_embeddings())


# --------------------------------------------------------------------------- neutralize

NEUTRAL_HINT = "u = v - (v . g) g with g the UNIT direction, then u / |u|: orthogonal to g and of length 1"


@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(3))
def test_neutralize_random_rows(impl, seed):
    rng = np.random.default_rng(60 + seed)
    vectors, direction = rng.normal(size=(7, 6)) * 3, rng.normal(size=6) * 4   # direction not of length 1
    original = vectors.copy()
    got = impl.neutralize(vectors, direction)
    close(got, neutralized(vectors, direction), "neutralize((7, 6) rows, a direction of length != 1)", NEUTRAL_HINT)
    assert np.array_equal(vectors, original), "neutralize changed its input: return a new array"
    assert np.allclose(got @ unit(direction), 0, atol=1e-12), "neutralized rows must be orthogonal to the direction"
    assert np.allclose(np.linalg.norm(got, axis=1), 1, atol=1e-12), "neutralized rows must have length 1"


@pytest.mark.points(1)
def test_neutralize_one_vector(impl):
    got = impl.neutralize([0.0, 5.0, 5.0], [0.0, 0.0, 0.5])
    close(got, np.array([0.0, 1.0, 0.0]), "neutralize(one vector)", "a (d,) vector gives a (d,) result")


@pytest.mark.points(1)
def test_neutralized_toy_words_are_equidistant_along_g(impl):
    toy = toy_embeddings()
    g = bolukbasi_direction(PAIRS, toy)
    got = impl.neutralize(np.stack([toy[w] for w in X + Y]), g)
    assert np.allclose(got @ g, 0, atol=1e-12), "after neutralize, no occupation has a component along g"


NEUTRAL_ERRORS = [
    ("zero direction", np.ones((2, 3)), np.zeros(3), ValueError, "direction"),
    ("direction too short", np.ones((2, 3)), np.ones(2), ValueError, "direction"),
    ("direction 2-D", np.ones((2, 3)), np.ones((1, 3)), ValueError, "direction"),
    ("vectors 3-D", np.ones((2, 2, 3)), np.ones(3), ValueError, "vectors"),
    ("a vector along the direction", np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 2.0]]), np.array([0.0, 0.0, 1.0]),
     ValueError, "vectors"),
    ("vectors of str", [["a", "b"]], np.ones(2), TypeError, "vectors"),
    ("direction of str", np.ones((1, 2)), ["a", "b"], TypeError, "direction"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("label,vectors,direction,exc,name", NEUTRAL_ERRORS, ids=[e[0] for e in NEUTRAL_ERRORS])
def test_neutralize_errors(impl, label, vectors, direction, exc, name):
    with expect_raises(exc, f"neutralize [{label}]", arg=name):
        impl.neutralize(vectors, direction)


# --------------------------------------------------------------------------- cluster_leakage

LEAK_HINT = ("neutralize the vectors against the direction (or scale them to length 1 when it is None), 2-means, "
             "then max(agree, 1 - agree)")


def four_groups(seed):
    """Words in 4 groups: far apart along axis 0 (the bias), less so along axis 1 (a topic)."""
    rng = np.random.default_rng(seed)
    embed, labels = {}, []
    for i, (bias, topic) in enumerate([(1, 1), (1, -1), (-1, 1), (-1, -1)] * 4):
        embed[f"w{i}"] = np.array([3.0 * bias, 1.0 * topic, 0.5]) + 0.05 * rng.normal(size=3)
        labels.append(int(bias > 0))
    return embed, labels


@pytest.mark.points(2)
def test_leakage_after_neutralising_follows_what_is_left(impl):
    embed, labels = four_groups(0)
    words = list(embed)
    before = impl.cluster_leakage(words, embed, labels)
    after = impl.cluster_leakage(words, embed, labels, direction=np.array([1.0, 0.0, 0.0]))
    close(before, 1.0, "cluster_leakage(4 groups, no direction)",
          "before neutralising the clusters follow the bias axis: every word with its group")
    close(after, 0.5, "cluster_leakage(4 groups, neutralised against the bias axis)",
          "after neutralising, the clusters follow the topic axis, which says nothing about the labels -- "
          "did you neutralize against the direction before clustering?")


@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(3))
def test_leakage_agrees_with_sklearn_kmeans(impl, seed):
    rng = np.random.default_rng(70 + seed)
    d = 6
    g, topic = unit(rng.normal(size=d)), unit(rng.normal(size=d))
    vectors = (np.repeat([[1.0], [-1.0]], 10, axis=0) * 2 * g + np.tile([[1.0], [-1.0]], (10, 1)) * topic
               + 0.4 * rng.normal(size=(20, d)))
    labels = [int(v @ g > 0) for v in vectors]
    embed = {f"w{i}": vectors[i] for i in range(20)}
    words = list(embed)
    expected = kmeans_leakage(neutralized(vectors, g), labels, seed)
    close(impl.cluster_leakage(words, embed, labels, direction=g, seed=seed), expected,
          "cluster_leakage(random words, neutralised) vs scikit-learn KMeans(n_clusters=2, n_init=10)", LEAK_HINT)
    expected = kmeans_leakage(unit(vectors), labels, seed)
    close(impl.cluster_leakage(words, embed, labels, seed=seed), expected,
          "cluster_leakage(random words, no direction) vs scikit-learn KMeans", LEAK_HINT)


@pytest.mark.points(1)
def test_leakage_without_direction_uses_unit_vectors(impl):
    # Two directions, lengths 0.2 .. 8 each: by angle the labels are clear, by length they are not.
    embed, labels = {}, []
    for i, length in enumerate([0.2, 8.0, 0.5, 6.0]):
        embed[f"a{i}"], embed[f"b{i}"] = length * np.array([1.0, 0.1]), length * np.array([0.1, 1.0])
        labels += [1, 0]
    words = list(embed)
    close(impl.cluster_leakage(words, embed, labels), 1.0, "cluster_leakage(two directions, varied lengths)",
          "with direction=None scale every vector to length 1 before clustering")


@pytest.mark.points(1)
def test_leakage_is_the_better_assignment(impl):
    embed, labels = four_groups(1)
    words = list(embed)
    flipped = [1 - label for label in labels]
    close(impl.cluster_leakage(words, embed, flipped), 1.0, "cluster_leakage with the labels flipped",
          "cluster numbers are arbitrary: return max(agree, 1 - agree)")
    mixed = [1, 0, 1, 0] * 4                                # follows the topic, not the bias
    got = impl.cluster_leakage(words, embed, mixed)
    expect_type(got, float, "cluster_leakage(...)")
    close(got, 0.5, "cluster_leakage with labels that ignore the clusters", LEAK_HINT)


LEAK_ERRORS = [
    ("labels too short", {"labels": [1, 0]}, ValueError, "labels"),
    ("a label 2", {"labels": [2, 0, 1, 0]}, ValueError, "labels"),
    ("only one label", {"labels": [1, 1, 1, 1]}, ValueError, "labels"),
    ("labels a str", {"labels": "1010"}, TypeError, "labels"),
    ("one word", {"words": ["nurse"], "labels": [1]}, ValueError, "words"),
    ("no words", {"words": [], "labels": []}, ValueError, "words"),
    ("seed a float", {"seed": 0.5}, TypeError, "seed"),
    ("zero direction", {"direction": np.zeros(5)}, ValueError, "direction"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("label,change,exc,name", LEAK_ERRORS, ids=[e[0] for e in LEAK_ERRORS])
def test_leakage_errors(impl, label, change, exc, name):
    args = {"words": ["nurse", "homemaker", "engineer", "mechanic"], "labels": [1, 1, 0, 0], "direction": None,
            "seed": 0}
    args.update(change)
    with expect_raises(exc, f"cluster_leakage [{label}]", arg=name):
        impl.cluster_leakage(args["words"], toy_embeddings(), args["labels"], direction=args["direction"],
                             seed=args["seed"])


@pytest.mark.points(1)
def test_leakage_unknown_word_is_a_key_error(impl):
    with expect_raises(KeyError, "cluster_leakage with 'unicorn'", match="unicorn"):
        impl.cluster_leakage(["nurse", "unicorn"], toy_embeddings(), [1, 0])


# --------------------------------------------------------------------------- the toy story


@pytest.mark.points(2)
def test_toy_story(impl):
    toy = toy_embeddings()
    g = impl.bias_direction(PAIRS, toy)
    neutral = dict(toy) | dict(zip(X + Y, neutralized(np.stack([toy[w] for w in X + Y]), bolukbasi_direction(PAIRS, toy))))
    close(impl.weat_effect_size(X, Y, A, B, neutral), effect_size(X, Y, A, B, neutral),
          "weat_effect_size(toy, occupations neutralised)", EFFECT_HINT)
    close(impl.cluster_leakage(X + Y, toy, [1] * 4 + [0] * 4, direction=g), 1.0,
          "cluster_leakage(toy occupations, neutralised)", "'caring' and 'technical' still separate them")


# --------------------------------------------------------------------------- MiniLM (the stub's figures)
# Tolerances: MiniLM's float32 vectors vary by ~1e-6 across CPUs and library versions, which
# moves the effect sizes by ~1e-5; the stated +-0.05 leaves room for that and nothing else.


@pytest.fixture(scope="module")
def minilm():
    from kit import pretrained

    words = sorted({w for pair in GENDER_PAIRS for w in pair} | set(FEMALE_TERMS) | set(MALE_TERMS)
                   | set(SHE_OCCUPATIONS) | set(HE_OCCUPATIONS))
    return dict(zip(words, pretrained.embed(words).astype(np.float64)))


def minilm_neutral(minilm):
    g = bolukbasi_direction(GENDER_PAIRS, minilm)
    targets = SHE_OCCUPATIONS + HE_OCCUPATIONS
    return g, dict(minilm) | dict(zip(targets, neutralized(np.stack([minilm[w] for w in targets]), g)))


@pytest.mark.pretrained
@pytest.mark.points(2)
def test_minilm_effect_size_before_and_after(impl, minilm):
    sets = (SHE_OCCUPATIONS, HE_OCCUPATIONS, FEMALE_TERMS, MALE_TERMS)
    before = impl.weat_effect_size(*sets, minilm)
    expect_type(before, float, "weat_effect_size(MiniLM)")
    assert abs(before - 1.55) <= 0.05, "weat_effect_size on MiniLM is not the stub's figure (+-0.05)"
    _, neutral = minilm_neutral(minilm)
    after = impl.weat_effect_size(*sets, neutral)
    assert abs(after - 0.48) <= 0.05, "weat_effect_size on MiniLM after neutralising is not the stub's figure (+-0.05)"


@pytest.mark.pretrained
@pytest.mark.points(2)
def test_minilm_effect_size_agrees_with_wefe(impl, minilm):
    sets = (SHE_OCCUPATIONS, HE_OCCUPATIONS, FEMALE_TERMS, MALE_TERMS)
    expected, _ = wefe_weat(*sets, minilm)
    close(impl.weat_effect_size(*sets, minilm), expected, "weat_effect_size(MiniLM) vs WEFE", EFFECT_HINT)


@pytest.mark.pretrained
@pytest.mark.points(2)
def test_minilm_p_values(impl, minilm):
    sets = (SHE_OCCUPATIONS, HE_OCCUPATIONS, FEMALE_TERMS, MALE_TERMS)
    # C(20, 10) = 184,756 splits > 10,000: random. Before: no split of 10,000 should beat the
    # observed one (the exact p-value is below 1e-4), so p = 1 / 10001 (allowing 4 that do).
    before = impl.weat_p_value(*sets, minilm, permutations=10_000, seed=0)
    assert 1 / 10_001 - 1e-12 <= before <= 5 / 10_001 + 1e-12, \
        "weat_p_value on MiniLM (10,000 splits): the bias should be significant, p about 0.0001"
    _, neutral = minilm_neutral(minilm)
    after = impl.weat_p_value(*sets, neutral, permutations=10_000, seed=0)
    exact = exact_p(*sets, neutral)
    bound = 6 * math.sqrt(exact * (1 - exact) / 10_000) + 2 / 10_001      # false failure < 1e-8
    assert abs(after - exact) <= bound, \
        "weat_p_value on MiniLM after neutralising is too far from the exact p-value (6-sigma binomial bound)"
    assert 0.10 <= after <= 0.21, "weat_p_value on MiniLM after neutralising should be about 0.15 (not significant)"


@pytest.mark.pretrained
@pytest.mark.points(1)
def test_minilm_direction_agrees_with_pca(impl, minilm):
    close(impl.bias_direction(GENDER_PAIRS, minilm), bolukbasi_direction(GENDER_PAIRS, minilm),
          "bias_direction(MiniLM gender pairs) vs scikit-learn PCA", DIRECTION_HINT, atol=1e-7)


@pytest.mark.pretrained
@pytest.mark.points(2)
def test_minilm_cluster_leakage_survives_neutralising(impl, minilm):
    # 2-means has several near-equal splits of these 20 words, so one run gives 0.7 .. 0.9 depending
    # on the seed and the implementation (the reference and scikit-learn's KMeans both do); the mean
    # of seeds 0..4 is about 0.8 for both, before and after neutralising.
    words = SHE_OCCUPATIONS + HE_OCCUPATIONS
    labels = [1] * 10 + [0] * 10
    g, _ = minilm_neutral(minilm)
    before = np.mean([impl.cluster_leakage(words, minilm, labels, seed=seed) for seed in range(5)])
    after = np.mean([impl.cluster_leakage(words, minilm, labels, direction=g, seed=seed) for seed in range(5)])
    assert abs(before - 0.8) <= 0.1, "cluster_leakage on MiniLM before neutralising (mean of seeds 0..4): " \
        "not the stub's figure (+-0.1)"
    assert abs(after - 0.8) <= 0.1, "cluster_leakage on MiniLM after neutralising (mean of seeds 0..4): " \
        "not the stub's figure (+-0.1) -- neutralising should leave the clusters much as they were"
