"""Precision and recall per PII kind of a ``redact_pii`` on the kit's labelled corpus.

The corpus is ``kit/data/pii_corpus.jsonl`` (see :mod:`kit.datasets_privacy`): sentences
written for the kit, with every e-mail address, phone number, payment card number,
IPv4 address and US social security number marked, and hard negatives (years, prices,
order numbers, version strings, dates, card-like numbers failing the Luhn check, ...).
A finding counts only with exactly the right kind and offsets. The graders ask a
student's implementation for at least 0.9 per kind; the reference should reach 0.95.

    python benchmarks/pii_report.py                      # the reference (solutions/)
    python benchmarks/pii_report.py --impl exercises     # your own data_privacy.py
    python benchmarks/pii_report.py --impl path/to/folder --errors

``--errors`` also lists every missed, wrong or extra finding.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kit.datasets_privacy import KINDS, load_pii_corpus, precision_recall  # noqa: E402


def load_module(impl: str):
    folder = ROOT / impl if not Path(impl).is_absolute() else Path(impl)
    path = folder / "data_privacy.py"
    if not path.is_file():
        raise SystemExit(f"no data_privacy.py in {folder}")
    spec = importlib.util.spec_from_file_location(f"{folder.name}.data_privacy", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default="solutions",
                        help="folder holding data_privacy.py (default: solutions)")
    parser.add_argument("--errors", action="store_true", help="list every wrong finding")
    args = parser.parse_args(argv)
    module = load_module(args.impl)
    corpus = load_pii_corpus()
    predictions = []
    for record in corpus:
        _, findings = module.redact_pii(record["text"])
        predictions.append([(f.kind, f.start, f.end) for f in findings])
    table = precision_recall(predictions, corpus)
    n_negatives = sum(len(r["not_pii"]) for r in corpus)
    print(f"implementation: {args.impl}/data_privacy.py; corpus: {len(corpus)} sentences, "
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
