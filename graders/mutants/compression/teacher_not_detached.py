"""Lets gradients flow into the teacher's logits (the teacher is trained too)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", ("teacher_logits.detach()", "teacher_logits")))
