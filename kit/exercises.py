"""The kit's table of exercises: one module per course concept.

Every exercise ``name`` exists as ``exercises/<name>.py`` (the stub students
fill in), ``solutions/<name>.py`` (the reference), ``tests/test_<name>.py``
(public tests) and ``graders/test_<name>.py`` (hidden tests, instructors only).
The chapter groups exercises into nbgrader assignments and README tables.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    name: str
    chapter: int
    title: str


EXERCISES: tuple[Exercise, ...] = (
    Exercise("multi_task", 1, "Single-task vs multi-task learning"),
    Exercise("tokenization", 2, "Splitting text into tokens"),
    Exercise("stop_words", 2, "Stop word removal"),
    Exercise("lemmatization", 2, "Reducing words to their base form"),
    Exercise("bag_of_words", 2, "Counting words"),
    Exercise("word_embeddings", 2, "Words as vectors"),
    Exercise("fine_tuning", 2, "Adapting a pre-trained model"),
    Exercise("n_shot", 2, "Zero-, one-, few- and multi-shot learning"),
    Exercise("next_word_prediction", 3, "Generative pre-training: the next word"),
    Exercise("masking", 3, "Masked language modelling and attention masks"),
    Exercise("positional_encoding", 3, "Where each word is"),
    Exercise("attention", 3, "Self-attention and multi-head attention"),
    Exercise("flash_attention", 3, "A fused attention kernel (GPU track)"),
    Exercise("flash_attention_backward", 3, "Training through the fused kernel (GPU track)"),
    Exercise("transformer", 3, "Encoder and decoder blocks, a tiny language model"),
    Exercise("reward_ranking", 3, "RLHF: learning from an expert's ranking"),
    Exercise("data_privacy", 4, "Personally identifiable information"),
    Exercise("data_bias", 4, "Bias in data"),
    Exercise("embedding_bias", 4, "Bias in embeddings, found and removed without labels"),
    Exercise("label_quality", 4, "Finding wrong labels"),
    Exercise("compute_costs", 4, "Data volume, compute, energy"),
    Exercise("compression", 4, "Efficiency: making models smaller"),
    Exercise("explainability", 4, "Transparency: explaining a model's decision"),
)

BY_NAME: dict[str, Exercise] = {e.name: e for e in EXERCISES}

CHAPTERS: dict[int, str] = {
    1: "Introduction to large language models",
    2: "Building blocks of LLMs",
    3: "Training methodology and techniques",
    4: "Concerns and considerations",
}


def exercise_of_test_file(filename: str) -> str | None:
    """``test_attention.py`` -> ``"attention"`` when that is a known exercise."""
    stem = filename.rsplit("/", 1)[-1]
    if stem.endswith(".py"):
        stem = stem[:-3]
    if not stem.startswith("test_"):
        return None
    name = stem[len("test_"):]
    return name if name in BY_NAME else None
