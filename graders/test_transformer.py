"""Hidden graders for transformer."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from kit.checks import expect_close, expect_equal, expect_raises, expect_tensor
from kit.remote import inspect_call
from kit.tiny_lm import COMPLETION, PROMPT, SENTENCE, lazy_course_model, words


def _randn(*shape, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float64).to(dtype)


def _is_norm_weight(name):
    return name.endswith(("norm1.weight", "norm2.weight")) or name == "norm.weight"


def _random_state_dict(module, seed, dtype=None):
    """Seeded random values for every entry of a module's state_dict (LayerNorm weights near 1)."""
    sd = {}
    for i, (name, value) in enumerate(module.state_dict().items()):
        r = _randn(*value.shape, seed=seed + i, dtype=dtype or value.dtype) * 0.3
        sd[name] = 1 + r if _is_norm_weight(name) else r
    return sd


def _loaded(module, seed, dtype=torch.float32):
    """Random weights loaded into an implementation's module; returns (module, state_dict)."""
    if dtype != torch.float32:
        module.to(dtype)
    sd = _random_state_dict(module, seed, dtype)
    module.load_state_dict(sd)
    return module, sd


def _block_to_torch(sd, prefix=""):
    """Our TransformerBlock's weights under torch.nn.TransformerEncoderLayer's names."""
    p = prefix
    return {
        "self_attn.in_proj_weight": torch.cat([sd[f"{p}attn.q_proj.weight"], sd[f"{p}attn.k_proj.weight"],
                                               sd[f"{p}attn.v_proj.weight"]]),
        "self_attn.in_proj_bias": torch.cat([sd[f"{p}attn.q_proj.bias"], sd[f"{p}attn.k_proj.bias"],
                                             sd[f"{p}attn.v_proj.bias"]]),
        "self_attn.out_proj.weight": sd[f"{p}attn.out_proj.weight"],
        "self_attn.out_proj.bias": sd[f"{p}attn.out_proj.bias"],
        "linear1.weight": sd[f"{p}ff.linear1.weight"], "linear1.bias": sd[f"{p}ff.linear1.bias"],
        "linear2.weight": sd[f"{p}ff.linear2.weight"], "linear2.bias": sd[f"{p}ff.linear2.bias"],
        "norm1.weight": sd[f"{p}norm1.weight"], "norm1.bias": sd[f"{p}norm1.bias"],
        "norm2.weight": sd[f"{p}norm2.weight"], "norm2.bias": sd[f"{p}norm2.bias"],
    }


def _torch_block(sd, d_model, n_heads, d_ff, dtype, prefix=""):
    layer = nn.TransformerEncoderLayer(d_model, n_heads, d_ff, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=True, dtype=dtype).eval()
    layer.load_state_dict(_block_to_torch(sd, prefix))
    return layer


def _run_torch_block(layer, x, causal):
    with torch.no_grad():
        if not causal:
            return layer(x)
        L = x.shape[1]
        mask = nn.Transformer.generate_square_subsequent_mask(L, dtype=x.dtype)
        return layer(x, src_mask=mask, is_causal=True)


BLOCK_HINT = ("pre-layer-norm residual block: x = x + attn(norm1(x)) (causal if the block is), "
              "then x = x + ff(norm2(x)); no norm after the addition")


# --------------------------------------------------------------------------- FeedForward


