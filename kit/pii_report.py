"""Precision and recall per PII kind of a ``redact_pii`` on the kit's labelled corpus.

The corpus is ``kit/data/pii_corpus.jsonl`` (see :mod:`kit.datasets_privacy`): sentences
written for the kit, with every e-mail address, phone number, payment card number,
IPv4 address and US social security number marked, and hard negatives (years, prices,
order numbers, version strings, dates, card-like numbers failing the Luhn check, ...).
A finding counts only with exactly the right kind and offsets. The graders ask for at
least 0.9 per kind (the reference reaches 1.0) on held-out sentences of the same sort
that the kit does not ship: figures here are practice, the rules in the stub are what
is scored. Run it from the kit's folder::

    python -m kit.pii_report                           # your exercises/data_privacy.py
    python -m kit.pii_report --errors                  # ... and every wrong finding
    python -m kit.pii_report --impl path/to/folder     # another folder laid out like exercises/

``--errors`` lists every missed, wrong or extra finding.
"""

from __future__ import annotations

import argparse

from .datasets_privacy import KINDS, load_pii_corpus, precision_recall
from .loader import ImplementationError, import_exercise, resolve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.pii_report", description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default="exercises",
                        help="exercises (default), solutions, or a folder holding data_privacy.py")
    parser.add_argument("--errors", action="store_true", help="list every wrong finding")
    args = parser.parse_args(argv)
    try:
        module = import_exercise(resolve(args.impl), "data_privacy")
    except ImplementationError as exc:
        raise SystemExit(f"pii_report: {exc}") from None
    corpus = load_pii_corpus()
    predictions = []
    for record in corpus:
        try:
            _, findings = module.redact_pii(record["text"])
        except NotImplementedError as exc:
            raise SystemExit(f"pii_report: {exc} (write redact_pii first)") from None
        predictions.append([(f.kind, f.start, f.end) for f in findings])
    table = precision_recall(predictions, corpus)
    n_negatives = sum(len(r["not_pii"]) for r in corpus)
    print(f"implementation: {args.impl} (data_privacy.py); corpus: {len(corpus)} sentences, "
          f"{sum(len(r['pii']) for r in corpus)} PII spans, {n_negatives} hard negatives")
    print(f"{'kind':<7}{'gold':>6}{'found':>7}{'correct':>9}{'precision':>11}{'recall':>8}")
    for kind in KINDS:
        row = table[kind]
        print(f"{kind:<7}{row['gold']:>6}{row['predicted']:>7}{row['tp']:>9}"
              f"{row['precision']:>11.3f}{row['recall']:>8.3f}")
    flagged = sum(
        any(p[1] < n["end"] and n["start"] < p[2] for p in predicted for n in record["not_pii"])
        for record, predicted in zip(corpus, predictions))
    print(f"sentences where a hard negative was flagged: {flagged}")
    if args.errors:
        for record, predicted in zip(corpus, predictions):
            gold = {(s["kind"], s["start"], s["end"]) for s in record["pii"]}
            for kind, start, end in sorted(set(predicted) ^ gold, key=lambda s: s[1]):
                label = "extra " if (kind, start, end) in set(predicted) else "missed"
                print(f"  [{record['id']}] {label} {kind:<5} {record['text'][start:end]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
