"""generate feeds the whole sequence every step: past the model's max_len it crashes."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("transformer", (
    "        context = ids if max_len is None else ids[:, -max_len:]\n", "        context = ids\n")))
