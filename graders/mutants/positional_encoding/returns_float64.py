"""Returns the float64 table (forgets the conversion to float32)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("positional_encoding", ("return pe.to(torch.float32)", "return pe")))
