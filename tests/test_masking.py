"""Public tests for masking (run: pytest -m masking)."""

import pytest
import torch

from kit.checks import expect_equal, expect_raises, expect_tensor

SENTENCE = ["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "."]


@pytest.mark.points(2)
def test_mask_word_course_example(impl):
    masked, word = impl.mask_word(list(SENTENCE), 2)
    expect_equal(masked, ["The", "quick", "[MASK]", "fox", "jumps", "over", "the", "lazy", "dog", "."],
                 "mask_word(sentence, 2)[0]")
    expect_equal(word, "brown", "mask_word(sentence, 2)[1]", hint="return the hidden word too")


@pytest.mark.points(2)
def test_mask_tokens_labels_and_special_positions(impl):
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(5, 1000, (16, 64), generator=g)
    special = torch.zeros(16, 64, dtype=torch.bool)
    special[:, 0] = special[:, -1] = True                  # [CLS] ... [SEP]
    out, labels = impl.mask_tokens(ids, mask_token_id=4, vocab_size=1000, special_tokens_mask=special,
                                   generator=torch.Generator().manual_seed(1))
    expect_tensor(out, "masked ids", shape=(16, 64), dtype=torch.long)
    expect_tensor(labels, "labels", shape=(16, 64), dtype=torch.long)
    selected = labels != -100
    assert selected.any(), "no position was selected"
    assert torch.equal(labels[selected], ids[selected]), "labels must hold the original ids of selected positions"
    assert not (out != ids)[~selected].any(), "only selected positions may change"
    assert not selected[special].any(), "special positions must never be selected"
    # about 150 selected positions, 80 % expected as [MASK]: 0.6 is 6 standard deviations below
    # (false-failure rate < 1e-8; the seed is fixed anyway)
    assert (out[selected] == 4).float().mean() > 0.6, "most selected positions should become the mask id"


@pytest.mark.points(1)
def test_mask_tokens_rejects_a_bad_probability(impl):
    with expect_raises(ValueError, "mask_tokens(..., mlm_probability=1.5)", arg="mlm_probability"):
        impl.mask_tokens(torch.tensor([[5, 6, 7]]), mask_token_id=4, vocab_size=10, mlm_probability=1.5)


@pytest.mark.points(1)
def test_causal_mask(impl):
    got = impl.causal_mask(3, 4)
    expect_tensor(got, "causal_mask(3, 4)", shape=(3, 4), dtype=torch.bool)
    expect_equal(got.tolist(), [[True, False, False, False],
                                [True, True, False, False],
                                [True, True, True, False]], "causal_mask(3, 4)",
                 hint="query i may attend to keys 0..i, like is_causal=True")


@pytest.mark.points(1)
def test_padding_mask(impl):
    got = impl.padding_mask(torch.tensor([3, 1]), 4)
    expect_tensor(got, "padding_mask([3, 1], 4)", shape=(2, 4), dtype=torch.bool)
    expect_equal(got.tolist(), [[True, True, True, False], [True, False, False, False]],
                 "padding_mask([3, 1], 4)", hint="True on real tokens, False on padding")
