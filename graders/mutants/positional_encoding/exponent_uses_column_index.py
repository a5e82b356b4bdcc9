"""Exponent j / d_model with j the column index (not 2i / d_model with i the pair index): cos columns drift."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("positional_encoding", (
    "    pe[:, 1::2] = torch.cos(angle)\n",
    "    pe[:, 1::2] = torch.cos(position * float(base) ** (-(two_i + 1) / d_model))  # column j = 2i + 1\n",
)))
