"""Uses in-sample probabilities (one model fitted on all the data) instead of out-of-fold ones."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("label_quality", (
    "probs = out_of_fold_probabilities(features, labels, n_folds, seed)",
    "probs = LogisticRegression(max_iter=1000).fit(features, labels).predict_proba(features)")))
