"""Calls logit.backward(): the gradient reaches the input, but .grad accumulates on every weight."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("explainability", (
    "        (grad,) = torch.autograd.grad(logit, x, allow_unused=True)\n",
    "        logit.backward()\n"
    "        grad = x.grad\n")))
