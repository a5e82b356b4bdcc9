"""The weights are ignored: the combined loss is the plain sum of the task losses."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("multi_task", (
    "term = float(weights.get(task, 1.0)) * loss", "term = loss")))
