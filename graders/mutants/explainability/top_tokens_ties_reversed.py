"""Sorts ascending and reverses: among ties the later token comes first."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "order = torch.sort(attributions.detach().cpu(), descending=True, stable=True).indices",
    "order = torch.sort(attributions.detach().cpu(), stable=True).indices.flip(0)")))
