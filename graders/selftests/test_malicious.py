"""The grading engine against real malicious submissions (graders/selftests/malicious/).

Each attack is the ``tokenization.py`` of a submission folder that also holds a
correct ``stop_words.py`` (copied from the reference), so we see that the attack
costs the attacker's exercise and nothing else. All submissions are graded in
ONE ``python -m graders grade ... --jobs 2`` run, the way CI grades a class, and
each test below reads its submission's results.json. Attacks on one exercise's own
measurements live in a subfolder named for it (``malicious/attention/``) and are graded
on that exercise beside their plain counterpart.

The whole suite runs twice: in the strongest sandbox this machine has (bwrap or
namespaces), and with bubblewrap and namespaces switched off
(``KIT_SANDBOX_DISABLE=bwrap,namespaces``), the way Gradescope, unprivileged Docker
and Kubernetes hosts grade: there the engine must fall back to Landlock + seccomp.
The attacks that touch files or the network need one of those; without any, they are
skipped with the reason.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from graders.engine import sandbox
from kit.loader import REPO_ROOT

HERE = Path(__file__).parent / "malicious"
OTHER = "stop_words"
TEST_TIMEOUT = 8
MARKER = f"kitmarker{os.getpid()}"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _sandbox_mode() -> str | None:
    for mode in ("bwrap", "namespaces"):
        try:
            sandbox.choose_mode(mode)
            return mode
        except RuntimeError:
            continue
    return None


MODE = _sandbox_mode()
LANDLOCK = sandbox._landlock_works()
ROUTES = [pytest.param("sandbox", marks=pytest.mark.skipif(
              MODE is None, reason="needs bubblewrap or root with unshare")),
          pytest.param("no-namespaces", marks=pytest.mark.skipif(
              not LANDLOCK, reason="needs Linux >= 5.13 with Landlock (the fallback of hosts "
                                   "without user namespaces)"))]
NEEDS_SANDBOX = pytest.mark.skipif(MODE is None and not LANDLOCK,
                                   reason="needs bubblewrap, root with unshare, or Landlock: the "
                                          "file-system and network attacks are only contained by one")


class Listener:
    """A TCP listener on the grading machine that records whether anyone connected."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module", params=ROUTES)
def graded(request, tmp_path_factory):
    route = request.param
    root = tmp_path_factory.mktemp(f"malicious-{route}")
    out = root / "out"
    canary = root / "canary.txt"
    canary.write_text("original")
    repo_canary = REPO_ROOT / "kit" / f".canary-{os.getpid()}"
    repo_canary.write_text("original")
    listener = Listener()
    subs = []
    names = ["honest"] + sorted(p.stem for p in HERE.glob("*.py"))
    for name in names:
        folder = root / "subs" / name
        folder.mkdir(parents=True)
        shutil.copy(REPO_ROOT / "solutions" / f"{OTHER}.py", folder / f"{OTHER}.py")
        if name == "honest":
            shutil.copy(REPO_ROOT / "solutions" / "tokenization.py", folder / "tokenization.py")
        else:
            text = (HERE / f"{name}.py").read_text()
            for key, value in {"{{CORRECT_NGRAMS}}": _reference_function("tokenization", "ngrams"),
                               "{{REPO}}": str(REPO_ROOT), "{{OUT}}": str(out), "{{CANARY}}": str(canary),
                               "{{REPO_CANARY}}": str(repo_canary), "{{PORT}}": str(listener.port),
                               "{{MARKER}}": MARKER}.items():
                text = text.replace(key, value)
            (folder / "tokenization.py").write_text(text)
        subs.append(str(folder))
    _plant_extra_attacks(root, subs)
    # A secret in the grader's environment, and in a process of the same user that is not
    # the grader's (proc_snoop looks for both).
    env = dict(os.environ, KIT_SKIP_PRETRAINED="1", KIT_PROBE_SECRET=f"{MARKER}-secret")
    if route == "no-namespaces":
        env["KIT_SANDBOX_DISABLE"] = "bwrap,namespaces"
    holder = subprocess.Popen(["sleep", "900"], env={"PATH": os.environ["PATH"],
                                                     "KIT_PROBE_SECRET": f"{MARKER}-secret"})
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "graders", "grade", *subs, "--out", str(out),
                           "--jobs", "2", "--exercise", "tokenization", "--exercise", OTHER,
                           "--test-timeout", str(TEST_TIMEOUT)],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=850)
    elapsed = time.monotonic() - started
    holder.kill()
    holder.wait()
    listener.close()
    leftovers = subprocess.run(["pgrep", "-f", MARKER], capture_output=True, text=True).stdout.split()
    state = {
        "route": route, "mode": MODE if route == "sandbox" else "landlock",
        "planted_conftest": (REPO_ROOT / f"PWNED-conftest-{os.getpid()}").exists(),
        "proc": proc, "out": out, "elapsed": elapsed, "canary": canary.read_text()
        if canary.exists() else None,
        "repo_canary": repo_canary.read_text() if repo_canary.exists() else None,
        "connections": listener.connections, "leftovers": leftovers,
        "pwned": (REPO_ROOT / "PWNED").exists(), "repo_results": (REPO_ROOT / "results.json").exists(),
        "shm_probe": Path(f"/dev/shm/kitprobe-{MARKER}").exists(),
    }
    Path(f"/dev/shm/kitprobe-{MARKER}").unlink(missing_ok=True)
    repo_canary.unlink(missing_ok=True)
    (REPO_ROOT / f"PWNED-conftest-{os.getpid()}").unlink(missing_ok=True)
    for pid in leftovers:
        try:
            os.kill(int(pid), 9)
        except (OSError, ValueError):
            pass
    return state


