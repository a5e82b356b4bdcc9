"""Leaves softmax's 0/0 = NaN in place for a query that may attend to no key."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("attention", (
    "        # A row with no allowed key is all -inf: softmax gives 0/0 = NaN there. Make it 0.\n"
    "        weights = weights.masked_fill(~mask.any(dim=-1, keepdim=True), 0.0)\n",
    "",
)))
