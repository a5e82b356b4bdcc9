"""The sandboxed transport: a :class:`~kit.boundary.session.Session` whose implementation
runs in a worker process started in one of the sandboxes of :mod:`.sandbox`.

The worker is started in its own cgroup (memory, pids, freezer), greets, then serves
requests over two pipes (:mod:`kit.boundary.wire`); a call that times out, a crash or a
malformed reply kills it, and a fresh one serves the next test. Its output is read apart
and bounded. :func:`session_factory` is what the ``isolation`` pytest plugin installs.
"""

from __future__ import annotations

import base64
import glob
import io
import itertools
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from kit.boundary import codec, wire
from kit.boundary.handles import Remote
from kit.boundary.session import Pause, Session, rebuild_exception
from kit.loader import REPO_ROOT, ImplementationError, ImplSpec

from . import config
from .cgroups import WorkerCgroup
from .sandbox import (
    BOOTSTRAP,
    DESCRIPTIONS,
    WorkerFailure,
    _prepare_child,
    _sweep,
    become_subreaper,
    bwrap_prefix,
    children_of,
    choose_mode,
    is_stopped,
    landlock_paths,
    namespaces_prefix,
    parent_ids,
    process_tree,
    with_token,
    worker_identity,
)

#: The process ids of this process's live workers (each one's tree is its own).
_WORKER_PIDS: set[int] = set()


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except OSError:
        pass


def _wait_for(condition, limit_s: float | None = None) -> bool:
    """Poll ``condition`` until it holds (True) or ``limit_s`` passes (False)."""
    deadline = time.monotonic() + (config.FREEZE_WAIT_S if limit_s is None else limit_s)
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.0005)
    return True


class OutputSink:
    """Reads the worker's stdout/stderr, keeps a bounded tail, counts the rest."""

    def __init__(self, stream):
        self.tail = bytearray()
        self.total = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self.thread.start()

    def _run(self, stream) -> None:
        while True:
            try:
                chunk = stream.read1(1 << 16)
            except (OSError, ValueError):
                return
            if not chunk:
                return
            with self.lock:
                self.total += len(chunk)
                self.tail += chunk
                if len(self.tail) > config.WORKER_OUTPUT_BYTES:
                    del self.tail[:len(self.tail) - config.WORKER_OUTPUT_BYTES]

    def text(self) -> str:
        with self.lock:
            return self.tail.decode("utf-8", "replace")


# --------------------------------------------------------------------------- the session


