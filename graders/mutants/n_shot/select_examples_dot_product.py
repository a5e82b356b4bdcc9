"""Ranks pool rows by the raw dot product: long vectors win whatever their direction."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("n_shot", (
    'similarity = _unit_rows(pool, "pool") @ _unit_rows(query, "query")',
    "similarity = pool @ query",
)))
