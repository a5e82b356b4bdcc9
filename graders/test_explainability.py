"""Hidden graders for explainability.

Peers: Captum 0.7+ (the ``graders`` extra) for gradient x input, integrated gradients and
occlusion; SciPy for Spearman's rank correlation. Captum's ``riemann_trapezoid`` weights are
``1/n`` (halved at both ends), which sum to ``(n-1)/n`` instead of 1: its attributions are
``(n-1)/n`` times the textbook trapezoid rule the exercise asks for, so they are compared
after multiplying by ``n/(n-1)``. Tolerances against Captum: float64 models atol 1e-8,
rtol 1e-6 (Captum computes its Riemann points with float32 ``linspace``: relative
differences up to ~1e-8); float32 models the kit's float32 tolerances.
"""

import math

import pytest
import torch
from torch import nn

from kit import sentiment
from kit.checks import bad_calls, expect_close, expect_equal, expect_raises, expect_str_list, expect_tensor
from kit.remote import inspect_call, run_kit

IG_METHODS = ["riemann_right", "riemann_trapezoid", "gausslegendre"]
F64 = {"atol": 1e-8, "rtol": 1e-6}


def randn(*shape, seed=0, dtype=torch.float64, scale=1.0):
    return scale * torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def kit_model(seed=0, dtype=torch.float64, dim=6):
    """An untrained kit classifier (tanh layers, mean over tokens; accepts batches too)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = sentiment.SentimentClassifier(["a", "b"], dim=dim, hidden=5)
    return model.to(dtype).eval()


def flat_model(n_tokens, dim, n_classes=3, seed=0, dtype=torch.float64):
    """Mixes tokens (Flatten over the whole input): accepts one (L, D) input and nothing else."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(dim, 8), nn.Tanh(), nn.Flatten(0),
                              nn.Linear(n_tokens * 8, n_classes), nn.Softplus())
    return model.to(dtype).eval()


# (name, model factory, L, D): L != D everywhere, so a sum over the wrong axis has the wrong shape.
MODELS = [("kit", lambda dtype: kit_model(1, dtype), 7, 6),
          ("flat", lambda dtype: flat_model(4, 5, dtype=dtype), 4, 5)]
MODEL_IDS = [m[0] for m in MODELS]


def captum_attr():
    return pytest.importorskip("captum.attr", reason="the Captum comparisons need the graders "
                               "extra: pip install -e '.[graders]'")


def batched(model):
    """Captum evaluates a batch (N, L, D); the exercise's models take one (L, D) input."""
    return lambda xb: torch.stack([model(x) for x in xb])


def logit(model, x, target):
    with torch.no_grad():
        return float(model.eval()(x)[target])


# --------------------------------------------------------------------------- gradient x input


@pytest.mark.points(2)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name,make,L,D", MODELS, ids=MODEL_IDS)
def test_gradient_x_input_matches_captum(impl, name, make, L, D, dtype):
    attr = captum_attr()
    model, x = make(dtype), randn(L, D, seed=2, dtype=dtype, scale=1.5)
    got = impl.gradient_x_input(model, x, 2)
    expect_tensor(got, f"gradient_x_input({name} model, x {L}x{D})", shape=(L,), dtype=dtype,
                  hint="one score per token: sum over the feature axis (the last), not the tokens")
    expected = attr.InputXGradient(batched(model)).attribute(x[None].clone().requires_grad_(True),
                                                             target=2)[0].sum(-1).detach()
    expect_close(got, expected, f"gradient_x_input({name} model) vs Captum's InputXGradient",
                 **(F64 if dtype == torch.float64 else {}),
                 hint="the gradient of the target logit times the input, summed over D")


