"""The kit's labelled PII corpus, for the data_privacy exercise (complete; not a stub).

``kit/data/pii_corpus.jsonl`` holds sentences written for the kit, one JSON object a
line::

    {"id": 3, "text": "...", "pii": [{"kind": "CARD", "start": 14, "end": 33, "text": "..."}],
     "not_pii": [{"what": "year", "start": 40, "end": 44, "text": "1998"}]}

* ``pii`` -- every piece of PII in the sentence: ``kind`` is one of :data:`KINDS`,
  ``start``/``end`` are character offsets into ``text`` (``text[start:end]`` is the
  piece itself);
* ``not_pii`` -- *hard negatives*: things that look like PII but are not, each
  tagged with what it is (:data:`NEGATIVE_KINDS`: years, prices, order numbers,
  version strings, dates, card-like numbers that fail the Luhn check, invalid social
  security numbers, phone-like and IP-like strings, other numbers and times). A
  redactor must leave them alone.

:func:`precision_recall` scores a list of predicted ``(kind, start, end)`` per sentence
against the corpus: a prediction counts only with exactly the right kind and offsets.

This corpus is for practice: the hidden graders score ``redact_pii`` on held-out
sentences written the same way and following the same rules, which the kit does not
ship (so learning this file's answers by heart earns nothing).

    >>> corpus = load_pii_corpus()
    >>> len(corpus), corpus[0]["pii"][0]["kind"]
    (95, 'EMAIL')
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
CORPUS = DATA_DIR / "pii_corpus.jsonl"

KINDS: tuple[str, ...] = ("EMAIL", "PHONE", "CARD", "IP", "SSN")
NEGATIVE_KINDS: tuple[str, ...] = ("year", "price", "order", "version", "date", "time", "number",
                                   "card_invalid", "ssn_invalid", "phone_like", "ip_like")


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> tuple[dict, ...]:
    records = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            text = record["text"]
            for span in record["pii"]:
                if span["kind"] not in KINDS:
                    raise ValueError(f"{path.name}:{line_no}: unknown PII kind {span['kind']!r}")
            for span in record["not_pii"]:
                if span["what"] not in NEGATIVE_KINDS:
                    raise ValueError(f"{path.name}:{line_no}: unknown negative {span['what']!r}")
            for span in record["pii"] + record["not_pii"]:
                if text[span["start"]:span["end"]] != span["text"]:
                    raise ValueError(f"{path.name}:{line_no}: offsets {span['start']}:{span['end']} "
                                     f"do not give {span['text']!r}")
            records.append(record)
    return tuple(records)


def load_pii_corpus(path: str | Path | None = None) -> list[dict]:
    """The corpus as a list of dicts (fresh copies: changing them changes nothing).

    ``path``: another file in the same format (default: the kit's corpus); it is checked
    the same way (known kinds, offsets that give the text).
    """
    return json.loads(json.dumps(_load(Path(CORPUS if path is None else path).resolve())))


def precision_recall(predictions: Iterable[Iterable[tuple[str, int, int]]],
                     corpus: list[dict] | None = None) -> dict[str, dict[str, float]]:
    """Precision, recall and counts per PII kind, on exact ``(kind, start, end)`` matches.

    ``predictions`` has one iterable of ``(kind, start, end)`` per corpus sentence, in
    corpus order. Returns ``{kind: {"precision", "recall", "tp", "predicted", "gold"}}``
    (precision is 1.0 when nothing of that kind was predicted, recall 1.0 when there is
    none to find).
    """
    corpus = load_pii_corpus() if corpus is None else corpus
    predictions = [set(map(tuple, p)) for p in predictions]
    if len(predictions) != len(corpus):
        raise ValueError(f"predictions: expected one entry per sentence ({len(corpus)}), "
                         f"got {len(predictions)}")
    table = {}
    for kind in KINDS:
        tp = n_pred = n_gold = 0
        for record, predicted in zip(corpus, predictions):
            gold = {(s["kind"], s["start"], s["end"]) for s in record["pii"] if s["kind"] == kind}
            mine = {p for p in predicted if p[0] == kind}
            tp += len(gold & mine)
            n_pred += len(mine)
            n_gold += len(gold)
        table[kind] = {"precision": tp / n_pred if n_pred else 1.0,
                       "recall": tp / n_gold if n_gold else 1.0,
                       "tp": tp, "predicted": n_pred, "gold": n_gold}
    return table
