"""Hidden graders for compression."""

import math

import pytest
import torch
import torch.nn.functional as F
import torch.nn.utils.prune as torch_prune
from torch import nn

from kit.checks import bad_calls, expect_close, expect_equal, expect_tensor
from kit.remote import call_with_grad, inspect_call, run_kit


def randn(*shape, seed=0, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def reference_scale(w, dim):
    """max |w| over each channel along dim, / 127, in float32; 1 for an all-zero channel."""
    dim = dim % w.ndim
    others = [d for d in range(w.ndim) if d != dim]
    max_abs = w.detach().float().abs().amax(dim=others) if others else w.detach().float().abs()
    scale = max_abs / 127
    return torch.where(scale > 0, scale, torch.ones_like(scale))


def per_channel(values, ndim, dim):
    shape = [1] * ndim
    shape[dim % ndim] = -1
    return values.view(shape)


SHAPES = [((8, 16), 0), ((8, 16), 1), ((3, 4, 5), 1), ((3, 4, 5), -1), ((2, 3, 4, 5), 2),
          ((10,), 0), ((64, 33), -2)]
SHAPE_IDS = [f"{'x'.join(map(str, s))}-dim{d}" for s, d in SHAPES]


# --------------------------------------------------------------------------- quantize_int8


@pytest.mark.points(1)
@pytest.mark.parametrize("shape,dim", SHAPES, ids=SHAPE_IDS)
def test_quantize_shapes_and_dtypes(impl, shape, dim):
    w = randn(*shape, seed=1) * 3
    q, scale = impl.quantize_int8(w, dim)
    expect_tensor(q, f"q of quantize_int8(w {shape}, dim={dim})", shape=shape, dtype=torch.int8)
    expect_tensor(scale, f"scale of quantize_int8(w {shape}, dim={dim})", shape=(shape[dim],),
                  dtype=torch.float32, hint="one float32 scale per index along dim: (w.shape[dim],)")


@pytest.mark.points(1)
@pytest.mark.parametrize("shape,dim", SHAPES, ids=SHAPE_IDS)
def test_quantize_scale_is_max_abs_over_127(impl, shape, dim):
    w = randn(*shape, seed=2) * 0.7
    _, scale = impl.quantize_int8(w, dim)
    expect_close(scale, reference_scale(w, dim), f"scale of quantize_int8(w {shape}, dim={dim})",
                 hint="scale[c] = max |w| over every entry whose dim-coordinate is c, divided by "
                      "127 (not 128, not 255; the maximum of |w|, not of w)")


@pytest.mark.points(2)
@pytest.mark.parametrize("shape,dim", SHAPES, ids=SHAPE_IDS)
def test_round_trip_error_bound(impl, shape, dim):
    # Heavy-tailed values: a few large entries per channel make any scale mistake visible.
    w = randn(*shape, seed=3) ** 3
    q, scale = impl.quantize_int8(w, dim)
    expect_tensor(q, "q", shape=shape, dtype=torch.int8)
    expect_tensor(scale, "scale", shape=(shape[dim],), dtype=torch.float32)
    assert int(q.abs().max()) <= 127, "q must stay within [-127, 127] (symmetric: -128 is not used)"
    w_hat = impl.dequantize(q, scale, dim)
    expect_tensor(w_hat, "dequantize(q, scale, dim)", shape=shape, dtype=torch.float32)
    half_step = per_channel(scale, w.ndim, dim).double() / 2
    ratio = float(((w_hat.double() - w.double()).abs() / half_step).max())
    assert ratio <= 1 + 1e-5, (
        f"round-trip error up to {ratio:.3f} half-steps (at most 1 allowed) -- round to nearest "
        "(not truncate), scale = max|w| / 127 per channel along dim")


@pytest.mark.points(2)
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("shape,dim", SHAPES, ids=SHAPE_IDS)
def test_matches_torch_quantize_per_channel(impl, shape, dim):
    if not hasattr(torch, "quantize_per_channel"):
        pytest.skip("this PyTorch release has no torch.quantize_per_channel to compare with")
    w = randn(*shape, seed=4) * 2
    q, scale = impl.quantize_int8(w, dim)
    expect_tensor(q, "q", shape=shape, dtype=torch.int8)
    expect_tensor(scale, "scale", shape=(shape[dim],), dtype=torch.float32)
    expected = torch.quantize_per_channel(w, scale.double(), torch.zeros(len(scale), dtype=torch.long),
                                          dim % w.ndim, torch.qint8).int_repr()
    different = int((q != expected).sum())
    assert different == 0, (
        f"{different} of {q.numel()} values differ from torch.quantize_per_channel with your own "
        "scales -- q = round(w / scale) with round half to even (torch.round), no offset")


@pytest.mark.points(2)
def test_per_channel_not_per_tensor(impl):
    # Row 0 holds one huge weight; rows 1-3 are small. Per channel, the small rows keep
    # their precision; one scale for the whole tensor would round them all to 0.
    w = randn(4, 32, seed=5) * 0.01
    w[0, 3] = 100.0
    q, scale = impl.quantize_int8(w, 0)
    expect_tensor(scale, "scale", shape=(4,), dtype=torch.float32)
    w_hat = impl.dequantize(q, scale, 0)
    expect_tensor(w_hat, "dequantize(q, scale)", shape=(4, 32), dtype=torch.float32)
    error = float((w_hat[1:] - w[1:]).abs().max())
    assert error <= 0.02 / 127, (
        f"small rows lost their precision (error {error:.2g}) next to a row with a large weight "
        "-- one scale per channel along dim, not one for the whole tensor")


@pytest.mark.points(2)
def test_all_zero_channel(impl):
    w = randn(3, 5, seed=6)
    w[1] = 0.0
    q, scale = impl.quantize_int8(w, 0)
    expect_tensor(scale, "scale", shape=(3,), dtype=torch.float32)
    assert torch.isfinite(scale).all() and float(scale[1]) == 1.0, \
        "an all-zero channel should get scale 1.0 (max|w| / 127 = 0 would divide 0 by 0)"
    expect_tensor(q, "q", shape=(3, 5), dtype=torch.int8)
    assert q[1].tolist() == [0] * 5, "an all-zero channel should quantize to zeros"
    w_hat = impl.dequantize(q, scale, 0)
    assert torch.isfinite(w_hat).all() and bool((w_hat[1] == 0).all()), \
        "the zero channel should come back as zeros, without NaN"


@pytest.mark.points(1)
def test_largest_weight_maps_to_127(impl):
    w = torch.tensor([[0.3, -0.9, 0.45], [2.0, 1.0, -0.5]])
    q, _ = impl.quantize_int8(w, 0)
    expect_tensor(q, "q", shape=(2, 3), dtype=torch.int8)
    assert q.abs().amax(dim=1).tolist() == [127, 127], \
        "the largest |w| of each channel should map to +-127 (use the whole symmetric range)"


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float16], ids=["float64", "float16"])
def test_other_float_dtypes(impl, dtype):
    w = randn(6, 7, seed=7).to(dtype)
    q, scale = impl.quantize_int8(w, 1)
    expect_tensor(q, f"q of a {dtype} tensor", shape=(6, 7), dtype=torch.int8)
    expect_tensor(scale, f"scale of a {dtype} tensor", shape=(7,), dtype=torch.float32,
                  hint="scales are float32 whatever the input's dtype")
    expect_close(scale, reference_scale(w, 1), "scale")


