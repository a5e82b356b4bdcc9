"""ReLU in the feed-forward network instead of GELU."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("transformer", ("nn.functional.gelu(", "torch.relu(")))
