"""The report's charts: matplotlib figures saved as SVG files next to the pages.

SVG keeps them sharp at any zoom and small on disk; text stays text
(``svg.fonttype = none``) so the browser draws it with the page's font, and a fixed
hash salt makes the same data give the same file.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

ACCENT = "#3b6ea8"
WARN = "#c8553d"
MUTED = "#9aa5b1"
STYLE = {
    "svg.fonttype": "none", "svg.hashsalt": "kit-class-report", "font.size": 9,
    "font.family": "sans-serif", "axes.spines.top": False, "axes.spines.right": False,
    "axes.edgecolor": "#52606d", "axes.titlesize": 10, "axes.titleweight": "bold",
    "axes.grid": True, "grid.color": "#e4e7eb", "grid.linewidth": 0.6, "axes.axisbelow": True,
}


def _save(fig, path: Path) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})  # fixed margins: one draw, not two
    plt.close(fig)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path.name


def histogram(percents: list[float], path: Path, title: str, threshold: float | None = None) -> str:
    """Distribution of total scores (percent of the maximum)."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(10, 3))
        fig.subplots_adjust(left=0.07, right=0.98, top=0.88, bottom=0.17)
        ax.hist(percents, bins=[i * 5 for i in range(21)], color=ACCENT, edgecolor="white")
        if threshold is not None:
            ax.axvline(threshold, color=WARN, linestyle="--", linewidth=1.2)
            ax.annotate(f"help threshold {threshold:g} %", (threshold, 1), xycoords=("data", "axes fraction"),
                        xytext=(4, -10), textcoords="offset points", color=WARN, fontsize=8)
        ax.set_xlim(0, 100)
        ax.set_xlabel("score (% of the maximum)")
        ax.set_ylabel("students")
        ax.set_title(title, loc="left")
        return _save(fig, path)


def exercise_grid(per_exercise: dict[str, list[float]], path: Path) -> str:
    """One small histogram per exercise (percent of that exercise's points)."""
    names = list(per_exercise)
    cols = 4
    rows = max(1, -(-len(names) // cols))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(rows, cols, figsize=(10, 1.7 * rows), sharex=True, squeeze=False)
        for ax, name in zip(axes.flat, names):
            values = per_exercise[name]
            ax.hist(values, bins=[i * 10 for i in range(11)], color=ACCENT, edgecolor="white")
            ax.set_title(name, loc="left", fontsize=8.5)
            ax.set_xlim(0, 100)
            ax.tick_params(labelsize=7)
        for ax in list(axes.flat)[len(names):]:
            ax.set_visible(False)
        for ax in axes[-1]:
            ax.set_xlabel("% of points", fontsize=7.5)
        fig.subplots_adjust(left=0.04, right=0.99, top=1 - 0.3 / (1.7 * rows), bottom=0.5 / (1.7 * rows),
                            hspace=0.55, wspace=0.22)
        return _save(fig, path)


def barh(labels: list[str], values: list[float], path: Path, title: str, xlabel: str,
         color: str = ACCENT, value_format: str = "{:g}") -> str:
    """Horizontal bars, largest at the top."""
    with plt.rc_context(STYLE):
        height = 0.9 + 0.26 * max(1, len(labels))
        fig, ax = plt.subplots(figsize=(10, height))
        longest = max((min(len(label), 60) for label in labels), default=10)
        fig.subplots_adjust(left=min(0.55, 0.03 + 0.0072 * longest), right=0.95,
                            top=1 - 0.35 / height, bottom=0.45 / height)
        ys = list(range(len(labels)))[::-1]
        ax.barh(ys, values, color=color, height=0.7)
        ax.set_yticks(ys, [label if len(label) < 60 else label[:57] + "..." for label in labels],
                      fontsize=8)
        for y, v in zip(ys, values):
            ax.annotate(value_format.format(v), (v, y), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=7.5, color="#323f4b")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        ax.set_title(title, loc="left")
        ax.margins(x=0.12)
        return _save(fig, path)
