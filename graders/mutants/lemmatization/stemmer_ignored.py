"""lemmas_and_stems always uses the Porter stemmer, whatever ``stemmer`` says."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("lemmatization", (
    "stem = _STEMMERS[stemmer]().stem",
    "stem = PorterStemmer().stem",
)))
