"""np.argsort(similarity)[::-1]: most similar first, but ties go to the HIGHER index."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("n_shot", (
    'order = np.argsort(-similarity, kind="stable")  # stable: equal similarities keep index order',
    'order = np.argsort(similarity, kind="stable")[::-1]',
)))
