"""The CI recipes in examples/: every workflow and job file parses, and the step that
publishes the gradebook as a table keeps one row per student whatever a cell holds."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pytest

from kit.loader import REPO_ROOT

yaml = pytest.importorskip("yaml", reason="PyYAML comes with the pretrained extra (transformers)")

RECIPES = sorted(p for p in (REPO_ROOT / "examples").rglob("*") if p.suffix in (".yml", ".yaml"))
WORKFLOWS = [p for p in RECIPES if p.parent.name == "github-actions"]


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_recipe_parses(path):
    documents = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
    assert documents and all(isinstance(d, dict) for d in documents)


def _publish_script(workflow) -> str | None:
    """The Python of the workflow's 'Publish the gradebook' step, if it has one."""
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            if step.get("name") == "Publish the gradebook":
                body = re.search(r"python - <<'PY'\n(.*?)\n\s*PY\n", step["run"], re.S)
                return body.group(1) if body else None
    return None


@pytest.mark.parametrize("workflow", [w for w in WORKFLOWS if _publish_script(w)],
                         ids=lambda p: p.name)
def test_published_gradebook_keeps_one_row_per_student(workflow, tmp_path):
    (tmp_path / "grading").mkdir()
    with open(tmp_path / "grading" / "gradebook.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "total", "error"])
        writer.writerow(["alice", "10", ""])
        writer.writerow(["bob", "0", "x.zip: bad\n| forged | row |\n- bob: plagiarism"])
    proc = subprocess.run([sys.executable, "-c", _publish_script(workflow)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 4, lines   # header, separator, alice, bob
    cells = [re.split(r"(?<!\\)\|", line)[1:-1] for line in lines]
    assert all(len(row) == 3 for row in cells), lines