@pytest.mark.points(1)
def test_quantize_leaves_w_alone(impl):
    w = randn(5, 6, seed=8)
    _, changed = inspect_call(impl.quantize_int8, w, 0)
    assert not changed, "quantize_int8 changed its input"


BAD_QUANTIZE = [
    ("list", lambda: ([[1.0, 2.0]], 0), TypeError, "w"),
    ("int-tensor", lambda: (torch.ones(2, 3, dtype=torch.int64), 0), TypeError, "w"),
    ("0-d", lambda: (torch.tensor(1.0), 0), ValueError, "w"),
    ("dim-too-large", lambda: (torch.ones(2, 3), 2), ValueError, "dim"),
    ("dim-too-small", lambda: (torch.ones(2, 3), -3), ValueError, "dim"),
    ("dim-float", lambda: (torch.ones(2, 3), 0.0), TypeError, "dim"),
    ("nan", lambda: (torch.tensor([[1.0, float("nan")]]), 0), ValueError, "w"),
]


@pytest.mark.points(1)
@bad_calls(BAD_QUANTIZE)
def test_quantize_bad_input(impl, bad):
    bad.check(impl.quantize_int8, "quantize_int8")


# --------------------------------------------------------------------------- dequantize


@pytest.mark.points(1)
@pytest.mark.parametrize("shape,dim", SHAPES[:5], ids=SHAPE_IDS[:5])
def test_dequantize_is_q_times_scale(impl, shape, dim):
    g = torch.Generator().manual_seed(9)
    q = torch.randint(-127, 128, shape, generator=g).to(torch.int8)
    scale = torch.rand(shape[dim], generator=g) + 0.1
    expected = q.float() * per_channel(scale, len(shape), dim)
    expect_close(impl.dequantize(q, scale, dim), expected, f"dequantize(q {shape}, scale, dim={dim})",
                 hint="broadcast scale along dim: scale.view(1, .., -1, .., 1)")


