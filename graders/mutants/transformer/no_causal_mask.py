"""Forgets to make decoder blocks causal: every position attends to the future too."""
from solutions.transformer import *  # noqa: F401,F403
from solutions.transformer import TransformerBlock as _Reference


class TransformerBlock(_Reference):
    def forward(self, x):
        x = x + self.attn(self.norm1(x))[0]
        return x + self.ff(self.norm2(x))
