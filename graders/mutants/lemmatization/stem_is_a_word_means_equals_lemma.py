"""lemmas_and_stems calls a stem a word only when it equals the lemma ("better" -> "better" is
a word even though its lemma is "good")."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("lemmatization", (
    "s in known_lemmas(tag)",
    "s == lemma",
)))
