"""Multiplies the logits by the temperature instead of dividing: a high temperature sharpens."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("transformer", (
    "logits.float() / temperature", "logits.float() * temperature")))
