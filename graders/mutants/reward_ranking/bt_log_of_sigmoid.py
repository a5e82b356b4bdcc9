"""log(sigmoid(x)) instead of logsigmoid: -inf (and NaN gradients) once x < about -100."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("reward_ranking", (
    "        diff = diff - margin\n"
    "    return -F.logsigmoid(diff).mean()\n",
    "        diff = diff - margin\n"
    "    return -torch.log(torch.sigmoid(diff)).mean()\n",
)))
