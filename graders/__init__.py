"""Hidden graders and the grading engine (instructors only; never shipped to students)."""
