"""Hidden graders for masking: mask_word, BERT's mask_tokens, causal and padding masks."""

from __future__ import annotations

import importlib.util
import math

import pytest
import torch
import torch.nn.functional as F

from kit.checks import expect_equal, expect_raises, expect_str_list, expect_tensor
from kit.remote import count_torch_ops, inspect_call

SENTENCE = ["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "."]

needs_transformers = pytest.mark.skipif(
    importlib.util.find_spec("transformers") is None,
    reason="needs Hugging Face transformers (pip install -e '.[dev]') to compare with "
           "DataCollatorForLanguageModeling")

# Statistical checks below allow SIGMAS standard deviations around the expected count.
# For a binomial count the normal tail beyond 6 sigma is 2e-9 (two-sided); the file
# makes fewer than 40 such checks, so a correct implementation fails by chance with
# probability < 1e-7 -- and the seeds are fixed, so every run is the same anyway.
SIGMAS = 6.0


def within(count: int, n: int, p: float) -> bool:
    """``count`` successes of ``n`` trials is within SIGMAS sigma of Binomial(n, p)."""
    sd = math.sqrt(max(n * p * (1 - p), 1e-12))
    return abs(count - n * p) <= SIGMAS * sd + 1e-9


def reference_mask_tokens(input_ids: torch.Tensor, *, mask_token_id: int, vocab_size: int,
                          special_tokens_mask: torch.Tensor | None = None, mlm_probability: float = 0.15,
                          generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The kit's reference *vectorised* BERT masking (the perf tests' yardstick).

    Two uniform draws per position (selection, then the 80/10/10 split) and one
    random id, all on the inputs' device; no Python loop and no host sync.
    """
    shape, device = input_ids.shape, input_ids.device
    selected = torch.rand(shape, generator=generator, device=device) < mlm_probability
    if special_tokens_mask is not None:
        selected &= ~special_tokens_mask
    split = torch.rand(shape, generator=generator, device=device)
    random_ids = torch.randint(vocab_size, shape, generator=generator, device=device)
    out = torch.where(selected & (split < 0.8), mask_token_id, input_ids)
    out = torch.where(selected & (split >= 0.8) & (split < 0.9), random_ids, out)
    labels = torch.where(selected, input_ids, -100)
    return out, labels


def make_batch(shape=(256, 512), vocab_size=1000, first_id=5, special_rate=0.1, seed=0,
               device="cpu"):
    """Token ids in [first_id, vocab_size) (never the mask id 4) and a special-token mask
    (the first and last column plus a random ``special_rate`` of positions)."""
    g = torch.Generator(device=device).manual_seed(seed)
    ids = torch.randint(first_id, vocab_size, shape, generator=g, device=device)
    special = torch.rand(shape, generator=g, device=device) < special_rate
    special[..., 0] = True
    special[..., -1] = True
    return ids, special


def gen(seed: int, device="cpu") -> torch.Generator:
    return torch.Generator(device=device).manual_seed(seed)


# =========================================================================== mask_word


@pytest.mark.points(2)
def test_mask_word_course_example(impl):
    masked, word = impl.mask_word(list(SENTENCE), 2)
    expect_str_list(masked, "mask_word(sentence, 2)[0]")
    expect_equal(masked, ["The", "quick", "[MASK]", "fox", "jumps", "over", "the", "lazy", "dog", "."],
                 "mask_word(sentence, 2)[0]", hint="replace only the token at `index` by the mask token")
    expect_equal(word, "brown", "mask_word(sentence, 2)[1]", hint="return the word that was hidden")


@pytest.mark.points(1)
def test_mask_word_custom_token_and_negative_index(impl):
    masked, word = impl.mask_word(["a", "b", "c"], -1, mask_token="<mask>")
    expect_equal(masked, ["a", "b", "<mask>"], "mask_word(['a','b','c'], -1, mask_token='<mask>')[0]",
                 hint="use the mask_token argument; a negative index counts from the end like a list")
    expect_equal(word, "c", "mask_word(['a','b','c'], -1)[1]")


@pytest.mark.points(1)
def test_mask_word_leaves_its_input_alone(impl):
    _, changed = inspect_call(impl.mask_word, list(SENTENCE), 0)
    assert not changed, "mask_word changed the list it was given: copy it first (list(tokens))"


@pytest.mark.points(1)
@pytest.mark.parametrize("tokens,index,kwargs,exc", [
    (["a", "b"], 2, {}, ValueError),
    (["a", "b"], -3, {}, ValueError),
    ([], 0, {}, ValueError),
    (["a", "b"], 1.0, {}, TypeError),
    (["a", "b"], True, {}, TypeError),
    ("a b", 0, {}, TypeError),
    (["a", "b"], 0, {"mask_token": None}, TypeError),
], ids=["past-end", "before-start", "empty", "float-index", "bool-index", "str-tokens", "mask-None"])
def test_mask_word_errors(impl, tokens, index, kwargs, exc):
    with expect_raises(exc, f"mask_word({tokens!r}, {index!r}, **{kwargs!r})"):
        impl.mask_word(tokens, index, **kwargs)


# =========================================================================== mask_tokens


@pytest.mark.points(1)
def test_mask_tokens_returns_new_long_tensors_of_the_input_shape(impl):
    ids, special = make_batch((3, 7))
    out, labels = impl.mask_tokens(ids, mask_token_id=4, vocab_size=1000, special_tokens_mask=special,
                                   generator=gen(0))
    expect_tensor(out, "mask_tokens(...)[0] (masked ids)", shape=(3, 7), dtype=torch.long, device="cpu")
    expect_tensor(labels, "mask_tokens(...)[1] (labels)", shape=(3, 7), dtype=torch.long, device="cpu")


@pytest.mark.points(1)
def test_mask_tokens_any_leading_shape(impl):
    ids, special = make_batch((2, 3, 40))
    out, labels = impl.mask_tokens(ids, mask_token_id=4, vocab_size=1000, special_tokens_mask=special,
                                   generator=gen(1))
    expect_tensor(out, "masked ids for (2, 3, 40) input", shape=(2, 3, 40), dtype=torch.long)
    expect_tensor(labels, "labels for (2, 3, 40) input", shape=(2, 3, 40), dtype=torch.long)
    flat_ids = torch.arange(5, 25)
    out1, labels1 = impl.mask_tokens(flat_ids, mask_token_id=4, vocab_size=30, generator=gen(1))
    expect_tensor(out1, "masked ids for a 1-D input", shape=(20,), dtype=torch.long)
    expect_tensor(labels1, "labels for a 1-D input", shape=(20,), dtype=torch.long)


@pytest.mark.points(2)
def test_mask_tokens_labels_hold_original_ids_or_minus_100(impl):
    ids, special = make_batch((64, 128))
    out, labels = impl.mask_tokens(ids, mask_token_id=4, vocab_size=1000, special_tokens_mask=special,
                                   generator=gen(2))
    selected = labels != -100
    assert selected.any(), "no position was selected (every label is -100)"
    assert torch.equal(labels[selected], ids[selected]), (
        "labels must hold the ORIGINAL id at selected positions (what the model must recover), "
        "not the [MASK] id or the random replacement")
    assert ((labels == -100) | (labels == ids)).all(), \
        "every label must be either -100 (not selected) or the original id"
    changed = out != ids
    assert not (changed & ~selected).any(), (
        "a position whose label is -100 was changed: only selected positions may be replaced, "
        "and every selected position needs its original id as label (-100 means 'ignore')")


@pytest.mark.points(2)
def test_mask_tokens_never_selects_special_positions(impl):
    ids, special = make_batch((128, 64), special_rate=0.3)
    out, labels = impl.mask_tokens(ids, mask_token_id=4, vocab_size=1000, special_tokens_mask=special,
                                   mlm_probability=0.9, generator=gen(3))
    assert (labels[special] == -100).all(), \
        "a special position ([CLS], [SEP], padding) was selected: its label must stay -100"
    assert torch.equal(out[special], ids[special]), "a special position was replaced"


@pytest.mark.points(1)
def test_mask_tokens_leaves_its_input_alone(impl):
    ids, special = make_batch((16, 32))
    _, changed = inspect_call(impl.mask_tokens, ids, mask_token_id=4, vocab_size=1000,
                              special_tokens_mask=special, mlm_probability=0.5, generator=gen(4))
    assert 0 not in changed, "mask_tokens changed input_ids in place: work on new tensors"
    assert "special_tokens_mask" not in changed, "mask_tokens changed special_tokens_mask"


@pytest.mark.points(1)
def test_mask_tokens_probability_zero_and_one(impl):
    ids, special = make_batch((8, 32))
    out, labels = impl.mask_tokens(ids, mask_token_id=4, vocab_size=1000, special_tokens_mask=special,
                                   mlm_probability=0.0, generator=gen(5))
    assert (labels == -100).all() and torch.equal(out, ids), \
        "with mlm_probability=0 nothing may be selected"
    out, labels = impl.mask_tokens(ids, mask_token_id=4, vocab_size=1000, special_tokens_mask=special,
                                   mlm_probability=1.0, generator=gen(5))
    assert torch.equal(labels[~special], ids[~special]), \
        "with mlm_probability=1 every non-special position must be selected"
    assert (labels[special] == -100).all(), "special positions are never selected, even with probability 1"


@pytest.mark.points(1)
def test_mask_tokens_without_special_mask_every_position_can_be_selected(impl):
    ids = torch.randint(5, 100, (4, 16), generator=gen(6))
    out, labels = impl.mask_tokens(ids, mask_token_id=4, vocab_size=100, mlm_probability=1.0, generator=gen(6))
    assert torch.equal(labels, ids), "special_tokens_mask=None means no position is special"


@pytest.mark.points(2)
@pytest.mark.parametrize("p", [0.15, 0.4])
def test_mask_tokens_selection_rate(impl, p):
    ids, special = make_batch()
    out, labels = impl.mask_tokens(ids, mask_token_id=4, vocab_size=1000, special_tokens_mask=special,
                                   mlm_probability=p, generator=gen(7))
    n = int((~special).sum())
    k = int((labels != -100).sum())
    assert within(k, n, p), (
        f"{k} of {n} non-special positions selected ({k / n:.4f}); each non-special position "
        f"should be selected independently with probability mlm_probability={p}")


@pytest.mark.points(2)
def test_mask_tokens_80_10_10_split(impl):
    vocab = 1000
    ids, special = make_batch(vocab_size=vocab)
    out, labels = impl.mask_tokens(ids, mask_token_id=4, vocab_size=vocab, special_tokens_mask=special,
                                   mlm_probability=0.2, generator=gen(8))
    selected = labels != -100
    s = int(selected.sum())
    as_mask = int((out[selected] == 4).sum())
    unchanged = int((out[selected] == ids[selected]).sum())
    other = s - as_mask - unchanged
    # A random id can itself be the mask id or the original id (probability 1/V each).
    checks = [("replaced by mask_token_id", as_mask, 0.8 + 0.1 / vocab, "80 %"),
              ("left unchanged", unchanged, 0.1 + 0.1 / vocab, "10 %"),
              ("replaced by another id", other, 0.1 * (1 - 2 / vocab), "10 %")]
    for what, count, prob, share in checks:
        assert within(count, s, prob), (
            f"of {s} selected positions, {count} ({count / max(s, 1):.4f}) were {what}; about "
            f"{share} expected -- BERT: of the selected, 80 % [MASK], 10 % a random id, 10 % kept")


@pytest.mark.points(1)
def test_mask_tokens_random_ids_are_uniform_over_the_vocabulary(impl):
    vocab = 16
    ids = torch.ones(256, 512, dtype=torch.long)           # every token is id 1; the mask id is 0
    out, labels = impl.mask_tokens(ids, mask_token_id=0, vocab_size=vocab, generator=gen(9))
    assert ((out >= 0) & (out < vocab)).all(), "a random replacement id is outside [0, vocab_size)"
    selected = labels != -100
    replaced = out[selected]
    others = replaced[(replaced != 0) & (replaced != 1)]     # only random draws land here
    n = int(others.numel())
    counts = torch.bincount(others, minlength=vocab)[2:]
    assert n > 0, "no selected position was replaced by a random id"
    for token_id, c in enumerate(counts.tolist(), start=2):
        assert within(c, n, 1 / (vocab - 2)), (
            f"random replacements are not uniform over [0, vocab_size): id {token_id} drawn {c} "
            f"times out of {n} -- draw with torch.randint(vocab_size, ...)")


@pytest.mark.points(1)
def test_mask_tokens_is_reproducible_with_a_generator(impl):
    ids, special = make_batch((32, 64))
    kw = dict(mask_token_id=4, vocab_size=1000, special_tokens_mask=special)
    a = impl.mask_tokens(ids, generator=gen(10), **kw)
    b = impl.mask_tokens(ids, generator=gen(10), **kw)
    c = impl.mask_tokens(ids, generator=gen(11), **kw)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]), (
        "two calls with generators seeded alike gave different results: draw every random "
        "number with generator=generator")
    assert not torch.equal(a[1], c[1]), "different seeds gave the same masking: is the generator used?"


@pytest.mark.points(2)
@needs_transformers
def test_mask_tokens_agrees_with_hugging_face(impl):
    """Rates of selection and of the 80/10/10 split match DataCollatorForLanguageModeling's."""
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from transformers import DataCollatorForLanguageModeling, PreTrainedTokenizerFast

    vocab_size, mask_id = 1000, 4
    ids, special = make_batch((256, 512), vocab_size=vocab_size, seed=12)
    ours, our_labels = impl.mask_tokens(ids, mask_token_id=mask_id, vocab_size=vocab_size,
                                        special_tokens_mask=special, generator=gen(13))

    names = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(5, vocab_size)]
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer(WordLevel({w: i for i, w in enumerate(names)}, unk_token="[UNK]")),
        pad_token="[PAD]", unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    assert len(tokenizer) == vocab_size and tokenizer.mask_token_id == mask_id
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15, seed=14, return_tensors="pt")
    batch = collator([{"input_ids": row, "special_tokens_mask": s.long()} for row, s in zip(ids, special)])
    theirs, their_labels = batch["input_ids"], batch["labels"]

    def rates(out, labels):
        sel = labels != -100
        return {"selected among non-special": (int(sel.sum()), int((~special).sum())),
                "[MASK] among selected": (int((out[sel] == mask_id).sum()), int(sel.sum())),
                "unchanged among selected": (int((out[sel] == ids[sel]).sum()), int(sel.sum()))}

    mine, hf = rates(ours, our_labels), rates(theirs, their_labels)
    for what in mine:
        (k1, n1), (k2, n2) = mine[what], hf[what]
        pooled = (k1 + k2) / (n1 + n2)
        sd = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        assert abs(k1 / n1 - k2 / n2) <= SIGMAS * sd, (
            f"{what}: {k1 / n1:.4f} here but {k2 / n2:.4f} with Hugging Face's "
            "DataCollatorForLanguageModeling on the same kind of input")
    assert (our_labels[special] == -100).all() and (their_labels[special] == -100).all(), \
        "special positions must never be selected (as in Hugging Face)"


