"""No guard for an all-zero channel: its scale is 0 and 0 / 0 gives NaN."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", (
    "    scale = torch.where(scale > 0, scale, torch.ones_like(scale))  # an all-zero channel\n", "")))
