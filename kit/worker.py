"""The grading worker: runs a student's implementation inside the sandbox.

Started by the grading engine (``graders.sandbox``), never by students. It reads
requests from one pipe and writes replies to another; the student's own
``print`` output goes to stdout/stderr, which the grader reads separately and
bounds. Every reply is plain data encoded by :mod:`kit.codec` -- this file is
public on purpose: nothing in it is secret, and nothing the student does in this
process can change a score, because all checks run in the grader's process on
data it rebuilt itself.

Requests (a codec tree ``["dict", ...]`` with ``op`` and arguments)::

    import   exercise                      -> handle of the module
    getattr  hid, name                     -> value
    call     hid, method, args, kwargs     -> value (+ write-back of mutated arguments)
    iterate  hid                           -> list
    grad     hid, args, kwargs, wrt        -> [value, grads]
    time     hid, args, kwargs, warmup, repeats -> [ms, value]
    count    hid, args, kwargs             -> {op name: count}
    kit_call name, args, kwargs            -> value of a public kit function run here
    release  hid
    callback-reply (only while a call is waiting for a trusted callback)
"""

from __future__ import annotations

import io
import itertools
import os
import sys
import traceback
from typing import Any

from . import codec

MAX_MESSAGE = 3 * 1024**3


def read_message(fd: int, limit: int = MAX_MESSAGE) -> bytes | None:
    """One length-prefixed message from ``fd``; ``None`` at end of file."""
    head = _read_exact(fd, 8)
    if head is None:
        return None
    size = int.from_bytes(head, "little")
    if size > limit:
        raise codec.CodecError(f"message of {size} bytes is over the limit")
    body = _read_exact(fd, size)
    if body is None:
        raise codec.CodecError("truncated message")
    return body


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            if got == 0:
                return None
            raise codec.CodecError("truncated message")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def write_message(fd: int, payload: bytes) -> None:
    data = memoryview(len(payload).to_bytes(8, "little") + payload)
    while data:
        n = os.write(fd, data)
        data = data[n:]


