"""Masked language modelling and attention masks (reference solution)."""

from __future__ import annotations

import torch


def mask_word(tokens: list[str], index: int, mask_token: str = "[MASK]") -> tuple[list[str], str]:
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise TypeError("tokens must be a list of str")
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"index must be an int, got {type(index).__name__}")
    if not isinstance(mask_token, str):
        raise TypeError(f"mask_token must be a str, got {type(mask_token).__name__}")
    if not -len(tokens) <= index < len(tokens):
        raise ValueError(f"index {index} is out of range for {len(tokens)} tokens")
    masked = list(tokens)
    masked[index] = mask_token
    return masked, tokens[index]


def _check_int(value, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")


def mask_tokens(input_ids: torch.Tensor, *, mask_token_id: int, vocab_size: int,
                special_tokens_mask: torch.Tensor | None = None, mlm_probability: float = 0.15,
                generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    # ---- arguments
    if not isinstance(input_ids, torch.Tensor):
        raise TypeError(f"input_ids must be a torch.Tensor, got {type(input_ids).__name__}")
    if input_ids.dtype != torch.long:
        raise TypeError(f"input_ids must be a LongTensor (torch.int64), got {input_ids.dtype}")
    _check_int(mask_token_id, "mask_token_id")
    _check_int(vocab_size, "vocab_size")
    if vocab_size < 1:
        raise ValueError(f"vocab_size must be at least 1, got {vocab_size}")
    if not 0 <= mask_token_id < vocab_size:
        raise ValueError(f"mask_token_id must be in [0, vocab_size={vocab_size}), got {mask_token_id}")
    if isinstance(mlm_probability, bool) or not isinstance(mlm_probability, (int, float)):
        raise TypeError(f"mlm_probability must be a float, got {type(mlm_probability).__name__}")
    if not 0.0 <= mlm_probability <= 1.0:  # also rejects NaN
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")
    if special_tokens_mask is not None:
        if not isinstance(special_tokens_mask, torch.Tensor) or special_tokens_mask.dtype != torch.bool:
            raise TypeError("special_tokens_mask must be a BoolTensor (use .bool()), got "
                            f"{getattr(special_tokens_mask, 'dtype', type(special_tokens_mask).__name__)}")
        if special_tokens_mask.shape != input_ids.shape:
            raise ValueError(f"special_tokens_mask must have the shape of input_ids "
                             f"{tuple(input_ids.shape)}, got {tuple(special_tokens_mask.shape)}")
    if generator is not None:
        if not isinstance(generator, torch.Generator):
            raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
        if generator.device.type != input_ids.device.type:
            raise ValueError(f"generator is on {generator.device}, input_ids on {input_ids.device}: "
                             "make the generator on the inputs' device")

    # ---- the recipe, in the order Hugging Face's DataCollatorForLanguageModeling draws it
    shape, device = input_ids.shape, input_ids.device
    # 1. select each non-special position with probability mlm_probability
    probability = torch.full(shape, float(mlm_probability), device=device)
    if special_tokens_mask is not None:
        probability.masked_fill_(special_tokens_mask, 0.0)
    selected = torch.bernoulli(probability, generator=generator).bool()
    labels = torch.where(selected, input_ids, torch.full_like(input_ids, -100))
    # 2. 80 % of the selected become [MASK]
    to_mask = torch.bernoulli(torch.full(shape, 0.8, device=device), generator=generator).bool()
    to_mask &= selected
    # 3. half of the other 20 % (10 % overall) become a random id; the rest stay unchanged
    to_random = torch.bernoulli(torch.full(shape, 0.5, device=device), generator=generator).bool()
    to_random &= selected & ~to_mask
    random_ids = torch.randint(vocab_size, shape, generator=generator, device=device, dtype=torch.long)
    masked = torch.where(to_mask, torch.full_like(input_ids, mask_token_id), input_ids)
    masked = torch.where(to_random, random_ids, masked)
    return masked, labels


def causal_mask(q_len: int, k_len: int | None = None, *, device=None) -> torch.Tensor:
    _check_int(q_len, "q_len")
    if k_len is None:
        k_len = q_len
    _check_int(k_len, "k_len")
    if q_len < 0 or k_len < 0:
        raise ValueError(f"q_len and k_len must be >= 0, got {q_len} and {k_len}")
    # query i may attend to keys 0..i (top-left aligned, like is_causal=True)
    return torch.ones(q_len, k_len, dtype=torch.bool, device=device).tril()


def padding_mask(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    if not isinstance(lengths, torch.Tensor):
        raise TypeError(f"lengths must be a torch.Tensor, got {type(lengths).__name__}")
    if lengths.dtype.is_floating_point or lengths.dtype.is_complex or lengths.dtype == torch.bool:
        raise TypeError(f"lengths must be an integer tensor, got {lengths.dtype}")
    if lengths.dim() != 1:
        raise ValueError(f"lengths must be 1-D (one length per sequence), got shape {tuple(lengths.shape)}")
    if lengths.numel() and int(lengths.min()) < 0:
        raise ValueError("lengths must be >= 0")
    longest = int(lengths.max()) if lengths.numel() else 0
    if max_len is None:
        max_len = longest
    _check_int(max_len, "max_len")
    if max_len < longest:
        raise ValueError(f"max_len={max_len} is shorter than the longest sequence ({longest})")
    positions = torch.arange(max_len, device=lengths.device)
    return positions < lengths[:, None]

