"""Cosine without normalisation: returns the plain dot product a . b."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "word_embeddings",
    ("    return x / norms\n", "    return x\n"),
    ('sims = np.clip(_unit_rows(a, "a") @ _unit_rows(b, "b").T, -1.0, 1.0)',
     'sims = _unit_rows(a, "a") @ _unit_rows(b, "b").T'),
))
