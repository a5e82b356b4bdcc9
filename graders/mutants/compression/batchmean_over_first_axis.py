"""Uses F.kl_div(..., reduction="batchmean") on (B, L, V) logits: divides by B, not by B x L."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("compression", (
    "    kl_per_position = (log_p_teacher.exp() * (log_p_teacher - log_p_student)).sum(dim=-1)\n"
    "    return temperature ** 2 * kl_per_position.mean()\n",
    "    if student_logits.ndim == 1:\n"
    "        log_p_student, log_p_teacher = log_p_student[None], log_p_teacher[None]\n"
    "    return temperature ** 2 * F.kl_div(log_p_student, log_p_teacher.exp(), reduction=\"batchmean\")\n",
)))
