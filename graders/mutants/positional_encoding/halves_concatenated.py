"""All sines in the first half of the columns and all cosines in the second half, not interleaved."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("positional_encoding", (
    "    pe[:, 0::2] = torch.sin(angle)\n    pe[:, 1::2] = torch.cos(angle)\n",
    "    pe[:, :d_model // 2] = torch.sin(angle)\n    pe[:, d_model // 2:] = torch.cos(angle)\n",
)))
