"""merge_heads reshapes (B, H, L, Dh) straight to (B, L, H*Dh) without moving the head axis back."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("attention", (
    "    return x.transpose(1, 2).reshape(B, L, H * Dh)\n",
    "    return x.reshape(B, L, H * Dh)\n",
)))