@pytest.mark.points(1)
def test_gradient_x_input_by_hand(impl):
    # logits = tanh(W flat(x)): dF/dx[i, d] = (1 - F**2) W[t, i*D + d], so token i's gradient x
    # input is (1 - F**2) times its share of the pre-activation z_t.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(3)
        model = nn.Sequential(nn.Flatten(0), nn.Linear(3 * 4, 2, bias=False), nn.Tanh()).double()
    x = randn(3, 4, seed=4)
    weight = model[1].weight.detach()[1].view(3, 4)
    share = (weight * x).sum(-1)
    expected = (1 - torch.tanh(share.sum()) ** 2) * share
    expect_close(impl.gradient_x_input(model, x, 1), expected, "gradient_x_input(tanh of a linear map)",
                 **F64, hint="dF/dx[i, d] * x[i, d], summed over d for each token i")


# --------------------------------------------------------------------------- integrated gradients


def captum_ig(model, x, target, baseline, steps, method):
    attr = captum_attr()
    result = attr.IntegratedGradients(batched(model)).attribute(
        x[None], baselines=baseline[None], target=target, n_steps=steps, method=method)[0].sum(-1)
    if method == "riemann_trapezoid":
        result = result * steps / (steps - 1)  # Captum's trapezoid weights sum to (n-1)/n
    return result.detach()


@pytest.mark.points(2)
@pytest.mark.parametrize("steps", [7, 50], ids=["7steps", "50steps"])
@pytest.mark.parametrize("method", IG_METHODS)
@pytest.mark.parametrize("name,make,L,D", MODELS, ids=MODEL_IDS)
def test_integrated_gradients_match_captum(impl, name, make, L, D, method, steps):
    model = make(torch.float64)
    x = randn(L, D, seed=3, scale=1.5)
    baseline = randn(L, D, seed=4, scale=0.5)
    got = impl.integrated_gradients(model, x, 1, baseline, steps, method)
    expect_tensor(got, f"integrated_gradients({name}, {method}, {steps} steps)", shape=(L,),
                  dtype=torch.float64)
    expect_close(got, captum_ig(model, x, 1, baseline, steps, method),
                 f"integrated_gradients({name} model, non-zero baseline, {method}, {steps} steps) "
                 "vs Captum", **F64,
                 hint="(x - baseline) * sum_k w[k] grad(baseline + a[k] (x - baseline)), summed "
                      "over D, with the points and weights of the module docstring's table")


@pytest.mark.points(2)
@pytest.mark.parametrize("name,make,L,D", MODELS, ids=MODEL_IDS)
def test_integrated_gradients_defaults(impl, name, make, L, D):
    # Defaults: zero baseline, 50 Gauss-Legendre points (Captum's defaults too).
    model, x = make(torch.float32), randn(L, D, seed=5, dtype=torch.float32)
    got = impl.integrated_gradients(model, x, 0)
    expect_tensor(got, f"integrated_gradients({name} model, float32)", shape=(L,), dtype=torch.float32)
    expected = captum_ig(model, x, 0, torch.zeros_like(x), 50, "gausslegendre")
    expect_close(got, expected, f"integrated_gradients({name} model) with the defaults vs Captum",
                 hint="baseline zeros, steps=50, method='gausslegendre'")


@pytest.mark.points(2)
@pytest.mark.parametrize("method,steps,bound", [("riemann_right", 400, 2e-2),
                                                ("riemann_trapezoid", 60, 1e-3),
                                                ("gausslegendre", 20, 1e-9)],
                         ids=["right", "trapezoid", "gausslegendre"])
def test_completeness(impl, method, steps, bound):
    model = flat_model(4, 5, seed=6)
    x, baseline = randn(4, 5, seed=7, scale=1.5), randn(4, 5, seed=8, scale=0.5)
    got = impl.integrated_gradients(model, x, 0, baseline, steps, method)
    expect_tensor(got, f"integrated_gradients({method})", shape=(4,), dtype=torch.float64)
    gap = logit(model, x, 0) - logit(model, baseline, 0)
    error = abs(float(got.sum()) - gap) / max(abs(gap), 1e-12)
    assert error <= bound, (
        f"with {method} and {steps} steps the attributions should add up to F(x) - F(baseline) "
        "within the rule's error, they miss by much more -- check the factor (x - baseline), "
        "that the path starts at the baseline, and the weights (they must sum to 1)")