BAD_DEQUANTIZE = [
    ("q-float", lambda: (torch.ones(2, 3), torch.ones(2), 0), TypeError, "q"),
    ("q-int32", lambda: (torch.ones(2, 3, dtype=torch.int32), torch.ones(2), 0), TypeError, "q"),
    ("scale-int", lambda: (torch.ones(2, 3, dtype=torch.int8), torch.ones(2, dtype=torch.int64), 0),
     TypeError, "scale"),
    ("scale-length", lambda: (torch.ones(2, 3, dtype=torch.int8), torch.ones(3), 0), ValueError,
     "scale"),
    ("dim-out-of-range", lambda: (torch.ones(2, 3, dtype=torch.int8), torch.ones(2), 5), ValueError,
     "dim"),
]


@pytest.mark.points(1)
@bad_calls(BAD_DEQUANTIZE)
def test_dequantize_bad_input(impl, bad):
    bad.check(impl.dequantize, "dequantize")


# --------------------------------------------------------------------------- magnitude_prune


@pytest.mark.points(2)
@pytest.mark.parametrize("sparsity", [0.3, 0.5, 0.9], ids=["30pc", "50pc", "90pc"])
def test_prune_matches_torch_l1_unstructured(impl, sparsity):
    torch.manual_seed(0)  # nn.Linear's initialisation; any values without ties will do
    layer = nn.Linear(20, 15)
    w = layer.weight.detach().clone()
    torch_prune.l1_unstructured(layer, "weight", amount=sparsity)
    expect_close(impl.magnitude_prune(w, sparsity), layer.weight.detach(),
                 f"magnitude_prune(w 15x20, {sparsity})",
                 hint="zero the round(sparsity * numel) entries of smallest |w| over the whole tensor")


@pytest.mark.points(1)
@pytest.mark.parametrize("sparsity,zeros", [(0.35, 4), (0.21, 2), (0.25, 2), (0.96, 10)],
                         ids=["0.35", "0.21", "0.25", "0.96"])
def test_prune_count_is_rounded(impl, sparsity, zeros):
    w = torch.arange(1.0, 11.0)
    got = impl.magnitude_prune(w, sparsity)
    expect_tensor(got, f"magnitude_prune(w of 10, {sparsity})", shape=(10,), dtype=torch.float32)
    expect_equal(int((got == 0).sum()), zeros, f"zeros after magnitude_prune(w of 10, {sparsity})",
                 hint="k = round(sparsity * numel), Python's round (as torch's prune does)")
    assert torch.equal(got[zeros:], w[zeros:]), "the largest weights should be kept unchanged"


