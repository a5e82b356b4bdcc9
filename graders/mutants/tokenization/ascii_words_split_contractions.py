"""ASCII-only words that split at apostrophes and hyphens ("don", "'", "t"; "caf", "é")."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("tokenization", (
    r'''_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|\S")''',
    r'''_TOKEN = re.compile(r"[A-Za-z0-9]+|\S")''',
)))
