"""Lower-cases the tokens (and the vocabulary) before counting: "Cat" and "cat" are merged."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "bag_of_words",
    ("sorted({token for doc in documents", "sorted({token.lower() for doc in documents"),
    ("column = {word: j for", "column = {word.lower(): j for"),
    ("j = column.get(token)", "j = column.get(token.lower())"),
))
