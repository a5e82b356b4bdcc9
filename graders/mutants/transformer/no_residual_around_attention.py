"""The attention output replaces x instead of being added to it (no residual connection)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("transformer", ("        x = x + attended\n", "        x = attended\n")))
