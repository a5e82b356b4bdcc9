"""mask_word writes the mask token into the caller's list instead of a copy."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("masking", (
    "    masked = list(tokens)\n    masked[index] = mask_token\n    return masked, tokens[index]\n",
    "    word = tokens[index]\n    tokens[index] = mask_token\n    return tokens, word\n",
)))
