"""Effect size without dividing by the pooled standard deviation: the plain difference of mean associations."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "return float((s[:nx].mean() - s[nx:].mean()) / std)",
    "return float(s[:nx].mean() - s[nx:].mean())",
)))