@pytest.mark.points(2)
def test_prune_exactly_k_with_ties(impl):
    w = torch.tensor([1.0, -1.0, 1.0, 1.0, 2.0, -2.0, 3.0, 4.0])
    got = impl.magnitude_prune(w, 0.25)
    expect_tensor(got, "magnitude_prune(w with ties, 0.25)", shape=(8,), dtype=torch.float32)
    assert int((got == 0).sum()) == 2, (
        f"{int((got == 0).sum())} entries zeroed, exactly 2 (25 % of 8) expected -- with ties at "
        "the cut-off, `|w| <= threshold` zeroes too many; pick exactly k (e.g. torch.topk)")
    assert torch.equal(got[4:], w[4:]) and bool((got[:4].abs() <= 1).all()), \
        "only entries of magnitude 1 should be zeroed"


@pytest.mark.points(1)
def test_prune_by_magnitude_not_value(impl):
    w = torch.tensor([-5.0, 0.1, 3.0, -0.2])
    expect_close(impl.magnitude_prune(w, 0.5), torch.tensor([-5.0, 0.0, 3.0, 0.0]),
                 "magnitude_prune([-5, 0.1, 3, -0.2], 0.5)",
                 hint="smallest |w|: a large negative weight matters as much as a large positive one")


@pytest.mark.points(1)
def test_prune_keeps_shape_dtype_and_input(impl):
    w = randn(3, 4, 5, seed=10, dtype=torch.float64)
    got, changed = inspect_call(impl.magnitude_prune, w, 0.6)
    expect_tensor(got, "magnitude_prune(w 3x4x5 float64, 0.6)", shape=(3, 4, 5), dtype=torch.float64)
    assert not changed, "magnitude_prune changed its input: return a pruned copy"
    assert int((got == 0).sum()) == 36 and torch.equal(got[got != 0], w[got != 0]), \
        "36 of 60 entries should be zeroed and the others kept as they were"


@pytest.mark.points(1)
def test_prune_zero_and_one(impl):
    w = randn(4, 4, seed=11)
    expect_close(impl.magnitude_prune(w, 0.0), w, "magnitude_prune(w, 0.0)",
                 hint="sparsity 0 zeroes nothing")
    expect_close(impl.magnitude_prune(w, 1.0), torch.zeros(4, 4), "magnitude_prune(w, 1.0)",
                 hint="sparsity 1 zeroes everything")


BAD_PRUNE = [
    ("w-list", lambda: ([1.0, 2.0], 0.5), TypeError, "w"),
    ("w-int", lambda: (torch.ones(4, dtype=torch.int64), 0.5), TypeError, "w"),
    ("sparsity-str", lambda: (torch.ones(4), "0.5"), TypeError, "sparsity"),
    ("sparsity-bool", lambda: (torch.ones(4), True), TypeError, "sparsity"),
    ("sparsity-negative", lambda: (torch.ones(4), -0.1), ValueError, "sparsity"),
    ("sparsity-above-1", lambda: (torch.ones(4), 1.5), ValueError, "sparsity"),
    ("sparsity-nan", lambda: (torch.ones(4), math.nan), ValueError, "sparsity"),
]


@pytest.mark.points(1)
@bad_calls(BAD_PRUNE)
def test_prune_bad_input(impl, bad):
    bad.check(impl.magnitude_prune, "magnitude_prune")


# --------------------------------------------------------------------------- model_size_bytes


@pytest.mark.points(1)
@pytest.mark.parametrize("bits,expected", [(32, 4_004_000), (16, 2_002_000), (8, 1_001_000),
                                           (4, 500_500)], ids=["32", "16", "8", "4"])
