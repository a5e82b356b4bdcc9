"""Hidden graders for fine_tuning."""

import copy

import numpy as np
import pytest
import torch
from torch import nn

from kit.checks import expect_close, expect_equal, expect_raises, expect_tensor, expect_type
from kit.datasets import LABEL_NAMES, labelled_sentences
from kit.encoders import small_encoder
from kit.remote import changes_of, inspect_call, is_instance, state_after


def _snapshot(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _assert_unchanged(after, before, what="the encoder"):
    """``after``: the module's state_dict after the call (``state_after``)."""
    assert after.keys() == before.keys(), f"{what} gained or lost entries in its state_dict"
    changed = [k for k in before if not torch.equal(before[k], after[k])]
    assert not changed, (
        f"{what} changed ({', '.join(changed[:4])}): fine-tuning trains the head only -- compute the "
        "features in eval mode under torch.no_grad() and give the optimizer the head's parameters only")


def _toy_data(seed, n=24, d_in=6, n_classes=3):
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randn(n, d_in, generator=g)
    labels = torch.randint(0, n_classes, (n,), generator=g)
    return inputs, labels


def _toy_encoder(seed, d_in=6, d_out=5):
    g = torch.Generator().manual_seed(seed)
    encoder = nn.Sequential(nn.Linear(d_in, d_out), nn.Tanh())
    with torch.no_grad():
        encoder[0].weight.copy_(torch.randn(d_out, d_in, generator=g) * 0.5)
        encoder[0].bias.copy_(torch.randn(d_out, generator=g) * 0.1)
    return encoder


def _toy_head(seed, d=5, n_classes=3):
    g = torch.Generator().manual_seed(seed)
    head = nn.Linear(d, n_classes)
    with torch.no_grad():
        head.weight.copy_(torch.randn(n_classes, d, generator=g) * 0.3)
        head.bias.zero_()
    return head


def _reference_fine_tune(encoder, head, inputs, labels, epochs, lr):
    encoder.eval()
    with torch.no_grad():
        features = encoder(inputs)
    opt = torch.optim.Adam([p for p in head.parameters() if p.requires_grad], lr=lr)
    losses = []
    head.train()
    for _ in range(epochs):
        loss = nn.functional.cross_entropy(head(features), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    return losses


# --------------------------------------------------------------------------- freeze / count


@pytest.mark.points(1)
def test_freeze_returns_the_frozen_module(impl):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    buffers = {k: v.clone() for k, v in model.named_buffers()}
    returned = impl.freeze(model)
    assert is_instance(returned, "torch.nn.Module"), "freeze should return the module it froze"
    assert not any(p.requires_grad for p in returned.parameters()), \
        "freeze returned a module that still has trainable parameters"
    assert sum(p.numel() for p in returned.parameters()) == 3 * 4 + 4 + 4 + 4 + 4 * 2 + 2, \
        "freeze returned a module with different parameters"
    state = returned.state_dict()
    assert all(torch.equal(v, state[k]) for k, v in buffers.items()), "freeze changed a buffer"


@pytest.mark.points(1)
def test_freeze_works_in_place(impl):
    # the head is the implementation's own object (a handle): reading it after the call is
    # reading the implementation's state, not a copy (state_after is for test-built objects)
    head = impl.ClassifierHead(10, 4, seed=1)
    impl.freeze(head)
    assert not any(p.requires_grad for p in head.parameters()), (
        "the module passed to freeze still has trainable parameters -- freeze it in place "
        "(requires_grad_(False) on each parameter), do not freeze a copy")
    expect_equal(impl.count_trainable_parameters(head), 0, "count_trainable_parameters(freeze(head))")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["linear", "tied", "batchnorm", "partly-frozen", "no-parameters", "embedding"])
def test_count_trainable_parameters_cases(impl, case):
    if case == "linear":
        model, expected = nn.Linear(7, 5), 7 * 5 + 5
    elif case == "tied":
        shared = nn.Linear(4, 4)
        model, expected = nn.Sequential(shared, nn.ReLU(), shared), 4 * 4 + 4
    elif case == "batchnorm":
        model, expected = nn.Sequential(nn.Linear(2, 6), nn.BatchNorm1d(6)), 2 * 6 + 6 + 6 + 6
    elif case == "partly-frozen":
        model = nn.Sequential(nn.Embedding(10, 3), nn.Linear(3, 2))
        model[0].weight.requires_grad_(False)
        expected = 3 * 2 + 2
    elif case == "no-parameters":
        model, expected = nn.Sequential(nn.ReLU(), nn.Dropout()), 0
    else:
        model, expected = nn.Embedding(100, 8, padding_idx=0), 800
    got = impl.count_trainable_parameters(model)
    expect_type(got, int, f"count_trainable_parameters [{case}]")
    expect_equal(got, expected, f"count_trainable_parameters [{case}]",
                 hint="sum p.numel() over module.parameters() with requires_grad: tied weights "
                      "count once, buffers (running statistics) are not parameters")


@pytest.mark.points(1)
@pytest.mark.parametrize("fn", ["freeze", "count_trainable_parameters"])
def test_non_modules_are_type_errors(impl, fn):
    with expect_raises(TypeError, f"{fn}(a tensor)"):
        getattr(impl, fn)(torch.zeros(3))


# --------------------------------------------------------------------------- ClassifierHead


@pytest.mark.points(1)
def test_classifier_head_structure(impl):
    head = impl.ClassifierHead(12, 5, seed=0)
    assert is_instance(head, "torch.nn.Module"), "ClassifierHead must be a torch.nn.Module"
    assert is_instance(head.linear, "torch.nn.Linear"), "ClassifierHead.linear should be an nn.Linear"
    expect_equal(sum(p.numel() for p in head.parameters()), 12 * 5 + 5, "parameters of ClassifierHead(12, 5)")
    x = torch.randn(2, 3, 12)
    out = head(x)
    expect_tensor(out, "ClassifierHead(12, 5)(features (2, 3, 12))", shape=(2, 3, 5), dtype=torch.float32)
    expected = x @ head.linear.weight.detach().T + head.linear.bias.detach()
    expect_close(out.detach(), expected, "ClassifierHead logits", hint="return the raw logits: no softmax")


@pytest.mark.points(1)
def test_classifier_head_seed(impl):
    x = torch.randn(3, 8)
    a, b, c = (impl.ClassifierHead(8, 2, seed=s)(x).detach() for s in (5, 5, 6))
    assert torch.equal(a, b), "ClassifierHead(seed=5) twice gave different heads"
    assert not torch.equal(a, c), "ClassifierHead(seed=5) and (seed=6) gave the same head"


@pytest.mark.points(1)
@pytest.mark.parametrize("args", [(0, 3), (8, 1), (8.0, 3)], ids=["in0", "one-class", "float"])
def test_classifier_head_bad_sizes(impl, args):
    with expect_raises(ValueError, f"ClassifierHead{args}"):
        impl.ClassifierHead(*args)


@pytest.mark.points(1)
def test_classifier_head_wrong_feature_width(impl):
    head = impl.ClassifierHead(8, 3, seed=0)
    with expect_raises(ValueError, "ClassifierHead(8, 3)(features (2, 7))", arg="features"):
        head(torch.randn(2, 7))


# --------------------------------------------------------------------------- fine_tune


@pytest.mark.points(2)
def test_fine_tune_follows_the_recipe(impl):
    inputs, labels = _toy_data(1)
    encoder, head = _toy_encoder(2), _toy_head(3)
    ref_encoder, ref_head = copy.deepcopy(encoder), copy.deepcopy(head)
    losses, changed = inspect_call(impl.fine_tune, encoder, head, inputs, labels, epochs=12, lr=0.05)
    expected = _reference_fine_tune(ref_encoder, ref_head, inputs, labels, 12, 0.05)
    expect_type(losses, list, "fine_tune(...)")
    assert all(type(v) is float for v in losses), "the losses should be Python floats"
    expect_close(np.array(losses), np.array(expected), "losses per epoch", atol=1e-5, rtol=1e-4,
                 hint="full batch; cross_entropy on the raw logits; optimizer.zero_grad() every epoch; "
                      "each loss recorded BEFORE its epoch's Adam step")
    expect_close(state_after(changed, 1, head)["weight"], ref_head.weight.detach(),
                 "the trained head's weight", atol=1e-5, rtol=1e-4,
                 hint="train the head it was given, in place")


@pytest.mark.points(1)
def test_fine_tune_first_loss_is_the_untrained_loss(impl):
    inputs, labels = _toy_data(4)
    encoder, head = _toy_encoder(5), _toy_head(6)
    with torch.no_grad():
        initial = float(nn.functional.cross_entropy(head(encoder(inputs)), labels))
    losses = impl.fine_tune(encoder, head, inputs, labels, epochs=3, lr=0.1)
    expect_close(losses[0], initial, "fine_tune(...)[0]", rtol=1e-5,
                 hint="record each epoch's loss before its optimizer step")


@pytest.mark.points(2)
def test_fine_tune_leaves_a_trainable_encoder_alone(impl):
    inputs, labels = _toy_data(7)
    encoder, head = _toy_encoder(8), _toy_head(9)
    assert all(p.requires_grad for p in encoder.parameters())
    before = _snapshot(encoder)
    _, changed = inspect_call(impl.fine_tune, encoder, head, inputs, labels, epochs=10, lr=0.1)
    _assert_unchanged(state_after(changed, 0, encoder), before)


@pytest.mark.points(2)
def test_fine_tune_does_not_touch_batchnorm_statistics(impl):
    inputs, labels = _toy_data(10, d_in=4)
    encoder = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Dropout(0.5))
    encoder.train()
    before = _snapshot(encoder)
    head = _toy_head(11, d=6)
    ref_encoder, ref_head = copy.deepcopy(encoder), copy.deepcopy(head)
    losses, changed = inspect_call(impl.fine_tune, encoder, head, inputs, labels, epochs=5, lr=0.05)
    _assert_unchanged(state_after(changed, 0, encoder), before,
                      "the encoder (its BatchNorm running statistics)")
    expected = _reference_fine_tune(ref_encoder, ref_head, inputs, labels, 5, 0.05)
    expect_close(np.array(losses), np.array(expected), "losses with a BatchNorm/Dropout encoder",
                 atol=1e-5, rtol=1e-4, hint="compute the features in eval mode (encoder.eval())")


