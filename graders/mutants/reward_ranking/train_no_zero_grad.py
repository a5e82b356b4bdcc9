"""Never calls optimizer.zero_grad(): gradients of all earlier epochs pile up."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("reward_ranking", ("                optimizer.zero_grad()\n", "")))
