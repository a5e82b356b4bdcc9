"""Sums the pairwise losses of a prompt instead of dividing by C(K, 2): the loss grows with K."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("reward_ranking", (
    "    # mean over the C(K, 2) pairs of each prompt, then over prompts (= one overall mean)\n"
    "    return -F.logsigmoid(diff).mean()\n",
    "    return -F.logsigmoid(diff).sum(dim=1).mean()\n",
)))