@pytest.mark.points(2)
@pytest.mark.parametrize("method,ratio", [("riemann_right", 2.5), ("riemann_trapezoid", 10.0)],
                         ids=["right-1/n", "trapezoid-1/n2"])
def test_completeness_error_shrinks_at_the_rules_rate(impl, method, ratio):
    # 4x the steps: the right Riemann sum's error falls ~4x, the trapezoid's ~16x.
    model = kit_model(9, dim=5)
    x = randn(6, 5, seed=10, scale=2.0)
    gap = logit(model, x, 2) - logit(model, torch.zeros_like(x), 2)
    errors = []
    for steps in (10, 40):
        got = impl.integrated_gradients(model, x, 2, None, steps, method)
        expect_tensor(got, f"integrated_gradients({method}, {steps} steps)", shape=(6,),
                      dtype=torch.float64)
        errors.append(abs(float(got.sum()) - gap))
    assert errors[1] * ratio <= errors[0], (
        f"the completeness error of {method} should shrink at the rule's rate as steps grows "
        "(1/n for right Riemann, 1/n**2 for the trapezoid) -- check the points a[k]: right "
        "Riemann ends at a = 1, the trapezoid spans [0, 1] with spacing 1/(n-1)")


@pytest.mark.points(1)
def test_integrated_gradients_single_step(impl):
    # One right-Riemann point (a = 1): the gradient at x times (x - baseline).
    model = kit_model(11)
    x, baseline = randn(3, 6, seed=12), randn(3, 6, seed=13, scale=0.3)
    got = impl.integrated_gradients(model, x, 0, baseline, 1, "riemann_right")
    x_leaf = x.clone().requires_grad_(True)
    grad = torch.autograd.grad(model(x_leaf)[0], x_leaf)[0]
    expect_close(got, ((x - baseline) * grad).sum(-1), "integrated_gradients(steps=1, riemann_right)",
                 **F64, hint="with one point the right Riemann sum uses a = 1 (the input itself)")


# --------------------------------------------------------------------------- occlusion


def captum_occlusion(model, x, target, baseline):
    attr = captum_attr()
    if isinstance(baseline, torch.Tensor):
        baseline = baseline.expand(x.shape)[None]
    return attr.Occlusion(batched(model)).attribute(
        x[None], sliding_window_shapes=(1, x.shape[1]), baselines=baseline,
        target=target)[0, :, 0].to(x.dtype)  # (Captum returns float32 for a number baseline)


BASELINES = [("default", None), ("scalar", 0.7), ("row", "row"), ("per-token", "full")]


@pytest.mark.points(2)
@pytest.mark.parametrize("kind,baseline", BASELINES, ids=[b[0] for b in BASELINES])
@pytest.mark.parametrize("name,make,L,D", MODELS, ids=MODEL_IDS)
def test_occlusion_matches_captum(impl, name, make, L, D, kind, baseline):
    model, x = make(torch.float64), randn(L, D, seed=14, scale=1.5)
    if baseline == "row":
        baseline = randn(D, seed=15)
    elif baseline == "full":
        baseline = randn(L, D, seed=16)
    got = impl.occlusion(model, x, 1) if baseline is None else impl.occlusion(model, x, 1, baseline)
    expect_tensor(got, f"occlusion({name} model, {kind} baseline)", shape=(L,), dtype=torch.float64,
                  hint="one drop per token")
    expected = captum_occlusion(model, x, 1, 0.0 if baseline is None else baseline)
    expect_close(got, expected, f"occlusion({name} model, {kind} baseline) vs Captum's Occlusion",
                 **F64, hint="F(x) - F(x with token i's row replaced by the baseline): positive "
                             "when removing the token lowers the target logit")


@pytest.mark.points(1)
def test_occlusion_float32(impl):
    model, x = kit_model(17, torch.float32), randn(5, 6, seed=18, dtype=torch.float32)
    got = impl.occlusion(model, x, 2)
    expect_close(got, captum_occlusion(model, x, 2, 0.0).float(), "occlusion(float32 model)")