@pytest.mark.feedback
def test_mask_tokens_is_vectorised(impl):
    """The number of PyTorch operations must not grow with the number of tokens."""
    def ops(shape):
        ids, special = make_batch(shape)
        counts = count_torch_ops(impl.mask_tokens, ids, mask_token_id=4, vocab_size=1000,
                                 special_tokens_mask=special, generator=gen(15))
        return sum(counts.values())

    small, large = ops((2, 8)), ops((16, 64))
    assert large <= small + 8, (
        f"mask_tokens dispatched {small} PyTorch operations for 16 tokens but {large} for 1024: "
        "it loops over tokens or rows in Python. Draw all random numbers at once "
        "(torch.rand / torch.bernoulli on the whole shape) and combine boolean masks with torch.where")


@pytest.mark.points(1)
@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")], ids=["negative", "above-one", "nan"])
def test_mask_tokens_probability_out_of_range(impl, p):
    ids, special = make_batch((2, 8))
    with expect_raises(ValueError, f"mask_tokens(..., mlm_probability={p})", arg="mlm_probability"):
        impl.mask_tokens(ids, mask_token_id=4, vocab_size=1000, special_tokens_mask=special,
                         mlm_probability=p)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["float-ids", "list-ids", "bool-ids", "float-special", "str-probability"])
