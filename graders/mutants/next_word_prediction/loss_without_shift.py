"""Loss compares logits at t with the token at t (no shift): the model is taught to copy its input."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("next_word_prediction", (
    "    predictions = logits[..., :-1, :].reshape(-1, vocab)   # position t predicts token t+1\n"
    "    targets = ids[..., 1:].reshape(-1).long()\n",
    "    predictions = logits.reshape(-1, vocab)\n"
    "    targets = ids.reshape(-1).long()\n",
)))
