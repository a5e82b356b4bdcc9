"""Effect size divided by the sample standard deviation (ddof=1), not the population one WEFE uses."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", ("std = s.std()", "std = s.std(ddof=1)")))
