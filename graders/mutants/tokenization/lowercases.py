"""Lower-cases while tokenizing: mixes up two pre-processing steps (case must be kept)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("tokenization", (
    "return _TOKEN.findall(text)",
    "return _TOKEN.findall(text.lower())",
)))
