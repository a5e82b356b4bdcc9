"""An unknown task silently falls back to the first head instead of raising KeyError."""
from solutions.multi_task import *  # noqa: F401,F403
from solutions.multi_task import MultiTaskModel as _Reference


class MultiTaskModel(_Reference):
    def forward(self, x, task):
        head = self.heads[task] if task in self.heads else next(iter(self.heads.values()))
        return head(self.encoder(x))
