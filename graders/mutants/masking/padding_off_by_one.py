"""Padding mask with <= instead of <: one padding position per row counts as a real token."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("masking", ("positions < lengths", "positions <= lengths")))
