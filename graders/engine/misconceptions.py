"""Named misconceptions: which catalogued mistake does a student's failure pattern look like?

Every exercise has a catalogue of wrong implementations
(``graders/mutants/<exercise>/<mistake>.py``, the reference with one misconception put
back; the first docstring line says which). ``python -m graders selfcheck`` runs the
hidden tests against each one, so it knows the set of tests each mistake fails: its
*signature*. ``selfcheck --write-signatures graders/mutants/signatures.json`` stores
them in the file shipped with the graders (a selftest keeps it from going stale).

Matching a student's results against the signatures, per exercise:

* the student's *failures* are the tests that failed for a reason other than
  ``NotImplementedError`` (a function not written yet is "not started", not a
  misconception), restricted to tests that were graded here and that selfcheck
  runs against the catalogue (slow tests are not, GPU tests may not be graded);
* a mistake is a *candidate* when at least ``MIN_RECALL`` of its own failing tests
  are among the student's failures (a student making that mistake fails those tests);
* candidates are ranked by ``overlap``, the Jaccard index of the two sets of failing
  tests (1.0 = the student fails exactly what the mistake fails), and reported when
  the overlap reaches ``MIN_OVERLAP``: the best one, then (at most ``MAX_REPORTED`` in
  all) any mistake whose failing tests equal the best one's (no test tells them apart)
  or that explains mostly failures not explained yet (a second, separate mistake).

Only test names and the mistakes' one-line descriptions are used or shown: never a
hidden input or expected value.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from kit.loader import REPO_ROOT

from .results import graders_hash

GRADERS = REPO_ROOT / "graders"
SIGNATURES_PATH = GRADERS / "mutants" / "signatures.json"
SCHEMA = 1
MIN_RECALL = 0.8
MIN_OVERLAP = 0.34
MAX_REPORTED = 3
NOT_STARTED_PREFIX = "not implemented yet"
LINE_PREFIX = "likely misconception: "


@dataclass(frozen=True)
class Match:
    mistake: str
    description: str
    overlap: float      # Jaccard index of the student's and the mistake's failing tests
    recall: float       # share of the mistake's failing tests the student also fails
    tests: tuple[str, ...]  # the mistake's failing tests the student fails too

    def as_dict(self) -> dict:
        data = asdict(self)
        data["tests"] = list(self.tests)
        data["overlap"] = round(self.overlap, 3)
        data["recall"] = round(self.recall, 3)
        return data


# --------------------------------------------------------------------------- signatures


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def exercise_hash(exercise: str) -> str:
    """sha256 of what one exercise's signatures depend on: its hidden tests, its
    catalogued mistakes and what they are edits of (the reference, or for the kernel
    track the stub completed with a wrong kernel)."""
    paths = [GRADERS / f"test_{exercise}.py", REPO_ROOT / "solutions" / f"{exercise}.py",
             REPO_ROOT / "exercises" / f"{exercise}.py"]
    paths += sorted((GRADERS / "mutants" / exercise).glob("*.py"))
    return _sha256([p for p in paths if p.is_file()])


def build_signatures(records: list[dict], exercises: list[str]) -> dict[str, dict]:
    """Per exercise: the tests run against the catalogue and each mistake's failing tests,
    from selfcheck's per-test records (``impl`` = ``mutant:<exercise>:<mistake>``)."""
    from .selfcheck import misconception, mutants_of

    fails: dict[tuple[str, str], set[str]] = defaultdict(set)
    checked: dict[str, set[str]] = defaultdict(set)
    for r in records:
        if not r["impl"].startswith("mutant:") or r["outcome"] == "skipped":
            continue
        checked[r["exercise"]].add(r["test"])
        if r["outcome"] == "failed":
            fails[(r["exercise"], r["impl"].split(":")[-1])].add(r["test"])
    table = {}
    for exercise in exercises:
        table[exercise] = {
            "hash": exercise_hash(exercise),
            "checked": sorted(checked[exercise]),
            "mistakes": {m: {"description": misconception(exercise, m),
                             "fails": sorted(fails[(exercise, m)])}
                         for m in mutants_of(exercise)},
        }
    return table


