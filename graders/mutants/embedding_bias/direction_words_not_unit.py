"""Takes the pair differences of the raw vectors, without scaling each word to length 1 first."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("embedding_bias", (
    "first = _unit(word_vectors([a for a, _ in pairs], embed, \"pairs\"))",
    "first = word_vectors([a for a, _ in pairs], embed, \"pairs\")",
), (
    "second = _unit(word_vectors([b for _, b in pairs], embed, \"pairs\"))",
    "second = word_vectors([b for _, b in pairs], embed, \"pairs\")",
)))
