"""in_proj's q, k, v order mixed up: queries go through k_proj and keys through q_proj."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("attention", (
    "        q = split_heads(self.q_proj(query), self.n_heads)\n"
    "        k = split_heads(self.k_proj(key), self.n_heads)\n",
    "        q = split_heads(self.k_proj(query), self.n_heads)\n"
    "        k = split_heads(self.q_proj(key), self.n_heads)\n",
)))
