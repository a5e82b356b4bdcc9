"""Every selected position becomes [MASK]: no 10 % random ids, no 10 % kept."""
import torch

from solutions.masking import *  # noqa: F401,F403


def mask_tokens(input_ids, *, mask_token_id, vocab_size, special_tokens_mask=None, mlm_probability=0.15,
                generator=None):
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")
    probability = torch.full(input_ids.shape, float(mlm_probability), device=input_ids.device)
    if special_tokens_mask is not None:
        probability.masked_fill_(special_tokens_mask, 0.0)
    selected = torch.bernoulli(probability, generator=generator).bool()
    labels = torch.where(selected, input_ids, torch.full_like(input_ids, -100))
    return torch.where(selected, torch.full_like(input_ids, mask_token_id), input_ids), labels
