"""Analogy does not exclude a, b and c from the candidates (often answers c itself)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", ("exclude={a, b, c})[0][0]", "exclude=set())[0][0]")))