def test_size_of_linear(impl, bits, expected):
    expect_equal(impl.model_size_bytes(nn.Linear(1000, 1000), bits), expected,
                 f"model_size_bytes(Linear(1000, 1000), {bits})",
                 hint="(weights + biases) x bits / 8 bytes")


@pytest.mark.points(1)
def test_size_rounds_up(impl):
    # Linear(3, 3) has 12 parameters, Linear(7, 1) 8: 20 at 3 bits = 60 bits = 7.5 bytes -> 8.
    model = nn.Sequential(nn.Linear(3, 3), nn.Linear(7, 1))
    expect_equal(impl.model_size_bytes(model, 3), 8, "model_size_bytes(20 parameters, 3 bits)",
                 hint="a partly used byte is still a byte: round up (math.ceil)")


@pytest.mark.points(1)
def test_size_counts_parameters_not_buffers(impl):
    model = nn.Sequential(nn.Linear(10, 20), nn.BatchNorm1d(20))  # 220 + 40 parameters
    expect_equal(impl.model_size_bytes(model), 1040, "model_size_bytes(Linear + BatchNorm1d)",
                 hint="count model.parameters(); BatchNorm's running mean/var are buffers")


@pytest.mark.points(1)
def test_size_counts_a_shared_weight_once(impl):
    embedding = nn.Embedding(50, 8)
    head = nn.Linear(8, 50, bias=False)
    head.weight = embedding.weight  # weight tying, as in many language models
    model = nn.Sequential(embedding, head)
    expect_equal(impl.model_size_bytes(model, 8), 400, "model_size_bytes(tied embedding/head, 8)",
                 hint="model.parameters() yields a shared parameter once; state_dict() lists it twice")


BAD_SIZE = [
    ("model-dict", lambda: ({"w": torch.ones(3)}, 32), TypeError, "model"),
    ("bits-float", lambda: (nn.Linear(2, 2), 8.0), TypeError, "bits_per_param"),
    ("bits-bool", lambda: (nn.Linear(2, 2), True), TypeError, "bits_per_param"),
    ("bits-zero", lambda: (nn.Linear(2, 2), 0), ValueError, "bits_per_param"),
]


@pytest.mark.points(1)
@bad_calls(BAD_SIZE)
def test_size_bad_input(impl, bad):
    bad.check(impl.model_size_bytes, "model_size_bytes")


# --------------------------------------------------------------------------- distillation_loss


def reference_loss(student, teacher, temperature):
    s, t = student.reshape(-1, student.shape[-1]), teacher.reshape(-1, teacher.shape[-1])
    return temperature ** 2 * F.kl_div(F.log_softmax(s / temperature, -1),
                                       F.softmax(t / temperature, -1), reduction="batchmean")


@pytest.mark.points(2)
@pytest.mark.parametrize("temperature", [1.0, 2.0, 4.5], ids=["T1", "T2", "T4.5"])
def test_distillation_matches_kl_div_2d(impl, temperature):
    student, teacher = randn(6, 11, seed=12) * 3, randn(6, 11, seed=13) * 3
    got = impl.distillation_loss(student, teacher, temperature)
    expect_tensor(got, "distillation_loss(...)", shape=(), dtype=torch.float32)
    expect_close(got, reference_loss(student, teacher, temperature),
                 f"distillation_loss(6x11 logits, T={temperature})",
                 hint="T**2 * KL(softmax(teacher/T) || softmax(student/T)), averaged over rows: "
                      "the teacher's distribution weights the log-ratio")


@pytest.mark.points(2)
def test_distillation_averages_over_all_positions(impl):
    student, teacher = randn(3, 5, 7, seed=14), randn(3, 5, 7, seed=15)
    got = impl.distillation_loss(student, teacher, 2.0)
    expect_tensor(got, "distillation_loss(3x5x7 logits)", shape=(), dtype=torch.float32)
    expect_close(got, reference_loss(student, teacher, 2.0), "distillation_loss((B, L, V) logits)",
                 hint="average over all B x L positions (F.kl_div's batchmean divides by B only)")