class WorkerSession(Session):
    """A :class:`kit.boundary.session.Session` whose implementation runs in a sandboxed worker."""

    def __init__(self, spec: ImplSpec, mode: str, *, call_timeout: float = config.CALL_TIMEOUT,
                 hidden: Sequence[str] = (), identity: tuple | None = None):
        if spec.kind == "mutant":
            raise ImplementationError("wrong implementations are only run in-process (selfcheck)")
        self.spec = spec
        self.label = spec.label
        self.mode = mode
        self.uid, who = identity if identity is not None else worker_identity(mode)
        self.isolation = DESCRIPTIONS[mode] + who
        self.call_timeout = call_timeout
        self.hidden = list(hidden)
        self.proc: subprocess.Popen | None = None
        self.cgroup: WorkerCgroup | None = None
        self.generation = 0
        self.crashed_imports: dict[str, str] = {}
        self.modules: dict[str, Remote] = {}
        self.restarts = 0
        self._cids = itertools.count(1)
        self._token = ""
        self._tmp = ""
        self._children_before: set[int] = set()
        self._awaiting_ready = False
        self.output: OutputSink | None = None

    # -- lifecycle -----------------------------------------------------------------
    def prestart(self) -> None:
        """Start the worker now; its greeting is read at the first request, so the worker's
        start overlaps the collection of the tests. (Started from this thread on purpose:
        bwrap's --die-with-parent follows the thread that started it.)"""
        if self.proc is None:
            self._spawn()

    def _ensure(self) -> None:
        if self.proc is None:
            self._spawn()
        if self._awaiting_ready:
            self._awaiting_ready = False
            try:
                ready = self._receive(time.monotonic() + config.START_TIMEOUT, "starting the worker")
            except WorkerFailure as exc:
                raise WorkerFailure(f"the grading worker could not start ({self.mode}): "
                                    f"{exc.kit_message}\n{self.output.text()[-2000:] if self.output else ''}") \
                    from None
            if ready.get("value") != "ready":
                self._kill()
                raise WorkerFailure("the grading worker sent an unexpected greeting")

    def _spawn(self) -> None:
        import tempfile

        self.generation += 1
        self.modules = {}
        self._token = secrets.token_hex(12)
        self._tmp = tempfile.mkdtemp(prefix="kit-worker-", dir=_scratch_parent(self.mode))
        os.makedirs(f"{self._tmp}/home", exist_ok=True)
        if self.uid is not None:
            for path in (self._tmp, f"{self._tmp}/home"):
                os.chown(path, *self.uid)
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        inner = {"bwrap": "/submission", "namespaces": f"{self._tmp}/submission"}.get(
            self.mode, str(self.spec.directory))
        worker_args = [str(req_r), str(rep_w), self.spec.label, inner, self.spec.package]
        # No -E: the environment is built here from scratch (PYTHONHASHSEED=0 must hold, so that
        # a student's set iterates the same way in every run); -s: no user site-packages.
        python = [sys.executable, "-s", "-B", "-c",
                  BOOTSTRAP.format(init=str(REPO_ROOT / "kit" / "__init__.py"), kit=str(REPO_ROOT / "kit"))]
        gpu = bool(glob.glob("/dev/nvidia[0-9]*"))
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": "/tmp/home" if self.mode == "bwrap" else f"{self._tmp}/home",
            "TMPDIR": "/tmp" if self.mode == "bwrap" else self._tmp,
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "KIT_WORKER_TOKEN": self._token,
            "OMP_NUM_THREADS": os.environ.get("KIT_TORCH_THREADS", "1"),
        }
        if self.mode == "landlock":
            from kit.confine import WORKER_ENV

            env.update(WORKER_ENV)
        if gpu:
            env["KIT_WORKER_GPU_FRACTION"] = config.WORKER_GPU_FRACTION
        for name in ("TRITON_INTERPRET", "CUDA_VISIBLE_DEVICES", "MKL_NUM_THREADS",
                     "LD_LIBRARY_PATH", "KIT_WORKER_DEBUG"):
            if name in os.environ:
                env[name] = os.environ[name]
        if self.mode == "bwrap":
            command = bwrap_prefix(self.spec, self._tmp) + python + worker_args
        elif self.mode == "namespaces":
            command = namespaces_prefix(self.spec, self._tmp, self.hidden) + python + worker_args
        else:
            command = python + worker_args
        self.cgroup = WorkerCgroup.create(f"kit-{self._token}",
                                          memory_bytes=config.WORKER_MEMORY_MB * 1024 * 1024,
                                          pids=config.WORKER_PIDS)
        confine = landlock_paths(str(self.spec.directory), self._tmp) if self.mode == "landlock" else None
        cgroup, uid = self.cgroup, self.uid
        drop = self.mode in ("landlock", "process") and uid is None and os.geteuid() == 0
        # With a cgroup, memory is bounded there (tmpfs included); RLIMIT_AS would also break
        # CUDA's large virtual reservations, so it is the fallback only without a GPU.
        memory_rlimit = cgroup is None and not gpu
        if cgroup is None:
            become_subreaper()   # so that the worker's processes cannot leave its tree
            self._children_before = children_of(os.getpid())
        try:
            self.proc = subprocess.Popen(
                command, pass_fds=(req_r, rep_w), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, env=env, start_new_session=True, cwd=self._tmp,
                preexec_fn=lambda: _prepare_child(cgroup, memory_rlimit, uid, confine, drop))
        finally:
            os.close(req_r)
            os.close(rep_w)
        self._wfd, self._rfd = req_w, rep_r
        _WORKER_PIDS.add(self.proc.pid)
        self.output = OutputSink(self.proc.stdout)
        self._awaiting_ready = True

    def _kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            _WORKER_PIDS.discard(proc.pid)
            if self.cgroup is not None:
                self.cgroup.freeze(False)
            else:
                self._kill_strays(proc.pid)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.kill()
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            for fd in (getattr(self, "_wfd", -1), getattr(self, "_rfd", -1)):
                try:
                    os.close(fd)
                except OSError:
                    pass
            if proc.stdout is not None:
                try:
                    proc.stdout.close()
                except OSError:
                    pass
        if self.cgroup is not None:
            self.cgroup.destroy()
            self.cgroup = None
        if self._token:
            _sweep(self._token)
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = ""

    def close(self) -> None:
        self._kill()

    def freeze(self) -> Pause:
        """Stop every process of the worker while the trusted side times a reference, and
        wait until they have stopped (a process in a long system call stops only when it
        returns): up to ``config.FREEZE_WAIT_S``. With a cgroup, its freezer; without one,
        SIGSTOP to :meth:`_processes`, repeated until no new process appears."""
        if self.proc is None:
            return Pause(resume=lambda: None)
        if self.cgroup is not None and self.cgroup.freeze(True):
            cgroup = self.cgroup
            return Pause(resume=lambda: cgroup.freeze(False), complete=_wait_for(cgroup.is_frozen))
        stopped: set[int] = set()
        settled = False
        for _ in range(50):
            new = self._processes(self.proc.pid) - stopped
            if not new:
                settled = True
                break
            for pid in new:
                _signal(pid, signal.SIGSTOP)
            stopped |= new

        def resume():
            for pid in stopped:
                _signal(pid, signal.SIGCONT)
        return Pause(resume=resume,
                     complete=settled and _wait_for(lambda: all(map(is_stopped, stopped))))

    def _processes(self, root: int) -> set[int]:
        """The worker's processes without a cgroup: its process tree, the processes that left
        it (re-parented to this process, a subreaper: children here that are neither a
        worker nor were there before this one started) with theirs, and any carrying its
        token."""
        parents = parent_ids()
        strays = children_of(os.getpid(), parents) - self._children_before - _WORKER_PIDS - {root}
        return process_tree({root} | strays, parents) | with_token(self._token)

    def _kill_strays(self, root: int) -> None:
        """SIGKILL what is left of a worker without a cgroup, and reap what was re-parented here."""
        doomed = self._processes(root) - {root}
        for pid in doomed:
            _signal(pid, signal.SIGKILL)
        deadline = time.monotonic() + 1.0
        for pid in doomed:
            while time.monotonic() < deadline:
                try:
                    if os.waitpid(pid, os.WNOHANG)[0]:
                        break
                except ChildProcessError:   # not our child: its own parent reaps it
                    break
                time.sleep(0.001)

    # -- wire ----------------------------------------------------------------------
    def _fail(self, message: str) -> WorkerFailure:
        self._kill()
        self.restarts += 1
        return WorkerFailure(message)

    def _receive(self, deadline: float, doing: str) -> dict:
        try:
            body = wire.receive(self._rfd, limit=wire.MAX_MESSAGE, deadline=deadline)
            tree, buffers = codec.loads(body)
            value = codec.decode(tree, buffers, self._remote)
            if type(value) is not dict:
                raise codec.CodecError("reply is not a dict")
            return value
        except wire.Timeout:
            raise self._fail(
                f"timed out after {self.call_timeout:g} s while {doing} (an infinite loop, or far "
                "too slow?); the worker was stopped and a fresh one serves the next test") from None
        except wire.Closed:
            code = self._exit_code()
            raise self._fail(f"the process running your code ended while {doing} "
                             f"({_describe_exit(code)}); a fresh one serves the next test") from None
        except codec.CodecError as exc:
            raise self._fail(f"the worker sent a malformed reply while {doing}: {exc}") from None
        except BaseException:
            # interrupted (pytest-timeout, Ctrl-C): the worker may be mid-call; never reuse it
            self._kill()
            self.restarts += 1
            raise

    def _exit_code(self) -> int | None:
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None

    def _exchange(self, payload: dict, doing: str, timeout: float | None = None) -> dict:
        __tracebackhide__ = True
        self._ensure()
        callbacks: dict[int, Any] = {}

        def object_node(obj: Any) -> list:
            if isinstance(obj, Remote):
                return ["ref", self._hid(obj)]
            import torch

            if isinstance(obj, torch.nn.Module):
                buf = io.BytesIO()
                torch.save(obj, buf)
                return ["module", base64.b64encode(buf.getvalue()).decode()]
            if callable(obj):
                cid = next(self._cids)
                callbacks[cid] = obj
                return ["callback", cid]
            raise TypeError(f"a {type(obj).__name__} cannot be passed to the implementation")

        tree, buffers = codec.encode(payload, object_node)
        try:
            wire.send(self._wfd, codec.dumps(tree, buffers))
        except (BrokenPipeError, OSError):
            code = self._exit_code()
            self._kill()
            raise WorkerFailure(f"the process running your code had ended ({_describe_exit(code)})") \
                from None
        deadline = time.monotonic() + (timeout or self.call_timeout)
        while True:
            reply = self._receive(deadline, doing)
            if reply.get("op") == "callback":
                self._answer_callback(reply, callbacks)
                continue
            if reply.get("ok") is True:
                return reply
            raise rebuild_exception(reply)

    def _answer_callback(self, reply: dict, callbacks: dict) -> None:
        fn = callbacks.get(reply.get("id"))
        try:
            if fn is None:
                raise RuntimeError("unknown callback")
            args, kwargs = reply.get("args", []), reply.get("kwargs", {})
            if type(args) is not list or type(kwargs) is not dict:
                raise RuntimeError("malformed callback")
            value = fn(*args, **kwargs)
            tree, buffers = codec.encode({"ok": True, "value": value}, None)
        except Exception as exc:  # noqa: BLE001 - reported to the worker as a failed callback
            tree, buffers = codec.encode({"ok": False, "message": f"{type(exc).__name__}: {exc}"}, None)
        wire.send(self._wfd, codec.dumps(tree, buffers))

    def _remote(self, node: list) -> Remote:
        _, hid, type_name, mro, text = node
        if type(hid) is not int:
            raise codec.CodecError("bad handle id")
        return Remote(self, ["handle", (self.generation, hid), type_name,
                             mro if type(mro) is list else [], text])

    def release(self, hid: Any) -> None:
        # Handles are released with their worker; objects are small and workers short-lived.
        pass

    # -- operations that need more than the base class -----------------------------
    def import_module(self, exercise: str) -> Remote:
        if exercise in self.crashed_imports:
            raise ImplementationError(self.crashed_imports[exercise])
        cached = self.modules.get(exercise)
        if cached is not None and cached._kit_id[0] == self.generation and self.proc is not None:
            return cached
        try:
            module = self._exchange({"op": "import", "exercise": exercise}, f"importing {exercise}.py",
                                    timeout=max(self.call_timeout, config.IMPORT_TIMEOUT))["value"]
        except WorkerFailure as exc:
            message = f"importing {exercise}.py failed: {exc.kit_message}"
            self.crashed_imports[exercise] = message
            raise ImplementationError(message) from None
        if not isinstance(module, Remote):
            raise ImplementationError(f"importing {exercise}.py did not give a module")
        self.modules[exercise] = module
        return module

    def is_live(self, handle: Remote) -> bool:
        return handle._kit_id[0] == self.generation and (self.proc is not None or self._awaiting_ready)

    def _hid(self, handle: Remote) -> int:
        if handle._kit_session is not self:
            raise TypeError("a handle from another implementation was used")
        gen, hid = handle._kit_id
        if gen != self.generation or self.proc is None:
            raise WorkerFailure("this object lived in a worker that was restarted after an earlier "
                                "failure (timeout or crash); it is gone")
        return hid


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "it did not say why"
    if code > 128 and code - 128 < 65:  # bwrap/sh report a child killed by signal N as 128+N
        code = 128 - code
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = {"SIGSEGV": " -- a segmentation fault", "SIGKILL": " -- killed, often for using too "
                "much memory"}.get(name, "")
        return f"killed by {name}{hint}"
    return f"exit code {code} -- did your code call sys.exit() or os._exit()?"


def _scratch_parent(mode: str) -> str | None:
    """Where the worker's scratch folder goes: ``config.WORKER_SCRATCH_TMPFS`` for the modes
    that mount no tmpfs of their own, when it is a writable folder that allows running code;
    else None (the system temp folder)."""
    where = config.WORKER_SCRATCH_TMPFS
    if mode not in ("landlock", "process") or not where:
        return None
    try:
        usable = os.path.isdir(where) and os.access(where, os.W_OK | os.X_OK) \
            and not os.statvfs(where).f_flag & (os.ST_NOEXEC | os.ST_RDONLY)
    except OSError:
        usable = False
    return where if usable else None


# --------------------------------------------------------------------------- factory


def session_factory(requested: str, *, call_timeout: float = config.CALL_TIMEOUT,
                    hidden: Sequence[str] = ()):
    """``(factory, description, mode)`` for the strongest available mode (or the one asked for)."""
    mode = choose_mode(requested)
    identity = worker_identity(mode)

    def factory(spec: ImplSpec) -> WorkerSession:
        session = WorkerSession(spec, mode, call_timeout=call_timeout, hidden=hidden, identity=identity)
        session.prestart()
        return session

    return factory, DESCRIPTIONS[mode] + identity[1], mode
