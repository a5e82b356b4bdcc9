"""generate feeds the whole sequence every step: past the model's max_len it crashes."""
import torch

from solutions.transformer import *  # noqa: F401,F403
from solutions.transformer import _check_generate_args


@torch.no_grad()
def generate(model, prompt_ids, max_new_tokens, *, temperature=0.0, generator=None):
    _check_generate_args(prompt_ids, max_new_tokens, temperature)
    ids = prompt_ids if prompt_ids.dim() == 2 else prompt_ids[None]
    for _ in range(max_new_tokens):
        logits = model(ids)[:, -1, :]
        if temperature == 0:
            next_ids = logits.argmax(dim=-1, keepdim=True)
        else:
            next_ids = torch.multinomial(torch.softmax(logits / temperature, -1), 1, generator=generator)
        ids = torch.cat([ids, next_ids.to(ids.dtype)], dim=1)
    return ids if prompt_ids.dim() == 2 else ids[0]
