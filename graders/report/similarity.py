"""Pairs of submissions that share suspiciously much code (optional: ``pip install .[integrity]``).

Per exercise, every submission's ``<exercise>.py`` is reduced to token fingerprints by
copydetect (the winnowing scheme of MOSS: names, literals and comments are normalised,
so renaming variables or reordering functions does not hide a copy). The stub's own
code (``exercises/<exercise>.py``: signatures, docstrings) is boilerplate and left out.
A pair is listed when each side shares at least ``threshold`` of its remaining
fingerprinted tokens with the other. It is a lead for a human to look at, never proof.

Layout of ``--code DIR``: ``DIR/<student>/<exercise>.py`` (one folder per student, laid
out like ``exercises/``).
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

from graders.engine.submission import SubmissionError, read_exercise_files
from kit.loader import REPO_ROOT

from .pages import page

DEFAULT_THRESHOLD = 0.6
NOISE = 25          # k-gram length in tokens (copydetect's noise threshold)
GUARANTEE = 30      # any shared run this long is always caught
PREFILTER = 0.3     # cheap set test before the exact comparison


def _fingerprint(text: str, name: str, boilerplate):
    from copydetect import CodeFingerprint

    return CodeFingerprint(name, NOISE, GUARANTEE - NOISE + 1, boilerplate=boilerplate,
                           language="python", fp=io.StringIO(text))


def find_similar(code_dir: Path, threshold: float = DEFAULT_THRESHOLD,
                 stubs_dir: Path = REPO_ROOT / "exercises") -> dict:
    """{"threshold", "pairs": [{exercise, a, b, similarity, left, right, anchor}], "compared"}."""
    try:
        from copydetect import compare_files
        from copydetect.utils import highlight_overlap
    except ImportError:
        return {"threshold": threshold, "pairs": [], "compared": 0,
                "error": "copydetect is not installed (pip install .[integrity])"}
    by_exercise: dict[str, dict[str, str]] = {}
    for folder in sorted(Path(code_dir).iterdir()):
        # Read the way the grader copies a hand-in: no links followed, nothing but regular
        # <exercise>.py files of a bounded size (a FIFO or /dev/zero is skipped, not read).
        try:
            files, _ = read_exercise_files(folder, exercises=None)
        except SubmissionError:
            continue
        for name, data in files.items():
            try:
                by_exercise.setdefault(name[:-3], {})[folder.name] = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
    pairs, compared = [], 0
    for exercise, sources in sorted(by_exercise.items()):
        stub = stubs_dir / f"{exercise}.py"
        boilerplate = []
        if stub.is_file():
            boilerplate = list(_fingerprint(stub.read_text(encoding="utf-8"), stub.name, []).hashes)
        prints = {sid: _fingerprint(text, f"{sid}/{exercise}.py", boilerplate)
                  for sid, text in sources.items()}
        prints = {sid: fp for sid, fp in prints.items() if fp.hashes}
        ids = sorted(prints)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                fa, fb = prints[a], prints[b]
                shared = len(fa.hashes & fb.hashes)
                if shared < PREFILTER * min(len(fa.hashes), len(fb.hashes)):
                    continue
                compared += 1
                _, (sim_a, sim_b), (slices_a, slices_b) = compare_files(fa, fb)
                similarity = float(min(sim_a, sim_b))
                if similarity < threshold:
                    continue
                left, _ = highlight_overlap(fa.raw_code, slices_a, "<mark>", "</mark>", escape_html=True)
                right, _ = highlight_overlap(fb.raw_code, slices_b, "<mark>", "</mark>", escape_html=True)
                pairs.append({"exercise": exercise, "a": a, "b": b, "similarity": similarity,
                              "left": left, "right": right, "anchor": f"{exercise}-{len(pairs)}"})
    pairs.sort(key=lambda p: (-p["similarity"], p["exercise"], p["a"], p["b"]))
    return {"threshold": threshold, "pairs": pairs, "compared": compared}


def similarity_page(result: dict) -> str:
    """Side by side, the shared code highlighted (copydetect escapes the code itself)."""
    parts = []
    if result.get("error"):
        parts.append(f"<section><p>{escape(result['error'])}</p></section>")
    for p in result["pairs"]:
        parts.append(f'<section id="{escape(p["anchor"])}"><h2>{escape(p["exercise"])}: '
                     f'{escape(p["a"])} and {escape(p["b"])} ({100 * p["similarity"]:.0f} %)</h2>'
                     f'<div class="pair"><div><h3>{escape(p["a"])}</h3><pre>{p["left"]}</pre></div>'
                     f'<div><h3>{escape(p["b"])}</h3><pre>{p["right"]}</pre></div></div></section>')
    if not result["pairs"] and not result.get("error"):
        parts.append("<section><p>No pair above the threshold.</p></section>")
    return page("Similar submissions", f"pairs sharing at least {100 * result['threshold']:.0f} % "
                "of their fingerprinted code, the stub left out", "".join(parts))
