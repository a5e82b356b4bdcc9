"""The grading worker: runs a student's implementation inside the sandbox.

Started by the grading engine (``graders/engine/sandbox.py``), never by students. It reads
requests from one pipe and writes replies to another (:mod:`.wire` framing,
:mod:`.codec` values); the student's own ``print`` output goes to stdout/stderr,
which the grader reads separately and bounds. Requests run through the same
operation table as in-process tests (:mod:`.ops`). This file is public on purpose:
nothing in it is secret, and nothing the student does in this process can change a
score, because every check runs in the grader's process on data it rebuilt itself.

While a call waits for a function of the test (a callback, e.g. a reward function),
the worker sends ``{"op": "callback", ...}`` and reads the test's answer.
"""

from __future__ import annotations

import base64
import io
import os
import sys
from typing import Any

from . import codec, wire
from .ops import Implementation, error_reply


class Worker:
    def __init__(self, spec, rfd: int, wfd: int):
        self.implementation = Implementation(spec)
        self.rfd, self.wfd = rfd, wfd
        self.submission_dir = str(spec.directory)

    def send(self, fields: dict) -> None:
        try:
            tree, buffers = codec.encode({"ok": True, **fields}, self.implementation.handle)
        except Exception as exc:  # noqa: BLE001 - an unencodable result is the student's error
            tree, buffers = codec.encode(error_reply(exc, self.submission_dir), None)
        wire.send(self.wfd, codec.dumps(tree, buffers))

    def send_error(self, exc: BaseException) -> None:
        reply = error_reply(exc, self.submission_dir)
        try:
            tree, buffers = codec.encode(reply, None)
        except codec.CodecError:
            reply.pop("after", None)
            tree, buffers = codec.encode(reply, None)
        wire.send(self.wfd, codec.dumps(tree, buffers))

    def decode_request(self, message: bytes) -> dict:
        def resolve(node: list) -> Any:
            tag = node[0]
            if tag == "ref":
                return self.implementation.objects[node[1]]
            if tag == "module":
                import torch

                return torch.load(io.BytesIO(base64.b64decode(node[1])), weights_only=False)
            if tag == "callback":
                return self.callback(node[1])
            raise codec.CodecError(f"unknown argument tag {tag!r}")

        tree, buffers = codec.loads(message, max_header=wire.MAX_MESSAGE)
        return codec.decode(tree, buffers, None, resolve)

    def callback(self, cid: int):
        def call_the_test(*args: Any, **kwargs: Any) -> Any:
            tree, buffers = codec.encode({"op": "callback", "id": cid, "args": list(args),
                                          "kwargs": kwargs}, None)
            wire.send(self.wfd, codec.dumps(tree, buffers))
            try:
                message = wire.receive(self.rfd)
            except wire.Closed:
                os._exit(0)
            rtree, rbuffers = codec.loads(message)
            reply = codec.decode(rtree, rbuffers, None)
            if not reply.get("ok"):
                raise RuntimeError(f"the grader's function raised: {reply.get('message', '')}")
            return reply["value"]
        return call_the_test

    def serve(self) -> None:
        self.send({"value": "ready", "pid": os.getpid(), "python": sys.version.split()[0]})
        while True:
            try:
                message = wire.receive(self.rfd)
            except wire.Closed:
                return
            try:
                self.send(self.implementation.run(self.decode_request(message)))
            except BaseException as exc:  # SystemExit in student code included
                if isinstance(exc, KeyboardInterrupt):
                    raise
                self.send_error(exc)


def main(argv: list[str] | None = None) -> None:
    """``python -m kit.boundary.worker RFD WFD LABEL DIRECTORY PACKAGE``"""
    argv = sys.argv[1:] if argv is None else argv
    rfd, wfd, label, directory, package = int(argv[0]), int(argv[1]), argv[2], argv[3], argv[4]
    from pathlib import Path

    from ..loader import ImplSpec

    _limit_gpu_memory()
    spec = ImplSpec(label=label, directory=Path(directory), package=package)
    Worker(spec, rfd, wfd).serve()


def _limit_gpu_memory() -> None:
    """Cap this process's share of GPU memory (``KIT_WORKER_GPU_FRACTION``); an allocation
    past it raises ``torch.OutOfMemoryError``, which fails that test only."""
    fraction = os.environ.get("KIT_WORKER_GPU_FRACTION")
    if not fraction or not os.path.exists("/dev/nvidia0"):
        return
    try:
        import torch

        if torch.cuda.is_available():
            for device in range(torch.cuda.device_count()):
                torch.cuda.set_per_process_memory_fraction(float(fraction), device)
    except Exception:  # noqa: BLE001 - no GPU stack: nothing to cap
        pass


if __name__ == "__main__":
    main()
