"""The query block ends with "Label: " (a trailing space), so the template no longer matches."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("n_shot", (
    r'QUERY_TEMPLATE = "Text: {text}\nLabel:"',
    r'QUERY_TEMPLATE = "Text: {text}\nLabel: "',
)))
