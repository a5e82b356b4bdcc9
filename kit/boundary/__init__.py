"""The value boundary between a test and the implementation under test.

One package, one job: everything that crosses between the trusted side (tests, the
grading engine) and the implementation's side (a student's code, in-process or in a
sandboxed worker) is defined here once.

* :mod:`.codec` -- values as plain data (a JSON tree + byte buffers), never pickled;
* :mod:`.wire` -- message framing with size limits checked before parsing;
* :mod:`.handles` -- :class:`~.handles.Remote`, stand-ins for the implementation's objects;
* :mod:`.ops` -- the operation table, run on the implementation's side;
* :mod:`.session` -- the test's side: every operation defined once over one transport
  method; :class:`~.session.LocalSession` runs in-process;
* :mod:`.worker` -- the worker process's loop (the sandboxed transport's far end);
* :mod:`.sanitize` -- student-originated text made safe for reports.

Tests use the small API in :mod:`kit.remote`; the engine's sandboxed session lives in
``graders/engine/sandbox.py``.
"""
