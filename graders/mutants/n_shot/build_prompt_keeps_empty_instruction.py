"""Keeps an empty instruction as an empty block: the prompt starts with a blank line."""
from solutions.n_shot import *  # noqa: F401,F403
from solutions.n_shot import build_prompt as _reference


def build_prompt(instruction, examples, query):
    prompt = _reference(instruction, examples, query)
    return prompt if instruction else "\n\n" + prompt
