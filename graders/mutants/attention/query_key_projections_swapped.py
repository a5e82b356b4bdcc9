"""in_proj's q, k, v order mixed up: queries go through k_proj and keys through q_proj."""
from solutions.attention import *  # noqa: F401,F403
from solutions.attention import MultiHeadAttention as _Reference
from solutions.attention import merge_heads, scaled_dot_product_attention, split_heads


class MultiHeadAttention(_Reference):
    def forward(self, query, key=None, value=None, mask=None, is_causal=False):
        key = query if key is None else key
        value = key if value is None else value
        q = split_heads(self.k_proj(query), self.n_heads)
        k = split_heads(self.q_proj(key), self.n_heads)
        v = split_heads(self.v_proj(value), self.n_heads)
        out, weights = scaled_dot_product_attention(q, k, v, mask, is_causal=is_causal)
        return self.out_proj(merge_heads(out)), weights
