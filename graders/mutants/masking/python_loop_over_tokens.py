"""Loops over the tokens in Python (one random draw per token): correct but not vectorised."""
import torch

from solutions.masking import *


def mask_tokens(input_ids, *, mask_token_id, vocab_size, special_tokens_mask=None, mlm_probability=0.15,
                generator=None):
    if not isinstance(input_ids, torch.Tensor) or input_ids.dtype != torch.long:
        raise TypeError("input_ids must be a LongTensor")
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")
    masked = input_ids.clone().reshape(-1)
    labels = torch.full_like(masked, -100)
    special = (special_tokens_mask.reshape(-1).tolist() if special_tokens_mask is not None
               else [False] * masked.numel())
    for i in range(masked.numel()):
        if special[i] or torch.rand(1, generator=generator).item() >= mlm_probability:
            continue
        labels[i] = masked[i]
        r = torch.rand(1, generator=generator).item()
        if r < 0.8:
            masked[i] = mask_token_id
        elif r < 0.9:
            masked[i] = torch.randint(vocab_size, (1,), generator=generator).item()
    return masked.reshape(input_ids.shape), labels.reshape(input_ids.shape)