def update_signature_file(path: Path, records: list[dict], exercises: list[str]) -> dict:
    """Write (or update, for the exercises given) the signature file; returns its content."""
    data = {"schema": SCHEMA, "exercises": {}}
    if path.is_file():
        old = json.loads(path.read_text(encoding="utf-8"))
        if old.get("schema") == SCHEMA:
            data["exercises"] = old.get("exercises", {})
    data["exercises"].update(build_signatures(records, exercises))
    data["exercises"] = dict(sorted(data["exercises"].items()))
    # The same hash as in every results.json: which hidden graders (and kit) made these.
    data = {"schema": SCHEMA, "graders_hash": graders_hash(), "exercises": data["exercises"]}
    path.write_text(_dumps(data), encoding="utf-8")
    load_signatures.cache_clear()
    return data


def _dumps(data: dict) -> str:
    """JSON with one line per mistake: small, and a diff shows which signature changed."""
    lines = ["{", f' "schema": {data["schema"]},', f' "graders_hash": {json.dumps(data["graders_hash"])},',
             ' "exercises": {']
    exercises = list(data["exercises"].items())
    for i, (exercise, entry) in enumerate(exercises):
        lines.append(f"  {json.dumps(exercise)}: {{")
        lines.append(f'   "hash": {json.dumps(entry["hash"])},')
        lines.append(f'   "checked": {json.dumps(entry["checked"])},')
        lines.append('   "mistakes": {')
        mistakes = list(entry["mistakes"].items())
        for j, (mistake, info) in enumerate(mistakes):
            comma = "," if j < len(mistakes) - 1 else ""
            lines.append(f"    {json.dumps(mistake)}: {json.dumps(info)}{comma}")
        lines.append("   }")
        lines.append("  }" + ("," if i < len(exercises) - 1 else ""))
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=4)
def load_signatures(path: Path = SIGNATURES_PATH) -> dict:
    """The shipped signatures (an empty table when the file is missing)."""
    if not Path(path).is_file():
        return {"schema": SCHEMA, "exercises": {}}
    return json.loads(Path(path).read_text(encoding="utf-8"))


def stale_exercises(signatures: dict) -> list[str]:
    """Exercises whose hidden tests, mistakes or reference changed since the signatures."""
    return [e for e, entry in signatures.get("exercises", {}).items()
            if entry.get("hash") != exercise_hash(e)]


# --------------------------------------------------------------------------- matching


def _index(signatures: dict) -> dict:
    """The signatures as sets, computed once per signatures dict."""
    cached = _INDEX.get(id(signatures))
    if cached is not None and cached[0] is signatures:
        return cached[1]
    index = {exercise: (frozenset(entry["checked"]),
                        [(m, info["description"], frozenset(info["fails"]))
                         for m, info in entry["mistakes"].items()])
             for exercise, entry in signatures.get("exercises", {}).items()}
    _INDEX[id(signatures)] = (signatures, index)
    return index


_INDEX: dict[int, tuple[dict, dict]] = {}


def match(exercise: str, failed: set[str], graded: set[str], signatures: dict,
          *, min_overlap: float = MIN_OVERLAP) -> list[Match]:
    """The catalogued mistakes that look like these failures, best first.

    ``failed``: the student's failing test ids (``test_fn[param-id]``) for this exercise,
    failures by NotImplementedError left out; ``graded``: every test id that was graded.
    """
    entry = _index(signatures).get(exercise)
    if not entry:
        return []
    checked, mistakes = entry
    comparable = checked & graded
    student = failed & comparable
    if not student:
        return []
    found = []
    for mistake, description, fails in mistakes:
        sig = fails & comparable if len(comparable) < len(checked) else fails
        if not sig:
            continue
        common = sig & student
        recall = len(common) / len(sig)
        if recall < MIN_RECALL:
            continue
        overlap = len(common) / len(sig | student)
        if overlap >= min_overlap:
            found.append(Match(mistake, description, overlap, recall, tuple(sorted(common))))
    # Best overlap first; among equals the more specific (more failing tests) mistake.
    found.sort(key=lambda m: (-m.overlap, -len(m.tests), m.mistake))
    if not found:
        return []
    # Then only what adds something: a mistake no test tells apart from the best one (an
    # honest tie), or one that explains failures the mistakes chosen so far do not.
    chosen, explained = [found[0]], set(found[0].tests)
    for m in found[1:]:
        if len(chosen) == MAX_REPORTED:
            break
        tie = m.overlap == found[0].overlap and set(m.tests) == set(found[0].tests)
        if tie or len(set(m.tests) - explained) >= 0.5 * len(m.tests):
            chosen.append(m)
            explained |= set(m.tests)
    return chosen


