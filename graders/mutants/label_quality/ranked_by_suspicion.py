"""Returns the flagged indices ranked by how suspicious they are (lowest self-confidence first), not sorted."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("label_quality", (
    "    return np.flatnonzero(flagged).astype(np.int64)\n",
    "    found = np.flatnonzero(flagged)\n"
    "    return found[np.argsort(self_confidence[found])].astype(np.int64)\n",
)))
