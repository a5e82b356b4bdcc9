"""Multiplies the loss by beta instead of scaling the log-ratios inside the sigmoid."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("reward_ranking", (
    "return -F.logsigmoid(beta * (chosen_reward - rejected_reward)).mean()",
    "return -beta * F.logsigmoid(chosen_reward - rejected_reward).mean()")))
