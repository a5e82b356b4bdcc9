"""The grading engine: one verb per module (grade, merge, selfcheck), the sandbox, the records."""
