"""Explains the trained model twice: the check always says 1.0 (no randomisation)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "explain(randomized_model, embeddings, target)", "explain(model, embeddings, target)")))
