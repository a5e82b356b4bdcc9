"""A weight for a task that has no loss (a typo) is silently ignored instead of a ValueError."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("multi_task", (
    "    unknown = [task for task in weights if task not in losses]\n"
    "    if unknown:\n"
    "        raise ValueError(f\"weights name task(s) with no loss: {unknown}; tasks with a loss: {list(losses)}\")\n",
    "",
)))
