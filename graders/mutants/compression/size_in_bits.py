"""Returns the size in bits: forgets to divide parameters x bits by 8."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", (
    "return math.ceil(n_params * bits_per_param / 8)", "return n_params * bits_per_param")))
