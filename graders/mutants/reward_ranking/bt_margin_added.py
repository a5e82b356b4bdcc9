"""Adds the margin instead of subtracting it (makes well-separated pairs look even better)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("reward_ranking", ("diff = diff - margin", "diff = diff + margin")))
