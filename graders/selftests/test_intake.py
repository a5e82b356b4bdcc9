"""Submission formats and hostile archives (graders.engine.intake): no grading, only unpacking."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from graders.engine import intake
from graders.engine.intake import IntakeError, Submission, prepare
from graders.engine.roster import RosterError, check_unique, clean_id, load_roster

CODE = b"def tokenize(text):\n    return text.split()\n"


def make_zip(path: Path, entries: dict[str, bytes], *, modes: dict[str, int] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if modes and name in modes:
                info.external_attr = modes[name] << 16
            zf.writestr(info, data)
    return path


def unpack(sub: Submission, tmp_path: Path) -> tuple[Path, list[str]]:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    prepared = prepare(sub, work)
    return Path(prepared.target), prepared.notes


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# --------------------------------------------------------------------------- formats


def test_zip_of_modules_and_zip_with_exercises_one_level_down(tmp_path):
    flat = make_zip(tmp_path / "alice.zip", {"tokenization.py": CODE, "README.md": b"hi"})
    nested = make_zip(tmp_path / "bob.zip", {"bob-repo/exercises/tokenization.py": CODE,
                                             "bob-repo/exercises/stop_words.py": b"x = 1\n",
                                             "bob-repo/tests/test_tokenization.py": b"",
                                             "__MACOSX/bob-repo/exercises/._tokenization.py": b"\0"})
    a = intake.from_argument(str(flat))
    b = intake.from_argument(f"bobby={nested}")
    assert (a.student, a.kind, b.student, b.kind) == ("alice", "zip", "bobby", "zip")
    target, _ = unpack(a, tmp_path)
    assert files_under(target) == {"tokenization.py"}
    target, _ = unpack(b, tmp_path)
    assert files_under(target) == {"tokenization.py", "stop_words.py"}
    assert (target / "tokenization.py").read_bytes() == CODE


def test_folder_per_student_as_classroom_and_gradescope_give_them(tmp_path):
    root = tmp_path / "submissions"
    (root / "alice-repo" / "exercises").mkdir(parents=True)
    (root / "alice-repo" / "exercises" / "tokenization.py").write_bytes(CODE)
    (root / "alice-repo" / ".git").mkdir()
    (root / "alice-repo" / ".git" / "tokenization.py").write_bytes(b"not this one")
    (root / "bob").mkdir()
    (root / "bob" / "tokenization.py").write_bytes(CODE)
    (root / "bob" / "helpers.py").write_bytes(b"X = 1\n")
    make_zip(root / "carol.zip", {"tokenization.py": CODE})
    (root / "notes.txt").write_text("ignored")
    subs = intake.from_folder(root)
    assert [(s.student, s.kind) for s in subs] == [("alice-repo", "folder"), ("bob", "folder"),
                                                   ("carol", "zip")]
    target, _ = unpack(subs[0], tmp_path)
    assert files_under(target) == {"tokenization.py"}
    assert (target / "tokenization.py").read_bytes() == CODE
    target, _ = unpack(subs[1], tmp_path)
    assert files_under(target) == {"tokenization.py", "helpers.py"}  # helper modules travel along


def test_id_of_a_repository_exercises_folder_is_the_repository(tmp_path):
    (tmp_path / "dana-repo" / "exercises").mkdir(parents=True)
    assert intake.from_argument(str(tmp_path / "dana-repo" / "exercises")).student == "dana-repo"
    assert intake.from_argument("solutions").kind in ("builtin", "folder")


def test_canvas_bulk_download_keeps_the_latest_resubmission(tmp_path):
    bulk = make_zip(tmp_path / "submissions.zip", {
        "smithjane_1001_5001_tokenization.py": b"# first\n" + CODE,
        "smithjane_1001_5001_tokenization-1.py": b"# second\n" + CODE,
        "smithjane_1001_5001_stop_words.py": b"x = 1\n",
        "doejohn_late_1002_5002_tokenization.py": b"# john\n" + CODE,
        "doejohn_1002_4000_tokenization-3.py": b"# an older submission\n" + CODE,
        "leeann_1003_5003_exercises.zip": make_zip(tmp_path / "inner.zip", {
            "exercises/tokenization.py": b"# zipped\n" + CODE}).read_bytes(),
        "garbage.txt": b"not a canvas file",
    })
    subs = {s.student: s for s in intake.from_canvas(bulk)}
    assert set(subs) == {"1001", "1002", "1003"}
    assert subs["1001"].name == "smithjane" and subs["1001"].kind == "canvas"
    target, _ = unpack(subs["1001"], tmp_path)
    assert files_under(target) == {"tokenization.py", "stop_words.py"}
    assert (target / "tokenization.py").read_bytes().startswith(b"# second")
    target, _ = unpack(subs["1002"], tmp_path)
    assert (target / "tokenization.py").read_bytes().startswith(b"# john")
    target, _ = unpack(subs["1003"], tmp_path)
    assert (target / "tokenization.py").read_bytes().startswith(b"# zipped")


def _notebook(cells: list[tuple[str, dict]]) -> bytes:
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": meta, "source": source,
                   "outputs": [], "execution_count": None} for i, (source, meta) in enumerate(cells)],
    }).encode()


def test_nbgrader_submitted_notebooks_are_read_not_run(tmp_path):
    root = tmp_path / "course" / "submitted"
    hw = root / "ana" / "chapter2"
    hw.mkdir(parents=True)
    (hw / "timestamp.txt").write_text("2026-12-04 10:00:00.000000 UTC")
    (hw / "tokenization.ipynb").write_bytes(_notebook([
        ("%matplotlib inline\nimport re", {"kit": {"role": "imports"}}),
        ("def tokenize(text):\n    return text.split()", {"kit": {"role": "solution"}}),
        ("assert tokenize('a b') == ['a', 'b']", {"kit": {"role": "check"}}),
    ]))
    (hw / "stop_words.ipynb").write_bytes(_notebook([
        ("def remove_stop_words(tokens, stop_words=None):\n    return tokens", {}),
        ("assert False, 'hidden test'", {"nbgrader": {"grade": True, "solution": False}}),
    ]))
    (root / "ben" / "chapter2").mkdir(parents=True)
    (root / "ben" / "chapter2" / "tokenization.ipynb").write_bytes(b"{not json")
    subs = {s.student: s for s in intake.from_nbgrader(tmp_path / "course")}
    assert set(subs) == {"ana", "ben"} and subs["ana"].submitted_at.startswith("2026-12-04")
    target, _ = unpack(subs["ana"], tmp_path)
    code = (target / "tokenization.py").read_text()
    assert "def tokenize" in code and "import re" in code
    assert "%matplotlib" not in code and "assert tokenize" not in code
    assert "hidden test" not in (target / "stop_words.py").read_text()
    compile(code, "tokenization.py", "exec")
    with pytest.raises(IntakeError, match="tokenization.ipynb: not a readable notebook"):
        unpack(subs["ben"], tmp_path)


def test_a_folder_without_exercise_files_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.py").write_text("x = 1\n")
    with pytest.raises(IntakeError, match="no exercise file found"):
        unpack(intake.from_argument(str(tmp_path / "empty")), tmp_path)


# --------------------------------------------------------------------------- hostile input


def test_zip_slip_absolute_and_dotdot_paths_never_leave_the_target(tmp_path):
    evil = make_zip(tmp_path / "evil.zip", {
        "../../escaped.py": b"pwned = 1\n",
        "/abs/tokenization.py": b"pwned = 2\n",
        "..\\..\\win.py": b"pwned = 3\n",
        "C:/windows/tokenization.py": b"pwned = 4\n",
        "ok/tokenization.py": CODE,
    })
    target, notes = unpack(intake.from_argument(str(evil)), tmp_path)
    assert files_under(target) == {"tokenization.py"}
    assert (target / "tokenization.py").read_bytes() == CODE
    assert not list(tmp_path.rglob("escaped.py")) and not Path("/abs").exists()
    assert sum("ignored" in n for n in notes) == 4


def test_symlinks_and_devices_in_a_zip_are_not_extracted(tmp_path):
    evil = make_zip(tmp_path / "links.zip", {
        "exercises/tokenization.py": b"/etc/passwd",
        "exercises/stop_words.py": b"",
        "exercises/bag_of_words.py": CODE,
    }, modes={"exercises/tokenization.py": stat.S_IFLNK | 0o777,
              "exercises/stop_words.py": stat.S_IFCHR | 0o666})
    target, notes = unpack(intake.from_argument(str(evil)), tmp_path)
    assert files_under(target) == {"bag_of_words.py"}
    assert any("symbolic link" in n for n in notes) and any("not a regular file" in n for n in notes)


def test_symlinks_in_a_folder_are_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("instructor only")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "tokenization.py").symlink_to(secret)
    (sub / "linked_dir").symlink_to(tmp_path)
    (sub / "stop_words.py").write_bytes(CODE)
    os.mkfifo(sub / "bag_of_words.py")
    target, _ = unpack(intake.from_argument(str(sub)), tmp_path)
    assert files_under(target) == {"stop_words.py"}


def test_zip_bombs_are_refused(tmp_path):
    bomb = make_zip(tmp_path / "bomb.zip", {"tokenization.py": b"0" * (8 * 1024 * 1024)})
    with pytest.raises(IntakeError, match="zip bomb"):
        unpack(intake.from_argument(str(bomb)), tmp_path)
    many = make_zip(tmp_path / "many.zip", {f"f{i}.txt": b"" for i in range(intake.MAX_ENTRIES + 1)})
    with pytest.raises(IntakeError, match="entries"):
        unpack(intake.from_argument(str(many)), tmp_path)


def test_a_zip_whose_headers_lie_about_sizes_is_cut_off(tmp_path, monkeypatch):
    """Sizes are counted while reading, not trusted from the archive's headers."""
    monkeypatch.setattr(intake, "MAX_FILE", 1000)
    big = make_zip(tmp_path / "big.zip", {"tokenization.py": b"# " + b"x" * 5000 + b"\n"})
    with pytest.raises(IntakeError, match="over"):
        unpack(intake.from_argument(str(big)), tmp_path)


