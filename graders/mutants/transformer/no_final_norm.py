"""Skips the final LayerNorm before the output projection."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("transformer", (
    "return self.lm_head(self.norm(x))", "return self.lm_head(x)")))