def _reference_function(exercise: str, name: str) -> str:
    """The source of one function of the reference (for attacks that are correct elsewhere)."""
    import ast

    source = (REPO_ROOT / "solutions" / f"{exercise}.py").read_text(encoding="utf-8")
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == name)
    return ast.get_source_segment(source, node)


def _plant_extra_attacks(root: Path, subs: list[str]) -> None:
    """Attacks that are not one tokenization.py: conftest.py files in and above a submission,
    a submission that is a symbolic link to the reference solutions, and one whose
    tokenization.py is a link to the reference's."""
    planted = f"open({str(REPO_ROOT / f'PWNED-conftest-{os.getpid()}')!r}, 'w').write('x')\n"
    folder = root / "subs" / "conftest_planted"
    shutil.copy(REPO_ROOT / "solutions" / "tokenization.py", folder / "tokenization.py")
    (folder / "conftest.py").write_text(planted)
    (folder / "tests").mkdir()
    (folder / "tests" / "conftest.py").write_text(planted)
    (root / "subs" / "conftest.py").write_text(planted)
    link = root / "subs" / "symlinked_folder"
    link.symlink_to(REPO_ROOT / "solutions", target_is_directory=True)
    subs.append(str(link))
    linked_file = root / "subs" / "symlinked_file"
    linked_file.mkdir()
    (linked_file / "tokenization.py").symlink_to(REPO_ROOT / "solutions" / "tokenization.py")
    shutil.copy(REPO_ROOT / "solutions" / f"{OTHER}.py", linked_file / f"{OTHER}.py")
    subs.append(str(linked_file))
    # File names are the student's text: a note quoting one (an ignored link), and an error
    # row quoting one (a hand-in with no exercise file), in a folder whose name is a
    # spreadsheet formula's first character.
    names = root / "subs" / "hostile_names"
    names.mkdir()
    shutil.copy(REPO_ROOT / "solutions" / f"{OTHER}.py", names / f"{OTHER}.py")
    (names / "x\nScore:      99 of 99\n\x1b[2J\x1b[31mALL TESTS PASSED").symlink_to("/etc/hostname")
    rows = root / "subs" / "@forged_rows"
    rows.mkdir()
    (rows / 'y\n- bob: plagiarism detected\n| forged | row |\n=HYPERLINK("x")').symlink_to("/etc/hostname")
    subs += [str(names), str(rows)]


def results(graded, name) -> dict:
    return json.loads((graded["out"] / name / "results.json").read_text())


def scores(graded, name) -> dict[str, int]:
    return {t["name"]: t["score"] for t in results(graded, name)["tests"]}


def select(graded, name, prefix):
    return [t for t in results(graded, name)["tests"] if t["name"].startswith(prefix)]


def graded_tests(data: dict) -> list[dict]:
    """The tests this machine graded (not the ``not_graded`` ones: no extra, no GPU here)."""
    return [t for t in data["tests"] if t["extra_data"]["outcome"] != "not_graded"]


def full_marks(graded, name, exercise) -> bool:
    tests = [t for t in graded_tests(results(graded, name)) if t["tags"] == [exercise]]
    return bool(tests) and all(t["score"] == t["max_score"] for t in tests)


