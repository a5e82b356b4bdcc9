"""Ignores the ignore_index argument (always -100) and averages over every target."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("next_word_prediction", (
    "F.cross_entropy(predictions, targets, ignore_index=ignore_index)",
    'F.cross_entropy(predictions, targets, reduction="none").sum() / targets.numel()',
)))
