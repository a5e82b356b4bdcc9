"""n-gram loop stops one position early (range(len(tokens) - n)): the last n-gram is lost."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("tokenization", ("range(len(tokens) - n + 1)", "range(len(tokens) - n)")))
