"""Random replacement ids drawn with randint(vocab_size - 1): the last id of the vocabulary is never drawn."""
import torch

from solutions.masking import *  # noqa: F401,F403


def mask_tokens(input_ids, *, mask_token_id, vocab_size, special_tokens_mask=None, mlm_probability=0.15,
                generator=None):
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")
    shape, device = input_ids.shape, input_ids.device
    probability = torch.full(shape, float(mlm_probability), device=device)
    if special_tokens_mask is not None:
        probability.masked_fill_(special_tokens_mask, 0.0)
    selected = torch.bernoulli(probability, generator=generator).bool()
    labels = torch.where(selected, input_ids, torch.full_like(input_ids, -100))
    to_mask = torch.bernoulli(torch.full(shape, 0.8, device=device), generator=generator).bool() & selected
    to_random = torch.bernoulli(torch.full(shape, 0.5, device=device), generator=generator).bool()
    to_random &= selected & ~to_mask
    random_ids = torch.randint(vocab_size - 1, shape, generator=generator, device=device)
    masked = torch.where(to_mask, torch.full_like(input_ids, mask_token_id), input_ids)
    return torch.where(to_random, random_ids, masked), labels