def test_mask_tokens_type_errors(impl, case):
    ids, special = make_batch((2, 8))
    kw = dict(mask_token_id=4, vocab_size=1000, special_tokens_mask=special)
    if case == "float-ids":
        ids = ids.float()
    elif case == "list-ids":
        ids = ids.tolist()
    elif case == "bool-ids":
        ids = ids > 500
    elif case == "float-special":
        kw["special_tokens_mask"] = special.float()
    else:
        kw["mlm_probability"] = "0.15"
    with expect_raises(TypeError, f"mask_tokens with {case}"):
        impl.mask_tokens(ids, **kw)


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["special-shape", "vocab-zero", "mask-id-outside-vocab"])
def test_mask_tokens_value_errors(impl, case):
    ids, special = make_batch((2, 8))
    kw = dict(mask_token_id=4, vocab_size=1000, special_tokens_mask=special)
    if case == "special-shape":
        kw["special_tokens_mask"] = special[:, :5]
    elif case == "vocab-zero":
        kw["vocab_size"] = 0
    else:
        kw["mask_token_id"] = 1000
    with expect_raises(ValueError, f"mask_tokens with {case}"):
        impl.mask_tokens(ids, **kw)


@pytest.mark.points(1)
@pytest.mark.gpu
def test_mask_tokens_stays_on_the_inputs_device(impl):
    ids, special = make_batch((8, 64), device="cuda")
    out, labels = impl.mask_tokens(ids, mask_token_id=4, vocab_size=1000, special_tokens_mask=special,
                                   generator=gen(16, "cuda"))
    expect_tensor(out, "masked ids of a CUDA input", shape=(8, 64), dtype=torch.long, device="cuda")
    expect_tensor(labels, "labels of a CUDA input", shape=(8, 64), dtype=torch.long, device="cuda")
    assert (labels[special] == -100).all(), "special positions must never be selected"


