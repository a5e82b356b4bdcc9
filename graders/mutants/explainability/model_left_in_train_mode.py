"""Never calls model.eval(): dropout stays on and the attributions are noisy."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", ("    model.eval()\n    try:", "    try:")))
