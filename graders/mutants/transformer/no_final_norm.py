"""Skips the final LayerNorm before the output projection."""
from solutions.transformer import *  # noqa: F401,F403
from solutions.transformer import TinyLanguageModel as _Reference
from solutions.transformer import _check_ids


class TinyLanguageModel(_Reference):
    def forward(self, ids):
        _check_ids(ids, self.max_len)
        x = self.embedding(ids) + self.positions[:ids.shape[1]]
        for block in self.blocks:
            x = block(x)
        return self.lm_head(x)
