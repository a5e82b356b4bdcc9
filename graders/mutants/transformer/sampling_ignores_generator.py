"""Samples with torch.multinomial but never passes the generator: runs are not reproducible."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("transformer", (
    "torch.multinomial(probs, 1, generator=generator)", "torch.multinomial(probs, 1)")))
