"""Never enumerates: draws random splits even when every split could be counted exactly."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", ("splits = math.comb(n, nx)", "splits = math.inf")))
