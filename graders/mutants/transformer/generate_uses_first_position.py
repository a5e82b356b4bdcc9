"""generate picks the next id from the FIRST position's logits instead of the last one's."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("transformer", (
    "logits = model(context)[:, -1, :]", "logits = model(context)[:, 0, :]")))
