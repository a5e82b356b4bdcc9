"""Only neighbouring ranks become pairs (K-1 pairs instead of all C(K, 2))."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("reward_ranking", (
    "    return [(by_rank[i], by_rank[j])\n"
    "            for i in range(len(by_rank)) for j in range(i + 1, len(by_rank))]\n",
    "    return [(by_rank[i], by_rank[i + 1]) for i in range(len(by_rank) - 1)]\n",
)))
