"""Training pairs use only the previous word as context ((["brown"], "fox")), not the whole prefix."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("next_word_prediction", (
    "[(list(tokens[:i]), tokens[i])", "[([tokens[i - 1]], tokens[i])")))
