"""Tests the top predicted class's probability against that class's threshold instead of the given label's: flags uncertain examples."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("label_quality", (
    "    classes, y = np.unique(labels, return_inverse=True)\n",
    "    classes, y = np.unique(labels, return_inverse=True)\n"
    "    y = probs.argmax(axis=1)  # the top predicted class stands in for the given label\n",
)))
