"""Luhn check that silently drops every non-digit ("4111.1111.1111.1111" passes) instead of returning False."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("data_privacy", (
    '        if ch not in "0123456789":\n            return False\n',
    '        if ch not in "0123456789":\n            continue\n',
)))
