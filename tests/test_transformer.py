"""Public tests for transformer (run: pytest -m transformer)."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from kit.checks import expect_close, expect_equal, expect_raises, expect_tensor
from kit.tiny_lm import COMPLETION, PROMPT, SENTENCE, lazy_course_model, words


def _randn(*shape, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=dtype)


def _random_state_dict(module, seed):
    """Seeded random values for every entry of a module's state_dict (LayerNorm weights near 1)."""
    sd = {}
    for i, (name, value) in enumerate(module.state_dict().items()):
        r = _randn(*value.shape, seed=seed + i, dtype=value.dtype) * 0.3
        sd[name] = 1 + r if name.endswith("norm1.weight") or name.endswith("norm2.weight") \
            or name == "norm.weight" else r
    return sd


def _block_to_torch(sd):
    """Our TransformerBlock's weights under torch.nn.TransformerEncoderLayer's names."""
    return {
        "self_attn.in_proj_weight": torch.cat([sd["attn.q_proj.weight"], sd["attn.k_proj.weight"],
                                               sd["attn.v_proj.weight"]]),
        "self_attn.in_proj_bias": torch.cat([sd["attn.q_proj.bias"], sd["attn.k_proj.bias"],
                                             sd["attn.v_proj.bias"]]),
        "self_attn.out_proj.weight": sd["attn.out_proj.weight"],
        "self_attn.out_proj.bias": sd["attn.out_proj.bias"],
        "linear1.weight": sd["ff.linear1.weight"], "linear1.bias": sd["ff.linear1.bias"],
        "linear2.weight": sd["ff.linear2.weight"], "linear2.bias": sd["ff.linear2.bias"],
        "norm1.weight": sd["norm1.weight"], "norm1.bias": sd["norm1.bias"],
        "norm2.weight": sd["norm2.weight"], "norm2.bias": sd["norm2.bias"],
    }


@pytest.mark.points(1)
def test_feed_forward_is_linear_gelu_linear(impl):
    ff = impl.FeedForward(4, 8)
    sd = _random_state_dict(ff, seed=1)
    ff.load_state_dict(sd)
    x = _randn(2, 3, 4, seed=2)
    expected = F.linear(F.gelu(F.linear(x, sd["linear1.weight"], sd["linear1.bias"])),
                        sd["linear2.weight"], sd["linear2.bias"])
    expect_close(ff(x), expected, "FeedForward(4, 8)(x)",
                 hint="linear1, then GELU (torch.nn.functional.gelu), then linear2")


@pytest.mark.points(2)
def test_block_matches_pytorch_encoder_layer(impl):
    block = impl.TransformerBlock(8, 2, 16, causal=False)
    sd = _random_state_dict(block, seed=3)
    block.load_state_dict(sd)
    ref = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu", batch_first=True,
                                     norm_first=True).eval()
    ref.load_state_dict(_block_to_torch(sd))
    x = _randn(2, 5, 8, seed=4)
    with torch.no_grad():
        expected = ref(x)
    expect_close(block(x), expected, "TransformerBlock(causal=False)(x)",
                 hint="pre-norm: x = x + attn(norm1(x)); x = x + ff(norm2(x))")


@pytest.mark.points(1)
def test_language_model_shapes(impl):
    model = impl.TinyLanguageModel(vocab_size=11, d_model=8, n_heads=2, n_layers=2, d_ff=16, max_len=10)
    logits = model(torch.randint(0, 11, (3, 7), generator=torch.Generator().manual_seed(5)))
    expect_tensor(logits, "TinyLanguageModel(vocab 11)(ids (3, 7))", shape=(3, 7, 11),
                  dtype=torch.float32)


@pytest.mark.points(2)
def test_changing_a_future_token_keeps_earlier_logits(impl):
    model = impl.TinyLanguageModel(vocab_size=11, d_model=8, n_heads=2, n_layers=2, d_ff=16, max_len=10)
    ids = torch.tensor([[1, 2, 3, 4, 5, 6]])
    changed = ids.clone()
    changed[0, 4] = 9
    before, after = model(ids), model(changed)
    expect_close(after[:, :4], before[:, :4], "logits of positions 0..3 after changing token 4",
                 hint="every block must be causal: position i may only attend to positions 0..i")
    assert not torch.allclose(after[:, 4:], before[:, 4:]), \
        "changing token 4 should change the logits from position 4 on"


@pytest.mark.points(1)
def test_longer_than_max_len_is_a_value_error(impl):
    model = impl.TinyLanguageModel(vocab_size=5, d_model=8, n_heads=2, n_layers=1, d_ff=16, max_len=4)
    with expect_raises(ValueError, "TinyLanguageModel(max_len=4)(ids of length 5)", arg=("ids", "max_len")):
        model(torch.zeros(1, 5, dtype=torch.long))


@pytest.mark.points(1)
def test_generate_greedy_follows_the_last_token(impl):
    bigram = nn.Embedding.from_pretrained(torch.eye(3).roll(1, dims=1))   # next id = id + 1 (mod 3)
    got = impl.generate(bigram, torch.tensor([2, 0]), 4)
    expect_equal(got.tolist(), [2, 0, 1, 2, 0, 1], "generate(bigram, [2, 0], 4)",
                 hint="keep the prompt, then append argmax of the LAST position's logits, one at a time")
    expect_tensor(impl.generate(bigram, torch.tensor([[0], [1]]), 2), "generate of a (2, 1) prompt",
                  shape=(2, 3), dtype=torch.long)


@pytest.fixture(scope="module")
def course_model(impl):
    """The course's tiny model, trained once for this file (inside the first test using it)."""
    return lazy_course_model(impl)


@pytest.mark.points(3)
@pytest.mark.slow
def test_course_example_completes_janes_sentence(course_model, impl):
    vocab, model = course_model()
    prompt = torch.tensor(vocab.encode(PROMPT))
    out = impl.generate(model, prompt, len(words(COMPLETION)))
    expect_tensor(out, "generate(model, prompt (12,), 9)", shape=(21,), dtype=torch.long)
    expect_equal(vocab.decode(out), SENTENCE, "the trained tiny model's completion",
                 hint="if the training loss went down but the completion is wrong, check that "
                      "positions are added and that generate uses the last position's logits")