@pytest.mark.points(1)
def test_fine_tune_restores_both_modes(impl):
    # modules of the implementation, so their mode can be read back in any session
    inputs, labels = _toy_data(12)
    encoder = impl.ClassifierHead(6, 5, seed=2)   # used as a (linear) encoder
    head = impl.ClassifierHead(5, 3, seed=3)
    head.eval()
    impl.fine_tune(encoder, head, inputs, labels, epochs=2, lr=0.1)
    assert encoder.training is True, "the encoder was in train mode before fine_tune; put it back"
    assert head.training is False, "the head was in eval mode before fine_tune; put it back"


@pytest.mark.points(1)
def test_fine_tune_is_reproducible_with_dropout(impl):
    inputs, labels = _toy_data(15)
    runs = {}
    for key, seed in (("a", 0), ("b", 0), ("c", 1)):
        head = nn.Sequential(nn.Dropout(0.5), _toy_head(16))
        runs[key] = impl.fine_tune(_toy_encoder(17), head, inputs, labels, epochs=4, lr=0.1, seed=seed)
    assert runs["a"] == runs["b"], "two runs with the same seed gave different losses"
    assert runs["a"] != runs["c"], (
        "seeds 0 and 1 gave the same losses with a dropout head: seed the training "
        "(torch.random.fork_rng() + torch.manual_seed(seed))")


