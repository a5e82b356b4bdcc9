"""``python -m graders report``: the class site from a grading folder (v2 and v1 results)."""

import csv
import json
import os
import re
import subprocess
import sys
import textwrap
from html import escape

import pytest

from graders.report import build_report
from graders.report.pages import safe_file_name
from graders.report.sample import make_class
from kit.loader import REPO_ROOT

EXERCISES = ["tokenization", "attention", "flash_attention", "compression"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    grading = tmp_path_factory.mktemp("grading")
    ids = make_class(grading, students=30, seed=1, exercises=EXERCISES)
    out = tmp_path_factory.mktemp("site")
    stats = build_report(grading, out, threshold=50)
    return grading, out, ids, stats


def test_class_page_has_every_section(site):
    grading, out, ids, stats = site
    html = (out / "index.html").read_text(encoding="utf-8")
    for anchor in ("scores", "failing", "misconceptions", "help", "lateness", "runs", "leaderboard",
                   "everyone"):
        assert f'id="{anchor}"' in html
    for svg in ("total.svg", "exercises.svg", "failed_tests.svg", "misconceptions.svg", "leaderboard_0.svg"):
        text = (out / "plots" / svg).read_text(encoding="utf-8")
        assert "<svg" in text and "matplotlib" in text.lower()
        assert f'src="plots/{svg}"' in html
    assert stats["students"] == len(ids) + 1  # + the roster-only student
    assert "absent0" in html and "nothing handed in" in html
    assert "run-a" in html and "bwrap" in html and "0.1.0" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "the page must not load anything remote"
    assert "<script" not in html


def test_every_student_gets_a_page_with_only_their_data(site):
    grading, out, ids, _ = site
    pages = sorted(p.name for p in (out / "students").glob("*.html"))
    assert pages == sorted([safe_file_name(i) for i in ids] + [safe_file_name("absent0")])
    for sid in ids[:10]:
        html = (out / "students" / safe_file_name(sid)).read_text(encoding="utf-8")
        others = set(re.findall(r"s\d{5}", html)) - {sid}
        assert not others, f"{sid}'s page mentions {others}"
        results = json.loads((grading / sid / "results.json").read_text(encoding="utf-8"))
        for ex in results["extra_data"]["exercises"]:
            assert f'id="ex-{ex}"' in html
        for m in (m for info in results["extra_data"]["exercises"].values() for m in info.get("misconceptions", [])):
            assert escape(m["description"]) in html


def test_feedback_only_writes_just_the_student_pages(site, tmp_path):
    grading, _, ids, _ = site
    build_report(grading, tmp_path, feedback_only=True)
    assert not (tmp_path / "index.html").exists() and not (tmp_path / "plots").exists()
    assert len(list((tmp_path / "students").glob("*.html"))) == len(ids) + 1


def _v1_results(tests):
    return {"score": sum(t["score"] for t in tests), "max_score": sum(t["max_score"] for t in tests),
            "execution_time": 1.0, "output": "x points; isolation: process", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests, "leaderboard": [],
            "extra_data": {"submission": "/tmp/sub", "isolation": "process (no sandbox)"}}


def test_v1_results_and_student_text_is_escaped(tmp_path):
    from graders.engine.misconceptions import load_signatures

    sigs = load_signatures()
    mistake, info = sorted(sigs["exercises"]["tokenization"]["mistakes"].items())[0]
    evil = "<script>alert('x')</script>"
    tests = []
    for name in sigs["exercises"]["tokenization"]["checked"]:
        failed = name in info["fails"]
        tests.append({"name": f"tokenization: {name}", "score": 0 if failed else 1, "max_score": 1,
                      "status": "failed" if failed else "passed",
                      "output": f"your code raised ValueError: {evil}" if failed else "",
                      "tags": ["tokenization"], "visibility": "visible"})
    grading = tmp_path / "grading"
    for folder in ("bob", "weird <id>&co"):
        (grading / folder).mkdir(parents=True)
        (grading / folder / "results.json").write_text(json.dumps(_v1_results(tests)), encoding="utf-8")
    with open(grading / "gradebook.csv", "w", newline="") as fh:
        csv.writer(fh).writerows([["submission", "tokenization", "total", "max_total", "error"],
                                  ["bob", 3, 3, 9, ""]])
    out = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "graders", "report", str(grading), "--out", str(out)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    html = (out / "index.html").read_text(encoding="utf-8")
    bob = (out / "students" / "bob.html").read_text(encoding="utf-8")
    weird = (out / "students" / safe_file_name("weird <id>&co")).read_text(encoding="utf-8")
    for text in (html, bob, weird):
        assert "<script" not in text and "<id>" not in text
    assert "&lt;script&gt;" in bob
    assert "weird &lt;id&gt;&amp;co" in html
    assert escape(info["description"]) in bob
    assert "process" in html  # the isolation mode of a v1 run
    assert "not recorded" in html  # v1: no kit version, no run id


def test_report_rejects_a_missing_folder(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "graders", "report", str(tmp_path / "nope")],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "GRADING_DIR" in proc.stderr


# --------------------------------------------------------------------------- similarity

STUB = '''
"""Word statistics (the stub every student starts from)."""


def read_lines(path):
    """Given: the lines of a text file without their line ends, blank lines dropped."""
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\\n") for line in handle if line.strip()]


def word_counts(lines):
    """How often each lower-cased word occurs."""
    raise NotImplementedError


def top_words(counts, k):
    """The k most frequent words, ties by alphabetical order."""
    raise NotImplementedError


def longest_line(lines):
    """The longest line and its number of words."""
    raise NotImplementedError
'''

GIVEN = STUB.split("def word_counts")[0]

ALICE = GIVEN + '''
def word_counts(lines):
    counts = {}
    for line in lines:
        for word in line.lower().split():
            word = word.strip(".,;:!?")
            if word:
                counts[word] = counts.get(word, 0) + 1
    return counts


def top_words(counts, k):
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [word for word, _ in ranked[:k]]


def longest_line(lines):
    best, best_len = "", -1
    for line in lines:
        if len(line) > best_len:
            best, best_len = line, len(line)
    return best, len(best.split())
'''

BEN = GIVEN + '''
from collections import Counter
import re

WORD = re.compile(r"[a-z']+")


def word_counts(lines):
    return dict(Counter(w for text in lines for w in WORD.findall(text.lower())))


def top_words(counts, k):
    if k <= 0:
        return []
    order = sorted(counts, key=lambda w: (counts[w] * -1, w))
    return order[:k]


def longest_line(lines):
    if not lines:
        raise ValueError("lines: expected at least one line")
    line = max(lines, key=len)
    return line, len(WORD.findall(line.lower()))
'''

CHLOE = GIVEN + '''
import heapq
import string

_TABLE = str.maketrans("", "", string.punctuation)


def _words(text):
    return text.translate(_TABLE).lower().split()


def word_counts(lines):
    table = {}
    index = 0
    while index < len(lines):
        for token in _words(lines[index]):
            table.setdefault(token, 0)
            table[token] += 1
        index += 1
    return table


def top_words(counts, k):
    return [w for _, w in heapq.nsmallest(k, ((-n, w) for w, n in counts.items()))]


def longest_line(lines):
    lengths = [(len(text), -position) for position, text in enumerate(lines)]
    size, negative = max(lengths)
    chosen = lines[-negative]
    return chosen, len(_words(chosen))
'''

# Alice's code with every name changed and the functions in another order.
DAN_COPIES_ALICE = GIVEN + '''
def longest_line(rows):
    winner, winner_size = "", -1
    for row in rows:
        if len(row) > winner_size:
            winner, winner_size = row, len(row)
    return winner, len(winner.split())


def top_words(freq, n):
    ordered = sorted(freq.items(), key=lambda pair: (-pair[1], pair[0]))
    return [term for term, _ in ordered[:n]]


def word_counts(rows):
    freq = {}
    for row in rows:
        for term in row.lower().split():
            term = term.strip(".,;:!?")
            if term:
                freq[term] = freq.get(term, 0) + 1
    return freq
'''

# Chloe's code, renamed, a helper moved and a comment added.
EVE_COPIES_CHLOE = GIVEN + '''
import heapq
import string


def top_words(table, how_many):
    # smallest negative counts = largest counts
    return [x for _, x in heapq.nsmallest(how_many, ((-c, x) for x, c in table.items()))]


_STRIP = str.maketrans("", "", string.punctuation)


def _tokens(s):
    return s.translate(_STRIP).lower().split()


def word_counts(rows):
    result = {}
    i = 0
    while i < len(rows):
        for t in _tokens(rows[i]):
            result.setdefault(t, 0)
            result[t] += 1
        i += 1
    return result


def longest_line(rows):
    sizes = [(len(r), -pos) for pos, r in enumerate(rows)]
    n, neg = max(sizes)
    pick = rows[-neg]
    return pick, len(_tokens(pick))
'''


def test_similarity_finds_planted_copies_and_spares_independent_work(tmp_path):
    pytest.importorskip("copydetect", reason="similarity is the optional extra 'integrity'")
    from graders.report.similarity import find_similar

    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "word_stats.py").write_text(textwrap.dedent(STUB), encoding="utf-8")
    code = tmp_path / "code"
    for sid, text in {"alice": ALICE, "ben": BEN, "chloe": CHLOE, "dan": DAN_COPIES_ALICE,
                      "eve": EVE_COPIES_CHLOE, "fay": GIVEN + "\n\ndef word_counts(lines):\n    return {}\n"}.items():
        (code / sid).mkdir(parents=True)
        (code / sid / "word_stats.py").write_text(text, encoding="utf-8")
    # Hostile extras are skipped, never read: a FIFO (would block), a link to another file
    # (would frame a student with the reference's text), a folder that is a link.
    os.mkfifo(code / "fay" / "helpers.py")
    (code / "gil").mkdir()
    (code / "gil" / "word_stats.py").symlink_to(code / "alice" / "word_stats.py")
    (code / "hal").symlink_to(code / "chloe", target_is_directory=True)
    result = find_similar(code, stubs_dir=stubs)
    pairs = {(p["a"], p["b"]) for p in result["pairs"]}
    print({(p["a"], p["b"]): round(p["similarity"], 2) for p in result["pairs"]})
    assert pairs == {("alice", "dan"), ("chloe", "eve")}
    assert all("<mark>" in p["left"] and "<mark>" in p["right"] for p in result["pairs"])


def test_similarity_section_in_the_report(site, tmp_path):
    pytest.importorskip("copydetect", reason="similarity is the optional extra 'integrity'")
    grading, _, _, _ = site
    code = tmp_path / "code"
    for sid, text in {"s00000": ALICE, "s00001": DAN_COPIES_ALICE, "s00002": BEN}.items():
        (code / sid).mkdir(parents=True)
        (code / sid / "word_stats.py").write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    stats = build_report(grading, out, code_dir=code)
    assert stats["similar_pairs"] == 1
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="similarity"' in html and "similarity.html#" in html
    side = (out / "similarity.html").read_text(encoding="utf-8")
    assert side.count("<mark>") >= 2 and "s00000" in side and "s00001" in side