# --------------------------------------------------------------------------- the model is left as it was


@pytest.fixture
def remote_classifier(impl):
    """The kit's trained classifier, built where the implementation runs (a handle), so that
    its modes, flags and gradients can be read back after a call."""
    return run_kit(impl, "kit.sentiment:sentiment_classifier")


def local_copy(remote_model):
    model = sentiment.SentimentClassifier(list(remote_model.vocabulary))
    model.load_state_dict(remote_model.state_dict())
    return model.eval()


CALLS = [
    ("gradient_x_input", lambda impl, m, x: impl.gradient_x_input(m, x, 1)),
    ("integrated_gradients", lambda impl, m, x: impl.integrated_gradients(m, x, 1, None, 8,
                                                                          "riemann_right")),
    ("occlusion", lambda impl, m, x: impl.occlusion(m, x, 1)),
]


@pytest.mark.points(2)
@pytest.mark.parametrize("name,call", CALLS, ids=[c[0] for c in CALLS])
def test_train_mode_model_is_explained_in_eval_mode(impl, remote_classifier, name, call):
    words = sentiment.tokens("the waiter was rude and the dessert was stale")
    local = local_copy(remote_classifier)
    x = local.embed(words)
    remote_classifier.train()  # dropout on: a model left in train mode gives noisy attributions
    got = call(impl, remote_classifier, x)
    expect_tensor(got, f"{name}(model in train mode)", shape=(len(words),), dtype=torch.float32)
    attr = captum_attr()
    if name == "gradient_x_input":
        reference = attr.InputXGradient(local).attribute(x[None].clone().requires_grad_(True),
                                                         target=1)[0].sum(-1).detach()
    elif name == "integrated_gradients":
        reference = captum_ig(local, x, 1, torch.zeros_like(x), 8, "riemann_right")
    else:
        reference = captum_occlusion(local, x, 1, 0.0)
    expect_close(got, reference, f"{name}(a model handed over in train mode)",
                 hint="put the model in eval mode for the explanation (model.eval(): dropout off), "
                      "then back in the mode it was in")


@pytest.mark.points(2)
@pytest.mark.parametrize("name,call", CALLS, ids=[c[0] for c in CALLS])
def test_model_left_as_it_was(impl, remote_classifier, name, call):
    remote_classifier.train()
    remote_classifier.dropout.eval()  # mixed modes must come back exactly
    before = run_kit(impl, "kit.sentiment:model_state", remote_classifier)
    x = local_copy(remote_classifier).embed(sentiment.tokens("the soup was cold and far too salty"))
    weights = {k: v.clone() for k, v in remote_classifier.state_dict().items()}
    call(impl, remote_classifier, x)
    after = run_kit(impl, "kit.sentiment:model_state", remote_classifier)
    assert after["training"] == before["training"], (
        f"{name} changed the model's train/eval mode -- remember each submodule's mode and "
        "restore it (model.train(previous) alone sets every submodule the same)")
    assert after["requires_grad"] == before["requires_grad"], (
        f"{name} changed requires_grad on the model's weights -- leave the flags alone")
    assert not any(after["has_grad"].values()), (
        f"{name} left .grad on the model's weights -- use torch.autograd.grad(logit, x) "
        "(gradients for the input only) instead of logit.backward()")
    changed = [k for k, v in remote_classifier.state_dict().items() if not torch.equal(v, weights[k])]
    assert not changed, f"{name} changed the model's weights ({len(changed)} tensors)"


@pytest.mark.points(1)
def test_frozen_weights_still_explained(impl):
    # Weights with requires_grad=False (a frozen model): gradients for the input still flow.
    model = kit_model(19)
    for p in model.parameters():
        p.requires_grad_(False)
    x = randn(4, 6, seed=20)
    got = impl.integrated_gradients(model, x, 0, None, 10, "riemann_trapezoid")
    unfrozen = kit_model(19)
    expect_close(got, captum_ig(unfrozen, x, 0, torch.zeros_like(x), 10, "riemann_trapezoid"),
                 "integrated_gradients(model with frozen weights)", **F64,
                 hint="differentiate with respect to the input (a leaf with requires_grad=True), "
                      "whatever the weights' flags")


