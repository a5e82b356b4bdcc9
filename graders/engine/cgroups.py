"""A cgroup per worker: memory (tmpfs files included), processes, and a freezer.

Resource limits set with ``setrlimit`` do not count files written to a tmpfs, nor
threads across processes; a cgroup does. Where this process may create cgroups (root
on a host with cgroup v2, or the v1 ``memory``/``pids``/``freezer`` controllers
mounted), every worker gets its own, joined before it runs anything. Elsewhere
:class:`WorkerCgroup` is unavailable and the engine falls back to rlimits (and says so).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from . import config

ROOT = Path("/sys/fs/cgroup")


def _v2_root() -> Path | None:
    if not (ROOT / "cgroup.controllers").is_file():
        return None
    controllers = (ROOT / "cgroup.controllers").read_text().split()
    return ROOT if {"memory", "pids"} <= set(controllers) else None


def _writable(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


class WorkerCgroup:
    """One cgroup (v2) or one group per v1 controller, named ``kit-<token>``."""

    def __init__(self, paths: dict[str, Path]):
        self.paths = paths

    @classmethod
    def create(cls, name: str, *, memory_bytes: int, pids: int) -> WorkerCgroup | None:
        """A new cgroup with these limits, or ``None`` where cgroups cannot be used (or are
        switched off: ``KIT_SANDBOX_DISABLE=cgroups``)."""
        if "cgroups" in config.DISABLED_MODES:
            return None
        try:
            v2 = _v2_root()
            if v2 is not None and _writable(v2):
                path = v2 / name
                path.mkdir()
                (path / "memory.max").write_text(str(memory_bytes))
                if (path / "memory.swap.max").exists():
                    (path / "memory.swap.max").write_text("0")
                (path / "pids.max").write_text(str(pids))
                return cls({"unified": path})
            paths: dict[str, Path] = {}
            for controller in ("memory", "pids", "freezer"):
                if _writable(ROOT / controller):
                    paths[controller] = ROOT / controller / name
            if "memory" not in paths or "pids" not in paths:
                return None
            for path in paths.values():
                path.mkdir()
            (paths["memory"] / "memory.limit_in_bytes").write_text(str(memory_bytes))
            memsw = paths["memory"] / "memory.memsw.limit_in_bytes"
            if memsw.exists():
                try:
                    memsw.write_text(str(memory_bytes))
                except OSError:
                    pass
            (paths["pids"] / "pids.max").write_text(str(pids))
            return cls(paths)
        except OSError:
            return None

    def join(self) -> None:
        """Move the calling process into the cgroup (run in the child before exec)."""
        pid = str(os.getpid())
        for path in self.paths.values():
            (path / "cgroup.procs").write_text(pid)

    def pids(self) -> list[int]:
        found: set[int] = set()
        for path in self.paths.values():
            try:
                found |= {int(p) for p in (path / "cgroup.procs").read_text().split()}
            except OSError:
                continue
        return sorted(found)

    def freeze(self, frozen: bool) -> bool:
        """Stop (or resume) every process in the cgroup; False where no freezer exists."""
        if "unified" in self.paths:
            target = self.paths["unified"] / "cgroup.freeze"
            value = "1" if frozen else "0"
        elif "freezer" in self.paths:
            target = self.paths["freezer"] / "freezer.state"
            value = "FROZEN" if frozen else "THAWED"
        else:
            return False
        try:
            target.write_text(value)
        except OSError:
            return False
        return True

    def is_frozen(self) -> bool:
        """True once every process in the cgroup has stopped (writing the freezer's state
        only asks; a process inside a long system call stops when it returns)."""
        try:
            if "unified" in self.paths:
                events = (self.paths["unified"] / "cgroup.events").read_text().split("\n")
                return "frozen 1" in events
            if "freezer" in self.paths:
                return (self.paths["freezer"] / "freezer.state").read_text().strip() == "FROZEN"
        except OSError:
            pass
        return False

    def peak_memory(self) -> int | None:
        for name in ("memory.peak", "memory.max_usage_in_bytes"):
            for path in self.paths.values():
                try:
                    return int((path / name).read_text())
                except (OSError, ValueError):
                    continue
        return None

    def destroy(self) -> None:
        """Kill what is left in it and remove it."""
        import signal

        self.freeze(False)
        for _ in range(50):
            left = self.pids()
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)
        for path in self.paths.values():
            try:
                path.rmdir()
            except OSError:
                pass
