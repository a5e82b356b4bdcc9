"""Never adds the positional encoding: the model cannot tell where a word is."""
from solutions.transformer import *  # noqa: F401,F403
from solutions.transformer import TinyLanguageModel as _Reference
from solutions.transformer import _check_ids


class TinyLanguageModel(_Reference):
    def forward(self, ids):
        _check_ids(ids, self.max_len)
        x = self.embedding(ids)
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.norm(x))
