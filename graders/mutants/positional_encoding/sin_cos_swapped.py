"""Cosines in the even columns and sines in the odd ones (swapped)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("positional_encoding", (
    "    pe[:, 0::2] = torch.sin(angle)\n    pe[:, 1::2] = torch.cos(angle)\n",
    "    pe[:, 0::2] = torch.cos(angle)\n    pe[:, 1::2] = torch.sin(angle)\n",
)))
