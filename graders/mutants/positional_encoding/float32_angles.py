"""Computes the angles in float32 (the usual exp(-log(base) * 2i / d) recipe): large positions lose precision."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("positional_encoding", (
    "    position = torch.arange(max_len, dtype=torch.float64)[:, None]          # (max_len, 1)\n"
    "    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)                # 0, 2, 4, ...\n"
    "    frequency = float(base) ** (-two_i / d_model)                           # 1 / base^(2i/d)\n",
    "    position = torch.arange(max_len, dtype=torch.float32)[:, None]\n"
    "    two_i = torch.arange(0, d_model, 2, dtype=torch.float32)\n"
    "    frequency = torch.exp(two_i * (-math.log(base) / d_model))\n",
)))
