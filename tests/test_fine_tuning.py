"""Public tests for fine_tuning (run: pytest -m fine_tuning)."""

import pytest
import torch
from torch import nn

from kit.checks import expect_equal, expect_raises, expect_tensor
from kit.datasets import LABEL_NAMES, labelled_sentences
from kit.encoders import small_encoder
from kit.remote import is_instance


@pytest.mark.points(1)
def test_freeze_switches_off_every_gradient(impl):
    head = impl.ClassifierHead(4, 3, seed=0)
    returned = impl.freeze(head)
    assert is_instance(returned, "torch.nn.Module"), "freeze should return the module"
    assert not any(p.requires_grad for p in head.parameters()), \
        "after freeze(head) some parameter of head still requires grad (freeze it in place, not a copy)"
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    frozen = impl.freeze(model)
    assert not any(p.requires_grad for p in frozen.parameters()), \
        "freeze(Sequential(...)) returned a module with trainable parameters"


@pytest.mark.points(1)
def test_count_trainable_parameters(impl):
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    expect_equal(impl.count_trainable_parameters(model), 4 * 3 + 3 + 3 * 2 + 2,
                 "count_trainable_parameters(Linear(4, 3), ReLU, Linear(3, 2))",
                 hint="count the numbers in each parameter (p.numel()), not the tensors")
    model[0].weight.requires_grad_(False)
    expect_equal(impl.count_trainable_parameters(model), 3 + 3 * 2 + 2,
                 "count_trainable_parameters after freezing the first weight",
                 hint="only parameters with requires_grad=True are trainable")


@pytest.mark.points(1)
def test_classifier_head_shapes(impl):
    head = impl.ClassifierHead(32, 3, seed=0)
    expect_tensor(head(torch.randn(5, 32)), "ClassifierHead(32, 3)(features (5, 32))", shape=(5, 3))
    expect_equal(impl.count_trainable_parameters(head), 32 * 3 + 3, "parameters of ClassifierHead(32, 3)")


@pytest.mark.points(3)
def test_fine_tuned_head_beats_zero_shot(impl):
    encoder = small_encoder()  # the kit's small pre-trained encoder (32 features)
    before = {k: v.clone() for k, v in encoder.state_dict().items()}
    train_texts, train_y = labelled_sentences("topic", split="train")
    test_texts, test_y = labelled_sentences("topic", split="test")
    head = impl.ClassifierHead(32, 3, seed=0)
    losses = impl.fine_tune(encoder, head, encoder.token_ids(train_texts), torch.from_numpy(train_y),
                            epochs=200, lr=0.05)
    expect_equal(len(losses), 200, "len(fine_tune(..., epochs=200))")
    assert losses[-1] < 0.5 * losses[0], f"the loss hardly went down: {losses[0]:.3f} -> {losses[-1]:.3f}"
    after = encoder.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before), \
        "the encoder's weights changed: only the head may be trained"

    with torch.no_grad():
        features = encoder(encoder.token_ids(test_texts))
        names = encoder(encoder.token_ids(list(LABEL_NAMES["topic"])))
    zero_shot = nn.functional.normalize(features, dim=1) @ nn.functional.normalize(names, dim=1).T
    zero_acc = float((zero_shot.argmax(1).numpy() == test_y).mean())
    head_acc = float((head(features).argmax(1).numpy() == test_y).mean())
    # reference: zero-shot 0.42, fine-tuned head 0.91 on the 45 held-out sentences
    assert head_acc > zero_acc + 0.2, (
        f"held-out accuracy: fine-tuned head {head_acc:.2f} vs zero-shot {zero_acc:.2f}; the head "
        "should win clearly")


@pytest.mark.points(1)
def test_error_message_names_the_argument(impl):
    head = impl.ClassifierHead(4, 3, seed=0)
    with expect_raises(ValueError, "ClassifierHead(4, 3)(features of width 5)", arg="features",
                       hint="check features.shape[-1] against in_features before the linear layer"):
        head(torch.zeros(2, 5))
