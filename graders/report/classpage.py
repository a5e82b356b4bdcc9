"""The instructor's class page (``index.html``) and its charts."""

from __future__ import annotations

import statistics
from collections import Counter
from html import escape
from pathlib import Path

from . import plots
from .pages import chart, exercise_order, fmt, page, student_href, table, tag

NOT_RECORDED = "not recorded"
TOP_TESTS = 25      # rows in the table of tests failed most
CHART_ROWS = 15     # bars in a chart
MISCONCEPTION_ROWS = 30


def _percent(score: float, most: float) -> float:
    return 100.0 * score / most if most else 0.0


def class_page(data, out: Path, *, threshold: float, run: dict, similar: dict | None,
               source: Path) -> str:
    plot_dir = out / "plots"
    plot_dir.mkdir(parents=True, exist_ok=True)
    students = sorted(data.students, key=lambda s: s.id)
    graded = [s for s in students if s.status == "graded"]
    order = exercise_order()
    exercises = sorted({ex for s in students for ex in s.exercises}, key=lambda e: (order.get(e, 99), e))
    sections, nav = [], []

    def add(anchor: str, title: str, html: str, note: str = "") -> None:
        nav.append((anchor, title))
        sections.append(f'<section id="{anchor}"><h2>{escape(title)}</h2>'
                        + (f'<p class="note">{note}</p>' if note else "") + html + "</section>")

    # ---- overview
    percents = [s.percent for s in graded]
    help_list = [s for s in students if s.not_started or s.status != "graded" or s.percent < threshold]
    cards = [(len(students), "students"), (len(graded), "graded"),
             (f"{statistics.mean(percents):.0f} %" if percents else "-", "mean score"),
             (f"{statistics.median(percents):.0f} %" if percents else "-", "median score"),
             (len(help_list), "need help"), (len(data.misconceptions), "misconceptions seen")]
    overview = ('<div class="cards">' + "".join(f"<div class=card><b>{escape(str(v))}</b>"
                                                 f"<span>{escape(k)}</span></div>" for v, k in cards)
                + "</div>")

    # ---- distributions
    per_ex = {ex: [_percent(s.exercises[ex].get("score", 0), s.exercises[ex].get("max_score", 0))
                   for s in graded if ex in s.exercises] for ex in exercises}
    html = chart("plots/" + plots.histogram(percents, plot_dir / "total.svg",
                                            "Total score", threshold), "total score histogram", "total")
    if per_ex:
        html += chart("plots/" + plots.exercise_grid(per_ex, plot_dir / "exercises.svg"),
                      "score histogram per exercise", "exercises")
    rows = []
    for ex in exercises:
        values = per_ex[ex]
        not_started = sum(1 for s in graded if s.exercises.get(ex, {}).get("status") == "not_started")
        full = sum(1 for v in values if v >= 99.999)
        rows.append([escape(ex), f"{statistics.mean(values):.0f} %" if values else "-",
                     f"{statistics.median(values):.0f} %" if values else "-", str(full), str(not_started)])
    html += table(["exercise", "mean", "median", "full marks", "not started"], rows, {1, 2, 3, 4},
                  cls="exercise-summary")
    add("scores", "Score distribution", html,
        "Percent of the points each student earned, in total and per exercise.")

    # ---- most failed tests
    rate = {key: n / max(1, data.started[key[0]]) for key, n in data.test_fails.items()}
    top = sorted(data.test_fails.items(), key=lambda kv: (-rate[kv[0]], -kv[1], kv[0]))[:TOP_TESTS]
    if top:
        labels = [f"{ex}: {t}" for (ex, t), _ in top[:CHART_ROWS]]
        values = [100.0 * n / max(1, data.started[ex]) for (ex, _), n in top[:CHART_ROWS]]
        html = chart("plots/" + plots.barh(labels, values, plot_dir / "failed_tests.svg",
                                           "Tests failed most", "% of the students who started the exercise",
                                           color=plots.WARN, value_format="{:.0f} %"),
                     "tests failed most", "failed-tests")
        rows = [[escape(ex), escape(t), str(n), f"{100.0 * n / max(1, data.started[ex]):.0f} %"]
                for (ex, t), n in top]
        html += table(["exercise", "test", "students failing", "of those who started"], rows, {2, 3},
                      cls="failed-tests")
    else:
        html = "<p>No test failed for a student who started the exercise.</p>"
    add("failing", "Tests the class fails most", html,
        "Counted among students who started the exercise (a stub fails everything and says nothing).")

    # ---- misconceptions
    ranked = sorted(data.misconceptions.items(), key=lambda kv: (-len(kv[1]["students"]), kv[0]))
    if ranked:
        labels = [f"{ex}: {mistake}" for (ex, mistake), _ in ranked[:CHART_ROWS]]
        values = [len(info["students"]) for _, info in ranked[:CHART_ROWS]]
        html = chart("plots/" + plots.barh(labels, values, plot_dir / "misconceptions.svg",
                                           "Likely misconceptions", "students"),
                     "misconceptions by number of students", "misconceptions")
        rows = []
        for (ex, mistake), info in ranked[:MISCONCEPTION_ROWS]:
            who = info["students"]
            links = ", ".join(f'<a href="{student_href(s)}">{escape(s)}</a>' for s in sorted(who)[:12])
            if len(who) > 12:
                links += f" and {len(who) - 12} more"
            tests = ", ".join(escape(t) for t, _ in info["tests"].most_common(4))
            if len(info["tests"]) > 4:
                tests += f" (+{len(info['tests']) - 4} more)"
            rows.append([str(len(who)), escape(ex), f"<b>{escape(mistake)}</b><br>{escape(info['description'])}",
                         tests, f'<span class="who">{links}</span>'])
        html += table(["students", "exercise", "misconception", "tests behind it", "who"], rows, {0},
                      cls="misconceptions")
        if len(ranked) > MISCONCEPTION_ROWS:
            rest = ", ".join(f"{escape(ex)}/{escape(m)} ({len(info['students'])})"
                             for (ex, m), info in ranked[MISCONCEPTION_ROWS:])
            html += (f"<details><summary>{len(ranked) - MISCONCEPTION_ROWS} more misconceptions</summary>"
                     f"<p>{rest}</p></details>")
    else:
        html = "<p>No catalogued misconception matched any student's failures.</p>"
    add("misconceptions", "Misconceptions", html,
        "A student's failing tests in an exercise are compared with the tests each catalogued "
        "mistake fails (graders/mutants); a close match is reported as a likely misconception.")

    # ---- who needs help
    rows = []
    for s in sorted(help_list, key=lambda s: (s.status == "graded", s.percent, s.id)):
        reason = ("nothing handed in" if s.status == "missing" else
                  f"grading error: {s.error}" if s.status == "error" else
                  "not started" if s.not_started else f"under {threshold:g} %")
        open_ex = [ex for ex, info in s.exercises.items() if info.get("status") == "not_started"]
        rows.append([f'<a href="{student_href(s.id)}">{escape(s.id)}</a>', escape(s.name),
                     f"{s.percent:.0f} %", tag(s.status), escape(reason), str(len(open_ex))])
    html = (table(["student", "name", "score", "status", "why", "exercises not started"], rows, {2, 5},
                  cls="help") if rows else "<p>Everyone is above the threshold.</p>")
    add("help", "Students who need help", html,
        f"Not started, nothing handed in, a grading error, or under {threshold:g} % of the points "
        "(--threshold).")

    # ---- lateness
    late = [s for s in students if s.late_days is not None]
    if late:
        late_days = [s.late_days for s in late]
        counts = Counter(int(d) for d in late_days)
        html = chart("plots/" + plots.barh([f"{d} day(s) late" for d in sorted(counts)],
                                           [counts[d] for d in sorted(counts)], plot_dir / "lateness.svg",
                                           "Lateness", "students"), "lateness", "lateness")
        rows = [[f'<a href="{student_href(s.id)}">{escape(s.id)}</a>', fmt(s.late_days),
                 fmt(s.penalty or 0) + " %"] for s in sorted(late, key=lambda s: -s.late_days) if s.late_days]
        html += table(["student", "days late", "penalty"], rows, {1, 2}, cls="late") if rows else \
            "<p>Everyone handed in on time.</p>"
    else:
        html = "<p>Lateness is not recorded in this grading folder.</p>"
    add("lateness", "Lateness", html)

    # ---- runs
    runs = Counter((s.run or NOT_RECORDED, s.isolation_mode or NOT_RECORDED, s.kit_version or NOT_RECORDED,
                    (s.graders_hash or NOT_RECORDED)[:12], s.gpu or NOT_RECORDED) for s in graded)
    when: dict = {}
    for s in graded:
        key = (s.run or NOT_RECORDED, s.isolation_mode or NOT_RECORDED, s.kit_version or NOT_RECORDED,
               (s.graders_hash or NOT_RECORDED)[:12], s.gpu or NOT_RECORDED)
        if s.graded_at:
            lo, hi = when.get(key, (s.graded_at, s.graded_at))
            when[key] = (min(lo, s.graded_at), max(hi, s.graded_at))
    rows = [[escape(k[0]), escape(k[1]), escape(k[2]), f"<code>{escape(k[3])}</code>", escape(k[4]),
             str(n), escape(" to ".join(sorted(set(when.get(k, ("",)))))) or NOT_RECORDED]
            for k, n in sorted(runs.items())]
    isolation_detail = sorted({s.isolation for s in graded if s.isolation})
    html = table(["run", "isolation", "kit version", "graders hash", "GPU", "students", "graded at"],
                 rows, {5}, cls="runs")
    if isolation_detail:
        html += "<p class=note>Isolation as reported: " + escape("; ".join(isolation_detail[:5])) + "</p>"
    if run:
        html += "<details><summary>run.json</summary><pre>" + escape(_short_json(run)) + "</pre></details>"
    add("runs", "Runs", html, "Where and with what each submission was graded.")

    # ---- leaderboard
    if data.leaderboard:
        html = ""
        for i, (metric, entries) in enumerate(sorted(data.leaderboard.items())):
            descending = (entries[0][2] if entries else "desc") != "asc"
            best = sorted(entries, key=lambda e: -e[1] if descending else e[1])[:20]
            html += chart("plots/" + plots.barh([e[0] for e in best], [e[1] for e in best],
                                                plot_dir / f"leaderboard_{i}.svg", metric,
                                                "higher is better" if descending else "lower is better",
                                                value_format="{:.3g}"),
                          f"leaderboard {metric}", "leaderboard")
    else:
        html = "<p>No GPU measurements in these results (graded without a GPU, or no kernel submitted).</p>"
    add("leaderboard", "GPU throughput leaderboard", html)

    # ---- similarity
    if similar is not None:
        pairs = similar["pairs"]
        rows = [[escape(p["exercise"]), escape(p["a"]), escape(p["b"]), f"{100 * p['similarity']:.0f} %",
                 f'<a href="similarity.html#{escape(p["anchor"])}">compare</a>'] for p in pairs[:50]]
        html = (table(["exercise", "student", "student", "similarity", ""], rows, {3}, cls="similar")
                if rows else "<p>No pair of submissions above the threshold.</p>")
        add("similarity", "Similar submissions", html,
            f"Token fingerprints (winnowing, copydetect) per exercise, the stub's code left out; "
            f"pairs above {100 * similar['threshold']:.0f} %. A lead to look at, not proof.")

    # ---- everyone
    rows = []
    for s in students:
        cells = [f'<a href="{student_href(s.id)}">{escape(s.id)}</a>', escape(s.name)]
        cells += [fmt(s.exercises[ex].get("score", 0)) if ex in s.exercises else "" for ex in exercises]
        cells += [fmt(s.score), f"{s.percent:.0f} %", tag(s.status)]
        rows.append(cells)
    n = len(exercises)
    html = ("<details><summary>Show all " + str(len(students)) + " students</summary>"
            + table(["student", "name", *exercises, "total", "%", "status"], rows,
                    set(range(2, n + 4)), cls="everyone") + "</details>")
    add("everyone", "All students", html)

    subtitle = f"{len(students)} students · {len(exercises)} exercises · from {source.name}"
    return page("Class report", subtitle, overview + "".join(sections), nav)


def _short_json(data: dict) -> str:
    import json

    text = json.dumps(data, indent=1, default=str)
    return text if len(text) < 4000 else text[:4000] + "\n..."
