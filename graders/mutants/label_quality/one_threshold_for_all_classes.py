"""Uses one threshold (the average self-confidence over all examples) for every class."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("label_quality", (
    "flagged = self_confidence < THRESHOLD_FRACTION * thresholds[y]",
    "flagged = self_confidence < THRESHOLD_FRACTION * self_confidence.mean()")))
