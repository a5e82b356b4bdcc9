"""Clamps an mlm_probability outside [0, 1] silently instead of raising a clear ValueError."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("masking", (
    '        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")\n',
    "        mlm_probability = (0.0 if mlm_probability != mlm_probability  # NaN\n"
    "                           else min(max(mlm_probability, 0.0), 1.0))\n",
)))
