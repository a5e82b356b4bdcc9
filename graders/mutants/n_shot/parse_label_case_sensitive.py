"""Case-sensitive label matching: "Positive" is not recognised as "positive"."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("n_shot", (", completion, flags=re.IGNORECASE)]", ", completion)]")))
