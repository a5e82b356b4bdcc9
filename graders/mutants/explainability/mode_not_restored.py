"""Puts the model in eval mode and leaves it there (the caller's train mode is lost)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "        for module, training in modes:  # parents first, so children keep their own flag\n"
    "            module.train(training)\n",
    "        pass\n")))
