"""Sign flipped in the preference loss: rewards the rejected response (rejected - chosen)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("reward_ranking", ("diff = chosen - rejected", "diff = rejected - chosen")))
