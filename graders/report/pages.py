"""HTML of the report: one class page for the instructor, one feedback page per student.

Plain HTML with the style sheet inlined and no script, so every page opens from disk
with no server and no network. Everything that came from a student (ids, names,
messages, code) goes through :func:`html.escape`.
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from urllib.parse import quote

CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; --accent:#3b6ea8; --warn:#c8553d;
        --ok:#2f855a; --bg:#f7f9fb; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: var(--bg); margin: 0; }
header { background: #243b53; color: #fff; padding: 18px 32px; }
header h1 { margin: 0; font-size: 22px; font-weight: 600; }
header p { margin: 4px 0 0; color: #bcccdc; font-size: 13px; }
nav { background: #fff; border-bottom: 1px solid var(--line); padding: 8px 32px; font-size: 13px;
      position: sticky; top: 0; z-index: 1; }
nav a { margin-right: 16px; color: var(--accent); text-decoration: none; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 32px 48px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px;
          margin: 18px 0; }
h2 { font-size: 18px; margin: 0 0 10px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p.note { color: var(--muted); font-size: 13px; margin: 4px 0 10px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { flex: 1 1 140px; background: #fff; border: 1px solid var(--line); border-radius: 8px;
        padding: 10px 14px; }
.card b { display: block; font-size: 24px; }
.card span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure.chart { margin: 8px 0; }
figure.chart img { max-width: 100%; height: auto; display: block; }
pre { background: #f5f7fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px;
      white-space: pre-wrap; word-break: break-word; font-size: 12.5px; margin: 4px 0 8px; }
.tag { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
.test h4 { font-size: 14px; margin: 10px 0 2px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
table.misconceptions { table-layout: fixed; }
table.misconceptions th:nth-child(1) { width: 72px; }
table.misconceptions th:nth-child(2) { width: 150px; }
table.misconceptions th:nth-child(3) { width: 30%; }
td { overflow-wrap: anywhere; }
table.misconceptions td:nth-child(4) { font-size: 12px; color: var(--muted); }
.tag.failed, .tag.error { background: #fde8e4; color: var(--warn); }
.tag.passed, .tag.graded { background: #e3f4ea; color: var(--ok); }
.tag.not_started, .tag.missing, .tag.not_graded, .tag.not_submitted { background: #eef0f3; color: var(--muted); }
.misconception { border-left: 4px solid var(--warn); background: #fff6f3; padding: 6px 12px;
                 margin: 6px 0; border-radius: 0 6px 6px 0; }
meter { width: 120px; height: 12px; vertical-align: middle; }
details > summary { cursor: pointer; color: var(--accent); margin: 6px 0; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.pair pre { max-height: 480px; overflow: auto; }
mark { background: #ffe08a; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 16px; }
"""


def safe_file_name(student_id: str) -> str:
    """A file name for a student's page: the id when it is plain, else a cleaned id plus a hash."""
    clean = re.sub(r"[^A-Za-z0-9._-]", "_", student_id)[:80]
    if clean != student_id or clean.startswith(".") or not clean:
        clean = f"{clean.lstrip('.') or 'student'}-{hashlib.sha1(student_id.encode()).hexdigest()[:8]}"
    return clean + ".html"


def student_href(student_id: str, prefix: str = "students/") -> str:
    return prefix + quote(safe_file_name(student_id))


def page(title: str, subtitle: str, body: str, nav: list[tuple[str, str]] = ()) -> str:
    links = "".join(f'<a href="#{escape(a)}">{escape(t)}</a>' for a, t in nav)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            f"img-src 'self' data: file:; style-src 'unsafe-inline'\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>"
            + (f"<nav>{links}</nav>" if links else "")
            + f"<main>{body}</main><footer>llm-concepts-kit grading report</footer></body></html>\n")


