"""IPv4 as any four groups of 1-3 digits: 300.12.45.6 and 10.0.0.256 count as addresses."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("data_privacy", (
    '_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"  # 0-255, no leading zero',
    '_OCTET = r"[0-9]{1,3}"',
)))
