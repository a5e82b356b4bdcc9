"""Uses 360-day years (12 x 30 days) when converting seconds to years."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compute_costs", (
    "SECONDS_PER_YEAR = 365 * 24 * 3600", "SECONDS_PER_YEAR = 360 * 24 * 3600")))
