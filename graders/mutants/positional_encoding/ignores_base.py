"""Hard-codes 10000 and ignores the base argument."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("positional_encoding", ("float(base) ** (", "10000.0 ** (")))