@pytest.mark.points(2)
@pytest.mark.gpu
@pytest.mark.perf
def test_mask_tokens_throughput(impl, record_perf):
    """256 x 512 ids on the GPU: at least 0.25x the tokens/s of a reference vectorised masking."""
    from kit.perf import check_throughput

    def labels_are_right(shape, values, positions, args, kwargs):
        """Each sampled label is -100 or the original id there; special positions are -100."""
        if shape != [256, 512]:
            return f"labels of shape {tuple(shape)}, expected (256, 512)"
        ids = args[0].reshape(-1)[positions.to(args[0].device)].cpu().double()
        special = kwargs["special_tokens_mask"].reshape(-1)[positions.to(args[0].device)].cpu()
        labels = torch.tensor(values, dtype=torch.float64)
        selected = labels != -100
        if bool((selected & (labels != ids)).any()):
            return "labels that are neither -100 nor the original id"
        if bool((selected & special).any()):
            return "a special position was selected"
        rate = float(selected.sum()) / max(1, int((~special).sum()))
        if not 0.05 <= rate <= 0.3:   # 256 samples at p=0.15: outside this in < 1e-6 of runs
            return "the selection rate of the timed call is not mlm_probability"
        return None

    def reference(ids, **kw):
        return reference_mask_tokens(ids, **kw)[1]

    check_throughput(impl.mask_tokens, reference, "kit.perf_inputs:masking_inputs",
                     {"shape": [256, 512], "device": "cuda"}, target_name="mask_tokens_vs_vectorised",
                     work=256 * 512, keep=1, check=labels_are_right, record=record_perf,
                     what="mask_tokens throughput (256 x 512 ids)")


