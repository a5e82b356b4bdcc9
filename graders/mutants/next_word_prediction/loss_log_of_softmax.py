"""Computes log(softmax(logits)) by hand: underflows to -inf (an infinite loss) for large logits."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("next_word_prediction", (
    "F.cross_entropy(predictions, targets, ignore_index=ignore_index)",
    "F.nll_loss(torch.log(torch.softmax(predictions, dim=-1)), targets, ignore_index=ignore_index)",
)))
