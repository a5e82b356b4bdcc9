"""Every kind is replaced by the same placeholder <PII> instead of <EMAIL>, <PHONE>, ..."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("data_privacy", ('pieces.append(f"<{f.kind}>")', 'pieces.append("<PII>")')))