class Worker:
    def __init__(self, spec, rfd: int, wfd: int):
        self.spec = spec
        self.rfd, self.wfd = rfd, wfd
        self.objects: dict[int, Any] = {}
        self.ids = itertools.count(1)
        self.submission_dir = str(spec.directory)

    # -- encoding ------------------------------------------------------------------
    def make_handle(self, obj: Any) -> list:
        from .remote import describe

        hid = next(self.ids)
        self.objects[hid] = obj
        return ["handle", hid, *describe(obj)]

    def reply(self, ok: bool, value: Any = None, **extra: Any) -> None:
        if ok:
            try:
                tree, buffers = codec.encode({"ok": True, "value": value, **extra}, self.make_handle)
            except Exception as exc:  # noqa: BLE001 - an unencodable result is the student's error
                self.reply_error(exc)
                return
        else:
            tree, buffers = codec.encode({"ok": False, **extra}, None)
        write_message(self.wfd, codec.dumps(tree, buffers))

    def reply_error(self, exc: BaseException) -> None:
        builtin = next((c.__name__ for c in type(exc).__mro__
                        if c.__module__ == "builtins"), "Exception")
        frames = []
        debug = bool(os.environ.get("KIT_WORKER_DEBUG"))
        for entry in traceback.extract_tb(exc.__traceback__):
            if debug or entry.filename.startswith(self.submission_dir):
                frames.append(f"  {os.path.basename(entry.filename)}, line {entry.lineno}, "
                              f"in {entry.name}\n    {entry.line or ''}")
        try:
            message = str(exc)[:2000]
        except Exception:  # noqa: BLE001
            message = "<unprintable message>"
        self.reply(False, error=type(exc).__name__[:100], builtin=builtin, message=message,
                   traceback="\n".join(frames[-8:]))

    # -- decoding of arguments (trusted data) ------------------------------------------
    def decode_args(self, tree: Any, buffers: list) -> Any:
        def extra(node: list) -> Any:
            tag = node[0]
            if tag == "ref":
                return self.objects[node[1]]
            if tag == "module":
                import torch

                import base64

                return torch.load(io.BytesIO(base64.b64decode(node[1])), weights_only=False)
            if tag == "callback":
                return self.make_callback(node[1])
            raise codec.CodecError(f"unknown argument tag {tag!r}")

        return codec.decode(tree, buffers, None, extra)

    def make_callback(self, cid: int):
        def callback(*args: Any, **kwargs: Any) -> Any:
            tree, buffers = codec.encode({"op": "callback", "id": cid, "args": list(args),
                                          "kwargs": kwargs}, None)
            write_message(self.wfd, codec.dumps(tree, buffers))
            message = read_message(self.rfd)
            if message is None:
                os._exit(0)
            rtree, rbuffers = codec.loads(message)
            reply = codec.decode(rtree, rbuffers, None)
            if not reply.get("ok"):
                raise RuntimeError(f"the grader's function raised: {reply.get('message', '')}")
            return reply["value"]
        return callback

    # -- writing mutated arguments back ---------------------------------------------
    @staticmethod
    def snapshot(value: Any) -> Any:
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(value, torch.nn.Module):
            return ("module", codec.dumps(*codec.encode(value.state_dict(), None)))
        try:
            return ("value", codec.dumps(*codec.encode(value, None)))
        except codec.CodecError:
            return None

    def writeback(self, args: list, kwargs: dict, before: dict) -> list:
        changed = []
        for key, old in before.items():
            value = args[key] if isinstance(key, int) else kwargs[key]
            now = self.snapshot(value)
            if now is not None and now != old:
                changed.append([key, now[0], value.state_dict() if now[0] == "module" else value])
        return changed

    # -- the loop ------------------------------------------------------------------
    def serve(self) -> None:
        self.reply(True, "ready", pid=os.getpid(), python=sys.version.split()[0])
        while True:
            message = read_message(self.rfd)
            if message is None:
                return
            tree, buffers = codec.loads(message)
            try:
                request = self.decode_args(tree, buffers)
                self.handle(request)
            except BaseException as exc:  # noqa: BLE001 - SystemExit in student code included
                if isinstance(exc, KeyboardInterrupt):
                    raise
                self.reply_error(exc)

    def target(self, request: dict) -> Any:
        return self.objects[request["hid"]]

    def handle(self, request: dict) -> None:
        from .loader import import_exercise
        from .remote import count_aten_ops, invoke, kit_function, run_with_grad, select_output

        op = request["op"]
        if op == "import":
            self.reply(True, import_exercise(self.spec, request["exercise"]))
        elif op == "getattr":
            self.reply(True, getattr(self.target(request), request["name"]))
        elif op == "call":
            args, kwargs = list(request["args"]), dict(request["kwargs"])
            mutable = {i: self.snapshot(a) for i, a in enumerate(args) if _mutable(a)}
            mutable.update({k: self.snapshot(v) for k, v in kwargs.items() if _mutable(v)})
            mutable = {k: v for k, v in mutable.items() if v is not None}
            result = invoke(self.target(request), request["method"], args, kwargs)
            self.reply(True, result, writeback=self.writeback(args, kwargs, mutable))
        elif op == "iterate":
            items = list(itertools.islice(iter(self.target(request)), 1_000_001))
            if len(items) > 1_000_000:
                raise ValueError("iteration gave over 1,000,000 items")
            self.reply(True, items)
        elif op == "grad":
            target = self.target(request)
            out, grads = run_with_grad(target, target, list(request["args"]), dict(request["kwargs"]),
                                       request["wrt"])
            self.reply(True, [out, grads])
        elif op == "time":
            from .perf import median_ms_local

            ms, out, _ = median_ms_local(self.target(request), tuple(request["args"]),
                                         dict(request["kwargs"]), warmup=request["warmup"],
                                         repeats=request["repeats"])
            self.reply(True, [ms, select_output(out, request.get("keep"))])
        elif op == "count":
            target = self.target(request)
            args, kwargs = request["args"], request["kwargs"]
            self.reply(True, count_aten_ops(lambda: target(*args, **kwargs)))
        elif op == "kit_call":
            fn = kit_function(request["name"])
            self.reply(True, fn(*request["args"], **request["kwargs"]))
        elif op == "release":
            self.objects.pop(request["hid"], None)
            self.reply(True, None)
        else:
            raise ValueError(f"unknown request {op!r}")


def _mutable(value: Any) -> bool:
    import numpy as np

    torch = sys.modules.get("torch")
    kinds: tuple = (list, dict, np.ndarray)
    if torch is not None:
        kinds += (torch.Tensor, torch.Generator, torch.nn.Module)
    return isinstance(value, kinds)


def main(argv: list[str] | None = None) -> None:
    """``python -m kit.worker RFD WFD LABEL DIRECTORY PACKAGE``"""
    argv = sys.argv[1:] if argv is None else argv
    rfd, wfd, label, directory, package = int(argv[0]), int(argv[1]), argv[2], argv[3], argv[4]
    from pathlib import Path

    from .loader import ImplSpec

    spec = ImplSpec(label=label, directory=Path(directory), package=package)
    Worker(spec, rfd, wfd).serve()


if __name__ == "__main__":
    main()
