"""Never adds the positional encoding: the model cannot tell where a word is."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("transformer", (
    "        x = self.embedding(ids) + self.positions[:length]\n", "        x = self.embedding(ids)\n")))
