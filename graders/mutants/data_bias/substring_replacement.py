"""Swaps substrings, not words: "the" becomes "tshe", "woman" becomes "wowoman"."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "data_bias",
    ('_GENDERED = re.compile(r"\\b(?:"', '_GENDERED = re.compile(r"(?:"'),
    ('+ r")\\b", re.IGNORECASE)', '+ r")", re.IGNORECASE)'),
))
