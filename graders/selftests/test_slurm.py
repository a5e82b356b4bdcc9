"""A real Slurm cluster on this machine runs examples/slurm: 3 CPU shards as an array job,
then the merge job (--dependency=afterany); its gradebook equals an unsharded run's.

The test starts munged, slurmctld and slurmd itself (one node, localhost, 2 CPUs, no
cgroups, everything in a temporary folder) and stops them at the end. It needs root and
Debian's ``slurm-wlm`` and ``munge`` packages (``.ci/run`` installs them); without them it
skips and says so.
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from kit.loader import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]
CLASS = REPO_ROOT / "examples" / "class"
EXERCISES = "--exercise tokenization --exercise stop_words"
PROGRAMS = ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _slurm_conf(tmp: Path, host: str) -> str:
    return f"""\
ClusterName=kittest
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
AuthType=auth/munge
AuthInfo=socket={tmp}/munge.sock
CredType=cred/munge
StateSaveLocation={tmp}/state
SlurmdSpoolDir={tmp}/spool
SlurmctldPidFile={tmp}/slurmctld.pid
SlurmdPidFile={tmp}/slurmd.pid
SlurmctldLogFile={tmp}/slurmctld.log
SlurmdLogFile={tmp}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName={host} NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""


@pytest.fixture
def cluster(tmp_path):
    missing = [p for p in PROGRAMS if shutil.which(p) is None]
    if missing:
        pytest.skip(f"Slurm is not installed here (missing {', '.join(missing)}); .ci/run installs "
                    "Debian's slurm-wlm and munge")
    if os.geteuid() != 0:
        pytest.skip("the single-node Slurm cluster of this test runs its daemons as root")
    # munged wants every folder above its socket searchable by all (pytest's are 0700)
    slurm = Path(tempfile.mkdtemp(prefix="kit-slurm-"))
    os.chmod(slurm, 0o755)
    for sub in ("state", "spool"):
        (slurm / sub).mkdir(parents=True)
    host = socket.gethostname().split(".")[0]
    conf = slurm / "slurm.conf"
    conf.write_text(_slurm_conf(slurm, host))
    env = dict(os.environ, SLURM_CONF=str(conf))
    subprocess.run(["mungekey", "-c", "-k", str(slurm / "munge.key")], check=True, capture_output=True)
    os.chmod(slurm / "munge.key", 0o600)
    daemons = []
    logs = open(slurm / "daemons.out", "wb")
    try:
        daemons.append(subprocess.Popen(
            ["munged", "-F", f"--key-file={slurm}/munge.key", f"--socket={slurm}/munge.sock",
             f"--pid-file={slurm}/munged.pid", f"--log-file={slurm}/munged.log",
             f"--seed-file={slurm}/munged.seed"], stdout=logs, stderr=subprocess.STDOUT))
        _wait(lambda: (slurm / "munge.sock").exists(), 30, "munged did not start", slurm)
        daemons.append(subprocess.Popen(["slurmctld", "-D", "-i", "-f", str(conf)], env=env,
                                        stdout=logs, stderr=subprocess.STDOUT))
        daemons.append(subprocess.Popen(["slurmd", "-D", "-f", str(conf), "-N", host], env=env,
                                        stdout=logs, stderr=subprocess.STDOUT))
        _wait(lambda: subprocess.run(["sinfo", "-h", "-o", "%t"], env=env, capture_output=True,
                                     text=True).stdout.strip() == "idle", 90,
              "the Slurm node did not become idle", slurm)
        yield env, slurm
    finally:
        for proc in reversed(daemons):
            proc.terminate()
        for proc in reversed(daemons):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        logs.close()
        shutil.rmtree(slurm, ignore_errors=True)


def _logs(slurm: Path) -> str:
    text = []
    for path in sorted(slurm.rglob("*.log")) + sorted(slurm.rglob("*.out")):
        text.append(f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:])
    return "\n".join(text)


def _wait(ready, seconds: float, message: str, slurm: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.5)
    raise AssertionError(f"{message}\n{_logs(slurm)}")


def _gradebook(path: Path) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "run"}
            for row in csv.DictReader(open(path, encoding="utf-8"))]


def test_the_slurm_recipe_grades_the_class_like_one_run(cluster, tmp_path):
    env, slurm = cluster
    grading = tmp_path / "grading"
    job_env = dict(env, SUBMISSIONS=str(CLASS), ROSTER=str(CLASS / "roster.csv"), SHARDS="3",
                   GPU_SHARDS="0", CPUS_PER_SHARD="1", GRADING=str(grading), KIT_DIR=str(REPO_ROOT),
                   KIT_PYTHON=sys.executable, GRADE_ARGS=EXERCISES, KIT_SKIP_PRETRAINED="1",
                   PYTHONPATH=str(REPO_ROOT))
    submitted = subprocess.run(["bash", str(REPO_ROOT / "examples" / "slurm" / "submit.sh")],
                               env=job_env, capture_output=True, text=True, timeout=60)
    assert submitted.returncode == 0, submitted.stderr + _logs(slurm)
    # meanwhile, the same class in one run here
    reference = tmp_path / "all"
    proc = subprocess.run([sys.executable, "-m", "graders", "grade", "--by-folder", str(CLASS),
                           "--roster", str(CLASS / "roster.csv"), *EXERCISES.split(), "--jobs", "1",
                           "--out", str(reference)], cwd=REPO_ROOT,
                          env=dict(os.environ, KIT_SKIP_PRETRAINED="1"),
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr

    def queue_empty() -> bool:
        out = subprocess.run(["squeue", "-h"], env=env, capture_output=True, text=True).stdout
        return not out.strip()

    _wait(queue_empty, 900, "the Slurm jobs did not finish",
          slurm if not grading.exists() else grading)
    gradebook = grading / "class" / "gradebook.csv"
    assert gradebook.exists(), _logs(grading) + _logs(slurm)
    shards = {p.name for p in (grading / "logs").glob("cpu-*.out")}
    assert len(shards) == 3, shards
    assert _gradebook(gradebook) == _gradebook(reference / "gradebook.csv")
    runs = {row["run"] for row in csv.DictReader(open(gradebook))} - {""}
    assert len(runs) == 3 and all(r.startswith("cpu-") for r in runs)
