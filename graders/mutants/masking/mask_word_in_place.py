"""mask_word writes the mask token into the caller's list instead of a copy."""
from solutions.masking import *  # noqa: F401,F403


def mask_word(tokens, index, mask_token="[MASK]"):
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise TypeError("tokens must be a list of str")
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"index must be an int, got {type(index).__name__}")
    if not isinstance(mask_token, str):
        raise TypeError(f"mask_token must be a str, got {type(mask_token).__name__}")
    if not -len(tokens) <= index < len(tokens):
        raise ValueError(f"index {index} is out of range for {len(tokens)} tokens")
    word = tokens[index]
    tokens[index] = mask_token
    return tokens, word
