"""Occlusion as F(occluded) - F(x): the sign flipped, so helpful tokens score negative."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "drops.append(full - _target_logit(model, occluded, target))",
    "drops.append(_target_logit(model, occluded, target) - full)")))
