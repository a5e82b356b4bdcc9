"""Forgets to make decoder blocks causal: every position attends to the future too."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("transformer", (
    "self.attn(self.norm1(x), is_causal=self.causal)", "self.attn(self.norm1(x))")))
