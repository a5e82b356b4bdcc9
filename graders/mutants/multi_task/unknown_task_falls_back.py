"""An unknown task silently falls back to the first head instead of raising KeyError."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("multi_task", (
    "raise KeyError(f\"unknown task {task!r}; known tasks: {', '.join(self.heads)}\")",
    "task = next(iter(self.heads))  # the first head",
)))
