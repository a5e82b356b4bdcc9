"""Returns the argmax position of predict_proba (0..C-1) instead of the label values."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("n_shot", (
    "    return classifier.predict(x).astype(np.int64)\n",
    "    return np.argmax(classifier.predict_proba(x), axis=1).astype(np.int64)\n",
)))
