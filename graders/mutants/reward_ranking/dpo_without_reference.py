"""DPO without the reference model's log-probabilities: -logsigmoid(beta * (pc - pr))."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("reward_ranking", (
    "beta * (chosen_reward - rejected_reward)", "beta * (policy_chosen_logps - policy_rejected_logps)")))
