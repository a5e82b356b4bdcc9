"""Uses \\w+ only: punctuation is dropped and underscores count as letters."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("tokenization", (
    r'''_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|\S")''',
    r'''_TOKEN = re.compile(r"\w+(?:['’-]\w+)*")''',
)))
