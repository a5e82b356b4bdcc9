"""lemmatize_tokens lemmatizes every token as a noun, even when pos_tags are given."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("lemmatization", (
    "return [lemmatize(token, tag) for token, tag in zip(tokens, pos_tags)]",
    "return [lemmatize(token) for token in tokens]",
)))
