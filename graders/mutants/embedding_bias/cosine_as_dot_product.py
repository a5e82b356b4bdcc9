"""Associations with the plain dot product instead of the cosine: long vectors weigh more."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "    targets = _unit(np.vstack([vx, vy]))\n    s = (targets @ _unit(va).T).mean(axis=1) - (targets @ _unit(vb).T).mean(axis=1)\n",
    "    targets = np.vstack([vx, vy])\n    s = (targets @ va.T).mean(axis=1) - (targets @ vb.T).mean(axis=1)\n",
)))
