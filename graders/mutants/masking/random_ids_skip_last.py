"""Random replacement ids drawn with randint(vocab_size - 1): the last id of the vocabulary is never drawn."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("masking", ("randint(vocab_size, shape", "randint(vocab_size - 1, shape")))