@pytest.mark.points(1)
def test_distillation_default_temperature_is_2(impl):
    student, teacher = randn(4, 6, seed=16), randn(4, 6, seed=17)
    expect_close(impl.distillation_loss(student, teacher), reference_loss(student, teacher, 2.0),
                 "distillation_loss(student, teacher) with the default temperature")


@pytest.mark.points(1)
def test_distillation_single_position(impl):
    student, teacher = randn(9, seed=18), randn(9, seed=19)
    expect_close(impl.distillation_loss(student, teacher, 3.0), reference_loss(student, teacher, 3.0),
                 "distillation_loss(1-D logits (V,), T=3)")


@pytest.mark.points(1)
def test_distillation_zero_for_equal_logits(impl):
    logits = randn(5, 8, seed=20)
    got = impl.distillation_loss(logits, logits.clone(), 3.0)
    expect_tensor(got, "distillation_loss(same, same)", shape=(), dtype=torch.float32)
    assert abs(float(got)) < 1e-6, f"the loss of identical logits should be 0, got {float(got):.3g}"


@pytest.mark.points(1)
def test_distillation_keeps_float64(impl):
    student, teacher = randn(3, 4, seed=21, dtype=torch.float64), randn(3, 4, seed=22, dtype=torch.float64)
    expect_close(impl.distillation_loss(student, teacher, 2.0), reference_loss(student, teacher, 2.0),
                 "distillation_loss(float64 logits)")


@pytest.mark.points(2)
def test_distillation_large_logits_stay_finite(impl):
    student = torch.tensor([[3000.0, -3000.0, 0.0], [0.0, 2500.0, -2500.0]])
    teacher = torch.tensor([[-3000.0, 3000.0, 0.0], [0.0, 2500.0, -2500.0]])
    got = impl.distillation_loss(student, teacher, 1.0)
    expect_tensor(got, "distillation_loss(logits of +-3000)", shape=(), dtype=torch.float32)
    assert math.isfinite(float(got)), (
        "the loss of large logits is not finite -- log(softmax(x)) underflows to log(0) = -inf; "
        "use F.log_softmax")
    expect_close(got, reference_loss(student, teacher, 1.0), "distillation_loss(logits of +-3000)",
                 rtol=1e-4)


@pytest.mark.points(2)
def test_distillation_gradient(impl):
    student, teacher = randn(4, 6, seed=23), randn(4, 6, seed=24)
    _, (grad_student, grad_teacher) = call_with_grad(impl.distillation_loss, student, teacher, 2.5,
                                                     wrt=(0, 1))
    s = student.clone().requires_grad_(True)
    reference_loss(s, teacher, 2.5).backward()
    expect_close(grad_student, s.grad, "d loss / d student_logits", rtol=1e-4, atol=1e-6,
                 hint="T**2 * KL(teacher || student): the gradient is T * (p_student - p_teacher) / N")
    assert grad_teacher is None or float(grad_teacher.abs().max()) == 0.0, \
        "the teacher is a fixed target: detach teacher_logits so no gradient reaches it"


BAD_DISTILL = [
    ("student-list", lambda: ([[1.0, 2.0]], torch.zeros(1, 2), 2.0), TypeError, "student_logits"),
    ("teacher-int", lambda: (torch.zeros(1, 2), torch.zeros(1, 2, dtype=torch.long), 2.0), TypeError,
     "teacher_logits"),
    ("temperature-str", lambda: (torch.zeros(1, 2), torch.zeros(1, 2), "2"), TypeError, "temperature"),
    ("shapes", lambda: (torch.zeros(2, 3), torch.zeros(2, 4), 2.0), ValueError, ("student_logits", "teacher_logits")),
    ("0-d", lambda: (torch.tensor(1.0), torch.tensor(1.0), 2.0), ValueError, ("student_logits", "teacher_logits")),
    ("temperature-negative", lambda: (torch.zeros(1, 2), torch.zeros(1, 2), -1.0), ValueError,
     "temperature"),
    ("temperature-inf", lambda: (torch.zeros(1, 2), torch.zeros(1, 2), math.inf), ValueError,
     "temperature"),
]