FF_CASES = [
    ("(B, L, D) float32", (2, 5, 8), 32, torch.float32),
    ("(L, D) float64", (6, 4), 10, torch.float64),
    ("(B, H, L, D) float32", (2, 2, 3, 6), 12, torch.float32),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("label,shape,d_ff,dtype", FF_CASES, ids=[c[0] for c in FF_CASES])
def test_feed_forward(impl, label, shape, d_ff, dtype):
    ff, sd = _loaded(impl.FeedForward(shape[-1], d_ff), seed=10, dtype=dtype)
    x = _randn(*shape, seed=11, dtype=dtype) * 2
    hidden = F.linear(x, sd["linear1.weight"], sd["linear1.bias"])
    expected = F.linear(F.gelu(hidden), sd["linear2.weight"], sd["linear2.bias"])
    expect_close(ff(x), expected, f"FeedForward(x) [{label}]",
                 hint="linear1, then the exact GELU (torch.nn.functional.gelu, not ReLU and not "
                      "the tanh approximation), then linear2")


# --------------------------------------------------------------------------- TransformerBlock


BLOCK_CASES = [
    ("encoder, float64", 8, 2, 16, False, 5, torch.float64),
    ("decoder, float64", 8, 2, 16, True, 5, torch.float64),
    ("encoder, 4 heads, float32", 16, 4, 24, False, 7, torch.float32),
    ("decoder, 1 head, float32", 12, 1, 20, True, 6, torch.float32),
]


@pytest.mark.points(2)
@pytest.mark.parametrize("case", BLOCK_CASES, ids=[c[0] for c in BLOCK_CASES])
def test_block_matches_torch_encoder_layer(impl, case):
    label, d, h, d_ff, causal, L, dtype = case
    block, sd = _loaded(impl.TransformerBlock(d, h, d_ff, causal=causal), seed=20, dtype=dtype)
    ref = _torch_block(sd, d, h, d_ff, dtype)
    x = _randn(3, L, d, seed=21, dtype=dtype)
    out = block(x)
    expect_tensor(out, f"TransformerBlock(x) [{label}]", shape=(3, L, d), dtype=dtype)
    expect_close(out, _run_torch_block(ref, x, causal),
                 f"TransformerBlock vs torch.nn.TransformerEncoderLayer(norm_first=True) [{label}]",
                 hint=BLOCK_HINT if not causal else BLOCK_HINT + "; is_causal=self.causal")


@pytest.mark.points(1)
def test_decoder_block_is_causal(impl):
    block, _ = _loaded(impl.TransformerBlock(8, 2, 16, causal=True), seed=30)
    x = _randn(2, 6, 8, seed=31)
    changed = x.clone()
    changed[:, 3] = _randn(2, 8, seed=34)  # not a constant shift: LayerNorm would remove that
    before, after = block(x), block(changed)
    expect_close(after[:, :3], before[:, :3], "decoder block outputs 0..2 after changing input 3",
                 hint="pass is_causal=self.causal to the attention")


@pytest.mark.points(1)
def test_encoder_block_sees_the_whole_sequence(impl):
    block, _ = _loaded(impl.TransformerBlock(8, 2, 16, causal=False), seed=32)
    x = _randn(2, 6, 8, seed=33)
    changed = x.clone()
    changed[:, 5] = _randn(2, 8, seed=35)
    before, after = block(x), block(changed)
    expect_tensor(before, "encoder block output", shape=(2, 6, 8))
    assert not torch.allclose(after[:, 0], before[:, 0]), (
        "an encoder block (causal=False) should let position 0 see the last position, but changing "
        "the last input did not change output 0 -- is the causal mask applied to every block?")


@pytest.mark.points(1)
def test_block_wrong_heads_is_a_value_error(impl):
    with expect_raises(ValueError, "TransformerBlock(d_model=10, n_heads=4)",
                       arg=("d_model", "n_heads")):
        block = impl.TransformerBlock(10, 4, 16, causal=True)
        block(_randn(1, 3, 10))


# --------------------------------------------------------------------------- TinyLanguageModel


def _expected_logits(sd, positions, ids, n_layers, d_model, n_heads, d_ff, dtype):
    """The tiny language model, put together from torch's own layers and the given weights."""
    x = F.embedding(ids, sd["embedding.weight"]) + positions[:ids.shape[1]]
    for i in range(n_layers):
        layer = _torch_block(sd, d_model, n_heads, d_ff, dtype, prefix=f"blocks.{i}.")
        x = _run_torch_block(layer, x, causal=True)
    x = F.layer_norm(x, (d_model,), sd["norm.weight"], sd["norm.bias"])
    return F.linear(x, sd["lm_head.weight"], sd["lm_head.bias"])


LM_CASES = [
    # (id, vocab, d_model, heads, layers, d_ff, max_len, B, L, dtype)
    ("2 layers, float64", 13, 8, 2, 2, 16, 12, 3, 9, torch.float64),
    ("1 layer, L == max_len, float32", 7, 16, 4, 1, 32, 6, 2, 6, torch.float32),
    ("3 layers, L = 1, float64", 5, 8, 1, 3, 8, 4, 2, 1, torch.float64),
]


@pytest.mark.points(2)
@pytest.mark.parametrize("case", LM_CASES, ids=[c[0] for c in LM_CASES])
def test_language_model_matches_torch_layers(impl, case):
    label, vocab, d, h, n_layers, d_ff, max_len, B, L, dtype = case
    model, sd = _loaded(impl.TinyLanguageModel(vocab, d, h, n_layers, d_ff, max_len), seed=40, dtype=dtype)
    positions = model.positions
    expect_tensor(positions, "TinyLanguageModel.positions (the given buffer)", shape=(max_len, d))
    ids = torch.randint(0, vocab, (B, L), generator=torch.Generator().manual_seed(41))
    logits = model(ids)
    expect_tensor(logits, f"logits [{label}]", shape=(B, L, vocab), dtype=dtype)
    expected = _expected_logits(sd, positions, ids, n_layers, d, h, d_ff, dtype)
    expect_close(logits, expected, f"TinyLanguageModel logits [{label}]",
                 hint="embedding(ids) + positions[:L], every block in order, the final norm, "
                      "then lm_head")


@pytest.mark.points(2)
@pytest.mark.parametrize("where", [1, 4, 7])
def test_changing_a_future_token_never_changes_earlier_logits(impl, where):
    model, _ = _loaded(impl.TinyLanguageModel(10, 8, 2, 2, 16, 12), seed=50)
    ids = torch.tensor([[3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8]])
    changed = ids.clone()
    changed[:, where] = (changed[:, where] + 5) % 10
    before, after = model(ids), model(changed)
    expect_close(after[:, :where], before[:, :where],
                 f"logits of positions 0..{where - 1} after changing token {where}",
                 hint="every block of the language model must be causal")
    assert not torch.allclose(after[:, where:], before[:, where:]), \
        f"changing token {where} should change the logits from position {where} on"


@pytest.mark.points(1)
def test_positions_make_repeated_tokens_differ(impl):
    model, _ = _loaded(impl.TinyLanguageModel(6, 8, 2, 1, 16, 8), seed=60)
    logits = model(torch.full((1, 5), 3, dtype=torch.long))
    expect_tensor(logits, "logits of five equal tokens", shape=(1, 5, 6))
    assert not torch.allclose(logits[0, 1], logits[0, 0]), (
        "the same token at positions 0 and 1 gives the same logits: add the positional encoding "
        "(positions[:L]) to the token embeddings")


@pytest.mark.points(1)
def test_batch_rows_are_independent(impl):
    model, _ = _loaded(impl.TinyLanguageModel(9, 8, 2, 2, 16, 8), seed=70)
    ids = torch.tensor([[1, 2, 3, 4], [8, 7, 6, 5]])
    both = model(ids)
    expect_close(both[1:], model(ids[1:]), "logits of row 1 computed with and without row 0",
                 hint="attention must not mix different sequences of a batch")


LM_ERRORS = [
    ("length above max_len", ValueError, ("ids", "max_len"), lambda: torch.zeros(1, 7, dtype=torch.long)),
    ("length 0", ValueError, ("ids", "max_len"), lambda: torch.zeros(1, 0, dtype=torch.long)),
    ("float ids", TypeError, "ids", lambda: torch.zeros(1, 3)),
    ("1-D ids", ValueError, "ids", lambda: torch.zeros(3, dtype=torch.long)),
    ("3-D ids", ValueError, "ids", lambda: torch.zeros(1, 2, 3, dtype=torch.long)),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("label,exc,arg,make", LM_ERRORS, ids=[c[0] for c in LM_ERRORS])
def test_language_model_errors(impl, label, exc, arg, make):
    model = impl.TinyLanguageModel(5, 8, 2, 1, 16, 6)
    with expect_raises(exc, f"TinyLanguageModel(max_len=6)(ids) [{label}]", arg=arg):
        model(make())


# --------------------------------------------------------------------------- generate


def _bigram(table):
    """A model whose logits at each position depend only on that position's id: logits = table[id]."""
    return nn.Embedding.from_pretrained(torch.as_tensor(table, dtype=torch.float32))


# next id = (3 * id + 1) % 5, with a distracting runner-up
BIGRAM = [[0.0 if j == (3 * i + 1) % 5 else -1.0 - ((i + j) % 3) for j in range(5)] for i in range(5)]


def _greedy_reference(seq, n):
    seq = list(seq)
    for _ in range(n):
        seq.append((3 * seq[-1] + 1) % 5)
    return seq


@pytest.mark.points(1)
def test_generate_greedy_1d(impl):
    prompt = torch.tensor([4, 2, 0])
    out = impl.generate(_bigram(BIGRAM), prompt, 6)
    expect_tensor(out, "generate(model, prompt (3,), 6)", shape=(9,), dtype=torch.long,
                  hint="return the prompt followed by the new ids, with the prompt's number of dims")
    expect_equal(out.tolist(), _greedy_reference([4, 2, 0], 6), "greedy generation from [4, 2, 0]",
                 hint="the prompt first, then at each step the argmax of the LAST position's logits")


@pytest.mark.points(1)
def test_generate_greedy_batch(impl):
    prompt = torch.tensor([[4, 2], [1, 3], [0, 0]])
    out = impl.generate(_bigram(BIGRAM), prompt, 3)
    expect_tensor(out, "generate(model, prompt (3, 2), 3)", shape=(3, 5), dtype=torch.long)
    for row, p in zip(out.tolist(), prompt.tolist()):
        expect_equal(row, _greedy_reference(p, 3), f"greedy generation from {p} in a batch",
                     hint="pick the argmax over the vocabulary (last axis) for every row")


@pytest.mark.points(1)
def test_generate_keeps_dtype_and_leaves_the_prompt_alone(impl):
    prompt = torch.tensor([[1, 2, 3]], dtype=torch.int32)
    out, changed = inspect_call(impl.generate, _bigram(BIGRAM), prompt, 2)
    expect_tensor(out, "generate of an int32 prompt", shape=(1, 5), dtype=torch.int32)
    assert 1 not in changed, "generate modified the prompt it was given"
    none = impl.generate(_bigram(BIGRAM), prompt, 0)
    expect_equal(none.tolist(), [[1, 2, 3]], "generate(..., max_new_tokens=0)")


@pytest.mark.points(1)
def test_generate_past_max_len_uses_the_last_max_len_ids(impl):
    model, _ = _loaded(impl.TinyLanguageModel(7, 8, 2, 1, 16, 4), seed=80)
    prompt = torch.tensor([[1, 5, 2]])
    out = impl.generate(model, prompt, 4)
    expect_tensor(out, "generate(model with max_len=4, prompt of 3, 4 new ids)", shape=(1, 7),
                  dtype=torch.long, hint="feed only the last model.max_len ids to the model")
    expect_equal(out[:, :3].tolist(), prompt.tolist(), "the prompt part of generate's result")
    seq = prompt.clone()
    for _ in range(4):
        nxt = model(seq[:, -4:])[:, -1].argmax(-1, keepdim=True)
        seq = torch.cat([seq, nxt], dim=1)
    expect_equal(out.tolist(), seq.tolist(), "greedy generation past max_len",
                 hint="feed only the last model.max_len ids to the model")


# probabilities at temperature 1: softmax(log p) = p
PROBS = torch.tensor([0.5, 0.3, 0.2])
SAMPLE_TABLE = torch.log(PROBS).expand(3, 3).tolist()
N_SAMPLES = 6000


@pytest.mark.points(1)
@pytest.mark.parametrize("temperature", [1.0, 0.5, 2.0])
def test_sampling_frequencies_follow_softmax_over_temperature(impl, temperature):
    g = torch.Generator().manual_seed(90)
    prompt = torch.zeros(N_SAMPLES, 1, dtype=torch.long)
    out = impl.generate(_bigram(SAMPLE_TABLE), prompt, 1, temperature=temperature, generator=g)
    expect_tensor(out, f"generate(prompt ({N_SAMPLES}, 1), 1, temperature={temperature})",
                  shape=(N_SAMPLES, 2), dtype=torch.long)
    counts = torch.bincount(out[:, 1], minlength=3).double()
    expected = PROBS.double() ** (1 / temperature)
    expected = expected / expected.sum()
    # 6 standard deviations of a binomial proportion: false failure rate below 1e-8 per value.
    sigma = (expected * (1 - expected) / N_SAMPLES).sqrt()
    freq = counts[:3] / N_SAMPLES
    assert bool((freq - expected).abs().le(6 * sigma).all()), (
        f"at temperature {temperature} the sampled frequencies {[round(f, 3) for f in freq.tolist()]} "
        "do not follow softmax(logits / temperature)\n  hint: divide the logits by the temperature, "
        "softmax, then torch.multinomial")


@pytest.mark.points(1)
def test_sampling_is_reproducible_with_a_generator(impl):
    model = _bigram(torch.zeros(10, 10).tolist())             # uniform over 10 ids
    prompt = torch.tensor([0])
    a = impl.generate(model, prompt, 20, temperature=1.0, generator=torch.Generator().manual_seed(5))
    b = impl.generate(model, prompt, 20, temperature=1.0, generator=torch.Generator().manual_seed(5))
    c = impl.generate(model, prompt, 20, temperature=1.0, generator=torch.Generator().manual_seed(6))
    expect_tensor(a, "generate(..., temperature=1.0)", shape=(21,), dtype=torch.long)
    assert torch.equal(a, b), ("two runs with generators of the same seed gave different samples: "
                               "pass generator= to torch.multinomial")
    # Two seeds giving the same 20 uniform draws out of 10: probability 1e-20.
    assert not torch.equal(a, c), "different seeds gave the same 20 samples: is the sampling random?"


@pytest.mark.points(1)
def test_temperature_zero_is_greedy_even_with_a_generator(impl):
    out = impl.generate(_bigram(BIGRAM), torch.tensor([3]), 5, temperature=0.0,
                        generator=torch.Generator().manual_seed(0))
    expect_equal(out.tolist(), _greedy_reference([3], 5), "generate(temperature=0.0, generator=g)",
                 hint="temperature 0 means greedy: argmax, no sampling")


GENERATE_ERRORS = [
    ("float prompt", TypeError, "prompt_ids",
     lambda impl, m: impl.generate(m, torch.tensor([1.0, 2.0]), 2)),
    ("3-D prompt", ValueError, "prompt_ids",
     lambda impl, m: impl.generate(m, torch.zeros(1, 1, 2, dtype=torch.long), 2)),
    ("empty prompt", ValueError, "prompt_ids",
     lambda impl, m: impl.generate(m, torch.zeros(0, dtype=torch.long), 2)),
    ("negative max_new_tokens", ValueError, "max_new_tokens",
     lambda impl, m: impl.generate(m, torch.tensor([1]), -1)),
    ("float max_new_tokens", TypeError, "max_new_tokens",
     lambda impl, m: impl.generate(m, torch.tensor([1]), 2.0)),
    ("negative temperature", ValueError, "temperature",
     lambda impl, m: impl.generate(m, torch.tensor([1]), 2, temperature=-0.5)),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("label,exc,arg,call", GENERATE_ERRORS, ids=[c[0] for c in GENERATE_ERRORS])
def test_generate_errors(impl, label, exc, arg, call):
    with expect_raises(exc, f"generate [{label}]", arg=arg):
        call(impl, _bigram(BIGRAM))


# --------------------------------------------------------------------------- the course example


@pytest.fixture(scope="module")
def course_model(impl):
    """The course's tiny model, trained once for this file (inside the first test using it)."""
    return lazy_course_model(impl)


@pytest.mark.points(3)
@pytest.mark.slow
def test_trained_model_completes_janes_sentence(course_model, impl):
    vocab, model = course_model()
    out = impl.generate(model, torch.tensor(vocab.encode(PROMPT)), len(words(COMPLETION)))
    expect_tensor(out, "generate(trained model, prompt (12,), 9)", shape=(21,), dtype=torch.long)
    assert vocab.decode(out) == SENTENCE, (
        "trained on the course's sentence, the tiny model does not complete 'Jane, who lives in New "
        "York and works as a software' correctly; it wrote: " + repr(vocab.decode(out)))


@pytest.mark.points(1)
@pytest.mark.slow
def test_trained_model_predicts_every_next_word(course_model, impl):
    vocab, model = course_model()
    ids = torch.tensor([vocab.encode(SENTENCE)])
    logits = model(ids)
    expect_tensor(logits, "logits of the whole sentence", shape=(1, ids.shape[1], len(vocab)))
    right = (logits[0, :-1].argmax(-1) == ids[0, 1:]).float().mean().item()
    assert right == 1.0, (
        f"after training, only {right:.0%} of the sentence's next words are predicted -- words that "
        "appear twice ('in', ',') need the context: causal attention and positions")


@pytest.mark.points(1)
@pytest.mark.slow
def test_trained_model_completes_from_a_short_batch_of_prompts(course_model, impl):
    vocab, model = course_model()
    prompt = torch.tensor([vocab.encode("Jane, who lives in")] * 2)
    out = impl.generate(model, prompt, 3)
    expect_tensor(out, "generate(trained model, prompt (2, 5), 3)", shape=(2, 8), dtype=torch.long)
    for row in out:
        assert vocab.decode(row) == "Jane, who lives in New York and", (
            "from 'Jane, who lives in' the trained model should continue with 'New York and'; it "
            "wrote: " + repr(vocab.decode(row)))
