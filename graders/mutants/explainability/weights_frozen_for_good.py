"""Turns requires_grad off on the model's weights (to save work) and never turns it back on."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "    x = x.detach().clone().requires_grad_(True)\n",
    "    for weight in model.parameters():\n"
    "        weight.requires_grad_(False)\n"
    "    x = x.detach().clone().requires_grad_(True)\n")))