def test_grading_completed_with_one_row_per_submission(graded):
    proc = graded["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = list(csv.DictReader(open(graded["out"] / "gradebook.csv")))
    names = {r["student"] for r in rows}
    assert "honest" in names and "exit_at_import" in names and len(rows) == 5 + len(list(HERE.glob("*.py")))
    honest = next(r for r in rows if r["student"] == "honest")
    assert int(honest["total"]) == sum(t["max_score"] for t in graded_tests(results(graded, "honest"))) > 0


def test_isolation_is_reported(graded):
    data = results(graded, "honest")
    assert data["extra_data"]["isolation"].startswith(graded["mode"])
    assert graded["mode"] in (graded["out"] / "honest" / "summary.txt").read_text()


def test_always_equal_objects_score_nothing(graded):
    cases = select(graded, "eq_always_true", "tokenization: test_tokenize_cases")
    cases += select(graded, "eq_always_true", "tokenization: test_ngrams_cases")
    assert cases and all(t["score"] == 0 for t in cases)
    assert full_marks(graded, "eq_always_true", OTHER)


def test_exit_at_import_costs_only_that_exercise(graded):
    tok = [t for t in results(graded, "exit_at_import")["tests"] if t["tags"] == ["tokenization"]]
    assert tok and all(t["score"] == 0 for t in tok)
    assert any("sys.exit" in t["output"] or "exit code" in t["output"] or "SystemExit" in t["output"]
               for t in tok), tok[0]["output"]
    assert full_marks(graded, "exit_at_import", OTHER)


def test_os_exit_in_a_call_fails_that_function_only(graded):
    tokenize = select(graded, "os_exit_in_call", "tokenization: test_tokenize_cases")
    ngrams = select(graded, "os_exit_in_call", "tokenization: test_ngrams_cases")
    assert tokenize and all(t["score"] == 0 for t in tokenize)
    assert "ended" in tokenize[0]["output"]
    assert ngrams and all(t["score"] == t["max_score"] for t in ngrams)
    assert full_marks(graded, "os_exit_in_call", OTHER)


def test_patched_checkers_change_nothing(graded):
    cases = select(graded, "patch_checkers", "tokenization: test_tokenize_cases")
    assert cases and all(t["score"] == 0 for t in cases)


def test_written_results_are_ignored(graded):
    data = results(graded, "write_results")
    cases = [t for t in data["tests"] if t["name"].startswith("tokenization: test_tokenize_cases")
             and "empty string" not in t["name"]]  # [] is the right answer there
    assert cases and all(t["score"] == 0 for t in cases)
    assert data["score"] < data["max_score"] < 10**6
    honest = results(graded, "honest")
    assert honest["score"] == sum(t["max_score"] for t in graded_tests(honest)) < 10**6
    assert not graded["repo_results"], "a results.json appeared in the repository"
    assert graded["canary"] == "original", "the canary outside the submission was changed"


def test_hidden_graders_and_solutions_cannot_be_read(graded):
    cases = select(graded, "read_hidden", "tokenization: test_tokenize_cases")
    assert cases and all(t["score"] == 0 for t in cases)


def test_stack_walking_finds_no_expected_values(graded):
    cases = select(graded, "stack_walk", "tokenization: test_tokenize_cases")
    assert cases and all(t["score"] == 0 for t in cases), [t["name"] for t in cases if t["score"]]


def test_a_hung_call_that_ignores_sigterm_fails_that_test_only(graded):
    data = results(graded, "sigterm_loop")
    failed = [t for t in graded_tests(data) if t["score"] < t["max_score"]]
    assert [t["name"] for t in failed] == ["tokenization: test_tokenize_cases[the empty string]"]
    assert "timed out" in failed[0]["output"]


def test_a_memory_bomb_fails_that_test_only(graded):
    data = results(graded, "memory_bomb")
    failed = [t for t in graded_tests(data) if t["score"] < t["max_score"]]
    assert [t["name"] for t in failed] == ["tokenization: test_tokenize_cases[the empty string]"]
    assert "MemoryError" in failed[0]["output"] or "memory" in failed[0]["output"]


def test_detached_children_do_not_survive(graded):
    assert graded["leftovers"] == [], f"processes left behind: {graded['leftovers']}"


@NEEDS_SANDBOX
def test_no_network_from_the_worker(graded):
    assert graded["connections"] == 0, "the submission reached a listener on the grading machine"


def test_huge_output_is_bounded(graded):
    assert full_marks(graded, "huge_output", "tokenization")
    log = graded["out"] / "huge_output" / "grader.log"
    assert log.stat().st_size < 1_000_000


@NEEDS_SANDBOX
def test_files_outside_the_submission_are_untouched(graded):
    assert graded["canary"] == "original"
    assert graded["repo_canary"] == "original"
    assert not graded["pwned"]
    assert (REPO_ROOT / "graders" / "test_tokenization.py").is_file()


def test_conftest_files_in_and_above_a_submission_never_run(graded):
    assert not graded["planted_conftest"], "a conftest.py of a submission ran in the grader"
    assert full_marks(graded, "conftest_planted", "tokenization")


def test_a_symlinked_submission_is_refused(graded):
    rows = {r["student"]: r for r in csv.DictReader(open(graded["out"] / "gradebook.csv"))}
    row = rows["symlinked_folder"]
    assert int(row["total"]) == 0 and "symbolic link" in row["error"], row


def test_a_symlinked_exercise_file_is_not_graded(graded):
    data = results(graded, "symlinked_file")
    tok = [t for t in data["tests"] if t["tags"] == ["tokenization"]]
    assert tok and all(t["score"] == 0 for t in tok)
    assert full_marks(graded, "symlinked_file", OTHER)
    assert "a symbolic link" in (graded["out"] / "symlinked_file" / "grader.log").read_text()


def test_arguments_changed_by_the_student_never_reach_the_test(graded):
    """Emptying its input list gains nothing over the same empty answers (empty_answers),
    and the "leaves its input alone" test sees the change."""
    attack = scores(graded, "write_back_inputs")
    control = scores(graded, "empty_answers")
    cases = [name for name in attack if name.startswith("tokenization: test_ngrams_cases")]
    assert cases and all(attack[name] == control[name] for name in cases)
    alone = "tokenization: test_ngrams_leaves_its_input_alone"
    assert attack[alone] == 0 and control[alone] > 0


def test_hostile_text_leaves_every_report_well_formed(graded):
    import xml.etree.ElementTree as ET

    folder = graded["out"] / "surrogate_text"
    data = json.loads((folder / "results.json").read_text(encoding="utf-8"),
                      parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    ET.parse(folder / "junit.xml")
    summary = (folder / "summary.txt").read_text(encoding="utf-8")
    assert "\x1b" not in summary and "\x00" not in summary and "\r" not in summary
    assert "Score:      999" not in summary.split("\n", 3)[-1].split("Tests that did not pass")[0]
    outputs = " ".join(t["output"] for t in data["tests"])
    assert "\\udc80" in outputs and "\x1b" not in outputs
    assert max(len(t["output"]) for t in data["tests"]) < 5000


def test_hand_in_file_names_cannot_forge_report_lines(graded):
    """A file name quoted in a note or an error stays on its line, without escape sequences,
    in summary.txt, the class summary and gradebook.csv; no gradebook cell starts a formula."""
    out = graded["out"]
    mine = (out / "hostile_names" / "summary.txt").read_text(encoding="utf-8")
    assert "ALL TESTS PASSED" in mine, "the note about the link should still be shown"
    gradebook = (out / "gradebook.csv").read_text(encoding="utf-8")
    everything = mine + (out / "summary.txt").read_text(encoding="utf-8") + gradebook
    assert "\x1b" not in everything
    lines = everything.splitlines()
    assert not [line for line in lines if line.startswith(("Score:      99", "- bob:", "| forged"))], lines
    rows = list(csv.reader(gradebook.splitlines()))
    assert len(rows) == len(gradebook.splitlines()), "a gradebook cell spans several lines"
    forged = next(r for r in rows if r[0].endswith("@forged_rows"))
    assert forged[0] == "'@forged_rows" and "plagiarism" in forged[-1]
    assert not [c for r in rows for c in r if c.startswith(("=", "@"))]


def test_tmpfs_filling_is_bounded(graded):
    assert full_marks(graded, "tmpfs_filler", OTHER)
    leftovers = [p for folder in ("/tmp", "/dev/shm")
                 for p in [*Path(folder).glob("kit-worker-*/kitfill*"), *Path(folder).glob("kitfill*")]]
    assert not leftovers, leftovers[:3]


@NEEDS_SANDBOX
def test_the_worker_sees_no_other_process_and_makes_no_device(graded):
    """Other processes' environments and command lines (the grader's, a same-user process
    holding a secret) are out of reach, no device file can be made, and nothing is left in
    the machine's /dev/shm."""
    tok = [t for t in results(graded, "proc_snoop")["tests"] if t["tags"] == ["tokenization"]]
    assert tok and all(t["score"] == 0 for t in tok)
    said = {t["output"].split("snooped: ", 1)[-1].split("\n")[0] for t in tok if "snooped: " in t["output"]}
    assert said == {"nothing"}, said
    assert not graded["shm_probe"], "a file was left in the machine's /dev/shm"
    assert full_marks(graded, "proc_snoop", OTHER)


def test_a_thread_and_process_bomb_is_contained(graded):
    assert full_marks(graded, "thread_bomb", OTHER)
    assert graded["proc"].returncode == 0


def test_forged_oversize_replies_fail_only_those_calls(graded):
    data = results(graded, "forged_reply")
    tok = [t for t in data["tests"] if t["tags"] == ["tokenization"]]
    assert tok and all(t["score"] == 0 for t in tok if "empty" not in t["name"])
    assert any("malformed reply" in t["output"] or "over the limit" in t["output"] for t in tok)
    assert full_marks(graded, "forged_reply", OTHER)


def test_a_reply_the_grader_cannot_rebuild_fails_only_that_call(graded):
    data = results(graded, "device_claim")
    tokenize = select(graded, "device_claim", "tokenization: test_tokenize_cases")
    assert tokenize and all(t["score"] == 0 for t in tokenize)
    ngrams = select(graded, "device_claim", "tokenization: test_ngrams_cases")
    assert ngrams and all(t["score"] == t["max_score"] for t in ngrams)
    assert full_marks(graded, "device_claim", OTHER)
    assert not data["extra_data"].get("crash"), data["extra_data"].get("crash")


def test_whole_batch_time_is_bounded(graded):
    # ~22 submissions, 2 at a time, two timeouts of TEST_TIMEOUT s: generous bound
    assert graded["elapsed"] < 600, graded["elapsed"]


# --------------------------------------------------------------------------- a patched op counter

COUNTED = "attention"


def _loop_over_heads_source() -> str:
    """The catalogued mistake ``attention/loop_over_heads`` as one self-contained file: the
    reference, with its ``scaled_dot_product_attention`` replaced by the mistake's loop."""
    import ast

    mutant = (REPO_ROOT / "graders" / "mutants" / COUNTED / "loop_over_heads.py").read_text()
    node = next(n for n in ast.parse(mutant).body
                if isinstance(n, ast.FunctionDef) and n.name == "scaled_dot_product_attention")
    reference = (REPO_ROOT / "solutions" / f"{COUNTED}.py").read_text()
    return (f"{reference}\n\n_reference = scaled_dot_product_attention\n\n\n"
            f"{ast.get_source_segment(mutant, node)}\n")


@pytest.fixture(scope="module", params=ROUTES)
def counter_attack(request, tmp_path_factory):
    """The plain loop over heads and the same loop with a patched operation counter
    (malicious/attention/patched_op_counter.py), graded on attention in one run."""
    root = tmp_path_factory.mktemp(f"op-counter-{request.param}")
    plain = _loop_over_heads_source()
    attack = (HERE / COUNTED / "patched_op_counter.py").read_text()
    for name, text in {"plain_loop": plain, "patched_op_counter": f"{plain}\n\n{attack}"}.items():
        (root / "subs" / name).mkdir(parents=True)
        (root / "subs" / name / f"{COUNTED}.py").write_text(text)
    env = dict(os.environ, KIT_SKIP_PRETRAINED="1")
    if request.param == "no-namespaces":
        env["KIT_SANDBOX_DISABLE"] = "bwrap,namespaces"
    out = root / "out"
    proc = subprocess.run([sys.executable, "-m", "graders", "grade", str(root / "subs" / "plain_loop"),
                           str(root / "subs" / "patched_op_counter"), "--out", str(out), "--jobs", "2",
                           "--exercise", COUNTED, "--test-timeout", "30"],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {name: json.loads((out / name / "results.json").read_text())
            for name in ("plain_loop", "patched_op_counter")}


def test_a_patched_op_counter_gains_no_points(counter_attack):
    """Operation counts are measured inside the worker, so they are feedback worth no points:
    the attack fools them (it passes the vectorisation tests the plain loop fails) and still
    scores exactly what the plain loop scores, test by test."""
    plain = {t["name"]: t for t in graded_tests(counter_attack["plain_loop"])}
    attack = {t["name"]: t for t in graded_tests(counter_attack["patched_op_counter"])}
    assert plain.keys() == attack.keys()
    counted = [name for name in plain if "vectorised" in name]
    assert len(counted) == 2, counted
    # The counter works on honest code, the attack is real, and neither result is worth a point.
    assert all(plain[name]["extra_data"]["outcome"] == "failed" for name in counted)
    assert all(attack[name]["extra_data"]["outcome"] == "passed" for name in counted)
    assert all(plain[name]["max_score"] == attack[name]["max_score"] == 0 for name in counted)
    assert {n: t["score"] for n, t in attack.items()} == {n: t["score"] for n, t in plain.items()}
    assert counter_attack["patched_op_counter"]["score"] == counter_attack["plain_loop"]["score"] > 0
