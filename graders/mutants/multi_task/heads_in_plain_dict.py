"""The heads are kept in a plain dict: not registered, so never trained nor saved."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("multi_task", (
    "self.heads = nn.ModuleDict(heads)", "self.heads = dict(heads)")))
