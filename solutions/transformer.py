"""Transformer blocks and a tiny language model (reference solution)."""

from __future__ import annotations

import torch
from torch import nn

from .attention import MultiHeadAttention
from .positional_encoding import sinusoidal_positional_encoding


class FeedForward(nn.Module):
    """Position-wise feed-forward network: Linear -> GELU -> Linear."""

    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear2(nn.functional.gelu(self.linear1(x)))


class TransformerBlock(nn.Module):
    """Pre-layer-norm block: x + attention(norm1(x)), then x + feed_forward(norm2(x))."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int, *, causal: bool):
        super().__init__()
        self.causal = bool(causal)
        self.norm1 = nn.LayerNorm(d_model)
        self.attn = MultiHeadAttention(d_model, n_heads)
        self.norm2 = nn.LayerNorm(d_model)
        self.ff = FeedForward(d_model, d_ff)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        attended, _ = self.attn(self.norm1(x), is_causal=self.causal)
        x = x + attended
        return x + self.ff(self.norm2(x))


def _check_ids(ids, max_len: int) -> None:
    if not isinstance(ids, torch.Tensor):
        raise TypeError(f"ids must be a torch.Tensor, got {type(ids).__name__}")
    if ids.dtype.is_floating_point or ids.dtype.is_complex or ids.dtype == torch.bool:
        raise TypeError(f"ids must be an integer tensor, got dtype {ids.dtype}")
    if ids.dim() != 2:
        raise ValueError(f"ids must have shape (B, L), got shape {tuple(ids.shape)}")
    if not 1 <= ids.shape[1] <= max_len:
        raise ValueError(f"ids: sequence length must be between 1 and max_len={max_len}, got {ids.shape[1]}")


class TinyLanguageModel(nn.Module):
    """Token embedding + sinusoidal positions, causal blocks, final norm, output projection."""

    def __init__(self, vocab_size: int, d_model: int, n_heads: int, n_layers: int, d_ff: int,
                 max_len: int):
        super().__init__()
        self.max_len = max_len
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.register_buffer("positions", sinusoidal_positional_encoding(max_len, d_model),
                             persistent=False)
        self.blocks = nn.ModuleList(TransformerBlock(d_model, n_heads, d_ff, causal=True)
                                    for _ in range(n_layers))
        self.norm = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        _check_ids(ids, self.max_len)
        length = ids.shape[1]
        x = self.embedding(ids) + self.positions[:length]
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.norm(x))


def _check_generate_args(prompt_ids, max_new_tokens, temperature) -> None:
    if not isinstance(prompt_ids, torch.Tensor):
        raise TypeError(f"prompt_ids must be a torch.Tensor, got {type(prompt_ids).__name__}")
    if prompt_ids.dtype.is_floating_point or prompt_ids.dtype.is_complex or prompt_ids.dtype == torch.bool:
        raise TypeError(f"prompt_ids must be an integer tensor, got dtype {prompt_ids.dtype}")
    if prompt_ids.dim() not in (1, 2) or prompt_ids.shape[-1] == 0:
        raise ValueError(f"prompt_ids must have shape (L,) or (B, L) with L >= 1, "
                         f"got shape {tuple(prompt_ids.shape)}")
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int):
        raise TypeError(f"max_new_tokens must be an int, got {type(max_new_tokens).__name__}")
    if max_new_tokens < 0:
        raise ValueError(f"max_new_tokens must be >= 0, got {max_new_tokens}")
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise TypeError(f"temperature must be a number, got {type(temperature).__name__}")
    if not temperature >= 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")


@torch.no_grad()
def generate(model: nn.Module, prompt_ids: torch.Tensor, max_new_tokens: int, *,
             temperature: float = 0.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """Append max_new_tokens tokens, one at a time: greedy at temperature 0, else sampled."""
    _check_generate_args(prompt_ids, max_new_tokens, temperature)
    ids = prompt_ids if prompt_ids.dim() == 2 else prompt_ids[None]
    max_len = getattr(model, "max_len", None)
    for _ in range(max_new_tokens):
        context = ids if max_len is None else ids[:, -max_len:]
        logits = model(context)[:, -1, :]                      # the next-token scores
        if temperature == 0:
            next_ids = logits.argmax(dim=-1, keepdim=True)
        else:
            probs = torch.softmax(logits.float() / temperature, dim=-1)
            next_ids = torch.multinomial(probs, 1, generator=generator)
        ids = torch.cat([ids, next_ids.to(ids.dtype)], dim=1)
    ids = ids.clone() if max_new_tokens == 0 else ids
    return ids if prompt_ids.dim() == 2 else ids[0]
