"""Prototypes from the raw (unnormalised) support rows: long examples dominate the mean."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("n_shot", (
    "unit_support[labels == c].mean(axis=0)",
    "support[labels == c].mean(axis=0)",
)))