@pytest.mark.points(1)
@bad_calls(BAD_DISTILL)
def test_distillation_bad_input(impl, bad):
    bad.check(impl.distillation_loss, "distillation_loss")


# --------------------------------------------------------------------------- the chapter-3 tiny model


@pytest.fixture(scope="module")
def course_model(load_impl):
    """The chapter-3 tiny language model (the implementation's own ``transformer``), trained once
    on the "Jane, who lives in New York..." sentence, lazily inside the first test using it."""
    cache = {}

    def get():
        if not cache:
            from kit.tiny_lm import TINY_CONFIG, sentence_vocabulary

            transformer = load_impl("transformer")
            vocab = sentence_vocabulary()
            model = transformer.TinyLanguageModel(len(vocab), **TINY_CONFIG)
            run_kit(transformer, "kit.tiny_lm:train_tiny_lm", model, seed=0)
            cache.update(transformer=transformer, vocab=vocab, model=model)
        return cache["transformer"], cache["vocab"], cache["model"]

    return get


@pytest.mark.points(3)
@pytest.mark.slow
def test_int8_tiny_language_model_keeps_its_completion(impl, course_model):
    # With the reference: no completed word changes (largest logit change 0.04 of logits up
    # to 7.6); 18,387 parameters: 73,548 bytes at 32 bits, 18,387 at 8 bits (4x smaller).
    from kit.tiny_lm import COMPLETION, PROMPT, SENTENCE, TINY_CONFIG, words

    transformer, vocab, model = course_model()
    prompt = torch.tensor(vocab.encode(PROMPT))
    n_new = len(words(COMPLETION))
    before = transformer.generate(model, prompt, n_new)
    assert vocab.decode(before) == SENTENCE, (
        "your transformer exercise, trained on the course's sentence, does not complete the Jane "
        "prompt (finish the transformer exercise first); it wrote: " + repr(vocab.decode(before)))

    # Weight-only int8: every weight matrix (2-D parameter) quantized per output row and
    # dequantized; biases and LayerNorm parameters stay float32.
    state = model.state_dict()
    quantized = {}
    for name, w in state.items():
        if w.is_floating_point() and w.ndim == 2:
            q, scale = impl.quantize_int8(w, 0)
            expect_tensor(q, f"q of {name}", shape=tuple(w.shape), dtype=torch.int8)
            expect_tensor(scale, f"scale of {name}", shape=(w.shape[0],), dtype=torch.float32)
            w = impl.dequantize(q, scale, 0)
            expect_tensor(w, f"dequantized {name}", shape=tuple(state[name].shape),
                          dtype=torch.float32)
        quantized[name] = w
    assert sum(state[n].ndim == 2 for n in state) >= 10, "the tiny model should have weight matrices"
    int8_model = transformer.TinyLanguageModel(len(vocab), **TINY_CONFIG)
    int8_model.load_state_dict(quantized)
    int8_model.eval()
    after = transformer.generate(int8_model, prompt, n_new)
    changed = int((after[len(prompt):] != before[len(prompt):]).sum())
    assert changed <= 1, (
        f"with int8 weights, {changed} of the {n_new} completed words change (at most 1 allowed); "
        "it wrote: " + repr(vocab.decode(after)) + " -- check the per-channel scales and rounding")

    # Four times smaller: 32 -> 8 bits per parameter.
    size32, size8 = impl.model_size_bytes(model, 32), impl.model_size_bytes(model, 8)
    n_params = sum(p.numel() for p in model.parameters())
    expect_equal(size32, 4 * n_params, "model_size_bytes(tiny model, 32)")
    expect_equal(size8, n_params, "model_size_bytes(tiny model, 8)")