def test_malformed_and_encrypted_zips_are_a_per_student_error(tmp_path):
    (tmp_path / "truncated.zip").write_bytes(make_zip(tmp_path / "x.zip", {"tokenization.py": CODE})
                                             .read_bytes()[:40])
    with pytest.raises(IntakeError, match="truncated.zip: not a readable .zip"):
        unpack(intake.from_argument(str(tmp_path / "truncated.zip")), tmp_path)
    # a flag bit that says "encrypted": reading fails cleanly
    good = make_zip(tmp_path / "enc.zip", {"tokenization.py": CODE})
    data = bytearray(good.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + offset] |= 1
    good.write_bytes(bytes(data))
    with pytest.raises(IntakeError, match="cannot read"):
        unpack(intake.from_argument(str(good)), tmp_path)


def test_non_utf8_names_are_handled(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("exercises/tokenization.py", CODE)
        zf.writestr("exercises/caf\xe9.py", b"x = 1\n")  # cp437 name (no UTF-8 flag)
    (tmp_path / "names.zip").write_bytes(buf.getvalue())
    target, _ = unpack(intake.from_argument(str(tmp_path / "names.zip")), tmp_path)
    assert files_under(target) == {"tokenization.py"}
    raw = os.fsencode(tmp_path / "root") + b"/stu\xffdent"
    os.makedirs(raw)
    with open(raw + b"/tokenization.py", "wb") as fh:
        fh.write(CODE)
    with open(raw + b"/\xfe.py", "wb") as fh:
        fh.write(b"x = 1\n")
    (sub,) = intake.from_folder(tmp_path / "root")
    assert sub.student.isascii() and sub.student.startswith("stu")
    target, _ = unpack(sub, tmp_path)
    assert files_under(target) == {"tokenization.py"}


# --------------------------------------------------------------------------- ids and roster


def test_ids_duplicates_and_roster(tmp_path):
    assert clean_id("Jane Doe/../x") == "Jane_Doe_.._x" and clean_id("..hidden") == "_.hidden"
    assert clean_id("ana@uni.edu") == "ana@uni.edu"
    with pytest.raises(RosterError, match="a/alice.zip and b/alice"):
        check_unique([("alice", "a/alice.zip"), ("bob", "b/bob"), ("alice", "b/alice")])
    roster = tmp_path / "roster.csv"
    roster.write_text("ID,Name,Email,Section\nalice,Alice,a@x,1\nbob,,,\n", encoding="utf-8")
    entries = load_roster(roster)
    assert list(entries) == ["alice", "bob"] and entries["alice"].name == "Alice"
    roster.write_text("id\nalice\nalice\n")
    with pytest.raises(RosterError, match="line 3.*twice"):
        load_roster(roster)
    roster.write_text("name\nAlice\n")
    with pytest.raises(RosterError, match="no 'id' column"):
        load_roster(roster)
