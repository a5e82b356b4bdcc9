"""Substring matching (label in completion.lower()): "positively" counts as "positive"."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("n_shot", (
    r'''if re.search(r"(?<!\w)" + re.escape(label) + r"(?!\w)", completion, flags=re.IGNORECASE)]''',
    "if label.lower() in completion.lower()]",
)))
