"""lemmas_and_stems looks every stem up among the nouns, ignoring the token's tag."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("lemmatization", (
    "s in known_lemmas(tag)",
    "s in known_lemmas(\"n\")",
)))
