"""Reads probs[i, labels[i]]: takes label values for column numbers (wrong when labels are not 0..K-1)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("label_quality", (
    "self_confidence = probs[np.arange(len(y)), y]", "self_confidence = probs[np.arange(len(y)), labels]")))