@pytest.mark.points(1)
def test_works_under_no_grad(impl):
    model, x = kit_model(21), randn(3, 6, seed=22)
    with torch.no_grad():  # the caller's grad mode is the caller's; the local session shares it
        got = impl.gradient_x_input(model, x, 1)
    expected = captum_attr().InputXGradient(model).attribute(
        x[None].clone().requires_grad_(True), target=1)[0].sum(-1).detach()
    expect_close(got, expected, "gradient_x_input called inside torch.no_grad()", **F64,
                 hint="compute the gradient inside torch.enable_grad()")


@pytest.mark.points(1)
def test_inputs_unchanged(impl):
    model, x, baseline = kit_model(23), randn(5, 6, seed=24), randn(5, 6, seed=25)
    reports = [inspect_call(impl.gradient_x_input, model, x, 0)[1],
               inspect_call(impl.integrated_gradients, model, x, 0, baseline, 5, "riemann_right")[1],
               inspect_call(impl.occlusion, model, x, 0, baseline)[1]]
    changed = {key for report in reports for key in report}
    assert 1 not in changed, "embeddings were modified: work on a copy (x.clone())"
    assert 3 not in changed, "baseline was modified"
    assert 0 not in changed, "the model was modified (its weights, flags or mode)"


# --------------------------------------------------------------------------- top_tokens


