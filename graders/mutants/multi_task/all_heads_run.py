"""Runs every head on every call and then picks the task's output (wasted work)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("multi_task", (
    "        return self.heads[task](self.encoder(x))\n",
    "        features = self.encoder(x)\n"
    "        outputs = {name: head(features) for name, head in self.heads.items()}\n"
    "        return outputs[task]\n",
)))
