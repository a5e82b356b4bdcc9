"""Takes torch.log(softmax(...)): log(0) = -inf and NaN for large logits."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution(
    "compression",
    ("F.log_softmax(student_logits / temperature, dim=-1)",
     "torch.log(torch.softmax(student_logits / temperature, dim=-1))"),
    ("F.log_softmax(teacher_logits.detach() / temperature, dim=-1)",
     "torch.log(torch.softmax(teacher_logits.detach() / temperature, dim=-1))"),
))
