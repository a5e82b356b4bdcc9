"""Reads ranking as the indices of the responses in preference order, not as each response's rank."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("reward_ranking", (
    "    by_rank = [None] * len(ranking)\n"
    "    for response, rank in zip(responses, ranking):\n"
    "        by_rank[rank] = response\n",
    "    by_rank = [responses[i] for i in ranking]\n",
)))
