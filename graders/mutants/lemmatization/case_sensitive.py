"""Does not lower-case the word: "Running" and "MICE" are not found in the lower-case lexicon."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("lemmatization", ("    w = word.lower()\n", "    w = word\n")))
