"""Treats the energy as MWh when it is kWh (divides by 1e6 instead of 1e3): 1000x too few tonnes."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compute_costs", (
    "_positive(kg_per_kwh, \"kg_per_kwh\") / 1000.0", "_positive(kg_per_kwh, \"kg_per_kwh\") / 1e6")))
