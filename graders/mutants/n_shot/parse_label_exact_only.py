"""Only accepts a completion that is exactly a label after strip().lower(): misses "The answer is positive."."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("n_shot", (
    r'''if re.search(r"(?<!\w)" + re.escape(label) + r"(?!\w)", completion, flags=re.IGNORECASE)]''',
    r'''if completion.strip().strip(".!?'\"").lower() == label.lower()]''',
)))
