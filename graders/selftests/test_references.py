"""``kit.loader.references_to`` (the check that an answer does not call its peer) and
``kit.sentiment`` (the explainability exercise's classifier)."""

import pytest
import torch

from kit import sentiment
from kit.loader import import_file, references_to

SOURCES = {
    "clean": "import math\n\ndef f(x):\n    return math.sqrt(x)\n",
    "alias": "import json as email\n\ndef f(x):\n    return x\n",  # named email, is json
    "top-import": "import email.message\nfrom email import message\n\ndef f(x):\n    return x\n",
    "lazy-import": "def helper():\n    import email.utils\n    return 1\n\ndef f(x):\n    return helper()\n",
    "by-name": "import importlib\n\ndef f(x):\n    return importlib.import_module('email')\n",
}


@pytest.mark.parametrize("name,expected", [("clean", False), ("alias", False), ("top-import", True),
                                           ("lazy-import", True), ("by-name", True)])
def test_references_to_finds_imports_anywhere_in_the_module(tmp_path, name, expected):
    path = tmp_path / f"refs_{name.replace('-', '_')}.py"
    path.write_text(SOURCES[name])
    module = import_file(path.stem, path)
    found = references_to("email", module.f)
    assert bool(found) is expected, found
    assert all(type(item) is str for item in found)


def test_sentiment_classifier_is_trained_and_repeatable():
    a, b = sentiment.sentiment_classifier(), sentiment.sentiment_classifier()
    assert a is not b and not a.training
    for (name, p), q in zip(a.state_dict().items(), b.state_dict().values()):
        assert torch.equal(p, q), name
    words = sentiment.tokens("The food was terrible!")
    assert words == ["the", "food", "was", "terrible"]
    with torch.no_grad():
        assert sentiment.LABELS[int(a(a.embed(words)).argmax())] == "negative"


def test_reinitialized_is_a_seeded_copy():
    model = sentiment.sentiment_classifier()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    state = torch.random.get_rng_state()
    one, again = sentiment.reinitialized(model, 1), sentiment.reinitialized(model, 1)
    assert torch.equal(torch.random.get_rng_state(), state), "the global random state changed"
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())
    assert all(torch.equal(v, again.state_dict()[k]) for k, v in one.state_dict().items())
    assert not torch.equal(one.output.weight, model.output.weight)
    state = sentiment.model_state(one)
    assert set(state) == {"training", "requires_grad", "has_grad"} and not any(state["has_grad"].values())
