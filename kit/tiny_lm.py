"""The course's tiny language model: one sentence, a word vocabulary, a short training loop.

Course: chapter 3, "Introducing the transformer". The course follows a transformer
as it completes "Jane, who lives in New York and works as a software" with
"engineer, loves exploring new restaurants in the city". This module gives
everything around the model, so that the exercise is the model itself:

* :data:`SENTENCE`, :data:`PROMPT`, :data:`COMPLETION` -- the course's example;
* :func:`words` and :class:`Vocabulary` -- a word-level tokenizer (words and
  punctuation, case kept: "New" and "new" are different words) and its ids;
* :data:`TINY_CONFIG` -- a model size that learns the sentence in a few seconds;
* :func:`train_tiny_lm` -- trains any model that maps ids ``(B, L)`` to next-word
  logits ``(B, L, vocab)`` (e.g. ``transformer.TinyLanguageModel``) on the sentence.

Example (with your ``transformer`` module)::

    from kit.tiny_lm import PROMPT, TINY_CONFIG, sentence_vocabulary, train_tiny_lm
    vocab = sentence_vocabulary()
    model = TinyLanguageModel(len(vocab), **TINY_CONFIG)
    losses = train_tiny_lm(model)                      # a few seconds on a laptop CPU
    prompt = torch.tensor(vocab.encode(PROMPT))
    print(vocab.decode(generate(model, prompt, 9)))    # the whole sentence, if all is well

A model that memorises one sentence is not a language model yet -- but it goes
through every step a large one does: tokens to ids, a causal transformer,
next-word loss, and greedy generation one word at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SENTENCE = ("Jane, who lives in New York and works as a software engineer, "
            "loves exploring new restaurants in the city")
PROMPT = "Jane, who lives in New York and works as a software"
COMPLETION = "engineer, loves exploring new restaurants in the city"

#: A model size (besides ``vocab_size``) that learns :data:`SENTENCE` in a few seconds.
TINY_CONFIG = {"d_model": 32, "n_heads": 4, "n_layers": 2, "d_ff": 64, "max_len": 32}

_WORD = re.compile(r"\w+|[^\w\s]")


def words(text: str) -> list[str]:
    """Words and punctuation marks, in order, case kept: ``"Jane, who" -> ["Jane", ",", "who"]``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _WORD.findall(text)


class Vocabulary:
    """A word <-> id table; ids in order of first appearance."""

    def __init__(self, tokens: Iterable[str]):
        self.itos: list[str] = []
        self.stoi: dict[str, int] = {}
        for token in tokens:
            if token not in self.stoi:
                self.stoi[token] = len(self.itos)
                self.itos.append(token)

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str | list[str]) -> list[int]:
        """Ids of the words of ``text`` (a string, or a list of words)."""
        tokens = words(text) if isinstance(text, str) else list(text)
        unknown = [t for t in tokens if t not in self.stoi]
        if unknown:
            raise KeyError(f"words not in the vocabulary: {unknown}")
        return [self.stoi[t] for t in tokens]

    def decode(self, ids) -> str:
        """Text from ids (a list or a 1-D tensor): words joined by spaces, none before punctuation."""
        if hasattr(ids, "tolist"):
            ids = ids.tolist()
        text = ""
        for i in ids:
            token = self.itos[int(i)]
            text += token if (not text or not token[0].isalnum()) else " " + token
        return text


def sentence_vocabulary() -> Vocabulary:
    """The vocabulary of :data:`SENTENCE` (18 words and the comma)."""
    return Vocabulary(words(SENTENCE))


def train_tiny_lm(model, ids=None, *, steps: int = 400, lr: float = 1e-2, seed: int | None = 0,
                  target_loss: float = 0.02) -> list[float]:
    """Train ``model`` to predict each next word of a sequence; returns the loss of every step.

    ``model`` maps a ``LongTensor`` ``(B, L)`` of ids to logits ``(B, L, vocab)``.
    ``ids``: the training sequence (a list or 1-D tensor of ids); default: :data:`SENTENCE`
    in :func:`sentence_vocabulary`'s ids. Full-batch Adam on the next-word cross-entropy
    of ``ids[:-1] -> ids[1:]``, on the device of the model's parameters; stops early once
    the loss is below ``target_loss``. ``seed``: re-initialise every sub-module that has a
    ``reset_parameters()`` method from this seed first, so a run is reproducible wherever
    the model was created (``None``: keep the current weights). Leaves the model in
    ``eval()`` mode.
    """
    import torch
    import torch.nn.functional as F

    if ids is None:
        ids = sentence_vocabulary().encode(SENTENCE)
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters")
    device = params[0].device
    ids = torch.as_tensor(ids, dtype=torch.long, device=device).reshape(1, -1)
    if ids.shape[1] < 2:
        raise ValueError("ids must hold at least two tokens")
    if seed is not None:
        devices = [device] if device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            for module in model.modules():
                reset = getattr(module, "reset_parameters", None)
                if callable(reset):
                    reset()
    inputs, targets = ids[:, :-1], ids[:, 1:]
    optimizer = torch.optim.Adam(params, lr=lr)
    model.train()
    losses: list[float] = []
    for _ in range(steps):
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if losses[-1] < target_loss:
            break
    model.eval()
    return losses


def lazy_course_model(impl):
    """``get()`` -> ``(vocabulary, model)``: the implementation's ``TinyLanguageModel`` in
    :data:`TINY_CONFIG`, trained with :func:`train_tiny_lm` (seed 0) on the course sentence
    where the implementation runs, the first time ``get`` is called (tests that never call
    it pay nothing). ``impl`` is the ``impl`` fixture."""
    from .remote import run_kit

    cache: dict = {}

    def get():
        if not cache:
            vocab = sentence_vocabulary()
            model = impl.TinyLanguageModel(len(vocab), **TINY_CONFIG)
            run_kit(impl, "kit.tiny_lm:train_tiny_lm", model, seed=0)
            cache.update(vocab=vocab, model=model)
        return cache["vocab"], cache["model"]

    return get