def top1_rate(signatures: dict) -> dict:
    """Grade each catalogued mistake alone (its own signature as the student's failures)
    and check that matching names it first. ``tied``: mistakes whose signature equals
    another's (no test tells them apart, so a tie-break decides)."""
    hits, misses, tied, total = 0, [], [], 0
    for exercise, entry in signatures.get("exercises", {}).items():
        graded = set(entry["checked"])
        by_signature = defaultdict(list)
        for mistake, info in entry["mistakes"].items():
            by_signature[tuple(info["fails"])].append(mistake)
        for mistake, info in entry["mistakes"].items():
            total += 1
            found = match(exercise, set(info["fails"]), graded, signatures)
            if found and found[0].mistake == mistake:
                hits += 1
            else:
                misses.append(f"{exercise}/{mistake} -> {found[0].mistake if found else 'nothing'}")
                if len(by_signature[tuple(info["fails"])]) > 1:
                    tied.append(f"{exercise}/{mistake}")
    return {"total": total, "top1": hits, "rate": hits / total if total else 0.0,
            "misses": misses, "tied": tied}


# --------------------------------------------------------------------------- results.json


def test_id(test: dict) -> tuple[str, str]:
    """(exercise, stable test id) of one results.json test, v2 or v1."""
    extra = test.get("extra_data")
    if extra and extra.get("exercise") and extra.get("test"):
        return extra["exercise"], extra["test"]
    name = test["name"]
    tags = test.get("tags")
    exercise = tags[0] if tags else name.split(":")[0]
    return exercise, name.split(": ", 1)[-1]


def outcome_of(test: dict) -> str:
    """passed / failed / not_graded / not_started (failed by NotImplementedError)."""
    extra = test.get("extra_data")
    outcome = extra.get("outcome") if extra else None
    output = test.get("output") or ""
    if outcome == "not_graded" or output.startswith("NOT GRADED"):
        return "not_graded"
    if outcome is None:
        outcome = test.get("status", "failed")
    if outcome == "failed" and output.startswith(NOT_STARTED_PREFIX):
        return "not_started"
    return outcome


def rows_of(results: dict) -> list[tuple[str, str, str, dict]]:
    """(exercise, test id, outcome, the test's dict) for every test of a results.json."""
    return [(*test_id(t), outcome_of(t), t) for t in results.get("tests", [])]


def annotate(results: dict, signatures: dict | None = None, rows: list | None = None) -> dict[str, dict]:
    """Add ``extra_data.exercises[ex].misconceptions`` (and ``status`` when missing) to a
    results.json dict, a "likely misconception" line to the output of the tests behind
    each one and to the summary. Idempotent; returns the per-exercise table.

    This is what the grading engine calls once per submission, after the tests ran."""
    signatures = load_signatures() if signatures is None else signatures
    by_exercise: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    points: dict[str, list[float]] = defaultdict(lambda: [0, 0])
    tests_by_id: dict[tuple[str, str], dict] = {}
    for exercise, ident, outcome, test in (rows if rows is not None else rows_of(results)):
        by_exercise[exercise][outcome].add(ident)
        tests_by_id[(exercise, ident)] = test
        row = points[exercise]
        row[0] += test.get("score") or 0
        row[1] += test.get("max_score") or 0
    extra = results.setdefault("extra_data", {})
    table = extra.setdefault("exercises", {})
    lines = []
    for exercise, outcomes in by_exercise.items():
        info = table.setdefault(exercise, {})
        if "score" not in info:
            info["score"], info["max_score"] = points[exercise]
        if "status" not in info:
            started = outcomes["passed"] or outcomes["failed"]
            info["status"] = "graded" if started or not outcomes["not_started"] else "not_started"
        if info["status"] != "graded":
            info["misconceptions"] = []
            continue
        graded = outcomes["passed"] | outcomes["failed"]
        found = match(exercise, outcomes["failed"], graded, signatures)
        info["misconceptions"] = [m.as_dict() for m in found]
        for m in found:
            line = f"{LINE_PREFIX}{m.description}"
            lines.append(f"{exercise}: {line}")
            for ident in m.tests:
                test = tests_by_id[(exercise, ident)]
                if line not in (test.get("output") or ""):
                    test["output"] = ((test.get("output") or "") + "\n" + line).lstrip("\n")
    summary = results.get("output") or ""
    new = [line for line in lines if line not in summary]
    if new:
        results["output"] = (summary + "\n" + "\n".join(new)).lstrip("\n")
    return table


def annotate_file(path: Path, signatures: dict | None = None) -> dict:
    """Annotate one results.json in place (used by tests and to upgrade old runs)."""
    results = json.loads(Path(path).read_text(encoding="utf-8"))
    annotate(results, signatures)
    Path(path).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results