@pytest.mark.points(1)
def test_fine_tune_trains_only_parameters_that_require_grad(impl):
    inputs, labels = _toy_data(18)
    head = nn.Sequential(nn.Linear(5, 5), nn.ReLU(), _toy_head(19))
    head[0].weight.requires_grad_(False)
    frozen = head[0].weight.detach().clone()
    _, changed = inspect_call(impl.fine_tune, _toy_encoder(20), head, inputs, labels, epochs=5, lr=0.1)
    assert torch.equal(state_after(changed, 1, head)["0.weight"], frozen), \
        "a head parameter with requires_grad=False changed"
    assert 1 in changed, "fine_tune did not train the head it was given (train it in place)"


@pytest.mark.points(2)
def test_small_encoder_fine_tuning_beats_zero_shot(impl):
    encoder = small_encoder()
    before = _snapshot(encoder)
    train_texts, train_y = labelled_sentences("topic", split="train")
    test_texts, test_y = labelled_sentences("topic", split="test")
    head = impl.ClassifierHead(32, 3, seed=1)
    _, changed = inspect_call(impl.fine_tune, encoder, head, encoder.token_ids(train_texts),
                              torch.from_numpy(train_y), epochs=150, lr=0.05)
    _assert_unchanged(state_after(changed, 0, encoder), before)
    with torch.no_grad():
        features = encoder(encoder.token_ids(test_texts))
        names = encoder(encoder.token_ids(list(LABEL_NAMES["topic"])))
    zero_acc = float(((nn.functional.normalize(features, dim=1) @ nn.functional.normalize(names, dim=1).T)
                      .argmax(1).numpy() == test_y).mean())
    head.eval()
    head_acc = float((head(features).argmax(1).numpy() == test_y).mean())
    # reference: zero-shot 0.42, head 0.91 (deterministic: fixed data, encoder and seeds)
    assert head_acc >= 0.8 and head_acc > zero_acc + 0.2, (
        f"held-out accuracy of the fine-tuned head {head_acc:.2f} (zero-shot {zero_acc:.2f}); "
        "expected at least 0.8 and a clear win")


