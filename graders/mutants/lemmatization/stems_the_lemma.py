"""lemmas_and_stems stems the lemma instead of the token (so "ran" gives "run", not "ran")."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("lemmatization", (
    "stems = [stem(token) for token in tokens]",
    "stems = [stem(lemma) for lemma in lemmas]",
)))
