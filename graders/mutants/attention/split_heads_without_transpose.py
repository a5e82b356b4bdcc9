"""split_heads as a plain view(B, H, L, D/H): positions and features get mixed into the heads."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "attention",
    ("    return x.view(B, L, n_heads, D // n_heads).transpose(1, 2)\n",
     "    return x.reshape(B, n_heads, L, D // n_heads)\n"),
    ("    return x.transpose(1, 2).reshape(B, L, H * Dh)\n", "    return x.reshape(B, L, H * Dh)\n"),
))
