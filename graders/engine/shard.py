"""Sharding a class over machines: ``grade ... --shard I/N`` grades only its share.

A student's shard is a stable hash of the student id (sha256, not Python's salted
``hash``), so the same student lands in the same shard whatever the order of the
inputs, the size of the roster or the machine. ``--shard auto`` reads the
scheduler's variables:

* Slurm job arrays: ``SLURM_ARRAY_TASK_ID`` (counted from ``SLURM_ARRAY_TASK_MIN``, so
  ``--array=0-7`` and ``--array=1-8`` both work) and ``SLURM_ARRAY_TASK_COUNT``;
* a Kubernetes Indexed Job: ``JOB_COMPLETION_INDEX`` (0-based) and ``KIT_SHARD_COUNT``
  (set it to the Job's ``completions``);
* anything else: ``KIT_SHARD=I/N``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass


class ShardError(ValueError):
    pass


@dataclass(frozen=True)
class Shard:
    index: int   # 1..count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, student: str) -> bool:
        return shard_of(student, self.count) == self.index


def shard_of(student: str, count: int) -> int:
    """The shard (1..count) that grades ``student``."""
    digest = hashlib.sha256(student.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def parse_shard(text: str | None, env: dict[str, str] | None = None) -> Shard | None:
    """``None``, ``"I/N"`` (1 <= I <= N) or ``"auto"`` (from the environment)."""
    if text is None:
        return None
    env = os.environ if env is None else env
    if text == "auto":
        return _from_env(env)
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ShardError(f"--shard: {text!r}; expected I/N (e.g. 2/8) or auto") from None
    if count < 1 or not 1 <= index <= count:
        raise ShardError(f"--shard {text}: I must be between 1 and N (N >= 1)")
    return Shard(index, count)


def _from_env(env) -> Shard:
    if env.get("SLURM_ARRAY_TASK_ID") and env.get("SLURM_ARRAY_TASK_COUNT"):
        task = int(env["SLURM_ARRAY_TASK_ID"]) - int(env.get("SLURM_ARRAY_TASK_MIN", "0"))
        return parse_shard(f"{task + 1}/{int(env['SLURM_ARRAY_TASK_COUNT'])}")
    if env.get("JOB_COMPLETION_INDEX") is not None and env.get("KIT_SHARD_COUNT"):
        return parse_shard(f"{int(env['JOB_COMPLETION_INDEX']) + 1}/{int(env['KIT_SHARD_COUNT'])}")
    if env.get("KIT_SHARD"):
        return parse_shard(env["KIT_SHARD"])
    raise ShardError("--shard auto: found none of SLURM_ARRAY_TASK_ID + SLURM_ARRAY_TASK_COUNT "
                     "(a Slurm array), JOB_COMPLETION_INDEX + KIT_SHARD_COUNT (a Kubernetes "
                     "Indexed Job) or KIT_SHARD=I/N")


def main(argv: list[str] | None = None) -> int:
    """``python -m graders.engine.shard I/N|auto < ids``: print the ids (or ``owner/repo`` lines,
    keyed by the repository name) that shard I/N grades -- for fetching only its share."""
    import sys

    from .roster import clean_id

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m graders.engine.shard I/N|auto < ids", file=sys.stderr)
        return 2
    shard = parse_shard(args[0])
    for line in sys.stdin:
        entry = line.strip()
        if entry and not entry.startswith("#") and shard.owns(clean_id(entry.rsplit("/", 1)[-1])):
            print(entry)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
