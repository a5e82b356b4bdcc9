"""Computes KL(student || teacher) instead of KL(teacher || student)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", (
    "(log_p_teacher.exp() * (log_p_teacher - log_p_student))",
    "(log_p_student.exp() * (log_p_student - log_p_teacher))")))
