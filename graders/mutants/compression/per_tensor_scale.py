"""One scale for the whole tensor (per-tensor quantization) instead of one per channel."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", (
    "max_abs = w.abs().amax(dim=others) if others else w.abs()",
    "max_abs = w.abs().max().expand(w.shape[dim])")))
