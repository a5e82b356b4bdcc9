"""Precision and recall of find_label_issues on the kit's flipped-label dataset.

    python benchmarks/label_quality.py [--impl solutions|exercises|PATH] [--seeds 10]

The dataset is the one of tests/test_label_quality.py: 900 "news articles" in three
well-separated classes ('Sports', 'Politics', 'Technology') as 10-d feature vectors,
10 % of the labels (90) changed on purpose to another class. For each seed, the
script prints how many indices were flagged, precision and recall against the
flipped ones, and the time of the call; then the worst and mean figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kit.datasets import flipped_news
from kit.loader import import_exercise, resolve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default="solutions")
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args(argv)
    module = import_exercise(resolve(args.impl), "label_quality")
    rows = []
    print(f"{'seed':>4} {'flagged':>8} {'hits':>5} {'precision':>10} {'recall':>7} {'ms':>7}")
    for seed in range(args.seeds):
        features, labels, flipped = flipped_news(seed)
        start = time.perf_counter()
        found = module.find_label_issues(features, labels)
        ms = (time.perf_counter() - start) * 1e3
        hits = len(np.intersect1d(found, flipped))
        precision, recall = hits / max(len(found), 1), hits / len(flipped)
        rows.append((precision, recall))
        print(f"{seed:>4} {len(found):>8} {hits:>5} {precision:>10.3f} {recall:>7.3f} {ms:>7.0f}")
    p, r = np.array(rows).T
    print(f"worst precision {p.min():.3f}, worst recall {r.min():.3f}; "
          f"mean precision {p.mean():.3f}, mean recall {r.mean():.3f} (target: both >= 0.8)")
    return 0 if p.min() >= 0.8 and r.min() >= 0.8 else 1


if __name__ == "__main__":
    raise SystemExit(main())