def table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset(),
          cls: str = "") -> str:
    """rows hold HTML already escaped by the caller."""
    head = "".join(f'<th class="num">{escape(h)}</th>' if i in numeric else f"<th>{escape(h)}</th>"
                   for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def chart(src: str, alt: str, cls: str = "") -> str:
    return (f'<figure class="chart {cls}"><img src="{escape(src)}" alt="{escape(alt)}"></figure>')


def tag(status: str) -> str:
    return f'<span class="tag {escape(status)}">{escape(status.replace("_", " "))}</span>'


def fmt(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.1f}"


# --------------------------------------------------------------------------- student page


def student_page(student) -> str:
    """Everything one student may see about their own grading, and nothing else."""
    title = f"Feedback for {student.name or student.id}"
    bits = [f"score {fmt(student.score)} / {fmt(student.max_score)}"]
    if student.graded_at:
        bits.append(f"graded {student.graded_at}")
    if student.kit_version:
        bits.append(f"kit {student.kit_version}")
    body = []
    cards = [(f"{fmt(student.score)} / {fmt(student.max_score)}", "points"),
             (f"{student.percent:.0f} %", "of the maximum")]
    if student.late_days:
        cards.append((fmt(student.late_days), "days late"))
    if student.penalty:
        cards.append((f"{fmt(student.penalty)} %", "late penalty"))
    body.append('<div class="cards">' + "".join(f"<div class=card><b>{escape(v)}</b><span>{escape(k)}"
                                                 "</span></div>" for v, k in cards) + "</div>")
    if student.status != "graded":
        body.append(f'<section><h2>Status</h2><p>{tag(student.status)} '
                    f'{escape(student.error or "")}</p></section>')

    order = exercise_order()
    exercises = sorted(student.exercises.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    rows = []
    for ex, info in exercises:
        score, most = float(info.get("score", 0)), float(info.get("max_score", 0))
        names = "<br>".join(escape(m["description"]) for m in info.get("misconceptions", []))
        rows.append([f'<a href="#ex-{escape(ex)}">{escape(ex)}</a>',
                     f'<span class="nowrap">{fmt(score)} / {fmt(most)}</span>',
                     f'<meter min="0" max="{most or 1}" value="{score}"></meter>',
                     tag(info.get("status", "graded")), names])
    body.append("<section id=exercises><h2>Your exercises</h2>"
                + table(["exercise", "points", "", "status", "likely misconception"], rows,
                        cls="exercises") + "</section>")

    by_ex: dict[str, list] = {ex: [] for ex in student.passed}
    for t in student.tests:
        by_ex.setdefault(t.exercise, []).append(t)
    parts, all_passed = [], []
    for ex, tests in sorted(by_ex.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])):
        passed = student.passed.get(ex, [])
        if all(t.outcome == "not_graded" for t in tests):
            all_passed.append(ex)
            continue
        info = student.exercises.get(ex, {})
        failed = [t for t in tests if t.outcome in ("failed", "not_started")]
        skipped = [t for t in tests if t.outcome == "not_graded"]
        html = [f'<h3 id="ex-{escape(ex)}">{escape(ex)} {tag(info.get("status", "graded"))}</h3>']
        if info.get("status") == "not_started":
            html.append("<p class=note>Not started: every function still raises NotImplementedError. "
                        "Read the docstrings in <code>exercises/" + escape(ex) + ".py</code> and run "
                        "the public tests with <code>pytest tests/test_" + escape(ex) + ".py</code>.</p>")
        for m in info.get("misconceptions", []):
            html.append(f'<div class="misconception"><b>Likely misconception:</b> '
                        f'{escape(m["description"])}<br><small>seen in: '
                        f'{escape(", ".join(m.get("tests", [])[:6]))}</small></div>')
        if info.get("status") != "not_started":
            for t in failed:
                hint = f"<p class=note>Hint: {escape(t.hint)}</p>" if t.hint else ""
                html.append(f'<div class="test failed"><h4>{escape(t.test)} {tag(t.outcome)} '
                            f"<small>0 / {fmt(t.max_score)} pt</small></h4>"
                            f"<pre>{escape(_without_misconception_lines(t.output) or 'failed')}</pre>"
                            f"{hint}</div>")
        if skipped:
            html.append("<p class=note>Not graded on this machine: "
                        + escape(", ".join(t.test for t in skipped)) + "</p>")
        if passed:
            html.append(f"<details><summary>{len(passed)} passed test(s)</summary><p class=note>"
                        + escape(", ".join(passed)) + "</p></details>")
        parts.append("".join(html))
    if all_passed:
        parts.insert(0, "<p>Every test passes in: " + ", ".join(
            f'<a href="#ex-{escape(ex)}" id="ex-{escape(ex)}">{escape(ex)}</a>' for ex in all_passed) + ".</p>")
    if parts:
        body.append("<section id=tests><h2>What went wrong, and why</h2>"
                    "<p class=note>Failing tests with the grader's message. A <i>likely "
                    "misconception</i> is a known mistake whose failing tests match yours.</p>"
                    + "".join(parts) + "</section>")
    if student.leaderboard:
        rows = [[escape(e.get("name", "")),
                 escape(f"{e['value']:.4g}" if isinstance(e.get("value"), (int, float)) else "not measured")]
                for e in student.leaderboard]
        body.append("<section id=performance><h2>Performance</h2>"
                    + table(["measurement", "value"], rows, {1}) + "</section>")
    nav = [(anchor, label) for anchor, label in
           (("exercises", "Exercises"), ("tests", "Tests"), ("performance", "Performance"))
           if f"<section id={anchor}>" in "".join(body)]
    return page(title, " · ".join(bits), "".join(body), nav)


def _without_misconception_lines(output: str) -> str:
    """The test's message without the "likely misconception" lines (shown above it already)."""
    from graders.engine.misconceptions import LINE_PREFIX

    return "\n".join(line for line in (output or "").splitlines() if not line.startswith(LINE_PREFIX))


def exercise_order() -> dict[str, int]:
    """Exercises in the course's order (kit.exercises)."""
    from kit.exercises import EXERCISES

    return {e.name: i for i, e in enumerate(EXERCISES)}
