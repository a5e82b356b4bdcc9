"""The attention output replaces x instead of being added to it (no residual connection)."""
from solutions.transformer import *  # noqa: F401,F403
from solutions.transformer import TransformerBlock as _Reference


class TransformerBlock(_Reference):
    def forward(self, x):
        x = self.attn(self.norm1(x), is_causal=self.causal)[0]
        return x + self.ff(self.norm2(x))
