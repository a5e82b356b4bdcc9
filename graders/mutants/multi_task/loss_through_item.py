"""The losses are added as Python floats (.item()): the result is cut off from the graph."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "multi_task",
    ("term = float(weights.get(task, 1.0)) * loss", "term = float(weights.get(task, 1.0)) * loss.item()"),
    ("    return total\n", "    return torch.tensor(total)\n"),
))
