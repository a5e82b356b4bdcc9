"""Centres the pair differences on their mean before PCA: what is shared, the bias, is subtracted away."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "np.linalg.svd(differences, full_matrices=False)",
    "np.linalg.svd(differences - differences.mean(axis=0), full_matrices=False)",
)))
