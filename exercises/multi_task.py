"""Single-task vs multi-task learning: one shared encoder, one head per task.

Course: chapter 1, "Single-task learning" and "Multi-task learning".

A *single-task* model is trained for one job only; a second job needs a second
model, trained from scratch on its own data. A *multi-task* model shares most of
its parameters between related tasks: a common **encoder** turns the input into
features, and a small **head** per task turns those features into that task's
prediction. Every task's training examples then improve the shared encoder, so
each task needs less data of its own -- what the course means by "learning from
shared data across the tasks".

You write two pieces:

* :class:`MultiTaskModel` -- ``model(x, "sentiment")`` runs the shared encoder on
  ``x`` and then the head of the task ``"sentiment"``;
* :func:`multi_task_loss` -- the training objective of several tasks at once: the
  weighted sum ``sum_t weight[t] * loss[t]`` (weight 1.0 for a task not named in
  ``weights``). The weights let you say how much each task matters.

:func:`train_multi_task` (given complete) trains such a model with your two
pieces: each step computes one cross-entropy loss per task on that task's data,
combines them with :func:`multi_task_loss` and takes an Adam step.

Worked example::

    >>> encoder = nn.Linear(20, 2)                       # shared: 20 inputs -> 2 features
    >>> heads = {"a": nn.Linear(2, 2), "b": nn.Linear(2, 3)}
    >>> model = MultiTaskModel(encoder, heads)
    >>> model(torch.randn(5, 20), "b").shape             # heads["b"](encoder(x))
    torch.Size([5, 3])
    >>> model(torch.randn(5, 20), "c")
    Traceback (most recent call last):
    KeyError: "unknown task 'c'; known tasks: a, b"
    >>> multi_task_loss({"a": torch.tensor(2.0), "b": torch.tensor(3.0)}, {"b": 0.5})
    tensor(3.5000)                                       # 1.0 * 2.0 + 0.5 * 3.0

How it is checked: the tests compare your outputs with ``head(encoder(x))`` on
models the tests build, check that the heads' parameters belong to the model
(they are trained, saved by ``state_dict()`` and reached by gradients), compare
the loss with the weighted sum and check that gradients flow through it, and
check every documented error -- each ``TypeError``/``ValueError`` message must
name the offending argument (the kit's rule, e.g. ``"heads: expected a dict of
task name -> nn.Module, got list"``; a bad loss or weight names ``losses`` or
``weights``). Finally, a small synthetic experiment: task "a"
(is ``|w.x|`` large?) is hard to learn from its own 100 examples, task "b" (is
``w.x`` positive?) is easy, and both depend on the same hidden direction ``w``.
Trained jointly with :func:`train_multi_task`, your model must classify task
"a" at least as well as the same model trained on task "a" alone -- which sees
half the data. (With the reference, over 30 seeds: about 0.87 jointly against
about 0.58 alone.)
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class MultiTaskModel(nn.Module):
    """A shared ``encoder`` followed by one head per task.

    ``__init__(encoder, heads)``: keep ``encoder`` as ``self.encoder`` and the heads
    as ``self.heads``, an ``nn.ModuleDict`` built from ``heads`` (task name -> head).
    A plain ``dict`` would hide the heads from PyTorch: their parameters would not
    be in ``model.parameters()`` (so an optimizer would never train them), nor in
    ``state_dict()``, nor moved by ``model.to(device)``. Call ``super().__init__()``
    first.

    Errors: ``encoder`` not an ``nn.Module`` -> ``TypeError``; ``heads`` not a
    ``dict`` (or ``nn.ModuleDict``) -> ``TypeError``; an empty ``heads`` ->
    ``ValueError``; a task name that is not a ``str``, or a head that is not an
    ``nn.Module`` -> ``TypeError``.
    """

    def __init__(self, encoder: nn.Module, heads: dict[str, nn.Module]):
        super().__init__()
        raise NotImplementedError("multi_task.MultiTaskModel.__init__: not implemented yet")

    def forward(self, x: torch.Tensor, task: str) -> torch.Tensor:
        """Return ``heads[task](encoder(x))``.

        Only the named task's head runs. ``task`` not a ``str`` -> ``TypeError``;
        a task with no head -> ``KeyError`` whose message names the unknown task and
        lists the known ones (``"unknown task 'c'; known tasks: a, b"``). Never fall
        back silently to some other head: a typo in a task name must be loud.
        """
        raise NotImplementedError("multi_task.MultiTaskModel.forward: not implemented yet")


def multi_task_loss(losses: dict[str, torch.Tensor],
                    weights: dict[str, float] | None = None) -> torch.Tensor:
    """The weighted sum ``sum over tasks t of weights.get(t, 1.0) * losses[t]``.

    ``losses`` maps task names to scalar (0-d) loss tensors; ``weights`` maps some
    (or all, or none) of those tasks to a number ``>= 0``; a task not in
    ``weights`` has weight 1.0, and ``weights=None`` means all 1.0. Return a 0-d
    tensor built from the loss tensors with tensor operations, so that
    ``.backward()`` on it reaches every task's loss (do not go through ``float``
    or ``.item()``).

    Errors: ``losses`` not a dict, or a loss that is not a tensor -> ``TypeError``;
    an empty ``losses`` or a loss that is not 0-d -> ``ValueError``; ``weights``
    not a dict (or ``None``), or a weight that is not an ``int``/``float`` (``bool``
    is not a number here) -> ``TypeError``; a weight for a task that has no loss
    (often a typo in a task name) -> ``ValueError`` (saying which task helps the
    user; the tests ask only for the argument's name, ``weights``); a negative,
    infinite or NaN weight -> ``ValueError``.

        >>> multi_task_loss({"a": torch.tensor(2.0), "b": torch.tensor(3.0)})
        tensor(5.)
    """
    raise NotImplementedError("multi_task.multi_task_loss: not implemented yet")


def train_multi_task(model: MultiTaskModel, data: dict[str, tuple[torch.Tensor, torch.Tensor]], *,
                     steps: int = 300, lr: float = 0.01,
                     weights: dict[str, float] | None = None) -> list[float]:
    """Given helper (complete): train ``model`` on every task in ``data`` at once.

    ``data`` maps a task name to ``(inputs, class labels)``. Each of the ``steps``
    full-batch steps computes one cross-entropy loss per task, combines them with
    :func:`multi_task_loss` (``weights`` as there) and takes an Adam step
    (learning rate ``lr``) on all of ``model.parameters()``. Training on a single
    task is the same call with one entry in ``data``. Deterministic: no sampling.
    Returns the combined loss after each step; leaves the model in eval mode.
    """
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    model.train()
    threads = torch.get_num_threads()
    # A tiny problem: on the CPU, handing each small operation to several threads costs
    # more than it saves (and on a busy machine far more), so train on one thread.
    torch.set_num_threads(1)
    try:
        for _ in range(steps):
            optimizer.zero_grad()
            losses = {task: F.cross_entropy(model(x, task), y) for task, (x, y) in data.items()}
            loss = multi_task_loss(losses, weights)
            loss.backward()
            optimizer.step()
            history.append(float(loss.detach()))
    finally:
        torch.set_num_threads(threads)
    model.eval()
    return history
