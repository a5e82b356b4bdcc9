"""Samples with torch.multinomial but never passes the generator: runs are not reproducible."""
import torch

from solutions.transformer import *  # noqa: F401,F403
from solutions.transformer import _check_generate_args


@torch.no_grad()
def generate(model, prompt_ids, max_new_tokens, *, temperature=0.0, generator=None):
    _check_generate_args(prompt_ids, max_new_tokens, temperature)
    ids = prompt_ids if prompt_ids.dim() == 2 else prompt_ids[None]
    max_len = getattr(model, "max_len", None)
    for _ in range(max_new_tokens):
        context = ids if max_len is None else ids[:, -max_len:]
        logits = model(context)[:, -1, :]
        if temperature == 0:
            next_ids = logits.argmax(dim=-1, keepdim=True)
        else:
            next_ids = torch.multinomial(torch.softmax(logits / temperature, -1), 1)
        ids = torch.cat([ids, next_ids.to(ids.dtype)], dim=1)
    return ids if prompt_ids.dim() == 2 else ids[0]