# =========================================================================== causal_mask


@pytest.mark.points(1)
@pytest.mark.parametrize("q_len,k_len", [(1, 1), (4, 4), (3, 7), (7, 3), (5, 1), (1, 5)])
def test_causal_mask_matches_tril(impl, q_len, k_len):
    got = impl.causal_mask(q_len, k_len)
    expect_tensor(got, f"causal_mask({q_len}, {k_len})", shape=(q_len, k_len), dtype=torch.bool,
                  device="cpu")
    assert torch.equal(got, torch.ones(q_len, k_len, dtype=torch.bool).tril()), (
        f"causal_mask({q_len}, {k_len}) is wrong: query i may attend to keys 0..i (True = may "
        "attend), aligned at the top-left corner like is_causal=True -- also when q_len != k_len")


@pytest.mark.points(1)
def test_causal_mask_square_by_default(impl):
    got = impl.causal_mask(6)
    expect_tensor(got, "causal_mask(6)", shape=(6, 6), dtype=torch.bool)
    assert torch.equal(got, torch.ones(6, 6, dtype=torch.bool).tril()), \
        "causal_mask(6): lower triangle, diagonal included, is True"


@pytest.mark.points(2)
@pytest.mark.parametrize("q_len,k_len", [(5, 5), (3, 6), (6, 3)])
def test_causal_mask_agrees_with_sdpa_is_causal(impl, q_len, k_len):
    g = gen(19)
    q = torch.randn(2, 3, q_len, 8, generator=g)
    k = torch.randn(2, 3, k_len, 8, generator=g)
    v = torch.randn(2, 3, k_len, 8, generator=g)
    mask = impl.causal_mask(q_len, k_len)
    expect_tensor(mask, f"causal_mask({q_len}, {k_len})", shape=(q_len, k_len), dtype=torch.bool)
    with_mask = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    with_flag = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert torch.allclose(with_mask, with_flag, atol=1e-6), (
        "attention with your causal mask differs from torch's is_causal=True: "
        "True must mean 'may attend', and the triangle starts at the top-left corner")


