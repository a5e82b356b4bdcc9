"""Splits on whitespace only: punctuation stays glued to the words ("tricky.")."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("tokenization", ("return _TOKEN.findall(text)", "return text.split()")))
