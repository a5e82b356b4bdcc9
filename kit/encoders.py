"""Sentence encoders for the fine-tuning exercise (complete; not a stub).

Both are ``torch.nn.Module`` classes of the kit that turn a ``LongTensor`` of token ids
``(N, L)`` (padded with 0) into one float32 feature vector per sentence ``(N, dim)``, and
both have a ``token_ids(texts)`` method that makes those ids:

* :func:`small_encoder` -- a :class:`TinySentenceEncoder` (word embeddings averaged over
  the sentence, 32 features; unknown words are skipped) that the kit pre-trains itself,
  in about a second on a CPU, on its own unlabelled corpus
  (:func:`kit.datasets.pretraining_corpus`, 170 sentences). It learns CBOW-style: predict
  every word of a sentence from the average of the other words, so words that share
  sentences (one topic) end up close. Works without any extra.
* :func:`pretrained_encoder` -- a :class:`PretrainedSentenceEncoder`: the kit's real
  pre-trained model (all-MiniLM-L6-v2, 384 features; the ``pretrained`` extra, loaded only
  through :mod:`kit.pretrained`) with mean pooling and L2 normalisation, as
  ``kit.pretrained.embed`` computes it.

    >>> encoder = small_encoder()
    >>> ids = encoder.token_ids(["The striker scored.", "Bake the bread."])
    >>> encoder(ids).shape
    torch.Size([2, 32])

Each call returns a fresh module (the pre-training is cached per process), so changing
one never changes another.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Sequence

import torch
from torch import nn

from . import datasets

PAD_ID = 0
UNK_ID = 1

# Function words carry no topic; the small encoder ignores them (a tiny fixed list).
_IGNORED = frozenset("""
a an the and or but if of to in on at for with by from as into onto about over after before
than then so very too not no up out is are was were be been being am it its this that these
those there here i we you he she they me us him her them my our your his their what which who
whom all each every some any can could will would should may might must do does did have has
had just more most also
""".split())
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The small encoder's tokens: lower-cased runs of letters/digits, function words dropped."""
    return [w for w in _WORD.findall(text.lower()) if w not in _IGNORED]


def _check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of str")
    return list(texts)


class TinySentenceEncoder(nn.Module):
    """Averages learned word embeddings over a sentence: ids ``(N, L)`` -> ``(N, dim)``.

    Id 0 is padding, id 1 an unknown word (both ignored; a sentence with no known word
    gives zeros), ids from 2 the ``vocabulary`` in order.
    """

    def __init__(self, vocabulary: Sequence[str], dim: int = 32):
        super().__init__()
        self.vocabulary = list(vocabulary)
        self.index = {w: i + 2 for i, w in enumerate(self.vocabulary)}
        self.embedding = nn.Embedding(len(self.vocabulary) + 2, dim, padding_idx=PAD_ID)

    def token_ids(self, texts: Sequence[str]) -> torch.Tensor:
        """``LongTensor (N, L)``: each text's word ids, padded with 0 to the longest."""
        rows = [[self.index.get(w, UNK_ID) for w in words(t)] or [UNK_ID] for t in _check_texts(texts)]
        ids = torch.zeros(len(rows), max((len(r) for r in rows), default=1), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, :len(row)] = torch.tensor(row, dtype=torch.long)
        return ids

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = (ids > UNK_ID).unsqueeze(-1).to(self.embedding.weight.dtype)
        summed = (self.embedding(ids) * mask).sum(dim=-2)
        return summed / mask.sum(dim=-2).clamp(min=1.0)


@functools.lru_cache(maxsize=1)
def _pretrained_small(dim: int = 32, steps: int = 100, lr: float = 0.05, weight_decay: float = 1e-3,
                      seed: int = 0):
    """Pre-train the small encoder on the kit's corpus (CBOW over whole sentences).

    Full-batch Adam; the weight decay matters: without it the model memorises the 170
    sentences and its embeddings do not group words by topic.
    """
    corpus = [words(s) for s in datasets.pretraining_corpus()]
    vocabulary = sorted({w for sentence in corpus for w in sentence})
    encoder = TinySentenceEncoder(vocabulary, dim)
    n_ids = len(vocabulary) + 2
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        encoder.embedding.weight.copy_(0.01 * torch.randn(n_ids, dim, generator=generator))
        encoder.embedding.weight[PAD_ID].zero_()
    output = nn.Linear(dim, n_ids)
    with torch.no_grad():
        output.weight.copy_(0.1 * torch.randn(n_ids, dim, generator=generator))
        output.bias.zero_()
    # One row per word occurrence: the average of the other words of its sentence.
    context_rows, targets = [], []
    for sentence in corpus:
        ids = [encoder.index[w] for w in sentence]
        counts = torch.zeros(n_ids)
        for i in ids:
            counts[i] += 1
        if len(ids) < 2:
            continue
        for i in ids:
            row = counts.clone()
            row[i] -= 1
            context_rows.append(row / row.sum())
            targets.append(i)
    context = torch.stack(context_rows)
    target = torch.tensor(targets)
    params = list(encoder.parameters()) + list(output.parameters())
    optimizer = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny problem: extra threads cost more than they give
    try:
        for _ in range(steps):
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(output(context @ encoder.embedding.weight), target)
            loss.backward()
            optimizer.step()
    finally:
        torch.set_num_threads(threads)
    state = {k: v.detach().clone() for k, v in encoder.state_dict().items()}
    return tuple(vocabulary), dim, state, float(loss.detach())


def small_encoder() -> TinySentenceEncoder:
    """A fresh copy of the kit's small pre-trained encoder (eval mode, 32 features)."""
    vocabulary, dim, state, _ = _pretrained_small()
    encoder = TinySentenceEncoder(vocabulary, dim)
    encoder.load_state_dict(state)
    return encoder.eval()


class PretrainedSentenceEncoder(nn.Module):
    """The kit's pre-trained BERT sentence encoder: ids ``(N, L)`` -> unit vectors ``(N, 384)``.

    Mean of the last hidden states over the real (non-padding) tokens, L2-normalised.
    Needs the ``pretrained`` extra.
    """

    def __init__(self):
        super().__init__()
        from . import pretrained

        first = pretrained.sentence_encoder()[0]
        bert = getattr(first, "auto_model", None) or first.model
        self.bert = copy.deepcopy(bert).eval()
        self.pad_id = int(pretrained.tokenizer().pad_token_id)

    def token_ids(self, texts: Sequence[str], max_length: int = 128) -> torch.Tensor:
        """``LongTensor (N, L)``: WordPiece ids with ``[CLS]``/``[SEP]``, padded with 0."""
        from . import pretrained

        batch = pretrained.tokenizer()(_check_texts(texts), padding=True, truncation=True,
                                       max_length=max_length, return_tensors="pt")
        return batch["input_ids"].long()

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = (ids != self.pad_id).long()
        hidden = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
        return nn.functional.normalize(pooled, dim=-1)


def pretrained_encoder() -> PretrainedSentenceEncoder:
    """A fresh :class:`PretrainedSentenceEncoder` in eval mode (needs the pretrained extra)."""
    return PretrainedSentenceEncoder().eval()
