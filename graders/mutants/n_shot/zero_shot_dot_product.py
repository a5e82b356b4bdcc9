"""Zero-shot by raw dot product instead of cosine: the longest description vector wins."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("n_shot", (
    'similarity = _unit_rows(x, "x") @ _unit_rows(descriptions, "label_descriptions").T',
    "similarity = x @ descriptions.T",
)))
