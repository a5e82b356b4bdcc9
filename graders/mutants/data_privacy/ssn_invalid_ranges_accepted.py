"""Any ddd-dd-dddd is an SSN: the never-issued areas 000, 666, 9xx, group 00 and serial 0000 are not excluded."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "data_privacy", ("(?!000|666|9[0-9][0-9])", ""), ("(?!00)", ""), ("(?!0000)", ""),
))