TOP_CASES = [
    ("ties", [0.5, 2.0, 0.5, 0.5, -1.0], ["a", "b", "c", "d", "e"], 4, ["b", "a", "c", "d"]),
    ("all", [-3.0, -1.0, -2.0], ["x", "y", "z"], 3, ["y", "z", "x"]),
    ("repeated-word", [1.0, 3.0, 1.0, 2.0], ["the", "food", "the", "was"], 3,
     ["food", "was", "the"]),
    ("one", [0.1, 0.1, 0.1], ["p", "q", "r"], 1, ["p"]),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("name,scores,tokens,k,expected", TOP_CASES, ids=[c[0] for c in TOP_CASES])
def test_top_tokens(impl, name, scores, tokens, k, expected):
    got = impl.top_tokens(torch.tensor(scores, dtype=torch.float64), tokens, k)
    expect_str_list(got, f"top_tokens [{name}]")
    expect_equal(got, expected, f"top_tokens [{name}]",
                 hint="largest attribution first; ties keep sentence order; a repeated word is "
                      "listed once per occurrence")


@pytest.mark.points(1)
def test_top_tokens_leaves_its_arguments(impl):
    scores, tokens = torch.tensor([0.3, 0.9, 0.1]), ["u", "v", "w"]
    impl.top_tokens(scores, tokens, 2)
    assert scores.tolist() == pytest.approx([0.3, 0.9, 0.1]) and tokens == ["u", "v", "w"], \
        "top_tokens changed its arguments (sorted them in place?)"


# --------------------------------------------------------------------------- rank correlation


def spearman(a, b):
    stats = pytest.importorskip("scipy.stats", reason="the rank-correlation peer is SciPy")
    return float(stats.spearmanr(a.numpy(), b.numpy()).statistic)


@pytest.mark.points(1)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rank_correlation_matches_scipy(impl, seed):
    a, b = randn(12, seed=30 + seed), randn(12, seed=40 + seed)
    a[3] = a[7]            # ties in both: the mean of the tied ranks
    b[1] = b[2] = b[9]
    b = b + 0.5 * a
    got = impl.rank_correlation(a, b)
    expect_close(got, spearman(a, b), "rank_correlation(a, b) vs scipy.stats.spearmanr",
                 atol=1e-12, rtol=1e-9,
                 hint="tied values share the mean of their ranks; then the Pearson correlation")


@pytest.mark.points(1)
def test_rank_correlation_extremes(impl):
    a = torch.tensor([0.2, 5.0, -1.0, 3.0])
    expect_close(impl.rank_correlation(a, a * 10 + 1), 1.0, "rank_correlation(a, increasing(a))",
                 hint="only the order matters: any increasing function of a ranks like a")
    expect_close(impl.rank_correlation(a, -a ** 3), -1.0, "rank_correlation(a, decreasing(a))")
    expect_close(impl.rank_correlation(a, torch.full((4,), 2.0)), 0.0,
                 "rank_correlation(a, constant)", hint="a constant vector ranks nothing: 0.0")
    got = impl.rank_correlation(torch.tensor([1.0, 2.0]), torch.tensor([2.0, 1.0]))
    assert type(got) is float, f"rank_correlation should return a Python float, got {type(got).__name__}"


# --------------------------------------------------------------------------- the sanity check


@pytest.mark.points(2)
@pytest.mark.parametrize("method", ["gradient_x_input", "integrated_gradients", "occlusion"])
def test_randomization_similarity_value(impl, method):
    model = sentiment.sentiment_classifier()
    random_model = sentiment.reinitialized(model, seed=3)
    x = model.embed(sentiment.tokens("the referee was terrible and the match was boring"))
    attr = captum_attr()
    if method == "gradient_x_input":
        def explain(m):
            return attr.InputXGradient(m).attribute(x[None].clone().requires_grad_(True),
                                                    target=1)[0].sum(-1).detach()
    elif method == "integrated_gradients":
        def explain(m):
            return captum_ig(m, x, 1, torch.zeros_like(x), 50, "gausslegendre")
    else:
        def explain(m):
            return captum_occlusion(m, x, 1, 0.0)
    got = impl.randomization_similarity(model, random_model, x, 1, method)
    expect_close(got, spearman(explain(model), explain(random_model)),
                 f"randomization_similarity(trained, re-initialised, method={method!r})",
                 atol=1e-6, rtol=1e-6,
                 hint="the rank correlation of the trained model's attributions with the "
                      "re-initialised model's, both with the method's defaults")


@pytest.mark.points(2)
def test_integrated_gradients_pass_the_randomisation_check(impl):
    # Adebayo et al.: a faithful method explains a re-initialised model differently.
    # With the reference: mean similarity over 8 random models about -0.2 (each in [-0.8, 0.8]).
    model = sentiment.sentiment_classifier()
    words = sentiment.tokens("the referee was terrible and the match was boring but the coffee "
                             "was wonderful")
    x = model.embed(words)
    sims = [impl.randomization_similarity(model, sentiment.reinitialized(model, seed), x, 1)
            for seed in range(8)]
    assert all(type(s) is float and -1 - 1e-9 <= s <= 1 + 1e-9 for s in sims), \
        "randomization_similarity should return floats in [-1, 1]"
    assert sum(sims) / len(sims) < 0.5, (
        "integrated gradients of re-initialised models rank the tokens much like the trained "
        "model's -- is the second model's explanation computed with the second model?")
    same = impl.randomization_similarity(model, model, x, 1, "occlusion")
    expect_close(same, 1.0, "randomization_similarity(model, model)")


# --------------------------------------------------------------------------- the sentiment example


SENTENCES = [("the food was terrible", "negative", "terrible"),
             ("the referee was terrible", "negative", "terrible"),
             ("the new phone is fantastic", "positive", "fantastic"),
             ("what a brilliant save by the goalkeeper", "positive", "brilliant")]


@pytest.mark.points(1)
@pytest.mark.parametrize("method", ["gradient_x_input", "integrated_gradients", "occlusion"])
@pytest.mark.parametrize("text,label,word", SENTENCES, ids=[f"sentence{i}" for i in range(len(SENTENCES))])
def test_sentiment_explanations(impl, text, label, word, method):
    model = sentiment.sentiment_classifier()
    words = sentiment.tokens(text)
    attributions = getattr(impl, method)(model, model.embed(words), sentiment.LABELS.index(label))
    expect_tensor(attributions, f"{method}(a {len(words)}-word sentence)", shape=(len(words),),
                  dtype=torch.float32)
    top = impl.top_tokens(attributions, words, 1)
    expect_str_list(top, "top_tokens(...)")
    assert top == [word], (
        f"the {method} explanation of a {label} sentence of the kit's classifier does not put its "
        "sentiment word first -- check the sign (a token that raises the target logit scores "
        "high) and which logit you differentiate")


# --------------------------------------------------------------------------- no captum in the answer


@pytest.mark.points(2)
def test_answer_does_not_use_captum(impl):
    model, x = kit_model(50), randn(3, 6, seed=51)
    impl.gradient_x_input(model, x, 0)
    impl.integrated_gradients(model, x, 0, None, 4, "riemann_right")
    impl.occlusion(model, x, 0)
    found = run_kit(impl, "kit.loader:references_to", "captum", impl.gradient_x_input,
                    impl.integrated_gradients, impl.occlusion, impl.top_tokens,
                    impl.rank_correlation, impl.randomization_similarity)
    assert found == [], (
        "your code uses captum (" + "; ".join(map(str, found))[:300] + "): this exercise is "
        "to build the attribution methods yourself -- the graders compare them with Captum")


# --------------------------------------------------------------------------- errors


def _model():
    return kit_model(60, torch.float32)


def _x(shape=(3, 6)):
    return torch.ones(shape)


BAD_COMMON = [
    ("model-function", lambda: (lambda e: e.sum(0), _x(), 0), TypeError, "model"),
    ("embeddings-list", lambda: (_model(), [[1.0] * 6] * 3, 0), TypeError, "embeddings"),
    ("embeddings-int", lambda: (_model(), torch.ones(3, 6, dtype=torch.long), 0), TypeError,
     "embeddings"),
    ("embeddings-1d", lambda: (_model(), torch.ones(6), 0), ValueError, "embeddings"),
    ("embeddings-3d", lambda: (_model(), torch.ones(1, 3, 6), 0), ValueError, "embeddings"),
    ("embeddings-empty", lambda: (_model(), torch.ones(0, 6), 0), ValueError, "embeddings"),
    ("embeddings-nan", lambda: (_model(), torch.full((3, 6), math.nan), 0), ValueError,
     "embeddings"),
    ("target-float", lambda: (_model(), _x(), 1.0), TypeError, "target"),
    ("target-bool", lambda: (_model(), _x(), True), TypeError, "target"),
    ("target-negative", lambda: (_model(), _x(), -1), ValueError, "target"),
    ("target-too-large", lambda: (_model(), _x(), 3), ValueError, "target"),
    ("model-2d-logits", lambda: (nn.Identity(), _x(), 0), ValueError, "model"),
]
FUNCTIONS = ["gradient_x_input", "integrated_gradients", "occlusion"]


@pytest.mark.points(1)
@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("name,make,exc,match", BAD_COMMON, ids=[b[0] for b in BAD_COMMON])
def test_bad_common_arguments(impl, function, name, make, exc, match):
    model, x, target = make()
    with expect_raises(exc, f"{function} [{name}]", arg=match):
        getattr(impl, function)(model, x, target)


BAD_IG = [
    ("baseline-list", {"baseline": [[0.0] * 6] * 3}, TypeError, "baseline"),
    ("baseline-int", {"baseline": torch.zeros(3, 6, dtype=torch.long)}, TypeError, "baseline"),
    ("baseline-shape", {"baseline": torch.zeros(6)}, ValueError, "baseline"),
    ("baseline-nan", {"baseline": torch.full((3, 6), math.nan)}, ValueError, "baseline"),
    ("steps-float", {"steps": 10.0}, TypeError, "steps"),
    ("steps-bool", {"steps": True}, TypeError, "steps"),
    ("steps-zero", {"steps": 0}, ValueError, "steps"),
    ("trapezoid-one-step", {"steps": 1, "method": "riemann_trapezoid"}, ValueError, "steps"),
    ("method-unknown", {"method": "riemann_left"}, ValueError, "method"),
    ("method-not-str", {"method": 3}, TypeError, "method"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("name,kwargs,exc,match", BAD_IG, ids=[b[0] for b in BAD_IG])
def test_integrated_gradients_bad_arguments(impl, name, kwargs, exc, match):
    with expect_raises(exc, f"integrated_gradients [{name}]", arg=match):
        impl.integrated_gradients(_model(), _x(), 0, **kwargs)


BAD_OCCLUSION = [
    ("baseline-str", "0", TypeError, "baseline"),
    ("baseline-bool", False, TypeError, "baseline"),
    ("baseline-int-tensor", torch.zeros(6, dtype=torch.long), TypeError, "baseline"),
    ("baseline-shape", torch.zeros(3), ValueError, "baseline"),
    ("baseline-nan", math.nan, ValueError, "baseline"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("name,baseline,exc,match", BAD_OCCLUSION, ids=[b[0] for b in BAD_OCCLUSION])
def test_occlusion_bad_arguments(impl, name, baseline, exc, match):
    with expect_raises(exc, f"occlusion [{name}]", arg=match):
        impl.occlusion(_model(), _x(), 0, baseline)


BAD_TOP = [
    ("attributions-list", lambda: ([1.0, 2.0], ["a", "b"], 1), TypeError, "attributions"),
    ("attributions-2d", lambda: (torch.ones(1, 2), ["a", "b"], 1), ValueError, "attributions"),
    ("attributions-nan", lambda: (torch.tensor([1.0, math.nan]), ["a", "b"], 1), ValueError,
     "attributions"),
    ("tokens-str", lambda: (torch.ones(2), "ab", 1), TypeError, "tokens"),
    ("tokens-ints", lambda: (torch.ones(2), [1, 2], 1), TypeError, "tokens"),
    ("tokens-length", lambda: (torch.ones(2), ["a", "b", "c"], 1), ValueError, "tokens"),
    ("k-float", lambda: (torch.ones(2), ["a", "b"], 1.0), TypeError, "k"),
    ("k-zero", lambda: (torch.ones(2), ["a", "b"], 0), ValueError, "k"),
    ("k-too-large", lambda: (torch.ones(2), ["a", "b"], 3), ValueError, "k"),
]


@pytest.mark.points(1)
@bad_calls(BAD_TOP)
def test_top_tokens_bad_arguments(impl, bad):
    bad.check(impl.top_tokens, "top_tokens")


BAD_RANK = [
    ("first-list", lambda: ([1.0, 2.0], torch.ones(2)), TypeError, "first"),
    ("second-int", lambda: (torch.ones(2), torch.ones(2, dtype=torch.long)), TypeError, "second"),
    ("first-2d", lambda: (torch.ones(2, 2), torch.ones(4)), ValueError, "first"),
    ("lengths", lambda: (torch.ones(3), torch.ones(4)), ValueError, ("first", "second")),
    ("one-value", lambda: (torch.ones(1), torch.ones(1)), ValueError, ("first", "second")),
    ("second-nan", lambda: (torch.ones(2), torch.tensor([1.0, math.nan])), ValueError, "second"),
]


@pytest.mark.points(1)
@bad_calls(BAD_RANK)
def test_rank_correlation_bad_arguments(impl, bad):
    bad.check(impl.rank_correlation, "rank_correlation")


BAD_RANDOMIZATION = [
    ("randomized-model-dict", lambda: (_model(), {"w": torch.ones(2)}, "integrated_gradients"),
     TypeError, "randomized_model"),
    ("method-unknown", lambda: (_model(), _model(), "saliency"), ValueError, "method"),
    ("method-not-str", lambda: (_model(), _model(), None), TypeError, "method"),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("name,make,exc,match", BAD_RANDOMIZATION,
                         ids=[b[0] for b in BAD_RANDOMIZATION])
def test_randomization_similarity_bad_arguments(impl, name, make, exc, match):
    model, randomized_model, method = make()
    with expect_raises(exc, f"randomization_similarity [{name}]", arg=match):
        impl.randomization_similarity(model, randomized_model, _x(), 0, method)
