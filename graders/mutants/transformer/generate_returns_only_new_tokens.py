"""generate returns only the new ids, dropping the prompt."""
from solutions.transformer import *
from solutions.transformer import generate as _reference


def generate(model, prompt_ids, max_new_tokens, *, temperature=0.0, generator=None):
    out = _reference(model, prompt_ids, max_new_tokens, temperature=temperature, generator=generator)
    return out[..., prompt_ids.shape[-1]:]
