"""Perplexity as exp of the SUM of negative log-probabilities (forgets to divide by the number of words)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("next_word_prediction", (
    "math.exp(-total_log_prob / len(pairs))", "math.exp(-total_log_prob)")))
