"""Marks presence (0/1) instead of counting how many times a word occurs."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("bag_of_words", ("counts[i, j] += 1", "counts[i, j] = 1")))