@pytest.mark.points(1)
@pytest.mark.parametrize("args,exc", [((-1,), ValueError), ((3, -2), ValueError), ((2.0,), TypeError),
                                      ((3, "4"), TypeError)],
                         ids=["negative-q", "negative-k", "float-q", "str-k"])
def test_causal_mask_errors(impl, args, exc):
    with expect_raises(exc, f"causal_mask{args!r}"):
        impl.causal_mask(*args)


# =========================================================================== padding_mask


@pytest.mark.points(1)
def test_padding_mask_example(impl):
    got = impl.padding_mask(torch.tensor([3, 1, 4, 0]))
    expect_tensor(got, "padding_mask([3, 1, 4, 0])", shape=(4, 4), dtype=torch.bool, device="cpu")
    expected = torch.tensor([[1, 1, 1, 0], [1, 0, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]], dtype=torch.bool)
    assert torch.equal(got, expected), (
        "padding_mask is wrong: row b is True on its first lengths[b] positions (real tokens) and "
        "False on the padding after them")


@pytest.mark.points(1)
def test_padding_mask_with_max_len(impl):
    lengths = torch.randint(0, 9, (12,), generator=gen(20))
    got = impl.padding_mask(lengths, 10)
    expect_tensor(got, "padding_mask(lengths, max_len=10)", shape=(12, 10), dtype=torch.bool)
    expected = torch.arange(10)[None, :] < lengths[:, None]
    assert torch.equal(got, expected), "padding_mask(lengths, 10): True exactly where position < length"


@pytest.mark.points(1)
@pytest.mark.parametrize("case,exc", [("float-lengths", TypeError), ("list-lengths", TypeError),
                                      ("2d-lengths", ValueError), ("negative", ValueError),
                                      ("max-len-too-short", ValueError)])
def test_padding_mask_errors(impl, case, exc):
    args = {"float-lengths": (torch.tensor([1.0, 2.0]),), "list-lengths": ([1, 2],),
            "2d-lengths": (torch.tensor([[1, 2]]),), "negative": (torch.tensor([2, -1]),),
            "max-len-too-short": (torch.tensor([2, 5]), 4)}[case]
    with expect_raises(exc, f"padding_mask with {case}"):
        impl.padding_mask(*args)
