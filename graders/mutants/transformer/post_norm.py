"""Post-layer-norm (the 2017 paper's order): norm(x + sublayer(x)) instead of x + sublayer(norm(x))."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("transformer", (
    "        attended, _ = self.attn(self.norm1(x), is_causal=self.causal)\n"
    "        x = x + attended\n"
    "        return x + self.ff(self.norm2(x))\n",
    "        attended, _ = self.attn(x, is_causal=self.causal)\n"
    "        x = self.norm1(x + attended)\n"
    "        return self.norm2(x + self.ff(x))\n",
)))
