"""Counts a tie (chosen == rejected) as a correct preference."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("reward_ranking", (
    "(chosen > rejected).double().mean()", "(chosen >= rejected).double().mean()")))
