"""Counts model.state_dict() entries: buffers included and a shared (tied) weight counted twice."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", (
    "n_params = sum(p.numel() for p in model.parameters())",
    "n_params = sum(t.numel() for t in model.state_dict().values() if t.is_floating_point())")))
