"""Loops over the pairs in Python: right values, but one set of tensor operations per pair."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("reward_ranking", (
    "    better, worse = torch.triu_indices(k, k, offset=1, device=rewards.device)\n"
    "    diff = rewards[:, better] - rewards[:, worse]            # (B, C(K, 2))\n",
    "    diff = torch.stack([rewards[:, i] - rewards[:, j]  # one subtraction per pair\n"
    "                        for i in range(k) for j in range(i + 1, k)], dim=1)\n",
)))