@pytest.mark.points(2)
@pytest.mark.pretrained
@pytest.mark.slow
@pytest.mark.timeout(300)
def test_pretrained_encoder_fine_tuning_beats_zero_shot(impl):
    from kit.encoders import pretrained_encoder

    encoder = pretrained_encoder()
    before = _snapshot(encoder)
    train_texts, train_y = labelled_sentences("sentiment", split="train")
    test_texts, test_y = labelled_sentences("sentiment", split="test")
    head = impl.ClassifierHead(384, 3, seed=0)
    losses, changed = inspect_call(impl.fine_tune, encoder, head, encoder.token_ids(train_texts),
                                   torch.from_numpy(train_y), epochs=200, lr=0.05)
    assert losses[-1] < losses[0], "the loss did not go down"
    _assert_unchanged(state_after(changed, 0, encoder), before, "the pre-trained encoder")
    with torch.no_grad():
        features = encoder(encoder.token_ids(test_texts))
        names = encoder(encoder.token_ids(list(LABEL_NAMES["sentiment"])))
    zero_acc = float(((features @ names.T).argmax(1).numpy() == test_y).mean())
    head_acc = float((head(features).argmax(1).numpy() == test_y).mean())
    print(f"sentiment, 45 held-out sentences: zero-shot {zero_acc:.3f}, fine-tuned head {head_acc:.3f}")
    # reference: zero-shot 0.711, fine-tuned head 0.933 (deterministic)
    assert head_acc >= 0.85 and head_acc > zero_acc + 0.1, (
        f"held-out accuracy of the head on the pre-trained encoder {head_acc:.3f} (zero-shot {zero_acc:.3f})")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["labels-length", "labels-2d", "epochs0", "epochs-float", "lr0",
                                  "label-too-big", "negative-label", "features-3d"])
def test_fine_tune_value_errors(impl, case):
    inputs, labels = _toy_data(21)
    encoder, head = _toy_encoder(22), _toy_head(23)
    kwargs = {"epochs": 2, "lr": 0.1}
    before = _snapshot(head)
    if case == "labels-length":
        labels = labels[:-1]
    elif case == "labels-2d":
        labels = labels.reshape(4, -1)
    elif case == "epochs0":
        kwargs["epochs"] = 0
    elif case == "epochs-float":
        kwargs["epochs"] = 2.0
    elif case == "lr0":
        kwargs["lr"] = 0
    elif case == "label-too-big":
        labels = labels.clone()
        labels[0] = 3
    elif case == "negative-label":
        labels = labels.clone()
        labels[0] = -1
    else:
        encoder = nn.Sequential(nn.Linear(6, 5), nn.Unflatten(1, (5, 1)))
    changed: dict = {}
    with expect_raises(ValueError, f"fine_tune [{case}]"):
        try:
            inspect_call(impl.fine_tune, encoder, head, inputs, labels, **kwargs)
        except ValueError as exc:
            changed = changes_of(exc)
            raise
    if case in ("label-too-big", "negative-label"):
        _assert_unchanged(state_after(changed, 1, head), before,
                          "the head (a bad label should stop training before any step)")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["encoder", "head", "inputs", "float-labels"])
def test_fine_tune_type_errors(impl, case):
    inputs, labels = _toy_data(24)
    args = [_toy_encoder(25), _toy_head(26), inputs, labels]
    if case == "encoder":
        args[0] = lambda x: x
    elif case == "head":
        args[1] = lambda x: x
    elif case == "inputs":
        args[2] = inputs.tolist()
    else:
        args[3] = labels.float()
    with expect_raises(TypeError, f"fine_tune [{case}]"):
        impl.fine_tune(*args, epochs=2, lr=0.1)
