"""Occludes a token with zeros whatever the baseline argument says."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", ("occluded[i] = fill[i]", "occluded[i] = 0.0")))
