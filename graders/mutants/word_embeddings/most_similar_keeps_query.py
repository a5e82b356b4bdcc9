"""most_similar does not exclude the query word (it comes first, with similarity 1)."""
from graders.mutants._edits import edited_solution

globals().update(edited_solution("word_embeddings", ("exclude={word})[:k]", "exclude=set())[:k]")))
